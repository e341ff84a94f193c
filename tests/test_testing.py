"""microcred.testing: assertions with readable failures, and the pytest fixtures."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

import microcred as mc
from microcred import keys
from microcred.jsonld import DocumentLoader
from microcred.testing import (
    assert_indeterminate,
    assert_invalid,
    assert_valid,
    assert_verified,
    controller_document,
    describe_failures,
)


def _signed(key: keys.KeyPair) -> dict[str, Any]:
    return mc.issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": key.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
        },
        key,
    )


def test_assert_verified_and_its_failure_message(microcred_key: keys.KeyPair) -> None:
    signed = _signed(microcred_key)
    assert assert_verified(signed).verified
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Eve"
    with pytest.raises(AssertionError) as failure:
        assert_verified(tampered)
    assert "credential is invalid" in str(failure.value)
    assert "proof.signature" in str(failure.value)
    assert assert_invalid(tampered, "proof.signature").outcome == "invalid"
    with pytest.raises(AssertionError, match="expected check 'issuer'"):
        assert_invalid(tampered, "issuer")
    with pytest.raises(AssertionError, match="expected invalid, got verified"):
        assert_invalid(signed)


def test_assert_indeterminate_names_the_unresolvable_key() -> None:
    signed = _signed(keys.generate("Ed25519"))
    signed["proof"]["verificationMethod"] = "https://issuer.example/keys#1"
    report = assert_indeterminate(signed)
    assert "https://issuer.example/keys#1" in describe_failures(report)
    with pytest.raises(AssertionError, match="expected indeterminate"):
        assert_indeterminate(_signed(keys.generate("Ed25519")))


def test_assert_valid_lists_problems() -> None:
    with pytest.raises(AssertionError, match="not valid for profile ob3"):
        assert_valid({"type": ["VerifiableCredential"]}, "ob3")


def test_plugin_fixtures(
    microcred_key_factory: Callable[..., keys.KeyPair],
    microcred_loader: DocumentLoader,
    microcred_now: datetime,
) -> None:
    assert microcred_key_factory("P-256").key_type == "P-256"
    assert microcred_loader.load("https://www.w3.org/ns/credentials/v2").document
    key = microcred_key_factory("Ed25519")
    assert_verified(_signed(key), now=microcred_now, loader=microcred_loader)


def test_helpers_on_the_published_fixtures(shared_standards: Any) -> None:
    """The helpers as a conformance suite would use them on third-party credentials."""
    import json

    folder = shared_standards / "examples" / "validator-fixtures" / "ob30"
    simple = json.loads((folder / "simple.json").read_text())
    method = simple["proof"][0]["verificationMethod"]
    trusted = keys.StaticResolver([controller_document(method, method.split("#")[1])])
    assert_verified(simple, resolver=trusted)
    assert_valid(simple, "ob3")
    assert_indeterminate(simple)  # without the issuer's published key
    expired = (folder / "simple-err-expired.json").read_bytes()
    assert_invalid(expired, "validity.valid_until", resolver=trusted)
    with pytest.raises(AssertionError) as failure:
        assert_verified(expired, resolver=trusted)
    assert "validity.valid_until" in str(failure.value)
    assert "expired" in str(failure.value)
