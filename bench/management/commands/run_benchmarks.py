"""`manage.py run_benchmarks --label postgresql-10y`: the benchmark suite on the current"
" database."""

from django.core.management.base import BaseCommand, CommandError

from bench.report import format_table, write_results
from bench.run import run_suite
from episodes.models import Episode


class Command(BaseCommand):
    help = "Mäter sidor, API, processvakt och statistik mot databasen (p50/p95/max och golv)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--label", required=True, help="Namn på resultatfilen i bench/results/."
        )
        parser.add_argument("--runs", type=int, default=30, help="Upprepningar per lätt fall.")
        parser.add_argument(
            "--heavy-runs", type=int, default=5, help="Upprepningar per tungt fall."
        )
        parser.add_argument(
            "--clients", type=int, default=4, help="Samtidiga API-klienter vid inskrivning."
        )
        parser.add_argument("--per-client", type=int, default=50, help="Inskrivningar per klient.")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="För utvecklare: 10 upprepningar, 3 tunga, 2 klienter × 15 inskrivningar.",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Kommaseparerade fall; de ersätter samma fall i resultatfilen.",
        )

    def handle(self, *args, label, runs, heavy_runs, clients, per_client, only, quick, **options):
        if quick:
            runs, heavy_runs, clients, per_client = 10, 3, 2, 15
        if not Episode.objects.exists():
            raise CommandError("Databasen är tom: kör först generate_history.")
        document = run_suite(
            runs=runs,
            heavy_runs=heavy_runs,
            clients=clients,
            per_client=per_client,
            log=self.stdout.write,
            only={name for name in only.split(",") if name} or None,
        )
        path = write_results(document, label, merge=bool(only))
        self.stdout.write(format_table(document))
        self.stdout.write(f"Resultat: {path}")
