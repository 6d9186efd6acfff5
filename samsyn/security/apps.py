from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "samsyn.security"
    label = "security"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from samsyn.security import checks  # noqa: F401 - registers the deploy check
        from samsyn.security.sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="samsyn.security.stamp_login")
