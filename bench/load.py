"""A short, bounded load run against a real server (gunicorn on loopback), then a check that
no acknowledged write was lost.

Many users at once, each in a thread with its own session and API token: needs assessors read
their start page, episodes and inbox and acknowledge messages; ward staff read their start page
and admit patients through the API. Bounded by a request count and a time limit; only
127.0.0.1 traffic. Afterwards every write the server answered 2xx is looked up in the
database (and the episodes written are checked for consistency).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from bench.consistency import check_episodes
from bench.report import machine
from bench.run import (
    ACTIVE,
    BENCH_FAMILY_NAME,
    BENCH_UNITS,
    _fresh_identifiers,
    discharge_benchmark_admissions,
)
from core.timerules import local_date
from episodes.models import Episode, Message, Party
from organisations.models import ApiToken, Membership, Role, Unit, UnitKind, User

BASE_DIR = Path(settings.BASE_DIR)
_EPISODE_LINK = re.compile(r"/vardtillfallen/([0-9a-f-]{36})/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


@dataclass
class Actor:
    kind: str  # "assessor" or "ward"
    user: User
    unit: Unit
    cookie: str
    token: str


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    # The server's own cost of each call (Server-Timing): app CPU ms, SQL ms, statements.
    costs: dict[str, list[tuple[float, float, int]]] = field(default_factory=dict)
    admitted: list[str] = field(default_factory=list)  # public ids answered 201
    acknowledged: list[str] = field(default_factory=list)  # message public ids answered 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, op: str, ms: float, ok: bool, detail: str = "", cost: list[float] | None = None
    ) -> None:
        with self.lock:
            self.latencies.setdefault(op, []).append(ms)
            if cost:
                self.costs.setdefault(op, []).append((cost[0], cost[1], int(cost[2])))
            if not ok:
                self.errors[op] = self.errors.get(op, 0) + 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{op}: {detail[:200]}")


def _actors(assessors: int, ward_users: int) -> list[Actor]:
    units = (
        Party.objects.filter(
            removed_at__isnull=True, episode__state__in=ACTIVE, unit__kind=UnitKind.NEEDS_ASSESSMENT
        )
        .values_list("unit_id", flat=True)
        .distinct()
    )
    actors = []
    memberships = Membership.objects.filter(
        unit_id__in=list(units), role=Role.NEEDS_ASSESSOR
    ).select_related("user", "unit")
    for membership in memberships.order_by("unit_id", "id")[:assessors]:
        _, key = ApiToken.issue(membership.user, "load")
        actors.append(
            Actor(
                "assessor", membership.user, membership.unit, _session_cookie(membership.user), key
            )
        )
    # Not the named ward the page cases measure: the load run's admissions go elsewhere.
    wards = (
        Unit.objects.filter(kind=UnitKind.WARD, is_active=True)
        .exclude(name__in=BENCH_UNITS[UnitKind.WARD])
        .order_by("id")[:ward_users]
    )
    for ward in wards:
        nurse = Membership.objects.filter(unit=ward, role=Role.NURSE).select_related("user").first()
        assert nurse is not None, f"no nurse at {ward}"
        _, key = ApiToken.issue(nurse.user, "load")
        actors.append(Actor("ward", nurse.user, ward, _session_cookie(nurse.user), key))
    return actors


_TIMING = re.compile(r'(app|sql);dur=([0-9.]+)(?:;desc="(\d+)")?')


def _add_server_timing(cost: list[float], header: str) -> None:
    for name, duration, statements in _TIMING.findall(header):
        if name == "app":
            cost[0] += float(duration)
        else:
            cost[1] += float(duration)
            cost[2] += int(statements or 0)


def _request(
    port: int,
    method: str,
    path: str,
    *,
    cookie: str = "",
    token: str = "",
    body: dict | None = None,
    cost: list[float] | None = None,
):
    """One call; with `cost`, the server's Server-Timing (app CPU ms, SQL ms, statements) is
    added to it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = uuid.uuid4().hex
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        if cost is not None:
            _add_server_timing(cost, response.getheader("Server-Timing") or "")
        return response.status, response.read()
    finally:
        connection.close()


def _worker(
    actor: Actor,
    port: int,
    tally: Tally,
    deadline: float,
    budget: list[int],
    identifiers: list[str],
    area: str,
    seed: int,
    think: float = 0.0,
) -> None:
    """One user: a call, then (with `think`) a pause drawn around `think` seconds, as a person
    reads the page before the next click."""
    rng = random.Random(seed)
    if think:
        # People do not all click at the same instant: at people's pace each user starts at
        # a random moment of the first two pauses (a ramp-up), not in one burst of 24.
        time.sleep(rng.uniform(0, 2 * think))
    episodes: list[str] = []
    estimated = (local_date(timezone.now()) + dt.timedelta(days=4)).isoformat()
    while time.monotonic() < deadline:
        with tally.lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        roll = rng.random()
        cost = [0.0, 0.0, 0]
        started = time.perf_counter()
        try:
            if roll < 0.40 or not episodes:
                op = "GET /"
                status, content = _request(port, "GET", "/", cookie=actor.cookie, cost=cost)
                episodes = (
                    _EPISODE_LINK.findall(content.decode("utf-8", "replace"))[:30] or episodes
                )
            elif roll < 0.75:
                op = "GET /vardtillfallen/…/"
                status, content = _request(
                    port,
                    "GET",
                    f"/vardtillfallen/{rng.choice(episodes)}/",
                    cookie=actor.cookie,
                    cost=cost,
                )
            elif actor.kind == "assessor" and roll < 0.85:
                op = "GET /inkorg/"
                status, content = _request(port, "GET", "/inkorg/", cookie=actor.cookie, cost=cost)
            elif actor.kind == "assessor":
                op = "POST acknowledge"
                status, content = _request(
                    port,
                    "GET",
                    f"/api/units/{actor.unit.public_id}/inbox?unacknowledged=true",
                    token=actor.token,
                    cost=cost,
                )
                items = json.loads(content).get("items", []) if status == 200 else []
                if items:
                    message = rng.choice(items)["id"]
                    status, content = _request(
                        port,
                        "POST",
                        f"/api/messages/{message}/acknowledge",
                        token=actor.token,
                        cost=cost,
                    )
                    if status == 200:
                        with tally.lock:
                            tally.acknowledged.append(message)
                    elif status == 409:
                        status = 200  # a colleague acknowledged it first: a correct refusal
            else:
                op = "POST /api/episodes"
                with tally.lock:
                    identifier = identifiers.pop() if identifiers else None
                if identifier is None:
                    continue
                status, content = _request(
                    port,
                    "POST",
                    "/api/episodes",
                    token=actor.token,
                    body={
                        "identifier": identifier,
                        "given_name": "Last",
                        "family_name": BENCH_FAMILY_NAME,
                        "ward": str(actor.unit.public_id),
                        "may_need_help": True,
                        "estimated_discharge_date": estimated,
                        "send_admission_notice": True,
                        "residence_area": area,
                    },
                    cost=cost,
                )
                if status == 201:
                    with tally.lock:
                        tally.admitted.append(json.loads(content)["id"])
            ok = 200 <= status < 300
            tally.add(
                op, (time.perf_counter() - started) * 1000, ok, f"{status} {content[:200]!r}", cost
            )
        except Exception as error:  # a refused connection or timeout counts as an error
            tally.add("connection", (time.perf_counter() - started) * 1000, False, repr(error))
        if think:
            time.sleep(max(0.0, min(rng.expovariate(1 / think), deadline - time.monotonic())))


def run_load(
    *,
    users: int = 24,
    seconds: int = 60,
    max_requests: int = 3000,
    workers: int = 3,
    think: float = 0.0,
    log=print,
) -> dict:
    """Start gunicorn, run the mix, stop it, check the writes; returns the results document."""
    port = _free_port()
    assessors = users * 2 // 3
    actors = _actors(assessors, users - assessors)
    # People of an area other than the named needs-assessment unit's, so its lists do not grow
    # by the load run's admissions (the page cases of the next run measure them).
    named = Unit.objects.filter(name__in=BENCH_UNITS[UnitKind.NEEDS_ASSESSMENT])
    area = str(
        Unit.objects.filter(kind=UnitKind.NEEDS_ASSESSMENT, area__isnull=False)
        .exclude(area__in=named.values("area"))
        .order_by("id")
        .values_list("area__public_id", flat=True)
        .first()
    )
    identifiers = _fresh_identifiers(max_requests)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsyn.settings", "SAMSYN_SERVER_TIMING": "1"}
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "samsyn.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "2",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        log(
            f"gunicorn på 127.0.0.1:{port} ({workers} processer × 2 trådar); {len(actors)}"
            " användare,"
            f" högst {max_requests} anrop eller {seconds} s"
        )
        tally, budget = Tally(), [max_requests]
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=_worker,
                args=(a, port, tally, deadline, budget, identifiers, area, n, think),
            )
            for n, a in enumerate(actors)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    found = set(
        str(p)
        for p in Episode.objects.filter(public_id__in=tally.admitted).values_list(
            "public_id", flat=True
        )
    )
    lost_admissions = [p for p in tally.admitted if p not in found]
    acked = set(
        str(p)
        for p in Message.objects.filter(
            public_id__in=tally.acknowledged, acknowledged_at__isnull=False
        ).values_list("public_id", flat=True)
    )
    lost_acks = [p for p in tally.acknowledged if p not in acked]
    problems = check_episodes(Episode.objects.filter(public_id__in=tally.admitted))
    discharge_benchmark_admissions()  # after the checks: the history keeps its shape
    document = {
        "machine": machine(),
        "at": timezone.now().isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "users": len(actors),
        "gunicorn_workers": workers,
        "think_seconds": think,
        "seconds": round(elapsed, 1),
        "requests": total,
        "errors": errors,
        "error_rate": round(errors / total, 4) if total else None,
        "throughput_rps": round(total / elapsed, 1) if elapsed else None,
        "by_operation": {
            op: {
                "count": len(v),
                "errors": tally.errors.get(op, 0),
                "p50": round(statistics.median(v), 1),
                "p95": round(sorted(v)[int(0.95 * (len(v) - 1))], 1),
                "max": round(max(v), 1),
            }
            for op, v in sorted(tally.latencies.items())
        },
        # The server's work per call (Server-Timing): the core-milliseconds of issue 17.
        "cost_by_operation": {
            op: {
                "app_cpu_ms_p50": round(statistics.median(c[0] for c in costs), 1),
                "app_cpu_ms_mean": round(statistics.fmean(c[0] for c in costs), 1),
                "sql_ms_mean": round(statistics.fmean(c[1] for c in costs), 1),
                "statements_mean": round(statistics.fmean(c[2] for c in costs), 1),
            }
            for op, costs in sorted(tally.costs.items())
        },
        "writes": {
            "admissions_acknowledged": len(tally.admitted),
            "admissions_missing": len(lost_admissions),
            "acknowledgements_acknowledged": len(tally.acknowledged),
            "acknowledgements_missing": len(lost_acks),
            "inconsistent_episodes": len(problems),
        },
        "error_samples": tally.error_samples,
    }
    return document


LOAD_P95_TARGET_MS = 300  # issue 17: every call's p95 under 24 users


def _pace(think: float) -> str:
    if not think:
        return "utan paus mellan anropen: kapacitetsprov"
    return f"i genomsnitt {think:g} s paus mellan en användares anrop"


def format_load(document: dict) -> str:
    w = document["writes"]
    lines = [
        f"**Last mot gunicorn** ({document['vendor']}, {document['gunicorn_workers']}"
        " processer × 2 trådar,"
        f" {document['users']} användare samtidigt, {document['seconds']} s,"
        f" {_pace(document.get('think_seconds') or 0)}):"
        f" {document['requests']} anrop,"
        f" {document['throughput_rps']} anrop/s, felandel {document['error_rate']}.",
        "",
        "| anrop | antal | fel | p50 ms | p95 ms | max ms | mål p95 | | server-CPU ms"
        " (p50 / medel) | SQL ms medel | SQL-frågor |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    costs = document.get("cost_by_operation", {})
    for op, row in document["by_operation"].items():
        cost = costs.get(op)
        server = (
            f"{cost['app_cpu_ms_p50']} / {cost['app_cpu_ms_mean']} | {cost['sql_ms_mean']} |"
            f" {cost['statements_mean']}"
            if cost
            else "– | – | –"
        )
        verdict = "✔" if row["p95"] <= LOAD_P95_TARGET_MS and not row["errors"] else "✘"
        lines.append(
            f"| {op} | {row['count']} | {row['errors']} | {row['p50']} | {row['p95']} |"
            f" {row['max']} | ≤ {LOAD_P95_TARGET_MS} | {verdict} | {server} |"
        )
    lines += [
        "",
        f"Skrivningar som servern bekräftade: {w['admissions_acknowledged']} inskrivningar"
        f" ({w['admissions_missing']} saknas i databasen),"
        f" {w['acknowledgements_acknowledged']} kvittenser"
        f" ({w['acknowledgements_missing']} saknas); {w['inconsistent_episodes']}"
        " inkonsistenta vårdtillfällen.",
    ]
    return "\n".join(lines)
