"""Register an authenticator app (TOTP) for a user: prints the key and a QR code to scan."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Registers a TOTP authenticator for USERNAME and prints its QR code and key."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Autentiseringsapp")
        parser.add_argument(
            "--replace", action="store_true", help="remove the user's earlier TOTP devices"
        )

    def handle(self, username, name, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        url = device.config_url
        try:
            import segno

            segno.make(url, error="m").terminal(out=self.stdout, compact=True)
        except ImportError:  # the QR code is a convenience; the key below is enough
            pass
        self.stdout.write(f"Key (base32): {_base32(device.bin_key)}")
        self.stdout.write(f"otpauth URL: {url}")


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode()
