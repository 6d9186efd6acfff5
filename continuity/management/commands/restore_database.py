"""`manage.py restore_database FILE --into URL`: restore a backup into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from continuity.management.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restores a backup made by backup_database into an EMPTY database named by --into "
        "(postgres://… or sqlite:///…), all or nothing. Then point DATABASE_URL at it."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the file backup_database wrote")
        parser.add_argument("--into", required=True, help="URL of the empty target database")

    def handle(self, backup, into, **options):
        try:
            restore(Path(backup), into)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {backup} into the target database.")
