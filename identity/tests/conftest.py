"""A real OpenID Provider for the identity tests: django-oidc-provider as its own tiny Django
project (identity/tests/op/), started in a subprocess on a free port with its own SQLite file.
Samsyn talks to it over HTTP exactly as to a region's IdP (discovery, authorize, token, JWKS,
end-session); the tests play the browser at its login form (or Chromium does)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

OP_DIR = Path(__file__).resolve().parent / "op"
OP_PASSWORD = "op-test-password"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
NURSE_HSA = "SE2321000016-N001"
ADMIN_HSA = "SE2321000016-A001"
UNKNOWN_HSA = "SE2321000016-X999"
CITIZEN_PNR = "191212121212"  # Skatteverket's test number Tolvan Tolvansson

STAFF_CALLBACK = "/logga-in/e-legitimation/svar/"
CITIZEN_CALLBACK = "/min-planering/logga-in/e-legitimation/svar/"

USERS = {
    # staff (SITHS through the region's IdP)
    "anna": {"hsa_id": NURSE_HSA, "acr": LOA3, "name": "Anna Sjuksköterska"},
    "okand": {"hsa_id": UNKNOWN_HSA, "acr": LOA3},
    "admin-loa2": {"hsa_id": ADMIN_HSA, "acr": LOA2},
    "admin-loa3": {"hsa_id": ADMIN_HSA, "acr": LOA3},
    "utgangen": {"hsa_id": NURSE_HSA, "acr": LOA3, "_exp_offset": -3600},
    "fel-nonce": {"hsa_id": NURSE_HSA, "acr": LOA3, "_nonce": "another-sessions-nonce"},
    # citizens (BankID through the e-ID broker)
    "tolvan": {
        "personal_identity_number": CITIZEN_PNR,
        "name": "Tolvan Tolvansson",
        "acr": LOA3,
    },
    "sven": {"personal_identity_number": "194107089981", "name": "Sven Testsson", "acr": LOA3},
    "tolvan-loa2": {"personal_identity_number": CITIZEN_PNR, "name": "Tolvan", "acr": LOA2},
    "fel-pnr": {"personal_identity_number": "191212121213", "name": "Fel Nummer", "acr": LOA3},
}


@dataclass
class RunningOP:
    url: str
    process: subprocess.Popen

    def staff_settings(self, client_id: str = "samsyn-staff") -> dict:
        return {
            "DISCOVERY_URL": f"{self.url}/.well-known/openid-configuration",
            "CLIENT_ID": client_id,
            "CLIENT_SECRET": f"{client_id}-secret",
            "SCOPES": "openid profile",
            "HSA_ID_CLAIM": "hsa_id",
            "STRONG_ACR": [LOA3],
        }

    def citizen_settings(self) -> dict:
        return {
            "ISSUER": self.url,
            "CLIENT_ID": "samsyn-citizen",
            "CLIENT_SECRET": "samsyn-citizen-secret",
            "SCOPES": "openid profile",
            "PNR_CLAIM": "personal_identity_number",
            "NAME_CLAIM": "name",
            "REQUIRED_ACR": [LOA3],
        }


def start_op(tmp: Path, bases: list[str]) -> RunningOP:
    """Start the OP with Samsyn's callbacks at each base URL registered for its clients."""
    clients = []
    for client_id, callback, alg in [
        ("samsyn-staff", STAFF_CALLBACK, "RS256"),
        ("samsyn-citizen", CITIZEN_CALLBACK, "RS256"),
        # signs its ID tokens with HS256 (the client secret), which Samsyn never accepts
        ("samsyn-hs256", STAFF_CALLBACK, "HS256"),
    ]:
        clients.append(
            {
                "client_id": client_id,
                "client_secret": f"{client_id}-secret",
                "jwt_alg": alg,
                "redirect_uris": [base + callback for base in bases],
                "post_logout_redirect_uris": [
                    base + path
                    for base in bases
                    for path in ("/logga-in/", "/min-planering/logga-in/")
                ],
            }
        )
    config = {
        "database": str(tmp / "op.sqlite3"),
        "users": {
            name: {"password": OP_PASSWORD, "claims": claims} for name, claims in USERS.items()
        },
        "clients": clients,
    }
    config_path = tmp / "op.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(OP_DIR / "server.py"), str(config_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the OP has bound its port (or died)
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"the test OP did not start: {line!r}")
    return RunningOP(url=line.split()[1], process=process)


def stop_op(op: RunningOP) -> None:
    op.process.terminate()
    op.process.wait(timeout=30)


@pytest.fixture(scope="session")
def test_op(tmp_path_factory):
    op = start_op(tmp_path_factory.mktemp("op"), ["http://testserver"])
    yield op
    stop_op(op)


def log_in_at_op(authorize_url: str, username: str, password: str = OP_PASSWORD) -> str:
    """Be the browser at the provider: follow the authorization request to the OP's login
    form, log in, and return where the OP sends the browser back (Samsyn's callback URL)."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(authorize_url, answer.headers["Location"])
    form = browser.get(login_url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, form.text[:500]
    answer = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": password,
            "next": parse_qs(urlparse(login_url).query)["next"][0],
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def callback_path(location: str) -> str:
    """The path and query of a callback URL at http://testserver (for Django's test client)."""
    parsed = urlparse(location)
    assert parsed.netloc == "testserver", location
    return f"{parsed.path}?{parsed.query}"
