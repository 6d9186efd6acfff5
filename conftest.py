"""Fixtures for every app's tests.

- `org`: a small Göteborgsområdet register with one user per lane (see tests/factories.py).
- `page`: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright, pointed at a live
  server; `login(page, live_server, user)` signs a user in through the login form.
- `--today=2027-03-28T02:30` (or `SAMSYN_TODAY=...`): run every test as if it started at that
  moment, Stockholm time unless an offset is given; the clock ticks on from there
  (time-machine). A time that the spring-forward night skips is read with the offset before the
  change (02:30 → 03:30 CEST), an hour that autumn repeats as its first pass (CEST). The
  clock is moved for the whole process, so the live server's thread follows it and browser
  tests run too; only Chromium's own clock stays real (the session cookie is kept by its
  Max-Age, and the pages compute no dates in JavaScript).
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import PASSWORD, build_org

pytest_plugins = ["pytester"]  # tests/test_fixed_today.py runs the suite's own options

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CHROMIUM = os.environ.get("SAMSYN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        default=os.environ.get("SAMSYN_TODAY") or None,
        help="run as if now were this moment (ISO 8601, Stockholm time unless an offset is"
        " given), e.g. 2027-03-28T02:30; the clock ticks on from there",
    )


def pytest_report_header(config):
    if config.getoption("--today"):
        return f"today: {fixed_today(config.getoption('--today')):%Y-%m-%d %H:%M %Z} (--today)"
    return None


def fixed_today(text: str) -> dt.datetime:
    """The moment `--today` names, in Stockholm time: an ISO date or date and time, read as
    Stockholm time unless it carries an offset (a bare date is its midnight)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    # Through UTC, so that a time the spring-forward night skips comes out as a real one.
    return moment.astimezone(dt.UTC).astimezone(STOCKHOLM)


@pytest.fixture(autouse=True)
def _fixed_today(request):
    """Travel to `--today` for the test (autouse, so before the database and the builders)."""
    text = request.config.getoption("--today")
    if not text:
        yield None
        return
    # As UTC: a ZoneInfo destination would also make time-machine reset the process's TZ.
    moment = fixed_today(text)
    with time_machine.travel(moment.astimezone(dt.UTC), tick=True):
        yield moment


@pytest.fixture(autouse=True)
def _fresh_configuration():
    # A rolled-back test sends no delete signal: the cached regional counts must not leak.
    from core.configuration import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture(scope="session")
def _playwright_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server):
    context = _playwright_browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", accept_downloads=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, user, password: str = PASSWORD) -> None:
    """Sign `user` in through the login form, in a fresh session."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/logga-in/" not in url)


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical WCAG 2.1 AA violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    serious = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
    ]
