"""The next step of an episode at a glance, for the start page.

It restates no deadline: the due times are the work description's, kept on the episode by the
process engine (`Episode.admission_notice_due_at`, `Episode.sip_invitation_due_at`; None when
the step does not apply, e.g. no SIP deadline in compulsory care). The full list of what is
due is the process engine's ("Att göra nu").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from episodes.models import Episode, EpisodeState
from episodes.rules import Step


@dataclass(frozen=True)
class NextStep:
    step: Step | None
    label: str | Promise
    due_at: dt.datetime | None = None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())


def next_step(episode: Episode) -> NextStep:
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
