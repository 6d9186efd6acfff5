"""How long the received ADT messages' text is kept: it names the person (PID), so after
`SAMSYN_HL7_RAW_RETENTION_DAYS` calendar days it is emptied. The row stays: control id,
content hash, outcome and the ACK's code and text, so a late resend is still recognised and
answered as before. A message still waiting in the queue keeps its text (it is replayed)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from core.timerules import start_of_local_day
from interop.models import AdtMessage, MessageStatus

logger = logging.getLogger("samsyn.hl7")


@dataclass(frozen=True)
class Purged:
    count: int
    cutoff: dt.datetime  # the text of messages received before this instant was emptied


def raw_cutoff(today: dt.date) -> dt.datetime:
    """Messages received before the start of the day `retention` days before `today`."""
    days = settings.SAMSYN_HL7_RAW_RETENTION_DAYS
    return start_of_local_day(today - dt.timedelta(days=days))


def purge_raw(today: dt.date | None = None) -> Purged:
    """Empty the text of the messages past the retention; running it again changes nothing."""
    today = today or timezone.localdate()
    cutoff = raw_cutoff(today)
    count = (
        AdtMessage.objects.filter(received_at__lt=cutoff, raw_purged_at__isnull=True)
        .exclude(status=MessageStatus.QUEUED)
        .update(raw="", raw_purged_at=timezone.now())
    )
    if count:
        logger.info("HL7: emptied the text of %s messages received before %s", count, cutoff)
    return Purged(count, cutoff)
