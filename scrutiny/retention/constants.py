"""Record kinds under the retention schedule, and the schedule's defaults."""

from django.db import models


class RecordKind(models.TextChoices):
    """What a legal hold can be placed on."""

    REFERRAL = "referral", "Referral"
    ACTION = "action", "Committee action"


# How far ahead the retention page looks.
DUE_WITHIN_DAYS = 90
# Free text of an action's updates is replaced by this when its evidence is removed.
REMOVED_TEXT = "Removed under the retention schedule."
# Rows changed per transaction in a retention run.
BATCH = 500
