"""Load a definition file of the work description as a new version (idempotent: the same text
loaded twice is one version). A malformed file is refused with its line and the reason."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from process.definition import CURRENT_DEFINITION, DefinitionError, load_definition


class Command(BaseCommand):
    help = "Läser in arbetsbeskrivningen (YAML) som en ny version."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(CURRENT_DEFINITION))

    def handle(self, *args, path, **options):
        file = Path(path)
        try:
            version, created = load_definition(
                file.read_text(encoding="utf-8"), source_path=file.name
            )
        except FileNotFoundError:
            raise CommandError(f"Filen finns inte: {file}") from None
        except DefinitionError as error:
            raise CommandError(f"{file.name}: {error}") from None
        if created:
            self.stdout.write(
                f"Version {version.number} inläst: {version.activities.count()} aktiviteter."
            )
        else:
            self.stdout.write(f"Oförändrad: filen är redan inläst som version {version.number}.")
