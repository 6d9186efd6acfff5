from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Loggar"

    def ready(self) -> None:
        from audit import changes

        changes.connect()
