"""The administrator's ADT pages: the feed counts what arrived and shows each answer; the
queue maps an unknown ward's HSA id to a unit and replays the waiting message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from episodes.models import Episode
from interop.hl7.intake import receive
from interop.models import ResolutionItem
from interop.tests.adt import WARD_HSA_ID, adt, ts

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org):
    client = Client()
    client.force_login(org.admin)
    return client


def admitted() -> str:
    return ts(timezone.now() - dt.timedelta(hours=3))


def test_the_feed_counts_the_messages_and_shows_their_answers(org, admin_client):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    receive(adt("A01", "FEED-1", admitted=admitted()))
    receive(adt("A01", "FEED-2", identifier="193902229925", authority="LOCAL"))
    receive(adt("A03", "FEED-3", visit="V404"))

    page = admin_client.get("/integration/hl7/").content.decode()

    assert '<dd data-testid="total">3</dd>' in page
    assert '<dd data-testid="applied">1</dd>' in page
    assert '<dd data-testid="errors">1</dd>' in page
    assert '<dd data-testid="rejected">1</dd>' in page
    assert "FEED-2" in page and "Okänd tilldelande myndighet i PID-3: LOCAL" in page
    assert "194107089981" not in page and "Testsson" not in page


def test_the_feed_is_for_administrators_only(org):
    client = Client()
    client.force_login(org.nurse)

    assert client.get("/integration/hl7/").status_code == 403
    assert client.get("/integration/hl7/ko/").status_code == 403


def test_mapping_the_ward_on_the_queue_page_replays_the_message(org, admin_client):
    receive(adt("A01", "Q-1", ward="SE-NY-AVD", admitted=admitted()))
    item = ResolutionItem.objects.get()
    assert "SE-NY-AVD" in admin_client.get("/integration/hl7/ko/").content.decode()

    response = admin_client.post(
        "/integration/hl7/ko/",
        {"item": item.pk, "unit": str(org.other_ward.public_id), "submission_key": "k1"},
        follow=True,
    )

    assert "Meddelandet Q-1 spelades upp igen: AA." in response.content.decode()
    assert Episode.objects.get().ward == org.other_ward
    org.other_ward.refresh_from_db()
    assert org.other_ward.hsa_id == "SE-NY-AVD"
    assert "Inget väntar." in response.content.decode()


def test_the_queue_page_asks_for_a_ward_and_changes_nothing_without_one(org, admin_client):
    receive(adt("A01", "Q-1", ward="SE-NY-AVD", admitted=admitted()))
    item = ResolutionItem.objects.get()

    response = admin_client.post("/integration/hl7/ko/", {"item": item.pk, "unit": ""})

    assert "Välj en avdelning." in response.content.decode()
    assert not Episode.objects.exists()
    assert ResolutionItem.objects.get().resolved_at is None


def test_a_message_about_an_unknown_person_is_replayed_or_dismissed_on_the_queue_page(
    org, admin_client
):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    receive(adt("A03", "Q-2", visit="", discharged=admitted()))
    item = ResolutionItem.objects.get()
    page = admin_client.get("/integration/hl7/ko/").content.decode()
    assert "Okänd person" in page and "194107089981" not in page

    replayed = admin_client.post(
        "/integration/hl7/ko/",
        {"item": item.pk, "do": "replay", "submission_key": "k1"},
        follow=True,
    ).content.decode()
    assert "Meddelandet Q-2 spelades upp igen: AE." in replayed
    assert ResolutionItem.objects.get().resolved_at is None

    dismissed = admin_client.post(
        "/integration/hl7/ko/",
        {"item": item.pk, "do": "dismiss", "submission_key": "k2"},
        follow=True,
    ).content.decode()
    assert "Inget väntar." in dismissed
    assert ResolutionItem.objects.get().resolved_at is not None
