"""Inviting someone after the invitation (with their own notice), and a further meeting on an
existing SIP with its own attendance: rules, pages and API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import submissions
from core.errors import ActionError
from organisations.models import Role, Unit
from sip import actions
from sip.access import visible_sips
from sip.models import Meeting, Notice, NoticeKind, ParticipantKind, SipEventKind
from sip.tests import builders
from sip.tests.test_sip_api import client_for, post
from tests.factories import make_user


def psychiatry():
    return Unit.objects.get(name="Psykiatrisk öppenvård Centrum")


def test_a_unit_invited_later_becomes_a_party_and_gets_its_own_notice(org):
    sip = builders.invited(org)
    psych_nurse = make_user("psych", psychiatry(), Role.NURSE)
    assert not visible_sips(psych_nurse).exists()
    added = actions.do_add_participants(
        org.gp_nurse,
        sip,
        actions.ParticipantsInput(units=[psychiatry()], others=["Försäkringskassan"]),
    )
    assert [p.label for p in added] == ["Psykiatrisk öppenvård Centrum", "Försäkringskassan"]
    assert list(visible_sips(psych_nurse)) == [sip]
    notice = Notice.objects.get(unit=psychiatry())
    assert notice.kind == NoticeKind.PARTICIPANT_ADDED
    assert sip.events.filter(kind=SipEventKind.PARTICIPANTS_ADDED).count() == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"units": ["home_health_care"]}, "already_participant"),
        ({}, "required"),
        ({"units": [None]}, "unknown_unit"),
    ],
)
def test_bad_later_invitations_are_refused_and_nothing_changes(org, data, code):
    sip = builders.invited(org)
    before = sip.participants.count()
    units = [getattr(org, u) if u else None for u in data.get("units", [])]
    with pytest.raises(ActionError) as refused:
        actions.do_add_participants(org.gp_nurse, sip, actions.ParticipantsInput(units=units))
    assert refused.value.code == code
    assert sip.participants.count() == before
    assert not Notice.objects.filter(kind=NoticeKind.PARTICIPANT_ADDED).exists()


def test_nobody_can_be_added_before_the_invitation(org):
    sip = builders.consented(org)
    with pytest.raises(ActionError) as refused:
        actions.do_add_participants(
            org.gp_nurse, sip, actions.ParticipantsInput(units=[psychiatry()])
        )
    assert refused.value.code == "not_invited"


def test_a_second_meeting_with_its_own_attendance(org):
    sip = builders.planned(org)
    with pytest.raises(ActionError) as refused:
        actions.do_record_next_meeting(org.gp_nurse, sip, [])
    assert refused.value.code == "no_pending_meeting"
    meeting = actions.do_schedule_meeting(
        org.gp_nurse,
        sip,
        actions.MeetingInput(
            meeting_form="video",
            meeting_at=timezone.now() + dt.timedelta(days=10),
            note="Behoven har ändrats",
        ),
    )
    assert meeting.number == 2
    assert set(Notice.objects.filter(kind=NoticeKind.MEETING).values_list("unit", flat=True)) == {
        org.home_health_care.pk,
        org.needs_assessment.pk,
    }
    with pytest.raises(ActionError) as refused:
        actions.do_schedule_meeting(
            org.gp_nurse,
            sip,
            actions.MeetingInput(
                meeting_form="phone", meeting_at=timezone.now() + dt.timedelta(days=3)
            ),
        )
    assert refused.value.code == "meeting_pending"
    relative = sip.participants.get(kind=ParticipantKind.RELATIVE)
    held = actions.do_record_next_meeting(org.home_care_nurse, sip, [relative])
    assert held.held_at is not None and held.individual_took_part is False
    assert {p.label for p in held.attended.all()} == {
        relative.label,
        org.home_health_care.name,
    }
    # The first meeting's attendance is unchanged.
    sip.refresh_from_db()
    assert sip.individual_took_part is True


def test_a_further_meeting_cannot_be_booked_before_the_first(org):
    sip = builders.invited(org)
    with pytest.raises(ActionError) as refused:
        actions.do_schedule_meeting(
            org.gp_nurse,
            sip,
            actions.MeetingInput(
                meeting_form="video", meeting_at=timezone.now() + dt.timedelta(days=3)
            ),
        )
    assert refused.value.code == "no_meeting"
    assert not Meeting.objects.exists()


def test_through_the_pages(org, client):
    sip = builders.planned(org)
    client.force_login(org.gp_nurse)
    page = client.get(reverse("sip_detail", args=[sip.public_id])).content.decode()
    assert "Bjud in fler deltagare" in page and "Boka ett nytt SIP-möte" in page
    added = client.post(
        reverse("sip_step", args=[sip.public_id, "participants"]),
        {"submission_key": submissions.new_key(), "units": [str(psychiatry().pk)]},
    )
    assert added.status_code == 302
    past = client.post(
        reverse("sip_step", args=[sip.public_id, "new_meeting"]),
        {
            "submission_key": submissions.new_key(),
            "meeting_form": "phone",
            "meeting_at": (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert past.status_code == 400
    assert "Mötestiden har redan passerat." in past.content.decode()
    booked = client.post(
        reverse("sip_step", args=[sip.public_id, "new_meeting"]),
        {
            "submission_key": submissions.new_key(),
            "meeting_form": "phone",
            "meeting_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Telefon",
        },
    )
    assert booked.status_code == 302
    page = client.get(reverse("sip_detail", args=[sip.public_id])).content.decode()
    assert "SIP-möte 2" in page and "inbokat" in page
    assert "Psykiatrisk öppenvård Centrum" in page


def test_through_the_api(org):
    sip = builders.planned(org)
    gp = client_for(org.gp_nurse)
    added = post(
        gp, f"/api/sip/{sip.public_id}/participants", {"units": [str(psychiatry().public_id)]}
    )
    assert added.status_code == 200, added.content
    again = post(
        gp, f"/api/sip/{sip.public_id}/participants", {"units": [str(psychiatry().public_id)]}
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "already_participant"
    booked = post(
        gp,
        f"/api/sip/{sip.public_id}/meetings",
        {
            "meeting_form": "video",
            "meeting_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["meetings"][0]["held_at"] is None
    participants = booked.json()["participants"]
    individual = [p["id"] for p in participants if p["kind"] == "individual"]
    held = post(gp, f"/api/sip/{sip.public_id}/meetings/held", {"attended": individual})
    assert held.json()["meetings"][0]["individual_took_part"] is True
