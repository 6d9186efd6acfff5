"""Audit rows for changes of who may read patient data: memberships (unit and role), a
user's superuser and staff rights, and redactions of patient data. The one writer of
`ChangeRecord`.

Who made a change is the user of the request in progress (`ActorMiddleware` keeps it for
the length of the request), so a change through the admin, a page or the API names its
author without each of them passing it; a management command has no actor (None). The
receivers are connected in `AuditConfig.ready`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

from audit.models import ChangeKind, ChangeRecord
from organisations.models import Membership, User

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)

# The rights of a user row whose change is audited: each decides what the user may do.
AUDITED_USER_FIELDS = ("is_superuser", "is_staff", "is_active")
AUDITED_MEMBERSHIP_FIELDS = ("unit_id", "role", "valid_from", "valid_to")


class ActorMiddleware:
    """Keeps the request for the audit rows written while it is handled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def acting(request: HttpRequest | None) -> Iterator[None]:
    """Changes made inside are audited as made by `request.user` (for code outside a request
    cycle, and for tests)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_actor() -> User | None:
    """The authenticated user of the request in progress (the API's token user included), or
    None outside a request."""
    request = _request.get()
    if request is None:
        return None
    for candidate in (getattr(request, "auth", None), getattr(request, "user", None)):
        if isinstance(candidate, User) and candidate.is_authenticated:
            return candidate
    return None


def record_change(
    kind: ChangeKind,
    *,
    subject_user: User | None = None,
    unit_id: int | None = None,
    individual_id: int | None = None,
    role: str = "",
    data: dict[str, Any] | None = None,
    actor: User | None = None,
) -> ChangeRecord:
    """Write one audit row; the actor is the request's user unless given."""
    request = _request.get()
    return ChangeRecord.objects.create(
        actor=actor or current_actor(),
        kind=kind,
        subject_user=subject_user,
        unit_id=unit_id,
        individual_id=individual_id,
        role=role,
        data=data or {},
        path=(request.get_full_path()[:300] if request is not None else ""),
    )


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- receivers -----------------------------------------------------------------------------------


def remember_previous(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save: keep the stored values, to tell what a save changes."""
    if raw or instance.pk is None:
        instance._audit_previous = None
        return
    fields = AUDITED_USER_FIELDS if sender is User else AUDITED_MEMBERSHIP_FIELDS
    instance._audit_previous = sender.objects.filter(pk=instance.pk).values(*fields).first()


def membership_saved(sender, instance: Membership, created: bool, raw: bool = False, **kw) -> None:
    if raw:
        return
    after = {field: _json(getattr(instance, field)) for field in AUDITED_MEMBERSHIP_FIELDS}
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        kind, data = ChangeKind.MEMBERSHIP_ADDED, {"after": after}
    else:
        before = {field: _json(value) for field, value in previous.items()}
        if before == after:
            return
        kind, data = ChangeKind.MEMBERSHIP_CHANGED, {"before": before, "after": after}
    record_change(
        kind,
        subject_user=instance.user,
        unit_id=instance.unit_id,
        role=instance.role,
        data={"username": instance.user.username, **data},
    )


def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    before = {field: _json(getattr(instance, field)) for field in AUDITED_MEMBERSHIP_FIELDS}
    # The user may be going too (a cascade): the username is kept in the row.
    subject = User.objects.filter(pk=instance.user_id).first()
    record_change(
        ChangeKind.MEMBERSHIP_REMOVED,
        subject_user=subject,
        unit_id=instance.unit_id,
        role=instance.role,
        data={"username": getattr(subject, "username", ""), "before": before},
    )


def user_saved(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    after = {field: getattr(instance, field) for field in AUDITED_USER_FIELDS}
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        # A new user has no rights until given a membership, unless created with them.
        if not (instance.is_superuser or instance.is_staff):
            return
        before = None
    else:
        before = dict(previous)
        if before == after:
            return
    record_change(
        ChangeKind.USER_PRIVILEGES_CHANGED,
        subject_user=instance,
        data={"username": instance.username, "before": before, "after": after},
    )


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(remember_previous, sender=Membership, dispatch_uid="audit_membership_pre")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid="audit_membership")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid="audit_membership_del")
    pre_save.connect(remember_previous, sender=User, dispatch_uid="audit_user_pre")
    post_save.connect(user_saved, sender=User, dispatch_uid="audit_user")
