"""Fixtures of the deviation tests: the `org` register with a deviation contact on each side,
and an episode in which the ward, the health centre and Partille's units take part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from episodes.models import Episode
from organisations.models import Role, User
from tests.factories import Org, admit, make_user
from tests.smtp import smtp_server  # noqa: F401


@dataclass
class Contacts:
    ward: User  # deviation contact of the ward (region)
    municipality: User  # MAS at Hemsjukvård Partille, contact for all of Partille kommun
    process_leader: User


@pytest.fixture
def contacts(org: Org) -> Contacts:
    return Contacts(
        ward=make_user(
            "wardcontact", org.ward, Role.DEVIATION_CONTACT, email="avvikelse.ward@example.org"
        ),
        municipality=make_user(
            "mas", org.home_health_care, Role.DEVIATION_CONTACT, email="mas@example.org"
        ),
        process_leader=make_user("leader", org.health_centre, Role.PROCESS_LEADER),
    )


@pytest.fixture
def episode(org: Org) -> Episode:
    """Admitted three days ago, with the proposed units concerned."""
    return admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))
