"""The data notes' definitions: what each service's figures measured in a quarter (issue 14).

The dashboard and the quarterly report print, for the services they show, the definitions a
board signed off (`commissioning.definitions`) that were in force at the quarter's end, the day
a change took effect if one did during the quarter, and in words what "first contact within one
working day", "managerial oversight within 24 hours" and "repeat referral" meant for them. A
referral keeps the rule in force when it was received, so a service whose definition changed
during the quarter is measured by the old rule before that day and by the new one after.

Nothing here is a count: the notes are the same for every viewer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from commissioning.constants import FirstContactRule
from commissioning.definitions import Definition, in_force_during
from commissioning.models import CommissionedService
from partnership.calendar import FinancialQuarter

from .charts import Table

WORKING_DAYS = "Monday to Friday, not bank holidays"


@dataclass(frozen=True)
class ServiceDefinitions:
    service_id: int
    name: str
    definition: Definition  # in force at the quarter's end
    changed_on: date | None  # the day a change took effect during the quarter
    oversight_applied: bool  # at any time during the quarter

    @property
    def described(self) -> list[tuple[str, str]]:
        return self.definition.describe()


@dataclass(frozen=True)
class DefinitionNotes:
    quarter: FinancialQuarter
    services: list[ServiceDefinitions]
    first_contact: str
    oversight: str
    repeats: str

    def oversight_applies(self, service_id: int) -> bool:
        return any(s.oversight_applied for s in self.services if s.service_id == service_id)

    @property
    def oversight_applies_anywhere(self) -> bool:
        return any(s.oversight_applied for s in self.services)

    @property
    def table(self) -> Table:
        return definitions_table(self)


def _names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _grouped(services: list[ServiceDefinitions], phrase) -> str:
    """Each distinct phrase with the services it holds for; one phrase: "for every service"."""
    groups: dict[str, list[str]] = defaultdict(list)
    for s in services:
        groups[phrase(s.definition)].append(s.name)
    if not groups:
        return "no service is shown"
    if len(groups) == 1:
        return f"{next(iter(groups))} for every service"
    return "; ".join(f"{text} for {_names(names)}" for text, names in groups.items())


def _first_contact(services: list[ServiceDefinitions]) -> str:
    def phrase(d: Definition) -> str:
        return FirstContactRule(d.first_contact_rule).label.lower()

    return (
        "The share of the quarter's referrals first contacted within one working day "
        f"({WORKING_DAYS}): {_grouped(services, phrase)}. A referral never contacted counts as "
        "not contacted in time; each referral is measured by the rule in force when it was "
        "received."
    )


def _oversight(services: list[ServiceDefinitions]) -> str:
    applied = [s.name for s in services if s.oversight_applied]
    not_applied = [s.name for s in services if not s.oversight_applied]
    if not applied:
        return (
            "No service's definitions applied the 24-hour managerial oversight standard in the "
            "quarter, so there is no oversight figure."
        )
    sentence = (
        "The share of referrals reviewed by a manager within 24 hours of being received, for "
        f"the services whose definitions apply the standard: {_names(applied)}"
    )
    if not_applied:
        sentence += (
            f". It does not apply to {_names(not_applied)}, whose referrals are in no "
            "oversight figure"
        )
    return sentence + "."


def _repeats(services: list[ServiceDefinitions]) -> str:
    def phrase(d: Definition) -> str:
        return (
            "in the same role only (a victim-survivor earlier referred as a perpetrator is not "
            "a repeat)"
            if d.repeats_same_role
            else "in any role"
        )

    months = settings.REPEAT_WINDOW_MONTHS
    return (
        f"A referral of a person referred to any service within the previous {months} months, "
        f"{_grouped(services, phrase)}; each referral is marked when it is received."
    )


def definition_notes(
    quarter: FinancialQuarter, services: list[CommissionedService]
) -> DefinitionNotes:
    """The definitions `services` were measured by in `quarter`, in their order."""
    during = in_force_during(quarter.start, quarter.end, [s.pk for s in services])
    found = []
    for service in services:
        periods = during[service.pk]
        begin, definition = periods[-1]
        found.append(
            ServiceDefinitions(
                service_id=service.pk,
                name=service.name,
                definition=definition,
                changed_on=begin if begin is not None and begin > quarter.start else None,
                oversight_applied=any(d.oversight_applies for _begin, d in periods),
            )
        )
    return DefinitionNotes(
        quarter=quarter,
        services=found,
        first_contact=_first_contact(found),
        oversight=_oversight(found),
        repeats=_repeats(found),
    )


def _in_force_from(s: ServiceDefinitions) -> str:
    if s.changed_on is not None:
        return f"Changed on {s.changed_on:%-d %B %Y}; the earlier definitions applied before"
    if s.definition.effective_from is None:
        return "The defaults for this type of service"
    return f"{s.definition.effective_from:%-d %B %Y}"


def definitions_table(notes: DefinitionNotes) -> Table:
    """Each service's definitions at the quarter's end, one row per definition."""
    rows = []
    for s in notes.services:
        rows.append([s.name, "In force from", _in_force_from(s)])
        rows += [[s.name, what, text] for what, text in s.described]
        if s.definition.agreed_by:
            rows.append([s.name, "Agreed by", s.definition.agreed_by])
    return Table(
        caption=f"Definitions in force for each service at the end of {notes.quarter}",
        headers=["Service", "Definition", "In force"],
        rows=rows,
    )
