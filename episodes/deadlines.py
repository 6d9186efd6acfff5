"""The next step of an episode at a glance, for the start page.

It restates no deadline: the due times are the work description's, kept on the episode by the
process engine (`Episode.admission_notice_due_at`, `Episode.sip_invitation_due_at`; None when
the step does not apply, e.g. no SIP deadline in compulsory care). The full list of what is
due is the process engine's ("Att göra nu").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from episodes.models import EpisodeState
from episodes.rules import Step

# The episode columns `next_step` reads: a list of many episodes may read only these (values
# rows, issue 17) and pass anything that has them as attributes, with `is_active`.
NEXT_STEP_FIELDS = (
    "state",
    "may_need_help",
    "admission_notice_sent_at",
    "admission_notice_due_at",
    "estimated_discharge_date",
    "sip_invitation_due_at",
    "sip_invited_at",
    "information_transferred_at",
)


class StepColumns(Protocol):
    """An episode as `next_step` reads it: `episodes.models.Episode`, or a slim row of
    `NEXT_STEP_FIELDS`."""

    state: str
    may_need_help: bool
    admission_notice_sent_at: dt.datetime | None
    admission_notice_due_at: dt.datetime | None
    estimated_discharge_date: dt.date | None
    sip_invitation_due_at: dt.datetime | None
    sip_invited_at: dt.datetime | None
    information_transferred_at: dt.datetime | None

    @property
    def is_active(self) -> bool: ...


@dataclass(frozen=True)
class NextStep:
    step: Step | None
    label: str | Promise
    due_at: dt.datetime | None = None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())


def next_step(episode: StepColumns) -> NextStep:
    """The most pressing open step of an active episode, for the worklist."""
    if not episode.is_active:
        return NextStep(None, _("Inget – vårdtillfället är avslutat"))
    if episode.may_need_help and episode.admission_notice_sent_at is None:
        return NextStep(
            Step.SEND_ADMISSION_NOTICE,
            _("Skicka inskrivningsmeddelande"),
            episode.admission_notice_due_at,
        )
    if episode.estimated_discharge_date is None:
        return NextStep(Step.SET_ESTIMATED_DATE, _("Sätt beräknat utskrivningsdatum"))
    if (
        episode.state == EpisodeState.READY
        and episode.sip_invitation_due_at is not None
        and episode.sip_invited_at is None
    ):
        return NextStep(
            Step.RECORD_SIP_INVITATION, _("Kalla till SIP"), episode.sip_invitation_due_at
        )
    if episode.state == EpisodeState.READY and episode.information_transferred_at is None:
        return NextStep(Step.RECORD_INFORMATION_TRANSFER, _("Informationsöverföring"))
    if episode.state == EpisodeState.READY:
        return NextStep(Step.DISCHARGE, _("Skriv ut patienten"))
    return NextStep(Step.SEND_READY_NOTICE, _("Planera – utskrivningsklar när läkaren bedömt"))
