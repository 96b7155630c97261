"""Forms for the meeting cycle: membership, attendance, declarations, questions, the minutes and
their amendments. They check the shape of the input; the rules live in
`services_meetings.py`, whose errors are shown on these forms by `partnership.forms.show_errors`."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button
from django import forms

from partnership.constants import Role
from partnership.forms import DIARY_YEARS, RECORDS_BEGIN, DateBound, DateField
from partnership.models import User

from .constants import AttendanceStatus, InterestKind, MembershipRole
from .forms import GovForm, UserChoiceField, _yes_no, users_with_role
from .models import AgendaItem, CommitteeMembership, Meeting

MARKDOWN_HELP = "Markdown: a blank line between paragraphs, - for a bullet list, **bold**."


def date_field(
    what: str,
    *,
    example: str,
    latest: DateBound = DIARY_YEARS,
    **kwargs,
) -> DateField:
    """A GOV.UK date input for the meeting cycle and the plan: from 2000, and by default up to
    ten years ahead."""
    return DateField(what=what, earliest=RECORDS_BEGIN, latest=latest, example=example, **kwargs)


class MembershipForm(GovForm):
    submit_label = "Add member"
    member = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose the member"},
        help_text="Only users with the committee member role are listed.",
    )
    role = forms.ChoiceField(
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the member's role on the committee"},
    )
    start_date = date_field(
        "date the membership starts",
        example="21 5 2025",
        label="Member from",
        help_text="For example, 21 5 2025",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = users_with_role(Role.COMMITTEE_MEMBER)


class MembershipEndForm(GovForm):
    submit_label = "End membership"
    end_date = date_field(
        "date the membership ends",
        example="20 5 2026",
        label="Last day as a member",
        help_text="For example, 20 5 2026",
    )


class AttendanceForm(GovForm):
    """One row per member on the meeting's date: present, apologies (with a substitute) or
    absent. The field names carry the member's id: `status_<id>`, `substitute_<id>`."""

    submit_label = "Save attendance"

    def __init__(self, *args, seats: list[CommitteeMembership], substitutes, **kwargs):
        self.seats = seats
        super().__init__(*args, **kwargs)
        for seat in seats:
            name = seat.member.get_full_name() or seat.member.username
            self.fields[f"status_{seat.member_id}"] = forms.ChoiceField(
                label=name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether {name} was present"},
            )
            self.fields[f"substitute_{seat.member_id}"] = UserChoiceField(
                label=f"Substitute for {name} (optional)",
                queryset=substitutes,
                required=False,
                empty_label="No substitute",
            )
        # The layout is made from the fields, so only now that each member has theirs.
        self.helper = FormHelper(self)
        self.helper.form_method = "post"
        self.helper.layout.append(Button("submit", self.submit_label))

    def statuses(self) -> dict[int, str]:
        return {
            seat.member_id: self.cleaned_data[f"status_{seat.member_id}"] for seat in self.seats
        }

    def substitutes(self) -> dict[int, User | None]:
        return {
            seat.member_id: self.cleaned_data.get(f"substitute_{seat.member_id}")
            for seat in self.seats
        }


class OtherAttendeeForm(GovForm):
    submit_label = "Add attendee"
    name = forms.CharField(max_length=200, error_messages={"required": "Enter their name"})
    job_title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter their job title"},
        help_text="For example, Community Safety Manager or Service Manager.",
    )
    organisation = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter their organisation"},
        help_text="The council, a partner or a provider.",
    )


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"Item {obj.number}: {obj.title}"


class DeclarationForm(GovForm):
    submit_label = "Record declaration"
    member = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose the member who declared the interest"},
        help_text="Members and substitutes recorded as present.",
    )
    agenda_item = ItemChoiceField(
        label="Agenda item",
        queryset=AgendaItem.objects.none(),
        error_messages={"required": "Choose the item the interest is in"},
    )
    kind = forms.ChoiceField(
        label="Kind of interest",
        choices=InterestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of interest"},
    )
    nature = forms.CharField(
        label="The interest",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the interest"},
        help_text="As the member described it, e.g. a trustee of a charity that bids for the "
        "contract.",
    )
    left_room = _yes_no(
        "Did the member leave the room for the item?",
        "Yes: they left and took no part",
        "No: they stayed",
    )

    def __init__(self, *args, meeting: Meeting, present: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = User.objects.filter(
            pk__in=[user.pk for user in present]
        ).select_related("organisation")
        self.fields["agenda_item"].queryset = meeting.agenda_items.filter(kind="report")


class ItemMinuteForm(GovForm):
    discussion = forms.CharField(
        label="Minute",
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        help_text="What was presented and discussed, and the answers given. "
        + MARKDOWN_HELP
        + " Record what the committee resolved as resolutions, not here.",
    )


class AmendmentForm(GovForm):
    submit_label = "Record amendment"
    new_text = forms.CharField(
        label="Amended text",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the amended text"},
    )
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the amendment and where it was agreed"},
        help_text="Why, and where it was agreed, e.g. Agreed at the meeting on 9 October 2025: "
        "the figure given was 35, not 30.",
    )

    def __init__(self, *args, new_text_label: str = "", markdown: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The page draws the <form>, so it can carry what is being amended.
        self.helper.form_tag = False
        if new_text_label:
            self.fields["new_text"].label = new_text_label
        if markdown:
            self.fields["new_text"].help_text = MARKDOWN_HELP


class QuestionForm(GovForm):
    agenda_item = ItemChoiceField(
        label="Agenda item (optional)",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="Not about one item",
    )
    asked_by = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter who asked the question"},
        help_text="For example, Councillor Harriet Dunmore, or a member of the public.",
    )
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the question"},
    )
    answer = forms.CharField(
        label="Written answer (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Add it when it is ready: the annex says a question is not yet answered.",
    )
    answered_by = forms.CharField(
        label="Answered by (optional)",
        max_length=200,
        required=False,
        help_text="For example, Community Safety Manager.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("number")
