"""The password login: throttled and locked out, recorded, a password policy, a second
factor for administrators (and everyone with SAMSYN_REQUIRE_2FA), and session limits."""

import datetime as dt
import io

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN = "/logga-in/"
CODE = "/logga-in/kod/"


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_sixth_try_after_five_wrong_passwords_is_locked_out_even_with_the_right_one(
    org, client
):
    for _ in range(5):
        assert log_in(client, "nurse", "wrong-password").status_code in (200, 429)
    response = log_in(client, "nurse")
    assert response.status_code == 429
    assert "Inloggningen är tillfälligt spärrad" in response.content.decode()
    assert "15 minuter" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in


def test_a_lockout_of_one_user_leaves_another_user_free(org, client):
    for _ in range(5):
        log_in(client, "nurse", "wrong-password")
    assert log_in(client, "physician").status_code == 302


def test_failed_and_successful_logins_are_recorded_with_user_and_address(org, client):
    log_in(client, "nurse", "wrong-password", REMOTE_ADDR="10.1.2.3")
    attempt = AccessAttempt.objects.get(username="nurse")
    assert (attempt.failures_since_start, attempt.ip_address) == (1, "10.1.2.3")
    assert AccessFailureLog.objects.filter(username="nurse", ip_address="10.1.2.3").count() == 1
    assert log_in(client, "nurse", REMOTE_ADDR="10.1.2.3").status_code == 302
    assert LoginLog.objects.filter(username="nurse", ip_address="10.1.2.3").count() == 1


@pytest.mark.parametrize("password", ["12345678", "password1234", "samsyn", "kort-lösen"])
def test_short_numeric_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Blåbärssoppa i Partille 2027")


def test_an_administrator_is_not_logged_in_by_the_password_alone(org, client):
    TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    response = log_in(client, "admin")
    assert response.status_code == 302 and response.url == CODE
    assert client.get("/admin/").status_code == 302
    assert "Ange engångskod" in client.get(CODE).content.decode()


def test_an_administrator_with_the_right_code_reaches_the_admin(org, client):
    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    log_in(client, "admin")
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_in_swedish_and_logs_nobody_in(org, client):
    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    log_in(client, "admin")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400
    assert "Fel kod" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_administrator_without_an_authenticator_is_told_to_ask_for_one(org, client):
    log_in(client, "admin")
    response = client.get(CODE)
    assert "ingen autentiseringsapp är registrerad" in response.content.decode()
    assert client.post(CODE, {"code": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_page_is_the_same_login_with_its_second_factor(org, client):
    TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == CODE


def test_care_staff_log_in_with_the_password_alone_unless_2fa_is_required(org, client, settings):
    assert log_in(client, "nurse").url == "/"
    client.logout()
    settings.SAMSYN_REQUIRE_2FA = True
    assert log_in(client, "nurse").url == CODE


def test_the_demo_admin_is_exempt_from_the_second_factor_only_with_debug_on(org, client, settings):
    assert log_in(client, "admin").url == CODE
    client.logout()
    settings.DEBUG = True
    assert log_in(client, "admin").url == "/"


def test_a_session_idle_for_more_than_30_minutes_ends(org, client):
    start = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, "nurse")
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_session_in_constant_use_ends_ten_hours_after_its_login(org, client):
    start = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, "nurse")
        for _ in range(20):  # a request every 29 minutes: never idle, 9 h 40 min in all
            clock.shift(dt.timedelta(minutes=29))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=21))  # 10 h 1 min after the login
        assert client.get("/").status_code == 302


def test_an_ended_session_gets_the_apis_401(org, client):
    start = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, "nurse")
        assert client.get("/api/episodes").status_code == 200
        clock.shift(dt.timedelta(minutes=45))
        response = client.get("/api/episodes")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthenticated"


def test_an_authenticator_registered_by_the_command_lets_the_administrator_in(org, client):
    out = io.StringIO()
    call_command("add_totp_device", "admin", stdout=out)
    assert "otpauth://totp/" in out.getvalue() and "Key (base32): " in out.getvalue()
    device = TOTPDevice.objects.get(user=org.admin, confirmed=True)
    log_in(client, "admin")
    client.post(CODE, {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_five_wrong_codes_lock_the_login_out_like_wrong_passwords(org, client):
    device = TOTPDevice.objects.create(user=org.admin, name="app", confirmed=True)
    log_in(client, "admin")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    statuses = [client.post(CODE, {"code": wrong}).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert AccessFailureLog.objects.filter(username="admin").count() == 5
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302
