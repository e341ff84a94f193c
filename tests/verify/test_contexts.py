"""The ``contexts`` check (``verify/_contexts.py``): a base direction is accepted and warned of,
a context written as a context document is read as the object it wraps."""

from __future__ import annotations

import copy
from typing import Any

import microcred as mc

from .conftest import ISSUER, NOW, VC_V2

NAME = {"@value": "Grundläggande svenska", "@language": "sv", "@direction": "ltr"}


def _credential(**members: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER.did,
        "validFrom": "2026-06-01T10:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    credential.update(members)
    return credential


def test_a_base_direction_verifies_with_a_warning_that_it_is_not_signed() -> None:
    signed = mc.issue(_credential(name=NAME, description=NAME), ISSUER)
    report = mc.verify(signed, now=NOW)
    assert report.verified
    assert report.check("contexts").status == "passed"
    [warning] = report.warnings
    assert warning.id == "contexts"
    assert warning.path == "$.name"
    assert warning.message.startswith("2 text values set a base direction (@direction)")
    assert "does not cover" in warning.message
    # what the warning says: the direction can be changed under the signature
    flipped = copy.deepcopy(signed)
    flipped["name"]["@direction"] = "rtl"
    assert mc.verify(flipped, now=NOW).verified
    # the text and the language are signed
    for member, changed in (("@value", "Avancerad svenska"), ("@language", "en")):
        tampered = copy.deepcopy(signed)
        tampered["name"][member] = changed
        report = mc.verify(tampered, now=NOW)
        assert report.outcome == "invalid"
        assert report.check("proof.signature").status == "failed"


def test_without_a_base_direction_there_is_no_such_warning() -> None:
    signed = mc.issue(_credential(name={"@value": "Basic Swedish", "@language": "en"}), ISSUER)
    report = mc.verify(signed, now=NOW)
    assert report.verified
    assert report.warnings == []


def test_a_context_document_shape_inside_context_is_read_as_its_object() -> None:
    terms = {"alumniOf": "https://schema.org/alumniOf"}
    unsigned = _credential(
        credentialSubject={"id": "did:example:learner", "alumniOf": "Exempeluniversitetet"}
    )
    unsigned["@context"] = [VC_V2, {"@context": terms}]
    signed = mc.issue(unsigned, ISSUER, allow_inline_contexts=True)
    assert mc.verify(signed, now=NOW, allow_inline_contexts=True).verified
    refused = mc.verify(signed, now=NOW)  # an embedded context, not allowed by default
    assert refused.outcome == "invalid"
    assert refused.check("contexts").status == "failed"
    assert "embeds a context object" in refused.check("contexts").message
    # the same signature holds over the unwrapped form: the two mean the same graph
    unwrapped = {**signed, "@context": [VC_V2, terms]}
    assert mc.verify(unwrapped, now=NOW, allow_inline_contexts=True).verified


# --- the contexts a document uses, read with it (no second walk) ----------------------------


def _revisions(document: dict[str, Any]) -> str:
    used = mc.jsonld.contexts_of(document)
    return ", ".join(c.revision or f"{c.url} (unversioned)" for c in used)


def test_the_contexts_named_are_those_of_the_whole_document() -> None:
    signed = mc.issue(_credential(), ISSUER)
    presented = mc.present([signed], ISSUER, challenge="c", domain="d")
    for document in (signed, presented):
        report = mc.verify(document, now=NOW, challenge="c", domain="d")
        assert report.verified
        assert report.check("contexts").message.endswith(": " + _revisions(document))


def test_an_unknown_context_in_a_proof_left_unread_is_still_refused() -> None:
    # a proof of a suite microcred does not know is not read as JSON-LD; its @context is
    # still a context of the document, and an unknown one is refused (the walk of them all)
    signed = mc.issue(_credential(), ISSUER)
    other = {
        "type": "DataIntegrityProof",
        "cryptosuite": "unknown-suite-2099",
        "@context": ["https://contexts.example/unknown/v1"],
        "proofPurpose": "assertionMethod",
        "verificationMethod": ISSUER.verification_method,
        "proofValue": "z1111",
    }
    first = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    two = {**signed, "proof": [first, other]}
    report = mc.verify(two, now=NOW)
    assert report.outcome == "indeterminate"  # (a context microcred does not have)
    check = report.check("contexts")
    assert check.status != "passed"
    assert "https://contexts.example/unknown/v1" in check.message
