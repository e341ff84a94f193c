"""Safe-mode JSON-LD processing (microcred.jsonld._processor)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import jsonld
from microcred.errors import (
    CanonicalizationLimitError,
    InputTooDeepError,
    JsonLdProcessingError,
    MicrocredError,
    SafeModeError,
    UnknownContextError,
)
from microcred.limits import Limits

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


def credential(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC_V2, OB_303],
        "id": "urn:uuid:3b1b1f80-7c1e-4f7e-9d35-5f3c4a1c2b11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Uni"},
        "validFrom": "2026-06-12T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "urn:uuid:9a8b7c6d-0000-4000-8000-000000000001",
                "type": ["Achievement"],
                "name": "Course",
                "description": "A course",
                "criteria": {"narrative": "Pass the exam"},
            },
        },
    }
    doc.update(extra)
    return doc


def test_canonicalizes_an_ob3_credential_deterministically() -> None:
    first = jsonld.canonize(credential())
    second = jsonld.canonize(copy.deepcopy(credential()))
    assert first.nquads == second.nquads
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>" in first.nquads
    assert first.nquads.endswith(" .\n")


def test_undefined_term_is_named_with_its_path() -> None:
    doc = credential()
    doc["credentialSubject"]["achievement"]["favouriteColour"] = "blue"
    with pytest.raises(SafeModeError) as info:
        jsonld.to_quads(doc)
    assert info.value.term == "favouriteColour"
    assert info.value.path == "$.credentialSubject.achievement.favouriteColour"
    assert info.value.code == "jsonld.safe_mode"


def test_ob3_relative_credential_schema_type_is_rejected_with_a_hint() -> None:
    doc = credential(
        credentialSchema=[
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
    )
    with pytest.raises(SafeModeError) as info:
        jsonld.to_quads(doc)
    assert info.value.term == "1EdTechJsonSchemaValidator2019"
    assert info.value.path == "$.credentialSchema[0].type"
    assert OB_EXT in str(info.value)


def test_the_same_credential_with_the_extensions_context_is_accepted() -> None:
    doc = credential(
        credentialSchema=[
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
    )
    doc["@context"] = [VC_V2, OB_303, OB_EXT]
    nquads = jsonld.canonize(doc).nquads
    assert "1EdTechJsonSchemaValidator2019" in nquads
    assert "example.org" not in nquads
    assert "microcred.invalid" not in nquads


def test_relative_id_is_rejected() -> None:
    doc = credential(id="credentials/42")
    with pytest.raises(SafeModeError) as info:
        jsonld.to_quads(doc)
    assert info.value.path == "$.id"


def test_unknown_context_is_reported_as_such() -> None:
    doc = credential()
    doc["@context"] = [VC_V2, "https://example.com/unknown-context"]
    with pytest.raises(UnknownContextError) as info:
        jsonld.to_quads(doc)
    assert info.value.url == "https://example.com/unknown-context"


def test_protected_term_redefinition_is_rejected() -> None:
    doc = credential()
    doc["@context"] = [VC_V2, OB_303, {"VerifiableCredential": "https://evil.example/VC"}]
    with pytest.raises(JsonLdProcessingError, match="protected term"):
        jsonld.to_quads(doc)


def test_redefining_a_type_scoped_protected_term_cannot_change_its_meaning() -> None:
    """``issuer`` is protected inside the VerifiableCredential type-scoped context, which
    JSON-LD applies after the document's own context: the redefinition has no effect."""
    doc = credential()
    doc["@context"] = [VC_V2, OB_303, {"issuer": "https://evil.example/issuer"}]
    nquads = jsonld.canonize(doc).nquads
    assert "<https://www.w3.org/2018/credentials#issuer>" in nquads
    assert "evil.example" not in nquads


def test_inline_context_adding_new_terms_is_fine() -> None:
    doc = credential()
    doc["@context"] = [VC_V2, OB_303, {"favouriteColour": "https://example.com/colour"}]
    doc["favouriteColour"] = "blue"
    assert "https://example.com/colour" in jsonld.canonize(doc).nquads


def test_non_object_input_and_garbage_contexts_are_clear_errors() -> None:
    with pytest.raises(JsonLdProcessingError):
        jsonld.to_quads(["not", "an", "object"])
    with pytest.raises(JsonLdProcessingError):
        jsonld.to_quads({"@context": 42, "@id": "urn:x"})


def test_quad_limit() -> None:
    doc = credential()
    with pytest.raises(CanonicalizationLimitError):
        jsonld.to_quads(doc, limits=Limits(max_quads=5))


def test_deeply_nested_document_is_bounded() -> None:
    inner: dict[str, Any] = {"@id": "urn:leaf"}
    for _ in range(3000):
        inner = {"https://schema.org/knows": inner}
    with pytest.raises((InputTooDeepError, JsonLdProcessingError)):
        jsonld.to_quads({"@context": {}, **inner})


def test_contexts_of_reports_revisions() -> None:
    used = jsonld.contexts_of(credential())
    assert [c.url for c in used] == [VC_V2, OB_303]
    assert all(c.revision for c in used)


def test_two_loaders_never_share_processed_contexts() -> None:
    """A loader serving a different (pinned) context for a URL must not see another's cache."""
    url = "https://example.com/terms"
    first = jsonld.StaticLoader(vendored=False)
    first.add(url, {"@context": {"name": "https://schema.org/name"}})
    second = jsonld.StaticLoader(vendored=False)
    second.add(url, {"@context": {"name": "https://example.com/other#name"}})
    doc = {"@context": url, "@id": "urn:x", "name": "n"}
    a = jsonld.canonize(doc, loader=first).nquads
    b = jsonld.canonize(doc, loader=second).nquads
    assert "schema.org/name" in a
    assert "other#name" in b


def test_ob3_spec_examples_canonicalize_offline(shared_standards: Path) -> None:
    folder = shared_standards / "examples" / "spec-extracted"
    done = 0
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text())
        if not isinstance(doc, dict) or "@context" not in doc:
            continue
        try:
            jsonld.canonize(doc)
            done += 1
        except (SafeModeError, UnknownContextError):
            continue  # spec examples with example-only terms/contexts: reported elsewhere
    assert done >= 5, f"only {done} spec examples canonicalized"


def test_remembered_context_processing_gives_pyld_s_own_output(
    shared_standards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every published document expands to the same RDF with and without the context memo."""
    from pyld import jsonld as pyld_jsonld

    from microcred.jsonld import _processor

    documents = []
    for path in sorted((shared_standards / "examples").rglob("*.json")):
        document = json.loads(path.read_text())
        if isinstance(document, dict) and "@context" in document:
            documents.append(document)
    for name in ("small", "medium", "large"):
        bench = shared_standards.parent / "bench" / "data" / f"{name}.json"
        if bench.exists():
            documents.append(json.loads(bench.read_text()))

    def quads_of(document: dict[str, object]) -> object:
        try:
            return jsonld.to_quads(document)
        except MicrocredError as exc:
            return type(exc).__name__

    remembered = [quads_of(d) for d in documents * 2]  # the second round hits the memo
    monkeypatch.setattr(_processor, "_MemoProcessor", pyld_jsonld.JsonLdProcessor)
    plain = [quads_of(d) for d in documents * 2]
    assert remembered == plain
    assert sum(isinstance(q, list) for q in plain) >= 40
