from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    # Not "statistics": that name would shadow Python's standard library module.
    name = "indicators"
    verbose_name = "Statistik"
