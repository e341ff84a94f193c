"""The OpenID4VP verifier of ``microcred serve``, through Starlette's ASGI test client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.testclient import TestClient
from tests.oid4vp._fixtures import HOLDER, SD_JWT_VC, VERIFIER_CERT, VERIFIER_KEY, verifier_config

from microcred.oid4vp import answer_request, read_request
from microcred.server import ConfigError, ServerConfig, create_app, load_config
from microcred.server._oid4vp import DEFAULT_QUERY, Oid4vpSettings, ephemeral_settings

BASE = "https://verifier.example"
TOKEN = "rp-admin-token-0123456789"


def _app(**settings: Any) -> Any:
    oid4vp = Oid4vpSettings(verifier_config(BASE), admin_token=TOKEN, **settings)
    return create_app(ServerConfig.ephemeral(oid4vp=oid4vp))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(_app(), client=("127.0.0.1", 5000), raise_server_exceptions=False) as test:
        yield test


def _create(client: TestClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/oid4vp/requests", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    created: dict[str, Any] = answer.json()
    return created


def _fetch(client: TestClient) -> Any:
    def fetch(url: str) -> str:
        answer = client.get(url.removeprefix(BASE))
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/oauth-authz-req+jwt"
        return answer.text

    return fetch


def _post(client: TestClient, form: dict[str, str]) -> Any:
    return client.post("/oid4vp/response", data=form)


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_the_relying_party_asks_the_wallet_answers_the_result_is_read(
    client: TestClient, mode: str
) -> None:
    created = _create(client, response_mode=mode)
    assert created["uri"].startswith("openid4vp://?client_id=x509_san_dns%3Averifier.example")
    assert created["qr_svg"].startswith("data:image/svg+xml;base64,")
    result_path = created["result_uri"].removeprefix(BASE)
    assert client.get(result_path).json()["status"] == "pending"
    params = read_request(created["uri"], fetch=_fetch(client))
    assert params["dcql_query"] == DEFAULT_QUERY
    answer = _post(client, answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER))
    assert answer.status_code == 200, answer.text
    result = client.get(result_path).json()
    assert result["status"] == "verified"
    assert result["verified"] is True
    claims = {
        tuple(c["path"]): c["value"] for c in result["credentials"]["micro_credential"][0]["claims"]
    }
    assert claims[("issuer", "name")] == "Exempeluniversitetet"


def test_a_replayed_response_gets_invalid_request(client: TestClient) -> None:
    params = read_request(_create(client)["uri"], fetch=_fetch(client))
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    assert _post(client, form).status_code == 200
    again = _post(client, form)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_request",
        "error_description": "unknown, expired or already answered state",
    }


def test_another_nonce_gets_invalid_request_and_the_result_says_why(client: TestClient) -> None:
    created = _create(client)
    params = read_request(created["uri"], fetch=_fetch(client))
    form = answer_request({**params, "nonce": "old"}, {"micro_credential": SD_JWT_VC}, HOLDER)
    answer = _post(client, form)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "sdjwt.kb" in answer.json()["error_description"]
    result = client.get(created["result_uri"].removeprefix(BASE)).json()
    assert result["status"] == "rejected"
    assert not result["verified"]


def test_an_oversized_response_gets_413_and_uses_nothing_up(client: TestClient) -> None:
    params = read_request(_create(client)["uri"], fetch=_fetch(client))
    huge = {"state": params["state"], "vp_token": "x" * (1024 * 1024 + 1)}
    answer = _post(client, huge)
    assert answer.status_code == 413
    assert answer.json()["error"] == "invalid_request"
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    assert _post(client, form).status_code == 200  # the request was still open


def test_an_oversized_or_invalid_request_creation_is_refused(client: TestClient) -> None:
    big = client.post(
        "/oid4vp/requests",
        content=b"{" + b" " * 40000 + b"}",
        headers={"content-type": "application/json"},
    )
    assert big.status_code == 413
    assert big.json()["error"] == "invalid_request"
    query = {"credentials": [{**DEFAULT_QUERY["credentials"][0], "format": "mso_mdoc"}]}
    bad = client.post("/oid4vp/requests", json={"dcql_query": query})
    assert bad.status_code == 400
    assert "format must be one of" in bad.json()["error_description"]
    assert client.post("/oid4vp/requests", json={"other": 1}).status_code == 400
    assert client.post("/oid4vp/requests", json={"response_mode": "query"}).status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{}"),
        ("application/x-www-form-urlencoded", b"state=a&state=b"),
        ("application/x-www-form-urlencoded", b"\xff"),
        ("application/x-www-form-urlencoded", b"&".join(b"a%d=1" % i for i in range(20))),
        ("application/x-www-form-urlencoded", b""),
    ],
)
def test_a_malformed_response_gets_invalid_request(
    client: TestClient, content_type: str, body: bytes
) -> None:
    answer = client.post("/oid4vp/response", content=body, headers={"content-type": content_type})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_unknown_requests_and_results_are_404(client: TestClient) -> None:
    assert client.get("/oid4vp/requests/nope").json()["error"] == "invalid_request_uri"
    assert client.get("/oid4vp/requests/nope/result").status_code == 404


def test_off_loopback_creating_a_request_needs_the_admin_token() -> None:
    with TestClient(_app(), client=("192.0.2.7", 5000), raise_server_exceptions=False) as remote:
        refused = remote.post("/oid4vp/requests", json={})
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        wrong = remote.post("/oid4vp/requests", json={}, headers={"authorization": "Bearer no"})
        assert wrong.status_code == 401
        ok = remote.post("/oid4vp/requests", json={}, headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201


def test_the_page_request_and_the_webhook(monkeypatch: pytest.MonkeyPatch) -> None:
    from microcred.server import _oid4vp

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(_oid4vp, "_post_webhook", lambda url, result: sent.append((url, result)))
    app = _app(webhook="https://rp.example/results")
    with TestClient(app, client=("198.51.100.1", 1), raise_server_exceptions=False) as remote:
        created = remote.post("/verifier/wallet-request")
        assert created.status_code == 201
        params = read_request(created.json()["uri"], fetch=_fetch(remote))
        form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
        assert _post(remote, form).status_code == 200
    assert [(url, r["status"]) for url, r in sent] == [("https://rp.example/results", "verified")]


def test_the_page_creates_a_bounded_number_of_requests() -> None:
    from microcred.server._oid4vp import PAGE_REQUESTS_PER_MINUTE

    with TestClient(_app(), client=("203.0.113.9", 1), raise_server_exceptions=False) as page:
        assert page.get("/verifier/wallet").json() == {"client_id": "x509_san_dns:verifier.example"}
        answers = [
            page.post("/verifier/wallet-request") for _ in range(PAGE_REQUESTS_PER_MINUTE + 1)
        ]
    assert [a.status_code for a in answers[:-1]] == [201] * PAGE_REQUESTS_PER_MINUTE
    assert answers[-1].status_code == 429
    assert answers[-1].json()["error"] == "slow_down"


def test_without_the_verifier_there_are_no_routes() -> None:
    with TestClient(create_app(ServerConfig.ephemeral()), raise_server_exceptions=False) as plain:
        assert plain.post("/oid4vp/response", data={"a": "b"}).status_code in (404, 405)


def test_ephemeral_settings() -> None:
    dns = ephemeral_settings("http://localhost:8080")
    assert dns.verifier.client_id == "x509_san_dns:localhost"
    assert dns.ephemeral
    ip = ephemeral_settings("http://127.0.0.1:8080")
    assert ip.verifier.client_id == "redirect_uri:http://127.0.0.1:8080/oid4vp/response"


def _write_config(tmp_path: Path, section: dict[str, Any]) -> Path:
    (tmp_path / "verifier-key.json").write_text(json.dumps(VERIFIER_KEY.private_jwk()))
    cert = x509.load_der_x509_certificate(VERIFIER_CERT)
    (tmp_path / "verifier.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "token.txt").write_text(TOKEN)
    path = tmp_path / "microcred.json"
    path.write_text(json.dumps({"oid4vp": section}))
    return path


def test_the_configuration_section(tmp_path: Path) -> None:
    section = {
        "base_url": BASE,
        "key": "verifier-key.json",
        "certificates": "verifier.pem",
        "admin_token_file": "token.txt",
        "webhook": "https://rp.example/hook",
        "client_name": "Example employer",
    }
    config = load_config(_write_config(tmp_path, section))
    assert config.oid4vp is not None
    assert config.oid4vp.verifier.client_id == "x509_san_dns:verifier.example"
    assert config.oid4vp.admin_token == TOKEN
    assert config.store == str(tmp_path / "microcred-state.sqlite3")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_url": "https://other.example"}, "does not name other.example"),
        ({"prefix": "did"}, "prefix must be one of"),
        ({"extra": 1}, "unknown member"),
        ({"webhook": "ftp://x"}, "webhook must be an http"),
        ({"certificates": "token.txt"}, "holds no PEM certificate"),
    ],
)
def test_a_bad_configuration_section_is_named(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    section = {
        "base_url": BASE,
        "key": "verifier-key.json",
        "certificates": "verifier.pem",
        **change,
    }
    with pytest.raises(ConfigError, match=message):
        load_config(_write_config(tmp_path, section))


def test_serve_without_a_section_makes_an_ephemeral_verifier() -> None:
    from microcred.cli._common import CliError
    from microcred.cli._serve import _with_oid4vp

    plain = ServerConfig.ephemeral()
    assert _with_oid4vp(plain, False, "127.0.0.1", 8080, 4) == (plain, 4)
    config, workers = _with_oid4vp(plain, True, "127.0.0.1", 8080, 4)
    assert config.oid4vp is not None
    assert config.oid4vp.verifier.base_url == "http://localhost:8080"
    assert workers == 1  # no store: the state is in this process
    shared, workers = _with_oid4vp(replace(plain, store="state.sqlite3"), True, "::1", 8080, 4)
    assert workers == 4
    assert shared.oid4vp is not None
    with pytest.raises(CliError, match="fixed --port"):
        _with_oid4vp(plain, True, "127.0.0.1", 0, 1)
