"""Open Badges 3.0 baking: a credential carried inside its badge image (OB 3.0 §5.3).

* **PNG**: an ``iTXt`` chunk with keyword ``openbadgecredential``, uncompressed, no language
  tag, whose text is the credential (JSON for Data Integrity, the compact JWS for a JWT).
  :func:`bake` puts it just before ``IEND`` and replaces any earlier one.
* **SVG**: an ``<openbadges:credential>`` element (namespace
  ``https://purl.imsglobal.org/ob/v3p0``) right after the ``<svg>`` start tag, holding the JSON
  in a CDATA section, or the JWS in its ``verify`` attribute. :func:`bake` edits the text and
  leaves the rest of the document byte for byte.

Unbaking is safe on hostile images: sizes are bounded by :class:`~microcred.limits.Limits`,
PNG chunk CRCs are checked, a compressed ``iTXt`` is rejected, and SVG parsing refuses any
document type declaration with an internal subset or entity declaration (no entity expansion,
nothing external is ever read). Every problem is a :class:`~microcred.errors.BakingError`.

>>> png = bake(tiny_png(), {"type": ["VerifiableCredential"]})
>>> unbake(png)
'{"type":["VerifiableCredential"]}'
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Mapping
from typing import Any, Literal
from xml.etree import ElementTree

from .errors import BakingError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["OB_NAMESPACE", "PNG_KEYWORD", "bake", "image_kind", "tiny_png", "unbake"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_CREDENTIAL_TAG = f"{{{OB_NAMESPACE}}}credential"
_SVG_ROOT = re.compile(rb"<svg[\s>]")
_SVG_START = re.compile(r"<svg\b[^>]*>", re.S)
_OUR_ELEMENT = re.compile(
    r"\s*<openbadges:credential\b[^>]*?(/>|>.*?</openbadges:credential\s*>)", re.S
)
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^>\[]*(\[)?", re.I)

ImageKind = Literal["png", "svg"]


def image_kind(data: bytes) -> ImageKind | None:
    """``"png"``, ``"svg"`` or ``None``, from the first bytes (an SVG is XML whose first
    element is ``<svg``, after an optional BOM, XML declaration, comments and doctype)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) and _SVG_ROOT.search(head):
        return "svg"
    return None


# ------------------------------------------------------------------------------------ PNG


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks as (type, data), CRCs checked."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise BakingError("PNG is truncated (incomplete chunk header)")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            raise BakingError(f"PNG chunk {kind!r} runs past the end of the image")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"PNG chunk {kind!r} has a bad CRC")
        chunks.append((kind, body))
        position = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakingError("PNG does not start with an IHDR chunk")
    if chunks[-1][0] != b"IEND":
        raise BakingError("PNG has no IEND chunk")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), kind) + body + struct.pack(">I", zlib.crc32(kind + body))


def _is_credential_chunk(kind: bytes, body: bytes) -> bool:
    return kind == b"iTXt" and body.startswith(PNG_KEYWORD + b"\0")


def _png_text(body: bytes) -> str:
    rest = body[len(PNG_KEYWORD) + 1 :]
    if len(rest) < 2:
        raise BakingError("malformed iTXt chunk")
    if rest[0] != 0:
        raise BakingError("the openbadgecredential iTXt chunk is compressed; OB 3.0 requires none")
    try:
        _language, rest = rest[2:].split(b"\0", 1)
        _translated, text = rest.split(b"\0", 1)
    except ValueError:
        raise BakingError("malformed iTXt chunk (missing separators)") from None
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the baked credential is not valid UTF-8") from None


def _unbake_png(data: bytes) -> str:
    found = [body for kind, body in _chunks(data) if _is_credential_chunk(kind, body)]
    if not found:
        raise BakingError("the PNG carries no openbadgecredential iTXt chunk")
    if len(found) > 1:
        raise BakingError("the PNG carries more than one openbadgecredential chunk")
    return _png_text(found[0])


def _bake_png(image: bytes, text: str) -> bytes:
    chunks = [(k, b) for k, b in _chunks(image) if not _is_credential_chunk(k, b)]
    itxt = PNG_KEYWORD + b"\0\0\0\0\0" + text.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, body in chunks:
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", itxt))
        out.append(_chunk(kind, body))
    return b"".join(out)


# ------------------------------------------------------------------------------------ SVG


def _svg_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BakingError("the SVG is not valid UTF-8") from None
    match = _DOCTYPE.search(text)
    if match and match.group(1):
        raise BakingError("SVG document type declarations with an internal subset are refused")
    if re.search(r"<!ENTITY", text, re.I):
        raise BakingError("SVG entity declarations are refused")
    return text


def _unbake_svg(data: bytes) -> str:
    text = _svg_text(data)
    parser = ElementTree.XMLParser()
    try:
        root = ElementTree.fromstring(text, parser=parser)
    except ElementTree.ParseError as exc:
        raise BakingError(f"the SVG is not well-formed XML: {exc}") from None
    found = list(root.iter(_CREDENTIAL_TAG))
    if not found:
        raise BakingError("the SVG carries no openbadges:credential element")
    if len(found) > 1:
        raise BakingError("the SVG carries more than one openbadges:credential element")
    element = found[0]
    value = element.get("verify")
    if value is None:
        value = (element.text or "").strip()
    if not value:
        raise BakingError("the openbadges:credential element is empty")
    return value.strip()


def _bake_svg(image: bytes, text: str) -> bytes:
    source = _svg_text(image)
    _unbake_svg_check(source)
    source = _OUR_ELEMENT.sub("", source)
    start = _SVG_START.search(source)
    if start is None:
        raise BakingError("no <svg> start tag found")
    tag = start.group(0)
    if "xmlns:openbadges" not in tag:
        closing = "/>" if tag.endswith("/>") else ">"
        tag = tag[: -len(closing)] + f' xmlns:openbadges="{OB_NAMESPACE}"' + closing
    if _looks_like_jws(text):
        element = f'\n  <openbadges:credential verify="{text}"/>'
    else:
        if "]]>" in text:
            raise BakingError("the credential contains ']]>' and cannot be put in a CDATA section")
        element = f"\n  <openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
    if tag.endswith("/>"):
        raise BakingError("the <svg> element is empty (self-closing); nothing to add to")
    return (source[: start.start()] + tag + element + source[start.end() :]).encode("utf-8")


def _unbake_svg_check(text: str) -> None:
    try:
        ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise BakingError(f"the SVG is not well-formed XML: {exc}") from None


def _looks_like_jws(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*", text) is not None


# ------------------------------------------------------------------------------------ API


def _credential_text(credential: str | Mapping[str, Any]) -> str:
    if isinstance(credential, Mapping):
        return json.dumps(credential, separators=(",", ":"), ensure_ascii=False)
    if isinstance(credential, str):
        return credential.strip()
    raise TypeError("credential must be a dict, JSON text or a compact JWS")


def bake(
    image: bytes,
    credential: str | Mapping[str, Any],
    *,
    kind: ImageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """A copy of ``image`` (PNG or SVG bytes) carrying ``credential`` (a dict, JSON text or a
    compact JWS). An earlier baked credential is replaced.

    Raises:
        BakingError: the image is not a well-formed PNG/SVG, or is over the size limit.
        TypeError: ``credential`` has the wrong type.
    """
    text = _credential_text(credential)
    if len(image) > limits.max_input_bytes:
        raise BakingError(f"image is over the limit of {limits.max_input_bytes} bytes")
    chosen = kind or image_kind(image)
    if chosen == "png":
        return _bake_png(image, text)
    if chosen == "svg":
        return _bake_svg(image, text)
    raise BakingError("not a PNG or SVG image")


def unbake(image: bytes, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """The credential text baked into ``image`` (JSON text or a compact JWS), as stored.

    Raises:
        BakingError: not a PNG/SVG, malformed, over the size limit, no credential or several.
    """
    if len(image) > limits.max_input_bytes:
        raise BakingError(f"image is over the limit of {limits.max_input_bytes} bytes")
    kind = image_kind(image)
    if kind == "png":
        return _unbake_png(image)
    if kind == "svg":
        return _unbake_svg(image)
    raise BakingError("not a PNG or SVG image")


def tiny_png() -> bytes:
    """A valid 1×1 transparent PNG (for examples and tests)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
