"""The sweeper's deviation candidates as prepared drafts for the parties let down.

A candidate (`process.DeviationCandidate`, made by `process.sweeper`) names the unit that
missed a legal or agreed deadline. The parties let down are the episode's other
organisations: each principal with a unit in the episode other than the missing unit's own
(e.g. the municipality, when the ward's admission notice came late). Each such principal's
deviation contacts see one draft per candidate until one of them sends or dismisses it
(`CandidateDecision`); nothing is written until they do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from core.timerules import local_date
from deviations.access import contact_principal_ids
from deviations.configuration import CATEGORY_OF_RULE
from deviations.models import CandidateDecision
from episodes.models import Party
from organisations.models import Principal, Unit, User
from process.models import DeviationCandidate


def let_down_principal_ids(candidate: DeviationCandidate) -> set[int]:
    """The principals of the episode's parties other than that of the unit that missed it."""
    missing_principal = Unit.objects.filter(pk=candidate.unit_id).values_list(
        "principal_id", flat=True
    )[0]
    return set(
        Party.objects.filter(episode_id=candidate.episode_id)
        .exclude(unit__principal_id=missing_principal)
        .values_list("unit__principal_id", flat=True)
    )


@dataclass
class Draft:
    candidate: DeviationCandidate
    principal: Principal
    reporting_units: list[Unit]
    category_key: str
    event_date: dt.date
    what_happened: str


def draft_text(candidate: DeviationCandidate) -> str:
    """The prepared description: which deadline was missed, and by how much (no patient data)."""
    late = candidate.late_by()
    hours = int(late.total_seconds() // 3600)
    if candidate.completed_at:
        how = _("Gjordes %(hours)d timmar för sent.") % {"hours": hours}
    else:
        how = _("Inte gjort %(hours)d timmar efter tidsfristen.") % {"hours": hours}
    return _("Tidsfristen för ”%(rule)s” (%(kind)s) missades av %(unit)s. %(how)s") % {
        "rule": candidate.rule_title,
        "kind": candidate.get_deadline_kind_display().lower(),
        "unit": candidate.unit.name,
        "how": how,
    }


def _draft(candidate: DeviationCandidate, principal: Principal) -> Draft:
    units = list(
        Unit.objects.filter(
            principal=principal,
            id__in=Party.objects.filter(episode_id=candidate.episode_id).values("unit_id"),
        ).order_by("name")
    )
    return Draft(
        candidate=candidate,
        principal=principal,
        reporting_units=units,
        category_key=CATEGORY_OF_RULE.get(candidate.rule_key, "other"),
        event_date=local_date(candidate.due_at),
        what_happened=draft_text(candidate),
    )


def _undecided(principal_id: int):
    return (
        DeviationCandidate.objects.filter(withdrawn_at__isnull=True)
        .filter(
            Exists(
                Party.objects.filter(
                    episode_id=OuterRef("episode_id"), unit__principal_id=principal_id
                )
            )
        )
        .exclude(unit__principal_id=principal_id)
        .exclude(
            Exists(
                CandidateDecision.objects.filter(
                    candidate_id=OuterRef("pk"), principal_id=principal_id
                )
            )
        )
        .select_related("unit")
    )


def drafts_for_user(user: User, *, limit: int = 100) -> list[Draft]:
    """The undecided, not withdrawn candidates that let down one of the principals in which
    `user` is a deviation contact, newest first (no patient data is read)."""
    drafts: list[Draft] = []
    for principal in Principal.objects.filter(pk__in=contact_principal_ids(user)):
        candidates = _undecided(principal.pk).order_by("-detected_at", "-id")[:limit]
        drafts.extend(_draft(c, principal) for c in candidates)
    drafts.sort(key=lambda d: (d.candidate.detected_at, d.candidate.pk), reverse=True)
    return drafts[:limit]


def draft_for_user(user: User, public_id) -> Draft | None:
    """One of `user`'s drafts by the candidate's public id, or None."""
    for principal in Principal.objects.filter(pk__in=contact_principal_ids(user)):
        candidate = _undecided(principal.pk).filter(public_id=public_id).first()
        if candidate is not None:
            return _draft(candidate, principal)
    return None
