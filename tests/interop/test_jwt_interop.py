"""JWT interop with panva/jose: tokens made by microcred verify in Node, and vice versa.

The Open Badges 3.0 form (``jwt_form="ob3"``, the default for OB 3.0 credentials) is also read
by the Node helper's own OB 3.0 §8.2 reader (``ob3-jwt-verify``): "The JWT Payload is the JSON
object of the OpenBadgeCredential with the following properties (JWT Claims)" ``exp``
("The validUntil property"), ``iss`` ("The issuer.id property"), ``jti`` ("The id property"),
``nbf`` ("The validFrom property"), ``sub`` ("The credentialSubject.id property"), and of the
JOSE header "Additional JOSE Headers are NOT allowed".
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import NodeStack
from .test_di_interop import microcredential

ALGS = [
    ("RS256", "RSA"),
    ("RS384", "RSA"),
    ("RS512", "RSA"),
    ("PS256", "RSA"),
    ("ES256", "P-256"),
    ("ES384", "P-384"),
    ("EdDSA", "Ed25519"),
]
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


@cache
def key_of(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


def private_jwk(key: keys.KeyPair) -> dict[str, Any]:
    return {k: v for k, v in key.private_jwk().items() if k != "kid"}


@pytest.mark.parametrize(("alg", "key_type"), ALGS, ids=[a for a, _ in ALGS])
@pytest.mark.parametrize("form", ["ob3", "vc-jwt", "vc+jwt"])
def test_microcred_tokens_verify_in_node(
    node_stack: NodeStack, alg: str, key_type: str, form: str
) -> None:
    key = key_of(key_type)
    credential = microcredential(key.did)
    token = mc.issue(credential, key, format="jwt", jwt_form=form, algorithm=alg)
    answer = node_stack.request(
        {
            "op": "jwt-verify",
            "token": token,
            "jwk": key.public_jwk(),
            "algorithms": [alg],
            "now": NOW.isoformat(),
        }
    )
    assert answer["verified"], answer.get("error")
    payload = answer["payload"]
    if form == "ob3":
        carried = {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub")}
    else:
        carried = payload["vc"] if form == "vc-jwt" else payload
    assert carried == credential
    if form != "vc+jwt":
        assert payload["iss"] == key.did
        assert payload["jti"] == credential["id"]
        assert payload["sub"] == "did:example:learner"
        assert answer["protectedHeader"]["typ"] == "JWT"
    else:
        assert answer["protectedHeader"]["typ"] == "vc+jwt"


@pytest.mark.parametrize(("alg", "key_type"), ALGS, ids=[a for a, _ in ALGS])
def test_microcred_ob3_tokens_pass_the_node_ob3_reader(
    node_stack: NodeStack, alg: str, key_type: str
) -> None:
    key = key_of(key_type)
    credential = microcredential(key.did)
    credential["validUntil"] = "2030-06-12T10:00:00Z"
    token = mc.issue(credential, key, format="jwt", algorithm=alg)  # ob3: the default
    answer = node_stack.request(
        {
            "op": "ob3-jwt-verify",
            "token": token,
            "jwk": key.public_jwk(),
            "algorithms": [alg],
            "now": NOW.isoformat(),
        }
    )
    assert answer["verified"], answer.get("error")
    assert answer["credential"] == credential
    assert answer["protectedHeader"] == {"alg": alg, "kid": key.verification_method, "typ": "JWT"}
    assert answer["payload"]["exp"] == int(
        datetime(2030, 6, 12, 10, tzinfo=timezone.utc).timestamp()
    )


def test_the_node_ob3_reader_refuses_what_the_spec_refuses(node_stack: NodeStack) -> None:
    """The Node reader is a real check: the vc-claim form and a claim that disagrees with the
    credential fail there too (so the passes above mean something)."""
    key = key_of("Ed25519")
    credential = microcredential(key.did)
    legacy = mc.issue(credential, key, format="jwt", jwt_form="vc-jwt")
    request = {"op": "ob3-jwt-verify", "jwk": key.public_jwk(), "algorithms": ["EdDSA"]}
    answer = node_stack.request({**request, "token": legacy, "now": NOW.isoformat()})
    assert not answer["verified"]
    assert "vc claim" in answer["error"]
    payload = {**credential, "iss": "did:example:someone-else", "jti": credential["id"]}
    payload.update(
        sub="did:example:learner",
        nbf=int(datetime(2024, 6, 12, 10, tzinfo=timezone.utc).timestamp()),
    )
    header = {"alg": "EdDSA", "kid": key.verification_method, "typ": "JWT"}
    forged = node_stack.request(
        {
            "op": "jwt-sign",
            "alg": "EdDSA",
            "jwk": private_jwk(key),
            "header": header,
            "payload": payload,
        }
    )["token"]
    answer = node_stack.request({**request, "token": forged, "now": NOW.isoformat()})
    assert not answer["verified"]
    assert "iss is" in answer["error"]
    report = mc.verify(forged, now=NOW)
    assert [c.id for c in report.failed] == ["jwt.claims"]


@pytest.mark.parametrize(("alg", "key_type"), ALGS, ids=[a for a, _ in ALGS])
@pytest.mark.parametrize("form", ["ob3", "vc-jwt"])
def test_node_tokens_verify_in_microcred(
    node_stack: NodeStack, alg: str, key_type: str, form: str
) -> None:
    key = key_of(key_type)
    credential = microcredential(key.did)
    nbf = int(datetime(2024, 6, 12, 10, tzinfo=timezone.utc).timestamp())
    claims = {"iss": key.did, "sub": "did:example:learner", "nbf": nbf, "jti": credential["id"]}
    payload = {**claims, "vc": credential} if form == "vc-jwt" else {**credential, **claims}
    header = {"alg": alg, "kid": key.verification_method, "typ": "JWT"}
    token = node_stack.request(
        {
            "op": "jwt-sign",
            "alg": alg,
            "jwk": private_jwk(key),
            "header": header,
            "payload": payload,
        }
    )["token"]
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.format == "jwt"
    assert report.document == credential  # the registered claims are not the credential's
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert not mc.verify(tampered, now=NOW).verified


# --- legacy detached-JWS proofs (Ed25519Signature2018) against @digitalbazaar's suite -------


def _vc11_credential(key: keys.KeyPair) -> dict[str, Any]:
    """A VC 1.1 credential: that context defines the Ed25519Signature2018 terms itself."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:4b8a0c2e-1f3d-4e5a-9b6c-7d8e9f0a1b2c",
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "issuanceDate": "2021-05-01T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


def _node_documents(key: keys.KeyPair) -> dict[str, Any]:
    from .conftest import contexts_for_node

    docs = contexts_for_node()
    docs[key.did] = keys.did_key_document(key.did, vm_type="Ed25519VerificationKey2018")
    return docs


def test_node_ed25519signature2018_proofs_verify_in_microcred(node_stack: NodeStack) -> None:
    """@digitalbazaar/ed25519-signature-2018 signs (a detached b64:false JWS); microcred,
    which never signs this legacy suite, verifies it, and both refuse it once changed."""
    key = key_of("Ed25519")
    node_key = {
        "id": key.verification_method,
        "controller": key.did,
        "keyType": "Ed25519",
        "publicKeyMultibase": key.public_multikey(),
        "secretKeyMultibase": key.secret_multikey(),
    }
    signed = node_stack.request(
        {
            "op": "sign",
            "suite": "Ed25519Signature2018",
            "key": node_key,
            "document": _vc11_credential(key),
            "created": "2021-05-01T10:00:00Z",
            "documents": _node_documents(key),
        }
    )["signed"]
    proof = signed["proof"]
    assert proof["type"] == "Ed25519Signature2018"
    assert proof["jws"].split(".")[1] == ""  # detached
    report = mc.verify(signed, suites=["Ed25519Signature2018"])
    assert report.verified, report.failed
    assert report.check("proof.suite") is not None
    assert str(report.check("proof.suite").message).endswith("(legacy)")  # type: ignore[union-attr]
    changed = {**signed, "credentialSubject": {"id": "did:example:someone-else"}}
    refused = mc.verify(changed, suites=["Ed25519Signature2018"])
    assert "proof.signature" in {c.id for c in refused.failed}
    answer = node_stack.request(
        {
            "op": "verify",
            "suites": ["Ed25519Signature2018"],
            "credential": changed,
            "documents": _node_documents(key),
        }
    )
    assert not answer["verified"]


def test_the_test_side_2018_signer_agrees_with_node(node_stack: NodeStack) -> None:
    """The independent signer of tests/proofs/test_legacy_jws.py makes proofs the reference
    implementation accepts: the suite as microcred's tests read it is the suite as written."""
    from tests.proofs.test_legacy_jws import sign

    key = key_of("Ed25519")
    signed = sign(_vc11_credential(key), key, "Ed25519Signature2018", "EdDSA")
    answer = node_stack.request(
        {
            "op": "verify",
            "suites": ["Ed25519Signature2018"],
            "credential": signed,
            "documents": _node_documents(key),
        }
    )
    assert answer["verified"], answer.get("error")
    assert mc.verify(signed, suites=["Ed25519Signature2018"]).verified
