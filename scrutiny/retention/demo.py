"""Demo data for retention: one legal hold on an old closed referral (fictional reason)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral

from .services import legal_hold_place


def seed(ctx) -> None:
    oldest_closed = Referral.objects.filter(closed_at__isnull=False).order_by("closed_at").first()
    if oldest_closed is None:
        return
    review_on = max(ctx.today, timezone.localdate()) + timedelta(days=180)
    ctx.extra["legal_hold"] = legal_hold_place(
        by=ctx.users["performance"],
        referral=oldest_closed,
        reason="Domestic homicide review under way (demo): keep the referral as it is.",
        review_on=review_on,
    )
    ctx.log.append("1 legal hold")
