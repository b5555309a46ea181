"""Where the daemon may connect, and how URLs are shown (RELIABILITY: SSRF, secrets).

One address policy for feed and webhook URLs: loopback, private, link-local, reserved,
unspecified and multicast addresses are internal, in every spelling a resolver accepts
(`127.1`, `2130706433`, `0x7f000001`, `017700000001`, `0`, `::ffff:127.0.0.1`). It is applied
to the URL's host at load and, at connect time, to every address the host resolves to
(`resolve_checked`); the connection is then made to that checked address, never to a second
lookup (see `monitor.fetch.PinnedTransport`).

Name lookups go through the running event loop's `getaddrinfo`: the one seam a test replaces
to play a resolver that changes its answer (DNS rebinding).

`mask_credentials` is the one helper that hides `user:password@` in URLs wherever a URL or a
message holding one is shown (status, logs, digests, config errors); it also hides the
secrets registered with `register_secret_url` (the tokens in Apprise URLs' paths, hosts and
queries, which no pattern can tell from ordinary words).
"""

from __future__ import annotations

import ipaddress
import re
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
LOCAL_NAMES = ("localhost", "localhost.localdomain")
# what inet_aton reads: 1 to 4 parts, each decimal, 0x-hex or 0-octal (127.1, 0x7f000001)
_INET_ATON = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*(?:@[^/?#\s@]*)*@")


class AddressRefused(Exception):
    """A host that is, or resolves to, an internal address the policy refuses."""


def host_ip(host: str) -> IPAddress | None:
    """The address an IP literal host names, in any spelling a resolver reads; else None."""
    h = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    if _INET_ATON.match(h):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None


def is_internal_ip(ip: IPAddress) -> bool:
    """True for any address that is not public unicast: loopback, private, link-local,
    reserved, unspecified, shared (100.64/10), multicast. An IPv4-mapped IPv6 address is
    judged by the IPv4 address it carries."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def is_internal_host(host: str) -> bool:
    """True for localhost names and internal IP literals (any spelling). A DNS name is
    judged by what it resolves to, at connect time (`resolve_checked`)."""
    h = host.lower().rstrip(".")
    if h in LOCAL_NAMES or h.endswith(".localhost"):
        return True
    ip = host_ip(h)
    return ip is not None and is_internal_ip(ip)


async def resolve_checked(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to now, each checked against the policy (unless
    `allow_private`); the caller connects to one of these, not to a fresh lookup.
    Raises AddressRefused for an internal address, OSError when the name does not resolve."""
    try:  # an address written plainly needs no lookup (other spellings go to the resolver)
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if not allow_private and is_internal_ip(literal):
            raise AddressRefused(f"refused: internal address {literal}")
        return [host]
    import asyncio  # here: `replay` imports this module (through config) but never resolves

    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        ip = ipaddress.ip_address(address.partition("%")[0])
        if not allow_private and is_internal_ip(ip):
            raise AddressRefused(f"refused: {host} resolves to internal address {ip}")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"{host} resolves to no address")
    return addresses


_SECRETS: set[str] = set()
_SECRET_MIN = 12  # a token in a path, host or query is at least this long (not a word)


def register_secret_url(url: str) -> None:
    """Remember the secret parts of a URL that holds them (an Apprise URL: a password, a
    token as host, path segment or query value), so that `mask_credentials` hides them in
    every line shown from now on in this process."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    url = url.strip()
    if not url:
        return
    parts = {url}
    try:
        u = urlsplit(url)
        host_etc = u.netloc.rsplit("@", 1)[-1]
        user, _, password = u.netloc.rpartition("@")[0].partition(":")
    except ValueError:
        _SECRETS.add(url)
        return
    if password:
        parts |= {password, unquote(password)}
    parts |= {p for p in (user, host_etc.split(":")[0]) if "." not in p and len(p) >= _SECRET_MIN}
    parts |= {seg for seg in u.path.split("/") if len(seg) >= _SECRET_MIN}
    parts |= {v for _k, v in parse_qsl(u.query) if len(v) >= _SECRET_MIN}
    _SECRETS.update(p for p in parts if len(p) >= 3)


def mask_credentials(text: str) -> str:
    """`text` with the `user:password@` of every URL in it shown as `***@`, and every
    registered secret as `***`."""
    if "@" in text:
        text = _USERINFO.sub(r"\1***@", text)
    if _SECRETS:
        for secret in sorted(_SECRETS, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, "***")
    return text
