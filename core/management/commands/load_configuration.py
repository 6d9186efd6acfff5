"""Load the configuration every database needs: the regional counts, the payment rules, the
current work description. Idempotent: only missing rows are created, edited rows stay as they
are. `migrate` runs it when it has finished."""

from django.core.management.base import BaseCommand

from core.configuration import load_all


class Command(BaseCommand):
    help = "Läser in konfiguration som saknas (antal, betalningsansvar, arbetsbeskrivning)."

    def handle(self, *args, **options):
        for name, summary in load_all():
            self.stdout.write(f"{name}: {summary}")
