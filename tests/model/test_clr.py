"""CLR 2.0 stacking: one learner's micro-credentials in one verified record."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import microcred as mc
from microcred.model import MicroCredential
from microcred.model.clr import StackingError, stack, total_ects
from microcred.model.identity import IdentityPolicy, ReversibleIdentityWarning

ROOT = Path(__file__).resolve().parents[2]
FORM = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
UNI = mc.keys.generate("Ed25519")


def _signed(
    code: str, hp: float, learner_id: str = "did:example:tolvan", salt: str | None = None
) -> dict[str, Any]:
    form = copy.deepcopy(FORM)
    form.update(code=code, title={"en": f"Course {code}"}, workload={"hp": hp})
    form["learner"]["id"] = learner_id
    micro = MicroCredential.model_validate(form)
    if salt is None:
        unsigned = micro.to_ob3(issuer_id=UNI.did, today=date(2026, 11, 25))
    else:  # the learner known only by salted hashes (an opt-in that warns)
        salted = IdentityPolicy(national_id="salted", email="salted")
        with pytest.warns(ReversibleIdentityWarning):
            unsigned = micro.to_ob3(
                issuer_id=UNI.did, today=date(2026, 11, 25), salt=salt, identity=salted
            )
    return mc.issue(unsigned.to_json(), UNI)


def test_stacked_record_verifies_with_every_credential_inside() -> None:
    parts = [_signed("DA123A", 7.5), _signed("DA124B", 5), _signed("DA125C", 2.5)]
    record = stack(parts, issuer=UNI.did, valid_from="2026-07-01T00:00:00Z")
    assert total_ects(parts) == 15
    assert record["credentialSubject"]["verifiableCredential"] == parts  # proofs kept as signed
    signed = mc.issue(record, UNI)
    report = mc.verify(signed)
    assert report.verified, report
    assert [inner.outcome for inner in report.credentials] == ["verified"] * 3
    assert mc.validate(signed).profile == "clr"
    assert mc.validate(signed).valid

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["result"][0][
        "value"
    ] = "U"
    bad = mc.verify(tampered)
    assert bad.outcome == "invalid"
    # the record's own proof covers its content, and the tampered credential fails on its own
    assert bad.credentials[1].outcome == "invalid"


def test_only_one_learners_open_badges_stack() -> None:
    with pytest.raises(StackingError, match="different learners"):
        stack([_signed("A1", 1), _signed("B2", 1, "did:example:other")], issuer=UNI.did,
              valid_from="2026-07-01T00:00:00Z")  # fmt: skip
    with pytest.raises(StackingError, match="nothing"):
        stack([], issuer=UNI.did, valid_from="2026-07-01T00:00:00Z")
    plain = mc.issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": UNI.did,
            "credentialSubject": {"id": "did:example:tolvan"},
        },
        UNI,
    )
    with pytest.raises(StackingError, match="Open Badges"):
        stack([plain], issuer=UNI.did, valid_from="2026-07-01T00:00:00Z")


def test_learners_known_only_by_hashed_identity_stack_when_the_hashes_match() -> None:
    salted = [_signed("A1", 1, "", salt="s1"), _signed("B2", 2, "", salt="s1")]
    assert all("id" not in c["credentialSubject"] for c in salted)
    record = stack(salted, issuer=UNI.did, valid_from="2026-07-01T00:00:00Z")
    assert record["credentialSubject"]["identifier"] == salted[0]["credentialSubject"]["identifier"]
    # with different salts the hashes differ: microcred cannot tell it is the same learner
    with pytest.raises(StackingError, match="different learners"):
        stack([_signed("A1", 1, "", salt="s1"), _signed("B2", 2, "", salt="s2")],
              issuer=UNI.did, valid_from="2026-07-01T00:00:00Z")  # fmt: skip
