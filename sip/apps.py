from django.apps import AppConfig


class SipConfig(AppConfig):
    name = "sip"
    verbose_name = "SIP (samordnad individuell plan)"

    def ready(self) -> None:
        # The SIP figures are a section of the statistics dashboard and its files.
        from sip.dashboard import register

        register()
