"""Expected GET status per role for this app's URLs. See test_matrix.py for the columns.

Officers and performance leads read referrals; only officers (and admins, who hold every role)
log and change them; commissioners, committee members and clerks get 403 on every page here.
The referral used is one the demo officer's organisation provides the service for, still
waiting for first contact (the demo always has a few), so every step's page can be shown.
"""

from referrals.constants import Status
from referrals.models import Referral

# anonymous, officer, performance lead, commissioner, committee member, clerk, admin
RETURN = (302, 403, 200, 403, 403, 403, 200)
IMPORTERS = (302, 200, 200, 403, 403, 403, 200)
# Confirming, discarding and checking again are POSTs (buttons on the import's page).
IMPORT_POSTS = (302, 405, 405, 403, 403, 403, 405)
EXPECTED = {
    "referrals:referral_list": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_create": (302, 200, 403, 403, 403, 403, 200),
    "referrals:referral_export": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_detail": (302, 200, 200, 403, 403, 403, 200),
    "referrals:referral_action": (302, 200, 403, 403, 403, 403, 200),
    # The safe accommodation return: exact figures, for performance leads (and admins) only.
    "referrals:annual_return_list": RETURN,
    "referrals:annual_return_detail": RETURN,
    "referrals:annual_return_download": RETURN,
    "referrals:return_lists": RETURN,
    # Provider returns: performance leads for every service, officers for their own
    # organisation's (the demo return is for the demo officer's organisation's service).
    "referrals:import_list": IMPORTERS,
    "referrals:import_create": IMPORTERS,
    "referrals:import_format": IMPORTERS,
    "referrals:import_template": IMPORTERS,
    "referrals:import_sample": IMPORTERS,
    "referrals:import_detail": IMPORTERS,
    "referrals:import_problems": IMPORTERS,
    "referrals:import_confirm": IMPORT_POSTS,
    "referrals:import_discard": IMPORT_POSTS,
    "referrals:import_check_again": IMPORT_POSTS,
}


def _waiting_referral(ctx) -> int:
    return (
        Referral.objects.filter(
            service__provider=ctx.users["officer"].organisation, status=Status.RECEIVED
        )
        .values_list("pk", flat=True)
        .first()
    )


def _annual_return(ctx) -> int:
    """A made return for the demo's last complete year (made once per demo data set)."""
    from referrals.annual_return.runs import annual_return_execute
    from referrals.models import AnnualReturnRun

    if "annual_return" not in ctx.extra:
        run = AnnualReturnRun.objects.create(
            financial_year=2023, requested_by=ctx.users["performance"]
        )
        ctx.extra["annual_return"] = annual_return_execute(run.pk).pk
    return ctx.extra["annual_return"]


# URL name -> function(demo context) -> kwargs, for URLs that take arguments.
def _import(ctx) -> dict:
    return {"pk": ctx.extra["return_import"].pk}


def _service(ctx) -> int:
    return ctx.extra["return_import"].service_id


KWARGS = {
    "referrals:annual_return_detail": lambda ctx: {"pk": _annual_return(ctx)},
    "referrals:annual_return_download": lambda ctx: {"pk": _annual_return(ctx)},
    "referrals:import_template": lambda ctx: {"service": _service(ctx), "file_format": "xlsx"},
    "referrals:import_sample": lambda ctx: {"service": _service(ctx)},
    "referrals:import_detail": _import,
    "referrals:import_problems": _import,
    "referrals:import_confirm": _import,
    "referrals:import_discard": _import,
    "referrals:import_check_again": _import,
    "referrals:referral_detail": lambda ctx: {"pk": _waiting_referral(ctx)},
    "referrals:referral_action": lambda ctx: {"pk": _waiting_referral(ctx), "action": "contact"},
}
