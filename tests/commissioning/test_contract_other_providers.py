"""A contract that covers a service another organisation provides: the form warns and asks for a
tick to confirm it, and the contract's page marks the service."""

import pytest
from django.urls import reverse

from commissioning.models import Contract
from tests.factories import CommissionedServiceFactory, ContractFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers():
    return OrganisationFactory(name="Harbour Test"), OrganisationFactory(name="Beacon Test")


def _post(provider, services, **overrides):
    return {
        "reference": "ESX-9",
        "title": "Victim services",
        "provider": provider.pk,
        "lead_commissioner": OrganisationFactory().pk,
        "services": [service.pk for service in services],
        "start_date_0": "1",
        "start_date_1": "10",
        "start_date_2": "2018",
        "end_date_0": "30",
        "end_date_1": "9",
        "end_date_2": "2021",
    } | overrides


def test_a_service_of_the_contracts_own_provider_needs_no_confirming(
    providers, commissioner, login
):
    harbour, _beacon = providers
    own = CommissionedServiceFactory(name="IDVA service", provider=harbour)
    response = login(commissioner).post(
        reverse("commissioning:contract_create"), _post(harbour, [own])
    )
    assert response.status_code == 302
    assert (
        "confirm_other_providers"
        not in login(commissioner).get(reverse("commissioning:contract_create")).content.decode()
    )


def test_another_providers_service_is_warned_about_and_not_saved_until_confirmed(
    providers, commissioner, login
):
    harbour, beacon = providers
    refuge = CommissionedServiceFactory(name="Refuge", provider=beacon)
    client = login(commissioner)
    url = reverse("commissioning:contract_create")

    response = client.post(url, _post(harbour, [refuge]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="other-providers-warning"' in page
    assert "Refuge is provided by Beacon Test, not by Harbour Test." in page
    assert 'href="#id_confirm_other_providers"' in page  # in the error summary
    assert (
        "Tick the box to confirm this contract covers Refuge, which another organisation "
        "provides, or untick it"
    ) in page
    assert not Contract.objects.exists()

    response = client.post(url, _post(harbour, [refuge], confirm_other_providers="on"))
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert list(contract.services.all()) == [refuge]
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="other-provider">Provided by Beacon Test</strong>' in detail


def test_changing_a_contract_to_cover_another_providers_service_asks_too(
    providers, commissioner, login
):
    harbour, beacon = providers
    contract = ContractFactory(provider=harbour)
    refuge = CommissionedServiceFactory(name="Refuge", provider=beacon)
    data = _post(harbour, [refuge], reference=contract.reference)
    response = login(commissioner).post(
        reverse("commissioning:contract_edit", args=[contract.pk]), data
    )
    assert "Refuge is provided by Beacon Test" in response.content.decode()
    assert not contract.services.exists()


def test_a_warned_name_is_shown_as_text_never_run_as_a_template(commissioner, login):
    provider = OrganisationFactory(name="Harbour Test")
    odd = OrganisationFactory(name="{{ 7|add:1 }} <b>Beacon</b>")
    service = CommissionedServiceFactory(name="Refuge", provider=odd)
    page = (
        login(commissioner)
        .post(reverse("commissioning:contract_create"), _post(provider, [service]))
        .content.decode()
    )
    assert "{{ 7|add:1 }} &lt;b&gt;Beacon&lt;/b&gt;" in page
    assert "8 <b>Beacon</b>" not in page
