"""Mark activities overdue as their time passes and keep a deviation candidate per missed
legal or agreed deadline. Safe to run every minute, and twice at once (see process.sweeper).
"""

import time

from django.core.management.base import BaseCommand

from process.sweeper import sweep


class Command(BaseCommand):
    help = "Markerar försenade aktiviteter och skapar avvikelsekandidater för missade tidsfrister."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Kör om och om igen (var 60:e sekund)."
        )
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, loop=False, interval=60, **options):
        while True:
            result = sweep()
            if options["verbosity"] > 0:
                self.stdout.write(
                    f"{result.overdue} försenade, {result.done_late} klara sent, "
                    f"{result.candidates} nya avvikelsekandidater"
                )
            if not loop:
                return
            time.sleep(interval)
