from django.apps import AppConfig


class DeviationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deviations"
    verbose_name = "Avvikelser i samverkan"
