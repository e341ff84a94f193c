"""Key pairs: generation, JWK / Multikey / cryptography round trips, signing, hostile input."""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import keys
from microcred.errors import InvalidKeyError, MicrocredError, UnsupportedKeyTypeError

ALGS = {
    "Ed25519": ["EdDSA"],
    "P-256": ["ES256"],
    "P-384": ["ES384"],
    "RSA": ["RS256", "RS384", "RS512", "PS256"],
}


@cache
def pair(key_type: str) -> keys.KeyPair:
    return keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")


@pytest.mark.parametrize(
    ("key_type", "prefix"),
    [
        ("Ed25519", "did:key:z6Mk"),
        ("P-256", "did:key:zDn"),
        ("P-384", "did:key:z82"),
        ("RSA", "did:jwk:"),
    ],
)
def test_generated_did_forms(key_type: str, prefix: str) -> None:
    key = pair(key_type)
    assert key.did.startswith(prefix)
    assert key.verification_method.startswith(key.did + "#")
    assert key.private_jwk()["kid"] == key.verification_method


@pytest.mark.parametrize("key_type", list(ALGS))
def test_sign_and_verify_every_algorithm(key_type: str) -> None:
    key = pair(key_type)
    other = keys.generate(key_type, did_method="jwk" if key_type == "RSA" else "key")
    for alg in ALGS[key_type]:
        signature = key.signer(alg).sign(b"message")
        assert key.verifier(alg).verify(b"message", signature)
        assert not key.verifier(alg).verify(b"messagf", signature)
        assert not other.verifier(alg).verify(b"message", signature)
        assert not key.verifier(alg).verify(b"message", signature[:-1])
    with pytest.raises(UnsupportedKeyTypeError):
        key.signer("HS256")


def test_ecdsa_signatures_are_fixed_width_p1363() -> None:
    assert len(pair("P-256").signer().sign(b"x")) == 64
    assert len(pair("P-384").signer().sign(b"x")) == 96


@pytest.mark.parametrize("key_type", list(ALGS))
def test_jwk_round_trip_private_and_public(key_type: str) -> None:
    key = pair(key_type)
    again = keys.KeyPair.from_jwk(key.private_jwk())
    assert again.did == key.did
    assert again.has_private_key
    public = keys.KeyPair.from_jwk(key.public_jwk(), did_method=key.did_method)
    assert public.did == key.did
    assert not public.has_private_key
    with pytest.raises(InvalidKeyError):
        public.private_jwk()


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_multikey_round_trip(key_type: str) -> None:
    key = pair(key_type)
    again = keys.KeyPair.from_multikey(key.public_multikey(), key.secret_multikey())
    assert again.private_jwk() == key.private_jwk()
    assert keys.KeyPair.from_cryptography(key.to_cryptography()).did == key.did


@settings(max_examples=25)
@given(st.binary(min_size=32, max_size=32))
def test_ed25519_round_trips_from_any_seed(seed: bytes) -> None:
    original = keys.KeyPair.from_cryptography(ed25519.Ed25519PrivateKey.from_private_bytes(seed))
    via_jwk = keys.KeyPair.from_jwk(original.private_jwk())
    via_multikey = keys.KeyPair.from_multikey(via_jwk.public_multikey(), via_jwk.secret_multikey())
    assert via_multikey.private_jwk() == original.private_jwk()


@settings(max_examples=25)
@given(st.integers(min_value=1, max_value=2**255), st.sampled_from(["P-256", "P-384"]))
def test_ec_round_trips_from_any_scalar(scalar: int, curve_name: str) -> None:
    curve = ec.SECP256R1() if curve_name == "P-256" else ec.SECP384R1()
    original = keys.KeyPair.from_cryptography(ec.derive_private_key(scalar, curve))
    via_multikey = keys.KeyPair.from_multikey(
        original.public_multikey(), original.secret_multikey()
    )
    via_jwk = keys.KeyPair.from_jwk(via_multikey.private_jwk())
    assert via_jwk.private_jwk() == original.private_jwk()


def test_kid_must_match_the_key() -> None:
    jwk = pair("Ed25519").private_jwk()
    jwk["kid"] = pair("P-256").verification_method
    with pytest.raises(InvalidKeyError, match="kid"):
        keys.KeyPair.from_jwk(jwk)


def test_rsa_needs_did_jwk_and_2048_bits() -> None:
    with pytest.raises(UnsupportedKeyTypeError, match="did:jwk"):
        keys.generate("RSA")
    with pytest.raises(ValueError, match="2048"):
        keys.generate("RSA", did_method="jwk", rsa_bits=1024)
    with pytest.raises(ValueError, match="unknown key type"):
        keys.generate("secp256k1")


def test_verification_method_with_private_material_is_rejected() -> None:
    vm = pair("P-256").verification_method_document("JsonWebKey")
    vm["publicKeyJwk"] = pair("P-256").private_jwk()
    with pytest.raises(InvalidKeyError):
        keys.verifier_for_method(vm)


jwk_values = st.one_of(st.text(max_size=10), st.integers(), st.none())


@given(
    st.dictionaries(
        st.sampled_from(["kty", "crv", "x", "y", "d", "n", "e", "kid"]),
        st.one_of(jwk_values, st.sampled_from(["OKP", "EC", "RSA", "Ed25519", "P-256", "AQAB"])),
    )
)
def test_random_jwks_raise_only_microcred_errors(jwk: dict[str, Any]) -> None:
    with contextlib.suppress(MicrocredError):
        keys.KeyPair.from_jwk(jwk)


@given(st.text(max_size=60))
def test_random_multikeys_raise_only_microcred_errors(text: str) -> None:
    try:
        keys.decode_multikey(text)
        keys.KeyPair.from_multikey(text)
    except MicrocredError:
        pass


def test_a_private_key_file_is_read_strictly() -> None:
    import json as json_module

    from microcred.errors import MicrocredError
    from microcred.keys import KeyPair, generate

    key = generate("P-256")
    loaded = KeyPair.from_private_jwk_bytes(json_module.dumps(key.private_jwk()).encode())
    assert loaded.did == key.did
    assert loaded.has_private_key
    with pytest.raises(MicrocredError, match="JSON object"):
        KeyPair.from_private_jwk_bytes(b"[]")
    with pytest.raises(MicrocredError, match="no private key members"):
        KeyPair.from_private_jwk_bytes(json_module.dumps(key.public_jwk()).encode())
    with pytest.raises(MicrocredError, match="duplicate"):
        KeyPair.from_private_jwk_bytes(b'{"kty": "OKP", "kty": "EC"}')
