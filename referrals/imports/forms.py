"""The forms of the import journey: upload a return, confirm a checked one."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from commissioning.models import CommissionedService

from .checking import match_headers
from .format import columns_for
from .reading import MAX_BYTES, ReturnFileError, detect_format, megabytes, open_return


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
        self.helper.attrs = {"novalidate": ""}  # crispy adds the enctype for a file field
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

    def clean(self):
        """Read the header row now, so a file that is not a return is answered at once."""
        cleaned = super().clean()
        upload, service = cleaned.get("file"), cleaned.get("service")
        if upload is None or service is None:
            return cleaned
        try:
            with open_return(upload, upload.file_format) as found:
                match_headers(found.headers, columns_for(service))
        except ReturnFileError as error:
            self.add_error("file", str(error))
        finally:
            upload.seek(0)
        return cleaned


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
