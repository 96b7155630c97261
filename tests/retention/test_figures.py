"""Anonymising changes no figure: every dashboard panel for every quarter of the demo data, as
committee members (suppressed) and performance leads (exact) see it, before and after a run."""

import pytest

from partnership.demo import seed_demo
from referrals.children import children_figures
from referrals.marac import marac_figures
from referrals.models import Referral
from referrals.summary import rebuild_summary
from scrutiny.dashboard.build import build_dashboard
from scrutiny.dashboard.periods import quarters_with_referrals
from scrutiny.retention.models import Anonymisation
from scrutiny.retention.services import retention_run


def dashboard_figures(today, service_id=None) -> dict:
    figures = {}
    for quarter in quarters_with_referrals(today):
        for exact in (False, True):
            dashboard = build_dashboard(
                quarter=quarter, exact=exact, today=today, service_id=service_id
            )
            figures[(str(quarter), exact)] = (dashboard.panels, dashboard.headlines)
        # The raw Marac and children counts too, which link a person's referrals.
        figures[(str(quarter), "marac")] = marac_figures(quarter)
        figures[(str(quarter), "children")] = children_figures(
            quarter, service_ids=None if service_id is None else [service_id]
        )
    return figures


@pytest.mark.django_db
def test_every_dashboard_figure_is_the_same_after_a_retention_run_over_the_demo_data():
    ctx = seed_demo(referrals=1500, seed=7)
    service_id = Referral.objects.values_list("service_id", flat=True).first()
    before = dashboard_figures(ctx.today), dashboard_figures(ctx.today, service_id)
    shared_addresses = Referral.objects.exclude(address_key="").values("address_key").count()

    run = retention_run(today=ctx.today)

    assert run.referrals_anonymised > 100, "the demo data should have referrals due"
    assert Anonymisation.objects.count() == run.referrals_anonymised
    assert Referral.objects.exclude(address_key="").count() == shared_addresses
    after = dashboard_figures(ctx.today), dashboard_figures(ctx.today, service_id)
    assert after == before
    # The nightly recount of the summary table from the rows changes nothing either.
    rebuild_summary()
    assert (dashboard_figures(ctx.today), dashboard_figures(ctx.today, service_id)) == before
