"""microcred.jsonld._jcs against rfc8785: the same bytes, or the same error, on any value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.jsonld._jcs import jcs

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "data"


def _same(value: Any) -> None:
    try:
        expected: Any = rfc8785.dumps(value)
    except Exception as exc:
        expected = (type(exc), str(exc))
    try:
        actual: Any = jcs(value)
    except Exception as exc:
        actual = (type(exc), str(exc))
    assert actual == expected


_keys = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["a", "B", "é", "\ue000", "\U0001f600", "€", "\ud800", "", "id", "@context"]),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**60), 2**60),
    st.sampled_from([2**53 - 1, 2**53, -(2**53) + 1, -(2**53), 0]),
    st.floats(),
    st.floats(1e-5, 1e17),
    st.sampled_from(
        [
            5.0,
            -0.0,
            2.0**53,
            2.0**53 - 1,
            1e15,
            1e-4,
            1e16,
            0.1 + 0.2,
            7.5,
            1e15 + 0.5,
            123456.789,
            -2.5e-4,
        ]
    ),
    st.text(),
    st.sampled_from(["\u2028", "\x7f", "\x00", '"\\', "\ud800", "\U0001f600", "\b\f\n\r\t"]),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_keys, children, max_size=4),
        st.tuples(children),
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(value=_values)
def test_same_as_rfc8785(value: Any) -> None:
    _same(value)


def test_odd_types_and_credentials() -> None:
    class Text(str):
        pass

    for value in (
        {1: "a"},
        {"a": {1, 2}},
        [Text("x")],
        {"x": float("nan")},
        {"n": 1.0, "m": 1e21, "k": -0.0},
        {"b": True, "a": [None, False, "z\u00e9"]},
        "plain",
        [],
        {},
    ):
        _same(value)
    for path in sorted(BENCH.glob("*.json")):
        _same(json.loads(path.read_text(encoding="utf-8")))
