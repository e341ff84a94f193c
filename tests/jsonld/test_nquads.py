"""N-Quads terms, parser and serializer (microcred.jsonld._nquads)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld as pyld_jsonld

from microcred.errors import MalformedInputError
from microcred.jsonld._nquads import (
    RDF_LANGSTRING,
    XSD_STRING,
    blank,
    escape_literal,
    from_pyld_dataset,
    iri,
    literal,
    parse_nquads,
    serialize_nquads,
)

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

# --- escaping and term builders ------------------------------------------------------------

# RDFC-1.0 / N-Quads canonical form: seven ECHARs, every other C0 control and DEL as \uXXXX
# with upper-case hex, everything else raw.
ECHARS = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@pytest.mark.parametrize("code", [*range(0x20), 0x7F])
def test_escape_literal_control_characters(code: int) -> None:
    char = chr(code)
    expected = ECHARS.get(char, f"\\u{code:04X}")
    assert escape_literal(char) == expected
    assert escape_literal(f"a{char}b") == f"a{expected}b"


def test_escape_literal_uses_uppercase_hex() -> None:
    assert escape_literal("\x0b\x1a\x1f\x7f") == "\\u000B\\u001A\\u001F\\u007F"


@pytest.mark.parametrize(
    "value", ["", "plain", "∞", "🌃", "\x80\x9f", "\u00a0", "'", "a b", "\u2028", "<>{}|^`"]
)
def test_escape_literal_leaves_other_characters_raw(value: str) -> None:
    assert escape_literal(value) == value


def test_escape_literal_quote_and_backslash() -> None:
    assert escape_literal('say "\\n"') == 'say \\"\\\\n\\"'


def test_literal_term_forms() -> None:
    assert literal("x") == '"x"'
    assert literal("x", datatype=XSD_STRING) == '"x"'
    assert literal("5", datatype=XSD_INTEGER) == f'"5"^^<{XSD_INTEGER}>'
    assert literal("hi", language="en-GB") == '"hi"@en-GB'
    assert literal("hi", language="en", datatype=RDF_LANGSTRING) == '"hi"@en'
    assert literal("a\x01b") == '"a\\u0001b"'


@pytest.mark.parametrize(
    "kwargs",
    [
        {"value": "x", "language": "en us"},
        {"value": "x", "language": ""},
        {"value": "x", "language": "en", "datatype": XSD_INTEGER},
        {"value": "x", "datatype": RDF_LANGSTRING},
        {"value": "bad \ud800 surrogate"},
        {"value": "x", "datatype": "urn:\udfff"},
    ],
)
def test_literal_rejects_invalid_terms(kwargs: dict[str, Any]) -> None:
    with pytest.raises(MalformedInputError):
        literal(**kwargs)


def test_iri_written_as_given() -> None:
    assert iri("http://example.org/a#b") == "<http://example.org/a#b>"
    assert iri("urn:ex:∞") == "<urn:ex:∞>"


def test_iri_escapes_characters_n_quads_forbids() -> None:
    assert iri('urn:a b<c>"d{e}|^`\\\x00') == (
        "<urn:a\\u0020b\\u003Cc\\u003E\\u0022d\\u007Be\\u007D\\u007C\\u005E\\u0060\\u005C\\u0000>"
    )
    # ... and the parser reads such a term back to itself.
    term = iri("urn:a b")
    assert parse_nquads(f"{term} <urn:p> {term} .") == [(term, "<urn:p>", term, "")]


def test_blank_labels() -> None:
    assert blank("b0") == "_:b0"
    assert blank("0a.b-c_d") == "_:0a.b-c_d"
    for bad in ["", "a.", "-a", "a b", "a/b", ".a"]:
        with pytest.raises(MalformedInputError):
            blank(bad)


# --- parser ---------------------------------------------------------------------------------


def test_parse_simple_statements_comments_and_blank_lines() -> None:
    text = (
        "# a comment\n"
        "\n"
        "<urn:s> <urn:p> <urn:o> .\r\n"
        '_:b0 <urn:p> "v"@en <urn:g> . # trailing comment\r'
        "  \t_:b0\t<urn:p>   _:b1   _:g1.\n"
        '<urn:s><urn:p>"5"^^<http://www.w3.org/2001/XMLSchema#integer>.\n'
        "   \n"
    )
    assert parse_nquads(text) == [
        ("<urn:s>", "<urn:p>", "<urn:o>", ""),
        ("_:b0", "<urn:p>", '"v"@en', "<urn:g>"),
        ("_:b0", "<urn:p>", "_:b1", "_:g1"),
        ("<urn:s>", "<urn:p>", f'"5"^^<{XSD_INTEGER}>', ""),
    ]


def test_parse_empty_document() -> None:
    assert parse_nquads("") == []
    assert parse_nquads("\n\n# only comments\n") == []


def test_parse_unescapes_and_rewrites_canonically() -> None:
    # Lines from the RDFC-1.0 "n-quads escaping" test (test060), expected values as decoded.
    text = "\n".join(
        [
            r'<urn:ex:s> <urn:ex:007> "\u0022\u005c" .',
            r'<urn:ex:s> <urn:ex:008> "\t\b\n\r\f\"\'\\" .',
            r'<urn:ex:s> <urn:ex:009> "\\u0039" .',
            r'<urn:ex:s> <urn:ex:015> "\u221e" .',
            r"<urn:ex:s> <urn:ex:017> <urn:ex:\u0065\u0078> .",
            r'<urn:ex:s> <urn:ex:024> "\u0000\u0008\u000b\u000c\u001f\u007f\u0080" .',
            r'<urn:ex:s> <urn:ex:033> "\U0001F303" .',
            r'<urn:ex:s> <urn:ex:021> "d"^^<urn:ex:\u0064\u0074> <urn:ex:\u221e> .',
            r'<urn:ex:s> <urn:ex:040> "x"^^<http://www.w3.org/2001/XMLSchema#string> .',
        ]
    )
    assert serialize_nquads(parse_nquads(text)) == (
        '<urn:ex:s> <urn:ex:007> "\\"\\\\" .\n'
        '<urn:ex:s> <urn:ex:008> "\\t\\b\\n\\r\\f\\"\'\\\\" .\n'
        '<urn:ex:s> <urn:ex:009> "\\\\u0039" .\n'
        '<urn:ex:s> <urn:ex:015> "∞" .\n'
        "<urn:ex:s> <urn:ex:017> <urn:ex:ex> .\n"
        '<urn:ex:s> <urn:ex:024> "\\u0000\\b\\u000B\\f\\u001F\\u007F\x80" .\n'
        '<urn:ex:s> <urn:ex:033> "🌃" .\n'
        '<urn:ex:s> <urn:ex:021> "d"^^<urn:ex:dt> <urn:ex:∞> .\n'
        '<urn:ex:s> <urn:ex:040> "x" .\n'
    )


def test_parse_keeps_duplicates_and_order() -> None:
    line = "<urn:s> <urn:p> <urn:o> .\n"
    assert len(parse_nquads(line * 3)) == 3


@pytest.mark.parametrize(
    "bad_line",
    [
        "<urn:s> <urn:p> <urn:o>",  # no dot
        "<urn:s> <urn:p> <urn:o> . extra",
        "<s> <urn:p> <urn:o> .",  # relative IRI
        '<urn:s> <urn:p> "x"^^<dt> .',  # relative datatype IRI
        '"lit" <urn:p> <urn:o> .',  # literal subject
        "<urn:s> _:p <urn:o> .",  # blank node predicate
        '<urn:s> <urn:p> "x" "g" .',  # literal graph name
        '<urn:s> <urn:p> "unterminated .',
        '<urn:s> <urn:p> "bad \\x escape" .',
        '<urn:s> <urn:p> "surrogate \\uD800" .',
        '<urn:s> <urn:p> "too big \\U00110000" .',
        "<urn:s> <urn:p> <urn:a b> .",  # raw space in IRI
        "<urn:s> <urn:p> <urn:a\\n> .",  # ECHAR in IRI
        '<urn:s> <urn:p> "x"@ .',
        '<urn:s> <urn:p> "x"@en_US .',
        "_:a. <urn:p> <urn:o> .",
        "<urn:s> <urn:p> _: .",  # empty label
        "<urn:s> <urn:p> <urn:o> <urn:g> <urn:h> .",
    ],
)
def test_parse_rejects_malformed_lines_naming_the_line(bad_line: str) -> None:
    text = f"<urn:s> <urn:p> <urn:o> .\n# comment\n{bad_line}\n<urn:s> <urn:p> <urn:o2> .\n"
    with pytest.raises(MalformedInputError, match="N-Quads line 3"):
        parse_nquads(text)


def test_parse_counts_crlf_as_one_line_break() -> None:
    with pytest.raises(MalformedInputError, match="line 2"):
        parse_nquads("<urn:s> <urn:p> <urn:o> .\r\nnonsense\r\n")


def test_label_may_be_followed_directly_by_the_dot() -> None:
    assert parse_nquads("<urn:s> <urn:p> _:b.c.") == [("<urn:s>", "<urn:p>", "_:b.c", "")]


# --- serializer -----------------------------------------------------------------------------


def test_serialize_keeps_order_and_writes_graphs() -> None:
    quads = [
        ("_:b1", "<urn:p>", '"z"', "<urn:g>"),
        ("<urn:a>", "<urn:p>", "_:b1", ""),
        ("<urn:a>", "<urn:p>", '"x"@en', "_:g"),
    ]
    assert serialize_nquads(quads) == (
        '_:b1 <urn:p> "z" <urn:g> .\n<urn:a> <urn:p> _:b1 .\n<urn:a> <urn:p> "x"@en _:g .\n'
    )
    assert serialize_nquads([]) == ""


@given(
    value=st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    language=st.none() | st.sampled_from(["en", "de-CH", "x-a1"]),
)
def test_literal_round_trips_through_text(value: str, language: str | None) -> None:
    term = literal(value, language=language)
    quads = [("<urn:s>", "<urn:p>", term, "")]
    text = serialize_nquads(quads)
    assert text.count("\n") == 1  # nothing in a literal breaks the line
    assert parse_nquads(text) == quads


# --- pyld datasets --------------------------------------------------------------------------


def _no_network(url: str, options: Any) -> Any:
    raise RuntimeError(f"test document loader: no network ({url})")


def test_from_pyld_dataset_converts_pyld_to_rdf_output() -> None:
    doc = {
        "@context": {
            "ex": "http://example.org/",
            "name": "ex:name",
            "age": {"@id": "ex:age", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
            "label": {"@id": "ex:label", "@language": "en"},
            "knows": {"@id": "ex:knows", "@type": "@id"},
        },
        "@id": "http://example.org/alice",
        "name": "Alice\x01\b",
        "age": 5,
        "label": "hi",
        "knows": {"name": "Bob"},
        "ex:in": {"@id": "http://example.org/g", "@graph": {"@id": "ex:x", "name": "y"}},
    }
    dataset = pyld_jsonld.to_rdf(doc, {"documentLoader": _no_network})
    quads = from_pyld_dataset(dataset)
    alice = "<http://example.org/alice>"
    assert set(quads) == {
        ("_:b0", "<http://example.org/name>", '"Bob"', ""),
        (alice, "<http://example.org/age>", f'"5"^^<{XSD_INTEGER}>', ""),
        (alice, "<http://example.org/in>", "<http://example.org/g>", ""),
        (alice, "<http://example.org/knows>", "_:b0", ""),
        (alice, "<http://example.org/label>", '"hi"@en', ""),
        (alice, "<http://example.org/name>", '"Alice\\u0001\\b"', ""),
        (
            "<http://example.org/x>",
            "<http://example.org/name>",
            '"y"',
            "<http://example.org/g>",
        ),
    }
    assert len(quads) == 7


def _triple(s: str, p: str, o: dict[str, Any]) -> dict[str, Any]:
    subject = {"type": "blank node" if s.startswith("_:") else "IRI", "value": s}
    return {"subject": subject, "predicate": {"type": "IRI", "value": p}, "object": o}


def test_from_pyld_dataset_deduplicates_and_handles_graph_names() -> None:
    plain = {"type": "literal", "value": "v", "datatype": XSD_STRING}
    dataset = {
        "@default": [_triple("urn:s", "urn:p", plain), _triple("urn:s", "urn:p", plain)],
        "_:b1": [_triple("_:b0", "urn:p", {"type": "literal", "value": "w"})],
        "urn:g": [_triple("urn:s", "urn:p", plain), _triple("urn:s", "urn:p", plain)],
    }
    assert from_pyld_dataset(dataset) == [
        ("<urn:s>", "<urn:p>", '"v"', ""),
        ("_:b0", "<urn:p>", '"w"', "_:b1"),
        ("<urn:s>", "<urn:p>", '"v"', "<urn:g>"),
    ]


@pytest.mark.parametrize(
    "triple",
    [
        {
            "subject": {"type": "IRI", "value": "urn:s"},
            "predicate": {"type": "blank node", "value": "_:p"},
            "object": {"type": "IRI", "value": "urn:o"},
        },
        _triple("urn:s", "urn:p", {"type": "literal", "value": "x", "language": "not a tag"}),
        _triple("urn:s", "urn:p", {"type": "blank node", "value": "b0"}),
        _triple("urn:s", "urn:p", {"type": "IRI", "value": None}),
        {
            "subject": {"type": "literal", "value": "x"},
            "predicate": {"type": "IRI", "value": "urn:p"},
            "object": {"type": "IRI", "value": "urn:o"},
        },
    ],
)
def test_from_pyld_dataset_rejects_non_rdf_terms(triple: dict[str, Any]) -> None:
    with pytest.raises(MalformedInputError):
        from_pyld_dataset({"@default": [triple]})
