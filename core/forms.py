"""Form fields shared by the apps' forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.timerules import NonexistentLocalTime, from_local


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in Stockholm time. Unlike Django's field it accepts the hour the
    autumn night repeats (as its first pass: a nurse registering an admission at 02:30 that
    night is not refused) and refuses a time the spring night skips with a clear message."""

    default_error_messages = {
        "nonexistent": _(
            "Tiden finns inte: klockan ställs fram från 02:00 till 03:00 den natten. "
            "Ange en tid före 02:00 eller från 03:00."
        ),
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                try:
                    return from_local(parsed)
                except NonexistentLocalTime:
                    raise forms.ValidationError(
                        self.error_messages["nonexistent"], code="nonexistent"
                    ) from None
        return super().to_python(value)
