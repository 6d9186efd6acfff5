"""The administrator's pages of the ADT intake: the feed and the resolution queue.

Neither shows patient data: a message is shown by its control id, type, ward HSA id and
answer, never by the person's name or identity number.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import submissions
from core.errors import ActionError
from interop.hl7.intake import dismiss_item, replay_item, resolve_ward
from interop.models import AdtMessage, MessageStatus, ResolutionItem, ResolutionReason
from organisations.models import Lane, Unit

FEED_HOURS = 24
LAST = 50


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied


@login_required
def feed(request):
    """Messages per hour over the last day, errors, and the latest messages with their ACK."""
    _require_administrator(request.user)
    since = timezone.now() - dt.timedelta(hours=FEED_HOURS)
    recent = AdtMessage.objects.filter(received_at__gte=since)
    hours = list(
        recent.annotate(hour=TruncHour("received_at"))
        .values("hour")
        .annotate(
            total=Count("id"),
            errors=Count("id", filter=~Q(ack_code="AA")),
        )
        .order_by("-hour")
    )
    totals = recent.aggregate(
        total=Count("id"),
        applied=Count("id", filter=Q(ack_code="AA")),
        errors=Count("id", filter=Q(ack_code="AE")),
        rejected=Count("id", filter=Q(ack_code="AR")),
    )
    return render(
        request,
        "interop/feed.html",
        {
            "hours": hours,
            "totals": totals,
            "messages": AdtMessage.objects.order_by("-received_at", "-id")[:LAST],
            "queued": ResolutionItem.objects.filter(resolved_at__isnull=True).count(),
            "feed_hours": FEED_HOURS,
        },
    )


@login_required
def queue(request):
    """Messages waiting for a person: map an unknown ward's HSA id to a unit, then replay;
    an unknown person or a refused merge: replay once sorted out, or dismiss."""
    _require_administrator(request.user)
    error = None
    error_item = None
    if request.method == "POST":
        item = get_object_or_404(
            ResolutionItem.objects.select_related("message"),
            pk=request.POST.get("item"),
            resolved_at__isnull=True,
        )
        unit = Unit.objects.filter(
            public_id=request.POST.get("unit") or None, lane=Lane.INPATIENT, is_active=True
        ).first()
        choice = request.POST.get("do", "")
        try:
            if item.reason != ResolutionReason.UNKNOWN_WARD and choice in ("replay", "dismiss"):
                submissions.claim(request.POST.get("submission_key"), request.user)
                handle = replay_item if choice == "replay" else dismiss_item
                row = handle(item, request.user)
                return redirect(f"{request.path}?spelat={row.pk}")
            if unit is None:
                raise ActionError(_("Välj en avdelning."), code="required", field="unit")
            submissions.claim(request.POST.get("submission_key"), request.user)
            row = resolve_ward(item, unit, request.user)
        except ActionError as exc:
            error, error_item = exc.message, item.pk
        else:
            return redirect(f"{request.path}?spelat={row.pk}")
    replayed = None
    if request.GET.get("spelat", "").isdigit():
        replayed = AdtMessage.objects.filter(pk=int(request.GET["spelat"])).first()
    return render(
        request,
        "interop/queue.html",
        {
            "items": ResolutionItem.objects.filter(resolved_at__isnull=True)
            .select_related("message")
            .order_by("created_at"),
            "wards": Unit.objects.filter(lane=Lane.INPATIENT, is_active=True).order_by("name"),
            "error": error,
            "error_item": error_item,
            "replayed": replayed,
            "submission_key": submissions.new_key(),
            "queued_status": MessageStatus.QUEUED,
            "unknown_ward": ResolutionReason.UNKNOWN_WARD,
        },
    )
