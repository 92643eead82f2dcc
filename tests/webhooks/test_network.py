"""The SSRF guard: deliveries never reach loopback, private, link-local (metadata), unique-local,
multicast, unspecified or reserved addresses (unless allowed), checked for every address a
name resolves to and for every redirect, on the address actually connected to. A refusal is
proven by the `forbidden` receiver on 127.0.0.1 never hearing anything."""

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planhub.webhooks import network
from planhub.webhooks.models import Webhook
from planhub.webhooks.publish import publish
from tests.worker import run_queued_tasks

from .conftest import SECRET


@pytest.fixture
def deliver_to(project, django_capture_on_commit_callbacks):
    """Deliver one event to `url` (stored as is, as an old webhook could be) and return the
    delivery as the log shows it."""

    def _deliver(url: str):
        Webhook.objects.create(project=project, url=url, secret=SECRET, events=["plan.approved"])
        with django_capture_on_commit_callbacks(execute=True):
            [delivery] = publish(project, "plan.approved", {"title": "Launch"})
        run_queued_tasks()
        delivery.refresh_from_db()
        return delivery

    return _deliver


def port_of(receiver) -> int:
    return receiver.server.server_address[1]


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback, literal
        "localhost",  # a name resolving to loopback
        "127.1",  # a short form of 127.0.0.1
        "2130706433",  # 127.0.0.1 as one number
        "0x7f.0.0.1",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    ],
)
def test_loopback_in_any_spelling_is_refused_and_never_reached(deliver_to, forbidden, host):
    delivery = deliver_to(f"http://{host}:{port_of(forbidden)}/hook")
    assert delivery.state == "failed"
    assert delivery.attempts == 1, "a refused address is not retried"
    assert delivery.error.startswith("Refused"), delivery.error
    assert "loopback" in delivery.error
    assert forbidden.received == []


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("169.254.169.254", "link-local address (such as the cloud metadata service)"),
        ("10.0.0.1", "private address"),
        ("192.168.1.10", "private address"),
        ("172.16.0.5", "private address"),
        ("100.64.0.1", "not public"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("[::1]", "loopback"),
        ("[fe80::1]", "link-local"),
        ("[fd00::1]", "private address"),
        ("[::]", "unspecified"),
        ("[ff02::1]", "multicast"),
    ],
)
def test_private_and_special_addresses_are_refused_at_delivery(deliver_to, host, reason):
    delivery = deliver_to(f"http://{host}/hook")
    assert delivery.state == "failed" and delivery.attempts == 1
    assert delivery.error.startswith("Refused") and reason in delivery.error, delivery.error


def test_a_name_is_refused_when_any_of_its_addresses_is_private(deliver_to, receiver, monkeypatch):
    """The allowed receiver's address first, a private one second: still refused (the resolver
    or an attacker could pick the second)."""
    port = port_of(receiver)
    answers = [("127.0.0.2", port), ("10.1.2.3", port)]
    fake = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address) for address in answers]
    monkeypatch.setattr(network.socket, "getaddrinfo", lambda *a, **k: fake)
    delivery = deliver_to(f"http://intranet.example:{port}/hook")
    assert delivery.state == "failed"
    assert "intranet.example (10.1.2.3) is a private address" in delivery.error
    assert receiver.received == []


def test_the_checked_address_is_the_one_connected_to(deliver_to, receiver, monkeypatch):
    """One lookup per delivery; the request goes to that address with the name as Host."""
    lookups = []
    port = port_of(receiver)
    real_getaddrinfo = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if network.literal_address(host):  # urllib3 connecting to the pinned address
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        # A second lookup (DNS rebinding) would answer loopback: it must not happen.
        address = "127.0.0.2" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(network.socket, "getaddrinfo", resolver)
    delivery = deliver_to(f"http://hooks.example.test:{port}/hook")
    assert delivery.state == "succeeded", delivery.error
    assert lookups == ["hooks.example.test"]
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.example.test:{port}" and got.verified


def test_a_redirect_to_a_private_address_is_refused(deliver_to, receiver, forbidden):
    receiver.answer(302, Location=f"http://127.0.0.1:{port_of(forbidden)}/steal")
    delivery = deliver_to(receiver.url)
    assert delivery.state == "failed" and delivery.attempts == 1
    assert delivery.error.startswith(f"Refused http://127.0.0.1:{port_of(forbidden)}/steal")
    assert "loopback" in delivery.error
    assert len(receiver.received) == 1 and forbidden.received == []


def test_a_redirect_to_the_metadata_service_is_refused(deliver_to, receiver):
    receiver.answer(307, Location="http://169.254.169.254/latest/meta-data/")
    delivery = deliver_to(receiver.url)
    assert delivery.state == "failed" and "link-local" in delivery.error


def test_a_redirect_to_an_allowed_address_is_followed_with_the_same_signed_post(
    deliver_to, receiver
):
    receiver.answer(308, Location="/moved")
    delivery = deliver_to(receiver.url)
    assert delivery.state == "succeeded"
    first, second = receiver.received
    assert second.path == "/moved" and second.verified and second.body == first.body


def test_redirects_are_followed_a_few_times_only(deliver_to, receiver, settings):
    settings.WEBHOOK_ATTEMPTS = 1
    for hop in range(10):
        receiver.answer(302, Location=f"/hop{hop}")
    delivery = deliver_to(receiver.url)
    assert delivery.state == "failed" and delivery.error.startswith("More than 3 redirects")
    assert len(receiver.received) == 4


def test_an_allowed_network_is_reached(deliver_to, receiver, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert deliver_to(receiver.url).state == "failed"
    Webhook.objects.all().delete()
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/30"]
    assert deliver_to(receiver.url).state == "succeeded"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://169.254.169.254/latest/", "169.254.169.254 is a link-local address"),
        ("http://127.0.0.1:8000/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("https://10.20.30.40/hook", "10.20.30.40 is a private address"),
        ("http://0177.0.0.1/", "127.0.0.1 is a loopback address"),
        ("ftp://example.com/", "Use an http:// or https:// URL."),
        ("https:///path", "The URL needs a host name."),
        ("https://user:pw@example.com/", "Leave user name and password out"),
        ("http://example.com:99999/", "Enter a valid URL."),
    ],
)
def test_the_form_check_names_the_problem(url, message):
    assert message in network.check_url_form(url)


def test_the_form_check_lets_public_urls_and_names_through():
    assert network.check_url_form("https://hooks.slack.com/services/T0/B0/x") is None
    assert network.check_url_form("http://93.184.216.34:8080/hook") is None
    assert network.check_url_form("https://[2606:4700::1111]/") is None


@given(st.ip_addresses())
def test_only_global_unicast_addresses_pass(address):
    reason = network.unsafe_reason(address)
    mapped = getattr(address, "ipv4_mapped", None) or address
    # Python counts some reserved ranges (::/8 outside ::1) as global; they are refused too.
    public = mapped.is_global and not mapped.is_multicast and not mapped.is_reserved
    assert (reason is None) == public, (address, reason)


@given(st.ip_addresses())
def test_the_form_refuses_exactly_the_literal_addresses_a_delivery_would_refuse(address):
    host = f"[{address}]" if address.version == 6 else str(address)
    problem = network.check_url_form(f"https://{host}:8443/hook")
    assert (problem is None) == (network.unsafe_reason(address) is None), (address, problem)
