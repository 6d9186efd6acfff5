"""Deviations on the start page's "Att göra nu": what waits for the user as a deviation contact
(acknowledge, answer, a reply to read, missed deadlines first), as a reporter (an answer to
close or send back, a question to reply to), and the drafts from missed deadlines.

No patient data is shown (category, units and due times only), but the rows are about
episodes, so each shown deviation is logged (one statement).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deviations.access import contact_unit_ids, log_deviation_list
from deviations.candidates import drafts_for_user
from deviations.models import RECEIVER_STATES, Deviation, DeviationState
from organisations.models import CARE_ROLES, User


@dataclass
class DeviationTodo:
    title: str
    what: str
    due_at: dt.datetime | None
    overdue: bool
    url: str


def todo_for_user(user: User, *, limit: int = 20, request=None) -> list[DeviationTodo]:
    """What the user should do about deviations now, missed deadlines first, then soonest."""
    now = timezone.now()
    items: list[DeviationTodo] = []
    contact_units = contact_unit_ids(user)
    shown: list[Deviation] = []
    if contact_units:
        waiting = (
            Deviation.objects.filter(handling_unit_id__in=contact_units, state__in=RECEIVER_STATES)
            .select_related("episode", "category", "reporting_unit", "handling_unit")
            .order_by("answer_due_at")[:limit]
        )
        for d in waiting:
            acknowledge = d.state == DeviationState.REPORTED
            due = d.acknowledge_due_at if acknowledge else d.answer_due_at
            title = _("Kvittera avvikelse") if acknowledge else _("Besvara avvikelse")
            if d.state == DeviationState.SENT_BACK:
                title = _("Besvara återsänd avvikelse")
            items.append(
                DeviationTodo(
                    title=title,
                    what=_("%(category)s – från %(unit)s till %(to)s")
                    % {
                        "category": d.category.label,
                        "unit": d.reporting_unit.name,
                        "to": d.handling_unit.name,
                    },
                    due_at=due,
                    overdue=due < now,
                    url=reverse("deviations:detail", args=[d.public_id]),
                )
            )
            shown.append(d)
    reporter_units = {m.unit_id for m in user.active_memberships() if m.role in CARE_ROLES}
    mine = (
        Deviation.objects.filter(
            Q(reporter=user) | Q(reporting_unit_id__in=reporter_units),
            state__in=[DeviationState.ANSWERED, DeviationState.QUESTION],
        )
        .select_related("episode", "category", "receiving_unit")
        .order_by("answered_at")[:limit]
    )
    for d in mine:
        items.append(
            DeviationTodo(
                title=_("Svara på frågan om avvikelsen")
                if d.state == DeviationState.QUESTION
                else _("Läs svaret och avsluta avvikelsen"),
                what=_("%(category)s – till %(to)s")
                % {"category": d.category.label, "to": d.receiving_unit.name},
                due_at=None,
                overdue=False,
                url=reverse("deviations:detail", args=[d.public_id]),
            )
        )
        shown.append(d)
    for draft in drafts_for_user(user, limit=limit):
        items.append(
            DeviationTodo(
                title=_("Utkast till avvikelse: missad tidsfrist"),
                what=_("%(rule)s – %(unit)s")
                % {"rule": draft.candidate.rule_title, "unit": draft.candidate.unit.name},
                due_at=None,
                overdue=False,
                url=reverse("deviations:draft", args=[draft.candidate.public_id]),
            )
        )
    log_deviation_list(user, list({d.pk: d for d in shown}.values()), request=request)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    items.sort(key=lambda i: (not i.overdue, i.due_at or far))
    return items[:limit]
