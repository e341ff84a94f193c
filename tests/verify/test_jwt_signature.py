"""The JWT route's signature check, made on the token's decoded segments with ``cryptography``:
each way a token is refused names its check, and tokens of another implementation (jwcrypto)
verify here as ours verify there."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from jwcrypto import jwk, jws

import microcred as mc
from microcred import keys

from .conftest import NOW, failed, token

VC_V2 = "https://www.w3.org/ns/credentials/v2"
KEYS = {
    "Ed25519": keys.generate("Ed25519"),
    "P-256": keys.generate("P-256"),
    "P-384": keys.generate("P-384"),
    "RSA": keys.generate("RSA", did_method="jwk"),
}
ALGS = [("Ed25519", "EdDSA"), ("P-256", "ES256"), ("P-384", "ES384")] + [
    ("RSA", alg) for alg in ("RS256", "RS384", "RS512", "PS256")
]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": "urn:uuid:1f0e3c6a-2b7d-4c8e-9f1a-0b2c3d4e5f60",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-06-12T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }


def header_of(key: keys.KeyPair, alg: str, **members: Any) -> dict[str, Any]:
    return {"alg": alg, "kid": key.verification_method, "typ": "vc+jwt", **members}


def signed(header: dict[str, Any], payload: bytes, key: keys.KeyPair) -> str:
    """A compact JWS over exactly these bytes, signed with microcred's own signer."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(payload)}"
    signature = key.signer(header["alg"]).sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64(signature)}"


def verify(compact: str, **options: Any) -> mc.VerificationReport:
    return mc.verify(compact, now=NOW, **options)


def failure(report: mc.VerificationReport, check_id: str) -> str:
    """The message of the failed ``check_id`` (the test fails if that check did not fail)."""
    assert not report.verified
    found = failed(report, check_id)
    assert found, [(c.id, c.status, c.message) for c in report.checks]
    return found[0].message


@pytest.mark.parametrize(("key_type", "alg"), ALGS)
def test_a_token_of_another_implementation_verifies(key_type: str, alg: str) -> None:
    key = KEYS[key_type]
    compact = token(header_of(key, alg), credential(key.did), key)
    report = verify(compact, algorithms=[alg])
    assert report.verified, report.failed


@pytest.mark.parametrize(("key_type", "alg"), ALGS)
def test_our_tokens_verify_in_another_implementation(key_type: str, alg: str) -> None:
    key = KEYS[key_type]
    compact = mc.issue(credential(key.did), key, format="jwt", algorithm=alg)
    assert verify(compact, algorithms=[alg]).verified
    checker = jws.JWS()
    checker.allowed_algs = [alg]
    checker.deserialize(compact)
    checker.verify(jwk.JWK(**key.public_jwk()), alg=alg)  # raises if it does not hold
    assert json.loads(checker.payload)["vc"]["issuer"] == key.did


def test_an_eddsa_token_is_the_same_bytes_as_before() -> None:
    """Ed25519 and RS256 signatures are deterministic: the token is what jwcrypto made."""
    for key, alg in ((KEYS["Ed25519"], "EdDSA"), (KEYS["RSA"], "RS256")):
        document = credential(key.did)
        ours = mc.issue(document, key, format="jwt", jwt_form="vc+jwt", algorithm=alg)
        header = json.loads(unb64(ours.split(".")[0]))
        theirs = jws.JWS(json.dumps(document, separators=(",", ":")).encode("utf-8"))
        theirs.add_signature(
            jwk.JWK(**{k: v for k, v in key.private_jwk().items() if k != "kid"}),
            alg=alg,
            protected=json.dumps(header, separators=(",", ":")),
        )
        assert ours == theirs.serialize(compact=True)


def test_another_key_fails_jwt_signature() -> None:
    key, other = KEYS["Ed25519"], keys.generate("Ed25519")
    compact = signed(header_of(key, "EdDSA"), json.dumps(credential(key.did)).encode(), other)
    assert failure(verify(compact), "jwt.signature") == "signature does not match the token"


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256K", "PS384"])
def test_an_alg_off_the_allowlist_fails_jwt_alg(alg: str) -> None:
    key = KEYS["Ed25519"]
    compact = signed(header_of(key, "EdDSA"), json.dumps(credential(key.did)).encode(), key)
    _, body, signature = compact.split(".")
    forged = f"{b64(json.dumps(header_of(key, alg)).encode())}.{body}.{signature}"
    assert "is not accepted" in failure(verify(forged), "jwt.alg")


def test_an_allowed_alg_that_does_not_fit_the_key_fails_jwt_key() -> None:
    key = KEYS["Ed25519"]
    compact = token(header_of(key, "ES256"), credential(key.did), KEYS["P-256"])
    message = failure(verify(compact, algorithms=["ES256", "EdDSA"]), "jwt.key")
    assert "alg ES256 does not fit the Ed25519 key" in message


def test_a_critical_header_fails_jwt_header() -> None:
    key = KEYS["Ed25519"]
    header = header_of(key, "EdDSA", crit=["b64"], b64=True)
    compact = signed(header, json.dumps(credential(key.did)).encode(), key)
    assert "critical header" in failure(verify(compact), "jwt.header")


@pytest.mark.parametrize("value", ["false", 0, None, []])
def test_a_b64_header_that_is_not_a_boolean_fails_jwt_signature(value: Any) -> None:
    key = KEYS["Ed25519"]
    compact = signed(
        header_of(key, "EdDSA", b64=value), json.dumps(credential(key.did)).encode(), key
    )
    assert "b64 header parameter must be a boolean" in failure(verify(compact), "jwt.signature")


def test_b64_false_puts_the_payload_bytes_in_the_signing_input() -> None:
    """RFC 7797: with ``b64: false`` the signature covers the payload's bytes themselves;
    a signature over their base64url form then does not hold."""
    key = KEYS["Ed25519"]
    header = header_of(key, "EdDSA", b64=False)
    payload = json.dumps(credential(key.did)).encode()
    over_encoded = signed(header, payload, key)
    assert failure(verify(over_encoded), "jwt.signature") == "signature does not match the token"
    protected = b64(json.dumps(header).encode())
    signature = key.signer().sign(protected.encode("ascii") + b"." + payload)
    assert verify(f"{protected}.{b64(payload)}.{b64(signature)}").verified


def _noncanonical(segment: str) -> str:
    """The same bytes, spelled with non-zero unused bits in the last character."""
    if len(segment) % 4 == 0:
        pytest.skip("a segment without unused bits")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(segment[-1])
    respelled = segment[:-1] + alphabet[last | 1]
    assert unb64(respelled) == unb64(segment)
    assert respelled != segment
    return respelled


def _token_with_unused_bits(index: int) -> str:
    key = KEYS["Ed25519"]
    for padding in range(3):  # vary the length until the segment has unused bits
        document = {**credential(key.did), "name": "x" * padding}
        compact = signed(
            header_of(key, "EdDSA", pad="y" * padding), json.dumps(document).encode(), key
        )
        parts = compact.split(".")
        if len(parts[index]) % 4:
            return compact
    raise AssertionError("no length with unused bits")


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_segment_spelled_non_canonically_fails_jwt_signature(index: int) -> None:
    compact = _token_with_unused_bits(index)
    assert verify(compact).verified
    parts = compact.split(".")
    parts[index] = _noncanonical(parts[index])
    message = failure(verify(".".join(parts)), "jwt.signature")
    assert "not written as unpadded canonical base64url" in message


@pytest.mark.parametrize("junk", ["!", "\n", " ", "+", "="])
def test_a_character_outside_base64url_is_refused(junk: str) -> None:
    """Not a compact JWS at all (``parse``: read as JSON text), not well-formed (``format``),
    or, where a base64 decoder would skip the character, not canonical (``jwt.signature``)."""
    key = KEYS["Ed25519"]
    compact = signed(header_of(key, "EdDSA"), json.dumps(credential(key.did)).encode(), key)
    head, body, signature = compact.split(".")
    for spoilt in (
        f"{head}.{body}.{signature[:10]}{junk}{signature[10:]}",
        f"{head[:10]}{junk}{head[10:]}.{body}.{signature}",
    ):
        report = verify(spoilt)
        assert not report.verified
        refused = {c.id for c in report.checks if c.status == "failed"}
        assert refused & {"parse", "format", "jwt.signature"}, report.checks


def test_a_header_with_a_byte_order_mark_fails_jwt_signature() -> None:
    key = KEYS["Ed25519"]
    protected = b64(b"\xef\xbb\xbf" + json.dumps(header_of(key, "EdDSA")).encode())
    body = b64(json.dumps(credential(key.did)).encode())
    signature = key.signer().sign(f"{protected}.{body}".encode("ascii"))
    compact = f"{protected}.{body}.{b64(signature)}"
    assert "byte order mark" in failure(verify(compact), "jwt.signature")


@pytest.mark.parametrize(
    "compact",
    ["a.b", "a.b.c.d", "..", "eyJhbGciOiJFZERTQSJ9..c2ln", "e30=.e30.c2ln", "e30.e30.*"],
)
def test_malformed_segments_are_refused(compact: str) -> None:
    report = verify(compact)
    assert not report.verified
    refused = {c.id for c in report.checks if c.status == "failed"}
    assert refused & {"parse", "format"}, report.checks


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_an_ecdsa_signature_of_the_wrong_width_fails_jwt_signature(key_type: str) -> None:
    """RFC 7518 §3.4: ``r || s``, each exactly the curve's size; a signature with a zero byte
    more (or less) in front of ``r`` has another spelling, and is refused."""
    key = KEYS[key_type]
    alg = "ES256" if key_type == "P-256" else "ES384"
    compact = token(header_of(key, alg), credential(key.did), key)
    head, body, signature = compact.split(".")
    raw = unb64(signature)
    size = len(raw) // 2
    padded = b"\0" + raw[:size] + b"\0" + raw[size:]
    report = verify(f"{head}.{body}.{b64(padded)}", algorithms=[alg])
    assert failure(report, "jwt.signature") == "signature does not match the token"
    assert verify(compact, algorithms=[alg]).verified


def test_a_multikey_method_is_checked_with_its_multikey() -> None:
    """The verification method's own key member (by its type) checks the token, not another
    key member beside it."""
    key, other = KEYS["Ed25519"], keys.generate("Ed25519")
    did = "did:web:uni.example"
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.public_multikey(),
        "publicKeyJwk": other.public_jwk(),
    }
    document = {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]}
    resolver = keys.StaticResolver([document])
    header = {"alg": "EdDSA", "kid": method["id"], "typ": "vc+jwt"}
    payload = json.dumps(credential(did)).encode()
    assert verify(signed(header, payload, key), resolver=resolver).verified
    report = verify(signed(header, payload, other), resolver=resolver)
    assert failure(report, "jwt.signature") == "signature does not match the token"


def test_an_embedded_key_of_another_type_than_alg_fails_jwt_signature() -> None:
    """An embedded jwk that is not the issuer's own: the signature is still checked, and an
    alg that does not fit the key cannot match it."""
    key = KEYS["P-256"]
    header = {"alg": "EdDSA", "typ": "vc+jwt", "jwk": key.public_jwk()}
    ed = KEYS["Ed25519"]
    compact = signed(header, json.dumps(credential("did:web:uni.example")).encode(), ed)
    report = verify(compact, allow_embedded_jwk=True)
    assert failure(report, "jwt.signature") == "signature does not match the token"
    assert [c.status for c in report.checks if c.id == "jwt.key"] == ["error"]
