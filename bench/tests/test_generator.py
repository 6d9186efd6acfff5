import datetime as dt

import pytest
from django.utils import timezone

from bench.consistency import check_episodes
from bench.generator import generate_history, measure_shape
from episodes import actions
from episodes.models import Episode, EpisodeState, Event, EventKind, Message, Party
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Membership, Role

FIXED_END = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(db):
    return generate_history(years=1, seed=7, end=FIXED_END, scale="small", episodes_per_year=500)


def test_a_small_history_has_the_national_shape(history):
    shape = measure_shape(Episode.objects.all())
    assert shape["utskrivna"] > 400
    assert 0.60 <= shape["andel_samma_dag"] <= 0.74  # about two thirds on the ready day
    assert 1.5 <= shape["medel_uk_dagar_skr"] <= 2.8  # SKR mean about 2 days
    assert 0.05 <= shape["andel_aterinskrivna_aldre"] <= 0.16  # about 1 in 10 of the elderly
    assert shape["andel_im_inom_24h"] >= 0.8


def test_every_generated_episode_replays_to_its_cached_columns(history):
    assert check_episodes(Episode.objects.all()) == {}


def test_every_generated_party_carries_its_end_of_access(history):
    ended = Party.objects.filter(episode__ended_at__isnull=False)
    assert ended.exists() and not ended.filter(visible_until=None).exists()
    assert Party.objects.filter(
        episode__ended_at=None, removed_at=None, visible_until=None
    ).exists()
    party = ended.order_by("id").first()
    Party.objects.filter(pk=party.pk).update(visible_until=None)
    [problem] = check_episodes(Episode.objects.filter(pk=party.episode_id))[party.episode_id]
    assert problem.startswith(f"party {party.id}: visible_until None")


def test_the_present_has_active_episodes_and_unacknowledged_messages(history):
    active = Episode.objects.filter(state__in=[EpisodeState.ADMITTED, EpisodeState.READY])
    assert active.exists()
    assert not active.filter(admitted_at__lt=FIXED_END - dt.timedelta(days=90)).exists()
    assert Message.objects.filter(acknowledged_at__isnull=True, forwarded_to__isnull=True).exists()
    assert not Event.objects.filter(occurred_at__gt=FIXED_END).exists()


def test_readmissions_are_linked_as_the_admission_action_links_them(history):
    linked = Episode.objects.filter(readmission_of__isnull=False).select_related("readmission_of")
    assert linked.exists()
    for episode in linked:
        gap = (
            timezone.localdate(episode.admitted_at)
            - timezone.localdate(episode.readmission_of.discharged_at)
        ).days
        assert 1 <= gap <= 30
        event = episode.events.get(kind=EventKind.READMISSION_LINKED)
        assert event.data == {
            "previous_episode": str(episode.readmission_of.public_id),
            "days_since_discharge": gap,
        }


def test_individuals_carry_valid_test_identity_numbers(history):
    for identifier in Individual.objects.values_list("identifier", flat=True)[:300]:
        parsed = parse_identifier(identifier)
        assert parsed.number == identifier
        assert identifier[8:10] in ("98", "99")


def test_the_same_seed_gives_the_same_history(db):
    first = generate_history(years=0.2, seed=3, end=FIXED_END, scale="small", episodes_per_year=300)
    rows = list(Event.objects.order_by("id").values_list("kind", "occurred_at", "data"))
    Event.objects.all().delete()
    Message.objects.update(forwarded_to=None)
    Message.objects.all().delete()
    Episode.objects.update(readmission_of=None)
    Episode.objects.all().delete()
    Individual.objects.all().delete()
    second = generate_history(
        years=0.2, seed=3, end=FIXED_END, scale="small", episodes_per_year=300
    )
    assert first.counts == second.counts
    assert list(Event.objects.order_by("id").values_list("kind", "occurred_at", "data")) == rows


def test_the_real_actions_carry_a_generated_episode_on(db, time_machine):
    # The actions act at "now", so the history ends just before it. Ended at the real now, the
    # history followed the calendar (weekdays, seasons), and at this size it had an episode
    # ready for discharge at the present on some days only (0.9 on average at any moment, as
    # in its own past): the present is pinned to one that has, and the clock runs on from it.
    time_machine.move_to(FIXED_END + dt.timedelta(minutes=10), tick=True)
    generate_history(
        years=0.1,
        seed=5,
        end=timezone.now() - dt.timedelta(minutes=10),
        scale="small",
        episodes_per_year=600,
    )
    episode = Episode.objects.filter(state=EpisodeState.READY).order_by("-ready_at").first()
    assert episode is not None
    nurse = Membership.objects.filter(unit=episode.ward, role=Role.NURSE).first().user
    actions.do_discharge(nurse, episode, "home")
    episode.refresh_from_db()
    assert episode.state == EpisodeState.DISCHARGED

    message = Message.objects.filter(
        acknowledged_at__isnull=True, forwarded_to__isnull=True
    ).first()
    assert message is not None
    member = (
        Membership.objects.filter(unit=message.recipient_unit)
        .exclude(role=Role.MANAGER)
        .first()
        .user
    )
    actions.do_acknowledge(member, message)
    assert check_episodes(Episode.objects.filter(pk__in=[episode.pk, message.episode_id])) == {}


def test_ended_stays_have_their_activities_as_the_engine_leaves_them(history):
    # Issue 17: the stays ended within 90 days of the end have activities too, replayed
    # through the engine: done by the events that complete them, and what a phase before
    # discharge left undone closed at discharge; older stays have none.
    from process.models import ActivityStatus, EpisodeActivity

    since = FIXED_END - dt.timedelta(days=90)
    recent = Episode.objects.filter(state=EpisodeState.DISCHARGED, ended_at__gte=since)
    old = Episode.objects.filter(ended_at__lt=since)
    assert recent.exists() and old.exists()
    rows = EpisodeActivity.objects.filter(episode__in=recent).select_related("definition")
    statuses = {row.status for row in rows}
    assert ActivityStatus.DONE in statuses
    assert not EpisodeActivity.objects.filter(episode__in=old).exists()
    for row in rows:
        if row.definition.phase in ("admission", "stay", "ready"):
            assert row.status not in (ActivityStatus.OPEN, ActivityStatus.OVERDUE)
    # The admission notice is done in the live product by sending it: so here too.
    notices = rows.filter(
        definition__step="send_admission_notice", episode__admission_notice_sent_at__isnull=False
    )
    assert notices.exists()
    assert all(row.status == ActivityStatus.DONE for row in notices)
