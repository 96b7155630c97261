"""Who, where and the audit log: users, organisations, areas."""

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models

from .constants import AuditAction, OrganisationKind, Role


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A district or borough, with the populations used for rates per 10,000: all residents
    for referrals, adult women (aged 16 and over) for Marac cases, as SafeLives counts them."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=20, unique=True, help_text="ONS code, e.g. E07000001")
    population = models.PositiveIntegerField()
    adult_female_population = models.PositiveIntegerField(
        "women aged 16 and over",
        null=True,
        blank=True,
        help_text="For Marac cases per 10,000 adult women. Empty: not recorded.",
    )
    adult_female_population_source = models.CharField(
        "source of the adult female population",
        max_length=200,
        blank=True,
        help_text="e.g. ONS mid-year population estimates",
    )
    adult_female_population_year = models.PositiveSmallIntegerField(
        "year of the adult female population", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(adult_female_population__isnull=True)
                | (
                    models.Q(adult_female_population__lte=models.F("population"))
                    & ~models.Q(adult_female_population_source="")
                    & models.Q(adult_female_population_year__isnull=False)
                ),
                name="area_adult_women_with_source",
                violation_error_message="Give the source and year of the adult female "
                "population, which cannot be more than the whole population.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    job_title = models.CharField(max_length=200, blank=True)

    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of `roles`; admins hold every role."""
        if not self.is_active or not self.is_authenticated:
            return False
        held = self.role_names()
        return Role.ADMIN in held or any(role in held for role in roles)

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if role in self.role_names()]


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit events cannot be deleted.")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """An append-only record of who did what to which object. Nothing in the app edits it."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    roles = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events cannot be deleted.")


class WorkerHeartbeat(models.Model):
    """When each Celery worker last ran the run sweep (partnership.runs): read by /health/."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
