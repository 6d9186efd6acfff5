"""A citizen logs in to "Min planering" with e-ID through the region's broker (a real OP,
code flow + PKCE): they land on the page they were going to with their own session, which
opens no staff page; a weak e-ID or a personal identity number that does not parse is refused;
a staff session is not a citizen session. The demo's test identification exists only in the
demo."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from identity.citizen import citizen_required, current_citizen
from identity.tests.conftest import CITIZEN_PNR, NURSE_HSA, callback_path, log_in_at_op

pytestmark = pytest.mark.django_db

NEXT = "/information/"  # a page of the portal (the brochure), public


@pytest.fixture
def citizen_op(test_op, settings):
    settings.SAMSYN_OIDC_CITIZEN = test_op.citizen_settings()
    return test_op


def _start(client, next_url: str = NEXT) -> str:
    answer = client.get(f"/min-planering/logga-in/e-legitimation/?next={next_url}")
    assert answer.status_code == 302
    return answer["Location"]


def _citizen(client):
    return current_citizen(client.get("/min-planering/logga-in/").wsgi_request)


def test_the_login_page_offers_e_id_only_when_a_broker_is_configured(client, settings):
    settings.SAMSYN_OIDC_CITIZEN = {}
    page = client.get("/min-planering/logga-in/").content.decode()
    assert "Logga in med e-legitimation</a>" not in page
    assert "inte påslagen" in page
    assert client.get("/min-planering/logga-in/e-legitimation/").status_code == 404


def test_a_citizen_lands_on_the_next_page_with_their_own_session(client, citizen_op):
    page = client.get(f"/min-planering/logga-in/?next={NEXT}").content.decode()
    assert "Logga in med e-legitimation" in page
    authorize = _start(client)
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == ["samsyn-citizen"]
    assert query["code_challenge_method"] == ["S256"]

    answer = client.get(callback_path(log_in_at_op(authorize, "tolvan")))
    assert answer.status_code == 302 and answer["Location"] == NEXT
    landed = client.get(NEXT)
    assert landed.status_code == 200
    citizen = current_citizen(landed.wsgi_request)
    assert citizen is not None
    assert citizen.personal_identity_number == CITIZEN_PNR
    assert citizen.name == "Tolvan Tolvansson"
    assert citizen.assurance == "http://id.elegnamnden.se/loa/1.0/loa3"
    assert citizen.method == "oidc"
    assert (
        "Du är inloggad som Tolvan Tolvansson"
        in client.get("/min-planering/logga-in/").content.decode()
    )


def test_a_citizen_session_opens_no_staff_page(client, citizen_op, org):
    client.get(callback_path(log_in_at_op(_start(client), "tolvan")))
    assert _citizen(client) is not None
    for url in ["/", "/inkorg/", "/admin/", "/logg/"]:
        answer = client.get(url)
        assert answer.status_code in (302, 403, 404), url
        if answer.status_code == 302:
            assert "logga-in/" in answer["Location"] or "login/" in answer["Location"], url
    assert client.get("/api/me").status_code in (401, 403)


def test_a_staff_session_is_not_a_citizen_session(client, org):
    client.force_login(org.nurse)
    request = client.get("/").wsgi_request
    assert current_citizen(request) is None
    request.session = client.session
    guarded = citizen_required(lambda request: HttpResponse("mitt"))
    request = RequestFactory().get("/min-planering/")
    request.session = client.session
    request.user = org.nurse
    answer = guarded(request)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("identity:citizen_login"))


def test_a_citizen_login_in_a_staff_browser_ends_the_staff_session(client, citizen_op, org):
    client.force_login(org.nurse)
    client.get(callback_path(log_in_at_op(_start(client), "tolvan")))
    request = client.get("/min-planering/logga-in/").wsgi_request
    assert not request.user.is_authenticated
    assert current_citizen(request) is not None


def test_a_staff_login_in_a_citizen_browser_ends_the_citizen_session(
    client, citizen_op, settings, org
):
    client.get(callback_path(log_in_at_op(_start(client), "tolvan")))
    assert _citizen(client) is not None
    settings.SAMSYN_OIDC_STAFF = citizen_op.staff_settings()
    org.nurse.hsa_id = NURSE_HSA
    org.nurse.save()
    authorize = client.get("/logga-in/e-legitimation/")["Location"]
    client.get(callback_path(log_in_at_op(authorize, "anna")))
    request = client.get("/").wsgi_request
    assert request.user == org.nurse
    assert current_citizen(request) is None


def test_an_e_id_below_the_required_level_is_refused(client, citizen_op):
    answer = client.get(callback_path(log_in_at_op(_start(client), "tolvan-loa2")))
    assert answer.status_code == 403
    assert "för låg tillitsnivå" in answer.content.decode()
    assert _citizen(client) is None


def test_a_personal_identity_number_that_does_not_parse_is_refused(client, citizen_op):
    answer = client.get(callback_path(log_in_at_op(_start(client), "fel-pnr")))
    assert answer.status_code == 403
    assert "inget giltigt personnummer" in answer.content.decode()
    assert _citizen(client) is None


def test_a_tampered_state_is_refused(client, citizen_op):
    location = urlparse(log_in_at_op(_start(client), "tolvan"))
    query = parse_qs(location.query)
    answer = client.get(f"{location.path}?code={query['code'][0]}&state=x{query['state'][0]}")
    assert answer.status_code == 400
    assert _citizen(client) is None


def test_an_outside_next_is_not_followed(client, citizen_op):
    answer = client.get(callback_path(log_in_at_op(_start(client, "//evil.example/"), "tolvan")))
    assert answer["Location"] == "/min-planering/"


def test_citizen_logout_ends_the_session_and_at_the_broker(client, citizen_op):
    client.get(callback_path(log_in_at_op(_start(client), "tolvan")))
    answer = client.post("/min-planering/logga-ut/")
    end_session = urlparse(answer["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{citizen_op.url}/end-session"
    )
    assert parse_qs(end_session.query)["post_logout_redirect_uri"] == [
        "http://testserver/min-planering/logga-in/"
    ]
    assert _citizen(client) is None


def test_the_demo_test_identification_is_refused_outside_the_demo(client, settings):
    settings.DEBUG = False
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = True
    assert client.get("/min-planering/logga-in/testlegitimation/").status_code == 404
    answer = client.post(
        "/min-planering/logga-in/testlegitimation/", {"personal_identity_number": CITIZEN_PNR}
    )
    assert answer.status_code == 404
    assert _citizen(client) is None
    settings.DEBUG = True
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = False
    assert client.get("/min-planering/logga-in/testlegitimation/").status_code == 404


def test_the_demo_test_identification_logs_in_a_demo_individual(client, settings, org):
    from tests.factories import TEST_IDENTIFIERS, make_individual

    person = make_individual(org, TEST_IDENTIFIERS[1])
    settings.DEBUG = True
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = True
    login_page = client.get(f"/min-planering/logga-in/?next={NEXT}").content.decode()
    assert "testlegitimation (demo)" in login_page
    page = client.get(f"/min-planering/logga-in/testlegitimation/?next={NEXT}")
    assert "Endast för demo." in page.content.decode()
    assert person.given_name in page.content.decode()
    answer = client.post(
        "/min-planering/logga-in/testlegitimation/",
        {"personal_identity_number": TEST_IDENTIFIERS[1], "next": NEXT},
    )
    assert answer.status_code == 302 and answer["Location"] == NEXT
    citizen = _citizen(client)
    assert citizen.personal_identity_number == TEST_IDENTIFIERS[1]
    assert citizen.method == "demo"
    assert citizen.name == f"{person.given_name} {person.family_name}"


def test_the_demo_refuses_a_number_that_does_not_parse(client, settings):
    settings.DEBUG = True
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = True
    answer = client.post(
        "/min-planering/logga-in/testlegitimation/", {"personal_identity_number": "19121212-1213"}
    )
    assert answer.status_code == 400
    assert "kontrollsiffran" in answer.content.decode()
    assert _citizen(client) is None


def test_the_deploy_check_wants_the_providers_over_https(settings):
    from identity.checks import providers_over_https

    settings.SAMSYN_OIDC_STAFF = {"ISSUER": "http://idp.region.example", "CLIENT_ID": "s"}
    settings.SAMSYN_OIDC_CITIZEN = {"ISSUER": "https://broker.region.example", "CLIENT_ID": "c"}
    assert [problem.id for problem in providers_over_https(None)] == ["identity.W001"]


def test_the_demo_lists_the_personas_the_demo_data_set_up_first(client, settings, tmp_path):
    from identity import demo

    settings.DEBUG = True
    settings.SAMSYN_DEMO_CITIZEN_LOGIN = True
    settings.VAR_DIR = tmp_path
    assert (
        "Demons personer"
        not in client.get("/min-planering/logga-in/testlegitimation/").content.decode()
    )
    demo.remember_personas([demo.Persona("196804129812", "Karin Danielsson", "dotter")])
    page = client.get("/min-planering/logga-in/testlegitimation/").content.decode()
    assert "Logga in som Karin Danielsson, dotter (19680412-9812)" in page
    assert page.index("Karin Danielsson") < page.index("Eller skriv ett testpersonnummer")
