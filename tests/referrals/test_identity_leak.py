"""No identifying input ever reaches the database, the logs, the pages or the error reports.

Known values go through the browser form's view (client POSTs): a referral that saves, a repeat
of it, a form that fails validation and a save that fails with a server error. Then every log
line (every logger, at DEBUG, with SQL statements and their parameters), every page returned,
the error report Django would e-mail to admins, every field of every model and a raw dump of
every table are searched for the values in every normalisation we can think of.

The one page that holds them is the form shown again after its error, to the officer who typed
them (so they need not type them again), sent `no-store`; it is checked for that, and then left
out of the search.
"""

import logging
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from referrals import services
from referrals.models import Referral
from tests.conftest import sign_in_client

NAME = "Zebedee Quillfeather"
POSTCODE = "ZZ99 9ZZ"
HOUSE = "Flat 7"
NEEDLES = [
    "zebedee",
    "quillfeather",
    "zebedeequillfeather",
    "zz999zz",
    "flat7",
    "1987-03-14",
    "14/03/1987",
    "14-03-1987",
    "19870314",
    "14031987",
    "14march1987",
]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text.casefold())


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self.formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def every_log_line(caplog):
    """A handler on the root logger and on every named logger (some do not propagate)."""
    caplog.set_level(logging.DEBUG)
    handler = _Everything()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True  # SQL statements and parameters are logged at DEBUG
    yield handler
    connection.force_debug_cursor = False
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _post(name=NAME, **overrides):
    received = timezone.localtime() - timezone.timedelta(hours=2)
    data = {
        "received_date_0": received.day,
        "received_date_1": received.month,
        "received_date_2": received.year,
        "received_time": received.strftime("%H:%M"),
        "source": "self",
        "subject": "victim_survivor",
        "risk_level": "high",
        "heard_at_marac": "no",
        "children_in_household": "1",
        "full_name": name,
        "date_of_birth_0": "14",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1987",
        "postcode": POSTCODE,
        "house": HOUSE,
        "age_band": "35_44",
        "gender": "not_known",
        "ethnic_group": "not_known",
        "disability": "not_known",
        "sexual_orientation": "not_known",
        "no_recourse_to_public_funds": "not_known",
    }
    data.update(overrides)
    return data


def _body(response) -> bytes:
    """A response's body, whether sent at once or streamed (the CSV export)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _database_text() -> list[str]:
    texts = []
    for model in apps.get_models():
        for row in model._default_manager.all().values_list(
            *[field.attname for field in model._meta.concrete_fields]
        ):
            texts.extend(str(value) for value in row)
    for session in Session.objects.all():
        texts.append(str(session.get_decoded()))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            texts.extend(str(value) for row in cursor.fetchall() for value in row)
    return texts


@pytest.mark.django_db
def test_identifying_input_never_reaches_logs_pages_errors_or_database(
    every_log_line, officer, service, district, monkeypatch
):
    client = Client(raise_request_exception=False)
    sign_in_client(client, officer)
    create = reverse("referrals:referral_create")
    base = {"service": service.pk, "area": district.pk}
    pages = []

    saved = client.post(create, _post() | base, follow=True)
    pages.append(saved)
    assert saved.status_code == 200
    repeat = client.post(create, _post(name="zebedee  QUILLFEATHER") | base, follow=True)
    pages.append(repeat)
    assert "This person was referred before" in repeat.content.decode()
    invalid = client.post(create, _post(children_in_household="lots") | base)
    assert invalid.status_code == 200 and "Enter the number of children" in invalid.content.decode()
    assert f'value="{NAME}"' in invalid.content.decode()
    assert "no-store" in invalid["Cache-Control"]

    def fail(year):
        raise RuntimeError("simulated database failure")

    monkeypatch.setattr(services, "allocate_reference", fail)
    broken = client.post(create, _post() | base)
    pages.append(broken)
    assert broken.status_code == 500

    for referral in Referral.objects.all():
        pages.append(client.get(referral.get_absolute_url()))
    pages.append(client.get(reverse("referrals:referral_list")))
    pages.append(client.get(reverse("referrals:referral_export")))
    assert Referral.objects.count() == 2

    error_records = [r for r in every_log_line.records if r.exc_info and hasattr(r, "request")]
    assert error_records, "the server error should have been logged"
    reports = []
    for record in error_records:
        reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
        reports += [reporter.get_traceback_text(), reporter.get_traceback_html()]
        assert "simulated database failure" in reports[-2]

    haystacks = {
        "log": every_log_line.lines,
        "page": [_body(page).decode("utf-8", "replace") for page in pages],
        "error report": reports,
        "cookie": [morsel.value for morsel in client.cookies.values()],
        "database": _database_text(),
    }
    assert any("referrals_referral" in line for line in haystacks["log"]), "SQL was not logged"
    for where, texts in haystacks.items():
        for text in texts:
            compact = _compact(text)
            for needle in NEEDLES:
                assert needle not in compact, f"{needle!r} found in {where}: {text[:300]!r}"
