import uuid

from django.db import IntegrityError, transaction

from core.errors import ActionError
from core.models import SubmissionKey

# An API client's `Idempotency-Key`: visible ASCII only (no control character reaches the key's
# row), as long as the key column allows.
KEY_PATTERN = r"^[!-~]+$"
KEY_MAX_LENGTH = 64


def new_key() -> str:
    return uuid.uuid4().hex


def claim(key: str | None, user) -> None:
    """Claim `key` inside the caller's transaction; refuses a key already used.

    Without a key nothing is claimed. Rolled back with the action, so a refused action can be
    submitted again with the same key.
    """
    if not key:
        return
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(key=key[:64], user_id=user.pk)
    except IntegrityError:
        raise ActionError(
            "Det här formuläret har redan skickats. Inget har ändrats.", code="duplicate_submission"
        ) from None


def remember_resource(key: str | None, user, resource: str) -> None:
    """Note on `user`'s claimed `key` what the request created (`resource_of` reads it)."""
    if key and resource:
        SubmissionKey.objects.filter(key=key[:64], user_id=user.pk).update(resource=resource[:1000])


def resource_of(key: str | None, user) -> str | None:
    """What `user`'s earlier request with `key` created, if it said; another user's key
    tells nothing."""
    if not key or user is None:
        return None
    row = SubmissionKey.objects.filter(key=key[:64], user_id=user.pk).first()
    return (row.resource or None) if row else None
