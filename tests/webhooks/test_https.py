"""https deliveries are pinned to the checked address, yet the TLS server name (SNI) and the
certificate check use the URL's name: a real TLS receiver on loopback, with a test CA."""

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from planhub.webhooks import network
from planhub.webhooks.models import Webhook
from planhub.webhooks.publish import publish
from tests.worker import run_queued_tasks

from .conftest import ALLOWED_HOST, SECRET, docs_receiver

NAME = "hooks.example.test"


def certificate(subject_name: str, issuer=None, issuer_key=None, *, ca=False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject_name)]), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def pem(cert, key=None) -> bytes:
    out = cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        out += key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    return out


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """tls_receiver(cert_name) -> (url, received, server_names): a TLS server on 127.0.0.2
    with a certificate for `cert_name` from a CA the process trusts (SSL_CERT_FILE), reached
    as https://hooks.example.test:<port>/ (the name resolves to 127.0.0.2)."""
    ca, ca_key = certificate("PlanHub test CA", ca=True)
    (tmp_path / "ca.pem").write_bytes(pem(ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    verify = docs_receiver()["verify"]
    servers = []
    real_getaddrinfo = socket.getaddrinfo

    def start(cert_name: str):
        leaf, leaf_key = certificate(cert_name, ca, ca_key)
        (tmp_path / "leaf.pem").write_bytes(pem(leaf, leaf_key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "leaf.pem")
        received, server_names = [], []
        context.sni_callback = lambda sock, name, ctx: server_names.append(name)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = verify(
                    SECRET.encode(),
                    self.headers["X-PlanHub-Timestamp"],
                    self.headers["X-PlanHub-Signature"],
                    body,
                )
                received.append((dict(self.headers), ok))
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer((ALLOWED_HOST, 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        port = server.server_address[1]

        def resolver(host, *args, **kwargs):
            if host == NAME:
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ALLOWED_HOST, port))]
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(network.socket, "getaddrinfo", resolver)
        return f"https://{NAME}:{port}/hook", received, server_names

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def deliver(project, url, capture):
    Webhook.objects.create(project=project, url=url, secret=SECRET, events=["plan.approved"])
    with capture(execute=True):
        [delivery] = publish(project, "plan.approved", {"title": "Launch"})
    run_queued_tasks()
    delivery.refresh_from_db()
    return delivery


def test_https_to_the_pinned_address_checks_the_names_certificate(
    project, tls_receiver, django_capture_on_commit_callbacks
):
    url, received, server_names = tls_receiver(NAME)
    delivery = deliver(project, url, django_capture_on_commit_callbacks)
    assert delivery.state == "succeeded", delivery.error
    [(headers, verified)] = received
    assert verified and headers["Host"] == f"{NAME}:{url.rsplit(':', 1)[1].split('/')[0]}"
    assert server_names == [NAME], "the TLS server name is the URL's name, not the address"


def test_a_certificate_for_another_name_is_refused(
    project, tls_receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ATTEMPTS = 1
    url, received, _ = tls_receiver("someone-else.example.test")
    delivery = deliver(project, url, django_capture_on_commit_callbacks)
    assert delivery.state == "failed" and received == []
    assert "certificate" in delivery.error.lower() or "hostname" in delivery.error.lower(), (
        delivery.error
    )
