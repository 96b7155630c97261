"""A generated provider return for the import benchmark (`manage.py benchmark_import`).

Rows are like a real quarter's: most referrals contacted, some on the waiting list, declined,
signposted or closed with outcomes, people and households that come back (repeat referrals),
and about one row in a hundred wrong (a risk level the form does not offer). Keys are given as
64-character codes, as a provider with the board's key would send them. The file is written row
by row, so making it takes little memory.
"""

from __future__ import annotations

import csv
import random
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from commissioning.models import CommissionedService
from partnership.models import Area

from .. import identity
from . import format as fmt


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _events(rng: random.Random, received, now) -> dict[str, str]:
    row = {"Managerial oversight": _when(received + timedelta(hours=rng.choice([2, 5, 30])))}
    contact = received + timedelta(hours=rng.choice([1, 4, 20, 50]))
    fate = rng.random()
    if fate < 0.05:
        return row  # not contacted yet
    row["First contact"] = _when(contact)
    later = contact + timedelta(days=rng.randrange(1, 20))
    if fate < 0.15:
        row["Added to waiting list"] = _when(contact + timedelta(hours=6))
    if fate < 0.25:
        row["Declined"], row["Decline reason"] = _when(later), "The person declined support"
    elif fate < 0.30:
        row["Signposted"], row["Signposted to"] = _when(later), "Eastshire Police"
    else:
        row["Support started"] = _when(later)
    closed = later + timedelta(days=rng.randrange(10, 90))
    if fate > 0.45 and closed < now:
        row["Closed"], row["Closure reason"] = _when(closed), "Support completed"
        row["Outcomes"] = "Feels safer; Risk reduced" if fate > 0.7 else "Feels safer"
    return {name: value for name, value in row.items() if value}


def generated_rows(service: CommissionedService, count: int, seed: int = 13):
    """`count` return rows (header -> text) over the twelve months to a week ago."""
    rng = random.Random(seed)
    now = timezone.now() - timedelta(days=7)
    districts = list(Area.objects.values_list("name", flat=True)) + ["Out of area"]
    people = max(1, count * 4 // 5)
    for number in range(count):
        received = (now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))).replace(
            second=0, microsecond=0
        )
        row = {
            "Case ID": f"BENCH-{seed}-{number:07d}",
            "Received": _when(received),
            "Referral source": rng.choice(["Police", "Self-referral", "Health", "MARAC"]),
            "Subject": "Victim-survivor",
            "District": rng.choice(districts),
            "Risk level": rng.choice(["Standard", "Medium", "High"])
            if rng.random() > 0.01
            else "Severe",
            "Heard at MARAC": rng.choice(["Yes", "No", "No", "No"]),
            "Children in household": str(rng.randrange(0, 4)),
            "Person key": identity.demo_key("person", f"bench-{rng.randrange(people)}"),
            "Address key": identity.demo_key("address", f"bench-{rng.randrange(people)}")
            if rng.random() > 0.2
            else "",
            "Age band": rng.choice(["18 to 24", "25 to 34", "35 to 44", "45 to 54"]),
            "Gender": rng.choice(["Woman", "Woman", "Man", "Not known"]),
            "Ethnic group": rng.choice(["White: Irish", "Not known", "Other ethnic group: Arab"]),
            "Disability": rng.choice(["Yes", "No", "Not known"]),
            "Sexual orientation": "Not known",
            "No recourse to public funds": "No",
        }
        row.update(_events(rng, received, now))
        yield row


def write_return(path: Path, service: CommissionedService, count: int, seed: int = 13) -> Path:
    """Write a generated return as CSV, or as Excel when `path` ends .xlsx."""
    headers = [column.header for column in fmt.columns_for(service)]
    rows = generated_rows(service, count, seed)
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Return")
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header, "") for header in headers])
        workbook.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
    return path
