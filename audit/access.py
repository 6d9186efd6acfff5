"""What an administrator may read to review the access log, read through one loader each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from audit.log import log_access
from individuals.models import Individual
from organisations.models import User


def individual_for_review(user: User, identifier: str, *, request=None) -> Individual | None:
    """The individual with the normalised `identifier`, for reviewing who read their data, or
    None when Samsyn does not know the person.

    Administrators only: anyone else is refused (PermissionDenied) and the attempt is logged as
    refused, with the person when there is one. A found person is logged as read
    (`auditlog.individual`).
    """
    individual = Individual.objects.filter(identifier=identifier).first()
    if not user.is_administrator:
        log_access(
            user,
            "auditlog.individual",
            individual=individual,
            granted=False,
            request=request,
            detail="" if individual else f"sökning {identifier[:8]}…",
        )
        raise PermissionDenied
    if individual is not None:
        log_access(user, "auditlog.individual", individual=individual, request=request)
    return individual
