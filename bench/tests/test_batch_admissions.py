"""The batched-admissions case sends what the batch endpoint takes, and an admission in a
batch costs the same number of statements however long the batch."""

import datetime as dt
import uuid

from django.utils import timezone

from bench.run import _batch_worker
from bench.world import fictional_identifier
from organisations.models import ApiToken


def _bodies(org, first_day: int, count: int, size: int) -> list[list[dict]]:
    day = dt.date(1941, 1, 1) + dt.timedelta(days=first_day)
    items = [
        {
            "identifier": fictional_identifier(day + dt.timedelta(days=n), 981),
            "given_name": "Test",
            "family_name": "Benchsson",
            "ward": str(org.ward.public_id),
            "may_need_help": True,
            "estimated_discharge_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "send_admission_notice": True,
            "concerned_units": [str(org.needs_assessment.public_id)],
            "idempotency_key": uuid.uuid4().hex,
        }
        for n in range(count)
    ]
    return [items[i : i + size] for i in range(0, count, size)]


def test_the_batch_case_admits_every_one_at_a_flat_number_of_statements(org):
    _, key = ApiToken.issue(org.nurse, "bench")
    _batch_worker(key, _bodies(org, 0, 1, 1))  # warm-up: definitions and caches
    one = _batch_worker(key, _bodies(org, 10, 2, 2))
    many = _batch_worker(key, _bodies(org, 20, 6, 6))
    assert (one[0], one[1]) == (2, 0)
    assert (many[0], many[1]) == (6, 0)
    # Per admission, a batch of six needs no more statements than a batch of two.
    assert many[3] / 6 <= one[3] / 2
