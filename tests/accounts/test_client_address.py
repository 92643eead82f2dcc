"""The client address behind reverse proxies: the rightmost X-Forwarded-For entry that is not
a trusted proxy, read only when the request came from a trusted proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planhub.accounts.client_address import client_address, parse_address, parse_networks

PROXIES = ["10.0.0.0/8", "192.168.1.1", "2001:db8:ffff::/48"]


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "client"),
    [
        # No proxy in between: the peer, whatever the header says.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("203.0.113.7", None, "203.0.113.7"),
        # From our proxy: the address it appended, not the one the client wrote on the left.
        ("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        # A chain of our proxies (an address and a network): skipped from the right.
        ("10.0.0.2", "6.6.6.6, 203.0.113.7, 192.168.1.1, 10.1.2.3", "203.0.113.7"),
        ("192.168.1.1", "203.0.113.7,10.200.0.1", "203.0.113.7"),
        # Only our proxies: the farthest one.
        ("10.0.0.2", "10.0.0.9, 10.0.0.3", "10.0.0.9"),
        # Our proxy sent no header, or an empty one: the proxy itself.
        ("10.0.0.2", None, "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
        # IPv6, with a trusted network, brackets, ports and zones.
        ("2001:db8:ffff::1", "2001:db8::bad, 2001:db8::7", "2001:db8::7"),
        ("2001:db8:ffff::1", "[2001:db8::7]:51234", "2001:db8::7"),
        ("::ffff:10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("2001:db8::7", "203.0.113.7", "2001:db8::7"),
        ("fe80::1%eth0", None, "fe80::1"),
        # ip:port as some proxies write it.
        ("10.0.0.2", "203.0.113.7:4711", "203.0.113.7"),
        ("10.0.0.2:8080", "203.0.113.7", "203.0.113.7"),
        # A value that is not an address stops the walk at the last hop known: never an
        # address the client chose, never none.
        ("10.0.0.2", "203.0.113.7, not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "203.0.113.7, unknown, 10.0.0.3", "10.0.0.3"),
        ("10.0.0.2", "[::1", "10.0.0.2"),
        ("10.0.0.2", ",,,", "10.0.0.2"),
        ("10.0.0.2", "1.2.3.4.5", "10.0.0.2"),
        # No usable peer address at all.
        ("not-an-ip", "203.0.113.7", None),
        ("", "203.0.113.7", None),
        (None, None, None),
    ],
)
def test_client_address(remote_addr, forwarded_for, client):
    assert client_address(remote_addr, forwarded_for, PROXIES) == client


def test_without_trusted_proxies_the_header_is_never_read():
    assert client_address("10.0.0.2", "203.0.113.7", []) == "10.0.0.2"
    assert client_address("127.0.0.1", "203.0.113.7", []) == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("1.2.3.4", "1.2.3.4"),
        (" 1.2.3.4 ", "1.2.3.4"),
        ("1.2.3.4:5678", "1.2.3.4"),
        ("[::1]", "::1"),
        ("[::1]:443", "::1"),
        ("[::1]443", None),
        ("[::1]:https", None),
        ("1.2.3.4:", None),
        ("1.2.3.4:99999", None),
        ("::1", "::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("not-an-ip", None),
        ("1.2.3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_address(text, address):
    parsed = parse_address(text)
    assert (str(parsed) if parsed else None) == address


def test_parse_networks_names_a_bad_entry():
    assert [str(n) for n in parse_networks(["10.0.0.0/8", "::1", " 10.1.2.3/16 "])] == [
        "10.0.0.0/8",
        "::1/128",
        "10.1.0.0/16",
    ]
    with pytest.raises(ValueError, match="'proxy.example.com' is not an IP address"):
        parse_networks(["10.0.0.1", "proxy.example.com"])


def test_settings_refuse_a_bad_trusted_proxy_list():
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "planhub.settings",
        "SECRET_KEY": "x" * 50,
        "TRUSTED_PROXIES": "10.0.0.0/8, 10.0.0.300",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True, text=True, cwd=root, env=env,
    )  # fmt: skip
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: '10.0.0.300' is not an IP address or network" in result.stderr
