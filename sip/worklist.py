"""The SIP follow-ups due, for the start page: so the step most often skipped in practice is
in front of the people who take part, not only on "Mina SIP"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organisations.models import User
from sip.access import log_list, visible_sips
from sip.models import Sip, SipState

# How far ahead a follow-up shows on the start page.
FOLLOW_UP_HORIZON = dt.timedelta(days=7)


def follow_ups_due(user: User, *, today: dt.date | None = None, request=None) -> list[Sip]:
    """The active SIPs `user` takes part in whose follow-up date has passed or falls within
    `FOLLOW_UP_HORIZON`, the earliest first; each one shown is logged."""
    today = today or timezone.localdate()
    sips = list(
        visible_sips(user)
        .filter(state=SipState.ACTIVE, follow_up_date__lte=today + FOLLOW_UP_HORIZON)
        .select_related("individual", "episode")
        .order_by("follow_up_date", "started_at")[:50]
    )
    if sips:
        log_list(user, "sip.follow_ups", sips, request=request)
    return sips
