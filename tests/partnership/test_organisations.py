"""Organisations can be any kind of council a partnership board works with."""

import pytest
from django.urls import reverse

from partnership.constants import OrganisationKind
from partnership.models import Organisation

pytestmark = pytest.mark.django_db

COUNCILS = {
    "county_council": "County council",
    "unitary_council": "Unitary council",
    "city_council": "City council",
    "district_council": "District council",
    "borough_council": "Borough council",
}


@pytest.mark.parametrize(("kind", "label"), COUNCILS.items())
def test_each_kind_of_council_is_an_organisation_kind(kind, label):
    assert OrganisationKind(kind).label == label
    Organisation(name=f"Test {label}", kind=kind).full_clean()


def test_the_admin_offers_every_kind_of_council(login, admin_user):
    page = login(admin_user).get(reverse("admin:partnership_organisation_add")).content.decode()
    for kind, label in COUNCILS.items():
        assert f'<option value="{kind}">{label}</option>' in page
