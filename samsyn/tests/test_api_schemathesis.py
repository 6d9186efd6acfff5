"""Schemathesis against the API's own OpenAPI description, in-process (WSGI): for every
operation, generated requests (valid and invalid) must get no server error and only status
codes the description documents.

Bounded: a few examples per operation, so the whole run stays well under two minutes. It runs
once, on SQLite (the answers do not depend on the database; the PostgreSQL-specific NUL byte
has its own test in test_api_refusals.py).
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from organisations.models import ApiToken
from tests.factories import admit

EXAMPLES_PER_OPERATION = 12

# Django's own WSGI handler: samsyn.wsgi would refuse the tests' public secret key.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(org):
    admit(org)  # something to list, read and act on
    _, key = ApiToken.issue(org.nurse, "schemathesis")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.schemathesis
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the schemathesis run is made once, on SQLite",
)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_an_undocumented_status(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, status_code_conformance])
