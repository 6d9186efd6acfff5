"""`manage.py bench_report`: write the latest result tables into docs/performance.md."""

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand

from bench.load import format_load
from bench.report import RESULTS_DIR, format_table

START, END = "<!-- bench:results -->", "<!-- /bench:results -->"
ORDER = ["postgresql-10y", "postgresql-1y", "sqlite-1y", "sqlite-10y"]


class Command(BaseCommand):
    help = "Skriver de senaste mätresultaten (bench/results) till docs/performance.md."

    def handle(self, *args, **options):
        parts = []
        for label in ORDER:
            path = RESULTS_DIR / f"{label}.json"
            if path.exists():
                document = json.loads(path.read_text())
                m = document["machine"]
                parts.append(
                    f"### {label}\n\nMaskin: {m['cpu']}, {m['cores']} kärnor, {m['memory']},"
                    f" Python {m['python']}, belastning vid start {m['load_average']:.1f}.\n"
                )
                parts.append(format_table(document) + "\n")
            load = RESULTS_DIR / f"load-{label}.json"
            if load.exists():
                parts.append(format_load(json.loads(load.read_text())) + "\n")
        doc = settings.BASE_DIR / "docs" / "performance.md"
        text = doc.read_text()
        block = f"{START}\n" + "\n".join(parts) + f"\n{END}"
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        doc.write_text(text)
        self.stdout.write(f"{doc} uppdaterad ({len(parts)} block).")
