"""The referral form as a return's row fills it.

`ReturnRowForm` is the officer's `ReferralForm` with three differences that a file needs: the
service is the import's, the person and address may come as their keyed hashes instead of the
identifiers, and districts and organisations are looked up in lists read once rather than one
query a row. Everything else (required fields, choices, bounds, messages, the form's own
cross-field rules) is the referral form's. One instance checks every row of a return: binding
a new form a row copies all its fields, which took most of the time of a check.
"""

from __future__ import annotations

from django import forms
from django.views.decorators.debug import sensitive_variables

from commissioning.models import CommissionedService
from partnership.models import Area, Organisation

from .. import identity
from ..forms import OUT_OF_AREA, ReferralForm

KEY_LENGTH = 64
HEX = frozenset("0123456789abcdef")


def is_key(text: str) -> bool:
    """A keyed hash as referrals.identity writes it: 64 hexadecimal characters."""
    return len(text) == KEY_LENGTH and set(text) <= HEX


class ReturnRowForm(ReferralForm):
    """The referral form, filled from one row of a service's return (see the module docstring)."""

    person_key = forms.CharField(required=False, max_length=KEY_LENGTH)
    address_key = forms.CharField(required=False, max_length=KEY_LENGTH)

    def __init__(self, *, service: CommissionedService):
        super().__init__(data={})
        self.service = service
        del self.fields["service"]
        self.areas = {str(area.pk): area for area in Area.objects.all()}
        self.organisations = {str(org.pk): org for org in Organisation.objects.all()}
        self.fields["referring_organisation"] = forms.ChoiceField(
            choices=[("", "")] + [(pk, org.name) for pk, org in self.organisations.items()],
            required=False,
        )
        # Required unless the person's key is given (see clean).
        for name in ("full_name", "date_of_birth"):
            self.fields[name].required = False

    @sensitive_variables()
    def check(self, data: dict) -> dict[str, list[str]]:
        """Validate one row's values; returns the errors by field (empty when it is valid)."""
        self.data = data
        self.full_clean()
        return self.errors

    @sensitive_variables()
    def clean_full_name(self):
        if not self.cleaned_data["full_name"]:
            return ""  # the person's key was given instead (see clean)
        return super().clean_full_name()

    def clean_area(self):
        value = self.cleaned_data["area"]
        return None if value == OUT_OF_AREA else self.areas[value]

    def clean_referring_organisation(self):
        return self.organisations.get(self.cleaned_data["referring_organisation"])

    @sensitive_variables()
    def clean(self):
        cleaned = super().clean()
        cleaned["service"] = self.service
        if not cleaned.get("person_key"):
            for name in ("full_name", "date_of_birth"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    @sensitive_variables()
    def identity_keys(self) -> tuple[str, str]:
        """(person key, address key): as given, or made from the identifiers as the referral
        form makes them."""
        data = self.cleaned_data
        person = data.get("person_key") or identity.person_key(
            data["full_name"], data["date_of_birth"]
        )
        address = data.get("address_key") or (
            identity.address_key(data["postcode"], data["house"]) if data.get("postcode") else ""
        )
        return person, address
