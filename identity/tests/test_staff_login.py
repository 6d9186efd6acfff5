"""Staff log in with SITHS / e-tjänstekort through a real OpenID Provider (code flow + PKCE):
the HSA id names an existing active user, an unknown one is refused and counted, and a state,
nonce, expiry or signature that is not right is refused with nothing logged in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt

from identity.citizen import current_citizen
from identity.tests.conftest import (
    ADMIN_HSA,
    NURSE_HSA,
    UNKNOWN_HSA,
    callback_path,
    log_in_at_op,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_op(test_op, settings, org):
    settings.SAMSYN_OIDC_STAFF = test_op.staff_settings()
    org.nurse.hsa_id = NURSE_HSA
    org.nurse.save()
    org.admin.hsa_id = ADMIN_HSA
    org.admin.save()
    return test_op


def _start(client, next_url: str = "") -> str:
    answer = client.get("/logga-in/e-legitimation/" + (f"?next={next_url}" if next_url else ""))
    assert answer.status_code == 302
    return answer["Location"]


def test_the_login_page_offers_siths_only_when_a_provider_is_configured(client, settings, org):
    settings.SAMSYN_OIDC_STAFF = {"DISCOVERY_URL": "", "CLIENT_ID": ""}
    page = client.get("/logga-in/").content.decode()
    assert "SITHS" not in page
    assert client.get("/logga-in/e-legitimation/").status_code == 404
    settings.SAMSYN_OIDC_STAFF = {"ISSUER": "http://127.0.0.1:9", "CLIENT_ID": "x"}
    assert "Logga in med SITHS-kort / e-tjänstekort" in client.get("/logga-in/").content.decode()


def test_a_known_hsa_id_lands_on_the_start_page_with_code_flow_and_pkce(client, staff_op, org):
    authorize = _start(client)
    query = parse_qs(urlparse(authorize).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert "code_verifier" not in authorize

    answer = client.get(callback_path(log_in_at_op(authorize, "anna")))
    assert answer.status_code == 302 and answer["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == org.nurse
    # a strong e-ID login needs no TOTP step and is no citizen session
    assert current_citizen(home.wsgi_request) is None


def test_the_next_page_is_kept_through_the_provider(client, staff_op, org):
    authorize = _start(client, "/inkorg/")
    answer = client.get(callback_path(log_in_at_op(authorize, "anna")))
    assert answer["Location"] == "/inkorg/"


def test_an_outside_next_is_not_followed(client, staff_op, org):
    authorize = _start(client, "https://evil.example/")
    answer = client.get(callback_path(log_in_at_op(authorize, "anna")))
    assert answer["Location"] == "/"


def test_an_unknown_hsa_id_is_refused_counted_and_creates_no_user(client, staff_op, org):
    from organisations.models import User

    users = User.objects.count()
    answer = client.get(callback_path(log_in_at_op(_start(client), "okand")))
    assert answer.status_code == 403
    assert "inte kopplat till någon aktiv användare" in answer.content.decode()
    assert User.objects.count() == users
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert AccessAttempt.objects.get(username=UNKNOWN_HSA).failures_since_start == 1


def test_an_inactive_users_hsa_id_is_refused(client, staff_op, org):
    org.nurse.is_active = False
    org.nurse.save()
    answer = client.get(callback_path(log_in_at_op(_start(client), "anna")))
    assert answer.status_code == 403


def test_repeated_unknown_hsa_ids_are_locked_out_like_passwords(client, staff_op, org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert client.get(callback_path(log_in_at_op(_start(client), "okand"))).status_code == 403
    # the third failure reaches the limit: locked out, and so is the next try
    for _ in range(2):
        answer = client.get(callback_path(log_in_at_op(_start(client), "okand")))
        assert answer.status_code == 429
        assert "spärrad" in answer.content.decode()


def test_a_tampered_state_is_refused(client, staff_op, org):
    location = log_in_at_op(_start(client), "anna")
    parsed = urlparse(location)
    query = parse_qs(parsed.query)
    tampered = f"{parsed.path}?code={query['code'][0]}&state=not-{query['state'][0]}"
    answer = client.get(tampered)
    assert answer.status_code == 400
    assert "Börja om inloggningen" in answer.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_callback_in_another_browser_session_is_refused(client, staff_op, org, django_user_model):
    from django.test import Client

    location = log_in_at_op(_start(client), "anna")
    answer = Client().get(callback_path(location))  # the attacker's browser: no such state
    assert answer.status_code == 400


def test_a_code_used_twice_is_refused(client, staff_op, org):
    location = callback_path(log_in_at_op(_start(client), "anna"))
    assert client.get(location).status_code == 302
    client.logout()
    assert client.get(location).status_code == 400


def test_an_id_token_with_another_nonce_is_refused(client, staff_op, org):
    answer = client.get(callback_path(log_in_at_op(_start(client), "fel-nonce")))
    assert answer.status_code == 400
    assert "kunde inte verifieras" in answer.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_expired_id_token_is_refused(client, staff_op, org):
    answer = client.get(callback_path(log_in_at_op(_start(client), "utgangen")))
    assert answer.status_code == 400
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_id_token_signed_with_hs256_instead_of_the_providers_rsa_key_is_refused(
    client, staff_op, settings, org
):
    settings.SAMSYN_OIDC_STAFF = staff_op.staff_settings("samsyn-hs256")
    answer = client.get(callback_path(log_in_at_op(_start(client), "anna")))
    assert answer.status_code == 400
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_provider_saying_no_is_refused_clearly(client, staff_op, org):
    _start(client)
    answer = client.get("/logga-in/e-legitimation/svar/?error=access_denied&state=x")
    assert answer.status_code == 400
    assert "avbröts eller nekades" in answer.content.decode()


def test_an_unreachable_provider_is_said_plainly(client, settings, org):
    settings.SAMSYN_OIDC_STAFF = {"ISSUER": "http://127.0.0.1:9", "CLIENT_ID": "x"}
    answer = client.get("/logga-in/e-legitimation/")
    assert answer.status_code == 503
    assert "svarar inte just nu" in answer.content.decode()


def test_an_administrator_with_a_weak_e_id_must_still_give_the_totp_code(client, staff_op, org):
    answer = client.get(callback_path(log_in_at_op(_start(client), "admin-loa2")))
    assert answer.status_code == 302 and answer["Location"] == "/logga-in/kod/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_administrator_with_siths_at_loa3_needs_no_totp(client, staff_op, org):
    answer = client.get(callback_path(log_in_at_op(_start(client), "admin-loa3")))
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.get("/").wsgi_request.user == org.admin


def test_logout_ends_the_session_and_at_the_provider(client, staff_op, org):
    client.get(callback_path(log_in_at_op(_start(client), "anna")))
    answer = client.post("/logga-ut/")
    assert answer.status_code == 302
    end_session = urlparse(answer["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == staff_op.url
    assert end_session.path == "/end-session"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/logga-in/"]
    assert query["id_token_hint"][0]
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_password_session_logs_out_as_before(client, org):
    client.force_login(org.nurse)
    answer = client.post("/logga-ut/")
    assert answer["Location"] == "/logga-in/"


def test_the_password_login_can_be_switched_off(client, settings, org):
    from tests.factories import PASSWORD

    settings.SAMSYN_PASSWORD_LOGIN = False
    assert 'name="password"' not in client.get("/logga-in/").content.decode()
    answer = client.post("/logga-in/", {"username": "nurse", "password": PASSWORD})
    assert answer.status_code == 403
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_pages_let_the_logout_form_go_on_to_the_provider(client, staff_op):
    policy = client.get("/logga-in/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert "'self'" in form_action and staff_op.url in form_action
