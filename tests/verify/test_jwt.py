"""Helpers of the JWT route (microcred.verify._jwt) that the route tests reach only in part."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from microcred.verify._jwt import _iso

#: datetime's range, in seconds since the epoch.
_FIRST = -62135596800
_LAST = 253402300799


@given(
    st.integers(min_value=_FIRST, max_value=_LAST)
    | st.floats(min_value=_FIRST, max_value=_LAST, allow_nan=False)
)
def test_iso_writes_what_strftime_writes(value: float) -> None:
    expected = datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _iso(value) == expected


def test_iso_says_when_a_value_is_out_of_range() -> None:
    assert _iso(1781258400) == "2026-06-12T10:00:00Z"
    for value in (_LAST + 1, _FIRST - 86400, float("nan"), float("inf"), 2**70):
        assert _iso(value) == f"{value} (out of range)"
