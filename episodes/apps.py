from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "episodes"
    verbose_name = "Vårdtillfällen"

    def ready(self) -> None:
        # Connects the redaction of a protected person's contact data in stored messages
        # (a post_save receiver), in every process: web, worker, shell, import job.
        from episodes.actions import parties  # noqa: F401
