"""Start the test OpenID Provider: `python server.py CONFIG.json`.

CONFIG names the SQLite file, the users (username, password, claims) and the clients
(client_id, client_secret, redirect_uris, post_logout_redirect_uris, jwt_alg). The server
migrates its own database, makes an RSA signing key, binds a free port on 127.0.0.1 and
prints `READY <base url>` on stdout, then serves (threaded) until it is terminated.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.path.insert(0, str(HERE))
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    os.environ["TEST_OP_DB"] = config["database"]
    os.environ["TEST_OP_USERS"] = sys.argv[1]

    import django
    from django.conf import settings

    django.setup()

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0, interactive=False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    RSAKey.objects.create(key=pem)
    User = get_user_model()
    for username, user in config["users"].items():
        User.objects.create_user(username=username, password=user["password"])
    code = ResponseType.objects.get(value="code")
    for client in config["clients"]:
        made = Client.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type="confidential",
            jwt_alg=client.get("jwt_alg", "RS256"),
            require_consent=False,
            _redirect_uris="\n".join(client["redirect_uris"]),
            _post_logout_redirect_uris="\n".join(client.get("post_logout_redirect_uris", [])),
            _scope="openid profile email",
        )
        made.response_types.add(code)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):  # the test output stays readable
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    site_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SITE_URL = site_url  # the issuer, known once the port is bound
    print(f"READY {site_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
