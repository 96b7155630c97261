"""Time the referral list, its search and export, and logging and changing a referral, on the
data in the database: a benchmark, not a test.

    bash .ci/with-servers.sh sh -c 'uv run python manage.py migrate -v0 &&
        uv run python manage.py seed_demo --referrals 1000000 --seed 7 &&
        uv run python manage.py benchmark_referrals'

For the demo officer (whose agency holds over half the referrals) and the performance lead
(who sees them all), prints the median time of the whole list page (the test client: view,
queries, template) for the first, a middle and the last page, reference searches and filters,
an export of a month's referrals and a refused export; then the median time of logging a
referral and of recording first contact through the services (each in a transaction rolled
back afterwards, so nothing changes). Beside each, the median of a plain SQL anchor reading or
writing the same rows, and the ratio of the two. Meant for PostgreSQL (DATABASE_URL): it
refuses SQLite unless --allow-sqlite is given, and then prints no anchors (their SQL is
PostgreSQL's).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.benchmarking import (
    compared,
    median_time,
    ms,
    rolled_back,
    signed_in_client,
    sql_anchor,
)
from partnership.constants import Role
from partnership.models import User
from partnership.pagination import encode_key
from referrals import identity, services
from referrals.constants import Status
from referrals.models import Referral
from referrals.selectors import referrals_for_user

LIST = reverse("referrals:referral_list")
EXPORT = reverse("referrals:referral_export")
COLUMNS = "r.*, s.name, a.name"
FROM = (
    "referrals_referral r JOIN commissioning_commissionedservice s ON s.id = r.service_id "
    "LEFT JOIN partnership_area a ON a.id = r.area_id"
)
NEWEST = "ORDER BY r.received_at DESC, r.id DESC"
EXPORTED = 5_000  # about how many referrals the timed export holds


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=9, help="timed runs of each measure")
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="run on SQLite (for trying it out)"
        )

    def handle(self, *args, repeat, allow_sqlite, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "The benchmark is for PostgreSQL: set DATABASE_URL (e.g. run it through "
                "bash .ci/with-servers.sh), or give --allow-sqlite to try it out."
            )
        total = Referral.objects.count()
        if not total:
            raise CommandError("No referrals: run seed_demo first.")
        self.stdout.write(
            f"{total:,} referrals on {connection.vendor}; median of {repeat} runs after one "
            "warm-up; the anchor is plain SQL reading or writing the same rows."
        )
        self.repeat = repeat
        for user in self._users():
            self._lists(user)
        self._writes()

    def _users(self) -> list[User]:
        users = []
        for role in (Role.OFFICER, Role.PERFORMANCE_LEAD):
            found = (
                User.objects.filter(groups__name=role, is_active=True).order_by("username").first()
            )
            if found is None:
                raise CommandError(f"No active {role} to ask as.")
            users.append(found)
        return users

    def _time(self, label: str, work, anchor) -> None:
        measured, _ = median_time(work, self.repeat)
        if connection.vendor != "postgresql":  # the anchors' SQL is PostgreSQL's
            self.stdout.write(f"  {label:<34} {ms(measured)}")
            return
        anchored, _ = median_time(anchor, self.repeat)
        self.stdout.write(compared(label, measured, anchor=anchored))

    # The list -----------------------------------------------------------------------------------

    def _lists(self, user: User) -> None:
        client = signed_in_client(user)
        visible, visible_params = _visibility(user)
        self.stdout.write(f"\nAs {user.username} ({visible_params['count']:,} referrals visible):")

        def page(params):
            def request():
                response = client.get(LIST, params, secure=True)
                if response.status_code != 200:
                    raise CommandError(f"The list answered {response.status_code}.")

            return request

        def anchor(where: str, params: list, order: str = NEWEST):
            sql = f"SELECT {COLUMNS} FROM {FROM} WHERE {visible} {where} {order} LIMIT 51"  # noqa: S608
            return sql_anchor([(sql, visible_params["values"] + params)])

        for label, params, where, values, order in _list_cases(user):
            self._time(label, page(params), anchor(where, values, order))
        self._exports(client, user, visible, visible_params["values"])

    def _exports(self, client, user: User, visible: str, values: list) -> None:
        """An export of the latest days that hold about EXPORTED referrals, then one refused."""
        last = timezone.localdate() - timedelta(days=1)
        recent = referrals_for_user(user).filter(
            received_at__gte=timezone.now() - timedelta(days=28)
        )
        days = max(1, round(EXPORTED / max(1, recent.count() / 28)))
        first = last - timedelta(days=days - 1)
        dates = {
            **{f"received_from_{i}": part for i, part in enumerate(_parts(first))},
            **{f"received_to_{i}": part for i, part in enumerate(_parts(last))},
        }
        start, end = _midnight(first), _midnight(last + timedelta(days=1))
        shown = Referral.objects.filter(received_at__gte=start, received_at__lt=end)
        exported = shown.filter(pk__in=referrals_for_user(user)).count()

        def export(params):
            def request():
                response = client.get(EXPORT, params, secure=True)
                if response.status_code == 200:
                    b"".join(response.streaming_content)

            return request

        rows = (
            f"SELECT {COLUMNS} FROM {FROM} WHERE {visible} AND r.received_at >= %s "  # noqa: S608
            f"AND r.received_at < %s {NEWEST}"
        )
        label = f"export: {exported:,} referrals ({days} days)"
        self._time(label, export(dates), sql_anchor([(rows, [*values, start, end])]))
        refused = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM referrals_referral r "  # noqa: S608
            f"WHERE {visible} LIMIT 10001) AS counted"
        )
        self._time("export refused (over 10,000)", export({}), sql_anchor([(refused, values)]))

    # The writes ---------------------------------------------------------------------------------

    def _writes(self) -> None:
        officer = self._users()[0]
        waiting = (
            referrals_for_user(officer)
            .filter(status=Status.RECEIVED)
            .select_related("service")
            .order_by("-received_at")
            .first()
        )
        if waiting is None:
            raise CommandError(f"No referral of {officer.username}'s is waiting for contact.")
        service = waiting.service
        self.stdout.write(f"\nWrites as {officer.username} (each rolled back):")
        now = timezone.now()
        person = identity.person_key("Benchmark Person", now.date() - timedelta(days=12_000))

        def log():
            services.referral_create(
                by=officer,
                service=service,
                received_at=now - timedelta(hours=1),
                source="police",
                subject="victim_survivor",
                area=None,
                risk_level="medium",
                heard_at_marac=False,
                children_in_household=0,
                age_band="25_34",
                gender="woman",
                ethnic_group="white_british",
                disability="no",
                sexual_orientation="not_known",
                no_recourse_to_public_funds="no",
                person_key=person,
            )

        def contact():
            services.referral_record_contact(referral=waiting, by=officer, contacted_at=now)

        columns = [connection.ops.quote_name(f.column) for f in Referral._meta.concrete_fields]
        copy_row = (
            f"INSERT INTO referrals_referral ({', '.join(columns)}) "  # noqa: S608
            "SELECT (SELECT MAX(id) + 1 FROM referrals_referral), 'R-9999-' || id, "
            f"{', '.join(columns[2:])} FROM referrals_referral WHERE id = %s"
        )
        self._time(
            "log a referral",
            rolled_back(log),
            rolled_back(sql_anchor([(copy_row, [waiting.pk])])),
        )
        update = (
            "UPDATE referrals_referral SET status = 'contacted', first_contact_at = %s, "
            "status_changed_at = %s WHERE id = %s"
        )
        self._time(
            "record first contact",
            rolled_back(contact),
            rolled_back(sql_anchor([(update, [now, now, waiting.pk])])),
        )


def _visibility(user: User) -> tuple[str, dict]:
    """The user's visibility rule as SQL, as the selector asks it (ids first)."""
    count = referrals_for_user(user).count()
    if user.has_role(Role.PERFORMANCE_LEAD):
        return "TRUE", {"values": [], "count": count}
    services_ = list(
        CommissionedService.objects.filter(provider_id=user.organisation_id).values_list(
            "pk", flat=True
        )
    )
    people = list(
        User.objects.filter(organisation_id=user.organisation_id).values_list("pk", flat=True)
    )
    return "(r.service_id = ANY(%s) OR r.logged_by_id = ANY(%s))", {
        "values": [services_, people],
        "count": count,
    }


def _list_cases(user: User) -> list[tuple]:
    """(label, the list's query, the anchor's extra WHERE, its values, its ORDER BY)."""
    visible = referrals_for_user(user)
    ordered = visible.order_by("-received_at", "-pk")
    middle = ordered[visible.count() // 2]  # OFFSET once, to find a middle page's key
    year = timezone.localdate().year - 1
    number = 123
    reference = f"R-{year}-{number:06d}"
    numbers = [f"R-{y}-{number:06d}" for y in range(2019, year + 2)]
    area = visible.exclude(area=None).values_list("area_id", flat=True).first()
    by_reference = "ORDER BY r.reference DESC, r.id DESC"
    return [
        ("first page", {}, "", [], NEWEST),
        (
            "middle page",
            {"after": encode_key((middle.received_at, middle.pk))},
            "AND (r.received_at, r.id) < (%s, %s)",
            [middle.received_at, middle.pk],
            NEWEST,
        ),
        ("last page", {"page": "last"}, "", [], "ORDER BY r.received_at, r.id"),
        (
            "search: a whole reference",
            {"q": reference},
            "AND r.reference = %s",
            [reference],
            by_reference,
        ),
        (
            "search: a number, every year",
            {"q": str(number)},
            "AND r.reference = ANY(%s)",
            [numbers],
            by_reference,
        ),
        (
            f"search: how it starts (R-{year})",
            {"q": f"R-{year}"},
            "AND r.reference LIKE %s",
            [f"R-{year}-%"],
            by_reference,
        ),
        (
            "filter: status received",
            {"status": "received"},
            "AND r.status = %s",
            ["received"],
            NEWEST,
        ),
        (
            "filter: district and high risk",
            {"area": area, "risk_level": "high"},
            "AND r.area_id = %s AND r.risk_level = %s",
            [area, "high"],
            NEWEST,
        ),
        (
            "filter: contact overdue",
            {"contact_overdue": "on"},
            "AND r.status = 'received' AND r.first_contact_due_at <= now()",
            [],
            NEWEST,
        ),
    ]


def _parts(day) -> list[int]:
    return [day.day, day.month, day.year]


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))
