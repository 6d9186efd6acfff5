from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_definition(sender, using="default", **kwargs):
    # A fresh database has the current work description after `migrate`, and a deploy whose
    # definition file changed loads it as a new version (running episodes keep theirs).
    from process.definition import ensure_current_definition

    if using == "default":
        ensure_current_definition()


class ProcessConfig(AppConfig):
    name = "process"
    verbose_name = "Processmotor"

    def ready(self):
        from episodes.events import subscribe
        from process.engine import on_event

        subscribe(on_event)
        post_migrate.connect(_load_definition, sender=self, dispatch_uid="process.load_definition")
