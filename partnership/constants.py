"""Choices used across the core app."""

from django.db import models


class Role(models.TextChoices):
    """A role is a Django group of this name; a user may hold several."""

    OFFICER = "officer", "Officer"
    PERFORMANCE_LEAD = "performance_lead", "Performance lead"
    COMMISSIONER = "commissioner", "Commissioner"
    COMMITTEE_MEMBER = "committee_member", "Committee member"
    CLERK = "clerk", "Clerk"
    ADMIN = "admin", "Admin"


class OrganisationKind(models.TextChoices):
    """What an organisation is. A unitary council is an upper tier with no county above it;
    district, borough and city councils usually sit under a county council."""

    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_COUNCIL = "unitary_council", "Unitary council"
    CITY_COUNCIL = "city_council", "City council"
    DISTRICT_COUNCIL = "district_council", "District council"
    BOROUGH_COUNCIL = "borough_council", "Borough council"
    POLICE = "police", "Police"
    PCC = "pcc", "Police and crime commissioner"
    HEALTH = "health", "Health"
    PROVIDER = "provider", "Provider"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    ADMIN = "admin", "Admin page used"
