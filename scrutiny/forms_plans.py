"""Forms for the strategy and delivery plan, and for the review register.

The review forms have no field for a name, a date of birth or an address, say so above the
form (`REVIEW_WARNING`), and refuse free text holding a postcode or a date of birth
(`validators.reject_identifying_details`, also run by the models).
"""

from __future__ import annotations

from django import forms

from partnership.forms import today
from partnership.models import Area, Organisation, User

from .constants import REVIEW_ROLES, PlanMeasure, ReviewKind, ReviewStatus
from .forms import ActionForm, GovForm, UserChoiceField, users_with_role
from .forms_meetings import MARKDOWN_HELP, date_field
from .validators import NO_IDENTIFYING_DETAILS, reject_identifying_details

REVIEW_WARNING = (
    "This register records no names or identifying details of the people involved: not the "
    "person who died, nor their family, nor anyone else. " + NO_IDENTIFYING_DETAILS
)


class YearField(forms.IntegerField):
    def __init__(self, *, what: str, **kwargs):
        super().__init__(
            min_value=2000,
            max_value=2100,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
            error_messages={
                "required": f"Enter the year the strategy {what}",
                "invalid": f"Enter the year the strategy {what} as a number, like 2022",
                "min_value": "Enter a year from 2000 to 2100",
                "max_value": "Enter a year from 2000 to 2100",
            },
            **kwargs,
        )


class StrategyForm(GovForm):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the strategy's title"},
        help_text="Without the years, e.g. Eastshire Domestic Abuse Strategy.",
    )
    start_year = YearField(what="starts", label="First year")
    end_year = YearField(
        what="ends", label="Last year", help_text="A strategy for 2022–27 ends in 2027."
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=MARKDOWN_HELP
    )


class ThemeForm(GovForm):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the theme"},
        help_text="For example, Prevention and early intervention.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommitmentForm(GovForm):
    title = forms.CharField(
        label="Commitment",
        max_length=300,
        error_messages={"required": "Enter the commitment"},
        help_text="What the partnership commits to, e.g. Open 30 more units of dispersed safe "
        "accommodation.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Detail (optional)"
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation",
        queryset=Organisation.objects.all(),
        error_messages={"required": "Choose the organisation that leads it"},
    )
    owner = UserChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose who owns the commitment"},
        help_text="Accountable to the board for it. Each milestone has its own owner.",
    )
    measure = forms.ChoiceField(
        label="Dashboard figure that measures it (optional)",
        choices=[("", "None")] + PlanMeasure.choices,
        required=False,
        help_text="Shown beside the commitment, for the last complete quarter, as committee "
        "members see it on the dashboard.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("first_name", "last_name", "username")
        )


class MilestoneForm(ActionForm):
    """A commitment's milestone: an action with the commitment as its source."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = "Milestone"
        self.fields["description"].error_messages["required"] = "Describe the milestone"
        self.fields[
            "description"
        ].help_text = (
            "What will be done by the date, e.g. Needs assessment refreshed and published."
        )
        self.fields["owner"].help_text = (
            "The owner updates the milestone and completes it with evidence; they get a "
            "reminder when it is due within 7 days or overdue."
        )
        self.fields["due_date"].help_text = "For example, 31 3 2026"


class ReviewForm(GovForm):
    reference = forms.CharField(
        max_length=30,
        error_messages={"required": "Enter the review's reference"},
        help_text="The board's own reference, letters then numbers, e.g. DHR-2024-01. Never a "
        "name or initials.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of review"},
    )
    area = forms.ModelChoiceField(
        label="District",
        queryset=Area.objects.all(),
        error_messages={"required": "Choose the district"},
    )
    status = forms.ChoiceField(
        choices=ReviewStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the review's status"},
    )
    commissioned_on = date_field(
        "date the review was commissioned",
        example="14 2 2024",
        latest=today,
        label="Date commissioned",
        help_text="When the board decided to hold it, e.g. 14 2 2024",
    )
    submitted_on = date_field(
        "date the review went to the Home Office",
        example="3 9 2024",
        latest=today,
        label="Date sent to the Home Office (optional)",
        required=False,
        help_text="To its quality assurance panel.",
    )
    published_on = date_field(
        "date the review was published",
        example="1 4 2025",
        latest=today,
        label="Date published (optional)",
        required=False,
    )
    closed_on = date_field(
        "date the review was closed",
        example="1 10 2025",
        latest=today,
        label="Date closed (optional)",
        required=False,
        help_text="When the board agreed every recommendation was done.",
    )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip().upper()
        reject_identifying_details(reference)
        return reference


class RecommendationForm(ActionForm):
    """A review's recommendation: an action made to an agency, owned by someone who may read
    the register."""

    field_order = ["description", "source_agency", "owner", "due_date", "priority"]
    source_agency = forms.ModelChoiceField(
        label="Agency the recommendation is made to",
        queryset=Organisation.objects.all(),
        error_messages={"required": "Choose the agency the recommendation is made to"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = "Recommendation"
        self.fields["description"].error_messages["required"] = "Enter the recommendation"
        self.fields[
            "description"
        ].help_text = (
            "As the review worded it, without names or any detail that could identify anyone."
        )
        self.fields["description"].validators.append(reject_identifying_details)
        self.fields["owner"].queryset = users_with_role(*REVIEW_ROLES)
        self.fields["owner"].help_text = (
            "A performance lead or commissioner who follows it up with the agency: only they "
            "may see the review register."
        )
        self.fields["due_date"].help_text = "For example, 31 3 2026"
