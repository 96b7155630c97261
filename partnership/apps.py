from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership"

    def ready(self) -> None:
        from . import admin_site, lookups, signals  # noqa: F401
