"""DID resolution errors carry the names the specifications give them.

did:key (W3C CCG did:key Method, "Document Creation Algorithm" / "Decode Public Key
Algorithm"): the multibaseValue "MUST be a string and begin with the letter z ... an
invalidDid error MUST be raised"; a raw key of the wrong byte length for its multicodec
(ed25519-pub 32, p256-pub 33, p384-pub 49 bytes) raises ``invalidPublicKeyLength``; an
improper encoding of the key raises ``invalidPublicKey``; an unknown key format raises
``unsupportedPublicKeyType``; a format that is not allowed raises ``invalidPublicKeyType``.
DID Resolution: ``invalidDid``, ``notFound``, ``methodNotSupported``,
``representationNotSupported`` (with the error type URIs of the CR,
``https://www.w3.org/ns/did#INVALID_DID`` ...).
"""

from __future__ import annotations

import base58
import pytest

from microcred import keys
from microcred.errors import DID_ERROR_TYPES, DidError, DidResolutionError, InvalidDidError
from microcred.keys._multikey import encode_multikey


def _did_key(prefix: bytes, raw: bytes) -> str:
    return "did:key:z" + base58.b58encode(prefix + raw).decode()


@pytest.mark.parametrize(
    ("did", "name"),
    [
        ("did:key:abc", "invalidDid"),  # the multibase value does not begin with z
        ("did:key:z0OIl", "invalidDid"),  # not base58btc
        ("did:key:" + encode_multikey("ed25519-pub", b"\x01" * 31), "invalidPublicKeyLength"),
        (
            "did:key:" + encode_multikey("p256-pub", b"\x02" + b"\x01" * 31),
            "invalidPublicKeyLength",
        ),
        ("did:key:" + encode_multikey("p256-pub", b"\x02" + b"\xff" * 32), "invalidPublicKey"),
        ("did:key:" + encode_multikey("ed25519-priv", b"\x01" * 32), "invalidPublicKeyType"),
        (_did_key(b"\xe7\x01", b"\x02" * 33), "unsupportedPublicKeyType"),  # secp256k1-pub
    ],
)
def test_did_key_errors_are_named(did: str, name: str) -> None:
    with pytest.raises(InvalidDidError) as raised:
        keys.DidKeyResolver().resolve(did)
    assert raised.value.error == name
    assert raised.value.error_type == "https://www.w3.org/ns/did#INVALID_DID"


def test_a_did_key_resolver_does_not_support_other_methods() -> None:
    with pytest.raises(DidResolutionError) as raised:
        keys.DidKeyResolver().resolve("did:example:123")
    assert raised.value.error == "methodNotSupported"
    assert raised.value.error_type == "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED"


def test_did_jwk_errors_are_named() -> None:
    with pytest.raises(InvalidDidError) as raised:
        keys.DidJwkResolver().resolve("did:jwk:!!!")
    assert raised.value.error == "invalidDid"
    with pytest.raises(DidResolutionError) as other:
        keys.DidJwkResolver().resolve("did:key:z6Mk")
    assert other.value.error == "methodNotSupported"


def test_a_static_resolver_reports_not_found() -> None:
    with pytest.raises(DidResolutionError) as raised:
        keys.StaticResolver([]).resolve("did:web:example.com")
    assert raised.value.error == "notFound"


def test_the_default_chain_names_what_no_resolver_supports() -> None:
    with pytest.raises(DidResolutionError) as raised:
        keys.default_resolver().resolve("did:example:123")
    assert raised.value.error == "methodNotSupported"


def test_the_chain_prefers_the_error_of_the_resolver_for_the_method() -> None:
    chain = keys.ChainResolver(keys.StaticResolver([]), keys.DidWebResolver())
    with pytest.raises(DidResolutionError) as raised:
        chain.resolve("did:web:example.com")
    # the static documents do not hold it (notFound); did:web needs the network
    assert raised.value.error == "notFound"


def test_a_valid_did_key_still_resolves() -> None:
    key = keys.generate("Ed25519")
    assert keys.DidKeyResolver().resolve(key.did)["id"] == key.did


def test_error_names_are_a_closed_set() -> None:
    with pytest.raises(ValueError, match="unknown DID error name"):
        DidError("x", error="noSuchError")
    assert set(DID_ERROR_TYPES) >= {
        "invalidDid",
        "notFound",
        "methodNotSupported",
        "representationNotSupported",
        "invalidPublicKeyLength",
        "invalidPublicKeyType",
    }
