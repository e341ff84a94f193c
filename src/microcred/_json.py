"""Strict JSON reading for untrusted input.

:func:`loads` is the only way microcred turns untrusted bytes into JSON values. Compared to
:func:`json.loads` it enforces a size and a depth limit, rejects duplicate member names (a
signature must not depend on which duplicate a parser keeps), rejects ``NaN``/``Infinity``
(not JSON), and reports invalid UTF-8 as :class:`~microcred.errors.MalformedInputError`.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import DuplicateKeyError, InputTooDeepError, InputTooLargeError, MalformedInputError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["check_depth", "loads"]


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(f"duplicate JSON member name {key!r}")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise MalformedInputError(f"{name} is not a JSON value")


#: One decoder for every call (``json.loads`` with hooks builds a new one each time).
_DECODER = json.JSONDecoder(object_pairs_hook=_object_pairs, parse_constant=_reject_constant)


def loads(data: str | bytes | bytearray, *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse ``data`` as one JSON value under ``limits``.

    Raises:
        InputTooLargeError: more than ``limits.max_input_bytes``.
        InputTooDeepError: nesting deeper than ``limits.max_json_depth``.
        DuplicateKeyError: an object repeats a member name.
        MalformedInputError: not UTF-8, not JSON, or a non-JSON constant.
    """
    if isinstance(data, (bytes, bytearray)):
        if len(data) > limits.max_input_bytes:
            raise InputTooLargeError(
                f"input is {len(data)} bytes, over the limit of {limits.max_input_bytes}"
            )
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedInputError(f"input is not valid UTF-8 ({exc.reason})") from None
        if text.startswith("\ufeff"):
            text = text[1:]
    elif isinstance(data, str):
        if len(data) > limits.max_input_bytes:
            raise InputTooLargeError(
                f"input is {len(data)} characters, over the limit of {limits.max_input_bytes}"
            )
        text = data
    else:
        raise TypeError(f"expected str or bytes, got {type(data).__name__}")
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise InputTooDeepError("JSON nesting is too deep to parse") from None
    except json.JSONDecodeError as exc:
        raise MalformedInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not _few_brackets(text, limits.max_json_depth):
        check_depth(value, limits.max_json_depth)
    return value


def _few_brackets(text: str, limit: int) -> bool:
    """Whether ``text`` has at most ``limit`` opening brackets (``{`` and ``[``): then no
    value it holds can nest deeper than ``limit``, since every object and array opens with
    one (brackets inside strings only make the bound looser). Costs at most ``limit + 1``
    searches, each at the speed of ``str.find``."""
    count = 0
    for bracket in "{[":
        at = text.find(bracket)
        while at >= 0:
            count += 1
            if count > limit:
                return False
            at = text.find(bracket, at + 1)
    return True


def check_depth(value: Any, max_depth: int) -> None:
    """Raise :class:`InputTooDeepError` if ``value`` nests deeper than ``max_depth``.

    Iterative, so it never hits Python's recursion limit itself.

    Args:
        value: a JSON value (objects as dicts, arrays as lists).
        max_depth: the deepest nesting allowed (a scalar is 0 deep, ``[]`` 1).

    Raises:
        InputTooDeepError: ``value`` nests deeper.
    """
    if not isinstance(value, _CONTAINERS):
        return
    level: list[Any] = [value]  # the containers at one depth, breadth first
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise InputTooDeepError(f"JSON nesting exceeds the limit of {max_depth} levels")
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, _CONTAINERS)
        ]


_CONTAINERS = (dict, list)
