"""Ready for discharge, its revocation, the discharge checklist, discharge, its cancellation
and exit."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.errors import ActionError
from episodes import events
from episodes.actions.common import begin, check_moment, check_text, concerned_units, send
from episodes.models import (
    DischargeDestination,
    Episode,
    EpisodeState,
    EventKind,
    ExitReason,
    MessageKind,
)
from episodes.rules import Step
from organisations.models import Unit, User


@events.action
def do_send_ready_notice(
    user: User,
    episode: Episode,
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The physician judges the patient ready for discharge (utskrivningsklar)."""
    episode, membership = begin(
        user,
        episode,
        Step.SEND_READY_NOTICE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    revoked_at = (
        episode.events.filter(kind=EventKind.READY_NOTICE_REVOKED)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    at = check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=revoked_at or episode.admitted_at,
        not_before_message=(
            "Utskrivningsklar kan inte ligga före det senaste återtagandet."
            if revoked_at
            else "Utskrivningsklar kan inte ligga före inskrivningen."
        ),
    )
    send(episode, MessageKind.READY_NOTICE, membership, concerned_units(episode), sent_at=at)
    events.ready_notice_sent(episode, by=membership, at=at)
    return episode


@events.action
def do_revoke_ready_notice(
    user: User,
    episode: Episode,
    reason: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Revoke the ready notice (the patient's condition changed): the clock stops."""
    episode, membership = begin(
        user,
        episode,
        Step.REVOKE_READY_NOTICE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    reason = check_text(reason, field_name="reason", required=True, limit=1000)
    now = timezone.now()
    revoked = episode.ready_at
    assert revoked is not None  # the rule allows this step only when ready
    send(
        episode,
        MessageKind.READY_REVOKED,
        membership,
        concerned_units(episode),
        sent_at=now,
        body=reason,
    )
    events.ready_notice_revoked(episode, by=membership, at=now, reason=reason, ready_at=revoked)
    return episode


# -- the discharge checklist -------------------------------------------------------------------

_CHECKLIST = {
    Step.RECORD_INFORMATION_TRANSFER: events.information_transferred,
    Step.RECORD_SUMMARY: events.summary_given,
}


def _record_checklist_moment(
    user: User,
    episode: Episode,
    step: Step,
    note: str,
    *,
    occurred_at: dt.datetime | None,
    submission_key: str | None,
    acting_unit: Unit | None,
) -> Episode:
    """A moment of the discharge checklist, recorded as its event (and so on the episode)."""
    episode, membership = begin(
        user, episode, step, submission_key=submission_key, acting_unit=acting_unit
    )
    at = check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=episode.admitted_at,
        not_before_message="Tidpunkten kan inte ligga före inskrivningen.",
    )
    _CHECKLIST[step](episode, by=membership, at=at, note=check_text(note, field_name="note"))
    return episode


@events.action
def do_record_information_transfer(
    user: User,
    episode: Episode,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Information the receiving units need has been transferred (due by the discharge day)."""
    return _record_checklist_moment(
        user,
        episode,
        Step.RECORD_INFORMATION_TRANSFER,
        note,
        occurred_at=occurred_at,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )


@events.action
def do_record_summary(
    user: User,
    episode: Episode,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The written summary given to the patient: care given, fast vårdkontakt, planned SIP."""
    return _record_checklist_moment(
        user,
        episode,
        Step.RECORD_SUMMARY,
        note,
        occurred_at=occurred_at,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )


# -- the end of the stay -------------------------------------------------------------------------


@events.action
def do_discharge(
    user: User,
    episode: Episode,
    destination: str,
    *,
    discharged_at: dt.datetime | None = None,
    note: str = "",
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The patient leaves the ward; the units concerned are told where to."""
    episode, membership = begin(
        user, episode, Step.DISCHARGE, submission_key=submission_key, acting_unit=acting_unit
    )
    if destination not in DischargeDestination.values:
        raise ActionError(
            "Välj vart patienten skrivs ut.", code="invalid_choice", field="destination"
        )
    at = check_moment(
        discharged_at,
        field_name="discharged_at",
        not_before=episode.admitted_at,
        not_before_message="Utskrivningen kan inte ligga före inskrivningen.",
    )
    if episode.ready_at and at < episode.ready_at:
        raise ActionError(
            "Utskrivningen kan inte ligga före utskrivningsklar.",
            code="before_ready_notice",
            field="discharged_at",
        )
    note = check_text(note, field_name="note")
    send(
        episode,
        MessageKind.DISCHARGE_NOTICE,
        membership,
        concerned_units(episode),
        sent_at=at,
        body=note,
        destination=destination,
    )
    events.discharged(
        episode, by=membership, at=at, destination=destination, ready_at=episode.ready_at
    )
    return episode


@events.action
def do_cancel_discharge(
    user: User,
    episode: Episode,
    reason: str,
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Cancel a discharge registered by mistake (makulerad utskrivning, HL7 ADT A13): the stay
    goes on as before it (`episodes.models.fold`), the units concerned are told, and the
    process engine reopens what the discharge closed. Only the ward, within
    `rules.CANCEL_DISCHARGE_WINDOW` of the discharge (the step's rule)."""
    episode, membership = begin(
        user,
        episode,
        Step.CANCEL_DISCHARGE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    reason = check_text(reason, field_name="reason", required=True, limit=1000)
    # One running stay per person (as at admission): a stay begun after this discharge
    # must end first.
    if (
        Episode.objects.filter(
            individual_id=episode.individual_id,
            state__in=[EpisodeState.ADMITTED, EpisodeState.READY],
        )
        .exclude(pk=episode.pk)
        .exists()
    ):
        raise ActionError(
            "Personen har ett pågående vårdtillfälle efter utskrivningen: "
            "utskrivningen kan inte makuleras.",
            code="later_stay_running",
        )
    discharged_at, destination = episode.discharged_at, episode.discharge_destination
    assert discharged_at is not None  # the rule allows this step only when discharged
    at = check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=discharged_at,
        not_before_message="Makuleringen kan inte ligga före utskrivningen.",
    )
    send(
        episode,
        MessageKind.DISCHARGE_CANCELLED,
        membership,
        concerned_units(episode),
        sent_at=at,
        body=reason,
        discharged_at=discharged_at.isoformat(),
    )
    events.discharge_cancelled(
        episode,
        by=membership,
        at=at,
        reason=reason,
        discharged_at=discharged_at,
        destination=destination,
    )
    return episode


@events.action
def do_exit(
    user: User,
    episode: Episode,
    reason: str,
    note: str = "",
    *,
    occurred_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """End the process otherwise than by discharge: death, transfer, declined, cancelled."""
    episode, membership = begin(
        user, episode, Step.EXIT, submission_key=submission_key, acting_unit=acting_unit
    )
    if reason not in ExitReason.values:
        raise ActionError("Välj orsak.", code="invalid_choice", field="reason")
    at = check_moment(
        occurred_at,
        field_name="occurred_at",
        not_before=episode.admitted_at,
        not_before_message="Tidpunkten kan inte ligga före inskrivningen.",
    )
    note = check_text(note, field_name="note", limit=1000)
    if episode.admission_notice_sent_at:
        send(
            episode,
            MessageKind.PROCESS_INTERRUPTED,
            membership,
            concerned_units(episode),
            sent_at=at,
            body=note,
            reason=reason,
        )
    events.exited(episode, by=membership, at=at, reason=reason, note=note)
    return episode
