"""The opt-in fetcher (microcred.net): policy refusals and a real exchange on loopback."""

from __future__ import annotations

import http.server
from collections.abc import Iterator

import pytest
from tests._http import loopback_server

from microcred import Limits
from microcred.errors import FetchError, NetworkPolicyError
from microcred.net import Fetcher, HttpsFetcher

ACCEPT = "application/json"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ok":
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 5000)
        elif self.path == "/same-host-redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/cross-host-redirect":
            self.send_response(302)
            self.send_header("Location", "http://localhost.localdomain:1/ok")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    with loopback_server(_Handler) as url:
        yield url


def test_fetcher_satisfies_protocol() -> None:
    assert isinstance(HttpsFetcher(), Fetcher)


@pytest.mark.parametrize(
    "url",
    ["http://example.com/x", "file:///etc/passwd", "ftp://example.com/", "gopher://x/", "nonsense"],
)
def test_only_https_is_allowed_by_default(url: str) -> None:
    with pytest.raises(NetworkPolicyError):
        HttpsFetcher().fetch(url, accept=ACCEPT, max_bytes=100)


def test_credentials_in_url_are_refused() -> None:
    with pytest.raises(NetworkPolicyError):
        HttpsFetcher().fetch("https://user:pw@example.com/", accept=ACCEPT, max_bytes=10)


def test_host_allowlist() -> None:
    fetcher = HttpsFetcher(allowed_hosts=["purl.imsglobal.org"])
    with pytest.raises(NetworkPolicyError, match="not allowed"):
        fetcher.fetch("https://evil.example/ctx", accept=ACCEPT, max_bytes=10)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.0.0.1", "192.168.1.1", "169.254.169.254", "[::1]", "0.0.0.0", "172.16.0.5"],
)
def test_private_and_loopback_addresses_are_refused(host: str) -> None:
    with pytest.raises(NetworkPolicyError, match="non-public"):
        HttpsFetcher().fetch(f"https://{host}/x", accept=ACCEPT, max_bytes=10)


def test_loopback_server_is_refused_without_the_test_switch(local_server: str) -> None:
    fetcher = HttpsFetcher(allow_http=True)
    with pytest.raises(NetworkPolicyError, match="non-public"):
        fetcher.fetch(local_server + "/ok", accept=ACCEPT, max_bytes=100)


def test_fetch_and_same_host_redirect_on_loopback(local_server: str) -> None:
    fetcher = HttpsFetcher(allow_http=True, allow_private_addresses=True)
    assert fetcher.fetch(local_server + "/ok", accept=ACCEPT, max_bytes=100) == b'{"ok": true}'
    assert (
        fetcher.fetch(local_server + "/same-host-redirect", accept=ACCEPT, max_bytes=100)
        == b'{"ok": true}'
    )


def test_cross_host_redirect_is_refused(local_server: str) -> None:
    fetcher = HttpsFetcher(allow_http=True, allow_private_addresses=True)
    with pytest.raises(NetworkPolicyError, match="another origin"):
        fetcher.fetch(local_server + "/cross-host-redirect", accept=ACCEPT, max_bytes=100)


def test_redirect_loop_stops(local_server: str) -> None:
    fetcher = HttpsFetcher(
        allow_http=True, allow_private_addresses=True, limits=Limits(max_redirects=2)
    )
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.fetch(local_server + "/loop", accept=ACCEPT, max_bytes=100)


def test_size_limit_and_http_errors(local_server: str) -> None:
    fetcher = HttpsFetcher(allow_http=True, allow_private_addresses=True)
    with pytest.raises(FetchError, match="over the limit"):
        fetcher.fetch(local_server + "/big", accept=ACCEPT, max_bytes=1000)
    with pytest.raises(FetchError, match="404"):
        fetcher.fetch(local_server + "/missing", accept=ACCEPT, max_bytes=1000)
