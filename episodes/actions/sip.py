"""The designated care contact and the SIP steps of a stay: the need, the offer and the
invitation (kallelse)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import ActionError
from episodes import events
from episodes.actions.common import MAX_CLOCK_SKEW, begin, check_text, other_parties, send
from episodes.models import Episode, Message, MessageKind
from episodes.rules import Step
from organisations.models import Unit, User

SIP_CONSENT = {
    "accepted": "Samtycker",
    "declined": "Avböjer",
    "unable": "Kan inte uttrycka sin vilja",
}
SIP_CONSENT_BY = {
    "individual": "Den enskilde",
    "legal_representative": "Legal företrädare",
    "relative": "Närstående tillfrågad",
}


@events.action
def do_appoint_care_contact(
    user: User,
    episode: Episode,
    name: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The health centre names the individual's designated care contact (fast vårdkontakt)."""
    episode, membership = begin(
        user,
        episode,
        Step.APPOINT_CARE_CONTACT,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    name = check_text(name, field_name="name", required=True, limit=200)
    events.care_contact_appointed(episode, by=membership, at=timezone.now(), name=name)
    return episode


@events.action
def do_assess_sip_need(
    user: User,
    episode: Episode,
    needed: bool,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Judge whether the individual needs a SIP (help from both region and municipality)."""
    episode, membership = begin(
        user, episode, Step.ASSESS_SIP_NEED, submission_key=submission_key, acting_unit=acting_unit
    )
    note = check_text(note, field_name="note", limit=1000)
    if episode.sip_needed == needed:
        raise ActionError("Bedömningen är redan registrerad.", code="unchanged", field="needed")
    events.sip_need_assessed(episode, by=membership, at=timezone.now(), needed=needed, note=note)
    return episode


@events.action
def do_record_sip_offer(
    user: User,
    episode: Episode,
    consent: str,
    consent_by: str,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The individual was offered a SIP: who answered and how (consent is required for SIP)."""
    if consent not in SIP_CONSENT:
        raise ActionError("Välj ett svar på erbjudandet.", code="invalid_choice", field="consent")
    if consent_by not in SIP_CONSENT_BY:
        raise ActionError("Ange vem som svarade.", code="invalid_choice", field="consent_by")
    episode, membership = begin(
        user, episode, Step.RECORD_SIP_OFFER, submission_key=submission_key, acting_unit=acting_unit
    )
    note = check_text(note, field_name="note", limit=1000)
    events.sip_offered(
        episode,
        by=membership,
        at=timezone.now(),
        consent=consent,
        consent_by=consent_by,
        note=note,
    )
    return episode


@events.action
def do_record_sip_invitation(
    user: User,
    episode: Episode,
    meeting_at: dt.datetime,
    note: str = "",
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> list[Message]:
    """The SIP invitation (kallelse) goes to every party; its deadline is the work
    description's (`Episode.sip_invitation_due_at`)."""
    episode, membership = begin(
        user,
        episode,
        Step.RECORD_SIP_INVITATION,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    now = timezone.now()
    if timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    if meeting_at < now - MAX_CLOCK_SKEW:
        raise ActionError("Mötestiden har redan passerat.", code="past_time", field="meeting_at")
    if meeting_at > now + dt.timedelta(days=180):
        raise ActionError(
            "Mötet ligger mer än ett halvår fram.", code="too_far_ahead", field="meeting_at"
        )
    note = check_text(note, field_name="note")
    messages = send(
        episode,
        MessageKind.SIP_INVITATION,
        membership,
        other_parties(episode, membership.unit_id),
        sent_at=now,
        body=note,
        meeting_at=meeting_at.isoformat(),
    )
    events.sip_invitation_sent(episode, by=membership, at=now, meeting_at=meeting_at)
    return messages
