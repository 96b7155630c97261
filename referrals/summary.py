"""A monthly summary of referrals, so that the committee dashboard answers in milliseconds.

`ReferralSummary` holds, for each local calendar month of receipt and each service, the number
of referrals in each category of one dimension (district, source, subject, risk level, each
equality field), with the same numerators the metrics need: first contact within one working
day, managerial oversight within 24 hours, repeat referrals. Two more dimensions record spells
so that a moment's state can be counted without scanning every referral ever made:

- "ended": the month each case ended (closed, declined or signposted elsewhere; "" while open),
  for open cases at a quarter's end (caseload);
- "waiting_list": "<month joined>:<month left>" ("" for not yet left), for the waiting list at a
  quarter's end.

Quarters begin on the first of a month at local midnight, so a quarter's referrals are exactly
its three months' rows, and "before the quarter ended" is "in an earlier month".

It is a cache of `Referral` and is kept in step in the same transaction as every write: saving
or deleting a referral (the services' writes) recounts that referral's month and service
(`refresh_bucket`, through the signal receivers at the end of this module, connected in
`ReferralsConfig.ready`). Loads that bypass `save()` (the demo's batch insert) call
`rebuild_summary` afterwards, and a nightly Celery task (`referrals.rebuild_summary`) rebuilds
it all as a safety net. The definitions stay in `referrals.metrics`, which reads this table only
for figures that it can answer exactly; tests check that both ways give the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

ALL = "all"
ENDED = "ended"
WAITING_LIST = "waiting_list"
# Referral fields summarised as a dimension of their own; area is the district's id ("" for out of
# area).
CATEGORY_FIELDS = (
    "area",
    "source",
    "subject",
    "risk_level",
    "gender",
    "age_band",
    "ethnic_group",
    "disability",
    "sexual_orientation",
    "no_recourse_to_public_funds",
)
DIMENSIONS = (ALL, *CATEGORY_FIELDS, ENDED, WAITING_LIST)

_COLUMNS = (
    "service_id",
    "received_at",
    "area_id",
    *CATEGORY_FIELDS[1:],
    "contacted_within_sla",
    "oversight_within_sla",
    "is_repeat",
    "closed_at",
    "declined_at",
    "signposted_at",
    "waiting_list_at",
    "waiting_list_left_at",
)
BATCH = 5000


def month_index(moment: datetime) -> int:
    """The local calendar month of an aware datetime: year * 12 + month - 1."""
    local = timezone.localtime(moment)
    return local.year * 12 + local.month - 1


def month_start(index: int) -> datetime:
    """Local midnight on the first day of month `index`."""
    year, month0 = divmod(index, 12)
    return timezone.make_aware(datetime(year, month0 + 1, 1))


def _month_or_blank(moment: datetime | None) -> str:
    return "" if moment is None else str(month_index(moment))


def _ended(closed: datetime | None, declined: datetime | None, signposted: datetime | None):
    """When the case stopped being open (referrals.rules.open_at): the first of the three."""
    moments = [m for m in (closed, declined, signposted) if m is not None]
    return min(moments) if moments else None


Key = tuple[int, int, str, str]  # month, service id, dimension, value


def summarise(rows: Iterable[tuple]) -> dict[Key, list[int]]:
    """Counts per (month, service, dimension, value) from rows of `_COLUMNS`, as
    [referrals, first contact in time, oversight in time, repeats]."""
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    width = len(CATEGORY_FIELDS)
    for row in rows:
        service_id, received_at = row[0], row[1]
        categories = row[2 : 2 + width]
        contacted, overseen, repeat, closed, declined, signposted, joined, left = row[2 + width :]
        month = month_index(received_at)
        values = [
            (name, "" if value is None else str(value))
            for name, value in zip(CATEGORY_FIELDS, categories, strict=True)
        ]
        values.append((ALL, ""))
        values.append((ENDED, _month_or_blank(_ended(closed, declined, signposted))))
        if joined is not None:
            values.append((WAITING_LIST, f"{month_index(joined)}:{_month_or_blank(left)}"))
        for dimension, value in values:
            counts = totals[(month, service_id, dimension, value)]
            counts[0] += 1
            counts[1] += contacted is True
            counts[2] += overseen is True
            counts[3] += bool(repeat)
    return totals


def _models():
    from .models import Referral, ReferralSummary

    return Referral, ReferralSummary


def _write(summary_model, totals: dict[Key, list[int]]) -> int:
    objects = [
        summary_model(
            month=month,
            service_id=service_id,
            dimension=dimension,
            value=value,
            referrals=counts[0],
            first_contact_met=counts[1],
            oversight_met=counts[2],
            repeats=counts[3],
        )
        for (month, service_id, dimension, value), counts in totals.items()
    ]
    summary_model.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


def rebuild_summary(referral_model=None, summary_model=None) -> int:
    """Recount the whole summary from the referrals, in one transaction; returns its rows.

    The models can be passed in so that a data migration can use its historical models.
    """
    if referral_model is None or summary_model is None:
        referral_model, summary_model = _models()
    with transaction.atomic():
        summary_model.objects.all().delete()
        rows = referral_model.objects.order_by().values_list(*_COLUMNS).iterator(chunk_size=BATCH)
        return _write(summary_model, summarise(rows))


def refresh_bucket(month: int, service_id: int) -> None:
    """Recount one month of one service, inside the caller's transaction.

    The service's row is locked first, so two writes to the same month and service recount one
    after the other, and the second counts the first's referral (on PostgreSQL; SQLite writes
    one transaction at a time anyway).
    """
    from commissioning.models import CommissionedService

    referral_model, summary_model = _models()
    with transaction.atomic():
        list(CommissionedService.objects.select_for_update().filter(pk=service_id).values("pk"))
        rows = (
            referral_model.objects.filter(
                service_id=service_id,
                received_at__gte=month_start(month),
                received_at__lt=month_start(month + 1),
            )
            .order_by()
            .values_list(*_COLUMNS)
        )
        summary_model.objects.filter(month=month, service_id=service_id).delete()
        _write(summary_model, summarise(rows))


def _referral_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading a fixture: rebuild afterwards
        return
    refresh_bucket(month_index(instance.received_at), instance.service_id)


def connect_signals() -> None:
    """Keep the summary in step with every saved or deleted referral (ReferralsConfig.ready)."""
    referral_model, _ = _models()
    post_save.connect(_referral_saved, sender=referral_model, dispatch_uid="referral_summary")
    post_delete.connect(
        _referral_saved, sender=referral_model, dispatch_uid="referral_summary_delete"
    )
