"""Fill an empty database with the fictional Eastshire demo data set and print the demo logins.

Development only: it refuses to run with DJANGO_DEBUG off, because the demo password is public.
"""

import time
from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_KEY_HEX,
    DEMO_USERS,
    demo_data_exists,
    seed_demo,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, default=20_000, help="referrals to create")
        parser.add_argument(
            "--seed", type=int, default=2021, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database has users"
        )

    def handle(self, *args, referrals, seed, if_empty, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only (DJANGO_DEBUG is off).")
        if demo_data_exists():
            if if_empty:
                self.stdout.write("The database already has data; demo data not added.")
                self._print_logins()
                return
            raise CommandError("The database already has users. Use a fresh database.")
        started = time.monotonic()
        ctx = seed_demo(referrals=referrals, seed=seed)
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data created in {time.monotonic() - started:.1f} s.")
        )
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, (role, organisation, *_rest) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<16} {role.label:<18} {organisation}")
        key = b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
        self.stdout.write(
            "Officers, performance leads, commissioners and admins then enter a code from an "
            f"authenticator app set up with the demo key {key}\n"
            "  (any app, `oathtool --totp -b KEY`, or `uv run python manage.py demo_code`)."
        )
