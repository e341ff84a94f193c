"""RFC 8785 JSON Canonicalization Scheme (JCS), fast for ordinary JSON.

:func:`jcs` gives exactly ``rfc8785.dumps(value)`` (bytes and errors). For the JSON that
credentials are made of (objects with ASCII member names, arrays, strings, booleans, ``null``,
integers and integral floats in the IEEE 754 safe range, other floats between 1e-4 and 1e16) it
lets the
standard library's C encoder write the text: on such values its output (members sorted, no
whitespace, strings escaped exactly as RFC 8785 §3.2.2.2 requires, non-ASCII characters as
themselves, numbers in shortest round-trip form without exponent; integral floats are
written as integers first) is the canonical form.
Anything else (other numbers, a non-ASCII member name, whose order is by UTF-16 code units, a
lone surrogate, a type other than the JSON ones) goes to ``rfc8785``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import rfc8785

__all__ = ["jcs"]

_SAFE_MAX = 2**53 - 1
_SAFE_MIN = -(2**53) + 1
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")
)


class _NotPlainError(Exception):
    """The value needs rfc8785 (a type, number or member name the encoder writes otherwise)."""


def _encodable(value: Any) -> Any:
    """``value`` ready for the standard encoder: the same object, or a copy in which integral
    floats of the safe range are integers (RFC 8785 writes ``5.0`` as ``5``).

    Raises:
        _NotPlainError: ``value`` holds something the encoder would not write canonically.
    """
    kind = type(value)
    if kind is dict:
        return _encodable_container(value, value.items(), True)
    if kind is list:
        return _encodable_container(value, enumerate(value), False)
    return _encodable_scalar(value, kind)


def _encodable_container(value: Any, members: Iterable[tuple[Any, Any]], is_object: bool) -> Any:
    """:func:`_encodable` of an object (``is_object``; ``members`` its items) or an array
    (``members`` its elements, enumerated). Strings, booleans, ``null`` and safe integers are
    checked inline, and nested containers entered directly: they are most members, and a call
    each would cost.

    Raises:
        _NotPlainError: a member name is not an ASCII string, or a member is not plain.
    """
    copied = None
    for key, item in members:
        if is_object and (type(key) is not str or not key.isascii()):
            raise _NotPlainError
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if item > _SAFE_MAX or item < _SAFE_MIN:
                raise _NotPlainError
            continue
        encodable: Any
        if kind is dict:
            encodable = _encodable_container(item, item.items(), True)
        elif kind is list:
            encodable = _encodable_container(item, enumerate(item), False)
        else:
            encodable = _encodable_scalar(item, kind)
        if encodable is not item:
            if copied is None:
                copied = dict(value) if is_object else list(value)
            copied[key] = encodable
    return value if copied is None else copied


def _encodable_scalar(value: Any, kind: type) -> Any:
    """:func:`_encodable` of a value that is neither an object nor an array; ``kind`` is its
    exact type.

    Raises:
        _NotPlainError: ``value`` is not a string, boolean, ``null``, safe integer or a float
            the encoder writes in RFC 8785 form.
    """
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if value > _SAFE_MAX or value < _SAFE_MIN:
            raise _NotPlainError
        return value
    if kind is float:
        if value.is_integer():
            if not _SAFE_MIN <= value <= _SAFE_MAX:
                raise _NotPlainError
            return int(value)
        if 1e-4 <= abs(value) < 1e16:
            # in this range Python's shortest round-trip repr (what the encoder writes) has no
            # exponent and is the RFC 8785 form
            return value
    raise _NotPlainError


def jcs(value: Any) -> bytes:
    """The RFC 8785 canonical JSON of ``value`` as UTF-8 bytes (same as ``rfc8785.dumps``).

    Raises:
        rfc8785.CanonicalizationError: (or a subclass) ``value`` has no canonical form: a float
            that is NaN or infinite, an integer outside the safe range, a lone surrogate, a
            member name that is not a string, a type other than the JSON ones.
    """
    try:
        return _ENCODER.encode(_encodable(value)).encode("utf-8")
    except (_NotPlainError, UnicodeEncodeError, RecursionError, ValueError):
        pass  # rfc8785 writes it, or reports the error (a lone surrogate, deep nesting, ...)
    encoded: bytes = rfc8785.dumps(value)
    return encoded
