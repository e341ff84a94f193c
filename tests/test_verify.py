"""verify(): who must have signed. The issuer's own proof is required; further proofs by
other parties (a proof set, or a chain through previousProof) may accompany it."""

from __future__ import annotations

from typing import Any

import pytest

import microcred as mc

ISSUER = mc.keys.generate("Ed25519")
NOTARY = mc.keys.generate("Ed25519")


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
    }


def _statuses(report: mc.VerificationReport, check_id: str) -> list[str]:
    return [c.status for c in report.checks if c.id == check_id]


def test_a_further_proof_by_another_party_is_reported_and_accepted() -> None:
    signed = mc.issue(_credential(ISSUER.did), ISSUER)
    countersigned = mc.issue(signed, NOTARY, allow_issuer_mismatch=True)
    assert isinstance(countersigned["proof"], list)
    assert len(countersigned["proof"]) == 2
    report = mc.verify(countersigned)
    assert report.outcome == "verified"
    assert _statuses(report, "issuer") == ["passed", "passed"]
    assert any("further proof by " + NOTARY.did in c.message for c in report.checks)


def test_proofs_by_others_alone_do_not_stand_in_for_the_issuer() -> None:
    by_notary = mc.issue(_credential(ISSUER.did), NOTARY, allow_issuer_mismatch=True)
    report = mc.verify(by_notary)
    assert report.outcome == "invalid"
    assert _statuses(report, "issuer") == ["failed"]
    other = mc.keys.generate("Ed25519")
    twice = mc.issue(by_notary, other, allow_issuer_mismatch=True)
    report = mc.verify(twice)
    assert report.outcome == "invalid"
    assert "nor of the 1 other proof(s)" in report.failed[0].message


def test_a_failing_further_proof_still_fails_the_credential() -> None:
    signed = mc.issue(_credential(ISSUER.did), ISSUER)
    countersigned = mc.issue(signed, NOTARY, allow_issuer_mismatch=True)
    countersigned["proof"][1]["proofValue"] = countersigned["proof"][0]["proofValue"]
    report = mc.verify(countersigned)
    assert report.outcome == "invalid"
    assert "proof.signature" in {c.id for c in report.failed}


def test_an_issuer_whose_trusted_document_lists_the_key_is_bound_to_it() -> None:
    """An https issuer signing with a did:key it names in its own controller document (as
    the W3C ECDSA test vectors do)."""
    issuer = "https://university.example/issuers/1"
    signed = mc.issue(_credential(issuer), ISSUER, allow_issuer_mismatch=True)
    assert mc.verify(signed).outcome == "invalid"  # nothing ties the issuer to the key
    listing = {"id": issuer, "assertionMethod": [ISSUER.verification_method]}
    report = mc.verify(signed, resolver=mc.keys.StaticResolver([listing]))
    assert report.outcome == "verified"
    assert "lists the signing key" in next(c for c in report.checks if c.id == "issuer").message
    wrong_relation = {"id": issuer, "authentication": [ISSUER.verification_method]}
    report = mc.verify(signed, resolver=mc.keys.StaticResolver([wrong_relation]))
    assert report.outcome == "invalid"
    other_key = {"id": issuer, "assertionMethod": [NOTARY.verification_method]}
    assert mc.verify(signed, resolver=mc.keys.StaticResolver([other_key])).outcome == "invalid"


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        (None, "needs a credentialSubject"),
        ({}, "needs a credentialSubject"),
        ([{"id": "did:example:a"}, {}], "non-empty objects"),
    ],
)
@pytest.mark.parametrize("form", ["di", "jwt"])
def test_a_credential_must_say_something_about_a_subject(
    subject: Any, message: str, form: str
) -> None:
    key = mc.keys.generate("Ed25519")
    credential = _credential(key.did)
    if subject is None:
        del credential["credentialSubject"]
    else:
        credential["credentialSubject"] = subject
    report = mc.verify(mc.issue(credential, key, format=form))
    assert report.outcome == "invalid"
    assert [c.id for c in report.failed] == ["subject"]
    assert message in report.failed[0].message


def test_a_vc_20_credential_without_valid_from_says_so_in_its_terms() -> None:
    key = mc.keys.generate("Ed25519")
    credential = _credential(key.did)
    credential.pop("validFrom", None)
    report = mc.verify(mc.issue(credential, key))
    check = report.check("validity.valid_from")
    assert check is not None
    assert (check.status, check.message) == ("skipped", "no validFrom")
