"""Which network addresses a fetch may reach: the guard against server-side request forgery.

An article or a feed may ask readaloud to fetch more URLs (its image, the feed's items). Those
must not reach the machine itself or the network it stands in (loopback, link-local including
cloud metadata at 169.254.169.254, private ranges, multicast, reserved), or a hostile page could
publish an internal service's answer. The check runs on the addresses a host name resolves to,
and the caller connects to exactly the address that was checked, so a DNS answer that changes
between check and connect (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

from ..errors import NetworkError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address inside: the inner address decides.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_6TO4 = ipaddress.ip_network("2002::/16")


class BlockedAddressError(NetworkError):
    """A fetch the article asked for would reach a non-public address."""


def address_kind(ip: IPAddress) -> str | None:
    """Why `ip` is not a public unicast address ("loopback", "private", ...), or None if it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return address_kind(inner)
    for kind in ("loopback", "link_local", "multicast", "private", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-public"
    return None


def resolve(host: str, port: int, timeout: float) -> list[tuple[int, IPAddress]]:
    """The addresses `host` resolves to, as (family, address), within `timeout` seconds.

    getaddrinfo cannot be interrupted, so it runs in a daemon thread that is abandoned when
    the deadline passes.
    """
    found: list = []
    failure: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            failure.append(exc)

    worker = threading.Thread(target=lookup, name="readaloud-dns", daemon=True)
    worker.start()
    worker.join(max(timeout, 0.0))
    if worker.is_alive():
        raise TimeoutError(f"looking up {host} timed out")
    if failure:
        raise failure[0]
    addresses: list[tuple[int, IPAddress]] = []
    for family, _, _, _, sockaddr in found:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if (family, ip) not in addresses:
            addresses.append((family, ip))
    return addresses


def allowed_addresses(
    url: str, host: str, addresses: list[tuple[int, IPAddress]]
) -> list[tuple[int, IPAddress]]:
    """The public addresses among `addresses`; BlockedAddressError when there are none."""
    public = [(family, ip) for family, ip in addresses if address_kind(ip) is None]
    if not public and addresses:
        ip = addresses[0][1]
        shown = host if host == str(ip) else f"{host} ({ip})"
        raise BlockedAddressError(
            f"refused to fetch {url}: {shown} is a {address_kind(ip)} address, and an article "
            "may not make readaloud reach the local network. Pass --allow-private-urls if you "
            "trust it."
        )
    return public
