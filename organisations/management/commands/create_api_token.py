"""`manage.py create_api_token <username> --name NAME`: issue a bearer token for the JSON API.

The key is printed once, alone on standard output (so `KEY=$(manage.py create_api_token …)`
works); only its hash is stored, so it cannot be shown again. What was created is told on
standard error.
"""

from django.core.management.base import BaseCommand, CommandError

from organisations.models import ApiToken, User


class Command(BaseCommand):
    help = "Skapar en API-token för en användare och skriver ut nyckeln en gång."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Användaren som token ska tillhöra")
        parser.add_argument(
            "--name",
            required=True,
            help="Vad token används till, t.ex. 'Journalsystemets ADT-flöde'",
        )

    def handle(self, *args, username: str, name: str, **options):
        name = name.strip()
        if not name:
            raise CommandError("Ange ett namn med --name.")
        if len(name) > ApiToken._meta.get_field("name").max_length:
            raise CommandError("Namnet är för långt (högst 120 tecken).")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Det finns ingen användare {username!r}.")
        if not user.is_active:
            raise CommandError(f"Användaren {username!r} är inaktiverad.")
        token, key = ApiToken.issue(user, name)
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) skapad för {user.username}. "
            "Nyckeln visas bara nu; spara den säkert."
        )
        self.stdout.write(key)
