"""The service's OpenID4VCI routes: metadata, offers (admin), the protocol endpoints over HTTP,
OAuth error objects (never a problem document, never a 500), sizes, and the ``oid4vci``
configuration section."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")

from starlette.testclient import TestClient

from microcred.keys import generate
from microcred.oid4vci import PRE_AUTHORIZED_GRANT, key_proof, redeem_offer
from microcred.server import ConfigError, ServerConfig, create_app, load_config
from microcred.server._oid4vci import Oid4vciSettings
from microcred.verify import verify

from ..oid4vci.conftest import FORM, SD_JWT

LOCAL = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.9", 50000)
BASE = "http://127.0.0.1:8080"
ADMIN = "an-admin-token-of-32-characters!"


def _app(**settings: Any) -> Any:
    return create_app(ServerConfig.ephemeral(oid4vci=Oid4vciSettings(**settings), page=False))


@pytest.fixture(scope="module")
def app() -> Any:
    return _app(admin_token=ADMIN)


@pytest.fixture
def local(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, client=LOCAL, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def remote(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, client=REMOTE, raise_server_exceptions=False) as client:
        yield client


def _http(client: TestClient) -> Any:
    def call(method: str, url: str, *, headers: Any, body: bytes | None) -> tuple[int, bytes]:
        answer = client.request(method, url, headers=headers, content=body)
        return answer.status_code, answer.content

    return call


def _offer(client: TestClient, **options: Any) -> dict[str, Any]:
    answer = client.post("/oid4vci/offers", json={"form": FORM, **options})
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    result: dict[str, Any] = answer.json()
    return result


def _oauth_error(answer: Any, status: int, error: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = answer.json()
    assert body["error"] == error
    assert set(body) == {"error", "error_description"}
    return body


def test_the_metadata_is_at_the_well_known_paths(local: TestClient) -> None:
    metadata = local.get("/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == BASE  # no base_url: the URL requests come to
    assert metadata["credential_endpoint"] == f"{BASE}/oid4vci/credential"
    server = local.get("/.well-known/oauth-authorization-server").json()
    assert server["token_endpoint"] == f"{BASE}/oid4vci/token"


def test_an_offer_is_redeemed_over_http(local: TestClient) -> None:
    offer = _offer(local, tx_code=True, by_reference=True)
    assert offer["uri"].startswith("openid-credential-offer://?credential_offer_uri=")
    holder = generate("Ed25519")
    received = redeem_offer(offer["uri"], holder, http=_http(local), tx_code=offer["tx_code"])
    assert [r.format for r in received] == ["dc+sd-jwt", "jwt_vc_json", "ldp_vc"]
    assert all(verify(r.credential).verified for r in received)
    # single use: the offer by reference is gone, its code too
    offer_id = offer["id"]
    _oauth_error(local.get(f"/oid4vci/offers/{offer_id}"), 404, "invalid_request")


def test_token_errors_are_oauth_error_objects(local: TestClient) -> None:
    offer = _offer(local)
    code = offer["offer"]["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    assert local.post("/oid4vci/token", data=form).status_code == 200
    replay = local.post("/oid4vci/token", data=form)
    _oauth_error(replay, 400, "invalid_grant")
    assert replay.headers["cache-control"] == "no-store"
    twice = f"grant_type={PRE_AUTHORIZED_GRANT}&pre-authorized_code=a&pre-authorized_code=b"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    _oauth_error(
        local.post("/oid4vci/token", content=twice, headers=headers), 400, "invalid_request"
    )
    _oauth_error(
        local.post("/oid4vci/token", content=b"\xff\xfe", headers=headers), 400, "invalid_request"
    )


def test_the_credential_endpoint_needs_a_bearer_token(local: TestClient) -> None:
    answer = local.post("/oid4vci/credential", json={"credential_configuration_id": SD_JWT})
    _oauth_error(answer, 401, "invalid_token")
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def _access_token(client: TestClient) -> str:
    offer = _offer(client)
    code = offer["offer"]["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    token: str = client.post("/oid4vci/token", data=form).json()["access_token"]
    return token


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"a": 1, "a": 2}', b"{" * 500 + b"}" * 500, b""],
    ids=["not-json", "array", "duplicate-key", "deep", "empty"],
)
def test_a_malformed_credential_request_is_invalid_credential_request(
    local: TestClient, body: bytes
) -> None:
    headers = {"Authorization": f"Bearer {_access_token(local)}"}
    answer = local.post("/oid4vci/credential", content=body, headers=headers)
    _oauth_error(answer, 400, "invalid_credential_request")


def test_an_oversized_request_is_refused_and_nothing_is_issued(local: TestClient) -> None:
    token = _access_token(local)
    headers = {"Authorization": f"Bearer {token}"}
    nonce = local.post("/oid4vci/nonce").json()["c_nonce"]
    proof = key_proof(generate("P-256"), audience=BASE, nonce=nonce)
    body = {
        "credential_configuration_id": SD_JWT,
        "proofs": {"jwt": [proof]},
        "padding": "x" * 70_000,
    }
    answer = local.post("/oid4vci/credential", json=body, headers=headers)
    _oauth_error(answer, 413, "invalid_credential_request")
    # the token still gets the credential: nothing was issued, and the nonce is unused
    del body["padding"]
    assert local.post("/oid4vci/credential", json=body, headers=headers).status_code == 200
    big_form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x" * 70_000}
    _oauth_error(local.post("/oid4vci/token", data=big_form), 413, "invalid_request")


def test_offers_from_elsewhere_need_the_admin_token(remote: TestClient) -> None:
    _oauth_error(remote.post("/oid4vci/offers", json={"form": FORM}), 401, "invalid_token")
    wrong = {"Authorization": "Bearer not-the-admin-token-at-all"}
    _oauth_error(
        remote.post("/oid4vci/offers", json={"form": FORM}, headers=wrong), 401, "invalid_token"
    )
    right = {"Authorization": f"Bearer {ADMIN}"}
    assert remote.post("/oid4vci/offers", json={"form": FORM}, headers=right).status_code == 201


def test_a_forwarded_request_is_not_loopback(local: TestClient) -> None:
    headers = {"X-Forwarded-For": "198.51.100.7"}
    answer = local.post("/oid4vci/offers", json={"form": FORM}, headers=headers)
    _oauth_error(answer, 401, "invalid_token")


def test_without_an_admin_token_offers_are_made_from_loopback_only() -> None:
    app = _app()
    with TestClient(app, base_url=BASE, client=REMOTE) as remote:
        answer = remote.post("/oid4vci/offers", json={"form": FORM})
        _oauth_error(answer, 403, "access_denied")


@pytest.mark.parametrize(
    "body",
    [
        {"form": {"title": {"en": "x"}}},
        {"form": FORM, "tx_code": "yes"},
        {"form": FORM, "extra": 1},
        {"template": FORM},
        {"template": FORM, "row": [1]},
        {"form": FORM, "configurations": ["nope"]},
        {"form": FORM, "ttl": -1},
        [1],
    ],
)
def test_a_bad_offer_request_is_invalid_request(local: TestClient, body: Any) -> None:
    answer = local.post("/oid4vci/offers", content=json.dumps(body))
    _oauth_error(answer, 400, "invalid_request")


def test_an_offer_for_a_roster_row_over_http(local: TestClient) -> None:
    template = {k: v for k, v in FORM.items() if k != "learner"}
    answer = local.post(
        "/oid4vci/offers",
        json={"template": template, "row": {"name": "Kim Karlsson", "grade": "G"}},
    )
    assert answer.status_code == 201
    received = redeem_offer(answer.json()["uri"], generate("P-256"), http=_http(local))
    assert len(received) == 3


def test_without_oid4vci_there_are_no_routes() -> None:
    with TestClient(create_app(ServerConfig.ephemeral(page=False)), base_url=BASE) as client:
        assert client.get("/.well-known/openid-credential-issuer").status_code == 404
        assert client.post("/oid4vci/token").status_code in (404, 405)


# ---------------------------------------------------------------------- the configuration


def _write(tmp_path: Path, section: Any, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"oid4vci": section}))
    return path


def test_the_section_configures_the_issuer(tmp_path: Path) -> None:
    key = generate("P-256")
    path = _write(
        tmp_path,
        {
            "base_url": "https://issuer.example",
            "key": "issuer.json",
            "admin_token_file": "admin.txt",
            "configurations": [SD_JWT],
            "name": {"sv": "Exempeluniversitetet", "en": "Example University"},
            "tx_code_length": 8,
        },
        **{"issuer.json": key.to_json(), "admin.txt": ADMIN + "\n"},
    )
    config = load_config(path)
    assert config.oid4vci.admin_token == ADMIN
    assert config.store == str(tmp_path / "microcred-state.sqlite3")  # survives a restart
    with TestClient(create_app(config), client=LOCAL) as client:
        metadata = client.get("/.well-known/openid-credential-issuer").json()
        assert metadata["credential_issuer"] == "https://issuer.example"
        assert list(metadata["credential_configurations_supported"]) == [SD_JWT]
        assert metadata["display"][0] == {"name": "Exempeluniversitetet", "locale": "sv"}
        offer = client.post("/oid4vci/offers", json={"form": FORM, "tx_code": True}).json()
        assert len(offer["tx_code"]) == 8
        assert ADMIN not in repr(config.oid4vci)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ([], "must be a JSON object"),
        ({"colour": "red"}, "unknown member"),
        ({"admin_token": "short"}, "at least 16"),
        ({"admin_token": ADMIN, "admin_token_file": "x"}, "one of"),
        ({"admin_token_file": "missing.txt"}, "cannot read"),
        ({"key": "missing.json"}, "cannot read"),
        ({"base_url": "ftp://x", "key": "issuer.json"}, "http(s) URL"),
        ({"base_url": "https://x", "key": "issuer.json", "configurations": ["nope"]}, "nope"),
        ({"base_url": "https://x", "key": "issuer.json", "offer_ttl": 0}, "offer_ttl"),
        ({"configurations": "all"}, "list of ids"),
        ({"name": ["x"]}, "locales"),
    ],
)
def test_a_bad_section_is_a_config_error(tmp_path: Path, section: Any, message: str) -> None:
    path = _write(tmp_path, section, **{"issuer.json": generate("P-256").to_json()})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
