"""Expected GET status per role for this app's URLs. See test_matrix.py for the columns.

Officers and performance leads read referrals; only officers (and admins, who hold every role)
log and change them; commissioners, committee members and clerks get 403 on every page here.
The referral used is one the demo officer's organisation provides the service for, still
waiting for first contact (the demo always has a few), so every step's page can be shown.
"""

from referrals.constants import Status
from referrals.models import Referral

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
EXPECTED = {
    "referrals:referral_list": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_create": (302, 200, 403, 403, 403, 403, 200),
    "referrals:referral_export": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_detail": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_action": (302, 200, 403, 403, 403, 403, 200),
}


def _waiting_referral(ctx) -> int:
    return (
        Referral.objects.filter(
            service__provider=ctx.users["officer"].organisation, status=Status.RECEIVED
        )
        .values_list("pk", flat=True)
        .first()
    )


# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
KWARGS = {
    "referrals:referral_detail": lambda ctx: {"pk": _waiting_referral(ctx)},
    "referrals:referral_action": lambda ctx: {"pk": _waiting_referral(ctx), "action": "contact"},
}
