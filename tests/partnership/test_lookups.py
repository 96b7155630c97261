"""A tampered multiple choice of rows gets "Select a valid choice", not a server error."""

import pytest
from django import forms

from commissioning.models import CommissionedService
from partnership.models import Organisation
from tests.factories import OrganisationFactory

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize("value", [TOO_BIG, "-" + TOO_BIG, str(2**63), str(-(2**63) - 1)])
def test_an_in_lookup_with_a_number_no_column_holds_matches_nothing(db, value):
    organisation = OrganisationFactory()

    assert list(Organisation.objects.filter(pk__in=[value])) == []
    assert list(Organisation.objects.filter(pk__in=[value, organisation.pk])) == [organisation]


def test_a_multiple_choice_of_rows_with_a_huge_number_is_refused_with_a_message(db):
    class Choose(forms.Form):
        services = forms.ModelMultipleChoiceField(queryset=CommissionedService.objects.all())

    form = Choose({"services": [TOO_BIG]})

    assert not form.is_valid()
    assert "Select a valid choice" in str(form.errors["services"])
