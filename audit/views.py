"""Log review for administrators: who read what about an individual, and what a user read."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from audit.access import individual_for_review
from audit.models import AccessLog
from individuals.identifiers import InvalidIdentifier, parse_identifier
from organisations.models import User

PAGE = 500


def _require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied


def _rows(queryset):
    return queryset.select_related("user", "unit", "individual", "episode")[:PAGE]


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
