"""Every screen and API operation says whether it shows patient data (audit/coverage.py), and
the screens this issue found silent now write their access-log rows."""

from django.urls import URLPattern, URLResolver, get_resolver

from audit import coverage
from audit.models import AccessLog
from samsyn.api import api
from tests.factories import TEST_IDENTIFIERS, admit


def _patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "__module__", "") == "ninja.operation":
                continue  # an API operation: declared by its OpenAPI path below
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or f"route:{pattern.pattern}"


def _operations():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            yield f"{method.upper()} {path}"


def test_every_url_pattern_says_whether_it_shows_patient_data():
    undeclared = sorted({key for key in _patterns() if coverage.mark(coverage.PAGES, key) is None})
    assert undeclared == [], "Declare these in audit/coverage.py PAGES"


def test_every_api_operation_says_whether_it_shows_patient_data():
    undeclared = sorted(key for key in _operations() if coverage.mark(coverage.API, key) is None)
    assert undeclared == [], "Declare these in audit/coverage.py API"


def _rows_about(individual, user, action):
    return AccessLog.objects.filter(individual=individual, user=user, action=action).count()


def test_the_admins_register_of_individuals_logs_the_list_the_search_and_the_edit_page(org, client):
    individual = admit(org).individual
    client.force_login(org.admin)
    pages = [
        ("/admin/individuals/individual/", "admin.individual.list"),
        (f"/admin/individuals/individual/?q={TEST_IDENTIFIERS[0]}", "admin.individual.list"),
        (f"/admin/individuals/individual/{individual.pk}/change/", "admin.individual.view"),
    ]
    for url, action in pages:
        before = _rows_about(individual, org.admin, action)
        assert client.get(url).status_code == 200, url
        assert _rows_about(individual, org.admin, action) == before + 1, url
    search = AccessLog.objects.filter(action="admin.individual.list", detail="sökning").get()
    assert search.individual == individual


def test_the_admins_access_log_and_the_log_pages_by_user_log_whom_they_show(org, client):
    episode = admit(org)
    client.get("/")  # nothing: not logged in
    client.force_login(org.nurse)
    client.get(f"/vardtillfallen/{episode.public_id}/")
    client.force_login(org.admin)
    for url, action in [
        ("/admin/audit/accesslog/", "admin.accesslog.list"),
        ("/logg/?anvandare=nurse", "auditlog.user"),
        (f"/logg/anvandare/{org.nurse.pk}/", "auditlog.user"),
    ]:
        before = _rows_about(episode.individual, org.admin, action)
        assert client.get(url).status_code == 200, url
        assert _rows_about(episode.individual, org.admin, action) == before + 1, url
