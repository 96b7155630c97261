"""Published contracts as OCDS 1.1 release packages: valid against the release package schema
with the Budget Breakdown extension, amounts exactly as stored, and funding that reconciles or
carries the app's own flag."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning import metrics, services
from commissioning.models import Contract
from commissioning.opendata.ocds import BUDGET_BREAKDOWN_EXTENSION
from commissioning.opendata.selectors import ocid_for
from partnership.demo import seed_demo
from tests.commissioning.conftest import AS_TOLD_001, VALUE_001
from tests.commissioning.opendata import schemas


def get_package(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    # Decimals, not floats: amounts are compared with what is stored, to the penny.
    return json.loads(response.content, parse_float=Decimal), response.content.decode()


@pytest.fixture
def published(year_001, contract, commissioner):
    return services.contract_publication_set(by=commissioner, contract=contract, publish=True)


@pytest.mark.django_db
def test_the_demo_package_is_valid_ocds_with_the_budget_breakdown(client):
    seed_demo(referrals=0, seed=7)
    package, _ = get_package(client, reverse("open_data:contracts"))
    assert not schemas.errors(schemas.ocds_package(), package)
    assert package["extensions"] == [BUDGET_BREAKDOWN_EXTENSION]
    assert package["version"] == "1.1"
    published = Contract.objects.filter(open_data_published=True)
    assert [r["ocid"] for r in package["releases"]] == [ocid_for(c) for c in published]
    assert len(package["releases"]) == 1
    for contract in published:
        single, _ = get_package(client, reverse("open_data:contract", args=[ocid_for(contract)]))
        assert not schemas.errors(schemas.ocds_package(), single)
        assert single["releases"] == package["releases"]


@pytest.mark.django_db
def test_amounts_are_pounds_and_pence_exactly_as_stored(published, client):
    package, text = get_package(client, reverse("open_data:contracts"))
    budget = package["releases"][0]["planning"]["budget"]
    stored = sorted(pence for pence, _ in AS_TOLD_001)
    assert sorted(entry["amount"]["amount"] * 100 for entry in budget["budgetBreakdown"]) == stored
    assert all(entry["amount"]["currency"] == "GBP" for entry in budget["budgetBreakdown"])
    # Written as numbers with both pence digits: 1015483.00, not "1015483.00" or 1015483.0.
    assert '"amount": 1015483.00,' in text
    assert budget["amount"]["amount"] == Decimal("2230970.00")
    contract_value = package["releases"][0]["contracts"][0]["value"]["amount"]
    assert contract_value == Decimal(VALUE_001) / 100


@pytest.mark.django_db
def test_a_year_that_does_not_add_up_carries_the_apps_flag(published, client, contract):
    package, _ = get_package(client, reverse("open_data:contracts"))
    budget = package["releases"][0]["planning"]["budget"]
    [year] = budget["financialYears"]
    on_screen = metrics.contract_funding(contract).years[0]
    assert year["financialYear"] == "2020/21"
    assert year["annualValue"]["amount"] == Decimal("2157000.00")
    assert year["contributed"]["amount"] == Decimal("2230970.00")
    assert year["difference"]["amount"] == Decimal("73970.00")
    assert (year["addsUp"], year["flagged"], year["status"]) == (False, True, "Does not add up")
    assert year["problems"] == list(on_screen.problems)
    in_year = [e for e in budget["budgetBreakdown"] if e["period"] == year["period"]]
    assert sum(e["amount"]["amount"] for e in in_year) == year["contributed"]["amount"]


@pytest.mark.django_db
def test_a_year_that_adds_up_reconciles_with_its_value(contract, funders, commissioner, client):
    services.contract_year_save(
        by=commissioner,
        contract=contract,
        financial_year=2021,
        annual_value_pence=100_001,
        contributions=[
            services.ContributionInput(funders[0], 50_000),
            services.ContributionInput(funders[1], 50_001),
        ],
    )
    services.contract_publication_set(by=commissioner, contract=contract, publish=True)
    package, _ = get_package(client, reverse("open_data:contracts"))
    assert not schemas.errors(schemas.ocds_package(), package)
    release = package["releases"][0]
    [year] = release["planning"]["budget"]["financialYears"]
    assert (year["addsUp"], year["flagged"], year["problems"]) == (True, False, [])
    amounts = [e["amount"]["amount"] for e in release["planning"]["budget"]["budgetBreakdown"]]
    assert sum(amounts) == year["annualValue"]["amount"] == Decimal("1000.01")
    funders_roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert funders_roles[funders[0].name] == ["funder", "sourceParty"]
    assert funders_roles[contract.provider.name] == ["supplier"]


@pytest.mark.django_db
def test_unpublished_contracts_are_not_found(contract, year_001, client, settings):
    assert client.get(reverse("open_data:contracts")).status_code == 404
    response = client.get(reverse("open_data:contract", args=[ocid_for(contract)]))
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    for ocid in ("nonsense", f"{settings.OCDS_OCID_PREFIX}-not-a-uuid"):
        assert client.get(reverse("open_data:contract", args=[ocid])).status_code == 404


@pytest.mark.django_db
def test_the_ocid_prefix_is_a_setting(published, contract, client, settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    package, _ = get_package(client, reverse("open_data:contract", args=[ocid_for(contract)]))
    assert package["releases"][0]["ocid"] == f"ocds-test01-{contract.open_data_id}"
    assert package["license"] == settings.OPEN_DATA_LICENCE_URL


@pytest.mark.django_db
def test_publishing_needs_funding_and_is_audited(contract, commissioner):
    with pytest.raises(Exception, match="Add at least one year"):
        services.contract_publication_set(by=commissioner, contract=contract, publish=True)
    contract.refresh_from_db()
    assert not contract.open_data_published


@pytest.mark.django_db
def test_the_release_id_changes_only_when_what_is_published_changes(published, client, contract):
    url = reverse("open_data:contract", args=[ocid_for(contract)])
    first, _ = get_package(client, url)
    again, _ = get_package(client, url + "?again")
    assert first["releases"][0]["id"] == again["releases"][0]["id"]
    Contract.objects.filter(pk=contract.pk).update(title="Renamed")
    renamed, _ = get_package(client, url + "?renamed")
    assert renamed["releases"][0]["id"] != first["releases"][0]["id"]


@pytest.mark.django_db
def test_the_extension_schema_is_really_applied(published, client):
    package, _ = get_package(client, reverse("open_data:contracts"))
    validator = schemas.ocds_package()
    entry = package["releases"][0]["planning"]["budget"]["budgetBreakdown"][0]
    del entry["id"]
    entry["amount"]["amount"] = "670490.00"
    found = schemas.errors(validator, package)
    assert len(found) == 2, found
