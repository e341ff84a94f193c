"""Our OB 3.0 schemas agree with the official 1EdTech schemas (when ``../shared`` is present).

Both sides check ``date-time``/``date`` formats with microcred's own format checker, so the
comparison is about the schemas, not about which optional format packages are installed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator

from microcred import _schemas

KINDS = {
    "achievementcredential": (
        "ob3-achievementcredential",
        {"AchievementCredential", "OpenBadgeCredential"},
    ),
    "endorsementcredential": ("ob3-endorsementcredential", {"EndorsementCredential"}),
    "profile": ("ob3-profile", {"Profile"}),
}


def _kind(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    kinds = document.get("type")
    types = set(kinds if isinstance(kinds, list) else [kinds])
    for kind, (_, names) in KINDS.items():
        if types & names:
            return kind
    return None


def _official(shared: Path) -> dict[str, Draft201909Validator]:
    folder = shared / "schemas"
    return {
        kind: Draft201909Validator(
            json.loads((folder / f"ob_v3p0_{kind}_schema.json").read_text()),
            format_checker=_schemas.FORMATS,
        )
        for kind in KINDS
    }


def _documents(shared: Path) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    roots = [shared / "examples", shared.parent / "bench" / "data"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".json", ".1ob"):
                continue
            try:
                document = json.loads(path.read_text())
            except ValueError:
                continue
            kind = _kind(document)
            if kind is not None:
                found.append((path.name, kind, document))
    return found


def _verdicts(official: dict[str, Draft201909Validator], kind: str, doc: Any) -> tuple[bool, bool]:
    theirs = official[kind].is_valid(doc)
    ours = not _schemas.validate_with(KINDS[kind][0], doc)
    return theirs, ours


def test_every_example_and_fixture_gets_the_official_verdict(
    shared_standards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    official = _official(shared_standards)
    documents = _documents(shared_standards)
    disagreements = []
    valid = 0
    for name, kind, document in documents:
        theirs, ours = _verdicts(official, kind, document)
        valid += theirs
        if theirs != ours:
            disagreements.append((name, theirs, ours))
    with capsys.disabled():
        print(
            f"\nOB 3.0 schema agreement: {len(documents)} documents ({valid} valid), "
            f"{len(disagreements)} disagreements"
        )
    assert len(documents) >= 50
    assert 10 <= valid < len(documents)
    assert disagreements == []


# ------------------------------------------------------------------ generated variants


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copied = copy.deepcopy(document)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return copied


def _delete(document: Any, path: tuple[Any, ...]) -> Any:
    copied = copy.deepcopy(document)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return copied


_replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "Profile",
            "ext:Custom",
            "MicroCredential",
            "LetterGrade",
            "not a date",
            "2024-02-30T00:00:00Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "a.b.c",
            "sv-SE",
        ]
    ),
    st.text(max_size=8),
    st.just([]),
    st.just({}),
    st.just(["Achievement"]),
    st.just({"id": "urn:x", "type": ["Profile"]}),
)


@st.composite
def _variant(draw: st.DrawFn, base: list[tuple[str, dict[str, Any]]]) -> tuple[str, Any]:
    kind, document = draw(st.sampled_from(base))
    path = draw(st.sampled_from(_paths(document)))
    action = draw(st.sampled_from(["replace", "delete", "wrap", "unwrap", "add"]))
    if action == "delete" and path:
        return kind, _delete(document, path)
    target = document
    for step in path:
        target = target[step]
    if action == "wrap":
        return kind, _replace(document, path, [target])
    if action == "unwrap" and isinstance(target, list) and target:
        return kind, _replace(document, path, target[0])
    if action == "add" and isinstance(target, dict):
        return kind, _replace(document, path, {**target, draw(st.text(max_size=6)): 1})
    return kind, _replace(document, path, draw(_replacements))


@pytest.fixture
def agreement_inputs(shared_standards: Path) -> tuple[dict[str, Draft201909Validator], list[Any]]:
    official = _official(shared_standards)
    base = [
        (kind, doc) for _, kind, doc in _documents(shared_standards) if official[kind].is_valid(doc)
    ]
    return official, base


_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(data=st.data())
def test_generated_variants_get_the_official_verdict(
    agreement_inputs: tuple[dict[str, Draft201909Validator], list[Any]], data: st.DataObject
) -> None:
    official, base = agreement_inputs
    kind, variant = data.draw(_variant(base))
    theirs, ours = _verdicts(official, kind, variant)
    assert theirs == ours, (kind, _schemas.validate_with(KINDS[kind][0], variant)[:3])
