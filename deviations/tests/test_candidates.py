"""The sweeper's missed deadlines as drafts for the parties let down: send or dismiss, both
counted, and never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ActionError
from deviations import actions
from deviations.candidates import drafts_for_user
from deviations.models import CandidateDecision, Deviation, DeviationState
from process.models import DeviationCandidate
from process.sweeper import sweep
from tests.factories import admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_notice(org):
    """The ward admitted 30 hours ago and sent no admission notice: the 24-hour legal deadline
    is missed, and the sweeper finds it."""
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    sweep()
    return DeviationCandidate.objects.get(episode=episode, rule_key="SV-04")


def test_the_municipalitys_contact_sees_a_prepared_draft_and_the_wards_does_not(
    org, contacts, late_notice
):
    [draft] = drafts_for_user(contacts.municipality)
    assert draft.candidate == late_notice
    assert draft.principal == org.home_health_care.principal
    assert draft.category_key == "admission_notice"
    assert set(draft.reporting_units) == {org.home_health_care, org.needs_assessment}
    assert "Skicka inskrivningsmeddelande" in draft.what_happened
    assert "Sven" not in draft.what_happened
    assert drafts_for_user(contacts.ward) == []
    assert drafts_for_user(org.home_care_nurse) == []


def test_sending_the_draft_makes_a_deviation_to_the_ward_and_the_draft_leaves(
    org, contacts, late_notice
):
    result = actions.do_send_candidate(
        contacts.municipality,
        late_notice,
        reporting_unit=org.home_health_care,
        category_key="admission_notice",
        what_happened="Inskrivningsmeddelandet kom inte inom 24 timmar.",
    )
    deviation = result.deviation
    assert deviation.state == DeviationState.REPORTED
    assert deviation.candidate == late_notice
    assert deviation.receiving_unit == org.ward
    assert deviation.reporting_unit == org.home_health_care
    assert deviation.event_date == timezone.localdate(late_notice.due_at)
    assert drafts_for_user(contacts.municipality) == []
    decision = CandidateDecision.objects.get()
    assert (decision.decision, decision.deviation) == ("sent", deviation)
    with pytest.raises(ActionError) as again:
        actions.do_dismiss_candidate(contacts.municipality, late_notice, "Dubbel.")
    assert again.value.code == "already_decided"


def test_dismissing_needs_a_reason_and_is_counted(org, contacts, late_notice):
    with pytest.raises(ActionError) as refused:
        actions.do_dismiss_candidate(contacts.municipality, late_notice, "  ")
    assert refused.value.field == "reason"
    assert not CandidateDecision.objects.exists()
    actions.do_dismiss_candidate(
        contacts.municipality, late_notice, "Meddelandet kom per telefon i tid."
    )
    decision = CandidateDecision.objects.get()
    assert decision.decision == "dismissed"
    assert decision.reason == "Meddelandet kom per telefon i tid."
    assert drafts_for_user(contacts.municipality) == []
    assert not Deviation.objects.exists()


def test_only_the_let_down_partys_contact_may_send_or_dismiss(org, contacts, late_notice):
    for user in (contacts.ward, org.home_care_nurse):
        with pytest.raises(ActionError) as refused:
            actions.do_dismiss_candidate(user, late_notice, "Nej.")
        assert refused.value.code == "not_contact"


def test_a_withdrawn_candidate_is_no_draft(org, contacts, late_notice):
    DeviationCandidate.objects.filter(pk=late_notice.pk).update(withdrawn_at=timezone.now())
    assert drafts_for_user(contacts.municipality) == []
    late_notice.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        actions.do_dismiss_candidate(contacts.municipality, late_notice, "Nej.")
    assert refused.value.code == "withdrawn"


def test_the_draft_page_is_logged_and_refused_to_others(client, org, contacts, late_notice):
    from audit.models import AccessLog

    url = f"/avvikelser/utkast/{late_notice.public_id}/"
    client.force_login(contacts.municipality)
    page = client.get(url).content.decode()
    assert "Skicka inskrivningsmeddelande" in page and "Testsson" not in page
    assert AccessLog.objects.filter(
        user=contacts.municipality, action="deviation.draft", episode=late_notice.episode
    ).exists()
    client.force_login(contacts.ward)
    assert client.get(url).status_code == 404
    refused = client.post(url, {"dismiss": "1", "dismiss-reason": ""})
    assert refused.status_code == 404
    client.force_login(contacts.municipality)
    refused = client.post(url, {"dismiss": "1", "dismiss-reason": ""})
    assert refused.status_code == 400
    assert "Fältet måste fyllas i." in refused.content.decode()
