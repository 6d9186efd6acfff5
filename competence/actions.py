"""Every change to training data: each checks, writes, in one transaction, or refuses with a
Swedish `ActionError` and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from competence.access import may_manage
from competence.models import Completion, CompletionSource, Module, Session
from core import submissions
from core.errors import ActionError
from organisations.models import User


def _check_date(completed_on: dt.date, today: dt.date | None = None) -> None:
    if completed_on > (today or timezone.localdate()):
        raise ActionError(
            f"Slutdatumet {completed_on:%Y-%m-%d} ligger i framtiden.",
            code="future_date",
            field="completed_on",
        )


@transaction.atomic
def do_record_completion(
    actor: User,
    *,
    person: User,
    module: Module,
    completed_on: dt.date,
    session: Session | None = None,
    submission_key: str | None = None,
) -> Completion:
    """Record by hand that `person` completed `module` on `completed_on`."""
    if not may_manage(actor):
        raise ActionError(
            "Bara processledare och administratörer registrerar genomförda moduler.",
            code="forbidden",
        )
    submissions.claim(submission_key, actor)
    _check_date(completed_on)
    if session is not None and session.course_id != module.course_id:
        raise ActionError(
            "Kurstillfället hör till en annan kurs än modulen.",
            code="wrong_session",
            field="session",
        )
    try:
        with transaction.atomic():
            return Completion.objects.create(
                user=person,
                module=module,
                completed_on=completed_on,
                session=session,
                source=CompletionSource.MANUAL,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ActionError(
            f"{person} har redan {module.code} registrerad den {completed_on:%Y-%m-%d}.",
            code="already_recorded",
            field="module",
        ) from None
