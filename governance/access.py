"""Who may do what in governance. Nothing here is patient data: every logged-in user may read
the structure, the plans and the register; a group's process owner and process leaders change
its plans; administrators change everything (groups, members, documents)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from core.errors import ActionError
from governance.models import EDITING_ROLES, ActionPlan, Group, GroupMember, GroupRole
from organisations.models import Role, User


def is_governance_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_administrator)


def may_edit_group(user: User, group: Group) -> bool:
    """An administrator, or the group's process owner or a process leader of it."""
    if not user.is_authenticated:
        return False
    if is_governance_admin(user):
        return True
    return GroupMember.objects.filter(group=group, user=user, role__in=EDITING_ROLES).exists()


def may_manage_documents(user: User) -> bool:
    """Administrators and process leaders (by role at a unit or in a group) keep the register."""
    if not user.is_authenticated:
        return False
    if is_governance_admin(user):
        return True
    if user.has_role(Role.PROCESS_LEADER):
        return True
    return GroupMember.objects.filter(user=user, role=GroupRole.PROCESS_LEADER).exists()


def require_edit(user: User, group: Group) -> None:
    if not may_edit_group(user, group):
        raise ActionError(
            "Bara gruppens processägare, processledare eller en administratör får ändra "
            "gruppens planer.",
            code="forbidden",
        )


def get_plan(public_id) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.select_related("group"), public_id=public_id)


def require_login(user: User) -> None:
    if not user.is_authenticated:
        raise PermissionDenied
