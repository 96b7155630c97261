"""Forms of the import journey, and the referral form as a return's row fills it.

`ReturnRowForm` is the officer's `ReferralForm` with three differences that a file needs: the
service is the import's, the person and address may come as their keyed hashes instead of the
identifiers, and districts and organisations are looked up in lists read once rather than one
query a row. Everything else (required fields, choices, bounds, messages, the form's own
cross-field rules) is the referral form's. One instance checks every row of a return: binding
a new form a row copies all its fields, which took most of the time of a check.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from commissioning.models import CommissionedService
from partnership.models import Area, Organisation

from .. import identity
from ..forms import OUT_OF_AREA, ReferralForm
from .reading import MAX_BYTES, ReturnFileError, detect_format, megabytes

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


# The journey's pages ---------------------------------------------------------------------------


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.provider})"


class UploadForm(forms.Form):
    """Choose the service and the file. The file's type, size and header row are checked here,
    so a wrong file is answered at once; its rows are checked by the Celery task."""

    service = ServiceChoiceField(
        queryset=CommissionedService.objects.none(),
        label="Service the return is for",
        empty_label="Select a service",
        error_messages={
            "required": "Select the service the return is for",
            "invalid_choice": "Select one of the services listed",
        },
    )
    file = forms.FileField(
        label="Return file",
        help_text=f"A CSV file or an Excel workbook (.xlsx) of up to {megabytes(MAX_BYTES)}, "
        "in the return format.",
        error_messages={
            "required": "Choose the return file to upload",
            "empty": "The file is empty. Choose the return file again",
            "invalid": "Choose the return file to upload",
        },
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(
            Field.select("service"), Field("file"), Button("upload", "Upload and check")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(f"The file must be smaller than {megabytes(MAX_BYTES)}.")
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        try:
            upload.file_format = detect_format(upload.name, head)
        except ReturnFileError as error:
            raise ValidationError(str(error)) from None
        return upload


def file_checksum(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def clean_file_name(name: str) -> str:
    """The name the file was uploaded with, without any folder."""
    return PurePath(name.replace("\\", "/")).name[:200] or "return"


class ConfirmForm(forms.Form):
    """Confirm a checked return; with rejected rows, only by choosing to leave them out."""

    leave_out = forms.BooleanField(required=False)

    def __init__(self, *args, rejected: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rejected = rejected
        field = self.fields["leave_out"]
        rows = f"{rejected:,} rejected row{'s' if rejected != 1 else ''}"
        field.label = f"Leave out the {rows} and import the rest"
        field.help_text = (
            "The rejected rows are not imported. Correct them in your system and import the "
            "corrected return later: rows already imported are then left as they are, or "
            "updated, never duplicated."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.checkbox("leave_out")) if rejected else Layout()

    def clean(self):
        cleaned = super().clean()
        if self.rejected and not cleaned.get("leave_out"):
            self.add_error(
                "leave_out",
                "The return has rejected rows. Tick the box to leave them out, or correct the "
                "file and upload it again",
            )
        return cleaned
