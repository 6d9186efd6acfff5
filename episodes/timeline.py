"""What the episode page shows of the events: the timeline and the four lanes' summaries."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from episodes.actions import SIP_CONSENT, SIP_CONSENT_BY
from episodes.models import DischargeDestination, Episode, Event, ExitReason, PartyRole
from organisations.models import CARE_LANES


def _fmt_date(value: str) -> str:
    day = parse_date(value) if value else None
    return date_format(day, "j F Y") if day else value


def _fmt_moment(value: str) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(timezone.localtime(moment), "j F Y H:i") if moment else value


def describe(event: Event) -> str:
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


def timeline_entries(episode: Episode) -> list[dict]:
    events = episode.events.select_related("actor", "actor_unit", "unit").order_by(
        "occurred_at", "id"
    )
    return [
        {
            "event": event,
            "label": event.get_kind_display(),
            "details": describe(event),
            "late_entry": event.recorded_at - event.occurred_at > dt.timedelta(minutes=30),
        }
        for event in events
    ]


def lane_summaries(episode: Episode, timeline: list[dict] | None = None) -> list[dict]:
    """For each of the four lanes: its units in this episode and what they have done.
    `timeline`: the episode's `timeline_entries` when the caller has them (the episode
    page), so the events are read once (issue 17)."""
    parties = list(episode.parties.select_related("unit").order_by("added_at"))
    if timeline is not None:
        events = [entry["event"] for entry in timeline]
    else:
        events = list(episode.events.select_related("actor_unit").order_by("occurred_at", "id"))
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
                "done": [e for e in events if e.actor_unit and e.actor_unit.lane == lane][-8:],
            }
        )
    return summaries
