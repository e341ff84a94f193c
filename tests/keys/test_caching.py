"""Remembered keys and documents: the caches never change an answer, and what a caller gets
back is its own (changing it changes nothing for the next caller)."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred import keys
from microcred.errors import InvalidDidError, InvalidKeyError, MicrocredError
from microcred.keys import _multikey


@pytest.mark.parametrize("text", ["0abc", "abcO", "abIc", "ab l", "zé", " 1x", "z\x00"])
def test_a_multikey_that_is_not_base58btc_is_an_invalid_key(text: str) -> None:
    with pytest.raises(ValueError, match=r"(?i)invalid|ascii"):
        _multikey.b58decode(text)
    with pytest.raises(InvalidKeyError, match=r"not valid base58btc|multibase"):
        _multikey.decode_multikey("z" + text)


_B58_AND_NEAR = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl \t\n\x0c\x1f"


@given(st.one_of(st.binary(max_size=80).map(lambda b: base58.b58encode(b).decode()),
                 st.text(alphabet=_B58_AND_NEAR, max_size=90)))  # fmt: skip
def test_base58btc_decoding_gives_the_base58_packages_bytes_and_errors(text: str) -> None:
    try:
        expected: object = bytes(base58.b58decode(text))
    except ValueError as exc:
        expected = ("ValueError", str(exc))
    try:
        found: object = _multikey.b58decode(text)
    except ValueError as exc:
        found = ("ValueError", str(exc))
    assert found == expected


def test_a_changed_did_key_document_does_not_change_the_next_resolution() -> None:
    did = keys.generate("Ed25519").did
    first = keys.did_key_document(did)
    pristine = keys.did_key_document(did)
    assert first == pristine
    assert first is not pristine
    first["verificationMethod"][0]["publicKeyMultibase"] = "z6MkAttacker"
    first["assertionMethod"].append("did:example:attacker#key")
    first["keyAgreement"][0]["id"] = "changed"
    first["@context"].clear()
    assert keys.did_key_document(did) == pristine
    resolved = keys.DidKeyResolver().resolve(did)
    assert resolved == pristine
    resolved["verificationMethod"].clear()
    method, _ = keys.dereference(f"{did}#{did.split(':')[-1]}", keys.DidKeyResolver())
    assert method["publicKeyMultibase"] == did.split(":")[-1]


def test_a_changed_did_jwk_document_does_not_change_the_next_resolution() -> None:
    did = keys.generate("P-256", did_method="jwk").did
    first = keys.did_jwk_document(did)
    pristine = keys.did_jwk_document(did)
    first["verificationMethod"][0]["publicKeyJwk"]["x"] = "AAAA"
    first["assertionMethod"] = []
    assert keys.did_jwk_document(did) == pristine
    assert keys.DidJwkResolver().resolve(did) == pristine


def test_each_legacy_form_is_remembered_apart() -> None:
    did = keys.generate("Ed25519").did
    forms = {
        vm_type: keys.did_key_document(did, vm_type=vm_type)
        for vm_type in (
            "Multikey",
            "Ed25519VerificationKey2020",
            "Ed25519VerificationKey2018",
            "JsonWebKey2020",
        )
    }
    types = {form["verificationMethod"][0]["type"] for form in forms.values()}
    assert types == set(forms)
    assert forms["Ed25519VerificationKey2018"]["verificationMethod"][0]["publicKeyBase58"] == (
        base58.b58encode(keys.decode_multikey(did.split(":")[-1])[1]).decode()
    )


def test_a_refused_did_is_refused_every_time() -> None:
    bad = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do0"  # '0' is not base58
    for _ in range(3):
        with pytest.raises(InvalidDidError, match="does not encode a usable key"):
            keys.did_key_document(bad)


def test_one_method_id_with_two_keys_gives_each_its_own_key() -> None:
    """Keys are remembered by their material, never by the method's id."""
    one, two = keys.generate("Ed25519"), keys.generate("Ed25519")
    data = b"signed bytes"
    signature = one.signer().sign(data)
    for pair, expected in ((one, True), (two, False), (one, True)):
        method = {
            "id": "did:web:uni.example#key-1",
            "type": "Multikey",
            "controller": "did:web:uni.example",
            "publicKeyMultibase": pair.public_multikey(),
        }
        assert keys.verifier_for_method(method).verify(data, signature) is expected
        assert keys.verifier_for_method(method).key_id == "did:web:uni.example#key-1"


def test_a_remembered_key_still_checks_the_method_each_time() -> None:
    pair = keys.generate("P-256")
    method = {"id": "x#1", "type": "Multikey", "publicKeyMultibase": pair.public_multikey()}
    assert keys.key_type_of_method(method) == "P-256"
    with pytest.raises(InvalidKeyError, match="private key material"):
        keys.verifier_for_method({**method, "secretKeyMultibase": pair.secret_multikey()})
    with pytest.raises(InvalidKeyError, match="must hold an Ed25519 key"):
        keys.key_type_of_method({**method, "type": "Ed25519VerificationKey2020"})
    with pytest.raises(MicrocredError, match="does not fit a P-256 key"):
        keys.verifier_for_method(method, "EdDSA")


def test_jwk_methods_are_remembered_by_value_and_type() -> None:
    pair = keys.generate("Ed25519")
    jwk = pair.public_jwk()
    method = {"id": "did:web:u.example#k", "type": "JsonWebKey2020", "publicKeyJwk": jwk}
    assert keys.key_type_of_method(method) == "Ed25519"
    listed = {**method, "publicKeyJwk": {**jwk, "key_ops": ["verify"]}}  # not hashable
    assert keys.key_type_of_method(listed) == "Ed25519"
    with pytest.raises(InvalidKeyError, match="must be unpadded base64url"):
        keys.key_type_of_method({**method, "publicKeyJwk": {**jwk, "x": 1}})
    with pytest.raises(InvalidKeyError, match="must be unpadded base64url"):
        keys.key_type_of_method({**method, "publicKeyJwk": {**jwk, "x": "A" * 5000}})


def test_only_the_key_members_of_a_jwk_are_remembered() -> None:
    """Members other than the key's own do not make a cache entry (nor a bigger one)."""
    from microcred.keys import _methods

    jwk = keys.generate("P-256").public_jwk()
    method = {"id": "did:web:u.example#k", "type": "JsonWebKey2020", "publicKeyJwk": jwk}
    assert keys.key_type_of_method(method) == "P-256"
    entries = _methods._remembered_jwk_public.cache_info().currsize
    for number in range(5):
        noisy = {**jwk, "use": "sig", "note": f"{number}" + "x" * 100_000}
        assert keys.key_type_of_method({**method, "publicKeyJwk": noisy}) == "P-256"
    assert _methods._remembered_jwk_public.cache_info().currsize == entries


def test_public_key_of_method_gives_a_new_key_pair_each_time() -> None:
    pair = keys.generate("Ed25519")
    method = {"id": "x#1", "type": "Multikey", "publicKeyMultibase": pair.public_multikey()}
    first = keys.public_key_of_method(method)
    first.did = "did:example:changed"
    again = keys.public_key_of_method(method)
    assert again is not first
    assert again.did == pair.did
