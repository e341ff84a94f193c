"""VC-JWT / vc+jwt issue and strict verification (microcred.jose)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import microcred as mc
from microcred import Limits, keys
from microcred.cli import main

NOW = datetime(2026, 7, 1, tzinfo=timezone.utc)
VC_V2 = "https://www.w3.org/ns/credentials/v2"


@cache
def key_of(key_type: str = "Ed25519") -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


def credential(issuer: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC_V2],
        "id": "urn:uuid:7c4a2b1e-0f3d-4e5a-8b6c-9d0e1f2a3b4c",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-06-12T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    doc.update(extra)
    return doc


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    h, p, s = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4))),
        json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))),
        s,
    )


def assemble(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join(
        [b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), signature]
    )


def failed(token: str, **kwargs: Any) -> set[str]:
    report = mc.verify(token, now=NOW, **kwargs)
    assert not report.verified
    return {c.id for c in report.failed}


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384", "RSA"])
@pytest.mark.parametrize("form", ["vc-jwt", "vc+jwt"])
def test_round_trip(key_type: str, form: str) -> None:
    key = key_of(key_type)
    token = mc.issue(credential(key.did), key, format="jwt", jwt_form=form)
    report = mc.verify(token, now=NOW)
    assert report.verified, report.failed
    assert report.format == ("jwt" if form == "vc-jwt" else "vc+jwt")
    header, payload, _ = parts(token)
    assert header["kid"] == key.verification_method
    if form == "vc-jwt":
        assert payload["nbf"] == int(datetime(2026, 6, 12, 10, tzinfo=timezone.utc).timestamp())
        assert payload["iss"] == key.did
    assert mc.verify("  \n" + token + "\n", now=NOW).verified  # whitespace tolerated


def test_alg_none_is_rejected() -> None:
    key = key_of()
    header, payload, _ = parts(mc.issue(credential(key.did), key, format="jwt"))
    token = assemble({**header, "alg": "none"}, payload, "AAAA")
    assert "jwt.alg" in failed(token)
    assert "jwt.alg" in failed(token, algorithms=["none", "EdDSA"])


def test_hmac_with_the_public_key_as_secret_is_rejected() -> None:
    key = key_of("RSA")
    header, payload, _ = parts(mc.issue(credential(key.did), key, format="jwt"))
    forged_header = {**header, "alg": "HS256"}
    signing_input = f"{b64(json.dumps(forged_header).encode())}.{b64(json.dumps(payload).encode())}"
    secret = json.dumps(key.public_jwk()).encode()
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(mac)}"
    assert "jwt.alg" in failed(token)
    assert "jwt.alg" in failed(token, algorithms=["HS256", "RS256"])


def test_payload_changed_signature_kept() -> None:
    key = key_of()
    token = mc.issue(credential(key.did), key, format="jwt")
    header, payload, signature = parts(token)
    payload["vc"]["credentialSubject"]["id"] = "did:example:mallory"
    assert "jwt.signature" in failed(assemble(header, payload, signature))


def test_kid_pointing_to_another_key() -> None:
    key, other = key_of(), keys.generate("Ed25519")
    header, payload, signature = parts(mc.issue(credential(key.did), key, format="jwt"))
    token = assemble({**header, "kid": other.verification_method}, payload, signature)
    assert "jwt.signature" in failed(token)


def test_iss_is_not_the_credential_issuer() -> None:
    key = key_of()
    other = keys.generate("Ed25519")
    token = mc.issue(credential(other.did), key, format="jwt", allow_issuer_mismatch=True)
    assert {"jwt.claims", "issuer"} <= failed(token) | {"jwt.claims"}
    assert "issuer" in failed(token)


def test_claims_must_mirror_the_credential() -> None:
    key = key_of()
    header, payload, _ = parts(mc.issue(credential(key.did), key, format="jwt"))
    payload["jti"] = "urn:uuid:another"
    signer = key.signer()
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    token = f"{signing_input}.{b64(signer.sign(signing_input.encode()))}"
    assert "jwt.claims" in failed(token)


def test_expired_and_not_yet_valid() -> None:
    key = key_of()
    expired = mc.issue(credential(key.did, validUntil="2026-06-30T00:00:00Z"), key, format="jwt")
    assert {"jwt.exp", "validity.valid_until"} <= failed(expired)
    future = mc.issue(credential(key.did, validFrom="2027-01-01T00:00:00Z"), key, format="jwt")
    assert {"jwt.nbf", "validity.valid_from"} <= failed(future)


def test_alg_outside_the_allowlist() -> None:
    key = key_of("P-256")
    token = mc.issue(credential(key.did), key, format="jwt")
    assert "jwt.alg" in failed(token, algorithms=["RS256"])


def test_token_over_the_size_limit() -> None:
    key = key_of()
    token = mc.issue(credential(key.did, name="x" * 5000), key, format="jwt")
    assert "format" in failed(token, limits=Limits(max_jwt_bytes=1000))


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln",  # payload not JSON
        "e30.e30.c2ln",  # no alg, no credential
        "eyJhbGciOiJFZERTQSJ9.e30=.c2ln",  # padded base64url
        "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6IDF9.",  # empty signature, vc not an object
    ],
)
def test_malformed_jwts_fail_a_check_and_exit_1(token: str, tmp_path: Path) -> None:
    report = mc.verify(token, now=NOW)
    assert report.outcome == "invalid"
    path = tmp_path / "t.jwt"
    path.write_text(token)
    assert main(["verify", str(path)]) == 1


def test_not_a_jwt_at_all_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "t.jwt"
    path.write_text("this is not a token")
    assert main(["verify", str(path)]) == 2


def test_presentation_jwt_nonce_and_audience() -> None:
    holder = key_of()
    issuer = keys.generate("P-256")
    vc_token = mc.issue(credential(issuer.did), issuer, format="jwt")
    vp = mc.jose.present_jwt([vc_token], holder, audience="https://verifier.example", nonce="n-123")
    ok = mc.verify(vp, now=NOW, challenge="n-123", domain="https://verifier.example")
    assert ok.verified, ok.failed
    assert ok.kind == "presentation"
    assert len(ok.credentials) == 1
    assert "jwt.claims" in failed(vp, challenge="other", domain="https://verifier.example")


def test_embedded_jwk_counts_only_for_its_own_did_jwk_issuer() -> None:
    key = keys.generate("P-256", did_method="jwk")
    token = mc.issue(credential(key.did), key, format="jwt")
    header, payload, _ = parts(token)
    del header["kid"]
    header["jwk"] = key.public_jwk()
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    forged = f"{signing_input}.{b64(key.signer().sign(signing_input.encode()))}"
    assert mc.verify(forged, now=NOW).outcome == "indeterminate"
    assert mc.verify(forged, now=NOW, allow_embedded_jwk=True).verified
    stranger = keys.generate("P-256")
    payload["vc"]["issuer"] = payload["iss"] = stranger.did
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    other = f"{signing_input}.{b64(key.signer().sign(signing_input.encode()))}"
    assert not mc.verify(other, now=NOW, allow_embedded_jwk=True).verified


def _fixture(shared: Path, name: str) -> str:
    return (shared / "examples" / "validator-fixtures" / name).read_text()


@pytest.mark.parametrize("name", ["ob30/simple.jwt", "ob30/velocity.jwt", "clr20/simple.jwt"])
def test_1edtech_jwt_fixtures_are_indeterminate_offline(shared_standards: Path, name: str) -> None:
    """Valid fixtures whose issuer key cannot be obtained offline: never invalid, never
    verified; the report names what could not be checked."""
    report = mc.verify(_fixture(shared_standards, name), now=NOW)
    assert report.outcome == "indeterminate", report.failed
    assert report.format == "jwt"
    problems = " ".join(c.message for c in report.failed)
    # the issuer's key is not obtainable offline, or (CLR draft) its context is not published
    assert "key" in problems or "jwk" in problems or "unknown JSON-LD context" in problems


def test_1edtech_clr_jwt_signature_checks_with_its_embedded_key(shared_standards: Path) -> None:
    """The 1EdTech CLR token carries its key in a ``jwk`` header. Allowed, that key counts
    only as the issuer's own did:key/did:jwk; this issuer is an https URL, so the signature is
    checked against the key (it matches) but nothing ties the key to the issuer."""
    token = _fixture(shared_standards, "clr20/simple.jwt")
    refused = mc.verify(token, now=NOW)
    key_check = refused.check("jwt.key")
    assert key_check is not None
    assert key_check.status == "error"
    assert "allow_embedded_jwk" in key_check.message
    assert refused.check("jwt.signature") is None
    report = mc.verify(token, now=NOW, allow_embedded_jwk=True)
    assert report.outcome == "indeterminate"
    key_check = report.check("jwt.key")
    assert key_check is not None
    assert key_check.status == "error"
    assert "own did:key or did:jwk" in key_check.message
    signature = report.check("jwt.signature")
    assert signature is not None
    assert signature.status == "passed"
    assert report.check("issuer") is None  # no binding is claimed for a key nothing ties


# -- reading the segments: what the fast paths must agree with ------------------------------

_SEGMENT_CHARS = st.sampled_from(
    [*"AQgwBEIMRSYcz09-_", "+", "/", "!", " ", "\n", "\t", ".", "é", "\x00"]
)


@given(st.text(_SEGMENT_CHARS, min_size=1, max_size=24))
def test_canonical_spelling_is_exactly_the_re_encoding(part: str) -> None:
    """``_canonical`` (a length and last-group test) says what encoding the decoded bytes
    again and comparing says, for every segment the decoder accepts."""
    from microcred.errors import MalformedInputError
    from microcred.jose._jwt import _b64, _canonical, _unb64

    try:
        data = _unb64(part)
    except MalformedInputError:
        return
    assert _canonical(part, data) == (_b64(data) == part)


@given(st.text(st.sampled_from(list("ab.~ ")), max_size=12))
def test_parts_is_split_when_it_gives_three(token: str) -> None:
    from microcred.jose._jwt import _parts

    pieces = token.split(".")
    assert _parts(token) == (tuple(pieces) if len(pieces) == 3 else None)


def test_a_skipped_character_makes_a_segment_non_canonical() -> None:
    from microcred.jose._jwt import _canonical, _unb64

    assert _canonical("QUJD", _unb64("QUJD"))
    for spelled in ("QU JD", "QUJD\n", "QU!JD", "QU+D", "QU/D"):
        assert not _canonical(spelled, _unb64(spelled)), spelled


_ANY_SEGMENT_CHARS = st.sampled_from([*"AQgwBEIMRSYcz09-_+/=!.é", " ", "\n", "\x00"])


def _standard_reading(segment: str) -> bytes | str:
    """What ``_unb64`` gave before any accelerator: the standard decoder's bytes, or the
    error's message."""
    from microcred.errors import MalformedInputError
    from microcred.jose import _jwt

    saved = list(_jwt._FAST_DECODER)
    _jwt._FAST_DECODER[:] = [None]
    try:
        return _jwt._unb64(segment)
    except MalformedInputError as exc:
        return exc.message
    finally:
        _jwt._FAST_DECODER[:] = saved


@given(st.text(_ANY_SEGMENT_CHARS, max_size=24))
def test_the_base64_accelerator_reads_every_segment_as_the_standard_decoder(segment: str) -> None:
    from microcred.errors import MalformedInputError
    from microcred.jose import _jwt

    try:
        read: bytes | str = _jwt._unb64(segment)
    except MalformedInputError as exc:
        read = exc.message
    assert read == _standard_reading(segment)


def test_the_base64_accelerator_is_in_use_when_pybase64_is_installed() -> None:
    pytest.importorskip("pybase64", reason="pybase64 (the [speed] extra) is not installed")
    from microcred.jose import _jwt

    assert _jwt._fast_decoder() is not None
    token = mc.issue(credential(key_of().did), key_of(), format="jwt")
    assert mc.verify(token, now=NOW).verified
