"""The load run's instrument: each response tells what the server spent on it."""

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import ServerTimingMiddleware
from organisations.models import Unit


@pytest.mark.django_db
def test_server_timing_counts_the_requests_statements_and_its_cpu():
    def view(request):
        list(Unit.objects.all())
        list(Unit.objects.filter(name="x"))
        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(RequestFactory().get("/"))

    header = response.headers["Server-Timing"]
    match = re.fullmatch(r'app;dur=([0-9.]+), sql;dur=([0-9.]+);desc="(\d+)"', header)
    assert match, header
    assert match.group(3) == "2"
    assert float(match.group(1)) >= 0 and float(match.group(2)) > 0


def test_server_timing_is_off_unless_asked_for(settings):
    assert "core.middleware.ServerTimingMiddleware" not in settings.MIDDLEWARE
