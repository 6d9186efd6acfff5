"""`manage.py bench_report`: write the latest result tables into docs/performance.md."""

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand

from bench.load import format_load
from bench.report import RESULTS_DIR, format_comparison, format_table, load_text

START, END = "<!-- bench:results -->", "<!-- /bench:results -->"
# Issue 17's before/after pairs, each taken back to back on one machine, and the marker in
# docs/performance.md each is written between.
PAIRS = [
    ("issue17-before-postgresql-1y", "issue17-after-postgresql-1y", "issue17"),
    ("issue17-round3-before-postgresql-10y", "issue17-round3-after-postgresql-10y", "round3-10y"),
    ("issue17-round3-before-postgresql-1y", "issue17-round3-after-postgresql-1y", "round3-1y"),
]
ORDER = [
    "issue17-before-postgresql-1y",
    "issue17-after-postgresql-1y",
    "postgresql-10y",
    "postgresql-1y",
    "sqlite-1y",
    "sqlite-10y",
]


class Command(BaseCommand):
    help = "Skriver de senaste mätresultaten (bench/results) till docs/performance.md."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print",
            action="store_true",
            help="Skriv också tabellerna, med varje måls utfall, till standard ut.",
        )

    def handle(self, *args, **options):
        parts = []
        for label in ORDER:
            path = RESULTS_DIR / f"{label}.json"
            if path.exists():
                document = json.loads(path.read_text())
                m = document["machine"]
                parts.append(
                    f"### {label}\n\nMaskin: {m['cpu']}, {m['cores']} kärnor, {m['memory']},"
                    f" Python {m['python']}, {load_text(document)}.\n"
                )
                parts.append(format_table(document) + "\n")
            # The capacity run (no pause between calls) and the paced one (people's pace).
            for load in (
                RESULTS_DIR / f"load-{label}.json",
                RESULTS_DIR / f"load-{label}-paced.json",
            ):
                if load.exists():
                    parts.append(format_load(json.loads(load.read_text())) + "\n")
        doc = settings.BASE_DIR / "docs" / "performance.md"
        text = doc.read_text()
        block = f"{START}\n" + "\n".join(parts) + f"\n{END}"
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        for *labels, marker in PAIRS:
            paths = [RESULTS_DIR / f"{label}.json" for label in labels]
            if not all(path.exists() for path in paths):
                continue
            before, after = (json.loads(path.read_text()) for path in paths)
            start, end = f"<!-- bench:{marker} -->", f"<!-- /bench:{marker} -->"
            pair = f"{start}\n" + format_comparison(before, after) + f"\n{end}"
            text = re.sub(
                re.escape(start) + ".*?" + re.escape(end), lambda _, p=pair: p, text, flags=re.S
            )
            parts.append(format_comparison(before, after) + "\n")
        doc.write_text(text)
        if options["print"]:
            self.stdout.write("\n".join(parts))
        self.stdout.write(f"{doc} uppdaterad ({len(parts)} block).")
