"""Issue 24, acceptance 1 through the service: the issuer-trust answer (``trust``) in the VC API
verify answers and the verifier page's report, from the trust list and issuer registries the
service's configuration names (``trusted_issuers``, ``registries``), and clear configuration
errors at start for files that are not what they should be.

The answer is ``{"issuer": "confirmed" | "unconfirmed", "by", "name", "source"}`` beside the
VC API's ``{verified, checks, warnings, errors}``, never mixed into ``verified``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.cli import main
from microcred.server import ConfigError, ServerConfig, create_app, load_config

KEY = mc.keys.generate("Ed25519")
LISTED = mc.keys.generate("Ed25519")  # the issuer the service's trust list names
LIST_NAME = "Svenska lärosäten (test)"
CONFIRMED_NAME = "Exempeluniversitetet"


def _credential(key: mc.keys.KeyPair, name: str | None = CONFIRMED_NAME) -> dict[str, Any]:
    issuer: Any = {"id": key.did, "type": ["Profile"], "name": name} if name else key.did
    return mc.issue(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "name": "Grundläggande maskininlärning",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://uni.example/achievements/ml",
                    "type": ["Achievement"],
                    "name": "Grundläggande maskininlärning",
                    "description": "7,5 hp",
                    "criteria": {"narrative": "Godkänd tentamen"},
                },
            },
        },
        key,
    )


def _write_config(folder: Path, **members: Any) -> Path:
    key_file = folder / "issuer.json"
    key_file.write_text(json.dumps(KEY.private_jwk()))
    path = folder / "serve.json"
    path.write_text(json.dumps({"keys": ["issuer.json"], **members}))
    return path


def _trust_list(folder: Path, name: str = CONFIRMED_NAME) -> str:
    (folder / "trusted-issuers.json").write_text(
        json.dumps({"name": LIST_NAME, "issuers": [{"id": LISTED.did, "name": name}]}),
        encoding="utf-8",
    )
    return "trusted-issuers.json"


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A service whose configuration file names a trust list listing ``LISTED``."""
    folder = tmp_path_factory.mktemp("trust-service")
    config = load_config(_write_config(folder, trusted_issuers=_trust_list(folder)))
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def plain() -> Iterator[TestClient]:
    """A service configured with no trust list and no registry."""
    with TestClient(create_app(ServerConfig.from_keys([KEY])), raise_server_exceptions=False) as c:
        yield c


def _verify(client: TestClient, credential: Any) -> tuple[int, dict[str, Any]]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code != 500, response.text
    body: dict[str, Any] = response.json()
    return response.status_code, body


def test_a_did_key_issuer_is_unconfirmed_however_it_names_itself(plain: TestClient) -> None:
    status, body = _verify(plain, _credential(KEY))
    assert status == 200
    assert body["verified"] is True  # verified: some key signed it; confirmed: nothing says whose
    assert {"verified", "checks", "warnings", "errors", "trust"} <= set(body)
    trust = body["trust"]
    assert trust["issuer"] == "unconfirmed"
    assert trust["name"] is None  # the self-asserted name is never given as the confirmed one
    assert {"issuer", "by", "name", "source"} <= set(trust)
    assert "trust.name" not in {w["id"] for w in body["warnings"]}


def test_a_did_key_issuer_not_on_the_configured_list_is_unconfirmed(
    configured: TestClient,
) -> None:
    status, body = _verify(configured, _credential(KEY))
    assert status == 200
    assert body["trust"]["issuer"] == "unconfirmed"
    assert body["trust"]["name"] is None


def test_an_issuer_on_the_configured_trust_list_is_confirmed_with_the_lists_name(
    configured: TestClient,
) -> None:
    status, body = _verify(configured, _credential(LISTED))
    assert status == 200
    assert body["verified"] is True
    trust = body["trust"]
    assert trust["issuer"] == "confirmed"
    assert trust["by"] == "list"
    assert trust["name"] == CONFIRMED_NAME
    assert LIST_NAME in str(trust["source"])
    assert "trust.name" not in {w["id"] for w in body["warnings"]}  # the names agree


def test_a_mismatching_self_asserted_name_is_a_warning_in_the_answer(
    configured: TestClient,
) -> None:
    status, body = _verify(configured, _credential(LISTED, name="Kungliga Exempelhögskolan"))
    assert status == 200  # a warning never changes the outcome
    assert body["verified"] is True
    assert body["trust"]["issuer"] == "confirmed"
    assert body["trust"]["name"] == CONFIRMED_NAME  # the confirmed name, not the claimed one
    warned = [w for w in body["warnings"] if w["id"] == "trust.name"]
    assert len(warned) == 1, body["warnings"]


def test_a_failed_verification_never_confirms(configured: TestClient) -> None:
    tampered = {**_credential(LISTED), "name": "Avancerad maskininlärning"}
    status, body = _verify(configured, tampered)
    assert status == 400
    assert body["verified"] is False  # the report inside the problem
    assert body["trust"]["issuer"] == "unconfirmed"
    assert body["trust"]["name"] is None


def test_a_presentation_answer_carries_the_trust_of_its_credential(
    configured: TestClient,
) -> None:
    holder = mc.keys.generate("Ed25519")
    presentation = mc.present([_credential(LISTED)], holder, challenge="c-1")
    response = configured.post(
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": "c-1"}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["trust"]["issuer"] == "confirmed"
    assert body["trust"]["name"] == CONFIRMED_NAME


def test_the_page_report_carries_the_trust_answer(configured: TestClient) -> None:
    body = json.dumps(_credential(LISTED, name="Kungliga Exempelhögskolan")).encode()
    page = configured.post("/verifier/report", content=body).json()
    assert page["report"]["outcome"] == "verified"
    assert page["trust"]["issuer"] == "confirmed"
    assert page["trust"]["name"] == CONFIRMED_NAME
    assert page["issuer"]["name"] == "Kungliga Exempelhögskolan"  # what the credential claims
    assert "trust.name" in {w["id"] for w in page["warnings"]}
    unlisted = configured.post("/verifier/report", content=json.dumps(_credential(KEY)).encode())
    assert unlisted.json()["trust"]["issuer"] == "unconfirmed"


def test_the_trust_list_is_read_once_at_start(tmp_path: Path) -> None:
    path = _write_config(tmp_path, trusted_issuers=_trust_list(tmp_path))
    config = load_config(path)
    (tmp_path / "trusted-issuers.json").write_text("not json any more")  # read at start only
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        _, body = _verify(client, _credential(LISTED))
    assert body["trust"]["issuer"] == "confirmed"


# ------------------------------------------------ bad configuration: an error at start


@pytest.mark.parametrize(
    ("members", "files", "message"),
    [
        ({"trusted_issuers": "missing.json"}, {}, "cannot read trusted_issuers file"),
        ({"trusted_issuers": "list.json"}, {"list.json": "{not json"}, "trusted_issuers file"),
        ({"trusted_issuers": "list.json"}, {"list.json": "[1, 2]"}, "trusted_issuers file"),
        ({"trusted_issuers": 7}, {}, "trusted_issuers must be a file name"),
        ({"trusted_issuers": ["a.json"]}, {}, "trusted_issuers must be a file name"),
        ({"registries": "registry.json"}, {}, "registries must be a list of file names"),
        ({"registries": ["missing.json"]}, {}, "cannot read registry file"),
        ({"registries": ["reg.json"]}, {"reg.json": "\x00\x01"}, "registry file"),
        ({"registries": ["reg.json"]}, {"reg.json": '{"registry": 5}'}, "registry file"),
    ],
)
def test_a_bad_trust_file_is_a_clear_configuration_error_at_start(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    members: dict[str, Any],
    files: dict[str, str],
    message: str,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = _write_config(tmp_path, **members)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
    # microcred serve stops before listening: exit 2 and the message, never a traceback
    assert main(["serve", "--config", str(path), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


# ------------------------------------------------ registries and domains


REGISTERED = mc.keys.generate("Ed25519")
REGISTRY_NAME = "DCC Sandbox Registry (test)"


def _registry(folder: Path) -> str:
    """A registry file in the Digital Credentials Consortium's format."""
    (folder / "dcc-registry.json").write_text(
        json.dumps(
            {
                "meta": {"name": REGISTRY_NAME, "created": "2026-12-01T00:00:00Z"},
                "registry": {
                    REGISTERED.did: {
                        "name": "Högskolan i Exempelstad",
                        "url": "https://hig.example",
                        "location": "Exempelstad, Sverige",
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    return "dcc-registry.json"


def test_an_issuer_in_a_configured_registry_is_confirmed_with_the_registrys_name(
    tmp_path: Path,
) -> None:
    path = _write_config(tmp_path, registries=[_registry(tmp_path)])
    with TestClient(create_app(load_config(path)), raise_server_exceptions=False) as client:
        _, listed = _verify(client, _credential(REGISTERED, name="Högskolan i Exempelstad"))
        _, other = _verify(client, _credential(KEY))
    assert listed["verified"] is True
    assert listed["trust"]["issuer"] == "confirmed"
    assert listed["trust"]["by"] == "registry"
    assert listed["trust"]["name"] == "Högskolan i Exempelstad"
    assert REGISTRY_NAME in str(listed["trust"]["source"])
    assert other["trust"]["issuer"] == "unconfirmed"


def test_a_did_web_issuer_with_its_configured_did_document_is_confirmed_by_domain() -> None:
    web = mc.keys.generate("Ed25519", controller="did:web:uni.example")
    config = ServerConfig.from_keys([KEY], controller_documents=(mc.keys.did_document(web),))
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        status, body = _verify(client, _credential(web))
    assert status == 200, body
    assert body["trust"]["issuer"] == "confirmed"
    assert body["trust"]["by"] == "domain"
    assert body["trust"]["source"] == "uni.example"


def test_a_server_config_built_in_python_reads_its_trust_sources_at_once(tmp_path: Path) -> None:
    name = _trust_list(tmp_path)
    config = ServerConfig.from_keys(
        [KEY], trusted_issuers=tmp_path / name, registries=[tmp_path / _registry(tmp_path)]
    )
    assert type(config.trusted_issuers).__name__ == "TrustList"
    assert [type(r).__name__ for r in config.registries] == ["IssuerRegistry"]
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        _, body = _verify(client, _credential(LISTED))
    assert body["trust"]["by"] == "list"
    mapping = ServerConfig.from_keys([KEY], trusted_issuers={LISTED.did: CONFIRMED_NAME})
    with TestClient(create_app(mapping), raise_server_exceptions=False) as client:
        _, body = _verify(client, _credential(LISTED))
    assert body["trust"]["name"] == CONFIRMED_NAME
    with pytest.raises(ConfigError, match="trusted_issuers"):
        ServerConfig.from_keys([KEY], trusted_issuers=tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="registries"):
        ServerConfig.from_keys([KEY], registries=[b"{not json"])


def test_a_presentation_of_a_set_has_each_credentials_trust_and_none_of_its_own(
    configured: TestClient,
) -> None:
    holder = mc.keys.generate("Ed25519")
    presentation = mc.present([_credential(LISTED), _credential(KEY)], holder, challenge="c-2")
    response = configured.post(
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": "c-2"}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["trust"] is None  # a presentation names no issuer; a set has no single one
    inner = [credential["trust"]["issuer"] for credential in body["credentials"]]
    assert inner == ["confirmed", "unconfirmed"]
    page = configured.post("/verifier/report", content=json.dumps(presentation).encode())
    assert page.status_code == 200
    assert page.json()["trust"] is None


def test_microcred_serve_with_a_trust_list_confirms_over_http(tmp_path: Path) -> None:
    """The command as an operator runs it: the configuration file's trust list is named in the
    ``listening`` log line, and a real HTTP verify answer carries the confirmed issuer."""
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    pytest.importorskip("uvicorn", reason="the [server] extra is not installed")
    path = _write_config(tmp_path, trusted_issuers=_trust_list(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "serve", "--config", str(path), "--port", "0",
         "--workers", "1", "--no-page"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stderr is not None
        listening: dict[str, Any] = {}
        for _ in range(50):
            line = process.stderr.readline()
            if not line:
                break
            entry = json.loads(line)
            if entry.get("event") == "listening":
                listening = entry
                break
        assert listening, "no listening log line"
        assert listening["trust"]["trusted_issuers"] == {"name": LIST_NAME, "entries": 1}
        assert listening["trust"]["registries"] == []
        request = urllib.request.Request(
            listening["url"] + "/credentials/verify",
            data=json.dumps({"verifiableCredential": _credential(LISTED)}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
        assert body["verified"] is True
        assert body["trust"]["issuer"] == "confirmed"
        assert body["trust"]["name"] == CONFIRMED_NAME
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_trust_files_over_the_bounds_are_configuration_errors(tmp_path: Path) -> None:
    """Files are bounded (4 MiB, 20,000 entries, microcred.verify's limits): over them the
    service does not start, rather than holding or scanning an unbounded list."""
    (tmp_path / "huge.json").write_bytes(b'{"issuers": [' + b" " * (4 * 1024 * 1024 + 1) + b"]}")
    with pytest.raises(ConfigError, match=r"trusted_issuers file .*huge\.json"):
        load_config(_write_config(tmp_path, trusted_issuers="huge.json"))
    many = {f"did:example:{i}": {"name": f"Issuer {i}"} for i in range(20_001)}
    (tmp_path / "many.json").write_text(json.dumps({"meta": {"name": "big"}, "registry": many}))
    with pytest.raises(ConfigError, match=r"registry file .*many\.json"):
        load_config(_write_config(tmp_path, registries=["many.json"]))
