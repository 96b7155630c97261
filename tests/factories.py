"""factory_boy factories for every app. Each app's issue adds its own below."""

import factory
from django.contrib.auth.models import Group

from partnership.constants import OrganisationKind
from partnership.models import Area, Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.PROVIDER


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"District {n}")
    code = factory.Sequence(lambda n: f"E0799{n:04d}")
    population = 100_000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


# Scrutiny ---------------------------------------------------------------------------------------
# (Imports here keep this app's factories in one block that can be appended to.)
import datetime as _dt  # noqa: E402

from scrutiny.constants import ActionStatus, MeetingStatus, Purpose  # noqa: E402
from scrutiny.models import (  # noqa: E402
    Action,
    AgendaItem,
    Committee,
    Meeting,
    Resolution,
    Topic,
)

MEMBERS_FROM = _dt.date(2020, 1, 1)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Scrutiny Committee {n}")
    clerk = factory.SubFactory(UserFactory)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        # Seated long before any test meeting, so they are members on its date.
        if create and extracted:
            self.members.add(*extracted, through_defaults={"start_date": MEMBERS_FROM})


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = _dt.date(2025, 6, 12)
    start_time = _dt.time(10, 0)
    venue = "Council Chamber, County Hall"
    status = MeetingStatus.AGENDA_PUBLISHED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Domestic abuse services update {n}")
    report_of = "Portfolio Holder for Communities"
    purpose = Purpose.NOTING
    recommendation = "That the Committee note the report."
    summary = "A summary of the report."
    contact_name = "Alex Example"
    contact_title = "Head of Community Safety"
    contact_email = "alex@example.org"


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    agenda_item = factory.SubFactory(AgendaItemFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: "abcdefghijklmnopqrstuvwxyz"[n % 26])
    text = "details of waiting times be shared with the Committee."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    resolution = factory.SubFactory(ResolutionFactory)
    year = factory.LazyAttribute(lambda action: action.resolution.agenda_item.meeting.date.year)
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda action: f"A-{action.year}-{action.sequence:03d}")
    description = "Share the waiting times with the Committee."
    owner = factory.SubFactory(UserFactory)
    owner_organisation = factory.LazyAttribute(lambda action: action.owner.organisation)
    due_date = _dt.date(2025, 9, 30)
    status = ActionStatus.OPEN
    raised_by = factory.SubFactory(UserFactory)


# Commissioning ------------------------------------------------------------------------------

from datetime import date as _date  # noqa: E402

from commissioning.constants import (  # noqa: E402
    DEFINITIONS_BEGIN,
    CaseloadCounts,
    ClientGroup,
    ExtensionStatus,
    FirstContactRule,
    ServiceType,
)
from commissioning.models import (  # noqa: E402
    CaseworkerCapacity,
    CommissionedService,
    Contract,
    ContractExtension,
    ContractYear,
    FundingContribution,
    FundingStream,
    GrantAllocation,
    ServiceDefinition,
)


class CommissionedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionedService

    name = factory.Sequence(lambda n: f"Service {n}")
    provider = factory.SubFactory(OrganisationFactory)
    service_type = ServiceType.IDVA_OUTREACH
    client_group = ClientGroup.VICTIMS


class ServiceDefinitionFactory(factory.django.DjangoModelFactory):
    """A service's definitions, the defaults unless told otherwise, from the beginning."""

    class Meta:
        model = ServiceDefinition

    service = factory.SubFactory(CommissionedServiceFactory)
    effective_from = DEFINITIONS_BEGIN
    caseload_benchmark = 30
    caseload_band_low = 27
    caseload_band_high = 33
    caseload_counts = CaseloadCounts.ACTIVE_SUPPORT
    oversight_applies = False
    first_contact_rule = FirstContactRule.END_OF_NEXT_WORKING_DAY
    repeats_same_role = True


class CaseworkerCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseworkerCapacity

    service = factory.SubFactory(CommissionedServiceFactory)
    quarter_index = 2021 * 4
    fte = 5


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    title = factory.Sequence(lambda n: f"Test contract {n}")
    provider = factory.SubFactory(OrganisationFactory)
    lead_commissioner = factory.SubFactory(OrganisationFactory)
    start_date = _date(2018, 10, 1)
    end_date = _date(2021, 9, 30)


class ContractExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractExtension

    contract = factory.SubFactory(ContractFactory)
    period_months = 24
    status = ExtensionStatus.AVAILABLE


class ContractYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractYear

    contract = factory.SubFactory(ContractFactory)
    financial_year = 2020
    annual_value_pence = 215_700_000


class FundingContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingContribution

    contract_year = factory.SubFactory(ContractYearFactory)
    funder = factory.SubFactory(OrganisationFactory)
    amount_pence = 100_000_000


class FundingStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingStream

    name = factory.Sequence(lambda n: f"Grant {n}")
    funder = factory.SubFactory(OrganisationFactory)
    financial_year = 2021
    total_pence = 19_400_000


class GrantAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantAllocation

    stream = factory.SubFactory(FundingStreamFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    amount_pence = 19_400_000


# Referrals -----------------------------------------------------------------------------------

from datetime import timedelta as _timedelta  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

from referrals import rules as _rules  # noqa: E402
from referrals.constants import RiskLevel, Status, Subject  # noqa: E402
from referrals.identity import demo_key as _demo_key  # noqa: E402
from referrals.models import Referral, ReferralOutcome, ReferralStatusChange  # noqa: E402


def _derived(attribute, rule):
    """A derived column worked out by its rule from the factory's timestamps, as services do."""

    def value(referral):
        moment = getattr(referral, attribute)
        return rule(referral.received_at, moment) if moment is not None else None

    return factory.LazyAttribute(value)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral row with its derived columns computed by referrals.rules. Set the timestamps
    (first_contact_at, oversight_at, support_started_at, closed_at...) and status together;
    use referrals.services to test the rules about which steps may follow which."""

    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"R-1999-{n:06d}")
    service = factory.SubFactory(CommissionedServiceFactory)
    received_at = factory.LazyFunction(lambda: _timezone.now() - _timedelta(hours=2))
    source = "police"
    subject = Subject.VICTIM_SURVIVOR
    area = factory.SubFactory(AreaFactory)
    risk_level = RiskLevel.STANDARD
    age_band = "not_known"
    gender = "not_known"
    ethnic_group = "not_known"
    disability = "not_known"
    sexual_orientation = "not_known"
    no_recourse_to_public_funds = "not_known"
    person_key = factory.Sequence(lambda n: _demo_key("test-person", str(n)))
    address_key = ""
    status = Status.RECEIVED
    status_changed_at = factory.LazyAttribute(lambda referral: referral.received_at)
    logged_by = None
    first_contact_at = None
    oversight_at = None
    support_started_at = None
    first_contact_due_at = factory.LazyAttribute(
        lambda referral: _rules.first_contact_due(referral.received_at)
    )
    oversight_due_at = factory.LazyAttribute(
        lambda referral: _rules.oversight_due(referral.received_at)
    )
    contacted_within_sla = _derived("first_contact_at", _rules.contacted_within_sla)
    oversight_within_sla = _derived("oversight_at", _rules.oversight_within_sla)
    waiting_time = _derived("support_started_at", _rules.waiting_time)


class ReferralStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralStatusChange

    referral = factory.SubFactory(ReferralFactory)
    from_status = Status.RECEIVED
    to_status = Status.CONTACTED
    at = factory.LazyAttribute(lambda change: change.referral.received_at)


class ReferralOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralOutcome

    referral = factory.SubFactory(ReferralFactory)
    outcome = "feels_safer"


# Quarterly reports and agenda packs -------------------------------------------------------------

import uuid as _uuid  # noqa: E402

from django.utils import timezone as _reports_timezone  # noqa: E402

from scrutiny.demo import minimal_pdf as _minimal_pdf  # noqa: E402
from scrutiny.models import AgendaPack, ReportRun, RunStatus  # noqa: E402
from scrutiny.pdf import write_atomically as _write_atomically  # noqa: E402


def _stored_pdf(text: str) -> str:
    return _write_atomically(f"scrutiny/test/{_uuid.uuid4().hex}.pdf", _minimal_pdf(text))


def _now():
    return _reports_timezone.now()


class ReportRunFactory(factory.django.DjangoModelFactory):
    """A queued run; `ReportRunFactory(ready=True)` has a stored one-page PDF."""

    class Meta:
        model = ReportRun

    quarter = "2024/25 Q4"
    committee = factory.SubFactory(CommitteeFactory)
    requested_by = factory.SubFactory(UserFactory)
    status = RunStatus.QUEUED

    class Params:
        ready = factory.Trait(
            status=RunStatus.READY,
            started_at=factory.LazyFunction(_now),
            finished_at=factory.LazyFunction(_now),
            pdf=factory.LazyFunction(lambda: _stored_pdf("Quarterly performance report")),
            page_count=1,
            sha256="0" * 64,
            data_as_at=factory.LazyFunction(_now),
        )


class AgendaPackFactory(factory.django.DjangoModelFactory):
    """A queued pack; `AgendaPackFactory(ready=True)` has a stored one-page PDF."""

    class Meta:
        model = AgendaPack

    meeting = factory.SubFactory(MeetingFactory)
    requested_by = factory.SubFactory(UserFactory)
    status = RunStatus.QUEUED

    class Params:
        ready = factory.Trait(
            status=RunStatus.READY,
            started_at=factory.LazyFunction(_now),
            finished_at=factory.LazyFunction(_now),
            pdf=factory.LazyFunction(lambda: _stored_pdf("Agenda pack")),
            page_count=1,
            sha256="0" * 64,
        )
