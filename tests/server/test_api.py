"""The VC API of ``microcred serve``, through Starlette's ASGI test client."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.server import ServerConfig, create_app, load_config

#: The W3C VC 2.0 examples context, which no registry package carries: a server is given
#: it as a file (ServerConfig.context_files); the W3C test suites use it.
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_CONTENT = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
LOADER = mc.jsonld.StaticLoader()
LOADER.add(EXAMPLES, EXAMPLES_CONTENT)
VC1 = [
    "https://www.w3.org/2018/credentials/v1",
    {
        "AlumniCredential": "https://example.org/AlumniCredential",
        "alumniOf": "https://schema.org/alumniOf",
    },
]

ED = mc.keys.generate("Ed25519")
P256 = mc.keys.generate("P-256")
P384 = mc.keys.generate("P-384")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    examples = tmp_path_factory.mktemp("contexts") / "examples-v2.jsonld"
    examples.write_text(json.dumps(EXAMPLES_CONTENT))
    config = ServerConfig.from_keys(
        [ED, P256, P384], max_request_bytes=64 * 1024, context_files=((EXAMPLES, examples),)
    )
    with TestClient(create_app(config), raise_server_exceptions=False) as test_client:
        yield test_client


def _credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:5d7c6e2a-7c1e-4b8e-9a33-0c2f0b0e6a41",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "alumniOf": "Exempeluniversitetet"},
        **extra,
    }


def _issue(client: TestClient, route: str, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/{route}/credentials/issue", json={"credential": credential})
    assert response.status_code == 201, response.text
    signed: dict[str, Any] = response.json()["verifiableCredential"]
    return signed


@pytest.mark.parametrize(
    ("route", "key", "cryptosuite"),
    [
        ("eddsa-rdfc-2022", ED, "eddsa-rdfc-2022"),
        ("eddsa-jcs-2022", ED, "eddsa-jcs-2022"),
        ("ecdsa-rdfc-2019", P256, "ecdsa-rdfc-2019"),
        ("ecdsa-jcs-2019", P256, "ecdsa-jcs-2019"),
        ("ecdsa-rdfc-2019/p-384", P384, "ecdsa-rdfc-2019"),
        # the W3C ECDSA suite's P-384 issuer tests issue through its first (P-256) route, so
        # the P-384 issuer routes are covered here
        ("ecdsa-jcs-2019/p-384", P384, "ecdsa-jcs-2019"),
    ],
)
def test_each_suite_route_issues_and_the_result_verifies(
    client: TestClient, route: str, key: mc.keys.KeyPair, cryptosuite: str
) -> None:
    signed = _issue(client, route, _credential(key.did))
    proof = signed["proof"]
    assert proof["cryptosuite"] == cryptosuite
    assert proof["verificationMethod"] == key.verification_method
    assert proof["proofPurpose"] == "assertionMethod"
    assert mc.verify(signed, loader=LOADER).verified
    response = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert response.json()["errors"] == []


def test_the_default_route_is_the_first_issuer(client: TestClient) -> None:
    response = client.post("/credentials/issue", json={"credential": _credential(ED.did)})
    assert response.status_code == 201
    assert response.json()["verifiableCredential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_issuers_are_listed_without_key_material(client: TestClient) -> None:
    listed = client.get("/issuers").json()["issuers"]
    routes = {entry["route"]: entry for entry in listed}
    assert routes["ecdsa-rdfc-2019/p-384"]["issuer"] == P384.did
    assert routes["eddsa-jcs-2022"]["verificationMethod"] == ED.verification_method
    assert '"d"' not in json.dumps(listed)


def _vc11(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` as VC 1.1 with URL contexts only: VC 1.1's context defines no
    ``@vocab``, so the subject keeps only its ``id`` (every other term would be undefined)."""
    credential["@context"] = [VC1[0]]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential["type"] = ["VerifiableCredential"]
    credential["credentialSubject"] = {"id": "did:example:learner"}
    return credential


def test_a_vc_11_credential_gets_the_data_integrity_context(client: TestClient) -> None:
    # URL contexts only: the usual VC 1.1 example's embedded context object is refused unless
    # the service allows inline contexts (test_inline_contexts_* below)
    signed = _issue(client, "eddsa-rdfc-2022", _vc11(_credential(ED.did)))
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert mc.verify(signed, loader=LOADER).verified


def test_created_option_is_used(client: TestClient) -> None:
    response = client.post(
        "/eddsa-rdfc-2022/credentials/issue",
        json={"credential": _credential(ED.did), "options": {"created": "2026-02-03T04:05:06Z"}},
    )
    assert response.json()["verifiableCredential"]["proof"]["created"] == "2026-02-03T04:05:06Z"


def _vc11_with_an_undefined_term(credential: dict[str, Any]) -> None:
    # URL contexts only, so that safe mode (not the refusal of embedded contexts) decides
    _vc11(credential)["undefinedTerm"] = 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.pop("credentialSubject"), "credentialSubject"),
        (lambda c: c.pop("issuer"), "issuer"),
        (lambda c: c.update(issuer=P256.did), "not this route's issuer"),
        (lambda c: c.update(type=["ExampleAlumniCredential"]), "VerifiableCredential"),
        (
            lambda c: c.update({"@context": ["https://www.w3.org/ns/credentials/examples/v2"]}),
            "first context",
        ),
        (lambda c: c.update(validFrom="2026-01-01"), "validFrom"),
        (lambda c: c.update(id="not a url"), "id must be a URL"),
        (lambda c: c.update(credentialStatus={"id": "https://example.org/status"}), "type"),
        (_vc11_with_an_undefined_term, "undefinedTerm"),
        (
            lambda c: c.update(
                {"@context": [*c["@context"], "https://example.org/unknown-context"]}
            ),
            "unknown-context",
        ),
        (lambda c: c.update(proof={"type": "DataIntegrityProof"}), "already has a proof"),
    ],
)
def test_invalid_credentials_are_refused_with_a_problem(
    client: TestClient, change: Any, expected: str
) -> None:
    credential = _credential(ED.did)
    change(credential)
    response = client.post("/eddsa-rdfc-2022/credentials/issue", json={"credential": credential})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert expected in json.dumps(problem)
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{", "not valid JSON"),
        (b"[]", "JSON object"),
        (b'{"credential": {}, "credential": {}}', "duplicate"),
        (b'{"options": {}}', "credential"),
        (b'{"credential": [], "options": {}}', "credential must be"),
        (b'{"credential": {}, "options": {"mandatoryPointers": []}}', "mandatoryPointers"),
        (b'{"credential": {}, "options": {"cryptosuite": "ecdsa-sd-2023"}}', "ecdsa-sd-2023"),
        (b'{"credential": {}, "options": {"created": "yesterday"}}', "created"),
        (b'{"credential": {}, "extra": 1}', "extra"),
    ],
)
def test_malformed_requests_are_400(client: TestClient, body: bytes, expected: str) -> None:
    response = client.post(
        "/eddsa-rdfc-2022/credentials/issue",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert expected in response.json()["detail"]


def test_unknown_route_and_method_are_json_problems(client: TestClient) -> None:
    missing = client.post("/no-such-suite/credentials/issue", json={"credential": {}})
    assert missing.status_code == 404
    assert "GET /issuers" in missing.json()["detail"]
    wrong_method = client.get("/credentials/verify")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["title"] == "Method not allowed"


def test_tampered_and_unverifiable_credentials_answer_400_with_the_report(
    client: TestClient,
) -> None:
    signed = _issue(client, "eddsa-rdfc-2022", _credential(ED.did))
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Another university"
    response = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert response.status_code == 400
    body = response.json()
    assert body["outcome"] == "invalid"
    assert body["verified"] is False
    assert {"id": "proof.signature"}.items() <= body["errors"][0].items()
    unresolvable = copy.deepcopy(signed)
    unresolvable["proof"]["verificationMethod"] = "https://example.org/keys#1"
    unresolvable["issuer"] = "https://example.org/keys"
    response = client.post("/credentials/verify", json={"verifiableCredential": unresolvable})
    assert response.status_code == 400
    assert response.json()["outcome"] == "indeterminate"


def test_jwt_credentials_are_verified(client: TestClient) -> None:
    token = mc.issue(_credential(ED.did), ED, format="jwt", loader=LOADER)
    response = client.post("/credentials/verify", json={"verifiableCredential": token})
    assert response.status_code == 200
    assert response.json()["format"] == "jwt"
    broken = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert (
        client.post("/credentials/verify", json={"verifiableCredential": broken}).status_code == 400
    )


def test_presentations_check_challenge_and_domain(client: TestClient) -> None:
    holder = mc.keys.generate("Ed25519")
    signed = _issue(client, "eddsa-rdfc-2022", _credential(ED.did))
    presentation = mc.present(
        [signed], holder, challenge="c-123", domain="https://verifier.example", loader=LOADER
    )
    good = {"challenge": "c-123", "domain": "https://verifier.example"}
    response = client.post(
        "/presentations/verify", json={"verifiablePresentation": presentation, "options": good}
    )
    assert response.status_code == 200, response.text
    wrong = {"challenge": "another", "domain": "https://verifier.example"}
    response = client.post(
        "/presentations/verify", json={"verifiablePresentation": presentation, "options": wrong}
    )
    assert response.status_code == 400
    assert any(e["id"] == "proof.challenge" for e in response.json()["errors"])
    crossed = client.post("/credentials/verify", json={"verifiableCredential": presentation})
    assert crossed.status_code == 400
    assert "presentations/verify" in crossed.json()["detail"]


def test_requests_over_the_limit_are_413_before_parsing(client: TestClient) -> None:
    big = b'{"verifiableCredential": "' + b"a" * (64 * 1024) + b'"}'
    response = client.post("/credentials/verify", content=big)
    assert response.status_code == 413
    assert response.json()["title"] == "Request too large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(100):
            yield b" " * 1024

    streamed = client.post("/credentials/verify", content=chunks())
    assert streamed.status_code == 413


def test_ten_megabytes_are_refused_with_413_by_default() -> None:
    with TestClient(create_app(ServerConfig.from_keys([ED]))) as default_client:
        response = default_client.post("/credentials/verify", content=b"x" * 10_000_000)
    assert response.status_code == 413


def test_security_headers_and_no_stack_traces(client: TestClient) -> None:
    response = client.get("/issuers")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.headers["x-request-id"]) == 16


def test_an_internal_error_is_a_plain_problem(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microcred.server import _app

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(_app, "verify_credential", broken)
    response = client.post("/credentials/verify", json={"verifiableCredential": {}})
    assert response.status_code == 500
    assert "secret" not in response.text
    assert response.json()["title"] == "Internal error"


def test_a_context_file_must_match_the_published_context(tmp_path: Any) -> None:
    from microcred.server import ConfigError

    forged = tmp_path / "examples-v2.jsonld"
    forged.write_text(json.dumps({"@context": {"@vocab": "https://attacker.example/#"}}))
    with pytest.raises(ConfigError, match=r"examples-v2\.jsonld"):
        create_app(ServerConfig.from_keys([ED], context_files=((EXAMPLES, forged),)))


def test_without_the_context_file_the_examples_context_is_refused() -> None:
    with TestClient(create_app(ServerConfig.from_keys([ED]))) as bare:
        response = bare.post("/credentials/issue", json={"credential": _credential(ED.did)})
    assert response.status_code == 400
    assert "not shipped with microcred" in response.json()["detail"]


def test_a_route_can_answer_with_the_bare_credential(tmp_path: Path) -> None:
    from microcred.server import IssuerRoute

    # issuing reads the document as verify() will, for JCS too: the examples context is needed
    examples = tmp_path / "examples-v2.jsonld"
    examples.write_text(json.dumps(EXAMPLES_CONTENT))
    config = ServerConfig(
        issuers=(IssuerRoute("bare", "eddsa-jcs-2022", ED, envelope=False),),
        context_files=((EXAMPLES, examples),),
    )
    with TestClient(create_app(config)) as bare:
        response = bare.post("/bare/credentials/issue", json={"credential": _credential(ED.did)})
        assert response.status_code == 201
        assert response.json()["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        assert bare.get("/issuers").json()["issuers"][0]["response"] == "credential"


def test_a_credential_sent_as_json_text_is_refused(client: TestClient) -> None:
    signed = _issue(client, "eddsa-rdfc-2022", _credential(ED.did))
    response = client.post("/credentials/verify", json={"verifiableCredential": json.dumps(signed)})
    assert response.status_code == 400
    assert "not JSON text" in response.json()["detail"]


V2_DIGEST_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.mark.parametrize(
    ("related", "problem"),
    [
        ({"id": V2, "digestSRI": V2_DIGEST_SRI}, None),
        ([{"id": V2, "mediaType": "application/ld+json", "digestSRI": V2_DIGEST_SRI}], None),
        ({"id": "https://example.org/page", "digestMultibase": "uAAAA"}, None),
        ([V2], "id and a digest"),
        ([{"digestSRI": V2_DIGEST_SRI}], "URL id"),
        ([{"id": V2, "digestSRI": V2_DIGEST_SRI}, {"id": V2, "digestSRI": V2_DIGEST_SRI}], "twice"),
        ([{"id": V2}], "digestSRI or a digestMultibase"),
        (
            [{"id": V2, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}],
            "published",
        ),
    ],
)
def test_related_resources(client: TestClient, related: Any, problem: str | None) -> None:
    response = client.post(
        "/eddsa-rdfc-2022/credentials/issue",
        json={"credential": _credential(ED.did, relatedResource=related)},
    )
    if problem is None:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 400
        assert problem in response.json()["detail"]


def test_a_credential_schema_needs_a_url_id(client: TestClient) -> None:
    schema = {"type": "JsonSchema"}
    response = client.post(
        "/eddsa-rdfc-2022/credentials/issue",
        json={"credential": _credential(ED.did, credentialSchema=schema)},
    )
    assert response.status_code == 400
    assert "credentialSchema needs a URL id" in response.json()["detail"]


# --- selective disclosure (ecdsa-sd-2023) ---------------------------------------------------


def _sd_credential() -> dict[str, Any]:
    credential = _credential(P256.did)
    credential["credentialSubject"] = {
        "id": "did:example:learner",
        "alumniOf": "Exempeluniversitetet",
        "name": "Alma Andersson",
    }
    return credential


def test_the_sd_route_issues_a_base_proof_the_holder_derives_and_the_verifier_accepts(
    client: TestClient,
) -> None:
    response = client.post(
        "/ecdsa-sd-2023/credentials/issue",
        json={"credential": _sd_credential(), "options": {"mandatoryPointers": ["/issuer"]}},
    )
    assert response.status_code == 201, response.text
    base = response.json()["verifiableCredential"]
    assert base["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    assert base["proof"]["proofValue"].startswith("u2V0A")  # 0xd9 0x5d 0x00
    # a base proof is for the holder: a verifier refuses it
    refused = client.post("/credentials/verify", json={"verifiableCredential": base})
    assert refused.status_code == 400
    assert "base proof" in refused.json()["detail"]

    derived = client.post(
        "/credentials/derive",
        json={
            "verifiableCredential": base,
            "options": {"selectivePointers": ["/credentialSubject/alumniOf"]},
        },
    )
    assert derived.status_code == 201, derived.text
    disclosed = derived.json()["verifiableCredential"]
    # the subject's id comes along: a disclosed value says whose it is
    assert disclosed["credentialSubject"] == {
        "id": "did:example:learner",
        "alumniOf": "Exempeluniversitetet",
    }
    assert disclosed["issuer"] == P256.did
    verified = client.post("/credentials/verify", json={"verifiableCredential": disclosed})
    assert verified.status_code == 200, verified.text

    disclosed["credentialSubject"]["alumniOf"] = "Another University"
    tampered = client.post("/credentials/verify", json={"verifiableCredential": disclosed})
    assert tampered.status_code == 400


@pytest.mark.parametrize(
    ("route", "options", "problem"),
    [
        ("ecdsa-sd-2023", {"mandatoryPointers": ["/credentialSubject/nothing"]}, "not match"),
        ("ecdsa-sd-2023", {"mandatoryPointers": "/issuer"}, "list of strings"),
        ("ecdsa-sd-2023", {"mandatoryPointers": ["issuer"]}, "must start with '/'"),
        ("ecdsa-rdfc-2019", {"mandatoryPointers": ["/issuer"]}, "not a selective"),
    ],
)
def test_bad_mandatory_pointers_are_refused(
    client: TestClient, route: str, options: dict[str, Any], problem: str
) -> None:
    response = client.post(
        f"/{route}/credentials/issue", json={"credential": _sd_credential(), "options": options}
    )
    assert response.status_code == 400, response.text
    assert problem in response.json()["detail"]


def test_derive_refuses_what_it_cannot_derive(client: TestClient) -> None:
    signed = _issue(client, "ecdsa-rdfc-2019", _credential(P256.did))
    response = client.post("/credentials/derive", json={"verifiableCredential": signed})
    assert response.status_code == 400
    assert "ecdsa-sd-2023 proof" in response.json()["detail"]
    response = client.post(
        "/credentials/derive",
        json={"verifiableCredential": signed, "options": {"selectivePointers": [1]}},
    )
    assert response.status_code == 400
    assert "list of strings" in response.json()["detail"]


# --- status lists and inline contexts from the configuration file ---------------------------

STATUS_URL = "https://issuer.example/status/1"


def _served(tmp_path: Path, **members: Any) -> TestClient:
    """A client of a service read from a configuration file in ``tmp_path`` with ED's routes,
    the examples context and ``members``."""
    (tmp_path / "ed.json").write_text(json.dumps(ED.private_jwk()))
    (tmp_path / "examples-v2.jsonld").write_text(json.dumps(EXAMPLES_CONTENT))
    config = {"keys": ["ed.json"], "contexts": {EXAMPLES: "examples-v2.jsonld"}, **members}
    (tmp_path / "serve.json").write_text(json.dumps(config))
    app = create_app(load_config(tmp_path / "serve.json"))
    return TestClient(app, raise_server_exceptions=False)


def _status_list(tmp_path: Path, revoked: set[int]) -> str:
    """Write ED's signed status list with the ``revoked`` entries set; return its file name."""
    bits = mc.status.Bitstring.new()
    for index in revoked:
        bits.set(index, 1)
    signed = mc.issue(mc.status.status_list_credential(ED.did, STATUS_URL, bits), ED)
    (tmp_path / "status-1.json").write_text(json.dumps(signed))
    return "status-1.json"


def _with_status(index: int) -> dict[str, Any]:
    entry = mc.status.status_entry(STATUS_URL, index)
    return mc.issue(_credential(ED.did, credentialStatus=entry), ED, loader=LOADER)


def _check(body: dict[str, Any], check_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in body["checks"] if c["id"] == check_id)
    return found


def test_a_configured_status_list_revokes_and_keeps(tmp_path: Path) -> None:
    name = _status_list(tmp_path, revoked={7})
    with _served(tmp_path, status_lists={STATUS_URL: name}) as served:
        revoked = served.post("/credentials/verify", json={"verifiableCredential": _with_status(7)})
        assert revoked.status_code == 400
        body = revoked.json()
        assert body["outcome"] == "invalid"
        assert _check(body, "status")["status"] == "failed"
        assert "revoked" in _check(body, "status")["message"]
        assert [e["id"] for e in body["errors"]] == ["status"]
        kept = served.post("/credentials/verify", json={"verifiableCredential": _with_status(8)})
        assert kept.status_code == 200, kept.text
        assert _check(kept.json(), "status")["status"] == "passed"


def test_without_status_lists_a_credential_with_a_status_is_indeterminate(
    tmp_path: Path,
) -> None:
    # the service checks status by default and never fetches a list: a credential whose
    # list is not configured cannot be said to be unrevoked
    with _served(tmp_path) as served:
        response = served.post(
            "/credentials/verify", json={"verifiableCredential": _with_status(7)}
        )
    assert response.status_code == 400
    body = response.json()
    assert body["outcome"] == "indeterminate"
    assert _check(body, "status")["status"] == "error"
    assert [e["id"] for e in body["errors"]] == ["status"]
    assert "no status list" in body["detail"]


#: An embedded context that only adds terms (as the W3C VC 2.0 test suite's fixtures do).
INLINE = {
    "ExampleAlumniCredential": "https://example.org/#ExampleAlumniCredential",
    "alumniOf": "https://schema.org/alumniOf",
}


def _with_inline_context() -> dict[str, Any]:
    credential = _credential(ED.did)
    credential["@context"] = ["https://www.w3.org/ns/credentials/v2", INLINE]
    return credential


def test_inline_contexts_are_issued_and_verified_when_allowed(tmp_path: Path) -> None:
    with _served(tmp_path, allow_inline_contexts=True) as served:
        issued = served.post(
            "/eddsa-rdfc-2022/credentials/issue", json={"credential": _with_inline_context()}
        )
        assert issued.status_code == 201, issued.text
        signed = issued.json()["verifiableCredential"]
        assert signed["@context"][1] == INLINE
        verified = served.post("/credentials/verify", json={"verifiableCredential": signed})
        assert verified.status_code == 200, verified.text
        assert _check(verified.json(), "contexts")["status"] == "passed"


def test_inline_contexts_are_refused_by_default(client: TestClient) -> None:
    issued = client.post(
        "/eddsa-rdfc-2022/credentials/issue", json={"credential": _with_inline_context()}
    )
    assert issued.status_code == 400
    problem = issued.json()
    assert [e["id"] for e in problem["errors"]] == ["contexts"]
    assert "embeds a context object" in problem["detail"]
    signed = mc.issue(_with_inline_context(), ED, allow_inline_contexts=True)
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert verified.status_code == 400
    body = verified.json()
    assert _check(body, "contexts")["status"] == "failed"
    assert body["errors"][0]["id"] == "contexts"
    assert "embeds a context object" in body["errors"][0]["message"]


# --- warnings -------------------------------------------------------------------------------

UNKNOWN_SCHEMA = {"id": "https://schemas.example/alumni.json", "type": "JsonSchema"}


def test_a_verified_credential_answers_with_its_warnings(client: TestClient) -> None:
    signed = _issue(client, "eddsa-rdfc-2022", _credential(ED.did, credentialSchema=UNKNOWN_SCHEMA))
    response = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["warnings"] == [
        {
            "id": "schema",
            "message": f"the credential's declared schema {UNKNOWN_SCHEMA['id']} is not known "
            "offline; not applied",
            "path": "$.credentialSchema",
        }
    ]
    assert _check(body, "schema")["status"] == "skipped"


def test_a_presentation_answers_with_the_warnings_of_its_credentials(client: TestClient) -> None:
    holder = mc.keys.generate("Ed25519")
    signed = _issue(client, "eddsa-rdfc-2022", _credential(ED.did, credentialSchema=UNKNOWN_SCHEMA))
    presentation = mc.present([signed], holder, loader=LOADER)  # bound to no challenge
    response = client.post("/presentations/verify", json={"verifiablePresentation": presentation})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [w["id"] for w in body["warnings"]] == ["proof.challenge", "schema"]
    assert [w["id"] for w in body["credentials"][0]["warnings"]] == ["schema"]
    assert "replay" in body["warnings"][0]["message"]
    bound = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": 1}},
    )
    assert bound.status_code == 400
    assert bound.json()["detail"] == "options.challenge must be a string"
