"""Open Badges 3.0 baking: a credential carried inside its badge image (OB 3.0 §5.3).

The formats
-----------

* **PNG**: one ``iTXt`` chunk with keyword ``openbadgecredential``, compression flag 0, no
  language tag and no translated keyword, whose text is the credential: the JSON text of a
  Data Integrity credential, or the compact JWS of a VC-JWT.
* **SVG**: the root ``<svg>`` declares ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"``
  and has a child ``<openbadges:credential>`` holding the JSON in a CDATA section, or, for a
  JWT, an empty element whose ``verify`` attribute is the compact JWS.

What :func:`bake` writes
------------------------

* PNG: the chunk goes **immediately before IEND**, after the image data. Every other chunk is
  copied byte for byte, in order; any earlier ``openbadgecredential`` chunk is dropped (the
  credential is *replaced*, never duplicated). Bytes after IEND are not copied.
* SVG: the document is **edited as text, not re-serialised**. The new element is inserted right
  after the root start tag (on its own line), ``xmlns:openbadges`` is added to that start tag when
  the root does not already bind the prefix to the OB 3.0 namespace, and earlier OB 3.0
  credential elements (with the whitespace before them) are cut out. Every other byte of the
  document (XML declaration, doctype, comments, formatting, attribute order) is kept. If the root
  binds ``openbadges`` to another namespace (an Open Badges 2.0 image binds it to
  ``http://openbadges.org``), the declaration goes on the new element instead, so both stay
  valid. JSON containing ``]]>`` is split over several CDATA sections; a CR or CRLF line end
  in JSON text becomes LF (XML would normalise it anyway), and characters XML or UTF-8 cannot
  carry (lone surrogates, U+FFFE, U+FFFF; in valid JSON they can only occur inside strings)
  are written as ``\\uXXXX`` escapes: the JSON value is unchanged. Only UTF-8 SVG is baked.

What :func:`unbake` accepts
---------------------------

Unbaking is meant for hostile images and never reads anything but the bytes given:

* Size: the image is bounded by ``Limits.max_image_bytes`` and the credential text by
  ``Limits.max_input_bytes``.
* PNG: the signature, every chunk's length, type and CRC are checked, IHDR must come first and
  IEND must be present (bytes after IEND are ignored). A **compressed** ``openbadgecredential``
  chunk is refused rather than inflated: OB 3.0 requires it uncompressed, microcred never writes
  one, and refusing leaves no decompression bomb to defend against. A language tag or
  translated keyword is tolerated. The text is returned exactly as stored.
* SVG: parsed with expat (the standard library) under these rules: a document type declaration
  is allowed only **without an internal subset** (the ``<!DOCTYPE svg PUBLIC ... svg11.dtd>``
  line of exported SVGs is common; its external DTD is never read), so no entity can be
  declared; any entity declaration, external entity or undeclared entity reference is refused;
  parameter entities are never parsed. Entity expansion ("billion laughs") and external
  entities (XXE) thus never happen, and nothing touches the file system or the network. The
  element may sit anywhere under the root; its ``verify`` attribute or its text, with
  surrounding whitespace (layout) stripped, is returned. The document must be UTF-8.

Every problem with an image or credential text is a :class:`~microcred.errors.BakingError`
whose message says what is wrong; a wrong argument type is a ``TypeError``.

>>> png = bake(tiny_png(), {"type": ["VerifiableCredential"]})
>>> unbake(png)
'{"type":["VerifiableCredential"]}'
>>> svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
>>> print(bake(svg, "eyJhbGciOiJFZERTQSJ9.e30.c2ln").decode())
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
  <openbadges:credential verify="eyJhbGciOiJFZERTQSJ9.e30.c2ln"/><circle r="4"/></svg>
>>> image_kind(png), image_kind(svg), image_kind(b"{}")
('png', 'svg', None)
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, NoReturn
from xml.parsers import expat

from . import _json
from ._data import TINY_PNG
from .errors import BakingError, InputError
from .limits import DEFAULT_LIMITS, Limits

__all__ = [
    "OB_NAMESPACE",
    "PNG_KEYWORD",
    "PNG_SIGNATURE",
    "ImageKind",
    "bake",
    "image_kind",
    "tiny_png",
    "unbake",
]

ImageKind = Literal["png", "svg"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The eight bytes every PNG starts with."""
PNG_KEYWORD = b"openbadgecredential"
"""Keyword of the ``iTXt`` chunk that carries an OB 3.0 credential."""
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
"""XML namespace of the ``<openbadges:credential>`` element."""

_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_OB2_NAMESPACE = "http://openbadges.org"  # Open Badges 2.0 images: only named in messages
_PNG_MAX_CHUNK = 2**31 - 1  # the PNG specification's largest chunk length
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*")
_XML_SPACE = " \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"

# Sniffing the prolog of an SVG: all linear-time patterns (no nested ambiguous repetition).
_SPACE = re.compile(rb"[ \t\r\n]*")
_QUOTED = rb"\"[^\"]*\"|'[^']*'"
_COMMENT = rb"<!--(?:[^-]|-(?!->))*-->"
_DOCTYPE = re.compile(
    rb"<!DOCTYPE(?:[^\[>\"']|" + _QUOTED + rb")*"
    rb"(?:\[(?:[^\]\"'<]|<(?!!--)|" + _COMMENT + rb"|" + _QUOTED + rb")*\][ \t\r\n]*)?>"
)
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][-.\w]*:)?svg[ \t\r\n/>]")
# One start, end or empty-element tag, quote-aware ('>' may occur inside attribute values).
_TAG = re.compile(rb"<[^\"'>]*(?:(?:\"[^\"]*\"|'[^']*')[^\"'>]*)*>")
_TAG_NAME = re.compile(rb"<([^ \t\r\n/>]+)")
# Characters a credential cannot carry verbatim (see the module docstring).
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def image_kind(data: bytes) -> ImageKind | None:
    """``"png"``, ``"svg"`` or ``None``: what ``data`` looks like, from its first bytes.

    A PNG starts with the PNG signature. An SVG is XML whose root element is ``<svg>`` (or
    ``<prefix:svg>``), after an optional UTF-8 byte order mark, whitespace, XML declaration,
    processing instructions, comments and document type declaration. This is a sniff, not a
    validation: :func:`unbake` still checks the whole image.

    >>> image_kind(b'<?xml version="1.0"?>\\n<!-- badge --><svg width="4"/>')
    'svg'
    >>> image_kind(b"<html><svg/></html>") is None
    True
    """
    if data.startswith(PNG_SIGNATURE):
        return "png"
    position = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    while True:
        space = _SPACE.match(data, position)
        position = space.end() if space else position
        if data.startswith(b"<?", position):
            end = data.find(b"?>", position + 2)
            if end < 0:
                return None
            position = end + 2
        elif data.startswith(b"<!--", position):
            end = data.find(b"-->", position + 4)
            if end < 0:
                return None
            position = end + 3
        elif data.startswith(b"<!DOCTYPE", position):
            doctype = _DOCTYPE.match(data, position)
            if doctype is None:
                return None
            position = doctype.end()
        else:
            return "svg" if _SVG_ROOT.match(data, position) else None


# ------------------------------------------------------------------------------------ PNG


class _PngChunk(NamedTuple):
    kind: bytes
    start: int  # offset of the length field
    end: int  # offset just after the CRC


def _png_chunks(data: bytes) -> list[_PngChunk]:
    """The chunks of a PNG up to and including IEND, each length, type and CRC checked."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (the PNG signature is missing)")
    view = memoryview(data)
    size = len(data)
    unpack = struct.Struct(">I4s").unpack_from
    crc32 = zlib.crc32
    chunks: list[_PngChunk] = []
    position = len(PNG_SIGNATURE)
    while True:
        if position + 8 > size:
            if position == size:
                raise BakingError("the PNG is truncated: it ends without an IEND chunk")
            raise BakingError(f"the PNG is truncated inside the chunk header at byte {position}")
        length, kind = unpack(data, position)
        end = position + 12 + length
        if not kind.isalpha() or length > _PNG_MAX_CHUNK or end > size:
            _bad_chunk_header(kind, length, position)
        if crc32(view[position + 4 : end - 4]) != int.from_bytes(view[end - 4 : end], "big"):
            raise BakingError(
                f"the PNG is corrupt: chunk {kind.decode()} at byte {position} has a bad CRC"
            )
        if not chunks and (kind != b"IHDR" or length != 13):
            if kind == b"IHDR":
                raise BakingError(f"the PNG is corrupt: its IHDR chunk has {length} bytes, not 13")
            raise BakingError(f"the PNG does not start with an IHDR chunk (found {kind.decode()})")
        chunks.append(_PngChunk(kind, position, end))
        position = end
        if kind == b"IEND":
            return chunks


def _bad_chunk_header(kind: bytes, length: int, position: int) -> NoReturn:
    if not kind.isalpha():
        raise BakingError(f"the PNG is corrupt: invalid chunk type {kind!r} at byte {position}")
    if length > _PNG_MAX_CHUNK:
        raise BakingError(
            f"the PNG is corrupt: chunk {kind.decode()} at byte {position} declares {length} "
            "bytes, over the PNG maximum of 2^31-1"
        )
    raise BakingError(
        f"the PNG is truncated: chunk {kind.decode()} at byte {position} declares {length} "
        "bytes, past the end of the image"
    )


def _chunk_body(chunk: _PngChunk, data: bytes) -> bytes:
    return data[chunk.start + 8 : chunk.end - 4]


def _is_credential_chunk(chunk: _PngChunk, data: bytes) -> bool:
    return chunk.kind == b"iTXt" and data.startswith(PNG_KEYWORD + b"\0", chunk.start + 8)


def _unbake_png(data: bytes, limits: Limits) -> str:
    chunks = _png_chunks(data)
    found = [chunk for chunk in chunks if _is_credential_chunk(chunk, data)]
    if not found:
        ob2 = any(
            chunk.kind in (b"iTXt", b"tEXt") and data.startswith(b"openbadges\0", chunk.start + 8)
            for chunk in chunks
        )
        hint = " (it has an Open Badges 2.0 'openbadges' chunk, not an OB 3.0 one)" if ob2 else ""
        raise BakingError(f"the PNG carries no openbadgecredential iTXt chunk{hint}")
    if len(found) > 1:
        raise BakingError(
            f"the PNG carries {len(found)} openbadgecredential iTXt chunks; OB 3.0 allows one"
        )
    body = _chunk_body(found[0], data)
    # iTXt: keyword NUL, compression flag, compression method, language tag NUL,
    # translated keyword NUL, text.
    rest = body[len(PNG_KEYWORD) + 1 :]
    if len(rest) < 2:
        raise BakingError("malformed openbadgecredential iTXt chunk: no compression fields")
    if rest[0] == 1:
        raise BakingError(
            "the openbadgecredential iTXt chunk is compressed; OB 3.0 requires it uncompressed "
            "and microcred does not inflate it"
        )
    if rest[0] != 0:
        raise BakingError(
            f"malformed openbadgecredential iTXt chunk: compression flag {rest[0]} (0 or 1)"
        )
    fields = rest[2:].split(b"\0", 2)
    if len(fields) < 3:
        raise BakingError(
            "malformed openbadgecredential iTXt chunk: the language tag or translated keyword "
            "is not NUL-terminated"
        )
    text = fields[2]
    if not text:
        raise BakingError("the openbadgecredential iTXt chunk is empty")
    _check_text_size(len(text), limits)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError(
            f"the baked credential is not valid UTF-8 (at byte {exc.start} of its text)"
        ) from None


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), kind) + body + struct.pack(">I", zlib.crc32(kind + body))


def _bake_png(image: bytes, text: str) -> bytes:
    chunks = _png_chunks(image)
    encoded = _NOT_UTF8.sub(_json_escape, text).encode("utf-8")
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translation NUL
    body = PNG_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + encoded
    if len(body) > _PNG_MAX_CHUNK:
        raise BakingError("the credential is too large for one PNG chunk")
    kept = [
        image[chunk.start : chunk.end]
        for chunk in chunks[:-1]  # chunks[-1] is IEND
        if not _is_credential_chunk(chunk, image)
    ]
    iend = chunks[-1]
    return b"".join([PNG_SIGNATURE, *kept, _png_chunk(b"iTXt", body), image[iend.start : iend.end]])


# ------------------------------------------------------------------------------------ SVG


@dataclass
class _SvgElement:
    """An ``<openbadges:credential>`` element found in an SVG: byte span and content."""

    start: int
    start_tag_end: int
    depth: int
    verify: str | None
    parts: list[str] = field(default_factory=list)
    end: int = -1


@dataclass
class _SvgScan:
    """What one safe expat pass over an SVG found."""

    root_start: int = -1
    root_namespaces: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    credentials: list[_SvgElement] = field(default_factory=list)
    ob2_assertion: bool = False


def _tag_end(data: bytes, position: int) -> int:
    """The offset just after the tag (start, end or empty-element) that begins at ``position``."""
    tag = _TAG.match(data, position)
    if tag is None:  # cannot happen once expat accepted the document
        raise BakingError(f"cannot find the end of the XML tag at byte {position}")
    return tag.end()


def _refuse(what: str) -> BakingError:
    return BakingError(
        f"{what} refused: SVG badges may not declare or use entities (entity expansion and "
        "external entities are never processed)"
    )


def _scan_svg(data: bytes) -> _SvgScan:
    """Parse ``data`` as an SVG with expat, safely (see the module docstring), collecting the
    root start tag and every OB 3.0 credential element."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError(f"the SVG is not valid UTF-8 (at byte {exc.start})") from None
    scan = _SvgScan()
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0
    open_elements: list[_SvgElement] = []

    def xml_declaration(version: str, encoding: str | None, standalone: int) -> None:
        scan.encoding = encoding

    def start_doctype(
        name: str, system_id: str | None, public_id: str | None, internal: int
    ) -> None:
        if internal:
            raise _refuse("a document type declaration with an internal subset is")

    def entity_declaration(name: str, *args: object) -> None:
        raise _refuse(f"the entity declaration {name!r} is")

    def notation_declaration(name: str, *args: object) -> None:
        raise _refuse(f"the notation declaration {name!r} is")

    def external_entity(
        context: str, base: str | None, system_id: str | None, *args: object
    ) -> int:
        raise _refuse(f"the external entity {system_id!r} is")

    def skipped_entity(name: str, is_parameter_entity: int) -> None:
        raise _refuse(f"the undeclared entity reference &{name}; is")

    def namespace_declaration(prefix: str | None, uri: str) -> None:
        if depth == 0:
            scan.root_namespaces[prefix or ""] = uri

    def start_element(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        position = parser.CurrentByteIndex
        if depth == 0:
            uri, _, local = name.rpartition(" ")
            if local != "svg" or uri not in ("", _SVG_NAMESPACE):
                shown = f"{{{uri}}}{local}" if uri else local
                raise BakingError(f"not an SVG image: the root element is <{shown}>, not <svg>")
            scan.root_start = position
        depth += 1
        if name == f"{OB_NAMESPACE} credential":
            element = _SvgElement(
                position, _tag_end(data, position), depth, attributes.get("verify")
            )
            scan.credentials.append(element)
            open_elements.append(element)
        elif name == f"{_OB2_NAMESPACE} assertion":
            scan.ob2_assertion = True

    def end_element(name: str) -> None:
        nonlocal depth
        if open_elements and open_elements[-1].depth == depth:
            element = open_elements.pop()
            if data[element.start_tag_end - 2 : element.start_tag_end] == b"/>":
                element.end = element.start_tag_end
            else:
                element.end = _tag_end(data, parser.CurrentByteIndex)
        depth -= 1

    def character_data(text: str) -> None:
        if open_elements and open_elements[-1].depth == depth:
            open_elements[-1].parts.append(text)

    parser.XmlDeclHandler = xml_declaration
    parser.StartDoctypeDeclHandler = start_doctype
    parser.EntityDeclHandler = entity_declaration
    parser.UnparsedEntityDeclHandler = entity_declaration
    parser.NotationDeclHandler = notation_declaration
    parser.ExternalEntityRefHandler = external_entity
    parser.SkippedEntityHandler = skipped_entity
    parser.StartNamespaceDeclHandler = namespace_declaration
    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = character_data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BakingError(f"the SVG is not well-formed XML: {exc}") from None
    return scan


def _svg_credential(element: _SvgElement, limits: Limits) -> str:
    content = "".join(element.parts)
    if element.verify is not None and content.strip(_XML_SPACE):
        raise BakingError(
            "the openbadges:credential element has both a verify attribute and content; "
            "expected one of them"
        )
    value = (element.verify if element.verify is not None else content).strip(_XML_SPACE)
    if not value:
        raise BakingError("the openbadges:credential element is empty")
    _check_text_size(len(value.encode("utf-8", "surrogatepass")), limits)
    return value


def _unbake_svg(data: bytes, limits: Limits) -> str:
    scan = _scan_svg(data)
    if not scan.credentials:
        hint = (
            " (it has an Open Badges 2.0 openbadges:assertion, not an OB 3.0 credential)"
            if scan.ob2_assertion
            else ""
        )
        raise BakingError(f"the SVG carries no openbadges:credential element{hint}")
    if len(scan.credentials) > 1:
        raise BakingError(
            f"the SVG carries {len(scan.credentials)} openbadges:credential elements; "
            "OB 3.0 allows one"
        )
    return _svg_credential(scan.credentials[0], limits)


def _bake_svg(image: bytes, text: str, *, jws: bool, limits: Limits) -> bytes:
    scan = _scan_svg(image)
    if scan.encoding is not None and scan.encoding.lower() not in ("utf-8", "utf8"):
        raise BakingError(
            f"the SVG declares the encoding {scan.encoding!r}; microcred bakes UTF-8 SVG only"
        )
    root_tag_end = _tag_end(image, scan.root_start)
    self_closing = image[root_tag_end - 2 : root_tag_end] == b"/>"
    attribute_at = root_tag_end - (2 if self_closing else 1)
    bound = scan.root_namespaces.get("openbadges")
    declaration = f' xmlns:openbadges="{OB_NAMESPACE}"'
    on_root = declaration if bound is None else ""
    on_element = declaration if bound is not None and bound != OB_NAMESPACE else ""
    carried = text
    if jws:
        element = f'<openbadges:credential{on_element} verify="{text}"/>'
    else:
        carried = _NOT_XML.sub(_json_escape, text.replace("\r\n", "\n").replace("\r", "\n"))
        cdata = carried.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential{on_element}><![CDATA[{cdata}]]></openbadges:credential>"
    out = [image[:attribute_at], on_root.encode("ascii")]
    if self_closing:
        name = _TAG_NAME.match(image, scan.root_start)
        assert name is not None  # expat accepted the tag
        out += [b">\n  ", element.encode("utf-8"), b"\n</", name.group(1), b">"]
        out.append(image[root_tag_end:])
    else:
        out += [image[attribute_at:root_tag_end], b"\n  ", element.encode("utf-8")]
        position = root_tag_end
        for old in _outermost(scan.credentials):
            cut = old.start
            while cut > position and image[cut - 1 : cut] in (b" ", b"\t", b"\r", b"\n"):
                cut -= 1
            out.append(image[position:cut])
            position = old.end
        out.append(image[position:])
    baked = b"".join(out)
    # Belt and braces: the result must read back as exactly one credential, the one baked.
    check = _scan_svg(baked)
    if len(check.credentials) != 1 or _svg_credential(check.credentials[0], limits) != carried:
        raise BakingError("internal error: the baked SVG does not read back as its credential")
    return baked


def _outermost(elements: list[_SvgElement]) -> list[_SvgElement]:
    """The elements not nested in another one, in document order."""
    result: list[_SvgElement] = []
    for element in sorted(elements, key=lambda e: e.start):
        if not result or element.start >= result[-1].end:
            result.append(element)
    return result


# ------------------------------------------------------------------------------------ API


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def _check_text_size(size: int, limits: Limits) -> None:
    if size > limits.max_input_bytes:
        raise BakingError(
            f"the baked credential is {size} bytes, over the limit of {limits.max_input_bytes} "
            "(Limits.max_input_bytes)"
        )


def _check_image(image: bytes, limits: Limits) -> bytes:
    if isinstance(image, (bytearray, memoryview)):
        image = bytes(image)
    if not isinstance(image, bytes):
        raise TypeError(f"image must be bytes, not {type(image).__name__}")
    if len(image) > limits.max_image_bytes:
        raise BakingError(
            f"the image is {len(image)} bytes, over the limit of {limits.max_image_bytes} "
            "(Limits.max_image_bytes)"
        )
    return image


def _credential_text(credential: str | Mapping[str, Any], limits: Limits) -> tuple[str, bool]:
    """The text to bake and whether it is a compact JWS."""
    if isinstance(credential, Mapping):
        text = json.dumps(
            dict(credential), separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        jws = False
    elif isinstance(credential, str):
        text = credential.strip(_XML_SPACE)
        jws = _COMPACT_JWS.fullmatch(text) is not None
        if not jws:
            try:
                value = _json.loads(text, limits=limits)
            except InputError as exc:
                raise BakingError(
                    f"the credential is neither a compact JWS nor valid JSON text: {exc}"
                ) from None
            if not isinstance(value, dict):
                raise BakingError("the credential JSON text is not a JSON object")
    else:
        raise TypeError(
            "credential must be a dict, JSON text or a compact JWS, "
            f"not {type(credential).__name__}"
        )
    _check_text_size(len(text.encode("utf-8", "surrogatepass")), limits)
    return text, jws


def bake(
    image: bytes,
    credential: str | Mapping[str, Any],
    *,
    kind: ImageKind | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """A copy of ``image`` (PNG or SVG bytes) carrying ``credential``, as OB 3.0 §5.3 specifies.

    Args:
        image: the badge image; it is not modified.
        credential: a dict (written as compact JSON, UTF-8; the dict is not modified), JSON
            text of an object (baked as given, surrounding whitespace removed), or a compact JWS
            (a VC-JWT).
        kind: ``"png"`` or ``"svg"``; sniffed with :func:`image_kind` when ``None``.
        limits: ``max_image_bytes`` bounds the image (given and baked), ``max_input_bytes`` the
            credential text.

    Returns:
        The new image. A credential baked earlier is replaced, never duplicated, so
        ``unbake(bake(image, c))`` is the text of ``c``. See the module docstring for where the
        credential goes and what else is kept.

    Raises:
        BakingError: the image is not a well-formed PNG/SVG, is over a limit, or the credential
            text is neither a compact JWS nor a JSON object.
        TypeError: ``image`` or ``credential`` has the wrong type, or the dict holds a value
            JSON cannot represent.
        ValueError: ``kind`` is not ``"png"``, ``"svg"`` or ``None``, or the dict holds NaN,
            an infinity or a circular reference.
    """
    if kind not in (None, "png", "svg"):
        raise ValueError(f"kind must be 'png', 'svg' or None, not {kind!r}")
    image = _check_image(image, limits)
    text, jws = _credential_text(credential, limits)
    chosen = kind or image_kind(image)
    if chosen == "png":
        baked = _bake_png(image, text)
    elif chosen == "svg":
        baked = _bake_svg(image, text, jws=jws, limits=limits)
    else:
        raise BakingError("not a PNG or SVG image (no PNG signature and no <svg> root element)")
    if len(baked) > limits.max_image_bytes:
        raise BakingError(
            f"the baked image would be {len(baked)} bytes, over the limit of "
            f"{limits.max_image_bytes} (Limits.max_image_bytes)"
        )
    return baked


def unbake(image: bytes, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """The credential text baked into ``image``: JSON text or a compact JWS.

    The text is returned as stored (from an SVG, without the whitespace around it); nothing
    is parsed or verified: pass it, or the image itself, to :func:`microcred.verify`.

    Raises:
        BakingError: the image is not a PNG/SVG, is truncated or corrupt, is over a limit, has
            no credential or more than one, or the credential is compressed, empty or not
            UTF-8; for an SVG also a refused document type declaration or entity. The message
            says which.
        TypeError: ``image`` is not bytes.
    """
    image = _check_image(image, limits)
    kind = image_kind(image)
    if kind == "png":
        return _unbake_png(image, limits)
    if kind == "svg":
        return _unbake_svg(image, limits)
    raise BakingError("not a PNG or SVG image (no PNG signature and no <svg> root element)")


def tiny_png() -> bytes:
    """A valid 1×1 transparent PNG (for examples and tests)."""
    return TINY_PNG
