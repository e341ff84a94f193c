"""Network access, only when the caller opts in.

Nothing in microcred opens a socket by default. Code that may need the network (did:web,
remote contexts, status lists) takes a :class:`Fetcher`; the implementation shipped,
:class:`HttpsFetcher`, is constructed explicitly by the caller and enforces:

* ``https`` only (other schemes are refused);
* an optional host allowlist;
* no loopback, private, link-local, multicast or reserved addresses (the address is resolved
  once, checked, and then connected to directly, so DNS rebinding cannot swap it);
* redirects only to the same scheme, host and port, at most ``Limits.max_redirects``;
* a response size limit (per call) and a timeout (``Limits.network_timeout``).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import urljoin, urlsplit

from .errors import FetchError, NetworkPolicyError
from .limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    import http.client
    import ssl

# http.client, ssl and socket load with the first fetcher (microcred._connections): the
# cold start of every command that never fetches

__all__ = ["Fetcher", "HttpsFetcher"]


@runtime_checkable
class Fetcher(Protocol):
    """Fetches the body of one URL.

    Implementations raise :class:`~microcred.errors.NetworkPolicyError` when the URL is not
    allowed and :class:`~microcred.errors.FetchError` when the request fails or the response
    is over ``max_bytes``.
    """

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes: ...


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


class HttpsFetcher:
    """The opt-in network fetcher.

    Args:
        allowed_hosts: if given, the only host names that may be contacted.
        limits: ``network_timeout`` and ``max_redirects``.
        allow_private_addresses: permit loopback/private addresses (for tests against a local
            server only; never in production).
        allow_http: permit plain ``http`` (for tests against a local server only).
        ssl_context: TLS settings (default: the system trust store, certificate checks on).
    """

    def __init__(
        self,
        *,
        allowed_hosts: Iterable[str] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        allow_private_addresses: bool = False,
        allow_http: bool = False,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self._limits = limits
        self._allow_private = allow_private_addresses
        self._schemes = {"https", "http"} if allow_http else {"https"}
        if ssl_context is None:
            import ssl

            ssl_context = ssl.create_default_context()
        self._tls = ssl_context

    def _check_url(self, url: str) -> tuple[str, str, int, str]:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise NetworkPolicyError(f"malformed URL {url!r}: {exc}") from None
        if parts.scheme not in self._schemes:
            raise NetworkPolicyError(
                f"refusing {parts.scheme or 'scheme-less'} URL {url!r}: "
                f"only {', '.join(sorted(self._schemes))} is allowed"
            )
        host = (parts.hostname or "").lower()
        if not host or parts.username or parts.password:
            raise NetworkPolicyError(f"refusing URL {url!r}: no host, or credentials in the URL")
        if self._hosts is not None and host not in self._hosts:
            raise NetworkPolicyError(f"refusing URL {url!r}: host {host!r} is not allowed")
        port = port or (443 if parts.scheme == "https" else 80)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        return parts.scheme, host, port, target

    def _resolve(self, host: str, port: int) -> str:
        import socket

        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host!r}: {exc}") from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise FetchError(f"cannot resolve {host!r}")
        if not self._allow_private:
            bad = [a for a in addresses if not _address_allowed(a)]
            if bad:
                raise NetworkPolicyError(
                    f"refusing {host!r}: it resolves to a non-public address ({bad[0]})"
                )
        return addresses[0]

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        """GET ``url`` and return at most ``max_bytes`` of body (a larger body is an error)."""
        return self._exchange("GET", url, None, accept=accept, max_bytes=max_bytes)

    def post(
        self, url: str, body: bytes, *, content_type: str, accept: str, max_bytes: int
    ) -> bytes:
        """POST ``body`` (of ``content_type``) to ``url``, under the same rules as
        :meth:`fetch` (an RFC 3161 time-stamp request, ``microcred.edc.HttpTsa``)."""
        return self._exchange("POST", url, (body, content_type), accept=accept, max_bytes=max_bytes)

    def _exchange(
        self,
        method: str,
        url: str,
        upload: tuple[bytes, str] | None,
        *,
        accept: str,
        max_bytes: int,
    ) -> bytes:
        from . import _connections

        deadline = time.monotonic() + self._limits.network_timeout
        scheme, host, port, target = self._check_url(url)
        for _hop in range(self._limits.max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"timed out fetching {url!r}")
            address = self._resolve(host, port)
            conn: http.client.HTTPConnection
            if scheme == "https":
                conn = _connections.PinnedHTTPSConnection(host, address, port, remaining, self._tls)
            else:
                conn = _connections.PinnedHTTPConnection(host, address, port, remaining)
            try:
                headers = {"Accept": accept, "Host": host, "User-Agent": "microcred"}
                if upload is not None:
                    headers["Content-Type"] = upload[1]
                conn.request(
                    method, target, body=None if upload is None else upload[0], headers=headers
                )
                response = conn.getresponse()
                if response.status in (301, 302, 303, 307, 308):
                    location = response.getheader("Location") or ""
                    new_url = urljoin(f"{scheme}://{host}:{port}{target}", location)
                    new_scheme, new_host, new_port, new_target = self._check_url(new_url)
                    if (new_scheme, new_host, new_port) != (scheme, host, port):
                        raise NetworkPolicyError(
                            f"refusing redirect from {url!r} to another origin ({new_url!r})"
                        )
                    target = new_target
                    continue
                if response.status != 200:
                    raise FetchError(f"{url!r} answered HTTP {response.status}")
                declared = response.getheader("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url!r} is {declared} bytes, over the limit of {max_bytes}")
                body = response.read(max_bytes + 1)
                if len(body) > max_bytes:
                    raise FetchError(f"{url!r} is over the limit of {max_bytes} bytes")
                return body
            except (OSError, _connections.HTTPException) as exc:
                raise FetchError(f"fetching {url!r} failed: {exc}") from None
            finally:
                conn.close()
        raise FetchError(f"too many redirects fetching {url!r}")
