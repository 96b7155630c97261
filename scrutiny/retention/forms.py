"""Forms for the retention pages: placing and releasing a legal hold."""

from __future__ import annotations

from django import forms

from partnership.forms import DIARY_YEARS, DateField, today
from referrals.models import Referral
from scrutiny.forms import GovForm
from scrutiny.models import Action

from .constants import RecordKind


class HoldForm(GovForm):
    submit_label = "Place the hold"
    kind = forms.ChoiceField(
        label="What is the hold on?",
        choices=RecordKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a referral or a committee action"},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=20,
        help_text="For example R-2019-000123 for a referral or A-2024-007 for an action.",
        error_messages={"required": "Enter the reference of the record to keep"},
    )
    reason = forms.CharField(
        label="Reason for the hold",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, a domestic homicide review, a complaint or proceedings. It is "
        "shown to performance leads and admins on the retention page only.",
        error_messages={"required": "Give the reason the record must be kept"},
    )
    review_on = DateField(
        label="Review date",
        what="review date",
        earliest=today,
        latest=DIARY_YEARS,
        example="31 3 2027",
        help_text="When to check whether the hold is still needed, for example 31 3 2027.",
    )

    def clean(self):
        data = super().clean()
        kind, reference = data.get("kind"), data.get("reference", "").strip()
        if kind and reference:
            model = Referral if kind == RecordKind.REFERRAL else Action
            record = model.objects.filter(reference__iexact=reference).first()
            if record is None:
                label = RecordKind(kind).label.lower()
                self.add_error("reference", f"There is no {label} with the reference {reference}")
            data["record"] = record
        return data


class ReleaseForm(GovForm):
    submit_label = "Release the hold"
    note = forms.CharField(
        label="Why the hold is no longer needed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the hold is no longer needed"},
    )
