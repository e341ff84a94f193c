"""The libsodium accelerator for Ed25519 verification agrees with OpenSSL on every verdict."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import keys
from microcred.keys import _sodium

KEY = keys.generate("Ed25519")
METHOD = KEY.verification_method_document()

# RFC 8032 §7.1, TEST 2: secret key, public key, message, signature.
RFC_SECRET = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
RFC_PUBLIC = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
RFC_MESSAGE = bytes.fromhex("72")
RFC_SIGNATURE = bytes.fromhex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
)
#: A small-order point (the identity's encoding): libsodium refuses it as a public key.
SMALL_ORDER = bytes([1] + [0] * 31)


def _openssl(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except Exception:
        return False
    return True


def test_the_accelerator_is_in_use_when_pynacl_is_installed() -> None:
    pytest.importorskip("nacl", reason="PyNaCl (the [speed] extra) is not installed")
    assert _sodium.available()


def test_rfc_8032_test_2_verifies_by_libsodium() -> None:
    pytest.importorskip("nacl", reason="PyNaCl (the [speed] extra) is not installed")
    secret = ed25519.Ed25519PrivateKey.from_private_bytes(RFC_SECRET)
    assert secret.public_key().public_bytes_raw() == RFC_PUBLIC
    assert secret.sign(RFC_MESSAGE) == RFC_SIGNATURE
    assert _sodium.verify(RFC_PUBLIC, RFC_SIGNATURE, RFC_MESSAGE)
    assert not _sodium.verify(RFC_PUBLIC, RFC_SIGNATURE, b"\x73")
    assert not _sodium.verify(RFC_PUBLIC, RFC_SIGNATURE[:63], RFC_MESSAGE)
    assert not _sodium.verify(RFC_PUBLIC[:31], RFC_SIGNATURE, RFC_MESSAGE)


def test_libsodium_accepts_nothing_openssl_refuses_on_a_small_order_key() -> None:
    """A small-order public key with an all-zero-but-R signature: libsodium refuses it,
    and the verifier's verdict is OpenSSL's, whatever that is."""
    signature = SMALL_ORDER + bytes(32)
    assert not _sodium.verify(SMALL_ORDER, signature, b"anything")
    verifier = keys.verifier_for_method(
        {
            "id": "did:example:1#k",
            "type": "Multikey",
            "controller": "did:example:1",
            "publicKeyMultibase": keys.KeyPair.from_cryptography(
                ed25519.Ed25519PublicKey.from_public_bytes(SMALL_ORDER)
            ).public_multikey(),
        }
    )
    assert verifier.verify(b"anything", signature) == _openssl(SMALL_ORDER, signature, b"anything")


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=200),
    flip=st.integers(min_value=-1, max_value=63),
    other_data=st.booleans(),
)
def test_the_verifier_gives_openssl_s_verdict(data: bytes, flip: int, other_data: bool) -> None:
    signature = bytearray(KEY.signer().sign(data))
    if flip >= 0:
        signature[flip] ^= 0x01
    checked = data + b"!" if other_data else data
    public = KEY.to_cryptography().public_key().public_bytes_raw()  # type: ignore[union-attr]
    expected = _openssl(public, bytes(signature), checked)
    assert keys.verifier_for_method(METHOD).verify(checked, bytes(signature)) is expected


def test_without_the_accelerator_the_verdicts_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_sodium, "_LIB", [None, None])
    assert not _sodium.available()
    assert not _sodium.verify(RFC_PUBLIC, RFC_SIGNATURE, RFC_MESSAGE)
    signature = KEY.signer().sign(b"data")
    verifier = keys.verifier_for_method(METHOD)
    assert verifier.verify(b"data", signature)
    assert not verifier.verify(b"date", signature)
