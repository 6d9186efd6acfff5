"""E-mail notifications: that something waits in Samsyn, and a link — never patient data.

Sent through Django's mail framework (SMTP in production, `EMAIL_*` settings) after the
action's transaction commits, so a rolled-back action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def absolute_url(path: str) -> str:
    """`path` (e.g. from `reverse`) as a link a mail reader can follow."""
    return settings.SAMSYN_BASE_URL.rstrip("/") + path


def notify(recipients: Iterable[str], subject: str, body: str) -> None:
    """Send `subject` and `body` (plain text, no patient data) to each address once the
    current transaction commits (at once outside one). Empty addresses are skipped."""
    addresses = sorted({address for address in recipients if address})
    if not addresses:
        return

    def send() -> None:
        for address in addresses:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])

    transaction.on_commit(send)
