"""The small wallet client: what it does with an issuer's refusals and non-protocol answers."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from microcred.errors import OAuthError
from microcred.keys import generate
from microcred.oid4vci import Issuer, UrllibHttp, offer_uri, redeem_offer

from .conftest import FORM, Clock, LocalHttp


def test_the_issuers_error_reaches_the_caller(issuer: Issuer) -> None:
    offer = issuer.create_offer(FORM, tx_code=True)
    with pytest.raises(OAuthError) as caught:
        redeem_offer(offer.uri, generate("P-256"), http=LocalHttp(issuer), tx_code="000")
    assert caught.value.error == "invalid_grant"
    assert caught.value.status == 400


def test_a_redemption_by_reference_and_by_kid(issuer: Issuer, clock: Clock) -> None:
    clock.now = time.time()  # the client signs its key proofs with the real clock
    offer = issuer.create_offer(FORM, by_reference=True)
    http = LocalHttp(issuer)
    received = redeem_offer(offer.uri, generate("Ed25519"), http=http, by="kid")
    assert [r.configuration for r in received] == list(offer.offer["credential_configuration_ids"])
    assert http.calls[0] == f"/oid4vci/offers/{offer.id}"


def test_an_answer_that_is_not_json_is_invalid_response() -> None:
    def http(method: str, url: str, *, headers: Any, body: bytes | None) -> tuple[int, bytes]:
        return 200, b"<html>"

    uri = offer_uri(reference="https://issuer.example/oid4vci/offers/x")
    with pytest.raises(OAuthError) as caught:
        redeem_offer(uri, generate("P-256"), http=http)
    assert caught.value.error == "invalid_response"


def test_an_offer_without_a_pre_authorized_grant_is_refused() -> None:
    def http(method: str, url: str, *, headers: Any, body: bytes | None) -> tuple[int, bytes]:
        raise AssertionError("nothing is fetched")

    offer = {
        "credential_issuer": "https://issuer.example",
        "credential_configuration_ids": ["x"],
        "grants": {"authorization_code": {}},
    }
    with pytest.raises(OAuthError, match="no pre-authorized code grant"):
        redeem_offer(offer_uri(offer), generate("P-256"), http=http)
    assert json.dumps(offer)


def test_urllib_http_fetches_http_urls_only() -> None:
    with pytest.raises(OAuthError, match="http"):
        UrllibHttp()("GET", "file:///etc/passwd", headers={}, body=None)


def test_urllib_http_answers_a_redirect_without_following_it() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://192.0.2.1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x"
        status, _ = UrllibHttp(timeout=10)("GET", url, headers={}, body=None)
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert status == 302
