"""Who sent a request: its peer address, or behind our own reverse proxies, the address they
saw. Django-free: settings use `parse_networks` to refuse a bad TRUSTED_PROXIES at start-up.

Each proxy appends the address it received the request from to X-Forwarded-For, so the header
reads left to right from whatever the client wrote itself to what our proxies wrote. Only the
entries on the right written by trusted proxies can be believed: the client address is the
rightmost entry that is not one of them. The leftmost entry is whatever the client chose.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR networks ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"); a ValueError
    names the first entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def parse_address(text: str | None) -> IPAddress | None:
    """The address in one header entry or REMOTE_ADDR, None when there is none.

    Accepts what proxies are known to write besides a bare address: "1.2.3.4:5678",
    "[2001:db8::1]" and "[2001:db8::1]:443", and a zone ("fe80::1%eth0", dropped). An
    IPv4-mapped IPv6 address ("::ffff:1.2.3.4") is read as the IPv4 address it carries.
    """
    text = (text or "").strip()
    if text.startswith("["):
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and _is_port(port[1:]))):
            return None
    elif text.count(":") == 1:
        text, _, port = text.partition(":")
        if not _is_port(port):
            return None
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]
) -> str | None:
    """The client's address as text, or None when the peer address itself is unusable.

    X-Forwarded-For is read only when the peer is a trusted proxy, from the right, skipping
    trusted proxies. An entry that is not an address stops the walk: the client is then the
    last hop known (never an address of the client's choosing, never none at all, so the
    per-address throttle always has something to count).
    """
    peer = parse_address(remote_addr)
    if peer is None:
        return None
    networks = _networks(tuple(trusted_proxies))
    last_known = peer
    if _is_trusted(peer, networks):
        for entry in reversed((forwarded_for or "").split(",")):
            hop = parse_address(entry)
            if hop is None:
                break
            last_known = hop
            if not _is_trusted(hop, networks):
                break
    return str(last_known)


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) < 65536


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)
