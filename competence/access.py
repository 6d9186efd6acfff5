"""Who may do what with training. Coverage figures name no patient and no person: managers,
process leaders and administrators read them (as the statistics). Courses, completions and
imports are registered by process leaders and administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from indicators.access import may_view_statistics
from organisations.models import Role, User

MANAGING_ROLES = frozenset({Role.PROCESS_LEADER, Role.ADMINISTRATOR})


def may_view_coverage(user: User) -> bool:
    return may_view_statistics(user)


def may_manage(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*MANAGING_ROLES)


def require_coverage(user: User) -> None:
    if not may_view_coverage(user):
        raise PermissionDenied("Utbildningstäckningen är till för chefer och processledare.")


def require_manage(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(
            "Utbildningar och genomförda moduler registreras av processledare och administratörer."
        )
