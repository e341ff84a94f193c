"""The HTTP connections of :class:`microcred.net.HttpsFetcher` (loaded with its first
request): each connects to the one address the fetcher resolved and checked, never to what a
second DNS lookup would give."""

from __future__ import annotations

import http.client
import socket
import ssl
from http.client import HTTPException

__all__ = ["HTTPException", "PinnedHTTPConnection", "PinnedHTTPSConnection"]


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a pre-checked address, with SNI and certificate checks for the host name."""

    def __init__(
        self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a pre-checked address (tests against a local server only)."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
