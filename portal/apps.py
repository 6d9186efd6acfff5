from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Den enskildes information (sammanfattning vid utskrivning, broschyr)"
