"""Outbound requests of webhooks, which never reach the server's own networks.

A webhook URL is typed by a project owner, so without a guard it could make the server POST to
itself, to the cloud metadata service (169.254.169.254) or to anything on the private network.
Every request therefore resolves the host once, refuses it when ANY of its addresses is not a
public one (unless an administrator allowed that network: WEBHOOK_ALLOWED_NETWORKS), and connects
to the address it checked: a second DNS lookup could answer differently (DNS rebinding). The
Host header and, for https, the TLS server name and the certificate check still use the name.
A redirect is followed (at most WEBHOOK_MAX_REDIRECTS times) only after the same check.
"""

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError

from planhub.accounts.client_address import parse_networks

__all__ = ["Answer", "Limits", "Refused", "Unreachable", "check_url_form", "parse_networks", "post"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Refused(Exception):
    """The URL may not be requested; the message says why, for the project's owners."""


class Unreachable(Exception):
    """The request could not be made or answered (DNS, connection, TLS, timeout)."""


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_seconds: float = 20.0  # the whole request and the part of the answer read
    max_response_bytes: int = 64 * 1024
    max_redirects: int = 3


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most Limits.max_response_bytes
    url: str  # the URL that answered (after redirects)


def literal_address(host: str) -> IPAddress | None:
    """The address when `host` is written as one, in any form a resolver accepts
    ("[::1]", "127.1", "0x7f.0.0.1", "2130706433"), else None."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        pass
    if host and all(char in "0123456789abcdefxABCDEFX." for char in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def unsafe_reason(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """Why `address` may not be reached ("a private address"), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address.version == net.version and address in net for net in allowed):
        return None
    checks = [
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address (such as the cloud metadata service)"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "the unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ]
    if isinstance(address, ipaddress.IPv6Address):
        checks.insert(0, ("is_site_local", "a site-local address"))
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "an address that is not public"
    return None


def check_url_form(url: str, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """What is wrong with `url` before any lookup (scheme, host, a literal unsafe address),
    or None. Names are checked when a delivery resolves them."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Use an http:// or https:// URL."
    if not parts.hostname:
        return "The URL needs a host name."
    if parts.username or parts.password:
        return "Leave user name and password out of the URL; the signature proves the sender."
    if port == 0:
        return "Port 0 cannot be reached."
    address = literal_address(parts.hostname)
    if address is not None:
        reason = unsafe_reason(address, allowed)
        if reason:
            return (
                f"{address} is {reason}: webhooks only reach public addresses "
                "(an administrator can allow a network with WEBHOOK_ALLOWED_NETWORKS)."
            )
    return None


def resolve(host: str, port: int, allowed: Iterable[IPNetwork]) -> list[IPAddress]:
    """Every address of `host`, each checked; Refused when any of them is unsafe (a name that
    also resolves to a private address could be steered there)."""
    address = literal_address(host)
    if address is not None:
        addresses = [address]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise Unreachable(f"Could not resolve {host}: {error}") from None
        addresses = list(
            dict.fromkeys(ipaddress.ip_address(i[4][0].partition("%")[0]) for i in infos)
        )
    if not addresses:
        raise Unreachable(f"{host} has no address.")
    for address in addresses:
        reason = unsafe_reason(address, allowed)
        if reason:
            shown = host if str(address) == host.strip("[]") else f"{host} ({address})"
            raise Refused(
                f"Refused: {shown} is {reason}. Webhooks only reach public addresses "
                "unless an administrator allows the network (WEBHOOK_ALLOWED_NETWORKS)."
            )
    return addresses


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allowed: Iterable[IPNetwork] = (),
    limits: Limits = Limits(),  # noqa: B008 - frozen
) -> Answer:
    """POST `body` to `url` through the guard, following redirects (each one checked)."""
    allowed = tuple(allowed)
    deadline = time.monotonic() + limits.total_seconds
    for _hop in range(limits.max_redirects + 1):
        problem = check_url_form(url, allowed)
        if problem:
            raise Refused(f"Refused {url}: {problem}")
        answer, location = _post_once(url, body, headers, allowed, limits, deadline)
        if location is None:
            return answer
        url = urljoin(url, location)
    raise Unreachable(f"More than {limits.max_redirects} redirects; the last one to {url}.")


def _post_once(url, body, headers, allowed, limits, deadline) -> tuple[Answer, str | None]:
    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = port == (443 if parts.scheme == "https" else 80)
    host_header = host if ":" not in host else f"[{host}]"
    if not default_port:
        host_header += f":{port}"
    last_error: Exception | None = None
    for address in resolve(host, port, allowed):
        pool = _pool(parts.scheme, address, port, host, limits, deadline)
        try:
            response = pool.urlopen(
                "POST",
                path,
                body=body,
                headers={**headers, "Host": host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except NewConnectionError as error:
            last_error = error  # not connected, nothing sent: the next address may answer
            continue
        except Urllib3Error as error:
            raise Unreachable(_describe(error, url)) from None
        finally:
            pool.close()
        try:
            content = _read_bounded(response, limits.max_response_bytes, deadline)
        finally:
            response.release_conn()
            response.close()
        location = response.headers.get("Location") if response.status in REDIRECTS else None
        return Answer(response.status, content, url), location
    raise Unreachable(_describe(last_error, url))


def _pool(scheme, address, port, host, limits, deadline) -> urllib3.HTTPConnectionPool:
    remaining = max(0.1, deadline - time.monotonic())
    timeout = urllib3.Timeout(
        connect=min(limits.connect_timeout, remaining), read=min(limits.read_timeout, remaining)
    )
    if scheme == "https":
        # Connect to the checked address; the certificate must still be the name's.
        return urllib3.HTTPSConnectionPool(
            str(address),
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            assert_hostname=host,
            server_hostname=host,
        )
    return urllib3.HTTPConnectionPool(str(address), port, timeout=timeout, retries=False, maxsize=1)


def _read_bounded(response, limit: int, deadline: float) -> bytes:
    """At most `limit` bytes of the answer, stopping at the deadline (a receiver dripping its
    answer a byte at a time cannot hold the worker)."""
    chunks, size = [], 0
    try:
        while size < limit and time.monotonic() < deadline:
            chunk = response.read(min(8192, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Urllib3Error:
        pass  # the status is what counts; the excerpt is only shown
    return b"".join(chunks)


def _describe(error: Exception | None, url: str) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason)
    if "timed out" in text.lower():
        return f"Timed out: {url} did not answer in time."
    return f"Could not reach {url}: {text}"
