"""A monthly summary of referrals, so that the committee dashboard answers in milliseconds.

`ReferralSummary` holds, for each local calendar month and each service, counts in the
categories of one dimension, with the numerators the metrics need. Each row's month is the
month of the event its dimension counts:

- by month of receipt: "all" (every referral, with first contact within one working day,
  managerial oversight within 24 hours and repeat referrals as numerators), and each of
  CATEGORY_FIELDS (district as the area id, "" for out of area; source; subject; risk level;
  the equality fields); and two spells, so that a moment's state can be counted without
  scanning every referral ever made:
  "ended", valued with the month the case ended (closed, declined or signposted elsewhere;
  "" while open), for open cases at a quarter's end; and "waiting_list", valued
  "<month joined>:<month left>" ("" for not yet left), for the waiting list at a quarter's end;
- by month of closing: "closure_reason" and "outcome" (a referral counts once per outcome met);
- by month of signposting: "signposted".

Quarters begin on the first of a month at local midnight, so a quarter is exactly three months
of rows, and "before the quarter ended" is "in an earlier month".

It is a cache of `Referral` kept in step in the same transaction as every write: saving or
deleting a referral or an outcome recounts that referral's months for its service
(`refresh_referral`, through the signal receivers below, connected in `ReferralsConfig.ready`;
`referral_close` calls it after adding outcomes in bulk). Loads that bypass `save()` (the demo's
batch insert) call `rebuild_summary` afterwards, and a nightly Celery task
(`referrals.rebuild_summary`) rebuilds it all as a safety net. The definitions stay in
`referrals.metrics`, which reads this table only where it answers exactly; tests check that the
summary and the rows give the same figures.
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
CLOSURE_REASON = "closure_reason"
OUTCOME = "outcome"
SIGNPOSTED = "signposted"
# Referral fields summarised as a dimension of their own, by month of receipt.
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

_RECEIVED_COLUMNS = (
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

Key = tuple[int, int, str, str]  # month, service id, dimension, value


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


class _Totals:
    """Counts per (month, service, dimension, value): [referrals, first contact in time,
    oversight in time, repeats]."""

    def __init__(self):
        self.counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def add(self, key: Key, contacted=None, overseen=None, repeat=False) -> None:
        counts = self.counts[key]
        counts[0] += 1
        counts[1] += contacted is True
        counts[2] += overseen is True
        counts[3] += bool(repeat)

    def add_received(self, rows: Iterable[tuple]) -> None:
        """Rows of _RECEIVED_COLUMNS."""
        width = len(CATEGORY_FIELDS)
        for row in rows:
            service_id, received_at = row[0], row[1]
            categories = row[2 : 2 + width]
            contacted, overseen, repeat, closed, declined, signposted, joined, left = row[
                2 + width :
            ]
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
                self.add((month, service_id, dimension, value), contacted, overseen, repeat)

    def add_events(self, dimension: str, rows: Iterable[tuple]) -> None:
        """Rows of (service id, moment, value): counted by the moment's month."""
        for service_id, moment, value in rows:
            self.add((month_index(moment), service_id, dimension, value))


def _models():
    from .models import Referral, ReferralOutcome, ReferralSummary

    return Referral, ReferralOutcome, ReferralSummary


def _count(totals: _Totals, referrals, outcomes) -> None:
    """Count `referrals` received, closed and signposted, and the `outcomes` of the closed,
    where each queryset already holds just the rows wanted."""
    received, closed, signposted = referrals
    totals.add_received(received.order_by().values_list(*_RECEIVED_COLUMNS).iterator(BATCH))
    totals.add_events(
        CLOSURE_REASON, closed.order_by().values_list("service_id", "closed_at", "closure_reason")
    )
    totals.add_events(
        SIGNPOSTED,
        (
            (service_id, moment, "")
            for service_id, moment in signposted.order_by().values_list(
                "service_id", "signposted_at"
            )
        ),
    )
    totals.add_events(
        OUTCOME,
        outcomes.order_by()
        .values_list("referral__service_id", "referral__closed_at", "outcome")
        .iterator(BATCH),
    )


def _write(summary_model, totals: _Totals) -> int:
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
        for (month, service_id, dimension, value), counts in totals.counts.items()
    ]
    summary_model.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


def rebuild_summary(referral_model=None, outcome_model=None, summary_model=None) -> int:
    """Recount the whole summary from the referrals, in one transaction; returns its rows.

    The models can be passed in so that a data migration can use its historical models.
    """
    if referral_model is None:
        referral_model, outcome_model, summary_model = _models()
    totals = _Totals()
    with transaction.atomic():
        referrals = referral_model.objects.all()
        _count(
            totals,
            (
                referrals,
                referrals.filter(closed_at__isnull=False),
                referrals.filter(signposted_at__isnull=False),
            ),
            outcome_model.objects.all(),
        )
        summary_model.objects.all().delete()
        return _write(summary_model, totals)


def refresh_months(months: Iterable[int], service_id: int) -> None:
    """Recount some months of one service, inside the caller's transaction.

    The service's row is locked first, so two writes to the same service recount one after
    the other, and the second counts the first's referral (on PostgreSQL; SQLite writes one
    transaction at a time anyway).
    """
    from commissioning.models import CommissionedService

    referral_model, outcome_model, summary_model = _models()
    months = sorted(set(months))
    with transaction.atomic():
        list(CommissionedService.objects.select_for_update().filter(pk=service_id).values("pk"))
        totals = _Totals()
        for month in months:
            start, end = month_start(month), month_start(month + 1)
            referrals = referral_model.objects.filter(service_id=service_id)
            closed = referrals.filter(closed_at__gte=start, closed_at__lt=end)
            _count(
                totals,
                (
                    referrals.filter(received_at__gte=start, received_at__lt=end),
                    closed,
                    referrals.filter(signposted_at__gte=start, signposted_at__lt=end),
                ),
                outcome_model.objects.filter(referral__in=closed),
            )
        summary_model.objects.filter(month__in=months, service_id=service_id).delete()
        _write(summary_model, totals)


def refresh_referral(referral) -> None:
    """Recount the months a referral counts in (receipt, closing, signposting) for its service."""
    moments = (referral.received_at, referral.closed_at, referral.signposted_at)
    refresh_months([month_index(m) for m in moments if m is not None], referral.service_id)


def _referral_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures being loaded: rebuild afterwards
        refresh_referral(instance)


def _outcome_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    referral_model, _, _ = _models()
    referral = referral_model.objects.filter(pk=instance.referral_id).first()
    if referral is not None:  # not when the referral itself is being deleted
        refresh_referral(referral)


def connect_signals() -> None:
    """Keep the summary in step with every saved or deleted referral and outcome (called from
    ReferralsConfig.ready)."""
    referral_model, outcome_model, _ = _models()
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_referral_saved, sender=referral_model, dispatch_uid=f"summary-{name}")
        signal.connect(_outcome_saved, sender=outcome_model, dispatch_uid=f"summary-out-{name}")
