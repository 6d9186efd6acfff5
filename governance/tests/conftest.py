import datetime as dt

import pytest

from governance import actions
from governance.models import GroupKind, GroupRole
from organisations.models import Role
from tests.factories import make_user
from tests.smtp import smtp_server  # noqa: F401


@pytest.fixture
def groups(org):
    """Steering group → theme group → NOSAM Partille (area Partille), whose process leader is
    `leader`; `member` is an ordinary member."""
    admin = org.admin
    steering = actions.do_create_group(admin, name="Styrgrupp", kind=GroupKind.STEERING_GROUP)
    theme = actions.do_create_group(
        admin, name="Temagrupp Vård och omsorg", kind=GroupKind.THEME_GROUP, parent=steering
    )
    nosam = actions.do_create_group(
        admin, name="NOSAM Partille", kind=GroupKind.NOSAM, parent=theme, area=org.partille_area
    )
    leader = make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)
    member = make_user("member", org.health_centre, Role.NURSE)
    actions.do_add_member(
        admin,
        nosam,
        user=leader,
        organisation=org.needs_assessment.principal,
        role=GroupRole.PROCESS_LEADER,
        mandate="Leder arbetet",
    )
    actions.do_add_member(
        admin, nosam, user=member, organisation=org.health_centre.principal, role=GroupRole.MEMBER
    )
    return {
        "steering": steering,
        "theme": theme,
        "nosam": nosam,
        "leader": leader,
        "member": member,
    }


PLAN_START = dt.date(2026, 1, 1)
PLAN_END = dt.date(2026, 12, 31)
