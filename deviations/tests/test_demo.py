"""The demo: deviations in every state, across categories and areas, some from candidates."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import call_command

from deviations.models import CandidateDecision, Deviation, DeviationState

pytestmark = pytest.mark.django_db


def test_the_demo_has_deviations_in_every_state_and_some_from_candidates():
    # seed_demo calls seed_deviations_demo; the other modules' demos are not this test's.
    with mock.patch("sip.management.commands.seed_sip_demo.Command.handle", return_value=None):
        call_command("seed_demo", episodes=45, verbosity=0)
    states = set(Deviation.objects.values_list("state", flat=True))
    assert states == set(DeviationState.values)
    assert Deviation.objects.values("category__key").distinct().count() >= 8
    assert Deviation.objects.values("area").distinct().count() >= 2
    assert Deviation.objects.filter(candidate__isnull=False).exists()
    assert CandidateDecision.objects.filter(decision="dismissed").exists()
    count = Deviation.objects.count()
    call_command("seed_deviations_demo", verbosity=0)
    assert Deviation.objects.count() == count
