import uuid

from django.db import IntegrityError, transaction

from core.errors import ActionError
from core.models import SubmissionKey


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
