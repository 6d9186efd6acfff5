"""A02 transfers, A40 merges, messages about a person Samsyn never had, and A08 name changes,
sent over TCP to the running listener."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from episodes.access import visible_episodes
from episodes.models import Episode, EpisodeState, EventKind, Party
from episodes.rules import Step, available_steps
from episodes.timeline import describe
from individuals.models import Individual, IndividualMerge
from interop.hl7.client import send
from interop.hl7.intake import dismiss_item, replay_item
from interop.hl7.listener import ListenerThread
from interop.models import AdtMessage, MessageStatus, ResolutionItem, ResolutionReason
from interop.tests.adt import OTHER_WARD_HSA_ID, WARD_HSA_ID, adt, msa, ts
from organisations.models import Lane, Role
from process.models import EpisodeActivity
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PRIOR = "193902229925"  # the duplicate's number (MRG-1)


@pytest.fixture
def wards(org):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    org.other_ward.hsa_id = OTHER_WARD_HSA_ID
    org.other_ward.save()
    return org.ward, org.other_ward


@pytest.fixture
def listener(wards):
    with ListenerThread(read_timeout=5) as running:
        yield running


def post(listener, *messages):
    return [msa(ack) for ack in send("127.0.0.1", listener.port, list(messages))]


def hours_ago(hours: int) -> dt.datetime:
    return (timezone.now() - dt.timedelta(hours=hours)).replace(microsecond=0)


def transfer(control: str, **options) -> str:
    options.setdefault("prior_ward", WARD_HSA_ID)
    return adt("A02", control, ward=OTHER_WARD_HSA_ID, occurred=ts(hours_ago(1)), **options)


# -- A02 ---------------------------------------------------------------------------------------


def test_a_transfer_moves_the_stay_worklist_and_activities_to_the_new_ward(listener, org):
    first, second = post(
        listener, adt("A01", "MSG-1", admitted=ts(hours_ago(30))), transfer("MSG-2")
    )

    assert [first[0], second[0]] == ["AA", "AA"]
    episode = Episode.objects.get()
    assert episode.ward == org.other_ward
    parties = {p.unit_id: p for p in Party.objects.filter(episode=episode)}
    assert parties[org.other_ward.pk].removed_at is None
    assert parties[org.ward.pk].removed_at is not None
    other_nurse = make_user("othernurse", org.other_ward, Role.NURSE)
    assert episode in visible_episodes(other_nurse)
    client = Client()
    client.force_login(other_nurse)
    assert "Testsson" in client.get("/").content.decode()  # on the new ward's worklist
    # The prior ward still reads it for the access period after removal, but takes no step.
    assert available_steps(other_nurse, episode, list(Step))
    assert available_steps(org.nurse, episode, list(Step)) == []
    inpatient = EpisodeActivity.objects.filter(
        episode=episode, definition__lane=Lane.INPATIENT, completed_at__isnull=True
    )
    assert inpatient.exists()
    assert set(inpatient.values_list("unit_id", flat=True)) == {org.other_ward.pk}
    removed, added = episode.events.filter(
        kind__in=[EventKind.PARTY_REMOVED, EventKind.PARTY_ADDED]
    ).order_by("id")
    assert (removed.unit, removed.data["reason"]) == (org.ward, "transferred")
    assert (added.unit, added.data["role"]) == (org.other_ward, "ward")
    # The episode's timeline says it in Swedish: moved, and from where.
    assert "patienten flyttad till annan avdelning" in describe(removed)
    assert f"flyttad från {org.ward.name}" in describe(added)


def test_a_transfer_is_applied_once_and_the_stay_is_then_discharged_from_the_new_ward(listener):
    message = transfer("MSG-2")
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        message,
        message,
        adt("A03", "MSG-3", ward=OTHER_WARD_HSA_ID, visit="", discharged=ts(hours_ago(0))),
    )

    assert [a[0] for a in answers] == ["AA", "AA", "AA", "AA"]
    episode = Episode.objects.get()
    assert episode.state == EpisodeState.DISCHARGED
    assert episode.events.filter(kind=EventKind.PARTY_ADDED).count() == 1


def test_a_transfer_of_an_unknown_visit_is_refused(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        transfer("MSG-2", visit="V-OTHER"),
    )

    assert answers[1][0] == "AE"
    assert "Okänt vårdtillfälle" in answers[1][2]
    assert Episode.objects.get().ward.hsa_id == WARD_HSA_ID


def test_a_transfer_from_another_ward_than_the_stays_is_refused(listener, org):
    org.unrelated_needs_assessment.hsa_id = "SE-X"
    org.unrelated_needs_assessment.save()
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        transfer("MSG-2", prior_ward="SE-X"),
    )

    assert answers[1][0] == "AE"
    assert "inte på avdelningen i PV1-6" in answers[1][2]
    assert Episode.objects.get().ward == org.ward


def test_a_transfer_to_an_unknown_ward_waits_in_the_queue_and_goes_through_once_mapped(
    listener, org
):
    post(listener, adt("A01", "MSG-1", admitted=ts(hours_ago(30))))
    [answer] = post(
        listener,
        adt("A02", "MSG-2", ward="SE-NEW", prior_ward=WARD_HSA_ID, occurred=ts(hours_ago(1))),
    )

    assert answer[0] == "AE"
    assert "väntar i kön" in answer[2]
    item = ResolutionItem.objects.get()
    assert item.reason == ResolutionReason.UNKNOWN_WARD
    from interop.hl7.intake import resolve_ward

    org.other_ward.hsa_id = ""
    org.other_ward.save()
    row = resolve_ward(item, org.other_ward, org.admin)
    assert row.status == MessageStatus.APPLIED
    assert Episode.objects.get().ward == org.other_ward


# -- A40 ---------------------------------------------------------------------------------------


def in_three_days() -> str:
    return (timezone.localdate() + dt.timedelta(days=3)).strftime("%Y%m%d")


def merge_message(control: str) -> str:
    return adt("A40", control, prior_identifier=PRIOR)


def test_a_merge_moves_the_duplicates_stays_to_the_surviving_person_with_an_audit_row(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", identifier=PRIOR, visit="V1", admitted=ts(hours_ago(50))),
        adt("A03", "MSG-2", identifier=PRIOR, visit="V1", discharged=ts(hours_ago(40))),
        adt("A01", "MSG-3", visit="V2", admitted=ts(hours_ago(20))),
        merge_message("MSG-4"),
        merge_message("MSG-4"),
        # The hospital's later messages may still carry the prior number.
        adt("A08", "MSG-5", identifier=PRIOR, visit="V2", expected_discharge=in_three_days()),
    )

    assert [a[0] for a in answers] == ["AA"] * 6
    surviving = Individual.objects.get(identifier="194107089981")
    prior = Individual.objects.get(identifier=PRIOR)
    assert prior.merged_into == surviving
    assert surviving.episodes.count() == 2
    assert not prior.episodes.exists()
    [merge] = IndividualMerge.objects.all()
    assert merge.prior_identifier == PRIOR
    assert merge.surviving_identifier == "194107089981"
    assert merge.source == "ADT^A40 MSG-4"
    assert len(merge.episodes) == 1
    running = surviving.episodes.get(state=EpisodeState.ADMITTED)
    assert running.estimated_discharge_date.strftime("%Y%m%d") == in_three_days()


def test_a_merge_into_a_number_samsyn_does_not_have_gives_the_person_the_new_number(listener):
    post(listener, adt("A01", "MSG-1", identifier=PRIOR, admitted=ts(hours_ago(20))))
    [answer] = post(listener, merge_message("MSG-2"))

    assert answer[0] == "AA"
    episode = Episode.objects.get()
    assert episode.individual.identifier == "194107089981"
    assert episode.state == EpisodeState.ADMITTED


def test_a_merge_of_a_person_samsyn_never_had_changes_nothing(listener):
    [answer] = post(listener, merge_message("MSG-1"))

    assert answer[0] == "AA"
    assert not Individual.objects.exists()


def test_a_merge_of_two_running_stays_waits_for_a_person(listener, org):
    answers = post(
        listener,
        adt("A01", "MSG-1", identifier=PRIOR, visit="V1", admitted=ts(hours_ago(20))),
        adt("A01", "MSG-2", visit="V2", admitted=ts(hours_ago(10))),
        merge_message("MSG-3"),
    )

    assert answers[2][0] == "AE"
    assert "pågående vistelse" in answers[2][2]
    assert Individual.objects.get(identifier=PRIOR).episodes.count() == 1
    assert not IndividualMerge.objects.exists()
    item = ResolutionItem.objects.get()
    assert item.reason == ResolutionReason.MERGE_REFUSED
    # A person ends the duplicate stay; the replay then merges.
    post(listener, adt("A03", "MSG-4", identifier=PRIOR, visit="V1", discharged=ts(hours_ago(1))))
    row = replay_item(item, org.admin)
    assert row.status == MessageStatus.APPLIED
    assert Individual.objects.get(identifier="194107089981").episodes.count() == 2


def test_a_merge_where_only_one_identity_is_protected_is_refused(listener):
    post(
        listener,
        adt("A01", "MSG-1", identifier=PRIOR, visit="V1", admitted=ts(hours_ago(50))),
        adt("A03", "MSG-2", identifier=PRIOR, visit="V1", discharged=ts(hours_ago(40))),
        adt("A01", "MSG-3", visit="V2", admitted=ts(hours_ago(20))),
    )
    Individual.objects.filter(identifier=PRIOR).update(protected_identity=True)
    [answer] = post(listener, merge_message("MSG-4"))

    assert answer[0] == "AE"
    assert "skyddad identitet" in answer[2]
    assert Individual.objects.get(identifier=PRIOR).episodes.count() == 1
    assert AdtMessage.objects.get(control_id="MSG-4").status == MessageStatus.QUEUED


# -- unknown identities, name changes ------------------------------------------------------------


def test_a_discharge_of_a_person_never_admitted_waits_in_the_queue(listener, org):
    [answer] = post(listener, adt("A03", "MSG-1", visit="", discharged=ts(hours_ago(1))))

    assert answer[0] == "AE"
    assert "Okänd person" in answer[2]
    item = ResolutionItem.objects.get()
    assert item.reason == ResolutionReason.UNKNOWN_IDENTITY
    # Replayed before anything changed, it stays; dismissed, it leaves the queue as AE.
    assert replay_item(item, org.admin).status == MessageStatus.QUEUED
    item.refresh_from_db()
    assert item.resolved_at is None
    row = dismiss_item(item, org.admin)
    assert row.status == MessageStatus.ERROR
    assert not ResolutionItem.objects.filter(resolved_at__isnull=True).exists()


def test_an_update_with_a_new_name_changes_the_persons_name(listener):
    answers = post(
        listener,
        adt("A01", "MSG-1", admitted=ts(hours_ago(30))),
        adt("A08", "MSG-2", family="Nyström", given="Tyra Maria"),
    )

    assert [a[0] for a in answers] == ["AA", "AA"]
    individual = Individual.objects.get()
    assert (individual.given_name, individual.family_name) == ("Tyra Maria", "Nyström")
