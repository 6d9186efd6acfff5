import uuid

from django.db import models


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of one value. Django's generic `get_FOO_display` rebuilds a dict of
    every label of the field (translating each) on every call; a timeline of fifty events
    with forty kinds paid for two thousand translations."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class PublicIdModel(models.Model):
    """A model whose rows are named outside the database (URLs, API) by a UUID, never by pk."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class SubmissionKey(models.Model):
    """A form or API request already carried out, so that a resubmission changes nothing.

    Pages put a fresh key in every form; the API takes an `Idempotency-Key` header.
    """

    key = models.CharField(max_length=64, unique=True)
    user_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
