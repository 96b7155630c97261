"""Tasks that only the test worker loads (see conftest.py), to show what the worker can read."""

from celery import shared_task

from partnership.models import Organisation


@shared_task(name="tests.organisation_names")
def organisation_names() -> list[str]:
    return sorted(Organisation.objects.values_list("name", flat=True))
