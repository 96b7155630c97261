"""The two vocabularies the directory tags services with, and the stable ids of everything in
the feed that has no row of its own.

Open Referral wants a UUID for every object. A service has its own (`directory_id`); the rest
are UUID 5 names under one fixed namespace, so the same thing has the same id in every response
and after every restart: a term from its code, a schedule from its service and hours, and so on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ..constants import ClientGroup, ServiceType

# Fixed for ever: changing it changes every derived id in the published feed.
NAMESPACE = uuid.UUID("39601d77-a00b-4eae-98c9-f0de40035ecc")


def stable_id(*parts: object) -> str:
    """The same UUID for the same parts, e.g. stable_id("taxonomy_term", "refuge")."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str
    taxonomy_key: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy_term", self.taxonomy_key, self.code)


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str
    terms: tuple[Term, ...]

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.key)


SERVICE_TYPE_DESCRIPTIONS = {
    ServiceType.IDVA_OUTREACH: "Independent domestic violence advisers and outreach workers who "
    "support victims at high risk and help them stay safe.",
    ServiceType.HELPLINE: "A telephone or online helpline for anyone affected by domestic abuse.",
    ServiceType.PERPETRATOR_PROGRAMME: "A programme for people who have been abusive and want to "
    "change their behaviour.",
    ServiceType.CHILDREN_YOUNG_PEOPLE: "Support for children and young people affected by "
    "domestic abuse.",
    ServiceType.REFUGE: "Safe, confidential accommodation with support for people escaping "
    "domestic abuse. Its address is never published.",
    ServiceType.DISPERSED_SAFE_ACCOMMODATION: "Self-contained safe homes with support, in "
    "confidential places.",
    ServiceType.SANCTUARY_SCHEME: "Security measures that help people stay safely in their own "
    "home.",
    ServiceType.MOVE_ON_ACCOMMODATION: "Second-stage housing with support after a refuge.",
    ServiceType.OTHER_SAFE_ACCOMMODATION: "Other specialist safe accommodation with support.",
    ServiceType.FRONT_DOOR: "A single point of referral that decides which service can help, "
    "such as a family front door.",
    ServiceType.TRAINING: "Training about domestic abuse for professionals and volunteers.",
    ServiceType.OTHER: "Other domestic abuse services.",
}

CLIENT_GROUP_DESCRIPTIONS = {
    ClientGroup.VICTIMS: "Adults who are experiencing or have experienced domestic abuse.",
    ClientGroup.PERPETRATORS: "People who have been abusive towards a partner or family member.",
    ClientGroup.CHILDREN_YOUNG_PEOPLE: "Children and young people affected by domestic abuse.",
    ClientGroup.WHOLE_FAMILY: "Adults and the children with them.",
}


def _taxonomy(key: str, name: str, description: str, choices, descriptions) -> Taxonomy:
    terms = tuple(Term(c.value, c.label, descriptions[c], key) for c in choices)
    return Taxonomy(key, name, description, terms)


SERVICE_TYPES = _taxonomy(
    "service-type",
    "Domestic abuse service types",
    "The kinds of domestic abuse service the partnership board commissions.",
    ServiceType,
    SERVICE_TYPE_DESCRIPTIONS,
)
CLIENT_GROUPS = _taxonomy(
    "client-group",
    "Who a domestic abuse service is for",
    "The people a commissioned domestic abuse service works with.",
    ClientGroup,
    CLIENT_GROUP_DESCRIPTIONS,
)
TAXONOMIES = (SERVICE_TYPES, CLIENT_GROUPS)
TERMS_BY_ID = {term.id: term for taxonomy in TAXONOMIES for term in taxonomy.terms}
TAXONOMIES_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}


def service_terms(service_type: str, client_group: str) -> tuple[Term, ...]:
    """The terms a service is tagged with: its type and who it is for."""
    return tuple(
        term
        for taxonomy, code in ((SERVICE_TYPES, service_type), (CLIENT_GROUPS, client_group))
        for term in taxonomy.terms
        if term.code == code
    )


def taxonomy_of(term: Term) -> Taxonomy:
    return next(t for t in TAXONOMIES if t.key == term.taxonomy_key)
