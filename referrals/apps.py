from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from .stored_figures import forget_after_migrating
        from .summary import connect_signals

        connect_signals()
        post_migrate.connect(forget_after_migrating, sender=self)
