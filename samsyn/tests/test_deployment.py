"""Deployment: production settings from the environment pass `check --deploy`; the public
secret key is refused; a CSP without inline script; no-store on every page and API answer;
a /healthz that names no internals; the API docs from local files, behind login."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.db import OperationalError

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2vL9sR4tZ8wK1mN6bC3dF5gH0jY",
    "ALLOWED_HOSTS": "samsyn.vgregion.example",
    "CSRF_TRUSTED_ORIGINS": "https://samsyn.vgregion.example",
    "SAMSYN_HTTPS": "1",
    "SAMSYN_REQUIRE_2FA": "1",
}


def run_python(env: dict, *args: str) -> subprocess.CompletedProcess:
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last one is the tests'
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env, DJANGO_SETTINGS_MODULE="samsyn.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = run_python(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_the_public_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_python(env, "manage.py", "check", "--deploy")
    assert result.returncode != 0
    assert "samsyn.E001" in result.stderr


def test_the_application_refuses_to_start_with_debug_off_and_the_public_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_python(env, "-c", "import samsyn.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert run_python(PRODUCTION, "-c", "import samsyn.wsgi").returncode == 0


def test_https_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = run_python(PRODUCTION, "-c", code)
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "['https://samsyn.vgregion.example']",
    ]


def test_pages_carry_a_csp_without_inline_script_and_no_store(org, client):
    client.force_login(org.nurse)
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "no-store" in response.headers["Cache-Control"]


def test_api_answers_are_not_stored(org, client):
    client.force_login(org.nurse)
    response = client.get("/api/episodes")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def is_pdf_layout(text: str) -> bool:
    """A template WeasyPrint renders into a PDF (its own `<style>` with `@page` rules) is
    never served as a page, so the CSP does not apply to it."""
    return "@page" in text and "{% extends" not in text


def test_no_template_has_inline_script_or_style():
    offenders = []
    for template in BASE_DIR.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if is_pdf_layout(text):
            continue
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) and "application/json" not in match.group(0):
                offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+=\"|\sstyle=\"|<style\b", text):
            offenders.append(f"{template}: inline handler or style")
    assert offenders == []


def test_healthz_says_ok_when_the_database_answers(db, client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


class DownDatabase:
    def cursor(self):
        raise OperationalError(
            'connection to server at "10.20.30.40", port 5432 failed: Connection refused'
        )


def test_healthz_names_no_host_or_port_when_the_database_is_down(db, client, monkeypatch):
    monkeypatch.setattr("samsyn.health.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert b"10.20.30.40" not in response.content and b"5432" not in response.content


def test_the_api_docs_are_behind_login_and_load_no_script_from_elsewhere(org, client):
    response = client.get("/api/docs")
    assert response.status_code == 302 and response.url.startswith("/logga-in/")
    client.force_login(org.nurse)
    page = client.get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
