"""`manage.py generate_history --years 10 --seed 1 [--scale full]`: synthetic history at scale."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bench.generator import derive_process, generate_history
from episodes.models import Episode


class Command(BaseCommand):
    help = "Skapar en realistisk, fiktiv historik för Göteborgsområdet (för prestandamätning)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=float, default=1.0, help="År av historik (standard 1).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Slumpfrö; samma frö ger samma data."
        )
        parser.add_argument(
            "--scale",
            choices=["full", "small"],
            default="full",
            help="full: hela registret och ~40 000 vårdtillfällen/år; small: demoregistret.",
        )
        parser.add_argument("--episodes-per-year", type=int, default=None)
        parser.add_argument(
            "--end",
            default=None,
            help="Historiken slutar här (ISO-tid, standard nu); samma värde ger samma data.",
        )
        parser.add_argument(
            "--process-days",
            default="90",
            help=(
                "Processmotorns aktiviteter för pågående vårdtillfällen och för dem som"
                " avslutats inom så många dagar före slutet (standard 90; 'all': alla)."
            ),
        )
        parser.add_argument(
            "--process-only",
            action="store_true",
            help="Bygg bara om processmotorns aktiviteter för den historik som finns.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Lägg till även om databasen redan har vårdtillfällen.",
        )

    def handle(
        self,
        *args,
        years,
        seed,
        scale,
        episodes_per_year,
        end,
        force,
        process_days,
        process_only,
        **options,
    ):
        days = None if process_days == "all" else float(process_days)
        if process_only:
            end_at = dt.datetime.fromisoformat(end) if end else None
            count = derive_process(
                end=end_at, process_days=days, log=lambda line: self.stdout.write(line)
            )
            self.stdout.write(f"Processmotorns aktiviteter för {count} vårdtillfällen.")
            return
        if Episode.objects.exists() and not force:
            raise CommandError(
                "Databasen har redan vårdtillfällen; använd en tom databas eller --force."
            )
        end_at = None
        if end:
            end_at = dt.datetime.fromisoformat(end)
            if end_at.tzinfo is None:
                raise CommandError("--end behöver en tidszon, t.ex. 2025-06-01T12:00+02:00.")
        verbose = options["verbosity"] >= 1
        report = generate_history(
            years=years,
            seed=seed,
            end=end_at,
            scale=scale,
            episodes_per_year=episodes_per_year,
            process_days=days,
            log=(lambda line: self.stdout.write(line)) if verbose else (lambda line: None),
        )
        for line in report.lines():
            self.stdout.write(line)
