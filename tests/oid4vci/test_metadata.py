"""The Credential Issuer Metadata, signed with the issuer's certificate chain (OpenID4VCI 1.0
§12.2.3, HAIP 1.0), and the issuer identifier's rules (§12.2.1)."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from tests._pki import name, root_and_leaf

from microcred.jose._jwt import _read_compact, _signing_input
from microcred.keys import KeyPair, generate
from microcred.oid4vci import IssuerConfig
from microcred.oid4vci._metadata import (
    SIGNED_METADATA_TYP,
    issuer_identifier,
    issuer_metadata,
    signed_issuer_metadata,
)

URL = "https://issuer.example"


def _chain() -> tuple[KeyPair, tuple[str, ...]]:
    root, leaf, leaf_key = root_and_leaf(
        name("Test root"), name("Issuer"), san=URL, now=datetime.now(timezone.utc)
    )
    chain = tuple(base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in (leaf, root))
    return KeyPair.from_cryptography(leaf_key), chain


def test_the_signed_metadata_is_the_metadata_signed_with_the_certified_key() -> None:
    key, chain = _chain()
    config = IssuerConfig(URL, key, x5c=chain)
    token = signed_issuer_metadata(config, 1_800_000_000)
    header, payload, segments = _read_compact(token)
    assert header["typ"] == SIGNED_METADATA_TYP
    assert header["x5c"] == list(chain)
    assert payload["sub"] == URL
    assert payload["iat"] == 1_800_000_000
    assert payload["exp"] > payload["iat"]
    unsigned = issuer_metadata(config)
    assert {k: payload[k] for k in unsigned} == unsigned
    assert key.verifier(header["alg"]).verify(_signing_input(token, segments, header), segments[2])


def test_the_chain_must_certify_the_issuers_key() -> None:
    _, chain = _chain()
    with pytest.raises(ValueError, match="not for the issuer's key"):
        IssuerConfig(URL, generate("P-256"), x5c=chain)
    with pytest.raises(ValueError, match="base64 DER"):
        IssuerConfig(URL, generate("P-256"), x5c=("not a certificate",))


def test_without_a_chain_there_is_no_signed_metadata() -> None:
    with pytest.raises(ValueError, match="x5c"):
        signed_issuer_metadata(IssuerConfig(URL, generate("P-256")), 0)


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://issuer.example", "https://issuer.example"),
        ("https://issuer.example/vc/", "https://issuer.example/vc"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://issuer.example", None),
        ("https://issuer.example/?a=1", None),
        ("https://issuer.example/#x", None),
        ("https://issuer.example:notaport", None),
        ("issuer.example", None),
        ("ftp://issuer.example", None),
    ],
)
def test_the_issuer_identifier(url: str, accepted: str | None) -> None:
    # OpenID4VCI 1.0 §12.2.1: an https URL with scheme, host, optional port and path, no
    # query or fragment (http is accepted on loopback, for trying the issuer on one machine)
    if accepted is None:
        with pytest.raises(ValueError, match="https"):
            issuer_identifier(url)
    else:
        assert issuer_identifier(url) == accepted
