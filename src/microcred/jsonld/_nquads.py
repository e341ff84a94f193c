"""RDF terms in canonical N-Quads syntax; a strict N-Quads parser and a serializer.

A :data:`Quad` is a ``(subject, predicate, object, graph)`` tuple of ``str`` in which every term
is already written in the **canonical N-Quads form** that RDF Dataset Canonicalization
(RDFC-1.0, using the canonical form of RDF N-Quads) hashes and outputs:

* IRI: ``<http://example.org/x>``;
* blank node: ``_:label``;
* literal: ``"body"``, ``"body"@lang`` or ``"body"^^<datatype>``; ``xsd:string`` is never
  written (``"x"^^<...#string>`` is ``"x"``), ``rdf:langString`` is implied by ``@lang``;
* graph: ``""`` for the default graph, otherwise an IRI or blank node term.

Canonical literal body escaping (:func:`escape_literal`): ``"`` ``\\`` and the controls
U+0008, U+0009, U+000A, U+000C, U+000D are written ``\\"`` ``\\\\`` ``\\b`` ``\\t`` ``\\n``
``\\f`` ``\\r``; every other character in U+0000-U+001F and U+007F is written ``\\uXXXX`` with
upper-case hex digits; everything else (including all non-ASCII characters) is written as
itself (UTF-8 once encoded).

IRIs are written as given. A valid IRI never contains the characters N-Quads forbids inside
``<...>`` (U+0000-U+0020 and ``<>"{}|^`\\``); should one occur anyway (a JSON-LD document can
carry such a string as an ``@id``), :func:`iri` writes it as ``\\u00XX`` (upper-case hex), the
N-Quads UCHAR escape, so that the output stays parseable N-Quads and :func:`parse_nquads` reads
it back to the same term. (Other canonicalizers write such characters raw, producing lines that
are not N-Quads at all; for valid IRIs the forms agree.)

Terms are validated as they are built: a string that is not Unicode scalar values (a lone
surrogate, which cannot be encoded as UTF-8), an invalid blank node label or language tag, or
``rdf:langString`` without a language raise :class:`~microcred.errors.MalformedInputError`,
because they come from untrusted documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from ..errors import MalformedInputError

__all__ = [
    "RDF_LANGSTRING",
    "XSD_STRING",
    "Quad",
    "blank",
    "escape_literal",
    "from_pyld_dataset",
    "iri",
    "literal",
    "parse_nquads",
    "serialize_nquads",
]

Quad: TypeAlias = tuple[str, str, str, str]
"""``(subject, predicate, object, graph)``, each in canonical N-Quads syntax; graph ``""`` is
the default graph."""

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# --- escaping -------------------------------------------------------------------------------

_LITERAL_ESCAPES: dict[int, str] = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}
_LITERAL_ESCAPES.update(
    {
        ord('"'): '\\"',
        ord("\\"): "\\\\",
        ord("\n"): "\\n",
        ord("\r"): "\\r",
        ord("\t"): "\\t",
        ord("\b"): "\\b",
        ord("\f"): "\\f",
    }
)
_LITERAL_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')

_IRI_FORBIDDEN = '\x00-\x20<>"{}|^`\\\\'
_IRI_ESCAPES: dict[int, str] = {c: f"\\u{c:04X}" for c in [*range(0x21), *b'<>"{}|^`\\']}
_IRI_NEEDS_ESCAPE = re.compile(f"[{_IRI_FORBIDDEN}]")

_SURROGATE = re.compile("[\ud800-\udfff]")

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BLANK_LABEL = f"[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_LANGTAG = "[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"

_LANGTAG_RE = re.compile(_LANGTAG)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled on first use: the blank node label and statement patterns, with
    their large Unicode classes, take about 70 ms to compile, which every command would pay at
    import although most never parse N-Quads text or name a blank node."""
    return re.compile(pattern)


def _check_scalar(value: str, what: str) -> None:
    if _SURROGATE.search(value):
        raise MalformedInputError(f"{what} contains a lone surrogate (not a Unicode scalar value)")


def escape_literal(value: str) -> str:
    """The canonical N-Quads escaping of a literal's lexical form (without the quotes).

    ``"`` ``\\`` ``\\n`` ``\\r`` ``\\t`` ``\\b`` ``\\f`` become ECHARs; other characters in
    U+0000-U+001F and U+007F become ``\\uXXXX`` (upper-case hex); everything else is unchanged.
    No validation: see :func:`literal`.
    """
    if _LITERAL_NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_LITERAL_ESCAPES)


def iri(value: str) -> str:
    """The N-Quads term ``<value>`` for the IRI ``value``.

    Characters N-Quads does not allow inside ``<...>`` (U+0000-U+0020, ``<>"{}|^`\\``; none
    occurs in a valid IRI) are written as ``\\u00XX`` UCHARs. The IRI is not otherwise checked
    (in particular not for being absolute).

    Raises:
        MalformedInputError: ``value`` contains a lone surrogate.
    """
    _check_scalar(value, "IRI")
    if _IRI_NEEDS_ESCAPE.search(value) is not None:
        value = value.translate(_IRI_ESCAPES)
    return f"<{value}>"


def blank(label: str) -> str:
    """The N-Quads term ``_:label`` for a blank node ``label`` (given without ``_:``).

    Raises:
        MalformedInputError: ``label`` is not an N-Quads ``BLANK_NODE_LABEL`` body.
    """
    if _compiled(_BLANK_LABEL).fullmatch(label) is None:
        raise MalformedInputError(f"invalid blank node label: {label!r}")
    return f"_:{label}"


def literal(value: str, *, datatype: str | None = None, language: str | None = None) -> str:
    """The canonical N-Quads term of a literal.

    Args:
        value: the lexical form.
        datatype: the datatype IRI (not bracketed); ``None`` or ``xsd:string`` gives a plain
            ``"..."``; ``rdf:langString`` requires ``language``.
        language: a language tag (kept as given; ``[a-zA-Z]+(-[a-zA-Z0-9]+)*``); the datatype
            is then ``rdf:langString`` (``datatype`` must be ``None`` or that IRI).

    Raises:
        MalformedInputError: a lone surrogate in ``value`` or ``datatype``, a malformed
            language tag, ``language`` with another datatype, or ``rdf:langString`` without
            a language.
    """
    _check_scalar(value, "literal")
    body = escape_literal(value)
    if language is not None:
        if datatype is not None and datatype != RDF_LANGSTRING:
            raise MalformedInputError(
                f"literal with language {language!r} cannot have datatype {datatype!r}"
            )
        if _LANGTAG_RE.fullmatch(language) is None:
            raise MalformedInputError(f"invalid language tag: {language!r}")
        return f'"{body}"@{language}'
    if datatype is None or datatype == XSD_STRING:
        return f'"{body}"'
    if datatype == RDF_LANGSTRING:
        raise MalformedInputError("literal with datatype rdf:langString needs a language tag")
    return f'"{body}"^^{iri(datatype)}'


# --- pyld datasets --------------------------------------------------------------------------


def _pyld_term(node: Mapping[str, Any] | None, where: str) -> str:
    if not isinstance(node, Mapping):
        # pyld leaves the object of an rdf:first triple empty when a list item is an IRI it
        # does not consider absolute (one with a space, say)
        raise MalformedInputError(f"RDF {where} is missing (an invalid IRI in a list?)")
    kind = node.get("type")
    value = node.get("value")
    if not isinstance(value, str):
        raise MalformedInputError(f"RDF {where} has no string value: {node!r}")
    if kind == "IRI":
        return iri(value)
    if kind == "blank node":
        if not value.startswith("_:"):
            raise MalformedInputError(f"blank node identifier without '_:': {value!r}")
        return blank(value[2:])
    if kind == "literal" and where == "object":
        datatype = node.get("datatype")
        language = node.get("language")
        if datatype is not None and not isinstance(datatype, str):
            raise MalformedInputError(f"literal datatype is not a string: {datatype!r}")
        if language is not None and not isinstance(language, str):
            raise MalformedInputError(f"literal language is not a string: {language!r}")
        return literal(value, datatype=datatype, language=language)
    raise MalformedInputError(f"unexpected RDF term as {where}: {node!r}")


def from_pyld_dataset(dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Quad]:
    """Convert pyld's ``to_rdf`` result (called without ``format``) into quads.

    ``dataset`` maps ``"@default"`` or a graph name (an IRI, or a blank node ``_:b1``) to a list
    of triples ``{"subject": term, "predicate": term, "object": term}``, a term being
    ``{"type": "IRI" | "blank node" | "literal", "value": str}`` plus ``"datatype"`` and
    optionally ``"language"`` for literals. Graphs and triples keep their order; identical quads
    are kept once (a dataset is a set).

    Raises:
        MalformedInputError: a term that is not RDF 1.1 (a blank-node predicate from
            ``produceGeneralizedRdf``, a literal subject, a lone surrogate, a bad language tag).
    """
    seen: dict[Quad, None] = {}
    for name, triples in dataset.items():
        if name == "@default":
            graph = ""
        elif name.startswith("_:"):
            graph = blank(name[2:])
        else:
            graph = iri(name)
        for triple in triples:
            subject = _pyld_term(triple["subject"], "subject")
            predicate_node = triple["predicate"]
            if predicate_node.get("type") != "IRI":
                raise MalformedInputError(f"RDF predicate is not an IRI: {predicate_node!r}")
            predicate = _pyld_term(predicate_node, "predicate")
            obj = _pyld_term(triple["object"], "object")
            seen[(subject, predicate, obj, graph)] = None
    return list(seen)


# --- N-Quads text ---------------------------------------------------------------------------

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# "Unrolled loops" (plain run, then escape + plain run, ...): linear, no catastrophic backtracking.
_IRIREF = f"<([^{_IRI_FORBIDDEN}]*(?:(?:{_UCHAR})[^{_IRI_FORBIDDEN}]*)*)>"
_BNODE = f"_:({_BLANK_LABEL})"
_PLAIN = '[^"\\\\\\n\\r]*'
_STRING = f'"({_PLAIN}(?:(?:\\\\[tbnrf"\'\\\\]|{_UCHAR}){_PLAIN})*)"'
_LITERAL = f"{_STRING}(?:\\^\\^{_IRIREF}|@({_LANGTAG}))?"
_WS = "[ \\t]*"
_STATEMENT = (
    f"{_WS}(?:"
    f"(?:{_IRIREF}|{_BNODE}){_WS}"  # subject: groups 1, 2
    f"{_IRIREF}{_WS}"  # predicate: group 3
    f"(?:{_IRIREF}|{_BNODE}|{_LITERAL}){_WS}"  # object: groups 4, 5, 6 (+7 datatype, 8 lang)
    f"(?:(?:{_IRIREF}|{_BNODE}){_WS})?"  # graph: groups 9, 10
    f"\\.{_WS})?(?:#.*)?"
)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_SCHEME = re.compile("[A-Za-z][A-Za-z0-9+.-]*:")
_LINE_BREAK = re.compile("\r\n|\r|\n")


class _TermError(ValueError):
    pass


def _unescape_match(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2)
    if hex_digits is None:
        return _ECHARS[match.group(3)]
    code = int(hex_digits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _TermError(f"escape {match.group(0)!r} is not a Unicode scalar value")
    return chr(code)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_unescape_match, text)


def _parsed_iri(text: str) -> str:
    value = _unescape(text)
    if _SCHEME.match(value) is None:
        raise _TermError(f"IRI is not absolute: <{value}>")
    return iri(value)


def parse_nquads(text: str) -> list[Quad]:
    """Parse RDF 1.1 N-Quads strictly; return the quads in canonical term syntax, in order.

    Lines end in CR, LF or CRLF; blank lines and ``#`` comments are allowed. ``\\uXXXX`` and
    ``\\UXXXXXXXX`` escapes (in IRIs and literals) and ECHARs (in literals) are decoded, and the
    terms are rewritten in canonical form (see the module docstring), so equal RDF terms always
    compare equal. IRIs must be absolute (have a scheme). Duplicate lines are kept (use
    ``dict.fromkeys`` to drop them; :func:`~microcred.jsonld._canon.canonicalize` does).

    Raises:
        MalformedInputError: a line is not a valid statement, an escape is not a Unicode scalar
            value, an IRI is relative, or a term is invalid; the message names the line number.
    """
    quads: list[Quad] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _compiled(_STATEMENT).fullmatch(line)
        if match is None:
            shown = line if len(line) <= 80 else line[:77] + "..."
            raise MalformedInputError(f"N-Quads line {number}: not a valid statement: {shown!r}")
        g = match.groups()
        if g[2] is None:  # blank line or comment
            continue
        try:
            subject = _parsed_iri(g[0]) if g[0] is not None else blank(g[1])
            predicate = _parsed_iri(g[2])
            if g[3] is not None:
                obj = _parsed_iri(g[3])
            elif g[4] is not None:
                obj = blank(g[4])
            else:
                datatype = _unescape(g[6]) if g[6] is not None else None
                if datatype is not None and _SCHEME.match(datatype) is None:
                    raise _TermError(f"datatype IRI is not absolute: <{datatype}>")
                obj = literal(_unescape(g[5]), datatype=datatype, language=g[7])
            if g[8] is not None:
                graph = _parsed_iri(g[8])
            elif g[9] is not None:
                graph = blank(g[9])
            else:
                graph = ""
        except (_TermError, MalformedInputError) as exc:
            raise MalformedInputError(f"N-Quads line {number}: {exc}") from None
        quads.append((subject, predicate, obj, graph))
    return quads


def serialize_nquads(quads: Iterable[Quad]) -> str:
    """N-Quads text: one ``s p o [g] .`` line per quad, each ending in ``\\n``, in the order
    given (terms are written as they are; they are assumed canonical)."""
    return "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)
