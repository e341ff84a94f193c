"""Selective-disclosure primitives: JSON pointers, selection, skolemization, grouping."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred.jsonld import canonicalize, to_quads
from microcred.proofs import _sd

V2 = "https://www.w3.org/ns/credentials/v2"
SDV = "vectors/vc-di-ecdsa/ecdsa-sd-2023"

DOCUMENT: dict[str, Any] = {
    "@context": [V2, {"@vocab": "https://example.org/vocab#"}],
    "id": "urn:uuid:2b2f5f54-6a48-4b5a-9d8e-3b6f5b2f9b71",
    "type": ["VerifiableCredential"],
    "issuer": {"id": "did:example:issuer", "name": "Exempeluniversitetet"},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:learner",
        "courses": [
            {"type": "Course", "code": "DA101", "credits": 7.5},
            {"type": "Course", "code": "DA102", "credits": 5},
            {"code": "DA103", "credits": 2.5},
        ],
        "degree": {"type": "Degree", "level": 6, "field": "Informatics"},
    },
}


@pytest.mark.parametrize(
    ("pointer", "tokens"),
    [
        ("/a", ["a"]),
        ("/a/0/b", ["a", "0", "b"]),
        ("/a~1b/c~0d", ["a/b", "c~d"]),
        ("/~01", ["~1"]),
        ("/", [""]),
    ],
)
def test_pointers_are_parsed_as_rfc_6901_says(pointer: str, tokens: list[str]) -> None:
    assert _sd.parse_pointer(pointer) == tokens


@pytest.mark.parametrize(
    ("pointer", "message"),
    [("a", "start with '/'"), ("", "start with '/'"), ("/a~2", "'~'"), (3, "string")],
)
def test_malformed_pointers_are_refused(pointer: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _sd.parse_pointer(pointer)


def test_a_selection_keeps_the_way_there_and_the_selected_array_elements_in_order() -> None:
    selection = _sd.select_json_ld(
        ["/credentialSubject/courses/2/code", "/credentialSubject/courses/0"], DOCUMENT
    )
    assert selection == {
        "@context": DOCUMENT["@context"],
        "id": DOCUMENT["id"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {
            "id": "did:example:learner",
            "courses": [
                {"type": "Course", "code": "DA101", "credits": 7.5},
                {"code": "DA103"},
            ],
        },
    }


def test_a_selection_merges_what_several_pointers_select_and_copies_values() -> None:
    selection = _sd.select_json_ld(
        ["/credentialSubject/degree/level", "/credentialSubject/degree", "/issuer/name"],
        DOCUMENT,
    )
    assert selection is not None
    assert selection["credentialSubject"]["degree"] == DOCUMENT["credentialSubject"]["degree"]
    assert selection["issuer"] == {"id": "did:example:issuer", "name": "Exempeluniversitetet"}
    selection["credentialSubject"]["degree"]["level"] = 7
    assert DOCUMENT["credentialSubject"]["degree"]["level"] == 6  # a copy, not the document


def test_no_pointers_select_nothing() -> None:
    assert _sd.select_json_ld([], DOCUMENT) is None


@pytest.mark.parametrize(
    ("pointer", "message"),
    [
        ("/credentialSubject/nothing", "does not match"),
        ("/credentialSubject/courses/3", "does not match"),
        ("/credentialSubject/courses/01", "does not match"),
        ("/credentialSubject/courses/-", "does not match"),
        ("/validFrom/0", "not an object"),
    ],
)
def test_a_pointer_that_matches_nothing_is_an_error(pointer: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _sd.select_json_ld([pointer], DOCUMENT)


def test_the_vector_mandatory_pointer_selects_the_published_value(
    shared_standards: Path,
) -> None:
    folder = shared_standards / SDV / "employ"
    signed = json.loads((folder / "addSignedSDBase.json").read_text())
    for entry in json.loads((folder / "addPointerValues.json").read_text()):
        selection = _sd.select_json_ld([entry["pointer"]], signed)
        assert selection is not None
        tokens = _sd.parse_pointer(entry["pointer"])
        value: Any = selection
        for token in tokens:
            value = value[token]
        assert value == entry["value"]


def test_skolemization_names_every_node_and_deskolemizing_gives_the_same_graph() -> None:
    skolemized = _sd.skolemize(DOCUMENT)
    nodes = [skolemized.document["credentialSubject"]["degree"]]
    nodes += skolemized.document["credentialSubject"]["courses"]
    assert all(node["id"].startswith(skolemized.prefix) for node in nodes)
    assert skolemized.document["issuer"]["id"] == "did:example:issuer"  # kept
    ours = canonicalize(skolemized.quads(skolemized.document, loader=None, limits=mc.Limits()))
    plain = canonicalize(to_quads(DOCUMENT))
    assert ours.nquads == plain.nquads


def test_pointers_into_one_element_arrays_work_although_compaction_unwraps_them() -> None:
    document = copy.deepcopy(DOCUMENT)
    document["credentialSubject"]["courses"] = document["credentialSubject"]["courses"][:1]
    document["credentialSubject"]["degree"] = [document["credentialSubject"]["degree"]]
    skolemized = _sd.skolemize(document)
    assert isinstance(skolemized.document["type"], list)
    assert isinstance(skolemized.document["credentialSubject"]["courses"], list)
    grouped = _sd.canonicalize_and_group(
        document,
        _sd.hmac_label_map(bytes(32)),
        {"code": ["/credentialSubject/courses/0/code", "/credentialSubject/degree/0/field"]},
    )
    selected = "".join(grouped.groups["code"].matching.values())
    assert "DA101" in selected
    assert "Informatics" in selected
    ours = canonicalize(skolemized.quads(skolemized.document, loader=None, limits=mc.Limits()))
    assert ours.nquads == canonicalize(to_quads(document)).nquads


def test_two_skolemizations_use_different_prefixes() -> None:
    assert _sd.skolemize(DOCUMENT).prefix != _sd.skolemize(DOCUMENT).prefix


def test_groups_split_the_statements_by_what_the_pointers_select() -> None:
    grouped = _sd.canonicalize_and_group(
        DOCUMENT,
        _sd.hmac_label_map(bytes(32)),
        {"degree": ["/credentialSubject/degree"], "none": []},
    )
    degree = grouped.groups["degree"]
    assert set(degree.matching) | set(degree.non_matching) == set(range(len(grouped.statements)))
    assert not set(degree.matching) & set(degree.non_matching)
    selected = "".join(degree.matching.values())
    assert "Informatics" in selected
    assert '"6"' in selected
    assert "DA101" not in selected
    assert grouped.groups["none"].matching == {}
    # blank nodes carry HMAC labels only: nothing about their canonical order is visible
    assert "_:c14n" not in "".join(grouped.statements)
    assert grouped.statements == sorted(grouped.statements)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(st.text(max_size=4), json_values, max_size=5), pointer=st.text())
def test_selection_on_any_json_either_selects_or_says_why(
    document: dict[str, Any], pointer: str
) -> None:
    outcome: Any
    try:
        outcome = _sd.select_json_ld([pointer], document)
    except ValueError as exc:
        outcome = str(exc)
    if isinstance(outcome, str):
        assert "pointer" in outcome
    else:
        assert isinstance(outcome, dict)
