"""Choices and the fixed rules of a referral's life, each defined once.

The status transition table (`TRANSITIONS`) is the only statement of which step may follow
which; `referrals.services` enforces it and the referral page offers only the steps it allows.
"""

from django.db import models

from commissioning.constants import ServiceType


class ReferralSource(models.TextChoices):
    POLICE = "police", "Police"
    SELF = "self", "Self-referral"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH = "health", "Health"
    HOUSING = "housing", "Housing"
    EDUCATION = "education", "Education"
    MARAC = "marac", "MARAC"
    MASH = "mash", "MASH or front door"
    SPECIALIST = "specialist", "Another specialist service"
    OTHER = "other", "Other"


class Subject(models.TextChoices):
    VICTIM_SURVIVOR = "victim_survivor", "Victim-survivor"
    PERPETRATOR = "perpetrator", "Perpetrator"
    CHILD = "child", "Child or young person"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    CONTACTED = "contacted", "Contacted"
    WAITING_LIST = "waiting_list", "On waiting list"
    IN_SUPPORT = "in_support", "In support"
    DECLINED = "declined", "Declined"
    SIGNPOSTED = "signposted", "Signposted"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    CLOSED = "closed", "Closed"


# Which status may follow which. A referral joins the waiting list at most once (only from
# "contacted", which the waiting list never leads back to), so one pair of waiting-list
# timestamps on the referral is enough to count the list at any moment.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset(
        {
            Status.CONTACTED,
            Status.UNABLE_TO_CONTACT,
            Status.SIGNPOSTED,
            Status.DECLINED,
            Status.CLOSED,
        }
    ),
    Status.CONTACTED: frozenset(
        {Status.WAITING_LIST, Status.IN_SUPPORT, Status.SIGNPOSTED, Status.DECLINED, Status.CLOSED}
    ),
    Status.UNABLE_TO_CONTACT: frozenset({Status.CONTACTED, Status.CLOSED}),
    Status.WAITING_LIST: frozenset(
        {Status.IN_SUPPORT, Status.SIGNPOSTED, Status.DECLINED, Status.CLOSED}
    ),
    Status.IN_SUPPORT: frozenset({Status.CLOSED}),
    Status.SIGNPOSTED: frozenset({Status.CLOSED}),
    Status.DECLINED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


class Action(models.TextChoices):
    """The next steps an officer can take on the referral page, in the order offered."""

    CONTACT = "contact", "Record contact"
    UNABLE_TO_CONTACT = "unable-to-contact", "Record unable to contact"
    OVERSIGHT = "oversight", "Record managerial oversight"
    WAITING_LIST = "waiting-list", "Add to waiting list"
    START_SUPPORT = "start-support", "Start support"
    SIGNPOST = "signpost", "Signpost"
    DECLINE = "decline", "Decline"
    CLOSE = "close", "Close with outcomes"
    ACCOMMODATION = "accommodation", "Record safe accommodation details"
    MARAC = "marac", "Record the Marac hearing"


# The status each action moves the referral to. Oversight, safe accommodation details and the
# Marac hearing are recorded without a change of status.
ACTION_STATUS: dict[str, str] = {
    Action.CONTACT: Status.CONTACTED,
    Action.UNABLE_TO_CONTACT: Status.UNABLE_TO_CONTACT,
    Action.WAITING_LIST: Status.WAITING_LIST,
    Action.START_SUPPORT: Status.IN_SUPPORT,
    Action.SIGNPOST: Status.SIGNPOSTED,
    Action.DECLINE: Status.DECLINED,
    Action.CLOSE: Status.CLOSED,
}


class DeclineReason(models.TextChoices):
    PERSON_DECLINED = "person_declined", "The person declined support"
    NOT_ELIGIBLE = "not_eligible", "Not eligible for this service"
    ALREADY_SUPPORTED = "already_supported", "Already supported by another service"
    # The statutory reasons a household could not be supported (the safe accommodation return):
    # which one is recorded in `Referral.unable_to_support_reason`, from a configurable list.
    UNABLE_TO_SUPPORT = "unable_to_support", "The service was unable to support the household"
    OTHER = "other", "Another reason"


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", "Support completed"
    STOPPED_ENGAGING = "stopped_engaging", "The person stopped engaging"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    SIGNPOSTED = "signposted", "Signposted to another service"
    DECLINED = "declined", "Declined"
    OTHER = "other", "Another reason"


class Outcome(models.TextChoices):
    """Outcome measures recorded at closure (context/002: what success means for each client)."""

    RISK_REDUCED = "risk_reduced", "Risk reduced"
    FEELS_SAFER = "feels_safer", "Feels safer"
    MORE_CONFIDENT = "more_confident", "Feels more confident"
    FINANCES = "finances", "More in control of their finances"
    ORDER_OBTAINED = "order_obtained", "Injunction or protective order obtained"
    HOUSING_SECURED = "housing_secured", "Housing secured or kept"
    REPORTED_TO_POLICE = "reported_to_police", "Supported to report to the police"
    PERPETRATOR_PROGRAMME = "perpetrator_programme", "Engaged with a perpetrator programme"


# Equality fields: categories only, each with "not known" and "prefer not to say".
NOT_KNOWN = "not_known", "Not known"
PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    AGE_16_17 = "16_17", "16 to 17"
    AGE_18_24 = "18_24", "18 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_54 = "45_54", "45 to 54"
    AGE_55_64 = "55_64", "55 to 64"
    AGE_65_74 = "65_74", "65 to 74"
    AGE_75_PLUS = "75_plus", "75 or over"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Gender(models.TextChoices):
    """Trans is a category of its own, as the safe accommodation return counts women, men and
    trans adults separately (MHCLG, Support in domestic abuse safe accommodation)."""

    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    TRANS = "trans", "Trans"
    NON_BINARY = "non_binary", "Non-binary"
    ANOTHER = "another", "In another way"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class EthnicGroup(models.TextChoices):
    """The 19 ethnic groups of the 2021 Census of England and Wales."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = (
        "black_african",
        "Black, Black British, Black Welsh, Caribbean or African: African",
    )
    BLACK_CARIBBEAN = (
        "black_caribbean",
        "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    )
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or Multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or Multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or Multiple: Other Mixed or Multiple"
    WHITE_BRITISH = (
        "white_british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    )
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class YesNoUnknown(models.TextChoices):
    """Used for disability and for no recourse to public funds."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    ANOTHER = "another", "Another sexual orientation"
    NOT_KNOWN = NOT_KNOWN
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


# The safe accommodation return (Domestic Abuse Act 2021, Part 4) ------------------------------


class AccommodationType(models.TextChoices):
    """Relevant accommodation, as the Domestic Abuse Support (Relevant Accommodation and Housing
    Benefit and Universal Credit Sanctuary Schemes) (Amendment) Regulations 2021 (SI 2021/991)
    reg. 2 lists it: (a) five kinds run by a local housing authority, a registered provider or
    a domestic abuse charity (never bed and breakfast), and (b) a sanctuary scheme."""

    REFUGE = "refuge", "Refuge"
    SPECIALIST = "specialist", "Specialist safe accommodation"
    DISPERSED = "dispersed", "Dispersed accommodation"
    SECOND_STAGE = "second_stage", "Second stage (move-on) accommodation"
    SANCTUARY = "sanctuary", "Sanctuary scheme"
    OTHER_EMERGENCY = "other_emergency", "Other designated domestic abuse emergency accommodation"


# The accommodation a safe accommodation service gives, by its type (commissioning): what the
# officer's form suggests and how capacity is counted in the return.
ACCOMMODATION_OF_SERVICE_TYPE = {
    ServiceType.REFUGE: AccommodationType.REFUGE,
    ServiceType.DISPERSED_SAFE_ACCOMMODATION: AccommodationType.DISPERSED,
    ServiceType.SANCTUARY_SCHEME: AccommodationType.SANCTUARY,
    ServiceType.MOVE_ON_ACCOMMODATION: AccommodationType.SECOND_STAGE,
    ServiceType.OTHER_SAFE_ACCOMMODATION: AccommodationType.SPECIALIST,
}


class ReturnList(models.TextChoices):
    """The configurable lists of the safe accommodation return (referrals.return_lists): the
    return's form was not available, so only the values the published release confirms are in
    use by default; the others can be switched on."""

    CHARACTERISTIC = "characteristic", "Specialist characteristics"
    UNABLE_TO_SUPPORT = "unable_to_support", "Reasons a household could not be supported"
    SUPPORT_ENDED = "support_ended", "Reasons support ended"
    MOVE_ON = "move_on", "Move-on destinations"


# SafeLives Marac data ---------------------------------------------------------------------


class MaracReferralSource(models.TextChoices):
    """Who referred the case to Marac, in SafeLives' categories (Marac data by police force
    area, "Referral routes"). A joint referral is recorded as its first agency."""

    POLICE = "police", "Police"
    IDVA = "idva", "Idva"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    PRIMARY_CARE = "primary_care", "Primary care"
    SECONDARY_CARE = "secondary_care", "Secondary or acute care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    PROBATION = "probation", "Probation"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    MASH = "mash", "MASH"
    EDUCATION = "education", "Education"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


# Exports of referral rows are refused above this many rows: narrow the filters instead.
EXPORT_ROW_LIMIT = 10_000
# Rows per page on the referral list.
LIST_PAGE_SIZE = 50
# The list counts its referrals up to here, and says "more than" beyond.
COUNT_LIMIT = 1_000
# The referral list's district filter for referrals from outside the area.
OUT_OF_AREA = "out"
