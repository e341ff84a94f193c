"""Reading what users hand to ``verify()``/``validate()``: a dict, JSON text or bytes, a compact
JWT, or the bytes of a baked PNG/SVG badge."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import _json
from .errors import InputTooLargeError, MalformedInputError
from .limits import Limits

__all__ = ["read_input"]

_JWT = re.compile(r"^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*$")
#: An SD-JWT (RFC 9901 §4): a compact JWS, ``~``, then Disclosures and a KB-JWT.
_SD_JWT = re.compile(r"^[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*~[A-Za-z0-9_=.~-]*$")


#: The characters of a compact JWS besides its two dots (base64url, and ``=``, refused later).
_JWS_CHARACTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="


def _is_compact_jws(text: str) -> bool:
    """Whether ``_JWT`` matches ``text``, told by ``str.find`` and one ``bytes.translate``
    (the regular expression walks a long token one character at a time, several times
    slower)."""
    if text.endswith("\n"):  # where ``$`` also matches
        text = text[:-1]
    first = text.find(".")
    second = text.find(".", first + 1) if first > 0 else -1
    if second < 0 or text.find(".", second + 1) >= 0 or not text.isascii():
        return False
    return not text.encode("ascii").translate(None, _JWS_CHARACTERS + b".")


#: XML's white space, which may precede an SVG's first tag (JSON text never starts with ``<``).
_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


def read_input(value: Any, *, limits: Limits) -> tuple[dict[str, Any] | str, str]:
    """Turn user input into a JSON object (a copy) or a compact JWS string.

    Returns:
        ``(document_or_token, description)``, the description saying what was read
        (``"JSON"``, ``"compact JWS"``, ``"JSON from a baked PNG"``, ...).

    Raises:
        TypeError: ``value`` is none of the accepted types (programmer misuse).
        MicrocredError: the input is unreadable (too large, too deep, not UTF-8, not a JSON
            object, a malformed image); the message says which.
    """
    if isinstance(value, Mapping):
        return dict(value), "JSON object given"
    source = ""
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        kind = None
        space = _LEADING_SPACE.match(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0)
        first = space.end() if space else 0  # the pattern always matches (maybe empty)
        if data[first : first + 1] in (b"\x89", b"<"):  # a PNG or XML: maybe a baked image
            from .baking import image_kind

            kind = image_kind(data)
        cap = limits.max_image_bytes if kind is not None else limits.max_input_bytes
        if len(data) > cap:
            what = "image" if kind is not None else "input"
            raise InputTooLargeError(f"{what} is over the limit of {cap} bytes")
        if kind is not None:
            from .baking import unbake

            text = unbake(data, limits=limits)
            source = f" from a baked {kind.upper()}"
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedInputError("input is not valid UTF-8") from None
    elif isinstance(value, str):
        text = value
    else:
        raise TypeError(
            "expected a dict, JSON text or bytes, a compact JWT, or a baked image's bytes, "
            f"not {type(value).__name__}"
        )
    stripped = text.strip()
    if _is_compact_jws(stripped):
        return stripped, "compact JWS" + source
    if _SD_JWT.match(stripped):
        return stripped, "SD-JWT" + source
    document = _json.loads(text, limits=limits)
    if not isinstance(document, dict):
        raise MalformedInputError("a credential must be a JSON object")
    return document, "JSON" + source
