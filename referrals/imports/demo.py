"""Demo data for imports: a sample return for one provider's service, and that return uploaded
and checked by the demo performance lead, waiting for confirmation.

The sample (`downloads.sample_path`, offered on the provider returns page) has 30 rows for the
last complete quarter, five of them wrong on purpose, each in a different way a real return
goes wrong: a risk level the form does not offer, a first contact before the referral was
received, support started without contact, a closure without its reason and a person key that
is neither a code nor name|date of birth. A new user can open the checked import and confirm
it, or download the sample and go through the upload themselves. The people are invented; most
rows give the person as a keyed code, a few as name|date of birth, as both are allowed.

It uses its own random numbers, so the other apps' demo data stays the same with or without it.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter

from .. import identity
from . import format as fmt
from .downloads import sample_path
from .models import FileFormat
from .runs import return_import_execute
from .services import return_import_create

SAMPLE_SERVICE = "Harbour Lights IDVA and Outreach"
SAMPLE_FILE_NAME = "harbour-lights-return-sample.csv"
ROWS = 30
FIRST_NAMES = ["Ash", "Bea", "Cal", "Dee", "Eli", "Fen", "Gil", "Hal", "Ida", "Jo", "Kit", "Lu"]
SURNAMES = ["Examplefield", "Samplewood", "Testbury", "Demoford", "Mockridge", "Placeholm"]
DISTRICTS = ["Northvale", "Southmere", "Westbrook", "Eastfield", "Kingsford", "Ashdown"]
SOURCES = ["Police", "Self-referral", "Health", "MARAC", "Children's services", "Housing"]
BAD_ROWS = {
    # row index (0-based among the data rows) -> how it is wrong
    4: "unknown risk level",
    9: "contact before receipt",
    15: "support without contact",
    20: "closed without reason",
    26: "unreadable person key",
}


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _cell(moment: datetime | None) -> str:
    """A moment as a provider's system writes it; a moment yet to come has not happened."""
    if moment is None or moment >= timezone.now() - timedelta(hours=1):
        return ""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _person(rng: random.Random, index: int) -> tuple[str, date]:
    name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {rng.choice(SURNAMES)}"
    return name, date(1960 + index % 40, 1 + index % 12, 1 + index % 27)


def _row(rng: random.Random, index: int, received: datetime) -> dict[str, str]:
    name, born = _person(rng, index % 24)  # six people come twice: repeat referrals
    person = (
        f"{identity.normalise_text(name)}|{born.isoformat()}"
        if index % 7 == 0
        else identity.person_key(name, born)
    )
    contact = received + timedelta(hours=rng.randrange(2, 30))
    row = {
        "Case ID": f"HL-{received:%y}-{4100 + index:05d}",
        "Received": _cell(received),
        "Referral source": SOURCES[index % len(SOURCES)],
        "Subject": "Victim-survivor",
        "District": DISTRICTS[index % len(DISTRICTS)],
        "Risk level": ["Standard", "Medium", "High"][index % 3],
        "Heard at MARAC": "Yes" if index % 3 == 2 and index % 2 else "No",
        "Children in household": str(index % 4),
        "Person key": person,
        "Address key": identity.address_key(f"ZZ9{index % 9} {index % 7}AB", str(index % 40 + 1))
        if index % 5
        else "",
        "Age band": ["18 to 24", "25 to 34", "35 to 44", "45 to 54"][index % 4],
        "Gender": "Woman" if index % 6 else "Man",
        "Ethnic group": "White: English, Welsh, Scottish, Northern Irish or British"
        if index % 4
        else "Asian, Asian British or Asian Welsh: Pakistani",
        "Disability": ["No", "Yes", "Not known"][index % 3],
        "Sexual orientation": "Straight or heterosexual" if index % 5 else "Prefer not to say",
        "No recourse to public funds": "No",
        "First contact": _cell(contact),
        "Managerial oversight": _cell(received + timedelta(hours=rng.randrange(1, 40))),
    }
    if index % 3 != 1:
        row["Support started"] = _cell(contact + timedelta(days=rng.randrange(1, 12)))
        closed = _cell(contact + timedelta(days=rng.randrange(20, 40)))
        if index % 2 == 0 and closed:
            row["Closed"] = closed
            row["Closure reason"] = "Support completed"
            row["Outcomes"] = "Feels safer; Risk reduced" if index % 4 else "Feels safer"
    elif index % 5 == 1:
        row["Declined"] = _cell(contact + timedelta(days=1))
        row["Decline reason"] = "The person declined support"
    return row


def _spoil(row: dict[str, str], how: str) -> None:
    if how == "unknown risk level":
        row["Risk level"] = "Very high"
    elif how == "contact before receipt":
        received = datetime.strptime(row["Received"], "%d/%m/%Y %H:%M")
        row["First contact"] = (received - timedelta(hours=3)).strftime("%d/%m/%Y %H:%M")
        row["Managerial oversight"] = ""
    elif how == "support without contact":
        row["First contact"] = ""
        row["Support started"] = row.get("Support started") or row["Managerial oversight"]
    elif how == "closed without reason":
        row["Closed"] = row.get("Closed") or row["First contact"]
        row["Closure reason"] = ""
        row["Outcomes"] = ""
    elif how == "unreadable person key":
        row["Person key"] = "see case notes"


def sample_return(today: date, service: CommissionedService) -> bytes:
    """The sample return's CSV: 30 rows of the last complete quarter, five of them wrong."""
    rng = random.Random(15)
    quarter = FinancialQuarter.last_complete(today)
    days = (quarter.end - quarter.start).days
    rows = []
    for index in range(ROWS):
        day = quarter.start + timedelta(days=index * days // ROWS)
        row = _row(rng, index, _moment(day, 9 + index % 8, 5 * (index % 12)))
        if index in BAD_ROWS:
            _spoil(row, BAD_ROWS[index])
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[column.header for column in fmt.columns_for(service)])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def seed(ctx) -> None:
    service = CommissionedService.objects.filter(name=SAMPLE_SERVICE).first()
    lead = ctx.users.get("performance")
    if service is None or lead is None:
        return
    content = sample_return(ctx.today, service)
    path = sample_path(service.pk)
    default_storage.delete(path)
    default_storage.save(path, ContentFile(content))
    upload = SimpleUploadedFile(SAMPLE_FILE_NAME, content, content_type="text/csv")
    run = return_import_create(by=lead, service=service, upload=upload, file_format=FileFormat.CSV)
    ctx.extra["return_import"] = return_import_execute(run.pk)
    ctx.log.append(f"sample return for {service.name}: {ROWS} rows, {len(BAD_ROWS)} wrong")
