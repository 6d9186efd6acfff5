"""`manage.py backup_database [--output FILE]`: a complete backup of the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from continuity.management.backup import BackupError, backup


class Command(BaseCommand):
    help = "Backs the whole database up to one file (PostgreSQL: pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default var/backups/<time>.dump)")

    def handle(self, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output) if output else settings.VAR_DIR / "backups" / f"samsyn-{stamp}.dump"
        try:
            backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes).")
