"""The benchmark replays admissions and updates through a real listener and reports them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from episodes.models import Episode

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_benchmark_admits_each_person_once_and_reports_messages_per_second(org):
    out = StringIO()

    call_command("mllp_bench", count=6, stdout=out)

    report = out.getvalue()
    assert "6 messages over 1 connection(s)" in report
    assert "ACKs {'AA': 6}" in report
    assert "episodes created: 3 (expected 3)" in report
    assert "nothing applied twice: True" in report
    assert Episode.objects.filter(estimated_discharge_date__isnull=False).count() == 3
