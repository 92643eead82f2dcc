"""Run the test provider: `python -m tests.accounts.oidc_provider.serve CONFIG.json`.

The config names the SQLite file, the clients (id, secret, redirect URIs) and the users
(username, password, email, first and last name). Migrates, makes an RSA key, creates them, then
serves on a free loopback port and prints `READY <port>` on stdout."""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        sys.stderr.write("provider: " + format % args + "\n")


def main(config_path: str) -> None:
    with open(config_path) as handle:
        config = json.load(handle)
    os.environ["OIDC_TEST_DB"] = config["database"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("creatersakey", stdout=quiet)
    code = ResponseType.objects.get(value="code")
    for spec in config["clients"]:
        client = Client.objects.create(
            name=spec["client_id"],
            client_type="confidential",
            client_id=spec["client_id"],
            client_secret=spec["secret"],
            jwt_alg="RS256",
            require_consent=False,
            reuse_consent=True,
        )
        client.redirect_uris = spec["redirect_uris"]
        client.save()
        client.response_types.add(code)
    for spec in config["users"]:
        User.objects.create_user(
            spec["username"],
            spec["email"],
            spec["password"],
            first_name=spec.get("first_name", ""),
            last_name=spec.get("last_name", ""),
        )

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), ThreadingServer, handler_class=QuietHandler
    )
    print(f"READY {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
