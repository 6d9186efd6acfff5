"""E-mail to units that asked for it (`Unit.notification_email`): that their inbox has new
messages, or that deadlines near. Never patient data: only how many, and a link.

Each unit's marks (`UnitNotification`) are moved on by a conditional UPDATE before the mail
is sent, so two workers running at once tell a unit once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.mail import absolute_url, notify
from episodes.models import Message
from jobs.models import UnitNotification
from organisations.models import Unit
from process.models import OPEN_STATUSES, EpisodeActivity


@dataclass
class NotifyResult:
    inbox_mails: int = 0
    deadline_mails: int = 0


def deadline_horizon() -> dt.timedelta:
    """How long before a deadline a unit is told that it nears."""
    return dt.timedelta(hours=settings.SAMSYN_DEADLINE_NOTICE_HOURS)


def _claim(state: UnitNotification, field: str, until: dt.datetime) -> bool:
    """Move `state.<field>` on to `until`, unless another worker already moved it."""
    before = getattr(state, field)
    if until <= before:
        return False
    moved = UnitNotification.objects.filter(pk=state.pk, **{field: before}).update(**{field: until})
    return moved == 1


def notify_units(now: dt.datetime | None = None) -> NotifyResult:
    """Tell each unit with a notification address of messages that reached its inbox, and
    of its open activities whose deadline falls within the horizon, since it was last told.
    A unit that has just asked is told of what happens from then on."""
    now = now or timezone.now()
    horizon = now + deadline_horizon()
    result = NotifyResult()
    for unit in Unit.objects.filter(is_active=True).exclude(notification_email=""):
        state, created = UnitNotification.objects.get_or_create(
            unit=unit, defaults={"messages_until": now, "deadlines_until": now}
        )
        messages_since = state.messages_until
        if _claim(state, "messages_until", now):
            waiting = Message.objects.filter(
                recipient_unit=unit,
                sent_at__gt=messages_since,
                sent_at__lte=now,
                acknowledged_at__isnull=True,
                forwarded_to__isnull=True,
            ).count()
            if waiting:
                _mail_inbox(unit, waiting)
                result.inbox_mails += 1
        deadlines_since = max(state.deadlines_until, now)
        if _claim(state, "deadlines_until", horizon):
            nearing = EpisodeActivity.objects.filter(
                unit=unit,
                status__in=OPEN_STATUSES,
                due_at__gt=deadlines_since,
                due_at__lte=horizon,
            ).count()
            if nearing:
                _mail_deadlines(unit, nearing)
                result.deadline_mails += 1
    return result


def _mail_inbox(unit: Unit, count: int) -> None:
    notify(
        [unit.notification_email],
        _("Samsyn: nya meddelanden till %(unit)s") % {"unit": unit.name},
        ngettext(
            "%(count)d nytt meddelande väntar i inkorgen för %(unit)s.",
            "%(count)d nya meddelanden väntar i inkorgen för %(unit)s.",
            count,
        )
        % {"count": count, "unit": unit.name}
        + "\n\n"
        + _("Logga in för att läsa och kvittera: %(url)s") % {"url": absolute_url(reverse("inbox"))}
        + "\n",
    )


def _mail_deadlines(unit: Unit, count: int) -> None:
    notify(
        [unit.notification_email],
        _("Samsyn: tidsfrister närmar sig för %(unit)s") % {"unit": unit.name},
        ngettext(
            "%(count)d aktivitet för %(unit)s ska vara klar inom %(hours)d timmar.",
            "%(count)d aktiviteter för %(unit)s ska vara klara inom %(hours)d timmar.",
            count,
        )
        % {"count": count, "unit": unit.name, "hours": settings.SAMSYN_DEADLINE_NOTICE_HOURS}
        + "\n\n"
        + _("Se Att göra nu: %(url)s") % {"url": absolute_url(reverse("home"))}
        + "\n",
    )
