"""Reading what users hand to verify() (microcred._input)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microcred import DEFAULT_LIMITS
from microcred._input import _JWT, _is_compact_jws, read_input

_CHARACTERS = st.sampled_from([*'aZ09-_=.~{}"', " ", "\n", "é", "+"])


@given(st.text(_CHARACTERS, max_size=16))
def test_the_compact_jws_test_is_the_regular_expression(text: str) -> None:
    assert _is_compact_jws(text) == bool(_JWT.match(text))


def test_a_compact_jws_is_read_as_a_token_and_anything_else_is_not() -> None:
    assert read_input(" eyJh.e30.c2ln\n", limits=DEFAULT_LIMITS) == (
        "eyJh.e30.c2ln",
        "compact JWS",
    )
    for text in ("eyJh.e30", "eyJh.e30.c2ln.x", ".e30.c2ln", "eyJh.e3 0.c2ln", "eyJh.é.c2ln"):
        assert not _is_compact_jws(text), text
