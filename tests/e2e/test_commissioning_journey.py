"""A commissioner records a jointly funded contract in the browser and sees whether it adds up;
every commissioning page passes an accessibility scan."""

import random
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from commissioning import demo
from commissioning.models import Contract, ContractExtension, ContractYear, FundingStream
from partnership.constants import OrganisationKind, Role
from partnership.demo import DemoContext, _seed_core
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_records_a_three_way_split_and_sees_it_does_not_add_up(
    page, sign_in, check_accessibility
):
    commissioner = UserFactory(username="commissioner.e2e", roles=[Role.COMMISSIONER])
    OrganisationFactory(name="Harbour Lights", kind=OrganisationKind.PROVIDER)
    OrganisationFactory(name="Eastshire County Council", kind=OrganisationKind.COUNTY_COUNCIL)
    OrganisationFactory(name="Eastshire Police and Crime Commissioner", kind=OrganisationKind.PCC)
    OrganisationFactory(name="Eastshire Integrated Care Board", kind=OrganisationKind.HEALTH)

    sign_in(page, commissioner)
    expect(page.get_by_role("heading", name="Commissioning", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Contracts", exact=True).click()
    check_accessibility(page)
    page.get_by_role("button", name="Add a contract").click()
    check_accessibility(page)

    page.get_by_label("Contract reference").fill("ESX-DA-2018-01")
    page.get_by_label("Title").fill("Victim and perpetrator services")
    page.get_by_label("Provider").select_option(label="Harbour Lights")
    page.get_by_label("Lead commissioner").select_option(
        label="Eastshire Police and Crime Commissioner"
    )
    page.locator("#id_start_date_0").fill("1")
    page.locator("#id_start_date_1").fill("10")
    page.locator("#id_start_date_2").fill("2018")
    # An end date before the start is refused with a message that says how to fix it.
    page.locator("#id_end_date_0").fill("30")
    page.locator("#id_end_date_1").fill("9")
    page.locator("#id_end_date_2").fill("2017")
    page.get_by_role("button", name="Add contract").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The end date must be after the start date (1 October 2018)"
    )
    check_accessibility(page)
    page.locator("#id_end_date_2").fill("2021")
    page.get_by_role("button", name="Add contract").click()
    expect(page.get_by_role("heading", name="Victim and perpetrator services")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add a year's funding").click()
    check_accessibility(page)
    page.get_by_label("Financial year").select_option(label="2020/21")
    page.get_by_label("Annual contract value (£)").fill("£2,157,000")
    rows = [
        ("Eastshire County Council", "£670,490", "31"),
        ("Eastshire Police and Crime Commissioner", "£1,015,483", "47"),
        ("Eastshire Integrated Care Board", "£544,997", "22"),
    ]
    for i, (funder, amount, stated) in enumerate(rows):
        page.locator(f"#id_contributions-{i}-funder").select_option(label=funder)
        page.locator(f"#id_contributions-{i}-amount").fill(amount)
        page.locator(f"#id_contributions-{i}-stated_percent").fill(stated)
    page.get_by_role("button", name="Save year").click()

    contract = Contract.objects.get(reference="ESX-DA-2018-01")
    year = page.get_by_test_id(f"year-{contract.pk}-2020")
    expect(year).to_contain_text("Does not add up")
    expect(year.get_by_test_id("difference")).to_have_text("+£73,970.00")
    expect(year.get_by_test_id("reconciliation-flag")).to_contain_text(
        "Eastshire Integrated Care Board is stated as 22%, but £544,997.00 is 25.3% of the "
        "annual value (24.4% of the total contributed)."
    )
    check_accessibility(page)

    # Correcting the third amount makes the year add up.
    year.get_by_role("link", name="Change 2020/21 funding").click()
    page.locator("#id_contributions-2-amount").fill("471,027")
    page.get_by_role("button", name="Save 2020/21").click()
    expect(page.get_by_test_id(f"year-{contract.pk}-2020")).to_contain_text("Adds up")
    expect(page.get_by_text("The contributions add up.")).to_be_visible()
    check_accessibility(page)


def test_every_commissioning_page_passes_an_accessibility_scan(page, sign_in, check_accessibility):
    ctx = DemoContext(rng=random.Random(3), referrals=0, today=timezone.localdate())
    _seed_core(ctx)
    demo.seed(ctx)
    commissioner = UserFactory(username="commissioner.e2e", roles=[Role.COMMISSIONER])
    councillor = UserFactory(username="councillor.e2e", roles=[Role.COMMITTEE_MEMBER])
    service = ctx.extra["services"][0]
    contract = Contract.objects.get(reference="ESX-DA-2018-01")
    stream = FundingStream.objects.order_by("pk").first()
    pages = [
        reverse("commissioning:index"),
        reverse("commissioning:funding"),
        reverse("commissioning:service_list"),
        reverse("commissioning:service_create"),
        reverse("commissioning:service_detail", args=[service.pk]),
        reverse("commissioning:service_edit", args=[service.pk]),
        reverse("commissioning:capacity_edit", args=[service.pk]),
        reverse("commissioning:contract_list"),
        reverse("commissioning:contract_detail", args=[contract.pk]),
        reverse("commissioning:contract_edit", args=[contract.pk]),
        reverse("commissioning:extension_create", args=[contract.pk]),
        reverse(
            "commissioning:extension_edit",
            args=[ContractExtension.objects.filter(contract=contract).first().pk],
        ),
        reverse(
            "commissioning:contract_year_edit",
            args=[ContractYear.objects.get(contract=contract, financial_year=2020).pk],
        ),
        reverse("commissioning:grant_list"),
        reverse("commissioning:grant_create"),
        reverse("commissioning:grant_detail", args=[stream.pk]),
        reverse("commissioning:grant_edit", args=[stream.pk]),
        reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
    ]
    sign_in(page, commissioner)
    for url in pages:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page)

    # Forms with errors are scanned too.
    page.goto(reverse("commissioning:grant_allocations_edit", args=[stream.pk]))
    page.get_by_label("Use the amounts entered").check()
    page.locator("#id_allocations-0-amount").fill("1")
    page.get_by_role("button", name="Save allocations").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The allocations add up to")
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, councillor)
    page.goto(reverse("commissioning:funding"))
    expect(page.get_by_text("Does not add up").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    check_accessibility(page)
