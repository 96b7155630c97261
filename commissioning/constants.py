"""Choices and the fixed rules of commissioning, each defined once."""

from datetime import date
from decimal import Decimal

from django.db import models


class ServiceType(models.TextChoices):
    IDVA_OUTREACH = "idva_outreach", "Independent domestic violence advisers and outreach"
    HELPLINE = "helpline", "Helpline"
    PERPETRATOR_PROGRAMME = "perpetrator_programme", "Perpetrator programme"
    CHILDREN_YOUNG_PEOPLE = "children_young_people", "Children and young people"
    REFUGE = "refuge", "Refuge"
    DISPERSED_SAFE_ACCOMMODATION = "dispersed_safe_accommodation", "Dispersed safe accommodation"
    SANCTUARY_SCHEME = "sanctuary_scheme", "Sanctuary scheme"
    MOVE_ON_ACCOMMODATION = "move_on_accommodation", "Move-on accommodation"
    OTHER_SAFE_ACCOMMODATION = (
        "other_safe_accommodation",
        "Other specialist safe accommodation",
    )
    FRONT_DOOR = (
        "front_door",
        "Front door (a single point of referral, such as a family front door)",
    )
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


# "Relevant accommodation" for the safe accommodation duty in Part 4 of the Domestic Abuse Act
# 2021 (the Domestic Abuse Support (Relevant Accommodation and Housing Benefit and Universal
# Credit Sanctuary Schemes) (Amendment) Regulations 2021): refuges, specialist safe
# accommodation, dispersed accommodation, sanctuary schemes, move-on or second-stage
# accommodation and other domestic abuse emergency accommodation. Bed and breakfast is not.
SAFE_ACCOMMODATION_TYPES = frozenset(
    {
        ServiceType.REFUGE,
        ServiceType.DISPERSED_SAFE_ACCOMMODATION,
        ServiceType.SANCTUARY_SCHEME,
        ServiceType.MOVE_ON_ACCOMMODATION,
        ServiceType.OTHER_SAFE_ACCOMMODATION,
    }
)

# Services whose capacity is caseworkers (FTE by quarter) rather than bed spaces or units.
CASEWORK_TYPES = frozenset(
    {
        ServiceType.IDVA_OUTREACH,
        ServiceType.HELPLINE,
        ServiceType.PERPETRATOR_PROGRAMME,
        ServiceType.CHILDREN_YOUNG_PEOPLE,
        ServiceType.FRONT_DOOR,
    }
)


class ClientGroup(models.TextChoices):
    VICTIMS = "victims", "Victims"
    PERPETRATORS = "perpetrators", "Perpetrators"
    CHILDREN_YOUNG_PEOPLE = "children_young_people", "Children and young people"
    WHOLE_FAMILY = "whole_family", "Whole family"


class ExtensionStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    EXERCISED = "exercised", "Exercised"
    DECLINED = "declined", "Declined"


class AllocationMethod(models.TextChoices):
    """How the allocation form turns a grant's total into amounts (see allocation.py)."""

    EQUAL = "equal", "Split equally between the recipients"
    PERCENTAGES = "percentages", "Split by the percentages entered"
    POPULATION = "population", "Split in proportion to the population of each recipient's area"
    AMOUNTS = "amounts", "Use the amounts entered"


# A stated percentage further than this (in percentage points) from the derived share is flagged.
STATED_PERCENT_TOLERANCE = Decimal("0.5")
# Contracts ending within this many months are flagged on the contract pages.
ENDING_SOON_MONTHS = 6

# KPI target defaults.
DEFAULT_FIRST_CONTACT_TARGET = Decimal("95")
DEFAULT_OVERSIGHT_TARGET = Decimal("95")


# Definitions a board signs off, per service, each row in force from its date (see
# commissioning/definitions.py) -------------------------------------------------------------


class CaseloadCounts(models.TextChoices):
    """Which open cases count toward a caseworker's caseload."""

    ACTIVE_SUPPORT = "active_support", "People in active support only"
    ALL_OPEN = (
        "all_open",
        "Every open case, including the waiting list and people not yet contacted",
    )


class FirstContactRule(models.TextChoices):
    """What "first contact within one working day" means for a service."""

    END_OF_NEXT_WORKING_DAY = "end_of_next_working_day", "By the end of the next working day"
    SAME_TIME_NEXT_WORKING_DAY = (
        "same_time_next_working_day",
        "By the same time on the next working day",
    )


# The defaults for a new service (issue 14, from the committee papers): a caseload benchmark of
# 30 open cases per caseworker FTE, in range from 27 to 33 (context/002: the committee said
# 27-33, and officers called 35 too many); only people in active support count toward it;
# 24-hour managerial oversight applies to front-door services only (context/000 meant the
# family front door); first contact by the end of the next working day; a repeat referral is
# one of the same person in the same role (a victim earlier referred as a perpetrator is not).
DEFAULT_CASELOAD_BENCHMARK = Decimal("30")
DEFAULT_CASELOAD_BAND_LOW = Decimal("27")
DEFAULT_CASELOAD_BAND_HIGH = Decimal("33")
DEFAULT_CASELOAD_COUNTS = CaseloadCounts.ACTIVE_SUPPORT
OVERSIGHT_DEFAULT_TYPES = frozenset({ServiceType.FRONT_DOOR})
DEFAULT_FIRST_CONTACT_RULE = FirstContactRule.END_OF_NEXT_WORKING_DAY
DEFAULT_REPEATS_SAME_ROLE = True
# What the app counted before definitions were kept per service (issue 14): the migration
# records these for existing services up to the day it ran, so earlier figures do not change.
PREVIOUS_CASELOAD_COUNTS = CaseloadCounts.ALL_OPEN
PREVIOUS_REPEATS_SAME_ROLE = False
# The first day a definition row can cover: referral records begin in 2000.
DEFINITIONS_BEGIN = date(2000, 1, 1)


# The service directory (Open Referral UK) -------------------------------------------------


class Weekday(models.TextChoices):
    """Days as iCalendar (RFC 5545) writes them, which is what Open Referral's `byday` takes."""

    MONDAY = "MO", "Monday"
    TUESDAY = "TU", "Tuesday"
    WEDNESDAY = "WE", "Wednesday"
    THURSDAY = "TH", "Thursday"
    FRIDAY = "FR", "Friday"
    SATURDAY = "SA", "Saturday"
    SUNDAY = "SU", "Sunday"


class Language(models.TextChoices):
    """Languages a service can offer help in, with ISO 639 codes (BSL has only a 639-3 code).

    English and Welsh, British Sign Language, and the languages most spoken in England after
    English at the 2021 census.
    """

    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"
    BRITISH_SIGN_LANGUAGE = "bfi", "British Sign Language"
    POLISH = "pl", "Polish"
    ROMANIAN = "ro", "Romanian"
    PUNJABI = "pa", "Punjabi"
    URDU = "ur", "Urdu"
    PORTUGUESE = "pt", "Portuguese"
    SPANISH = "es", "Spanish"
    ARABIC = "ar", "Arabic"
    BENGALI = "bn", "Bengali"
    GUJARATI = "gu", "Gujarati"
    ITALIAN = "it", "Italian"
    LITHUANIAN = "lt", "Lithuanian"
    SOMALI = "so", "Somali"
    TAMIL = "ta", "Tamil"
    TURKISH = "tr", "Turkish"
    FRENCH = "fr", "French"
    CHINESE = "zh", "Chinese"


# A service is in the open directory while a commissioner has published it and it is running.
# Drafts (never published), services taken out of the directory and services that have stopped
# appear nowhere in the feed, and their ids give 404.
LISTED_IN_DIRECTORY = models.Q(directory_published=True, is_active=True)

# The fields of a directory listing that say where a service is. A safe accommodation service
# never has any of them filled in: the model's clean(), a database constraint, the form and the
# Open Referral serializer each refuse it (see CommissionedService).
PUBLIC_LOCATION_FIELDS = (
    "location_name",
    "location_address",
    "location_town",
    "location_county",
    "location_postcode",
)
