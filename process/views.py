"""Pages of the process engine: check-off, the catalogue (and its printable quick guide), the
versions of the definition, and the deviation candidates of a manager's units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionError
from episodes.access import get_episode_for_user
from organisations.models import Lane, Role
from process.actions import do_check_off
from process.definition import diff_versions
from process.models import (
    DefinitionVersion,
    DeviationCandidate,
    EpisodeActivity,
    Phase,
)
from process.worklist import episode_url

PERFORMER_ROLES = [
    Role.NURSE,
    Role.PHYSICIAN,
    Role.NEEDS_ASSESSOR,
    Role.COORDINATOR,
    Role.THERAPIST,
]


@login_required
@require_POST
def check_off(request, public_id):
    activity = get_object_or_404(
        EpisodeActivity.objects.select_related("definition", "episode"), public_id=public_id
    )
    # Need-to-know first: a user who may not see the episode gets "not found" (and is logged).
    episode = get_episode_for_user(
        request.user, activity.episode.public_id, action="process.check_off", request=request
    )
    try:
        do_check_off(
            request.user,
            activity,
            request.POST.get("note", ""),
            submission_key=request.POST.get("submission_key"),
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Avbockad: %(title)s") % {"title": activity.definition.title})
    return redirect(f"{episode_url(episode)}#activity-{activity.definition.key}")


def _search(activities, text: str):
    words = text.casefold().split()
    if not words:
        return activities
    return [
        a
        for a in activities
        if all(
            w in " ".join((a.key, a.title, a.description, a.goal, a.purpose)).casefold()
            for w in words
        )
    ]


@login_required
def catalogue(request):
    """The work description: filter by lane, phase and role, search text; printable per lane."""
    versions = list(DefinitionVersion.objects.all())
    if not versions:
        raise Http404("no definition loaded")
    version = versions[0]
    if request.GET.get("version", "").isdigit():
        version = next((v for v in versions if v.number == int(request.GET["version"])), version)
    lane = request.GET.get("lane", "")
    phase = request.GET.get("phase", "")
    role = request.GET.get("role", "")
    query = request.GET.get("q", "").strip()[:100]
    activities = list(version.activities.all())
    if lane in Lane.values:
        activities = [a for a in activities if a.lane == lane]
    if phase in Phase.values:
        activities = [a for a in activities if a.phase == phase]
    if role in Role.values:
        activities = [a for a in activities if role in a.performer_roles]
    activities = _search(activities, query)
    effect_goals = version.content.get("effect_goals", {})
    for activity in activities:
        activity.effect_goal_titles = [effect_goals.get(g, g) for g in activity.effect_goals]
    by_phase = [
        (label, [a for a in activities if a.phase == value]) for value, label in Phase.choices
    ]
    context = {
        "version": version,
        "versions": versions,
        "activities": activities,
        "by_phase": [(label, items) for label, items in by_phase if items],
        "lanes": Lane.choices,
        "phases": Phase.choices,
        "roles": [(r.value, r.label) for r in PERFORMER_ROLES],
        "lane": lane,
        "phase": phase,
        "role": role,
        "q": query,
        "lane_label": Lane(lane).label if lane in Lane.values else "",
    }
    if request.GET.get("lathund") and lane in Lane.values:
        return render(request, "process/lathund.html", context)
    return render(request, "process/catalogue.html", context)


@login_required
def versions(request):
    """Administrators: the loaded versions and what changed between two of them."""
    if not request.user.is_administrator:
        raise PermissionDenied
    all_versions = list(DefinitionVersion.objects.all())
    by_number = {v.number: v for v in all_versions}
    new = by_number.get(int(request.GET["to"])) if request.GET.get("to", "").isdigit() else None
    new = new or (all_versions[0] if all_versions else None)
    old = by_number.get(int(request.GET["from"])) if request.GET.get("from", "").isdigit() else None
    if old is None and new is not None:
        old = by_number.get(new.number - 1)
    changes = diff_versions(old, new) if old and new and old != new else []
    counts = {v.number: (v.activities.count(), v.episodes.count()) for v in all_versions}
    rows = [(v, *counts[v.number]) for v in all_versions]
    return render(
        request,
        "process/versions.html",
        {
            "rows": rows,
            "old": old,
            "new": new,
            "changes": changes,
            "versions": all_versions,
        },
    )


@login_required
def candidates(request):
    """A manager's units' missed legal and agreed deadlines (no patient names: need-to-know)."""
    unit_ids = [m.unit_id for m in request.user.active_memberships() if m.role == Role.MANAGER]
    if not unit_ids:
        raise PermissionDenied
    rows = list(
        DeviationCandidate.objects.filter(
            unit_id__in=unit_ids, withdrawn_at__isnull=True
        ).select_related("unit", "episode__ward")[:500]
    )
    now = timezone.now()
    for row in rows:
        late = row.late_by(now)
        row.late_hours = int(late.total_seconds() // 3600)
        row.late_days, row.late_rest_hours = divmod(row.late_hours, 24)
    return render(request, "process/candidates.html", {"rows": rows, "now": now})
