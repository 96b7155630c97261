"""Fictional demo data: the county of Eastshire, its six districts, partners and demo users.

Every name here is invented. Each app adds its own demo data in `<app>/demo.py`, a `seed(ctx)`
function called in dependency order with the same context, so one seed gives one data set.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .constants import OrganisationKind, Role
from .models import Area, Organisation, User

DEMO_PASSWORD = "demo-password-eastshire"  # development only; printed by seed_demo
# The demo users who need a second factor share this authenticator key (development only, printed
# by seed_demo like the password): add it to any authenticator app, or run `manage.py demo_code`.
DEMO_TOTP_KEY_HEX = b"eastshire-demo-totp!".hex()

DISTRICTS = [
    # name, code, population
    ("Northvale", "E07900001", 148_200),
    ("Southmere", "E07900002", 121_700),
    ("Westbrook", "E07900003", 96_400),
    ("Eastfield", "E07900004", 134_900),
    ("Kingsford", "E07900005", 87_300),
    ("Ashdown", "E07900006", 112_600),
]

ORGANISATIONS = [
    ("Eastshire County Council", OrganisationKind.COUNTY_COUNCIL),
    ("Eastshire Police", OrganisationKind.POLICE),
    ("Office of the Eastshire Police and Crime Commissioner", OrganisationKind.PCC),
    ("Eastshire Integrated Care Board", OrganisationKind.HEALTH),
    ("Harbour Lights Domestic Abuse Service", OrganisationKind.PROVIDER),
    ("Turning Point Behaviour Change", OrganisationKind.PROVIDER),
    ("Little Oaks Children's Support", OrganisationKind.CHARITY),
    ("Beacon House Refuges", OrganisationKind.CHARITY),
] + [(f"{name} District Council", OrganisationKind.DISTRICT_COUNCIL) for name, _, _ in DISTRICTS]

# username: (role, organisation, first name, last name, job title)
DEMO_USERS = {
    "officer": (
        Role.OFFICER,
        "Harbour Lights Domestic Abuse Service",
        "Olivia",
        "Marsh",
        "Senior IDVA",
    ),
    "officer.beacon": (
        Role.OFFICER,
        "Beacon House Refuges",
        "Ravi",
        "Penrose",
        "Refuge support worker",
    ),
    "performance": (
        Role.PERFORMANCE_LEAD,
        "Eastshire County Council",
        "Priya",
        "Lockwood",
        "Performance and intelligence lead",
    ),
    "commissioner": (
        Role.COMMISSIONER,
        "Eastshire County Council",
        "Callum",
        "Frost",
        "Domestic abuse commissioning manager",
    ),
    "councillor": (
        Role.COMMITTEE_MEMBER,
        "Eastshire County Council",
        "Morag",
        "Ellery",
        "County councillor",
    ),
    "clerk": (
        Role.CLERK,
        "Eastshire County Council",
        "Tomasz",
        "Hale",
        "Democratic services officer",
    ),
    "admin": (Role.ADMIN, "Eastshire County Council", "Amira", "Quinn", "System administrator"),
}

APP_DEMOS = [
    "commissioning.demo",
    "referrals.demo",
    "referrals.demo_statutory",
    "referrals.imports.demo",
    "scrutiny.demo",
    "scrutiny.retention.demo",
]


@dataclass
class DemoContext:
    rng: random.Random
    referrals: int
    today: date
    areas: dict[str, Area] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def demo_data_exists() -> bool:
    return User.objects.exists()


def seed_demo(
    *, referrals: int = 20_000, seed: int = 2021, today: date | None = None
) -> DemoContext:
    """Create the demo data set. Deterministic for a seed and a date."""
    ctx = DemoContext(
        rng=random.Random(seed), referrals=referrals, today=today or timezone.localdate()
    )
    with transaction.atomic():
        _seed_core(ctx)
        for module_name in APP_DEMOS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            module.seed(ctx)
    return ctx


def _seed_core(ctx: DemoContext) -> None:
    for name, code, population in DISTRICTS:
        ctx.areas[name] = Area.objects.create(name=name, code=code, population=population)
    for name, kind in ORGANISATIONS:
        ctx.organisations[name] = Organisation.objects.create(name=name, kind=kind)
    groups = {group.name: group for group in Group.objects.all()}
    # Hashed once: the demo password is public, and each hash takes a good part of a second.
    password = make_password(DEMO_PASSWORD)
    for username, (role, organisation, first, last, title) in DEMO_USERS.items():
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            job_title=title,
            organisation=ctx.organisations[organisation],
        )
        user.password = password
        user.save()
        user.groups.add(groups[role])
        ctx.users[username] = user
    _set_up_demo_authenticators(ctx)
    ctx.log.append(f"{len(ctx.areas)} districts, {len(ctx.organisations)} organisations")


def _set_up_demo_authenticators(ctx: DemoContext) -> None:
    """Give demo users who need a second factor the shared demo key, so `make run` lets them in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .two_factor import required_for

    for user in ctx.users.values():
        if required_for(user):
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
