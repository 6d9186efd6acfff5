"""The legal deadlines of an episode (PROCESS.md, "The process clock"), from its cached columns.

This is the worklist's "next step" for an episode at a glance; the process engine
(`process/`) holds the full work description and each activity's stored due time. Both use
`core.timerules.due_at`, so a deadline is computed one way everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.timerules import OffsetUnit, due_at, end_of_local_day, local_date
from episodes.models import Episode, EpisodeState
from episodes.rules import Step

# Lag (2017:612), PROCESS.md step 1: the admission notice within 24 hours of admission, or of
# the later judgement that the patient may need help.
ADMISSION_NOTICE_HOURS = 24
# Lag (2017:612), PROCESS.md step 5: the designated care contact calls SIP within three days of the
# ready notice. Calendar days by default (the regional routine may configure working days).
SIP_INVITATION_DAYS = 3


@dataclass(frozen=True)
class NextStep:
    step: Step | None
    label: str
    due_at: dt.datetime | None = None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())


def admission_notice_due(episode: Episode) -> dt.datetime | None:
    if not episode.may_need_help or episode.help_assessed_at is None:
        return None
    return due_at(episode.help_assessed_at, ADMISSION_NOTICE_HOURS, OffsetUnit.HOURS)


def sip_invitation_due(episode: Episode) -> dt.datetime | None:
    if not episode.sip_needed or episode.ready_at is None:
        return None
    return due_at(episode.ready_at, SIP_INVITATION_DAYS, OffsetUnit.CALENDAR_DAYS)


def information_transfer_due(episode: Episode) -> dt.datetime | None:
    """No later than the day of discharge: the end of the discharge day once discharged,
    otherwise the end of the estimated discharge date."""
    if episode.discharged_at:
        return end_of_local_day(local_date(episode.discharged_at))
    if episode.estimated_discharge_date:
        return end_of_local_day(episode.estimated_discharge_date)
    return None


def next_step(episode: Episode) -> NextStep:
    """The most pressing open step of an active episode, for the worklist."""
    if not episode.is_active:
        return NextStep(None, _("Inget – vårdtillfället är avslutat"))
    if episode.may_need_help and episode.admission_notice_sent_at is None:
        return NextStep(
            Step.SEND_ADMISSION_NOTICE,
            _("Skicka inskrivningsmeddelande"),
            admission_notice_due(episode),
        )
    if episode.estimated_discharge_date is None:
        return NextStep(Step.SET_ESTIMATED_DATE, _("Sätt beräknat utskrivningsdatum"))
    if (
        episode.state == EpisodeState.READY
        and episode.sip_needed
        and episode.sip_invited_at is None
    ):
        return NextStep(
            Step.RECORD_SIP_INVITATION, _("Kalla till SIP"), sip_invitation_due(episode)
        )
    if episode.state == EpisodeState.READY and episode.information_transferred_at is None:
        return NextStep(
            Step.RECORD_INFORMATION_TRANSFER,
            _("Informationsöverföring"),
            information_transfer_due(episode),
        )
    if episode.state == EpisodeState.READY:
        return NextStep(Step.DISCHARGE, _("Skriv ut patienten"))
    return NextStep(Step.SEND_READY_NOTICE, _("Planera – utskrivningsklar när läkaren bedömt"))
