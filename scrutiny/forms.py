"""Forms for scrutiny pages. They check the shape of the input; the rules live on the models and
in services, and their errors are shown on these forms by `partnership.forms.show_errors`."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button
from django import forms
from django.core.exceptions import ValidationError

from partnership.constants import Role
from partnership.forms import DIARY_YEARS, RECORDS_BEGIN, DateField, TimeField
from partnership.models import Area, User

from .constants import (
    OPEN_STATUSES,
    ActionSource,
    ActionStatus,
    ExemptParagraph,
    MeetingStatus,
    Priority,
    Purpose,
    Rag,
)
from .models import Action, Committee, Meeting, Topic


def users_with_role(*roles: Role):
    """Active users holding any of `roles` (admins hold every role)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[*roles, Role.ADMIN])
        .select_related("organisation")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name}, {obj.organisation}" if obj.organisation else name


def _yes_no(label: str, yes: str, no: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[(True, yes), (False, no)],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer: {label.lower()}"},
    )


class GovForm(forms.Form):
    """A form drawn with GOV.UK markup by crispy-forms-gds, with one submit button."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        # The GOV.UK error summary reports every error at once; the browser's own pop-ups would
        # stop at the first.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout.append(Button("submit", self.submit_label))


class CommitteeForm(GovForm):
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the committee's name"},
        help_text="For example, Adult Social Care and Health Overview and Scrutiny Committee.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the committee is for, in a sentence or two.",
    )
    clerk = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose the committee's clerk"},
        help_text="The clerk gets a weekly e-mail of the committee's overdue actions. Members "
        "are added on the committee's page, with the date each joins.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = users_with_role(Role.CLERK)


class TopicForm(GovForm):
    submit_label = "Add topic"
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the topic's name"},
        help_text="A subject the committee follows across meetings, e.g. Domestic abuse services.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingForm(GovForm):
    date = DateField(
        label="Date of the meeting",
        what="date of the meeting",
        earliest=RECORDS_BEGIN,
        latest=DIARY_YEARS,
        example="14 11 2025",
        help_text="For example, 14 11 2025",
    )
    start_time = TimeField(
        label="Start time", what="start time", help_text="For example, 10:00, 18:30 or 6:30pm."
    )
    venue = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the venue"},
        help_text="For example, Council Chamber, County Hall, or Online (Microsoft Teams).",
    )
    status = forms.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (MeetingStatus.DRAFT, MeetingStatus.AGENDA_PUBLISHED)
        ],
        initial=MeetingStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text="Committee members see a meeting once its agenda is published. It becomes "
        "Minutes approved when the committee approves its minutes at the next meeting.",
    )

    def __init__(self, *args, minutes_approved: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if minutes_approved:
            # Approved minutes fix the status; the field says so rather than offering a change.
            self.fields["status"].choices = [
                (MeetingStatus.MINUTES_APPROVED.value, MeetingStatus.MINUTES_APPROVED.label)
            ]


class AgendaItemForm(GovForm):
    title = forms.CharField(
        label="Title of the report",
        max_length=300,
        error_messages={"required": "Enter the title of the report"},
    )
    report_of = forms.CharField(
        label="Report of",
        max_length=200,
        error_messages={"required": "Enter who the report is of"},
        help_text="The portfolio holder or officer, e.g. Portfolio Holder for Communities.",
    )
    purpose = forms.ChoiceField(
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose of the report"},
        help_text="Is the committee asked to decide, to discuss or to note?",
    )
    recommendation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the recommendation"},
        help_text="For example, That the Committee note the content of the report.",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a summary"},
        help_text="Markdown: a blank line between paragraphs, - for a bullet list, **bold**.",
    )
    body = forms.CharField(
        label="Body of the report",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text="Markdown, as for the summary. Leave blank if the summary says it all.",
    )
    all_wards = _yes_no("Wards affected", "All wards", "Only some areas")
    wards = forms.ModelMultipleChoiceField(
        label="Areas affected",
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only when the report affects some areas.",
    )
    contact_name = forms.CharField(
        label="Contact officer's name",
        max_length=200,
        error_messages={"required": "Enter the contact officer's name"},
    )
    contact_title = forms.CharField(
        label="Contact officer's job title",
        max_length=200,
        error_messages={"required": "Enter the contact officer's job title"},
    )
    contact_email = forms.EmailField(
        label="Contact officer's e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the contact officer's e-mail address",
            "invalid": "Enter an e-mail address like name@example.gov.uk",
        },
    )
    contact_telephone = forms.CharField(
        label="Contact officer's telephone (optional)", max_length=30, required=False
    )
    exempt = _yes_no(
        "Is the report exempt?",
        "Yes: confidential under Schedule 12A, kept out of public papers",
        "No: a public report",
    )
    exempt_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph",
        choices=[("", "Not exempt")] + ExemptParagraph.choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Only for an exempt report: the paragraph that makes it exempt.",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Topics link this item to earlier and later items on the same subject.",
    )


class AgendaDocumentForm(GovForm):
    submit_label = "Upload document"
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the document's title"},
        help_text="For example, Appendix A: Domestic Abuse Delivery Plan.",
    )
    file = forms.FileField(
        label="PDF file",
        error_messages={"required": "Choose a PDF file to upload"},
        help_text="A PDF of up to 20 MB.",
    )


class ResolutionForm(GovForm):
    label = forms.CharField(
        max_length=3,
        error_messages={"required": "Enter the label, e.g. a or 1"},
        help_text="As in the minutes: a, b, c or 1, 2, 3.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3"}),
    )
    text = forms.CharField(
        label="What the committee resolved",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the committee resolved"},
        help_text="For example, details of waiting times for perpetrator services be shared "
        "with the Committee.",
    )


class ActionForm(GovForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action"},
        help_text="What is to be done, by whom and for whom, e.g. Circulate the waiting times "
        "for perpetrator services to committee members.",
    )
    owner = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose who owns the action"},
        help_text="The owner gets a reminder e-mail when the action is due within 7 days or "
        "overdue.",
    )
    due_date = DateField(
        label="Due date",
        what="due date",
        earliest=RECORDS_BEGIN,
        latest=DIARY_YEARS,
        example="31 3 2026",
        help_text="After the meeting, e.g. 31 3 2026",
    )
    priority = forms.ChoiceField(
        choices=Priority.choices,
        initial=Priority.MEDIUM,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's priority"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("first_name", "last_name", "username")
        )


class OtherActionForm(ActionForm):
    """An action that comes from none of the linked sources: the form asks where it came from."""

    field_order = ["other_source", "description", "owner", "due_date", "priority"]
    other_source = forms.CharField(
        label="Where the action came from",
        max_length=200,
        error_messages={"required": "Say where the action came from"},
        help_text="For example, Board development day, 4 March 2026, or Home Office letter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].help_text = "For example, 31 3 2026"


class ActionUpdateForm(GovForm):
    submit_label = "Add update"
    text = forms.CharField(
        label="Update",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the update"},
        help_text="What has been done since the last update, and what happens next.",
    )
    status = forms.ChoiceField(
        choices=[(status.value, status.label) for status in OPEN_STATUSES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose open or in progress"},
    )


class ActionCompleteForm(GovForm):
    submit_label = "Complete action"
    evidence_file = forms.FileField(
        label="Evidence file",
        required=False,
        help_text="A PDF, Word, Excel, CSV or PNG file of up to 10 MB.",
    )
    evidence_url = forms.CharField(
        label="Or a link to the evidence",
        max_length=500,
        required=False,
        help_text="A published report or a dashboard page: a page on this site (starting with /) "
        "or an address starting with https://.",
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example, where the information was sent and when.",
    )


class ActionCloseForm(GovForm):
    submit_label = "Close action"
    status = forms.ChoiceField(
        label="Why is the action closing?",
        choices=[
            (ActionStatus.NOT_FEASIBLE.value, "It is not feasible"),
            (ActionStatus.SUPERSEDED.value, "It has been superseded"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose not feasible or superseded"},
    )
    note = forms.CharField(
        label="Reason or note",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required when not feasible: the reason. When superseded: what replaced it, "
        "unless you give the replacing action's reference below.",
    )
    superseded_by = forms.CharField(
        label="Reference of the action that replaces it (optional)",
        max_length=20,
        required=False,
        help_text="For example, A-2025-014.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean_superseded_by(self) -> Action | None:
        reference = self.cleaned_data["superseded_by"].strip().upper()
        if not reference:
            return None
        try:
            return Action.objects.get(reference=reference)
        except Action.DoesNotExist:
            raise ValidationError(f"No action has the reference {reference}.") from None


class ActionFilterForm(forms.Form):
    """The tracker's filters (GET). Choices are limited to what the user may see."""

    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), required=False, empty_label="All committees"
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, empty_label="All meetings"
    )
    source = forms.ChoiceField(choices=[("", "Any source")] + ActionSource.choices, required=False)
    status = forms.ChoiceField(choices=[("", "Any status")] + ActionStatus.choices, required=False)
    priority = forms.ChoiceField(choices=[("", "Any priority")] + Priority.choices, required=False)
    rag = forms.ChoiceField(label="RAG", choices=[("", "Any RAG")] + Rag.choices, required=False)
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="Anyone")
    overdue = forms.BooleanField(label="Only overdue actions", required=False)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        visible = actions.values("pk")
        sources = set(actions.order_by().values_list("source", flat=True).distinct())
        self.fields["source"].choices = [("", "Any source")] + [
            (source.value, source.label) for source in ActionSource if source in sources
        ]
        self.fields["committee"].queryset = Committee.objects.filter(
            meetings__agenda_items__resolutions__actions__in=visible
        ).distinct()
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(agenda_items__resolutions__actions__in=visible)
            .select_related("committee")
            .distinct()
        )
        self.fields["owner"].queryset = (
            User.objects.filter(scrutiny_actions__in=visible)
            .select_related("organisation")
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value) of each filter that is on, as the page lists them."""
        if not self.is_bound or not self.is_valid():
            return []
        active = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not value:
                continue
            label = self[name].label
            if name == "overdue":
                active.append((label, "Yes"))
            elif isinstance(field, forms.ModelChoiceField):
                active.append((label, field.label_from_instance(value)))
            else:
                active.append((label, dict(field.choices)[value]))
        return active
