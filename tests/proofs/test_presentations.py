"""Presentations: authentication proofs with challenge and domain; embedded credentials."""

from __future__ import annotations

import copy
import functools

import pytest

import microcred as mc
from microcred import keys

# These credentials carry an embedded context ({"@vocab": ...}): the caller opts in, as it must
# (embedded contexts are refused by default; docs/verification.md, the strict reading rule).
_issue = functools.partial(mc.issue, allow_inline_contexts=True)
_present = functools.partial(mc.present, allow_inline_contexts=True)
_verify_inline = functools.partial(mc.verify, allow_inline_contexts=True)


VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _credential(issuer: keys.KeyPair) -> dict[str, object]:
    return _issue(
        {
            "@context": [VC_V2],
            "type": ["VerifiableCredential"],
            "issuer": issuer.did,
            "credentialSubject": {"id": "did:example:x"},
        },
        issuer,
        created="2026-01-01T00:00:00Z",
    )


def test_presentation_round_trip_with_challenge_and_domain() -> None:
    issuer, holder = keys.generate("P-256"), keys.generate("Ed25519")
    vp = _present([_credential(issuer)], holder, challenge="c-1", domain="verifier.example")
    report = _verify_inline(vp, challenge="c-1", domain="verifier.example")
    assert report.verified, report.failed
    assert report.kind == "presentation"
    assert len(report.credentials) == 1
    assert report.credentials[0].verified
    assert vp["proof"]["proofPurpose"] == "authentication"


def test_replay_with_another_challenge_or_domain_fails() -> None:
    holder = keys.generate("Ed25519")
    vp = _present([], holder, challenge="c-1", domain="verifier.example")
    wrong_challenge = _verify_inline(vp, challenge="c-2", domain="verifier.example")
    assert "proof.challenge" in {c.id for c in wrong_challenge.failed}
    wrong_domain = _verify_inline(vp, challenge="c-1", domain="other.example")
    assert "proof.domain" in {c.id for c in wrong_domain.failed}


def test_a_bad_embedded_credential_makes_the_presentation_invalid() -> None:
    issuer, holder = keys.generate("Ed25519"), keys.generate("Ed25519")
    credential = _credential(issuer)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"] = {"id": "did:example:mallory"}
    vp = _present([tampered], holder, challenge="c")
    report = _verify_inline(vp, challenge="c")
    assert report.outcome == "invalid"
    assert not report.credentials[0].verified


def test_credential_proof_cannot_pass_as_presentation_proof() -> None:
    """A credential's assertionMethod proof is not an authentication proof: a presentation
    signed the way a credential is (``issue()``, ``proofPurpose: assertionMethod``) fails the
    ``proof.purpose`` check, though its signature holds."""
    key = keys.generate("Ed25519")
    presentation = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": key.did}
    doc = mc.issue(presentation, key)
    report = _verify_inline(doc)
    signature = report.check("proof.signature")
    assert signature is not None
    assert signature.status == "passed"
    assert not report.verified
    check = report.check("proof.purpose")
    assert check is not None
    assert check.status == "failed"
    assert check.message == "proofPurpose is 'assertionMethod', expected 'authentication'"


def test_a_derived_sd_credential_in_a_presentation_verifies() -> None:
    issuer, holder = keys.generate("P-256"), keys.generate("Ed25519")
    credential = {
        "@context": [VC_V2, {"@vocab": "https://example.org/vocab#"}],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "credentialSubject": {"id": "did:example:x", "grade": "VG", "name": "Alma"},
    }
    base = _issue(credential, issuer, suite="ecdsa-sd-2023", mandatory_pointers=["/issuer"])
    shown = mc.derive(base, ["/credentialSubject/grade"])
    vp = _present([shown], holder, challenge="c-2")
    report = _verify_inline(vp, challenge="c-2")
    assert report.verified, report.failed
    assert report.credentials[0].verified
    with_base = _verify_inline(_present([base], holder, challenge="c-2"), challenge="c-2")
    assert with_base.outcome == "invalid"  # the base proof must not leave the holder
    with pytest.raises(ValueError, match="another suite"):
        _present([shown], issuer, suite="ecdsa-sd-2023")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_a_roster_of_one_course_presents_together(suite: str) -> None:
    """Credentials of one course from one issuer share nearly every statement; in a
    presentation each is a graph named by a blank node. Five of them are presented and
    verified well inside the default work limit (the canonicalization tries each distinct
    ordering of related nodes once)."""
    import json
    from pathlib import Path

    from microcred.batch import issue_many

    template = json.loads(
        (
            Path(__file__).resolve().parents[2] / "examples" / "data" / "template-da123a.json"
        ).read_text(encoding="utf-8")
    )
    rows = [
        {"name": "Alva Berg", "ladok_uid": f"00000000-0000-4000-8000-00000000000{n}",
         "grade": "VG", "awarded": "2026-06-10"}
        for n in range(5)
    ]  # fmt: skip
    issuer = keys.generate("Ed25519")
    holder = keys.generate("P-256" if suite.startswith("ecdsa") else "Ed25519")
    credentials = [result.credential for result in issue_many(rows, template, issuer)]
    assert all(isinstance(c, dict) for c in credentials)
    vp = _present(credentials, holder, challenge="c", suite=suite)  # type: ignore[arg-type]
    report = _verify_inline(vp, challenge="c")
    assert report.verified, report.failed
    assert [inner.verified for inner in report.credentials] == [True] * 5
