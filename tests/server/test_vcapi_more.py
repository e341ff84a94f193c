"""The VC API additions: enveloped credentials and presentations verified, ``vc+jwt`` and
OB 3.0 JWT issue routes, ``options.checks``, and ``GET /identifiers/{did}``.

Specification text these tests hold the service to:

* VC Data Model 2.0 §4.13 (Securing Mechanisms): an ``EnvelopedVerifiableCredential``'s ``id``
  is a ``data:`` URL expressing the secured credential, e.g.
  ``data:application/vc+jwt,eyJ...``; the VC API's ``VerifiableCredentialResponse`` is a
  ``verifiableCredential`` that is a credential with a proof or such an enveloped credential.
* VC JOSE-COSE 1.0 §3.1.1: "The unsecured verifiable credential is the unencoded JWS
  payload"; the ``typ`` header parameter SHOULD be ``vc+jwt``; when present, ``cty`` SHOULD
  be ``vc``.
* DID Resolution, HTTP(S) binding: the error type decides the status code (INVALID_DID 400,
  NOT_FOUND 404, REPRESENTATION_NOT_SUPPORTED 406, METHOD_NOT_SUPPORTED 501); with
  ``Accept: application/did-resolution`` the body is a DID resolution result, otherwise the
  DID document in the requested representation with that ``Content-Type``.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import IO, Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.keys._multikey import encode_multikey
from microcred.server import ServerConfig, create_app

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED = mc.keys.generate("Ed25519")
P256 = mc.keys.generate("P-256")
HOLDER = mc.keys.generate("Ed25519")
SUBJECT_CONTEXT = {"name": "https://schema.org/name", "Course": "https://schema.org/Course"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    config = ServerConfig.from_keys([ED, P256])
    with TestClient(create_app(config), raise_server_exceptions=False) as test_client:
        yield test_client


def _credential(issuer: str = ED.did, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b7f4e1c-2a3d-4c5e-8f90-1a2b3c4d5e6f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Exempeluniversitetet"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Basic Swedish",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "type": ["Achievement"],
                "name": "Basic Swedish",
                "criteria": {"narrative": "Pass the written examination."},
            },
        },
        **extra,
    }


def _envelope(token: str, kind: str = "vc") -> dict[str, Any]:
    name = "EnvelopedVerifiableCredential" if kind == "vc" else "EnvelopedVerifiablePresentation"
    return {"@context": VC_V2, "type": name, "id": f"data:application/{kind}+jwt,{token}"}


def _vp_jwt(credentials: list[Any]) -> str:
    from jwcrypto import jwk, jws

    presentation = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": credentials,
    }
    signer = jws.JWS(json.dumps(presentation).encode())
    private = jwk.JWK(**{k: v for k, v in HOLDER.private_jwk().items() if k != "kid"})
    header = {"alg": "EdDSA", "kid": HOLDER.verification_method, "typ": "vp+jwt", "cty": "vp"}
    signer.add_signature(private, alg="EdDSA", protected=json.dumps(header))
    token: str = signer.serialize(compact=True)
    return token


# ------------------------------------------------------------------- issuing as a JWT


def test_the_vc_jwt_route_answers_an_enveloped_credential(client: TestClient) -> None:
    response = client.post("/vc-jwt/credentials/issue", json={"credential": _credential()})
    assert response.status_code == 201, response.text
    issued = response.json()["verifiableCredential"]
    assert issued["type"] == "EnvelopedVerifiableCredential"
    assert issued["@context"] == VC_V2
    assert issued["id"].startswith("data:application/vc+jwt,")
    token = issued["id"].split(",", 1)[1]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "vc+jwt"
    assert header["cty"] == "vc"
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert payload == _credential()  # the payload is the credential (VC JOSE-COSE §3.1.1)
    verified = client.post("/credentials/verify", json={"verifiableCredential": issued})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True


def test_a_named_route_signs_with_its_key(client: TestClient) -> None:
    response = client.post(
        "/vc-jwt/ecdsa-rdfc-2019/credentials/issue", json={"credential": _credential(P256.did)}
    )
    assert response.status_code == 201, response.text
    token = response.json()["verifiableCredential"]["id"].split(",", 1)[1]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256"
    assert header["kid"] == P256.verification_method


def test_the_ob3_jwt_route_answers_the_compact_token(client: TestClient) -> None:
    response = client.post("/ob3-jwt/credentials/issue", json={"credential": _credential()})
    assert response.status_code == 201, response.text
    token = response.json()["verifiableCredential"]
    assert isinstance(token, str)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    # OB 3.0 §8.2: the JWT payload is the credential, registered claims beside its members,
    # and "Additional JOSE Headers are NOT allowed"
    assert header == {"alg": "EdDSA", "kid": ED.verification_method, "typ": "JWT"}
    assert "vc" not in payload
    assert {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub")} == (
        _credential()
    )
    assert payload["iss"] == ED.did
    assert payload["jti"] == _credential()["id"]
    verified = client.post("/credentials/verify", json={"verifiableCredential": token})
    assert verified.status_code == 200, verified.text


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"credential": _credential("did:example:other")}, 400, "is not this route's issuer"),
        ({"credential": {**_credential(), "proof": {}}}, 400, "already has a proof"),
        ({"credential": _credential(), "options": {"cryptosuite": "x"}}, 400, "takes no options"),
        (
            {
                "credential": {
                    **_credential(),
                    "@context": ["https://www.w3.org/2018/credentials/v1"],
                    "issuanceDate": "2026-01-01T00:00:00Z",
                }
            },
            400,
            "VC Data Model 2.0",
        ),
        ({"credential": _credential(), "extra": 1}, 400, "unexpected member"),
    ],
)
def test_the_vc_jwt_route_refuses_what_it_cannot_sign(
    client: TestClient, body: dict[str, Any], status: int, detail: str
) -> None:
    response = client.post("/vc-jwt/credentials/issue", json=body)
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_an_unknown_jwt_route_is_404(client: TestClient) -> None:
    response = client.post("/vc-jwt/no-such/credentials/issue", json={"credential": _credential()})
    assert response.status_code == 404


# -------------------------------------------------------------- verifying envelopes


def test_an_enveloped_presentation_is_verified_with_its_credentials(client: TestClient) -> None:
    issued = client.post("/vc-jwt/credentials/issue", json={"credential": _credential()})
    inner = issued.json()["verifiableCredential"]
    presentation = _envelope(_vp_jwt([inner]), "vp")
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["credentials"][0]["verified"] is True


def test_a_hostile_envelope_is_a_named_failure(client: TestClient) -> None:
    hostile = {"@context": VC_V2, "type": "EnvelopedVerifiableCredential", "id": "data:x/y,abc"}
    response = client.post("/credentials/verify", json={"verifiableCredential": hostile})
    assert response.status_code == 400
    assert [e["id"] for e in response.json()["errors"]] == ["envelope"]


def test_an_enveloped_presentation_sent_as_a_credential_is_refused(client: TestClient) -> None:
    presentation = _envelope(_vp_jwt([]), "vp")
    response = client.post("/credentials/verify", json={"verifiableCredential": presentation})
    assert response.status_code == 400
    assert "goes to /presentations/verify" in response.json()["detail"]


# --------------------------------------------------------------------- options.checks


def _with_status() -> dict[str, Any]:
    credential = _credential(
        credentialStatus={
            "id": "https://status.example/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://status.example/1",
        }
    )
    signed: dict[str, Any] = mc.issue(credential, ED)
    return signed


def test_checks_without_credential_status_leave_status_unchecked(client: TestClient) -> None:
    signed = _with_status()
    default = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert default.status_code == 400  # the service has no list for it: indeterminate
    assert default.json()["outcome"] == "indeterminate"
    narrowed = client.post(
        "/credentials/verify",
        json={"verifiableCredential": signed, "options": {"checks": ["proof"]}},
    )
    assert narrowed.status_code == 200, narrowed.text
    body = narrowed.json()
    assert [c["status"] for c in body["checks"] if c["id"] == "status"] == ["skipped"]
    assert any(w["id"] == "status" for w in body["warnings"])
    both = client.post(
        "/credentials/verify",
        json={"verifiableCredential": signed, "options": {"checks": ["proof", "credentialStatus"]}},
    )
    assert both.json()["outcome"] == "indeterminate"


@pytest.mark.parametrize(
    ("checks", "detail"),
    [
        (["proof", "telepathy"], "unknown check(s) in options.checks: telepathy"),
        (["credentialStatus"], 'must include "proof"'),
        ("proof", "must be a list"),
    ],
)
def test_bad_checks_are_refused(client: TestClient, checks: Any, detail: str) -> None:
    signed = mc.issue(_credential(), ED)
    for path, member in (
        ("/credentials/verify", "verifiableCredential"),
        ("/presentations/verify", "verifiablePresentation"),
    ):
        response = client.post(path, json={member: signed, "options": {"checks": checks}})
        assert response.status_code == 400
        assert detail in response.json()["detail"]


# ------------------------------------------------------------------- DID resolution


def test_a_did_key_resolves_to_a_resolution_result_by_default(client: TestClient) -> None:
    response = client.get(f"/identifiers/{ED.did}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/did-resolution")
    body = response.json()
    assert body["didDocument"]["id"] == ED.did
    assert body["didResolutionMetadata"]["contentType"] == "application/did+ld+json"
    assert body["didDocumentMetadata"] == {}


@pytest.mark.parametrize(
    "media", ["application/did+ld+json", "application/did+json", "application/did"]
)
def test_the_document_alone_in_the_requested_representation(client: TestClient, media: str) -> None:
    response = client.get(f"/identifiers/{ED.did}", headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.json()["id"] == ED.did


def test_accept_q_values_are_honoured(client: TestClient) -> None:
    accept = "application/did-resolution;q=0.2, application/did+json;q=0.9"
    response = client.get(f"/identifiers/{ED.did}", headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/did+json")


def test_an_unoffered_representation_is_406(client: TestClient) -> None:
    response = client.get(f"/identifiers/{ED.did}", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["title"] == "representationNotSupported"
    assert response.json()["type"] == "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED"


SHORT_KEY = "did:key:" + encode_multikey("ed25519-pub", b"\x01" * 31)


@pytest.mark.parametrize(
    ("did", "status", "error", "type_uri"),
    [
        ("not-a-did", 400, "invalidDid", "INVALID_DID"),
        ("did:key:abc", 400, "invalidDid", "INVALID_DID"),
        (SHORT_KEY, 400, "invalidPublicKeyLength", "INVALID_DID"),
        ("did:example:123", 501, "methodNotSupported", "METHOD_NOT_SUPPORTED"),
        ("did:web:unknown.example", 404, "notFound", "NOT_FOUND"),
    ],
)
def test_resolution_errors_are_named_with_their_status(
    client: TestClient, did: str, status: int, error: str, type_uri: str
) -> None:
    result = client.get(f"/identifiers/{did}", headers={"Accept": "application/did-resolution"})
    assert result.status_code == status
    assert result.json()["didDocument"] is None
    problem = result.json()["didResolutionMetadata"]["error"]
    assert problem["title"] == error
    assert problem["type"] == f"https://www.w3.org/ns/did#{type_uri}"
    plain = client.get(f"/identifiers/{did}", headers={"Accept": "application/did+json"})
    assert plain.status_code == status
    assert plain.headers["content-type"].startswith("application/problem+json")
    assert plain.json()["error"] == error


def test_a_configured_did_web_document_resolves() -> None:
    web = mc.keys.generate("Ed25519", controller="did:web:issuer.example")
    document = mc.keys.did_document(web)
    config = ServerConfig.from_keys([ED], controller_documents=(document,))
    with TestClient(create_app(config)) as local:
        response = local.get(f"/identifiers/{web.did}", headers={"Accept": "application/did+json"})
    assert response.status_code == 200
    assert response.json() == document


# ------------------------------------------------ a real ``microcred serve`` process


def _read_event(stream: IO[str], event: str) -> dict[str, Any]:
    for _ in range(50):
        line = stream.readline()
        if not line:
            break
        entry: dict[str, Any] = json.loads(line)
        if entry.get("event") == event:
            return entry
    raise AssertionError(f"no {event!r} log line")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    pytest.importorskip("uvicorn", reason="the [server] extra is not installed")
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "serve", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    try:
        listening = _read_event(process.stderr, "listening")
        yield str(listening["url"])
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _call(
    url: str, data: dict[str, Any] | None = None, accept: str | None = None
) -> tuple[int, dict[str, Any]]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    request.add_header("Content-Type", "application/json")
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_real_service_issues_and_verifies_enveloped_credentials(served: str) -> None:
    status, issuers = _call(f"{served}/issuers")
    assert status == 200
    issuer = issuers["issuers"][0]["issuer"]
    status, issued = _call(
        f"{served}/vc-jwt/credentials/issue", {"credential": _credential(issuer)}
    )
    assert status == 201, issued
    envelope = issued["verifiableCredential"]
    status, report = _call(f"{served}/credentials/verify", {"verifiableCredential": envelope})
    assert status == 200, report
    presentation = _envelope(_vp_jwt([envelope]), "vp")
    status, report = _call(
        f"{served}/presentations/verify", {"verifiablePresentation": presentation}
    )
    assert status == 200, report
    assert report["credentials"][0]["verified"] is True


def test_a_real_service_names_did_resolution_errors(served: str) -> None:
    status, result = _call(f"{served}/identifiers/{SHORT_KEY}", accept="application/did-resolution")
    assert status == 400
    assert result["didResolutionMetadata"]["error"]["title"] == "invalidPublicKeyLength"
    status, result = _call(f"{served}/identifiers/did:example:1", accept="application/did+json")
    assert status == 501
    assert result["error"] == "methodNotSupported"
    status, result = _call(f"{served}/identifiers/{ED.did}", accept="application/did+ld+json")
    assert status == 200
    assert result["id"] == ED.did
