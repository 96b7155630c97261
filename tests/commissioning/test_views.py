import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from commissioning.models import (
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractExtension,
    ContractYear,
    GrantAllocation,
)
from partnership.constants import AuditAction
from partnership.models import AuditEvent
from tests.factories import (
    AreaFactory,
    CommissionedServiceFactory,
    ContractExtensionFactory,
    ContractYearFactory,
    FundingStreamFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(year_001, contract):
    """One of everything, so every URL can be requested."""
    return {
        "service": CommissionedServiceFactory(),
        "contract": contract,
        "extension": ContractExtensionFactory(contract=contract),
        "year": year_001,
        "stream": FundingStreamFactory(),
    }


def _urls(objects):
    pk = {
        "service": objects["service"].pk,
        "contract": objects["contract"].pk,
        "extension": objects["extension"].pk,
        "year": objects["year"].pk,
        "stream": objects["stream"].pk,
    }
    return {
        "index": reverse("commissioning:index"),
        "funding": reverse("commissioning:funding"),
        "service_list": reverse("commissioning:service_list"),
        "service_create": reverse("commissioning:service_create"),
        "service_detail": reverse("commissioning:service_detail", args=[pk["service"]]),
        "service_edit": reverse("commissioning:service_edit", args=[pk["service"]]),
        "capacity_edit": reverse("commissioning:capacity_edit", args=[pk["service"]]),
        "contract_list": reverse("commissioning:contract_list"),
        "contract_create": reverse("commissioning:contract_create"),
        "contract_detail": reverse("commissioning:contract_detail", args=[pk["contract"]]),
        "contract_edit": reverse("commissioning:contract_edit", args=[pk["contract"]]),
        "extension_create": reverse("commissioning:extension_create", args=[pk["contract"]]),
        "extension_edit": reverse("commissioning:extension_edit", args=[pk["extension"]]),
        "contract_year_create": reverse(
            "commissioning:contract_year_create", args=[pk["contract"]]
        ),
        "contract_year_edit": reverse("commissioning:contract_year_edit", args=[pk["year"]]),
        "grant_list": reverse("commissioning:grant_list"),
        "grant_create": reverse("commissioning:grant_create"),
        "grant_detail": reverse("commissioning:grant_detail", args=[pk["stream"]]),
        "grant_edit": reverse("commissioning:grant_edit", args=[pk["stream"]]),
        "grant_allocations_edit": reverse(
            "commissioning:grant_allocations_edit", args=[pk["stream"]]
        ),
        "export_contracts": reverse("commissioning:export_contracts"),
        "export_contributions": reverse("commissioning:export_contributions"),
        "export_allocations": reverse("commissioning:export_allocations"),
    }


EDIT_PAGES = {
    "service_create",
    "service_edit",
    "capacity_edit",
    "contract_create",
    "contract_edit",
    "extension_create",
    "extension_edit",
    "contract_year_create",
    "contract_year_edit",
    "grant_create",
    "grant_edit",
    "grant_allocations_edit",
}
FUNDING_PAGES = {"funding", "export_contributions", "export_allocations"}


# Permissions for every role ------------------------------------------------------------------


def test_an_officer_is_refused_every_commissioning_page(objects, officer, login):
    client = login(officer)
    for name, url in _urls(objects).items():
        assert client.get(url).status_code == 403, name


@pytest.mark.parametrize("role", ["committee_member", "clerk"])
def test_committee_members_and_clerks_read_only_the_funding_pages(role, objects, login, request):
    client = login(request.getfixturevalue(role))
    for name, url in _urls(objects).items():
        expected = 200 if name in FUNDING_PAGES else 403
        assert client.get(url).status_code == expected, name


@pytest.mark.parametrize("role", ["committee_member", "clerk", "performance_lead", "officer"])
def test_only_commissioners_may_post_changes(role, objects, login, request):
    client = login(request.getfixturevalue(role))
    urls = _urls(objects)
    for name in EDIT_PAGES:
        assert client.post(urls[name], {}).status_code == 403, name
    assert not AuditEvent.objects.exclude(action=AuditAction.CREATE).exists()


def test_a_performance_lead_reads_everything_but_edits_nothing(objects, performance_lead, login):
    client = login(performance_lead)
    for name, url in _urls(objects).items():
        expected = 403 if name in EDIT_PAGES else 200
        assert client.get(url).status_code == expected, name
    page = client.get(_urls(objects)["contract_detail"]).content.decode()
    assert "Change 2020/21 funding" not in page


@pytest.mark.parametrize("role", ["commissioner", "admin_user"])
def test_commissioners_and_admins_may_use_every_page(role, objects, login, request):
    client = login(request.getfixturevalue(role))
    for name, url in _urls(objects).items():
        assert client.get(url).status_code == 200, name


def test_anonymous_visitors_are_sent_to_sign_in(objects, client):
    for name, url in _urls(objects).items():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_a_missing_contract_is_not_found(commissioner, login):
    response = login(commissioner).get(reverse("commissioning:contract_detail", args=[999]))
    assert response.status_code == 404


def test_a_commissioner_starts_on_the_commissioning_page(commissioner, login):
    response = login(commissioner).get(reverse("home"))
    assert response["Location"] == reverse("commissioning:index")


# Services ------------------------------------------------------------------------------------


def test_a_commissioner_adds_a_refuge_with_bed_spaces(commissioner, login):
    provider = OrganisationFactory(name="Beacon")
    area = AreaFactory()
    response = login(commissioner).post(
        reverse("commissioning:service_create"),
        {
            "name": "Beacon Refuge",
            "provider": provider.pk,
            "service_type": "refuge",
            "client_group": "whole_family",
            "areas": [area.pk],
            "bed_spaces": "24",
            "units": "10",
            "first_contact_target_percent": "95",
            "oversight_target_percent": "95",
            "is_active": "on",
        },
    )
    service = CommissionedService.objects.get()
    assert response["Location"] == service.get_absolute_url()
    assert service.bed_spaces == 24 and service.is_safe_accommodation
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, user=commissioner).exists()


def test_a_service_with_bad_input_is_shown_again_with_errors_and_not_saved(commissioner, login):
    response = login(commissioner).post(reverse("commissioning:service_create"), {"name": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the service name" in page
    assert "<title>Error: " in page
    assert not CommissionedService.objects.exists()


def test_service_page_shows_targets_band_and_capacity(commissioner, login):
    service = CommissionedServiceFactory(name="Outreach")
    client = login(commissioner)
    client.post(
        reverse("commissioning:capacity_edit", args=[service.pk]),
        {"quarter": "2021/22 Q1", "fte": "6.5"},
    )
    assert CaseworkerCapacity.objects.get().fte == 6.5
    page = client.get(service.get_absolute_url()).content.decode()
    assert "30 open cases per caseworker FTE, in range from 27 to 33" in page
    assert "2021/22 Q1" in page and "6.5" in page
    assert "Caseworker FTE 2021/22 Q1" in page  # in the history


# Contracts -----------------------------------------------------------------------------------


def _contract_post(**overrides):
    return {
        "reference": "ESX-1",
        "title": "Victim services",
        "provider": OrganisationFactory().pk,
        "lead_commissioner": OrganisationFactory().pk,
        "start_date_0": "1",
        "start_date_1": "10",
        "start_date_2": "2018",
        "end_date_0": "30",
        "end_date_1": "9",
        "end_date_2": "2021",
    } | overrides


def test_a_commissioner_adds_a_contract(commissioner, login):
    response = login(commissioner).post(reverse("commissioning:contract_create"), _contract_post())
    contract = Contract.objects.get()
    assert response["Location"] == contract.get_absolute_url()
    assert contract.end_date == date(2021, 9, 30)


def test_a_contract_ending_before_it_starts_is_not_saved(commissioner, login):
    response = login(commissioner).post(
        reverse("commissioning:contract_create"), _contract_post(end_date_2="2017")
    )
    assert "The end date must be after the start date" in response.content.decode()
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_date_0", "99999999999999999999", "The day of the start date must be a number"),
        ("start_date_2", "0001", "The start date must be on or after 1 January 2000"),
        ("end_date_2", "9999", "The end date must be on or before"),
        ("end_date_1", " ", "The end date must include a month"),
        ("end_date_1", "\x00", "The month of the end date must be a number"),
    ],
)
def test_a_hostile_contract_date_gets_a_message_and_writes_nothing(
    commissioner, login, field, value, message
):
    response = login(commissioner).post(
        reverse("commissioning:contract_create"), _contract_post(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contract.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_months": "99999999999999999999"}, "of 120 or fewer"),
        ({"period_months": " "}, "Enter the length of the extension in months"),
        ({"period_months": "24", "decision_due_2": "99999999999999999999"}, "4 numbers"),
    ],
)
def test_a_hostile_extension_writes_nothing(contract, commissioner, login, data, message):
    response = login(commissioner).post(
        reverse("commissioning:extension_create", args=[contract.pk]),
        {"status": "available", "decision_due_0": "1", "decision_due_1": "3"} | data,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContractExtension.objects.exists()


def test_a_duplicate_contract_reference_is_refused(contract, commissioner, login):
    response = login(commissioner).post(
        reverse("commissioning:contract_create"), _contract_post(reference=contract.reference)
    )
    assert "Another contract already has this reference" in response.content.decode()


def test_an_extension_is_added_and_exercised(contract, commissioner, login):
    client = login(commissioner)
    client.post(
        reverse("commissioning:extension_create", args=[contract.pk]),
        {"period_months": "24", "status": "available"},
    )
    extension = ContractExtension.objects.get()
    response = client.post(
        reverse("commissioning:extension_edit", args=[extension.pk]),
        {
            "period_months": "24",
            "status": "exercised",
            "decided_on_0": "15",
            "decided_on_1": "3",
            "decided_on_2": "2021",
        },
    )
    assert response.status_code == 302
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "30 September 2023" in page


def _year_post(financial_year, value, rows):
    data = {
        "financial_year": str(financial_year),
        "annual_value": value,
        "contributions-TOTAL_FORMS": "4",
        "contributions-INITIAL_FORMS": "0",
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "30",
    }
    for i in range(4):
        funder, amount, stated = rows[i] if i < len(rows) else ("", "", "")
        data[f"contributions-{i}-funder"] = funder
        data[f"contributions-{i}-amount"] = amount
        data[f"contributions-{i}-stated_percent"] = stated
    return data


def test_recording_the_context_001_year_shows_at_once_it_does_not_add_up(
    contract, funders, commissioner, login
):
    client = login(commissioner)
    response = client.post(
        reverse("commissioning:contract_year_create", args=[contract.pk]),
        _year_post(
            2020,
            "£2,157,000",
            [
                (funders[0].pk, "£670,490", "31"),
                (funders[1].pk, "£1,015,483", "47"),
                (funders[2].pk, "£544,997", "22"),
            ],
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "It is flagged" in page
    assert "Does not add up" in page
    assert "+£73,970.00" in page
    assert "£2,230,970.00" in page
    assert "is stated as 22%, but £544,997.00 is 25.3% of the annual value" in page
    assert ContractYear.objects.get().contributions.count() == 3


def test_a_funder_listed_twice_is_shown_on_the_form_and_nothing_is_saved(
    contract, funders, commissioner, login
):
    response = login(commissioner).post(
        reverse("commissioning:contract_year_create", args=[contract.pk]),
        _year_post(2020, "100", [(funders[0].pk, "50", ""), (funders[0].pk, "50", "")]),
    )
    page = response.content.decode()
    assert "Test County Council is listed twice for 2020/21" in page
    assert "<title>Error: " in page
    assert not ContractYear.objects.exists()


def test_a_negative_amount_is_shown_on_the_form_and_nothing_is_saved(
    contract, funders, commissioner, login
):
    response = login(commissioner).post(
        reverse("commissioning:contract_year_create", args=[contract.pk]),
        _year_post(2020, "100", [(funders[0].pk, "-50", "")]),
    )
    assert "The amount cannot be negative" in response.content.decode()
    assert not ContractYear.objects.exists()


def test_editing_a_year_that_adds_up_says_so(year_001, funders, commissioner, login):
    response = login(commissioner).post(
        reverse("commissioning:contract_year_edit", args=[year_001.pk]),
        _year_post(
            2020,
            "2157000.00",
            [
                (funders[0].pk, "668,670", "31"),
                (funders[1].pk, "1,013,790", "47"),
                (funders[2].pk, "474,540", "22"),
            ],
        ),
        follow=True,
    )
    assert "The contributions add up." in response.content.decode()


def test_the_contract_page_shows_the_history_of_changes(year_001, contract, commissioner, login):
    page = login(commissioner).get(contract.get_absolute_url()).content.decode()
    assert "History" in page
    assert "Test City Council: (none) → £544,997.00 (stated 22%)" in page


# Grants --------------------------------------------------------------------------------------


def test_a_new_grant_goes_on_to_its_allocations(commissioner, login):
    response = login(commissioner).post(
        reverse("commissioning:grant_create"),
        {
            "name": "Safe accommodation grant",
            "funder": OrganisationFactory().pk,
            "financial_year": "2021/22",
            "total": "£194,000",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/allocations/")


def _allocation_post(method, rows):
    data = {
        "split-method": method,
        "allocations-TOTAL_FORMS": str(len(rows)),
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "60",
    }
    for i, (recipient, area, amount, stated) in enumerate(rows):
        data |= {
            f"allocations-{i}-recipient": recipient,
            f"allocations-{i}-area": area,
            f"allocations-{i}-amount": amount,
            f"allocations-{i}-stated_percent": stated,
        }
    return data


def test_194000_split_equally_across_six_districts_allocates_exactly_194000(commissioner, login):
    stream = FundingStreamFactory(total_pence=19_400_000)
    councils = [OrganisationFactory(name=f"District {n} Council") for n in range(6)]
    client = login(commissioner)
    response = client.post(
        reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
        _allocation_post("equal", [(c.pk, "", "", "") for c in councils]),
    )
    assert response.status_code == 302
    amounts = list(GrantAllocation.objects.values_list("amount_pence", flat=True))
    assert sum(amounts) == 19_400_000 and len(amounts) == 6
    page = client.get(stream.get_absolute_url()).content.decode()
    assert "£32,333.34" in page and "£32,333.33" in page
    assert "Adds up" in page


def test_allocations_that_do_not_add_up_are_shown_with_the_fix_and_not_saved(commissioner, login):
    stream = FundingStreamFactory(total_pence=19_400_000)
    a, b = OrganisationFactory(), OrganisationFactory()
    response = login(commissioner).post(
        reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
        _allocation_post("amounts", [(a.pk, "", "97,000", ""), (b.pk, "", "96,999.99", "")]),
    )
    page = response.content.decode()
    assert "The allocations add up to £193,999.99 but the grant is £194,000.00" in page
    assert "add £0.01 to the allocations" in page
    assert not GrantAllocation.objects.exists()


def test_a_population_split_follows_the_areas(commissioner, login):
    stream = FundingStreamFactory(total_pence=300_00)
    big, small = AreaFactory(population=200_000), AreaFactory(population=100_000)
    a, b = OrganisationFactory(), OrganisationFactory()
    login(commissioner).post(
        reverse("commissioning:grant_allocations_edit", args=[stream.pk]),
        _allocation_post("population", [(a.pk, big.pk, "", ""), (b.pk, small.pk, "", "")]),
    )
    amounts = dict(GrantAllocation.objects.values_list("recipient", "amount_pence"))
    assert amounts == {a.pk: 200_00, b.pk: 100_00}


# The funding page and exports ------------------------------------------------------------------


def test_committee_members_see_the_flag_with_the_numbers_and_no_change_links(
    year_001, committee_member, login
):
    page = login(committee_member).get(reverse("commissioning:funding")).content.decode()
    assert "Does not add up" in page
    assert "+£73,970.00" in page
    assert "Change 2020/21 funding" not in page
    assert "Change the allocations" not in page
    assert reverse("commissioning:contract_detail", args=[year_001.contract_id]) not in page


def test_commissioners_see_change_links_on_the_funding_page(year_001, commissioner, login):
    page = login(commissioner).get(reverse("commissioning:funding")).content.decode()
    assert "Change 2020/21 funding" in page


def test_the_funding_page_can_show_one_year(year_001, contract, commissioner, login):
    ContractYearFactory(contract=contract, financial_year=2019)
    client = login(commissioner)
    page = client.get(reverse("commissioning:funding"), {"year": "2019/20"}).content.decode()
    assert f'id="year-{contract.pk}-2019"' in page
    assert f'id="year-{contract.pk}-2020"' not in page
    assert client.get(reverse("commissioning:funding"), {"year": "nonsense"}).status_code == 200


def _csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_contributions_export_carries_the_reconciliation_and_is_audited(
    year_001, committee_member, login
):
    response = login(committee_member).get(reverse("commissioning:export_contributions"))
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) == 3
    city = next(row for row in rows if row["Funder"] == "Test City Council")
    assert city["Reconciliation status"] == "Does not add up"
    assert city["Difference, contributed minus value (£)"] == "73970.00"
    assert city["Share of annual value (%)"] == "25.3"
    assert city["Stated share differs by more than 0.5 points"] == "yes"
    assert "£73,970.00 more than the annual value" in city["Problems"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == committee_member and event.detail["rows"] == 3


def test_the_allocations_export_lists_every_allocation(commissioner, login):
    stream = FundingStreamFactory(name="Grant", total_pence=100)
    GrantAllocation.objects.create(stream=stream, recipient=OrganisationFactory(), amount_pence=100)
    rows = _csv(login(commissioner).get(reverse("commissioning:export_allocations")))
    assert [(r["Grant"], r["Amount (£)"], r["Status"]) for r in rows] == [
        ("Grant", "1.00", "Adds up")
    ]


def test_the_contracts_export_gives_dates_and_flagged_years(year_001, commissioner, login):
    rows = _csv(login(commissioner).get(reverse("commissioning:export_contracts")))
    assert rows[0]["Reference"] == "JOINT-1"
    assert rows[0]["End date with exercised extensions"] == "2021-09-30"
    assert rows[0]["Years flagged"] == "2020/21"
