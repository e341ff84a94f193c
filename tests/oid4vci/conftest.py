"""An issuer on an in-memory store with a clock the tests move, and a wallet talking to it
in-process (no HTTP)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from microcred._store import MEMORY, SqliteStore
from microcred.errors import OAuthError
from microcred.keys import KeyPair, generate
from microcred.oid4vci import Issuer, IssuerConfig

URL = "https://issuer.example"
FORM: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "src/microcred/cli/demo_form.json").read_text("utf-8")
)
SD_JWT = "eu_micro_credential_dc_sd_jwt"
OB3_JWT = "ob3_micro_credential_jwt_vc_json"
OB3_LDP = "ob3_micro_credential_ldp_vc"


class Clock:
    """A clock at a fixed time that tests move forward."""

    def __init__(self, now: float = 1_800_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class LocalHttp:
    """The issuer's endpoints as :class:`microcred.oid4vci.Http`, in-process: what the service
    answers, without Starlette (the error objects and statuses as the routes send them)."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.calls: list[str] = []

    def _answer(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Any:
        issuer = self.issuer
        if path == "/.well-known/openid-credential-issuer":
            return issuer.metadata()
        if path == "/.well-known/oauth-authorization-server":
            return issuer.authorization_server_metadata()
        if path == "/oid4vci/token":
            return issuer.token(dict(parse_qsl(body.decode())))
        if path == "/oid4vci/nonce":
            return issuer.nonce()
        if path == "/oid4vci/credential":
            token = headers.get("Authorization", "")[7:]
            return issuer.credential(token, json.loads(body))
        if path.startswith("/oid4vci/offers/"):
            return issuer.offer_by_reference(path.rsplit("/", 1)[1])
        raise OAuthError("invalid_request", f"no route {method} {path}", status=404)

    def __call__(
        self, method: str, url: str, *, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        path = url.removeprefix(URL)
        self.calls.append(path)
        try:
            answer = self._answer(method, path, headers, body or b"")
        except OAuthError as exc:
            error = {"error": exc.error, "error_description": exc.description}
            return exc.status, json.dumps(error).encode()
        return 200, json.dumps(answer).encode()


@pytest.fixture(scope="session")
def issuer_key() -> KeyPair:
    return generate("P-256")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def issuer(issuer_key: KeyPair, clock: Clock) -> Issuer:
    return Issuer(IssuerConfig(URL, issuer_key), SqliteStore(MEMORY), clock=clock)


@pytest.fixture
def holder() -> KeyPair:
    return generate("P-256")
