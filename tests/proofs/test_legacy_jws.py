"""Legacy detached-JWS proofs (``Ed25519Signature2018``, ``JsonWebSignature2020``): verified,
reported as legacy, never signed, and accepted only when the caller names them (they are not
in ``proofs.DEFAULT_SUITES``).

No published test vector for these suites is among the stored ones, so the credentials are
signed here by a test-side signer written from the suites' definition with other code than
microcred's (pyld's URDNA2015 and ``cryptography``'s signatures), and verified through
``mc.verify``:

* verify data = ``SHA-256(URDNA2015(proof options)) || SHA-256(URDNA2015(document))``, the
  proof options being the proof without ``jws`` under the document's ``@context``
  (Linked Data Signatures 1.0 "create verify hash");
* the detached JWS (RFC 7797 §5.2 detached content, §3 ``b64: false``): the header
  ``{"alg": ..., "b64": false, "crit": ["b64"]}``, signing input
  ``ASCII(BASE64URL(header)) || "." || verify data``, written ``header..signature``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwcrypto import jwk
from pyld import jsonld as pyld

import microcred as mc
from microcred import jsonld, keys

#: the default suites and the two opt-in ones, as a caller that accepts them names them
ACCEPTED = [*mc.proofs.DEFAULT_SUITES, *mc.proofs.OPT_IN_SUITES]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED2018 = "https://w3id.org/security/suites/ed25519-2018/v1"
JWS2020 = "https://w3id.org/security/suites/jws-2020/v1"
CREATED = "2021-05-01T10:00:00Z"

CASES = {
    "Ed25519Signature2018": ("Ed25519", "EdDSA", ED2018),
    "JsonWebSignature2020 EdDSA": ("Ed25519", "EdDSA", JWS2020),
    "JsonWebSignature2020 ES256": ("P-256", "ES256", JWS2020),
    "JsonWebSignature2020 ES384": ("P-384", "ES384", JWS2020),
}
KEYS = {kind: keys.generate(kind) for kind in ("Ed25519", "P-256", "P-384")}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pyld_loader(url: str, options: Any = None) -> dict[str, Any]:
    document = jsonld.default_loader().load(url).document
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(document)}


def urdna2015(document: dict[str, Any]) -> bytes:
    nquads: str = pyld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _pyld_loader},
    )
    return nquads.encode("utf-8")


def credential(key: keys.KeyPair, suite_context: str, base: str = VC_V1) -> dict[str, Any]:
    # the VC 1.1 context defines the Ed25519Signature2018 terms itself (and protects "proof"
    # in a way the suite context may not redefine): such credentials carry it alone
    context = [base] if (base, suite_context) == (VC_V1, ED2018) else [base, suite_context]
    document: dict[str, Any] = {
        "@context": context,
        "id": "urn:uuid:4b8a0c2e-1f3d-4e5a-9b6c-7d8e9f0a1b2c",
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    if base == VC_V1:
        document["issuanceDate"] = "2021-05-01T10:00:00Z"
    else:
        document["validFrom"] = "2021-05-01T10:00:00Z"
    return document


def sign(
    document: dict[str, Any],
    key: keys.KeyPair,
    proof_type: str,
    alg: str,
    *,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The test-side signer (independent of microcred's suite code)."""
    options = {
        "type": proof_type,
        "created": CREATED,
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    verify_data = (
        hashlib.sha256(urdna2015({"@context": document["@context"], **options})).digest()
        + hashlib.sha256(urdna2015(document)).digest()
    )
    protected = b64(json.dumps(header or {"alg": alg, "b64": False, "crit": ["b64"]}).encode())
    signing_input = protected.encode("ascii") + b"." + verify_data
    private = jwk.JWK(**{k: v for k, v in key.private_jwk().items() if k != "kid"})
    secret = private.get_op_key("sign")
    if isinstance(secret, ed25519.Ed25519PrivateKey):
        signature = secret.sign(signing_input)
    else:
        assert isinstance(secret, ec.EllipticCurvePrivateKey)
        digest = hashes.SHA256() if alg == "ES256" else hashes.SHA384()
        r, s = decode_dss_signature(secret.sign(signing_input, ec.ECDSA(digest)))
        size = (secret.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return {**document, "proof": {**options, "jws": f"{protected}..{b64(signature)}"}}


def proof_type_of(case: str) -> str:
    return case.split()[0]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("base", [VC_V1, VC_V2])
def test_a_legacy_jws_proof_verifies_and_is_reported_as_legacy(case: str, base: str) -> None:
    key_type, alg, context = CASES[case]
    key = KEYS[key_type]
    signed = sign(credential(key, context, base), key, proof_type_of(case), alg)
    report = mc.verify(signed, suites=ACCEPTED)
    assert report.verified, report.failed
    suite = next(c for c in report.checks if c.id == "proof.suite")
    assert suite.message == f"{proof_type_of(case)} (legacy)"
    assert [c.message for c in report.checks if c.id == "proof.signature"] == ["signature verified"]


def test_a_2018_verification_method_verifies_too() -> None:
    """The suite's own key type: ``Ed25519VerificationKey2018`` with ``publicKeyBase58``."""
    key = KEYS["Ed25519"]
    did_doc = keys.did_key_document(key.did, vm_type="Ed25519VerificationKey2018")
    assert did_doc["verificationMethod"][0]["type"] == "Ed25519VerificationKey2018"
    signed = sign(credential(key, ED2018), key, "Ed25519Signature2018", "EdDSA")
    report = mc.verify(signed, suites=ACCEPTED, resolver=keys.StaticResolver([did_doc]))
    assert report.verified, report.failed


def _tampers() -> dict[str, Callable[[dict[str, Any]], None]]:
    def jws(doc: dict[str, Any], value: str) -> None:
        doc["proof"]["jws"] = value

    def header_of(doc: dict[str, Any]) -> str:
        return str(doc["proof"]["jws"]).split(".")[0]

    def signature_of(doc: dict[str, Any]) -> str:
        return str(doc["proof"]["jws"]).split(".")[2]

    return {
        "subject changed": lambda d: d["credentialSubject"].update(id="did:example:other"),
        "created changed": lambda d: d["proof"].update(created="2021-05-02T10:00:00Z"),
        "signature flipped": lambda d: jws(
            d, f"{header_of(d)}..{b64(bytes(64 if len(signature_of(d)) < 90 else 96))}"
        ),
        "payload attached": lambda d: jws(d, f"{header_of(d)}.e30.{signature_of(d)}"),
        "not detached": lambda d: jws(d, f"{header_of(d)}.{signature_of(d)}"),
        "jws missing": lambda d: d["proof"].pop("jws"),
        "proofValue instead": lambda d: d["proof"].update(proofValue=d["proof"].pop("jws")),
        "padded": lambda d: jws(d, f"{header_of(d)}=..{signature_of(d)}"),
    }


@pytest.mark.parametrize("tamper", sorted(_tampers()))
@pytest.mark.parametrize("case", ["Ed25519Signature2018", "JsonWebSignature2020 ES256"])
def test_tampering_fails_proof_signature(case: str, tamper: str) -> None:
    key_type, alg, context = CASES[case]
    key = KEYS[key_type]
    signed = sign(credential(key, context), key, proof_type_of(case), alg)
    assert mc.verify(signed, suites=ACCEPTED).verified
    changed = copy.deepcopy(signed)
    _tampers()[tamper](changed)
    report = mc.verify(changed, suites=ACCEPTED)
    assert not report.verified
    assert "proof.signature" in {c.id for c in report.failed}, report.failed


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ({"alg": "EdDSA"}, '"b64": false'),
        ({"alg": "EdDSA", "b64": True, "crit": ["b64"]}, '"b64": false'),
        ({"alg": "EdDSA", "b64": False}, '"b64": false'),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64"], "x5u": "https://x"}, "does not use"),
        ({"alg": "ES256", "b64": False, "crit": ["b64"]}, "is not one"),
        ({"alg": "none", "b64": False, "crit": ["b64"]}, "is not one"),
    ],
)
def test_a_header_the_suite_does_not_define_is_refused(header: dict[str, Any], why: str) -> None:
    key = KEYS["Ed25519"]
    signed = sign(credential(key, ED2018), key, "Ed25519Signature2018", "EdDSA", header=header)
    report = mc.verify(signed, suites=ACCEPTED)
    failed = [c.message for c in report.failed if c.id == "proof.signature"]
    assert failed, report.failed
    assert why in failed[0]


def test_the_alg_must_fit_the_key() -> None:
    """A JsonWebSignature2020 proof whose header says ES384 over a P-256 key."""
    key = KEYS["P-256"]
    header = {"alg": "ES384", "b64": False, "crit": ["b64"]}
    signed = sign(credential(key, JWS2020), key, "JsonWebSignature2020", "ES256", header=header)
    report = mc.verify(signed, suites=ACCEPTED)
    assert "does not fit the verification method's key" in " ".join(
        c.message for c in report.failed
    )


def test_ed25519signature2018_needs_an_ed25519_key() -> None:
    key = KEYS["P-256"]
    signed = sign(credential(key, ED2018), key, "Ed25519Signature2018", "ES256")
    report = mc.verify(signed, suites=ACCEPTED)
    assert "proof.method" in {c.id for c in report.failed}


def test_without_the_suite_context_the_proof_is_not_read() -> None:
    """The proof terms (``jws``) are defined by the suite's context only."""
    key = KEYS["Ed25519"]
    document = credential(key, ED2018, VC_V2)
    document["@context"] = [VC_V2]
    signed = sign(document, key, "Ed25519Signature2018", "EdDSA")
    report = mc.verify(signed, suites=ACCEPTED)
    assert not report.verified
    check = report.check("proof.signature")
    assert check is not None
    assert check.status == "failed"
    assert "not defined by any context in scope" in check.message


def test_the_suites_can_be_refused_by_the_caller() -> None:
    key = KEYS["Ed25519"]
    signed = sign(credential(key, ED2018), key, "Ed25519Signature2018", "EdDSA")
    report = mc.verify(signed, suites=["eddsa-rdfc-2022"])
    assert not report.verified
    assert "not among the accepted suites" in " ".join(c.message for c in report.failed)


@pytest.mark.parametrize("case", ["Ed25519Signature2018", "JsonWebSignature2020 ES256"])
def test_by_default_the_suites_are_not_accepted(case: str) -> None:
    """The recommended default leaves the detached-JWS suites out: a caller names them."""
    key_type, alg, context = CASES[case]
    key = KEYS[key_type]
    signed = sign(credential(key, context), key, proof_type_of(case), alg)
    assert set(mc.proofs.OPT_IN_SUITES).isdisjoint(mc.proofs.DEFAULT_SUITES)
    report = mc.verify(signed)
    assert report.outcome == "invalid"
    check = report.check("proof.suite")
    assert check is not None
    assert check.status == "failed"
    assert f"cryptosuite {proof_type_of(case)} is not among the accepted suites" in check.message
    assert mc.verify(signed, suites=[proof_type_of(case)]).verified


@pytest.mark.parametrize("suite", ["Ed25519Signature2018", "JsonWebSignature2020"])
def test_signing_is_refused_with_a_clear_error(suite: str) -> None:
    key = KEYS["Ed25519"]
    with pytest.raises(ValueError, match="never signs"):
        mc.issue(credential(key, ED2018), key, suite=suite)
    with pytest.raises(ValueError, match="legacy proof type microcred verifies but never signs"):
        mc.proofs.SUITES[suite].sign_document({}, {}, key.signer(), mc.proofs.SuiteOptions())
    assert suite not in mc.proofs.SIGNING_SUITES


def test_the_suite_contexts_are_vendored() -> None:
    manifest = jsonld.ContextManifest.vendored()
    for url in (ED2018, JWS2020):
        assert url in manifest.urls
        assert jsonld.default_loader().load(url).document["@context"]
