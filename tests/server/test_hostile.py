"""Hostile request bodies: whatever is posted to the verifying routes, the service answers with
a JSON report or a JSON problem, never with a 500 (or a stack trace).

Hypothesis draws arbitrary JSON values, credential-shaped objects whose members (and whose
proofs' members) have every JSON type, signed credentials, presentations and JWTs with one
member replaced or removed, and compact JWTs made of arbitrary headers and payloads.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import microcred as mc
from microcred.server import ServerConfig, create_app

ED = mc.keys.generate("Ed25519")
P256 = mc.keys.generate("P-256")
HOLDER = mc.keys.generate("Ed25519")
STATUS_URL = "https://issuer.example/status/1"
V2 = "https://www.w3.org/ns/credentials/v2"

VERIFY_ROUTES = {
    "/credentials/verify": "verifiableCredential",
    "/presentations/verify": "verifiablePresentation",
}
PAGE_ROUTE = "/verifier/report"


def _credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": "urn:uuid:0b0e6a41-7c1e-4b8e-9a33-5d7c6e2a0c2f",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
        **extra,
    }


def _samples() -> list[Any]:
    """Signed inputs that the permissive service verifies: the starting points of the
    mutations."""
    status = mc.status.status_entry(STATUS_URL, 3)
    rdfc = mc.issue(_credential(ED.did), ED)
    jcs = mc.issue(_credential(P256.did, credentialStatus=status), P256, suite="ecdsa-jcs-2019")
    inline = mc.issue(
        {**_credential(ED.did), "@context": [V2, {"name": "https://schema.org/name"}]},
        ED,
        allow_inline_contexts=True,
    )
    schema = {"id": "https://schemas.example/s.json", "type": "JsonSchema"}
    with_schema = mc.issue(_credential(ED.did, credentialSchema=schema), ED)
    token = mc.issue(_credential(ED.did), ED, format="jwt")
    presentation = mc.present([rdfc, with_schema], HOLDER, challenge="c", domain="d")
    return [rdfc, jcs, inline, with_schema, token, presentation]


SAMPLES = _samples()
#: Further starting points, not signed as they stand: a presentation carrying a JWT credential
#: as an ``EnvelopedVerifiableCredential`` (with the holder's proof of another presentation).
UNSIGNED = [
    {
        **SAMPLES[-1],
        "verifiableCredential": [
            SAMPLES[0],
            {
                "@context": V2,
                "id": f"data:application/vc+jwt,{SAMPLES[4]}",
                "type": "EnvelopedVerifiableCredential",
            },
        ],
    }
]


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    """The default service, and one with a status list and inline contexts allowed (so that
    drawn inputs get further into verification)."""
    folder = tmp_path_factory.mktemp("lists")
    listed = mc.issue(
        mc.status.status_list_credential(P256.did, STATUS_URL, mc.status.Bitstring.new()), P256
    )
    (folder / "status-1.json").write_text(json.dumps(listed))
    permissive = ServerConfig.from_keys(
        [ED, P256],
        status_lists=((STATUS_URL, folder / "status-1.json"),),
        allow_inline_contexts=True,
    )
    with (
        TestClient(create_app(ServerConfig.from_keys([ED])), raise_server_exceptions=False) as a,
        TestClient(create_app(permissive), raise_server_exceptions=False) as b,
    ):
        yield {"default": a, "permissive": b}


# ------------------------------------------------------------------------------ strategies

NAMES = st.sampled_from(
    [
        "@context", "@id", "@type", "@vocab", "id", "type", "issuer", "holder", "name",
        "credentialSubject", "credentialStatus", "credentialSchema", "validFrom", "validUntil",
        "issuanceDate", "expirationDate", "proof", "verifiableCredential", "evidence",
        "statusListCredential", "statusListIndex", "statusPurpose", "achievement",
    ]
) | st.text(max_size=12)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: the body is then not JSON at all
    | st.text(max_size=30)
    | st.sampled_from(
        [
            V2, "VerifiableCredential", "VerifiablePresentation", "DataIntegrityProof",
            "eddsa-rdfc-2022", "ecdsa-jcs-2019", "ecdsa-sd-2023", "assertionMethod",
            "authentication", ED.did, ED.verification_method, "2026-01-01T00:00:00Z",
            "z3FXQ", "u2V0A", "did:web:example.org", "https://example.org/", "@json", "@id",
        ]
    )
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=5),
    max_leaves=25,
)
PROOF_MEMBERS = [
    "type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue", "created",
    "expires", "challenge", "domain", "nonce", "previousProof", "id", "@context", "jws",
]  # fmt: skip
PROOFS = st.dictionaries(st.sampled_from(PROOF_MEMBERS), JSON, max_size=len(PROOF_MEMBERS))
CREDENTIAL_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "@context": st.just([V2]) | JSON,
        "type": st.just(["VerifiableCredential"]) | st.just(["VerifiablePresentation"]) | JSON,
        "issuer": st.just(ED.did) | JSON,
        "holder": st.just(HOLDER.did) | JSON,
        "credentialSubject": JSON,
        "credentialStatus": JSON,
        "credentialSchema": JSON,
        "validFrom": JSON,
        "verifiableCredential": JSON | st.lists(st.sampled_from(SAMPLES[:5]), max_size=2),
        "proof": PROOFS | st.lists(PROOFS, max_size=3) | JSON,
    },
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every member and item inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _paths(item, (*path, index))


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A signed sample with one member or item replaced by any JSON value, or removed."""
    sample = draw(st.sampled_from(SAMPLES + UNSIGNED))
    if isinstance(sample, str):  # a JWT: change its payload and keep its header and signature
        header, payload, signature = sample.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return ".".join([header, _b64(draw(_replace_in(claims))), signature])
    return draw(_replace_in(sample))


@st.composite
def _replace_in(draw: st.DrawFn, document: Any) -> Any:
    document = copy.deepcopy(document)
    paths = list(_paths(document))
    if not paths:
        return document
    *parents, last = draw(st.sampled_from(paths))
    container = document
    for step in parents:
        container = container[step]
    if draw(st.booleans()):
        del container[last]
    else:
        container[last] = draw(JSON)
    return document


def _b64(value: Any) -> str:
    data = json.dumps(value).encode() if not isinstance(value, bytes) else value
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


JWT_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["EdDSA", "ES256", "none", "HS256"]) | JSON,
        "kid": st.just(ED.verification_method) | JSON,
        "typ": st.sampled_from(["vc+jwt", "vp+jwt", "JWT", "vc+sd-jwt"]) | JSON,
        "cty": st.sampled_from(["vc", "vp"]) | JSON,
        "jwk": st.just(ED.public_jwk()) | JSON,
        "crit": JSON,
    },
)
TOKENS = st.builds(
    lambda header, payload, signature: f"{_b64(header)}.{_b64(payload)}.{_b64(signature)}",
    JWT_HEADERS,
    CREDENTIAL_LIKE | st.fixed_dictionaries({"vc": CREDENTIAL_LIKE}) | JSON,
    st.binary(max_size=64),
)
INPUTS = JSON | CREDENTIAL_LIKE | mutated() | TOKENS
OPTIONS = st.dictionaries(
    st.sampled_from(["challenge", "domain", "checks"]) | NAMES, JSON, max_size=3
)


# ------------------------------------------------------------------------------- checking


def _assert_answer(response: Any, route: str) -> None:
    """Not a 500; a JSON report (verified) or a JSON problem, without a stack trace."""
    assert response.status_code != 500, response.text
    assert "Traceback" not in response.text
    media = response.headers["content-type"]
    body = response.json()
    assert isinstance(body, dict)
    if response.status_code == 200:
        assert media == "application/json"
        report = body["report"] if route == PAGE_ROUTE else body
        assert {"verified", "outcome", "checks", "warnings"} <= set(report)
        assert route == PAGE_ROUTE or report["verified"] is True
    else:
        assert media == "application/problem+json"
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == response.status_code
        assert response.status_code in (400, 413)
        if body["title"].startswith("Not verified"):
            assert body["verified"] is False
            assert body["errors"], body  # what was wrong, by check id


def _encode(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


HYPOTHESIS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@HYPOTHESIS
@given(
    service=st.sampled_from(["default", "permissive"]),
    route=st.sampled_from(sorted(VERIFY_ROUTES)),
    value=INPUTS,
    options=st.none() | OPTIONS | JSON,
    with_options=st.booleans(),
)
def test_the_verify_routes_never_answer_500(
    clients: dict[str, TestClient],
    service: str,
    route: str,
    value: Any,
    options: Any,
    with_options: bool,
) -> None:
    body: dict[str, Any] = {VERIFY_ROUTES[route]: value}
    if with_options:
        body["options"] = options
    response = clients[service].post(
        route, content=_encode(body), headers={"content-type": "application/json"}
    )
    _assert_answer(response, route)


@HYPOTHESIS
@given(
    service=st.sampled_from(["default", "permissive"]),
    route=st.sampled_from([*sorted(VERIFY_ROUTES), PAGE_ROUTE]),
    body=JSON | st.binary(max_size=200),
)
def test_any_body_at_all_is_answered_without_a_500(
    clients: dict[str, TestClient], service: str, route: str, body: Any
) -> None:
    content = body if isinstance(body, bytes) else _encode(body)
    response = clients[service].post(route, content=content)
    _assert_answer(response, route)


@HYPOTHESIS
@given(service=st.sampled_from(["default", "permissive"]), value=INPUTS)
def test_the_page_report_never_answers_500(
    clients: dict[str, TestClient], service: str, value: Any
) -> None:
    content = value.encode() if isinstance(value, str) else _encode(value)
    response = clients[service].post(PAGE_ROUTE, content=content)
    _assert_answer(response, PAGE_ROUTE)


@pytest.mark.parametrize("index", range(len(SAMPLES)))
def test_the_samples_themselves_are_answered(clients: dict[str, TestClient], index: int) -> None:
    """The unmutated samples reach verification proper (so the mutations start from inputs
    that verify): each is verified by the permissive service."""
    sample = SAMPLES[index]
    is_presentation = isinstance(sample, dict) and "verifiableCredential" in sample
    route = "/presentations/verify" if is_presentation else "/credentials/verify"
    body: dict[str, Any] = {VERIFY_ROUTES[route]: sample}
    if is_presentation:
        body["options"] = {"challenge": "c", "domain": "d"}
    response = clients["permissive"].post(route, json=body)
    assert response.status_code == 200, response.text
    content = sample.encode() if isinstance(sample, str) else json.dumps(sample).encode()
    page = clients["permissive"].post(PAGE_ROUTE, content=content)
    assert page.json()["report"]["verified"] is True, page.text
