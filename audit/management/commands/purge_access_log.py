"""Remove access-log rows older than the retention in force today (run it daily or monthly).

1. Read the retention in force today (`LogRetention`, dated configuration).
2. Remove the rows recorded before 00:00 Stockholm time on today's date that many years ago;
   never a younger row. Safe to run twice: the second run finds nothing.
3. Record the purge as an audit row (how many, before when).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.retention import MissingRetention, purge


class Command(BaseCommand):
    help = "Gallrar loggrader äldre än den gallringsfrist som gäller i dag."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Räkna bara, ta inte bort.")

    def handle(self, *args, dry_run: bool = False, **options):
        try:
            result = purge(timezone.localdate(), dry_run=dry_run)
        except MissingRetention as exc:
            raise CommandError(str(exc)) from exc
        verb = "skulle gallras" if dry_run else "gallrade"
        self.stdout.write(
            f"{result.removed} loggrader {verb} (äldre än {result.years} år, "
            f"före {timezone.localtime(result.cutoff):%Y-%m-%d %H:%M})."
        )
