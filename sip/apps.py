from django.apps import AppConfig


class SipConfig(AppConfig):
    name = "sip"
    verbose_name = "SIP (samordnad individuell plan)"
