"""OB 3.0 / CLR 2.0 models: every published document round-trips load → dump unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import microcred as mc
from microcred.model import ob3

MODELS: dict[str, type[ob3.Credential]] = {
    "ClrCredential": ob3.ClrCredential,
    "EndorsementCredential": ob3.EndorsementCredential,
    "AchievementCredential": ob3.AchievementCredential,
    "OpenBadgeCredential": ob3.AchievementCredential,
}


def _model_for(document: Any) -> type[ob3.Credential] | None:
    if not isinstance(document, dict):
        return None
    kinds = document.get("type")
    types = kinds if isinstance(kinds, list) else [kinds]
    return next((MODELS[t] for t in MODELS if t in types), None)


def test_every_published_document_round_trips(
    shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roots = [shared_standards / "examples", shared_standards.parent / "bench" / "data"]
    same = rejected = 0
    changed = []
    for root in roots:
        for path in sorted(root.rglob("*.json")):
            document = json.loads(path.read_text())
            model = _model_for(document)
            if model is None:
                continue
            try:
                loaded = model.from_json(document)
            except ValidationError:
                rejected += (
                    1  # not a conformant document (e.g. no achievement): refused, not altered
                )
                continue
            if loaded.to_json() == document:
                same += 1
            else:
                changed.append(path.name)
    with capsys.disabled():
        print(
            f"\nmodel round trip: {same} documents unchanged, {rejected} refused as non-conformant"
        )
    assert changed == []
    assert same >= 55
    assert rejected <= 10


def test_unknown_terms_and_lexical_forms_are_kept() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiableCredential",
        "issuer": {"id": "did:example:i", "type": "Profile", "ext:x": [1, 2]},
        "validFrom": "2026-01-01T00:00:00.000+01:00",
        "credentialSubject": {"id": "did:example:s"},
        "proof": {"type": "DataIntegrityProof"},
        "ext:custom": {"nested": True},
    }
    model = ob3.Credential.from_json(document)
    assert model.to_json() == document
    assert model.issuer_id == "did:example:i"


def test_models_built_in_code_are_complete() -> None:
    achievement = ob3.Achievement(
        id="urn:uuid:1", name="Course", description="A course", criteria=ob3.Criteria(narrative="x")
    )
    data = achievement.to_json()
    assert data["type"] == ["Achievement"]
    assert data["criteria"] == {"narrative": "x"}
    partial = {"id": "urn:uuid:1", "name": "no criteria"}
    assert ob3.Achievement.from_json(partial).to_json() == partial  # read as it is ...
    problems = mc.validate({**partial, "type": ["Achievement"]}, "ob3").problems
    assert any("criteria" in p.message for p in problems)  # ... and judged by validate()
    with pytest.raises(ValidationError):
        ob3.Achievement.from_json({"id": "urn:uuid:1", "creditsAvailable": "many"})
