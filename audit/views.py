"""Log review for administrators: who read what about an individual, what a user read, and
the systematic reviews (samples, conclusions, report)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.access import individual_for_review
from audit.log import log_individuals_many
from audit.models import AccessLog, ChangeRecord, Conclusion, LogReview, SampleKind
from audit.review import complete_review, conclude, report, start_review
from core import submissions
from core.errors import ActionError
from core.timerules import start_of_local_day
from individuals.identifiers import InvalidIdentifier, parse_identifier
from organisations.models import Unit, User

PAGE = 500


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied


def _rows(queryset):
    return list(queryset.select_related("user", "unit", "individual", "episode")[:PAGE])


def _log_rows_shown(request, rows) -> None:
    """A page of log rows names the individual of each: one read per individual shown."""
    log_individuals_many(
        request.user, "auditlog.user", [row.individual_id for row in rows], request=request
    )


@login_required
def access_log(request):
    """Search the log by personnummer or by user name."""
    identifier = request.GET.get("personnummer", "").strip()
    username = request.GET.get("anvandare", "").strip()
    error = None
    individual = None
    subject_user = None
    rows = []
    if identifier:
        try:
            parsed = parse_identifier(identifier)
        except InvalidIdentifier as exc:
            error = exc.message
        else:
            # Refuses (and logs the attempt of) anyone but an administrator.
            individual = individual_for_review(request.user, parsed.number, request=request)
    _require_administrator(request.user)
    if identifier:
        if individual:
            rows = _rows(AccessLog.objects.filter(individual=individual))
        elif error is None:
            error = "Personen finns inte i Samsyn."
    elif username:
        subject_user = User.objects.filter(username=username).first()
        if subject_user:
            rows = _rows(AccessLog.objects.filter(user=subject_user))
            _log_rows_shown(request, rows)
        else:
            error = "Det finns ingen användare med det användarnamnet."
    return render(
        request,
        "audit/access_log.html",
        {
            "identifier": identifier,
            "username": username,
            "error": error,
            "individual": individual,
            "subject_user": subject_user,
            "rows": rows,
            "limit": PAGE,
        },
        status=400 if error else 200,
    )


@login_required
def access_log_for_user(request, user_id: int):
    _require_administrator(request.user)
    subject_user = get_object_or_404(User, pk=user_id)
    rows = _rows(AccessLog.objects.filter(user=subject_user))
    _log_rows_shown(request, rows)
    return render(
        request,
        "audit/access_log.html",
        {
            "subject_user": subject_user,
            "rows": rows,
            "limit": PAGE,
            "username": subject_user.username,
        },
    )


# -- log review ----------------------------------------------------------------------------------


def _review_or_404(public_id) -> LogReview:
    return get_object_or_404(
        LogReview.objects.select_related("reviewer", "subject_user", "unit"), public_id=public_id
    )


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionError(
            _("Ange %(label)s som ÅÅÅÅ-MM-DD.") % {"label": label}, code="invalid"
        ) from None


@login_required
def reviews(request):
    """Log reviews: start a new sample, see the earlier ones. Names no individual."""
    _require_administrator(request.user)
    error = None
    today = timezone.localdate()
    form = {
        "sample_kind": request.POST.get("sample_kind", SampleKind.PROTECTED),
        "period_from": request.POST.get("period_from", (today - dt.timedelta(days=30)).isoformat()),
        "period_to": request.POST.get("period_to", today.isoformat()),
        "username": request.POST.get("username", "").strip(),
        "unit": request.POST.get("unit", ""),
        "personnummer": request.POST.get("personnummer", "").strip(),
    }
    if request.method == "POST":
        try:
            review = _start_review_from_form(request, form)
        except ActionError as exc:
            error = exc.message
        else:
            return redirect("log_review", public_id=review.public_id)
    return render(
        request,
        "audit/reviews.html",
        {
            "form": form,
            "error": error,
            "kinds": SampleKind.choices,
            "units": Unit.objects.filter(is_active=True).order_by("name"),
            "reviews": LogReview.objects.select_related(
                "reviewer", "subject_user", "unit"
            ).annotate(sampled=Count("items"))[:100],
            "submission_key": submissions.new_key(),
        },
        status=400 if error else 200,
    )


def _start_review_from_form(request, form: dict) -> LogReview:
    period_from = _date(form["period_from"], _("periodens början"))
    period_to = _date(form["period_to"], _("periodens slut"))
    subject_user = unit = individual = None
    kind = form["sample_kind"]
    if kind == SampleKind.USER:
        subject_user = User.objects.filter(username=form["username"]).first()
        if subject_user is None:
            raise ActionError(
                _("Det finns ingen användare med det användarnamnet."), code="invalid"
            )
    elif kind == SampleKind.UNIT:
        unit = Unit.objects.filter(public_id=form["unit"]).first() if form["unit"] else None
    elif kind == SampleKind.INDIVIDUAL:
        try:
            parsed = parse_identifier(form["personnummer"])
        except InvalidIdentifier as exc:
            raise ActionError(exc.message, code="invalid") from None
        individual = individual_for_review(request.user, parsed.number, request=request)
        if individual is None:
            raise ActionError(_("Personen finns inte i Samsyn."), code="invalid")
    return start_review(
        request.user,
        kind,
        period_from,
        period_to,
        subject_user=subject_user,
        unit=unit,
        individual=individual,
        submission_key=request.POST.get("submission_key"),
    )


@login_required
def review_detail(request, public_id):
    """One review: its sampled rows, each with the reviewer's conclusion. Shows whom each row
    is about, so each individual shown is logged."""
    _require_administrator(request.user)
    review = _review_or_404(public_id)
    error = None
    if request.method == "POST":
        try:
            if "summary" in request.POST:
                complete_review(request.user, review, request.POST.get("summary", ""))
                messages.success(request, _("Granskningen är avslutad."))
            else:
                item = get_object_or_404(review.items, pk=request.POST.get("item") or 0)
                conclude(
                    request.user,
                    item,
                    request.POST.get("conclusion", ""),
                    request.POST.get("note", ""),
                )
            return redirect("log_review", public_id=review.public_id)
        except ActionError as exc:
            error = exc.message
    items = list(
        review.items.select_related(
            "entry__user", "entry__unit", "entry__individual", "reviewed_by"
        )
    )
    log_individuals_many(
        request.user,
        "auditlog.review",
        [item.entry.individual_id for item in items],
        request=request,
    )
    return render(
        request,
        "audit/review.html",
        {
            "review": review,
            "items": items,
            "open": sum(1 for item in items if not item.conclusion),
            "conclusions": Conclusion.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def review_report(request):
    """The reviews of a period with their conclusions, and the changes of who may read
    patient data in the same period (a user who gave themselves a care role is marked)."""
    _require_administrator(request.user)
    today = timezone.localdate()
    error = None
    try:
        period_from = _date(
            request.GET.get("fran", (today - dt.timedelta(days=90)).isoformat()), _("från")
        )
        period_to = _date(request.GET.get("till", today.isoformat()), _("till"))
    except ActionError as exc:
        error = exc.message
        period_from, period_to = today - dt.timedelta(days=90), today
    changes = (
        ChangeRecord.objects.filter(
            at__gte=start_of_local_day(period_from),
            at__lt=start_of_local_day(period_to + dt.timedelta(days=1)),
        )
        .select_related("actor", "subject_user", "unit")
        .order_by("-at", "-id")[:PAGE]
    )
    return render(
        request,
        "audit/review_report.html",
        {
            "period_from": period_from,
            "period_to": period_to,
            "lines": report(period_from, period_to),
            "changes": changes,
            "error": error,
        },
        status=400 if error else 200,
    )
