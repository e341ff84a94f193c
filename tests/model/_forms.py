"""What the model codec tests share (import as ``from tests.model._forms import ...``): the
example Annex I form, one change per Annex I element, and hostile-JSON strategies."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from microcred.model import MANDATORY_ELEMENTS, OPTIONAL_ELEMENTS, MicroCredential

ROOT = Path(__file__).resolve().parents[2]
FORM: dict[str, Any] = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
T = TypeVar("T")
ISSUER = "did:web:exempel-universitet.example"
ELEMENTS = (*MANDATORY_ELEMENTS, *OPTIONAL_ELEMENTS)


def form(**changes: Any) -> dict[str, Any]:
    """The example form with members replaced (``None``: removed)."""
    changed = copy.deepcopy(FORM)
    for name, value in changes.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    return changed


def annex_names(table: tuple[tuple[str, object], ...]) -> list[str]:
    """The element names of a codec's table of readers or writers, each checked to be an
    Annex I element named once."""
    names = [name for name, _ in table]
    assert set(names) <= set(ELEMENTS), set(names) - set(ELEMENTS)
    assert len(set(names)) == len(names)
    return names


def assert_round_trip(
    through: Callable[[dict[str, Any]], MicroCredential], changes: dict[str, Any]
) -> None:
    """Each element ``changes`` sets comes back from ``through`` (write, then read) as the
    form states it, and nothing mandatory goes missing on the way."""
    micro = MicroCredential.model_validate(form(**changes))
    back = through(form(**changes))
    for field, value in changes.items():
        if value is not None:
            assert getattr(back, field) == getattr(micro, field), field
    assert back.missing == []


#: (element, the form's changes): each changed element must come back as it went in.
ROUND_TRIPS: list[tuple[str, dict[str, Any]]] = [
    ("title of the micro-credential", {"title": "Machine learning", "code": "X1"}),
    ("title of the micro-credential", {"title": {"sv": "Maskininlärning", "en": "ML"}}),
    ("country of the issuer", {"issuer": {"id": ISSUER, "name": "Uni", "country": "FI"}}),
    (
        "awarding body",
        {"awarding_bodies": [{"name": "A", "country": "SE"}, {"name": "B", "country": "FI"}]},
    ),
    ("date of issuing", {"issued": "2026-01-02T03:04:05Z", "awarded": "2026-01-01"}),
    ("learning outcomes", {"learning_outcomes": [{"text": "a"}, {"text": "b"}]}),
    ("notional workload", {"workload": {"ects": 3, "hours": 80}}),
    ("notional workload", {"workload": {"ects": 2.5}}),
    ("level", {"level": {"eqf": 7, "cycle": 2}}),
    ("level", {"level": {"eqf": 5, "seqf": 5}}),
    ("type of assessment", {"assessment": {"type": "oral examination", "description": "d"}}),
    ("form of participation", {"participation": "blended"}),
    ("form of participation", {"participation": "work-based"}),
    ("type of quality assurance", {"quality_assurance": {"type": "programme", "body": "UKÄ"}}),
    ("prerequisites", {"prerequisites": "none"}),
    ("supervision and identity verification", {"supervision": "unsupervised-without-id"}),
    ("supervision and identity verification", {"supervision": "supervised-with-id", "grade": None}),
    ("grade", {"grade": {"value": "A", "scale": "A-F"}}),
    ("grade", {"grade": {"value": "5"}}),
    ("integration and stackability", {"stackability": {"stackable": False}}),
    ("integration and stackability", {"stackability": {"stackable": True, "part_of": ["X", "Y"]}}),
    ("further information", {"further_information": "more"}),
]

_MEMBERS = ["id", "type", "title", "notation", "noteLiteral", "subject", "prefLabel", "en"]


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(_MEMBERS), children, max_size=3
    )


#: Any JSON value (the member names ELM and OB 3.0 use, so that objects look like nodes).
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    _containers,
    max_leaves=12,
)


def replaced(base: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``base`` with the node at ``path`` (member names, array indexes) set to
    ``value``."""
    document = copy.deepcopy(base)
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return document


def read_or_refused(read: Callable[[Any], T], document: Any) -> T | None:
    """What ``read`` makes of a hostile ``document``, or ``None`` when it refuses it with a
    ``ValueError`` (``pydantic.ValidationError`` is one); any other exception fails the test."""
    try:
        return read(document)
    except ValueError:
        return None


def replaced_nodes(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with one node (any member or array item, at any depth) replaced by arbitrary
    JSON."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if path:
            paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(base, ())
    return st.builds(lambda path, value: replaced(base, path, value), st.sampled_from(paths), JSON)
