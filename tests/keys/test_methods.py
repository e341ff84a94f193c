"""Verification methods (microcred.keys._methods): resolve_method, dereference, is_authorized;
and the did:key / did:jwk identifier syntax they and the key pairs share."""

from __future__ import annotations

import pytest

from microcred import keys
from microcred.errors import DidResolutionError, InvalidDidError, InvalidKeyError
from microcred.keys import ResolvedMethod, resolve_method
from microcred.keys._identifiers import did_jwk_identifiers, did_key_identifiers


def test_the_key_pairs_identifiers_are_the_did_methods() -> None:
    ed = keys.generate("Ed25519")
    assert (ed.did, ed.verification_method) == did_key_identifiers(ed.public_multikey())
    assert ed.verification_method == f"{ed.did}#{ed.public_multikey()}"
    rsa = keys.generate("RSA", did_method="jwk")
    did, method = did_jwk_identifiers(rsa.did[len("did:jwk:") :])
    assert (did, method) == (rsa.did, rsa.verification_method)
    assert method.endswith("#0")


def test_the_did_documents_list_the_key_pairs_method() -> None:
    for pair in (keys.generate("P-256"), keys.generate("Ed25519", did_method="jwk")):
        document = keys.did_document(pair)
        assert document["verificationMethod"][0]["id"] == pair.verification_method


def test_resolve_method_finds_the_method_and_its_controller() -> None:
    pair = keys.generate("Ed25519")
    resolved = resolve_method(pair.verification_method, keys.default_resolver())
    assert isinstance(resolved, ResolvedMethod)
    assert resolved.id == pair.verification_method
    assert resolved.controller == pair.did
    assert resolved.key_type() == "Ed25519"
    assert resolved.authorized_for("assertionMethod")
    assert not resolved.authorized_for("keyAgreement")
    signature = pair.signer().sign(b"data")
    assert resolved.verifier().verify(b"data", signature)
    assert resolved.verifier().key_id == pair.verification_method


def test_a_bare_did_key_names_its_one_key() -> None:
    pair = keys.generate("Ed25519")
    resolved = resolve_method(pair.did, keys.default_resolver())
    assert resolved.id == pair.verification_method


def test_resolve_method_of_a_published_controller_document() -> None:
    pair = keys.generate("Ed25519", controller="did:web:uni.example")
    document = keys.publishable_document([pair], authentication=False)
    resolved = resolve_method(pair.verification_method, keys.StaticResolver([document]))
    assert resolved.controller == "did:web:uni.example"
    assert resolved.authorized_for("assertionMethod")
    assert not resolved.authorized_for("authentication")


def test_an_unlisted_method_is_a_resolution_error() -> None:
    pair = keys.generate("Ed25519", controller="did:web:uni.example")
    other = keys.generate("Ed25519", controller="did:web:uni.example")
    document = keys.publishable_document([pair])
    with pytest.raises(DidResolutionError, match="does not list the verification method"):
        resolve_method(
            other.verification_method.replace("#", "#x"), keys.StaticResolver([document])
        )


@pytest.mark.parametrize("vm_id", ["", "key-1", "#key-1", "x" * 9000])
def test_a_malformed_method_id_is_an_invalid_did(vm_id: str) -> None:
    with pytest.raises(InvalidDidError):
        resolve_method(vm_id, keys.default_resolver())


def test_the_key_is_read_when_asked_for_and_private_material_refused() -> None:
    pair = keys.generate("Ed25519", controller="did:web:uni.example")
    document = keys.publishable_document([pair])
    document["verificationMethod"][0]["secretKeyMultibase"] = "z1"
    resolved = resolve_method(pair.verification_method, keys.StaticResolver([document]))
    with pytest.raises(InvalidKeyError, match="private key material"):
        resolved.key_type()
    with pytest.raises(InvalidKeyError, match="private key material"):
        resolved.verifier("EdDSA")


def test_the_public_names_are_the_methods_modules() -> None:
    from microcred.keys import _methods

    for name in (
        "dereference",
        "is_authorized",
        "key_type_of_method",
        "public_key_of_method",
        "verifier_for_method",
    ):
        assert getattr(keys, name) is getattr(_methods, name)
