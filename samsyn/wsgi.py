import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
application = get_wsgi_application()

from samsyn.security.checks import refuse_public_secret_key  # noqa: E402 - needs settings

refuse_public_secret_key()
