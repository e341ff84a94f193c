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


def test_the_metadata_is_json_unless_signed_metadata_is_configured(local: TestClient) -> None:
    answer = local.get(
        "/.well-known/openid-credential-issuer", headers={"Accept": "application/jwt"}
    )
    assert answer.headers["content-type"].startswith("application/json")


def test_the_section_names_the_certificate_chain(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from tests._pki import name, root_and_leaf

    from microcred.jose import decode_unverified

    root, leaf, leaf_key = root_and_leaf(
        name("Root"), name("Issuer"), san="https://issuer.example", now=datetime.now(timezone.utc)
    )
    pem = leaf_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from microcred.keys import KeyPair

    key = KeyPair.from_cryptography(load_pem_private_key(pem, None))  # type: ignore[arg-type]
    files = {
        "issuer.json": key.to_json(),
        "chain.pem": (leaf.public_bytes(Encoding.PEM) + root.public_bytes(Encoding.PEM)).decode(),
    }
    path = _write(
        tmp_path,
        {"base_url": "https://issuer.example", "key": "issuer.json", "x5c": ["chain.pem"]},
        **files,
    )
    with TestClient(create_app(load_config(path)), client=LOCAL) as client:
        signed = client.get(
            "/.well-known/openid-credential-issuer", headers={"Accept": "application/jwt, */*"}
        )
        assert signed.headers["content-type"].startswith("application/jwt")
        header, payload = decode_unverified(signed.text)
        assert len(header["x5c"]) == 2
        assert payload["sub"] == "https://issuer.example"
        plain = client.get("/.well-known/openid-credential-issuer")
        assert plain.json()["credential_issuer"] == "https://issuer.example"
    bad = _write(tmp_path, {"x5c": ["issuer.json"]})
    with pytest.raises(ConfigError, match="no PEM certificate"):
        load_config(bad)


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


def test_an_offer_is_redeemed_with_dpop_over_http(local: TestClient) -> None:
    offer = _offer(local)
    received = redeem_offer(
        offer["uri"], generate("P-256"), http=_http(local), dpop=generate("P-256")
    )
    assert len(received) == 3
    # a DPoP proof the service refuses at the credential endpoint is a 401 with a DPoP challenge
    headers = {"Authorization": "DPoP whatever", "DPoP": "a.b.c"}
    answer = local.post("/oid4vci/credential", json={}, headers=headers)
    _oauth_error(answer, 401, "invalid_token")
    two = [("DPoP", "a.b.c"), ("DPoP", "d.e.f")]
    twice = local.post("/oid4vci/token", data={"grant_type": "x"}, headers=two)
    _oauth_error(twice, 400, "invalid_dpop_proof")


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


@pytest.mark.parametrize("host", ["issuer.example", "192.0.2.1:8080"])
def test_without_a_base_url_only_a_loopback_url_is_an_issuer(host: str) -> None:
    # OpenID4VCI 1.0 §12.2.1: the Credential Issuer Identifier uses the https scheme
    with TestClient(_app(), base_url=BASE, client=LOCAL) as client:
        for method, path in (
            ("GET", "/.well-known/openid-credential-issuer"),
            ("GET", "/.well-known/oauth-authorization-server"),
            ("POST", "/oid4vci/nonce"),
            ("POST", "/oid4vci/token"),
        ):
            answer = client.request(method, path, headers={"Host": host})
            _oauth_error(answer, 400, "invalid_request")


def test_a_store_that_cannot_be_used_is_503_never_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from microcred._store import SqliteStore, StoreError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StoreError("sqlite (in memory) is unavailable: database is locked")

    app = _app()
    with TestClient(app, base_url=BASE, client=LOCAL, raise_server_exceptions=False) as client:
        monkeypatch.setattr(SqliteStore, "transaction", broken)
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x"}
        answer = client.post("/oid4vci/token", data=form)
        _oauth_error(answer, 503, "temporarily_unavailable")
        assert answer.headers["retry-after"] == "5"
        offer = client.post("/oid4vci/offers", json={"form": FORM})
        _oauth_error(offer, 503, "temporarily_unavailable")


def test_the_token_route_hands_the_attestation_headers_to_the_issuer(
    local: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microcred.errors import OAuthError
    from microcred.oid4vci import Issuer

    seen: list[dict[str, str]] = []

    def check_client(self: Issuer, headers: dict[str, str]) -> None:
        seen.append(headers)
        raise OAuthError("invalid_client", "not attested", status=401)

    monkeypatch.setattr(Issuer, "check_client", check_client)
    headers = {"OAuth-Client-Attestation": "a.b.c", "OAuth-Client-Attestation-PoP": "d.e.f"}
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "x"}
    _oauth_error(local.post("/oid4vci/token", data=form, headers=headers), 401, "invalid_client")
    assert seen == [{"oauth-client-attestation": "a.b.c", "oauth-client-attestation-pop": "d.e.f"}]


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
        ({"base_url": "ftp://x", "key": "issuer.json"}, "https URL"),
        ({"base_url": "http://issuer.example", "key": "issuer.json"}, "http only on loopback"),
        ({"base_url": "https://x/?q=1", "key": "issuer.json"}, "without query"),
        ({"base_url": "https://x", "key": "issuer.json", "configurations": ["nope"]}, "nope"),
        ({"base_url": "https://x", "key": "issuer.json", "offer_ttl": 0}, "offer_ttl"),
        ({"base_url": "http://issuer.example"}, "http only on loopback"),
        ({"tx_code_length": 40}, "tx_code_length"),
        ({"configurations": "all"}, "list of ids"),
        ({"name": ["x"]}, "locales"),
    ],
)
def test_a_bad_section_is_a_config_error(tmp_path: Path, section: Any, message: str) -> None:
    path = _write(tmp_path, section, **{"issuer.json": generate("P-256").to_json()})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)


def test_the_guides_configuration_loads(tmp_path: Path) -> None:
    """The ``oid4vci`` section docs/deliver-to-wallets.md shows is a working configuration."""
    import re
    from datetime import datetime, timezone

    from cryptography.hazmat.primitives.serialization import Encoding
    from tests._pki import name, root_and_leaf

    from microcred.keys import KeyPair

    guide = Path(__file__).resolve().parents[2] / "docs" / "deliver-to-wallets.md"
    block = re.search(r"```json\n(.*?)```", guide.read_text("utf-8"), flags=re.S)
    assert block is not None
    config = json.loads(block.group(1))
    root, leaf, leaf_key = root_and_leaf(
        name("Root"),
        name("Issuer"),
        san=config["oid4vci"]["base_url"],
        now=datetime.now(timezone.utc),
    )
    (tmp_path / "p256.json").write_text(KeyPair.from_cryptography(leaf_key).to_json())
    (tmp_path / "oid4vci-admin-token.txt").write_text(ADMIN)
    (tmp_path / "issuer-certificate.pem").write_bytes(leaf.public_bytes(Encoding.PEM))
    (tmp_path / "intermediate-ca.pem").write_bytes(root.public_bytes(Encoding.PEM))
    path = tmp_path / "service.json"
    path.write_text(json.dumps(config))
    loaded = load_config(path)
    assert loaded.oid4vci.base_url == config["oid4vci"]["base_url"]
    assert len(loaded.oid4vci.options["x5c"]) == 2
    with TestClient(create_app(loaded), client=LOCAL) as client:
        metadata = client.get("/.well-known/openid-credential-issuer").json()
        assert metadata["credential_issuer"] == config["oid4vci"]["base_url"]
