from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Gemensamt"

    def ready(self):
        from core.configuration import clear_cache, load_after_migrate
        from core.models import RegionalCount

        post_save.connect(clear_cache, sender=RegionalCount, dispatch_uid="core.counts_saved")
        post_delete.connect(clear_cache, sender=RegionalCount, dispatch_uid="core.counts_deleted")
        # post_migrate is sent once per app after the whole migration has run; with core as the
        # sender the configuration is loaded once, when the tables of every app exist.
        post_migrate.connect(
            load_after_migrate, sender=self, dispatch_uid="core.load_configuration"
        )
