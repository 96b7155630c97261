"""Print the code an authenticator app would show now for the demo users' shared key.

Development only, like the demo password: for signing in as a demo user on a laptop without an
authenticator app (`oathtool --totp -b KEY` gives the same code).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from partnership.demo import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code is for development only (DJANGO_DEBUG is off).")
        totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX))
        self.stdout.write(f"{totp.token():06d}")
