"""Strict JSON reading (microcred._json)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred import Limits, _json
from microcred.errors import (
    DuplicateKeyError,
    InputTooDeepError,
    InputTooLargeError,
    MalformedInputError,
    MicrocredError,
)


def test_parses_plain_json_and_strips_bom() -> None:
    assert _json.loads(b'\xef\xbb\xbf{"a": [1, 2.5, "x", null, true]}') == {
        "a": [1, 2.5, "x", None, True]
    }


def test_duplicate_member_names_are_rejected_at_any_depth() -> None:
    with pytest.raises(DuplicateKeyError, match="'id'"):
        _json.loads('{"a": {"id": 1, "id": 2}}')


def test_invalid_utf8_is_malformed_input() -> None:
    with pytest.raises(MalformedInputError, match="UTF-8"):
        _json.loads(b'{"a": "\xff"}')


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_constants_are_rejected(constant: str) -> None:
    with pytest.raises(MalformedInputError):
        _json.loads(f'{{"a": {constant}}}')


def test_size_limit_applies_before_parsing() -> None:
    with pytest.raises(InputTooLargeError):
        _json.loads(b"[" + b"1," * 100 + b"1]", limits=Limits(max_input_bytes=50))


def test_depth_limit() -> None:
    ok = "[" * 10 + "]" * 10
    assert _json.loads(ok, limits=Limits(max_json_depth=10)) is not None
    with pytest.raises(InputTooDeepError):
        _json.loads("[" * 11 + "]" * 11, limits=Limits(max_json_depth=10))


def test_nesting_beyond_the_interpreter_recursion_limit_is_a_clear_error() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(InputTooDeepError):
        _json.loads(deep, limits=Limits(max_input_bytes=1_000_000))


def test_wrong_argument_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _json.loads(42)  # type: ignore[arg-type]


@given(st.binary(max_size=200))
def test_random_bytes_never_raise_anything_but_microcred_errors(data: bytes) -> None:
    with contextlib.suppress(MicrocredError):
        _json.loads(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_round_trips_what_json_dumps_writes(value: object) -> None:
    assert _json.loads(json.dumps(value)) == value


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


bracketed_values = st.recursive(
    st.none() | st.integers() | st.text(st.sampled_from('[]{}a"\\'), max_size=4),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=30,
)


@given(bracketed_values, st.integers(min_value=1, max_value=8))
def test_depth_limit_is_exact_whatever_the_brackets_in_strings(value: object, limit: int) -> None:
    """Texts with few brackets skip the walk (they cannot nest deeper than their bracket
    count); brackets inside strings only loosen that bound: the verdict is the true depth's."""
    text = json.dumps(value)
    if _depth(value) > limit:
        with pytest.raises(InputTooDeepError):
            _json.loads(text, limits=Limits(max_json_depth=limit))
    else:
        assert _json.loads(text, limits=Limits(max_json_depth=limit)) == value


def test_depth_limit_with_more_brackets_than_the_limit_but_shallow() -> None:
    shallow = json.dumps([[1]] * 40 + ["[[[[{{{{"] * 10)
    assert _json.loads(shallow, limits=Limits(max_json_depth=2))
    with pytest.raises(InputTooDeepError, match="limit of 1 levels"):
        _json.loads(shallow, limits=Limits(max_json_depth=1))
    deep = '{"a": ' * 9 + '"[]{}"' + "}" * 9
    with pytest.raises(InputTooDeepError):
        _json.loads(deep, limits=Limits(max_json_depth=8))
    assert _json.loads(deep, limits=Limits(max_json_depth=9))
