"""What the episode page shows of the events: the timeline and the four lanes' summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.models import choice_label
from episodes.actions import SIP_CONSENT, SIP_CONSENT_BY
from episodes.models import (
    DischargeDestination,
    Episode,
    Event,
    EventKind,
    ExitReason,
    Party,
    PartyRole,
)
from episodes.templatetags.samsyn_dates import Moments
from organisations.models import CARE_LANES


def _fmt_date(value: str) -> str:
    day = parse_date(value) if value else None
    return date_format(day, "j F Y") if day else value


def _fmt_moment(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(timezone.localtime(moment), "j F Y H:i") if moment else value


def describe(event: Event | _EventRow) -> str:
    """One line in Swedish with what the event's data says, for the timeline."""
    d = event.data
    parts: list[str] = []
    if "date" in d:
        parts.append(_("nytt datum %(date)s") % {"date": _fmt_date(d["date"])})
    if d.get("previous") and event.kind == "estimated_date_changed":
        parts.append(_("tidigare %(date)s") % {"date": _fmt_date(d["previous"])})
    if event.kind == "admission_corrected":
        parts.append(
            _("från %(old)s till %(new)s")
            % {
                "old": _fmt_moment(d.get("previous", "")),
                "new": _fmt_moment(d.get("admitted_at", "")),
            }
        )
    if "may_need_help" in d:
        parts.append(_("kan behöva insatser") if d["may_need_help"] else _("behöver inga insatser"))
    if "needed" in d:
        parts.append(_("SIP behövs") if d["needed"] else _("SIP behövs inte"))
    if "consent" in d:
        parts.append(
            f"{SIP_CONSENT.get(d['consent'], d['consent'])} "
            f"({SIP_CONSENT_BY.get(d.get('consent_by'), '')})"
        )
    if d.get("meeting_at"):
        parts.append(_("möte %(when)s") % {"when": _fmt_moment(d["meeting_at"])})
    if event.kind == "discharge_cancelled":
        parts.append(
            _("utskrivningen %(when)s till %(destination)s gäller inte")
            % {
                "when": _fmt_moment(d.get("discharged_at", "")),
                "destination": DischargeDestination(d["destination"]).label
                if d.get("destination")
                else "–",
            }
        )
    elif d.get("destination"):
        parts.append(str(DischargeDestination(d["destination"]).label))
    if event.kind == "exited" and d.get("reason"):
        parts.append(str(ExitReason(d["reason"]).label))
    if d.get("name"):
        parts.append(d["name"])
    if d.get("days_since_discharge") is not None:
        parts.append(
            _("%(days)s dagar efter förra utskrivningen") % {"days": d["days_since_discharge"]}
        )
    for key in ("status", "remaining_needs", "planned_actions", "note"):
        if d.get(key):
            parts.append(d[key])
    if event.kind in (
        "ready_notice_revoked",
        "discharge_cancelled",
        "party_removed",
        "message_forwarded",
    ) and d.get("reason"):
        reason = {
            "misdirected": _("felsänt"),
            "removed_by_ward": _("borttagen av avdelningen"),
            "transferred": _("patienten flyttad till annan avdelning"),
        }.get(d["reason"], d["reason"])
        parts.append(reason)
    if d.get("previous_ward"):
        parts.append(_("flyttad från %(ward)s") % {"ward": d["previous_ward"]})
    return " · ".join(str(p) for p in parts if p)


@dataclass(frozen=True)
class _EventRow:
    """The columns of an event that `describe` reads, from a slim row."""

    kind: str
    data: Any


def timeline_entries(episode: Episode) -> list[dict]:
    """The episode's events in order, each with the texts the page shows, formatted here once
    (issue 17: fifty events formatted by template filters cost more than reading them).

    Each entry: `label`, `details`, `when_iso` and `when` (occurred), `unit_name` (the unit the
    event is about when not the actor's, else ""), `actor` (the person, or "Systemet"),
    `actor_unit_name`, `actor_lane`, `recorded` (when recorded, only for a late entry)."""
    rows = episode.events.order_by("occurred_at", "id").values_list(
        "kind",
        "data",
        "occurred_at",
        "recorded_at",
        "unit_id",
        "unit__name",
        "actor_unit_id",
        "actor_unit__name",
        "actor_unit__lane",
        "actor__first_name",
        "actor__last_name",
        "actor__username",
    )
    moments = Moments()
    system = _("Systemet")
    entries = []
    for (
        kind,
        data,
        occurred_at,
        recorded_at,
        unit_id,
        unit_name,
        actor_unit_id,
        actor_unit_name,
        actor_lane,
        first_name,
        last_name,
        username,
    ) in rows:
        when_iso, when = moments(occurred_at)
        late_entry = recorded_at - occurred_at > dt.timedelta(minutes=30)
        actor = f"{first_name} {last_name}".strip() or username if username is not None else ""
        entries.append(
            {
                "label": choice_label(EventKind, kind),
                "details": describe(_EventRow(kind, data)),
                "when_iso": when_iso,
                "when": when,
                "unit_name": unit_name if unit_id and unit_id != actor_unit_id else "",
                "actor": actor or system,
                "actor_unit_name": actor_unit_name or "",
                "actor_lane": actor_lane,
                "late_entry": late_entry,
                "recorded": moments(recorded_at)[1] if late_entry else "",
            }
        )
    return entries


def episode_parties(episode: Episode) -> list[Party]:
    """The episode's parties, removed ones included, with their units, in the order added."""
    return list(episode.parties.select_related("unit").order_by("added_at"))


def lane_summaries(
    episode: Episode, timeline: list[dict] | None = None, parties: list[Party] | None = None
) -> list[dict]:
    """For each of the four lanes: its units in this episode and what they have done (the
    last eight timeline entries of its units). `timeline` and `parties`: the episode's
    `timeline_entries` and `episode_parties` when the caller has them (the episode page), so
    each is read once (issue 17)."""
    if parties is None:
        parties = episode_parties(episode)
    if timeline is None:
        timeline = timeline_entries(episode)
    summaries = []
    for lane in CARE_LANES:
        summaries.append(
            {
                "lane": lane,
                "units": [
                    {
                        "unit": p.unit,
                        "removed": p.removed_at is not None,
                        "is_ward": p.role == PartyRole.WARD,
                    }
                    for p in parties
                    if p.unit.lane == lane
                ],
                "done": [entry for entry in timeline if entry["actor_lane"] == lane][-8:],
            }
        )
    return summaries
