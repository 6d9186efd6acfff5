"""The end of a unit's read access is kept on its party row (`Party.visible_until`) so that
need-to-know reads only a unit's visible parties; the answer must be exactly the rule's:
while a party, for the removal days after removal (none for a protected identity), while the
stay is open or for the end days after it ended."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from episodes import actions
from episodes.access import visible_episodes, visible_parties
from episodes.actions.transfer import do_transfer
from episodes.models import Episode, Party, PartyRole, refresh_visibility
from individuals.models import Individual
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

pytestmark = pytest.mark.django_db


def _by_the_rule(unit_ids, now: dt.datetime) -> set[int]:
    """The episodes `unit_ids` see at `now` by the rule read from the rows themselves (the
    definition need-to-know used before the column), to compare the column with."""
    removal_cutoff = now - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS)
    end_cutoff = now - dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_END_DAYS)
    protected = Individual.objects.filter(
        pk=OuterRef("episode__individual_id"), protected_identity=True
    )
    rows = (
        Party.objects.filter(unit_id__in=unit_ids)
        .filter(
            Q(removed_at__isnull=True) | (Q(removed_at__gte=removal_cutoff) & ~Exists(protected))
        )
        .filter(Q(episode__ended_at__isnull=True) | Q(episode__ended_at__gte=end_cutoff))
    )
    return set(rows.values_list("episode_id", flat=True))


def test_the_column_gives_the_rules_answer_for_every_combination_and_moment(org):
    removal = dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS)
    end = dt.timedelta(days=settings.SAMSYN_ACCESS_AFTER_END_DAYS)
    hour = dt.timedelta(hours=1)
    base = timezone.now().replace(microsecond=0) - end - removal - dt.timedelta(days=30)
    people = {
        False: make_individual(org, TEST_IDENTIFIERS[0]),
        True: make_individual(org, TEST_IDENTIFIERS[1], protected_identity=True),
    }
    # Removals and ends at and around each window's edge, and none.
    offsets = [None, dt.timedelta(0), hour, removal - hour, removal, end, end + hour]
    moments = {base + offset for offset in offsets if offset is not None}
    moments |= {m + shift for m in list(moments) for shift in (removal, end, -hour, hour)}
    moments |= {m + end + removal for m in list(moments)}
    for protected, removed, ended in itertools.product((False, True), offsets, offsets):
        episode = Episode.objects.create(
            individual=people[protected],
            ward=org.ward,
            admitted_at=base - dt.timedelta(days=1),
            ended_at=base + ended if ended is not None else None,
        )
        Party.objects.create(
            episode=episode,
            unit=org.needs_assessment,
            role=PartyRole.CONCERNED,
            added_at=episode.admitted_at,
            removed_at=base + removed if removed is not None else None,
        )
    refresh_visibility(Episode.objects.values("id"))
    units = [org.needs_assessment.pk]
    removals = [p.removed_at for p in Party.objects.exclude(removed_at=None)]
    checked = 0
    for now in sorted(moments):
        # A removal is never recorded ahead of the clock, so compare at moments after it
        # (at the removal instant itself the column still counts the unit a party).
        expected = _by_the_rule(units, now)
        got = set(visible_parties(units, now).values_list("episode_id", flat=True))
        kept = {
            p.episode_id
            for p in Party.objects.filter(unit_id__in=units)
            if p.removed_at is None or p.removed_at < now
        }
        assert got & kept == expected & kept, now
        checked += len(kept)
    assert checked > 1000 and removals  # the product above was really compared


def test_cancelling_a_discharge_gives_the_units_their_access_back(org, settings):
    settings.SAMSYN_ACCESS_AFTER_END_DAYS = 1
    start = timezone.now() - dt.timedelta(days=5)
    episode = admit(org, admitted_at=start)
    actions.do_discharge(org.nurse, episode, "home", discharged_at=start + dt.timedelta(days=2))
    assert not visible_episodes(org.needs_assessor).filter(pk=episode.pk).exists()
    assert not visible_episodes(org.nurse).filter(pk=episode.pk).exists()
    actions.do_cancel_discharge(org.nurse, episode, "fel patient")
    assert visible_episodes(org.needs_assessor).filter(pk=episode.pk).exists()
    assert visible_episodes(org.nurse).filter(pk=episode.pk).exists()


def test_protecting_an_identity_ends_a_removed_units_access_at_once(org):
    episode = admit(org)
    actions.do_edit_parties(org.nurse, episode, remove=[org.home_health_care])
    assert visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()
    individual = episode.individual
    individual.protected_identity = True
    individual.save()
    assert not visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()
    assert visible_episodes(org.needs_assessor).filter(pk=episode.pk).exists()
    individual.protected_identity = False
    individual.save(update_fields=["protected_identity"])
    assert visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()


def test_a_unit_added_again_sees_the_stay_again(org):
    episode = admit(org)
    actions.do_edit_parties(org.nurse, episode, remove=[org.home_health_care])
    Party.objects.filter(episode=episode, unit=org.home_health_care).update(
        removed_at=timezone.now() - dt.timedelta(days=60)
    )
    refresh_visibility([episode.pk])  # backdated by hand, so its cache by hand
    assert not visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()
    actions.do_edit_parties(org.nurse, episode, add=[org.home_health_care])
    assert visible_episodes(org.home_care_nurse).filter(pk=episode.pk).exists()


def test_a_transferred_from_ward_keeps_the_removal_window(org):
    episode = admit(org)
    do_transfer(org.nurse, episode, org.other_ward)
    party = Party.objects.get(episode=episode, unit=org.ward)
    assert party.visible_until == party.removed_at + dt.timedelta(
        days=settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS
    )
    assert Party.objects.get(episode=episode, unit=org.other_ward).visible_until is None


def test_after_a_change_of_the_days_the_command_brings_every_row_up_to_date(org, settings):
    start = timezone.now() - dt.timedelta(days=50)
    episode = admit(org, admitted_at=start)
    actions.do_discharge(org.nurse, episode, "home", discharged_at=start + dt.timedelta(days=2))
    assert visible_episodes(org.needs_assessor).filter(pk=episode.pk).exists()
    settings.SAMSYN_ACCESS_AFTER_END_DAYS = 30
    call_command("refresh_party_visibility")
    assert not visible_episodes(org.needs_assessor).filter(pk=episode.pk).exists()
    again = io.StringIO()
    call_command("refresh_party_visibility", stdout=again)
    assert again.getvalue().strip() == "0 parties changed"
