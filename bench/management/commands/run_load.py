"""`manage.py run_load --label postgresql-10y`: a bounded load run against gunicorn on loopback."""

import json

from django.core.management.base import BaseCommand, CommandError

from bench.load import format_load, run_load
from bench.report import RESULTS_DIR


class Command(BaseCommand):
    help = (
        "Kör en kort, begränsad last mot gunicorn på 127.0.0.1 och kontrollerar"
        " att inga skrivningar förlorats."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True)
        parser.add_argument("--users", type=int, default=24)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--max-requests", type=int, default=3000)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument(
            "--think",
            type=float,
            default=0.0,
            help="Genomsnittlig paus (s) mellan en användares anrop; 0 = kapacitetsprov.",
        )

    def handle(self, *args, label, users, seconds, max_requests, workers, think, **options):
        document = run_load(
            users=users,
            seconds=seconds,
            max_requests=max_requests,
            workers=workers,
            think=think,
            log=self.stdout.write,
        )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"load-{label}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(format_load(document))
        self.stdout.write(f"Resultat: {path}")
        lost = (
            document["writes"]["admissions_missing"]
            + document["writes"]["acknowledgements_missing"]
        )
        if lost or document["writes"]["inconsistent_episodes"]:
            raise CommandError("Bekräftade skrivningar saknas eller är inkonsistenta.")
