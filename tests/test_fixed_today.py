"""The suite's `--today` option (conftest.py): a test run as if now were a given moment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INNER_TESTS = """
import datetime as dt
import threading

from django.utils import timezone


def test_it_sees_the_given_moment_in_stockholm_and_the_clock_moves_on():
    now = timezone.localtime()
    assert now.strftime("%Y-%m-%d %H:%M %Z") == "2027-03-28 03:30 CEST"
    assert timezone.localdate() == dt.date(2027, 3, 28)
    assert timezone.now() >= now


def test_another_thread_such_as_the_live_server_sees_it_too():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(timezone.localdate()))
    thread.start()
    thread.join()
    assert seen == [dt.date(2027, 3, 28)]
"""


def test_the_today_option_runs_the_tests_at_that_moment(pytester, monkeypatch):
    pytester.makeconftest((ROOT / "conftest.py").read_text())
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = samsyn.settings\n")
    pytester.makepyfile(test_inner=INNER_TESTS)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.delenv("SAMSYN_TODAY", raising=False)

    # 02:30 does not exist that night (the clocks go from 02:00 to 03:00): read as 03:30 CEST.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--today=2027-03-28T02:30")

    result.stdout.fnmatch_lines(["today: 2027-03-28 03:30 CEST (--today)"])
    result.assert_outcomes(passed=2)
