"""The configurable lists of the safe accommodation return, and their defaults with sources.

MHCLG's return form, its guidance and the statistics' technical notes were not available when
this was built (issue 14; the project's reference sheet is copied to
`referrals/sources/safe-accommodation-and-marac.md`). So each list holds:

- values the published statistics confirm ("confirmed", in use by default), each with its
  source;
- values named in sector practice or inferred, not confirmed against the form: offered, but
  switched off until a performance lead switches them on (the lists page says which is which);
- a catch-all "another ..." in use by default, so that every household can be recorded.

Values are `ReturnCategory` rows, added by a data migration from `DEFAULT_LISTS` below and
changed on the lists page (`referrals.services.return_category_*`). Sources:

- [R24] MHCLG, Support in domestic abuse safe accommodation 2023 to 2024:
  https://www.gov.uk/government/publications/support-in-domestic-abuse-safe-accommodation-2023-to-2024
- [R25] MHCLG, the same for 2024 to 2025 (published 16 October 2025).
- [DAC] Domestic Abuse Commissioner's response to the 2022-23 progress report (capacity 40%).
- [NCDV] NCDV, "Thousands fleeing domestic abuse denied shelter" (needs not met, 2021-22).
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import ReturnList


@dataclass(frozen=True)
class DefaultValue:
    code: str
    label: str
    confirmed: bool
    active: bool
    source: str


def _confirmed(code: str, label: str, source: str) -> DefaultValue:
    return DefaultValue(code, label, True, True, source)


def _offered(
    code: str, label: str, source: str = "Not confirmed against the return's form"
) -> DefaultValue:
    return DefaultValue(code, label, False, False, source)


def _catch_all(code: str, label: str) -> DefaultValue:
    return DefaultValue(code, label, False, True, "In use so that every household can be recorded")


DEFAULT_LISTS: dict[str, list[DefaultValue]] = {
    ReturnList.CHARACTERISTIC: [
        _confirmed("black_minoritised", "Black and minoritised", "[R24]: 25% of people supported"),
        _confirmed("mental_health", "Mental health needs", "[R24]: 23% of people supported"),
        _confirmed("disabled", "Disabled", "[R24]: 14% of people supported"),
        _offered("lgbt", "LGBT+"),
        _offered("substance_misuse", "Substance misuse"),
        _offered("nrpf", "No recourse to public funds"),
        _offered("young", "Young person (16 to 25)"),
        _offered("older", "Older person"),
        _offered("gypsy_roma_traveller", "Gypsy, Roma or Traveller"),
        _offered("large_family", "Large family"),
        _offered("complex_needs", "Complex needs"),
    ],
    ReturnList.UNABLE_TO_SUPPORT: [
        _confirmed(
            "capacity",
            "No capacity: no space or support available",
            "[DAC]: the most common reason, 40% of households in 2022-23",
        ),
        _confirmed(
            "needs_not_met",
            "The service could not meet the household's needs",
            "[NCDV]: about 3,000 households in 2021-22",
        ),
        _offered("risk", "The risk to the household or to others could not be managed"),
        _offered("nrpf", "No recourse to public funds"),
        _offered("declined_offer", "The household declined the offer"),
        _offered("local_connection", "Local connection or other eligibility rule"),
        _catch_all("other", "Another reason"),
    ],
    ReturnList.SUPPORT_ENDED: [
        _confirmed(
            "no_longer_needed",
            "Support no longer needed",
            "[R25]: the top reason for sanctuary schemes (80%)",
        ),
        DefaultValue(
            "moved_on",
            "Moved on from the accommodation",
            False,
            True,
            "[R25] reports endings outside sanctuary schemes as move-on outcomes (our inference)",
        ),
        _offered("left_without_notice", "Left without notice"),
        _offered("asked_to_leave", "Asked to leave or evicted"),
        _offered("moved_to_other_safe_accommodation", "Moved to other safe accommodation"),
        _catch_all("other", "Another reason"),
    ],
    ReturnList.MOVE_ON: [
        _offered("social_tenancy", "Social housing tenancy"),
        _offered("private_tenancy", "Private rented tenancy"),
        _offered("other_safe_accommodation", "Other safe accommodation"),
        _offered("returned_home", "Returned home, made safe"),
        _offered("family_friends", "Staying with family or friends"),
        _offered("temporary_accommodation", "Temporary accommodation"),
        _offered("returned_to_perpetrator", "Returned to the perpetrator"),
        _catch_all("other", "Another destination"),
        _catch_all("not_known", "Not known"),
    ],
}


def seed_default_lists(category_model) -> int:
    """Add the default values a list lacks (by code); returns how many were added. Takes the
    model so that a data migration can pass its historical one."""
    added = 0
    for kind, values in DEFAULT_LISTS.items():
        for position, value in enumerate(values):
            _, created = category_model.objects.get_or_create(
                kind=kind,
                code=value.code,
                defaults={
                    "label": value.label,
                    "confirmed": value.confirmed,
                    "is_active": value.active,
                    "source": value.source,
                    "position": position,
                },
            )
            added += created
    return added
