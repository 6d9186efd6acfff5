from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Inloggning med e-legitimation (OIDC) för personal och invånare"

    def ready(self) -> None:
        from identity import checks  # noqa: F401  (registers the deploy check)
