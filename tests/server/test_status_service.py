"""Bitstring Status Lists on the service: credentials issued with a ``credentialStatus``, the
lists published at ``GET /status-lists/{id}``, entries changed by ``POST /credentials/status``
(bearer token), the lists held checked by ``POST /credentials/verify``; and two
``microcred serve`` processes on one database (SQLite, PostgreSQL) updating one list at once
without losing an update."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.server import (
    ConfigError,
    IssuerRoute,
    ServerConfig,
    StatusSettings,
    create_app,
    load_config,
)
from microcred.status import read_status_list

BASE = "https://issuer.example/vc"
TOKEN = "status-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KEY = mc.keys.generate("Ed25519")
OTHER = mc.keys.generate("Ed25519")


def _credential(issuer: str = KEY.did, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        **extra,
    }


def _config(tmp_path: Path, **extra: Any) -> ServerConfig:
    return ServerConfig(
        issuers=(
            IssuerRoute("uni", "eddsa-rdfc-2022", KEY, status=("revocation",)),
            IssuerRoute("plain", "eddsa-jcs-2022", KEY),
            IssuerRoute("other", "eddsa-jcs-2022", OTHER),
        ),
        status=StatusSettings(BASE, TOKEN),
        store=str(tmp_path / "state.sqlite3"),
        **extra,
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_config(tmp_path)), raise_server_exceptions=False) as test:
        yield test


def _issue(client: TestClient, route: str, **body: Any) -> dict[str, Any]:
    body.setdefault("credential", _credential())
    response = client.post(f"/{route}/credentials/issue", json=body)
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


def _entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential["credentialStatus"]
    return status if isinstance(status, list) else [status]


def _status_checks(response: Any) -> list[tuple[str, str]]:
    return [(c["status"], c["message"]) for c in response.json()["checks"] if c["id"] == "status"]


def _path(url: str) -> str:
    assert url.startswith(BASE)
    return url[len(BASE) :]


# ------------------------------------------------------------------ issuing and publishing


def test_a_route_with_status_adds_an_entry_in_a_list_it_publishes(client: TestClient) -> None:
    issued = _issue(client, "uni")
    (entry,) = _entries(issued)
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].startswith(f"{BASE}/status-lists/")
    published = client.get(_path(entry["statusListCredential"]))
    assert published.status_code == 200
    assert published.headers["content-type"] == "application/vc+ld+json"
    listed = published.json()
    assert listed["id"] == entry["statusListCredential"]
    assert mc.verify(listed).verified  # the list is signed by the credential's issuer
    assert read_status_list(listed).get(int(entry["statusListIndex"])) == 0
    assert client.post("/credentials/verify", json={"verifiableCredential": issued}).json()[
        "verified"
    ]


def test_a_status_can_be_requested_in_the_options(client: TestClient) -> None:
    wanted = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
    issued = _issue(client, "uni", options={"credentialStatus": wanted})
    assert [e["statusPurpose"] for e in _entries(issued)] == ["revocation", "suspension"]
    plain = _issue(client, "plain", options={"credentialStatus": [wanted, wanted]})
    assert [e["statusPurpose"] for e in _entries(plain)] == ["suspension"]
    assert "credentialStatus" not in _issue(client, "plain")


def test_indexes_are_never_given_twice(client: TestClient) -> None:
    indexes = {_entries(_issue(client, "uni"))[0]["statusListIndex"] for _ in range(40)}
    assert len(indexes) == 40


def test_each_issuer_has_its_own_lists(client: TestClient) -> None:
    ours = _entries(_issue(client, "uni"))[0]["statusListCredential"]
    wanted = {"credentialStatus": {"type": "BitstringStatusListEntry"}}
    theirs = _issue(client, "other", credential=_credential(OTHER.did), options=wanted)
    assert _entries(theirs)[0]["statusListCredential"] != ours
    listed = client.get(_path(_entries(theirs)[0]["statusListCredential"])).json()
    assert listed["issuer"] == OTHER.did


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"credentialStatus": {"type": "StatusList2021Entry"}}, "issues BitstringStatusListEntry"),
        (
            {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "message"}},
            "revocation or suspension",
        ),
        (
            {"credentialStatus": {"type": "BitstringStatusListEntry", "x": 1}},
            "type and statusPurpose",
        ),
        ({"credentialStatus": []}, "one to four"),
        ({"credentialStatus": "revocation"}, "type and statusPurpose"),
        ({"credentialId": 7}, "credentialId must be a string"),
    ],
)
def test_malformed_status_options_are_refused(
    client: TestClient, options: dict[str, Any], reason: str
) -> None:
    response = client.post(
        "/plain/credentials/issue", json={"credential": _credential(), "options": options}
    )
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_a_vc_1_1_credential_gets_no_bitstring_entry(client: TestClient) -> None:
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    response = client.post("/uni/credentials/issue", json={"credential": credential})
    assert response.status_code == 400
    assert "needs a VC 2.0 credential" in response.json()["detail"]


def test_without_status_configured_a_request_for_one_is_refused(tmp_path: Path) -> None:
    app = create_app(ServerConfig.from_keys([KEY]))
    with TestClient(app, raise_server_exceptions=False) as plain:
        options = {"credentialStatus": {"type": "BitstringStatusListEntry"}}
        response = plain.post(
            "/eddsa-jcs-2022/credentials/issue",
            json={"credential": _credential(), "options": options},
        )
        assert response.status_code == 400
        assert "publishes no status lists" in response.json()["detail"]
        assert plain.post("/credentials/status", json={}).status_code == 404
        assert plain.get("/status-lists/abc").status_code == 404


def test_an_unknown_list_is_404(client: TestClient) -> None:
    for path in (
        "/status-lists/0123456789abcdef",
        "/status-lists/..%2F..",
        "/status-lists/" + "a" * 90,
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


# ------------------------------------------------------------------ updating


def _update(client: TestClient, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/credentials/status", json=body, headers=AUTH if headers is None else headers
    )


def _revoke(credential_id: str) -> dict[str, Any]:
    return {
        "credentialId": credential_id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": True,
    }


def test_updates_need_the_bearer_token(client: TestClient) -> None:
    issued = _issue(client, "uni")
    missing = _update(client, _revoke(issued["id"]), headers={})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert _update(client, _revoke(issued["id"]), {"Authorization": "Basic abc"}).status_code == 401
    wrong = _update(client, _revoke(issued["id"]), {"Authorization": "Bearer " + "x" * 30})
    assert wrong.status_code == 403
    assert TOKEN not in wrong.text
    verified = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert verified.status_code == 200  # nothing was changed


def test_revoked_through_the_status_endpoint_then_refused(client: TestClient) -> None:
    issued = _issue(client, "uni")
    response = _update(client, _revoke(issued["id"]))
    assert response.status_code == 200, response.text
    assert response.json()["credentialStatus"][0]["changed"] is True
    refused = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert refused.status_code == 400
    assert refused.json()["outcome"] == "invalid"
    (status,) = _status_checks(refused)
    assert status[0] == "failed"
    assert "the credential is revoked" in status[1]
    again = _update(client, _revoke(issued["id"]))
    assert again.json()["credentialStatus"][0]["changed"] is False
    clear = _update(client, {**_revoke(issued["id"]), "status": False})
    assert clear.status_code == 400
    assert "revocation is not reversible" in clear.json()["detail"]


def test_suspension_is_reversible_and_named_by_its_entry(client: TestClient) -> None:
    wanted = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
    issued = _issue(client, "plain", options={"credentialStatus": wanted})
    (entry,) = _entries(issued)
    by_entry = {"credentialStatus": {**entry}, "status": True}  # the entry as issued
    assert _update(client, by_entry).status_code == 200
    suspended = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert "the credential is suspended" in _status_checks(suspended)[0][1]
    assert _update(client, {**by_entry, "status": False}).status_code == 200
    back = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert back.status_code == 200


def test_the_earlier_request_form_is_understood(client: TestClient) -> None:
    issued = _issue(client, "uni")
    body = {
        "credentialId": issued["id"],
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "1"}],
    }
    assert _update(client, body).status_code == 200
    refused = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert "revoked" in _status_checks(refused)[0][1]


def test_the_credential_id_option_names_a_credential_without_an_id(client: TestClient) -> None:
    credential = _credential()
    del credential["id"]
    issued = _issue(client, "uni", credential=credential, options={"credentialId": "ladok:42"})
    assert _update(client, _revoke("ladok:42")).status_code == 200
    refused = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert "revoked" in _status_checks(refused)[0][1]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ([], 400, "must be a JSON object"),
        ({"credentialId": "urn:x"}, 400, "credentialStatus must be the entry"),
        (
            {"credentialStatus": {"type": "BitstringStatusListEntry"}, "status": "yes"},
            400,
            "true or false",
        ),
        (
            {
                "credentialStatus": {"type": "RevocationList2020Status"},
                "status": True,
                "credentialId": "u",
            },
            400,
            "keeps Bitstring Status Lists",
        ),
        (
            {
                "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "refresh"},
                "status": True,
            },
            400,
            "revocation or suspension",
        ),
        (
            {"credentialStatus": {"type": "BitstringStatusList", "extra": 1}, "status": True},
            400,
            "has only id",
        ),
        (
            {"credentialStatus": {"type": "BitstringStatusList"}, "status": True},
            400,
            "name the credential",
        ),
        (
            {
                "credentialStatus": {
                    "type": "BitstringStatusList",
                    "statusListCredential": f"{BASE}/status-lists/abc",
                },
                "status": True,
            },
            400,
            "together",
        ),
        (
            {
                "credentialStatus": {
                    "type": "BitstringStatusList",
                    "statusListCredential": f"{BASE}/status-lists/abc",
                    "statusListIndex": "1" * 40,
                },
                "status": True,
            },
            400,
            "together",
        ),
        (
            {
                "credentialStatus": {
                    "type": "BitstringStatusList",
                    "statusListCredential": "https://elsewhere.example/l",
                    "statusListIndex": "1",
                },
                "status": True,
            },
            404,
            "not a status list of this service",
        ),
        (
            {
                "credentialStatus": {
                    "type": "BitstringStatusList",
                    "statusListCredential": f"{BASE}/status-lists/0123456789abcdef",
                    "statusListIndex": "1",
                },
                "status": True,
            },
            404,
            "no status list",
        ),
        (
            {
                "credentialId": "urn:uuid:never-issued",
                "credentialStatus": {"type": "BitstringStatusList"},
                "status": True,
            },
            404,
            "no credential with a revocation entry",
        ),
        (
            {"credentialStatus": [{"type": "BitstringStatusList", "status": 1}]},
            400,
            '"1", "0", true or false',
        ),
        (
            {"credentialStatus": [{"type": "BitstringStatusList", "status": "1"}] * 5},
            400,
            "one to four",
        ),
        (
            {
                "credentialStatus": {"type": "BitstringStatusList"},
                "status": True,
                "indexAllocator": "x",
            },
            400,
            "unsupported member",
        ),
        (
            {
                "credentialId": ["x"],
                "credentialStatus": {"type": "BitstringStatusList"},
                "status": True,
            },
            400,
            "credentialId must be a string",
        ),
    ],
)
def test_hostile_update_requests_get_a_named_refusal(
    client: TestClient, body: Any, status: int, reason: str
) -> None:
    response = _update(client, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]


def test_an_index_given_to_no_credential_cannot_be_set(client: TestClient) -> None:
    (entry,) = _entries(_issue(client, "uni"))
    index = (int(entry["statusListIndex"]) + 1) % 131072
    body = {
        "credentialStatus": {**entry, "statusListIndex": str(index), "id": "x"},
        "status": True,
    }
    response = _update(client, body)
    assert response.status_code == 404
    assert "was given to no credential" in response.json()["detail"]


def test_an_entry_of_another_credential_is_refused(client: TestClient) -> None:
    first, second = _issue(client, "uni"), _issue(client, "uni")
    body = {"credentialId": first["id"], "credentialStatus": _entries(second)[0], "status": True}
    response = _update(client, body)
    assert response.status_code == 400
    assert "not one the credential named by credentialId" in response.json()["detail"]


def test_a_purpose_that_does_not_match_the_list_is_refused(client: TestClient) -> None:
    (entry,) = _entries(_issue(client, "uni"))
    response = _update(
        client, {"credentialStatus": {**entry, "statusPurpose": "suspension"}, "status": True}
    )
    assert response.status_code == 400
    assert "is a revocation list, not suspension" in response.json()["detail"]


def test_an_unavailable_store_is_503_never_500(tmp_path: Path) -> None:
    app = create_app(_config(tmp_path))
    with TestClient(app, raise_server_exceptions=False) as test:
        issued = _issue(test, "uni")
        (tmp_path / "state.sqlite3").unlink()
        (tmp_path / "state.sqlite3").mkdir()  # the file is gone, a folder in its place
        for route in app.routes:  # the app's store keeps its connections open: drop them
            endpoint = getattr(route, "endpoint", None)
            owner = getattr(endpoint, "__self__", None)
            if owner is not None and hasattr(owner, "store"):
                owner.store.close()
        for response in (
            test.post("/uni/credentials/issue", json={"credential": _credential()}),
            _update(test, _revoke(issued["id"])),
        ):
            assert response.status_code == 503, response.text
            assert response.json()["title"] == "Store unavailable"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    app = create_app(_config(tmp_path_factory.mktemp("fuzz")))
    with TestClient(app, raise_server_exceptions=False) as test:
        yield test, _issue(test, "uni")


_WORDS = st.sampled_from(
    ["BitstringStatusListEntry", "BitstringStatusList", "revocation", "suspension", "message",
     "1", "0", "", "#", f"{BASE}/status-lists/", "urn:uuid:x", "\u0000", "99999999999999999999"]
)  # fmt: skip
_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12) | _WORDS
_MEMBERS = st.sampled_from(
    ["credentialId", "credentialStatus", "status", "type", "statusPurpose", "statusListIndex",
     "statusListCredential", "id", "indexAllocator"]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_MEMBERS, inner, max_size=5),
    max_leaves=15,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_VALUES, use_entry=st.booleans())
def test_no_update_request_is_answered_with_a_500(
    fuzzed: tuple[TestClient, dict[str, Any]], body: Any, use_entry: bool
) -> None:
    client, issued = fuzzed
    if use_entry and isinstance(body, dict):
        body = {**body, "credentialStatus": {**_entries(issued)[0], **body}}
    response = _update(client, body)
    assert response.status_code in (200, 400, 404), response.text
    assert response.headers["content-type"] in ("application/json", "application/problem+json")


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=st.dictionaries(st.sampled_from(["credentialStatus", "credentialId"]), _VALUES))
def test_no_status_option_is_answered_with_a_500(
    fuzzed: tuple[TestClient, dict[str, Any]], options: dict[str, Any]
) -> None:
    client, _ = fuzzed
    body = {"credential": _credential(), "options": options}
    response = client.post("/plain/credentials/issue", json=body)
    assert response.status_code in (201, 400), response.text


# ------------------------------------------------------------------ configuration


def test_the_configuration_file_sets_store_status_and_route_purposes(tmp_path: Path) -> None:
    (tmp_path / "key.json").write_text(json.dumps(KEY.private_jwk()))
    (tmp_path / "token.txt").write_text(TOKEN + "\n")
    (tmp_path / "serve.json").write_text(
        json.dumps(
            {
                "issuers": [
                    {
                        "route": "uni",
                        "suite": "eddsa-jcs-2022",
                        "key": "key.json",
                        "status": ["revocation", "suspension"],
                    }
                ],
                "status": {"base_url": BASE, "token_file": "token.txt", "ttl": 300000},
            }
        )
    )
    config = load_config(tmp_path / "serve.json")
    assert config.store == str(tmp_path / "microcred-state.sqlite3")
    assert config.status is not None
    assert config.status.token == TOKEN
    assert TOKEN not in repr(config)
    assert config.issuers[0].status == ("revocation", "suspension")
    assert (tmp_path / "microcred-state.sqlite3").exists()  # checked before listening


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"status": {"base_url": BASE}}, "one of token and token_file"),
        ({"status": {"base_url": BASE, "token": "short"}}, "at least 16 characters"),
        ({"status": {"base_url": "ftp://x", "token": TOKEN}}, "public http(s) URL"),
        ({"status": {"base_url": BASE, "token": TOKEN, "list_size": 10}}, "at least 131072"),
        ({"status": {"base_url": BASE, "token": TOKEN, "colour": 1}}, "unknown member(s) colour"),
        (
            {"status": {"base_url": BASE, "token_file": "absent.txt"}},
            "cannot read status token file",
        ),
        (
            {"store": "mysql://x/y", "status": {"base_url": BASE, "token": TOKEN}},
            "postgresql:// URL",
        ),
        (
            {
                "issuers": [
                    {
                        "route": "u",
                        "suite": "eddsa-jcs-2022",
                        "key": "key.json",
                        "status": ["revocation"],
                    }
                ]
            },
            "has no status section",
        ),
        (
            {
                "issuers": [
                    {
                        "route": "u",
                        "suite": "eddsa-jcs-2022",
                        "key": "key.json",
                        "status": ["expiry"],
                    }
                ],
                "status": {"base_url": BASE, "token": TOKEN},
            },
            "status purposes are",
        ),
    ],
)
def test_bad_status_configuration_is_refused(
    tmp_path: Path, members: dict[str, Any], reason: str
) -> None:
    (tmp_path / "key.json").write_text(json.dumps(KEY.private_jwk()))
    (tmp_path / "serve.json").write_text(json.dumps(members))
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "serve.json")
    assert reason in str(caught.value)


def test_an_unreachable_postgres_store_fails_at_start(tmp_path: Path, unused_port: int) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://issuer:hunter2hunter2@127.0.0.1:{unused_port}/state"
    (tmp_path / "serve.json").write_text(
        json.dumps({"store": url, "status": {"base_url": BASE, "token": TOKEN}})
    )
    with pytest.raises(ConfigError, match="cannot connect") as caught:
        load_config(tmp_path / "serve.json")
    assert "hunter2" not in str(caught.value)


# ------------------------------------------------------------------ real processes


def _serve(config: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A ``microcred serve`` process on ``config``, and its URL (its log goes to ``log``)."""
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "serve", "--config", str(config), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=handle,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    handle.close()
    for _ in range(600):
        for line in log.read_text(errors="replace").splitlines():
            entry = json.loads(line)
            if entry.get("event") == "listening":
                return process, str(entry["url"])
        if process.poll() is not None:
            raise AssertionError(f"microcred serve exited: {log.read_text()[-500:]}")
        time.sleep(0.1)
    process.kill()
    raise AssertionError("microcred serve did not start listening")


def _http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(params=["sqlite", "postgres"])
def two_services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two ``microcred serve`` processes of one service (one key, one store)."""
    if request.param == "postgres":
        store = request.getfixturevalue("postgres_url")
    else:
        store = "state.sqlite3"
    (tmp_path / "key.json").write_text(json.dumps(KEY.private_jwk()))
    (tmp_path / "serve.json").write_text(
        json.dumps(
            {
                "issuers": [
                    {
                        "route": "uni",
                        "suite": "eddsa-jcs-2022",
                        "key": "key.json",
                        "status": ["revocation"],
                    }
                ],
                "store": store,
                "status": {"base_url": BASE, "token": TOKEN},
                "page": False,
            }
        )
    )
    started = [_serve(tmp_path / "serve.json", tmp_path / f"serve-{n}.log") for n in (1, 2)]
    try:
        yield started[0][1], started[1][1]
    finally:
        for process, _ in started:
            process.send_signal(signal.SIGINT)
        for process, _ in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


#: Credentials issued, then revoked, through the two processes at once.
UPDATES = 1000


@pytest.mark.slow  # two service processes, 1000 updates
def test_two_processes_update_one_list_and_lose_nothing(two_services: tuple[str, str]) -> None:
    """1,000 credentials issued and then 1,000 revoked, concurrently through both processes
    of one service: every index is given once, and the published list has exactly the bits
    of the revocations made. Then one of them is refused by ``/credentials/verify``."""
    servers = two_services

    def issue(n: int) -> dict[str, Any]:
        status, body = _http(
            "POST", f"{servers[n % 2]}/uni/credentials/issue", {"credential": _credential()}
        )
        assert status == 201, body
        issued: dict[str, Any] = body["verifiableCredential"]
        return issued

    with ThreadPoolExecutor(16) as pool:
        issued = list(pool.map(issue, range(UPDATES + 1)))
    kept, revoked = issued[0], issued[1:]
    entries = [_entries(c)[0] for c in issued]
    lists = {e["statusListCredential"] for e in entries}
    assert len(lists) == 1  # one list, 131,072 entries
    indexes = [int(e["statusListIndex"]) for e in entries]
    assert len(set(indexes)) == UPDATES + 1  # allocation is atomic across processes

    def revoke(n: int) -> int:
        status, body = _http(
            "POST", f"{servers[n % 2]}/credentials/status", _revoke(revoked[n]["id"]), TOKEN
        )
        assert status == 200, body
        return int(body["credentialStatus"][0]["statusListIndex"])

    with ThreadPoolExecutor(16) as pool:
        done = set(pool.map(revoke, range(UPDATES)))
    assert done == set(indexes[1:])
    (url,) = lists
    for server in servers:
        status, listed = _http("GET", server + _path(url))
        assert status == 200
        assert mc.verify(listed).verified
        bits = read_status_list(listed).bits
        set_bits = {i for i in range(bits.entries) if bits.get(i)}
        assert set_bits == done  # none lost, none extra
    status, report = _http(
        "POST", f"{servers[1]}/credentials/verify", {"verifiableCredential": revoked[0]}
    )
    assert status == 400
    failed = [c for c in report["checks"] if c["id"] == "status"]
    assert failed[0]["status"] == "failed"
    assert "the credential is revoked" in failed[0]["message"]
    status, report = _http(
        "POST", f"{servers[0]}/credentials/verify", {"verifiableCredential": kept}
    )
    assert status == 200, report
