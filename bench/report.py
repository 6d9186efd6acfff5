"""The benchmark results: the machine and database they were taken on, the JSON files in
`bench/results/`, and the table for docs/performance.md."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from django.db import connection
from django.utils import timezone

from episodes.models import Episode, EpisodeState, Event, Message
from individuals.models import Individual
from organisations.models import User

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ACTIVE = (EpisodeState.ADMITTED, EpisodeState.READY)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        memory = f"{int(Path('/proc/meminfo').read_text().split()[1]) // 1024 // 1024} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "load_averages": load_averages(),
    }


def load_averages() -> list[float] | None:
    """The machine's load average over 1, 5 and 15 minutes (other engineers' work included)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def load_text(document: dict) -> str:
    """ "belastning vid start 1.2 (5 min 0.9), vid slut 2.0" for a results document."""
    m = document["machine"]
    start = m.get("load_averages") or [m.get("load_average") or 0.0, None, None]
    text = f"belastning vid start {start[0]:.1f}"
    if start[1] is not None:
        text += f" (5 min {start[1]:.1f})"
    end = document.get("load_at_end")
    if end:
        text += f", vid slut {end[0]:.1f}"
    return text


def database_summary() -> dict:
    vendor = connection.vendor
    version = ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    first = Episode.objects.order_by("admitted_at").values_list("admitted_at", flat=True).first()
    return {
        "vendor": vendor,
        "version": version,
        "episodes": Episode.objects.count(),
        "events": Event.objects.count(),
        "messages": Message.objects.count(),
        "individuals": Individual.objects.count(),
        "users": User.objects.count(),
        "active_episodes": Episode.objects.filter(state__in=ACTIVE).count(),
        "years": round((timezone.now() - first).days / 365.25, 1) if first else 0,
    }


def write_results(document: dict, label: str, *, merge: bool = False) -> Path:
    """Write the document; with `merge`, its cases replace only the same cases of the file."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{label}.json"
    if merge and path.exists():
        old = json.loads(path.read_text())
        fresh = {r["name"]: r for r in document["results"]}
        document["results"] = [fresh.pop(r["name"], r) for r in old["results"]] + list(
            fresh.values()
        )
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def _fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def format_table(document: dict) -> str:
    """A Markdown table of one results document."""
    db = document["database"]
    lines = [
        f"**{db['vendor']} {db['version']}**, {db['years']} år: {db['episodes']:,} vårdtillfällen,"
        f" {db['events']:,} händelser, {db['messages']:,} meddelanden ({document['at']}).".replace(
            ",", " "
        ),
        "",
        "| fall | p50 ms | p95 ms | max ms | SQL-frågor | CPU ms | SQL ms | golv p50 ms | kvot"
        " | mål | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in document["results"]:
        if r["status"] == "missing":
            lines.append(
                f"| {r['label']} | – | – | – | – | – | – | – | – | – | saknas: {r['note']} |"
            )
            continue
        meets = r["meets_target"]
        first_pass = r["extra"].get("first_pass_ms")
        if r["name"] == "sweeper_pass" and first_pass is not None and r["target"]:
            # The first pass does the real work (every activity overdue so far); judge it too.
            meets = meets and first_pass <= r["target"]
        verdict = "" if meets is None else ("✔" if meets else "✘")
        target = r["target"]
        if r["name"] in ("api_admissions", "batch_admissions"):
            target_text = f"≥ {target}/s"
            verdict += f" {r['extra'].get('episodes_per_second')}/s"
        else:
            target_text = "–" if target is None else f"≤ {target}"
        status = "" if r["status"] == "ok" else f" **{r['status']}** {r['note']}"
        lines.append(
            f"| {r['label']} | {_fmt(r['p50'])} | {_fmt(r['p95'])} | {_fmt(r['max'])} |"
            f" {_fmt(r['queries'])} | {_fmt(r['extra'].get('cpu_ms'))} |"
            f" {_fmt(r['extra'].get('sql_ms'))} |"
            f" {_fmt(r['floor_p50'], 2)} | {_fmt(r['ratio'])} | {target_text} | {verdict}{status} |"
        )
    return "\n".join(lines)


def format_comparison(before: dict, after: dict) -> str:
    """Before → after per case (p50, p95, queries, CPU ms, SQL ms) of two results documents
    taken back to back on one machine, with both runs' load averages."""
    lines = [
        f"Före: {load_text(before)}; efter: {load_text(after)}.",
        "",
        "| fall | p50 ms | p95 ms | SQL-frågor | CPU ms | SQL ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    old = {r["name"]: r for r in before["results"]}
    for r in after["results"]:
        b = old.get(r["name"])
        if b is None or r["status"] != "ok":
            continue

        def pair(key, extra=False, _b=b, _r=r):
            x = (_b["extra"] if extra else _b).get(key)
            y = (_r["extra"] if extra else _r).get(key)
            return f"{_fmt(x)} → {_fmt(y)}"

        lines.append(
            f"| {r['label']} | {pair('p50')} | {pair('p95')} | {pair('queries')} |"
            f" {pair('cpu_ms', True)} | {pair('sql_ms', True)} |"
        )
    return "\n".join(lines)
