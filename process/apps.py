from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"
    verbose_name = "Processmotor"

    def ready(self):
        from episodes.events import subscribe
        from process.engine import on_event

        subscribe(on_event)
