"""A fast JSON-LD to RDF path for ordinary credentials, equivalent to the pyld path.

:func:`to_quads` turns a JSON-LD document into the quads pyld's ``to_rdf`` gives for it (same
terms, same blank node labels ``_:b0``, ``_:b1``, ... issued in the same order), or raises
:class:`Unsupported` as soon as it meets anything it does not handle exactly as pyld does; the
caller then runs the pyld path, which also produces every error. So the fast path never
reports an error of its own: an undefined term, a relative IRI, a malformed value object, an
unknown context, a bad literal, all make it decline, and pyld explains.

What it handles: node objects with ``@id``/``@type`` (and their aliases), embedded and remote
``@context`` (processed by pyld, remembered here), type-scoped contexts (with ``@propagate``
and the reverting rules of JSON-LD 1.1), property-scoped contexts, ``@vocab``, ``@type``
coercion (``@id``, ``@vocab``, datatypes, ``@json``), default and term languages, simple value
objects (``@value`` with ``@type`` or ``@language``), language maps, and ``@set``, ``@list``
and ``@graph`` containers. It declines on ``@reverse``, ``@nest``, ``@included``, ``@graph``
keys, ``@index``/``@id``/``@type`` containers, ``@list``/``@set`` objects, nested arrays in
lists, blank node types and predicates, and any IRI that is not absolute.

How it works: the document is expanded following the JSON-LD 1.1 Expansion Algorithm, with every
context lookup precomputed per processed context (:class:`_Context`: term definitions flattened
into :class:`_Term`, member names, type and IRI expansions and context transitions memoised), and
the quads are written during expansion: the members of each object are taken in the order of
their IRIs, which is the order of the Node Map Generation algorithm, so blank nodes get pyld's
labels. RDF list nodes are labelled at the end, in the order of Deserialize JSON-LD to RDF
(graphs, subjects and properties sorted), which is where pyld labels them.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from ..errors import MicrocredError
from ._loader import DocumentLoader
from ._nquads import RDF_LANGSTRING, XSD_STRING, Quad, iri, literal
from ._pyld_import import import_pyld

_pyld = import_pyld()

__all__ = ["Unsupported", "to_quads"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
#: The exponent of ``f"{value:1.15E}"`` in canonical xsd:double form (``5.5E0``, ``1.0E-7``).
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

#: An absolute IRI (or blank node identifier) as the pyld path decides it; the same expression
#: (``+-.`` is a range that includes ``,``), so both paths agree on every string.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
#: Characters that make a plain literal need escaping or validation (see ``_nquads.literal``).
_PLAIN_SAFE = re.compile('[\x00-\x1f\x7f"\\\\\ud800-\udfff]')
_KEYWORDS = frozenset(_pyld.KEYWORDS)

_MAX_DERIVED = 256
_MAX_CONTEXTS = 4096


class Unsupported(Exception):  # noqa: N818 - an internal signal, not an error
    """The fast path declines this document; process it with pyld instead."""


class StrictViolation(Unsupported):
    """The document breaks the strict reading rule (see :func:`to_quads`, ``strict=True``).

    Without ``strict`` it is only a reason to decline (the pyld path then decides), so the
    quads of a document never depend on the rule.

    Attributes:
        rule: the rule's short name (``member-name``, ``type``, ``blank-node``,
            ``inline-context``, ``value-form``, ``feature``).
        message: what is wrong, in words.
        key: the member name at fault, if any (to find its JSON path).
        value: the string value at fault, if any.
    """

    def __init__(
        self, rule: str, message: str, *, key: str | None = None, value: str | None = None
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.key = key
        self.value = value


class ContextWorkLimit(Exception):  # noqa: N818 - an internal signal, not an error
    """A document asks for more context processing than allowed (raised through the run)."""


#: How a term's scalar values expand (from its ``@type``).
_PLAIN, _ID, _VOCAB, _TYPED, _BAD = range(5)


class _Term:
    """What expansion needs of one term definition (``None`` members: not set)."""

    __slots__ = (
        "is_graph",
        "is_json",
        "is_language_map",
        "is_list",
        "kind",
        "language",
        "plain_strings",
        "scoped",
        "simple",
        "type",
    )

    def __init__(self, definition: Any, default_language: Any) -> None:
        if definition.get("reverse"):
            raise Unsupported("reverse property")
        self.type: Any = definition.get("@type")
        container = definition.get("@container") or []
        if isinstance(container, str):
            container = [container]
        containers = frozenset(container)
        if containers - {"@set", "@list", "@graph", "@language"}:
            raise Unsupported(f"container {sorted(containers)}")
        self.is_list = "@list" in containers
        self.is_graph = "@graph" in containers
        self.is_language_map = "@language" in containers
        self.is_json = self.type == "@json"
        if self.is_json and containers - {"@set"}:
            raise Unsupported("@json term with a container")
        self.scoped: Any = definition.get("@context")
        self.language: Any = definition.get("@language", default_language)
        kind = self.type
        if kind is None or kind == "@none":
            self.kind = _PLAIN
            if self.language is not None and not isinstance(self.language, str):
                self.kind = _BAD
        elif kind == "@id":
            self.kind = _ID
        elif kind == "@vocab":
            self.kind = _VOCAB
        elif isinstance(kind, str) and _ABSOLUTE.match(kind) and not kind.startswith("_:"):
            self.kind = _TYPED
        else:
            self.kind = _BAD
        #: values expand in the same context, with no container processing
        self.simple = self.scoped is None and not (
            self.is_list or self.is_graph or self.is_language_map or self.is_json
        )
        #: strings are plain literals without a language
        self.plain_strings = self.kind == _PLAIN and self.language is None


_NO_TERM: dict[str, Any] = {}

#: A strict reading problem: ``(rule, message, member name or None)``.
_Problem = tuple[str, str, "str | None"]

#: See :meth:`_Context.shape`.
_Shape = tuple[
    tuple[tuple[str, str], ...], tuple[tuple[str, str, "_Term", str], ...], "_Problem | None"
]

#: Keywords a node or value object may carry under the strict reading (or their aliases).
_READ_KEYWORDS = frozenset({"@id", "@type", "@value", "@language", "@direction"})


def _by_iri_then_name(entry: tuple[str, str, _Term, str]) -> tuple[str, str]:
    return entry[0], entry[1]


class _Context:
    """A processed (pyld) active context with memoised lookups and transitions.

    Immutable once built, except for its caches; shared by every document and thread.
    """

    __slots__ = (
        "_aliases",
        "_iri_terms",
        "derived",
        "keys",
        "language",
        "mappings",
        "names_read",
        "previous",
        "raw",
        "shapes",
        "terms",
        "type_members",
        "type_names",
        "type_reads",
        "typed",
        "types",
        "vocab",
        "vocab_ids",
        "vocab_reads",
    )

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.mappings: dict[str, Any] = raw["mappings"]
        self.vocab: str | None = raw.get("@vocab") if "@vocab" in raw else None
        if "@vocab" in raw and not isinstance(self.vocab, str):
            raise Unsupported("@vocab")
        self.language: Any = raw.get("@language")
        previous = raw.get("previousContext")
        self.previous: _Context | None = _context(previous) if previous else None
        self.terms: dict[str, _Term] = {}
        self.vocab_ids: dict[str, str | None] = {}
        self.keys: dict[str, tuple[str, _Term | None]] = {}
        self.types: dict[str, str] = {}
        self.shapes: dict[tuple[str, ...], _Shape] = {}
        self.type_names: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.typed: dict[tuple[tuple[str, ...], tuple[Any, ...]], _Context] = {}
        self.derived: dict[Any, tuple[Any, _Context]] = {}
        self.names_read: dict[str, _Problem | None] = {}
        self.type_reads: dict[str, _Problem | None] = {}
        self.type_members: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.vocab_reads: dict[str, _Problem | None] = {}
        self._iri_terms: dict[str, str] | None = None
        self._aliases: dict[str, str] | None = None

    # --- the strict reading rule (memoised per context) ------------------------------------

    def iri_terms(self) -> dict[str, str]:
        """IRI → the (first, by name) term of this context that maps to it."""
        if self._iri_terms is None:
            found: dict[str, str] = {}
            for name in sorted(self.mappings):
                definition = self.mappings[name]
                if definition and isinstance(definition.get("@id"), str):
                    found.setdefault(definition["@id"], name)
            self._iri_terms = found
        return self._iri_terms

    def alias(self, keyword: str) -> str | None:
        """The term this context defines as an alias of ``keyword`` (``id`` for ``@id``)."""
        if self._aliases is None:
            aliases: dict[str, str] = {}
            for name in sorted(self.mappings):
                definition = self.mappings[name]
                target = definition.get("@id") if definition else None
                if isinstance(target, str) and target in _KEYWORDS:
                    aliases.setdefault(target, name)
            self._aliases = aliases
        return self._aliases.get(keyword)

    def name_problem(self, name: str) -> _Problem | None:
        """Why the member name ``name`` is outside the strict reading here, or ``None``.

        A member name must be a term of this context (whose IRI is not a blank node), an alias
        of ``@id``/``@type``/``@value``/``@language`` (the keyword itself only where the
        context defines no alias), or, under a ``@vocab``, a plain name no term claims. An
        absolute or compact IRI is never a member name. Names that expand to nothing are left
        to safe mode (undefined terms).
        """
        if name in self.names_read:
            return self.names_read[name]
        problem = self._name_problem(name)
        if len(self.names_read) < _MAX_CONTEXTS:
            self.names_read[name] = problem
        return problem

    def _name_problem(self, name: str) -> _Problem | None:
        if name[:1] == "@":
            if name in _READ_KEYWORDS:
                alias = self.alias(name)
                if alias is not None:
                    return (
                        "member-name",
                        f"{name!r} is written as the keyword although the active context's "
                        f"alias for it is {alias!r}, the name readers look for",
                        name,
                    )
                return None
            if name in _KEYWORDS:
                return ("feature", f"the keyword {name} is outside the strict reading", name)
            return None
        mappings = self.mappings
        if name in mappings:
            definition = mappings[name]
            if definition is None:
                return None  # a null term: safe mode reports it as dropped
            target = definition.get("@id")
            if isinstance(target, str) and target.startswith("_:"):
                return (
                    "blank-node",
                    f"the term {name!r} maps to the blank node {target}: no RDF statement can "
                    "have a blank node as its property, so its values would not be signed",
                    name,
                )
            if definition.get("reverse"):
                return ("feature", f"the term {name!r} is a reverse property", name)
            if target in _KEYWORDS and target not in _READ_KEYWORDS:
                return ("feature", f"the term {name!r} is an alias of {target}", name)
            return None
        expanded = self.expand_vocab(name)
        if expanded is None or expanded in _KEYWORDS or not _ABSOLUTE.match(expanded):
            return None  # undefined or relative: safe mode explains
        if expanded.startswith("_:"):
            return (
                "blank-node",
                f"the member name {name!r} is a blank node identifier: its values would not be "
                "signed",
                name,
            )
        claimed = self.iri_terms().get(expanded)
        vocab_relative = self.vocab is not None and expanded == self.vocab + name
        if vocab_relative and claimed is None:
            return None
        hint = f"; the term {claimed!r} names this property" if claimed else ""
        return (
            "member-name",
            f"the member name {name!r} is not a term of the active context: a property written "
            f"as an absolute or compact IRI is outside the strict reading{hint}",
            name,
        )

    def type_problem(self, name: str) -> _Problem | None:
        """Why the type ``name`` is outside the strict reading here, or ``None``: a type must
        be a term of this context, or an absolute IRI that no term of it names (VC Data Model
        2.0 §4.5: "one or more terms and/or absolute URL strings"); a type written as the IRI
        of a term would escape that term's type-scoped context."""
        if name in self.type_reads:
            return self.type_reads[name]
        problem: _Problem | None = None
        if name in self.mappings:
            definition = self.mappings[name]
            target = definition.get("@id") if definition else None
            if isinstance(target, str) and target.startswith("_:"):
                problem = ("blank-node", f"the type {name!r} maps to the blank node {target}", None)
        else:
            expanded = self.expand_vocab(name)
            if expanded is not None and expanded not in _KEYWORDS and _ABSOLUTE.match(expanded):
                claimed = self.iri_terms().get(expanded)
                if expanded.startswith("_:"):
                    problem = ("blank-node", f"the type {name!r} is a blank node identifier", None)
                elif claimed is not None:
                    problem = (
                        "type",
                        f"the type {name!r} is written as an IRI although the term {claimed!r} "
                        "of the active context names it (its type-scoped context would not "
                        "apply)",
                        None,
                    )
        if len(self.type_reads) < _MAX_CONTEXTS:
            self.type_reads[name] = problem
        return problem

    def vocab_value_problem(self, value: str) -> _Problem | None:
        """A value of a ``@type: @vocab`` term (``proofPurpose``) written as the IRI of a term
        of this context, or as a compact IRI: readers compare it with the term."""
        if value in self.vocab_reads:
            return self.vocab_reads[value]
        problem: _Problem | None = None
        if value not in self.mappings:
            expanded = self.expand_vocab(value)
            claimed = self.iri_terms().get(expanded) if expanded else None
            if claimed is not None:
                problem = (
                    "value-form",
                    f"the value {value!r} is written as an IRI although the term {claimed!r} "
                    "names it",
                    None,
                )
        if len(self.vocab_reads) < _MAX_CONTEXTS:
            self.vocab_reads[value] = problem
        return problem

    def term(self, key: str) -> _Term:
        """The definition of ``key`` (an empty one when ``key`` is not a term)."""
        found = self.terms.get(key)
        if found is None:
            if key in self.mappings and self.mappings[key] is None:
                raise Unsupported(f"null term {key!r}")
            found = _Term(self.mappings.get(key, _NO_TERM), self.language)
            if len(self.terms) < _MAX_CONTEXTS:
                self.terms[key] = found
        return found

    def key(self, name: str) -> tuple[str, _Term | None]:
        """A member name of a node: its IRI and term, or ``(keyword, None)``.

        Raises:
            Unsupported: the name is dropped (undefined term) or not an absolute IRI.
        """
        found = self.keys.get(name)
        if found is not None:
            return found
        expanded = self.expand_vocab(name)
        if expanded is None:
            raise Unsupported(f"term {name!r}")
        if expanded in _KEYWORDS:
            found = (expanded, None)
        elif _ABSOLUTE.match(expanded) and not expanded.startswith("_:"):
            found = (expanded, self.term(name))
        else:
            raise Unsupported(f"term {name!r}")
        if len(self.keys) < _MAX_CONTEXTS:
            self.keys[name] = found
        return found

    def shape(self, names: tuple[str, ...]) -> _Shape:
        """How an object with the member ``names`` (sorted) expands in this context: its
        keywords ``(keyword, name)`` in name order, and its properties
        ``(IRI, name, term, predicate term)`` in the order of Node Map Generation (by IRI, then
        by name).

        Raises:
            Unsupported: an undefined term, a keyword this path does not handle, colliding
                keywords.
        """
        found = self.shapes.get(names)
        if found is not None:
            return found
        keywords: list[tuple[str, str]] = []
        properties: list[tuple[str, str, _Term, str]] = []
        problem: _Problem | None = None
        for name in names:
            if name == "@context":
                continue
            here = self.name_problem(name)
            if problem is None:
                problem = here
            try:
                expanded, term = self.key(name)
            except Unsupported:
                if here is not None:  # the rule explains why it cannot be read
                    raise StrictViolation(here[0], here[1], key=here[2]) from None
                raise
            if term is not None:
                properties.append((expanded, name, term, _iri(expanded)))
            elif expanded not in ("@id", "@type", "@value", "@language", "@direction"):
                raise Unsupported(f"keyword {expanded}")
            elif expanded != "@type" and any(expanded == k for k, _ in keywords):
                raise Unsupported("colliding keywords")
            else:
                keywords.append((expanded, name))
        properties.sort(key=_by_iri_then_name)
        found = (tuple(keywords), tuple(properties), problem)
        if len(self.shapes) < _MAX_CONTEXTS:
            self.shapes[names] = found
        return found

    def type_iri(self, name: str) -> str:
        """The IRI of the node type ``name`` (absolute, not a blank node).

        Raises:
            Unsupported: any other expansion.
        """
        found = self.types.get(name)
        if found is not None:
            return found
        expanded = self.expand_vocab(name)
        if (
            expanded is None
            or expanded in _KEYWORDS
            or not _ABSOLUTE.match(expanded)
            or expanded.startswith("_:")
        ):
            raise Unsupported(f"type {name!r}")
        if len(self.types) < _MAX_CONTEXTS:
            self.types[name] = expanded
        return expanded

    def expand_vocab(self, value: str) -> str | None:
        """IRI expansion of ``value`` relative to the vocabulary, without a base IRI; ``None``
        when a base would be needed or the value is dropped (``@``-lookalikes, null terms)."""
        found = self.vocab_ids.get(value, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        result = self._expand(value, True)
        if len(self.vocab_ids) < _MAX_CONTEXTS:
            self.vocab_ids[value] = result
        return result

    def expand_id(self, value: str) -> str | None:
        """Document-relative IRI expansion of ``value`` without a base IRI (``None``: relative)."""
        return self._expand(value, False)

    def _expand(self, value: str, vocab: bool) -> str | None:
        if value in _KEYWORDS:
            return value
        if value[:1] == "@" and _KEYWORD_LIKE.match(value):
            return None
        mappings = self.mappings
        if vocab and value in mappings:
            definition = mappings[value]
            return None if definition is None else definition.get("@id")
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            definition = mappings.get(prefix)
            if definition and definition.get("_prefix"):
                prefix_iri = definition.get("@id")
                return prefix_iri + suffix if isinstance(prefix_iri, str) else None
            if _ABSOLUTE.match(value):
                return value
        if vocab and self.vocab is not None:
            return self.vocab + value
        return None


_MISSING = object()
_UNHASHABLE = object()


def _hashable(value: Any) -> Any:
    """A ``@type`` member's value as a key: a string, a tuple of strings, or ``_UNHASHABLE``."""
    if type(value) is str:
        return value
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)
    return _UNHASHABLE


def _type_values(element: dict[str, Any], members: tuple[str, ...]) -> tuple[Any, ...]:
    """The values of an object's type ``members`` as a key (:func:`_hashable` each); without
    a generator for none or one member, the common cases."""
    if not members:
        return ()
    if len(members) == 1:
        value = element[members[0]]
        return (value if type(value) is str else _hashable(value),)
    return tuple(_hashable(element[name]) for name in members)


_CONTEXTS: dict[int, _Context] = {}
_CONTEXTS_LOCK = threading.Lock()


def _context(raw: Any) -> _Context:
    found = _CONTEXTS.get(id(raw))
    if found is not None and found.raw is raw:
        return found
    made = _Context(raw)
    with _CONTEXTS_LOCK:
        if len(_CONTEXTS) >= _MAX_CONTEXTS:
            _CONTEXTS.clear()
        _CONTEXTS[id(raw)] = made
    return made


def _content_key(local: Any, loader: DocumentLoader) -> Any:
    """A key for a context written in a document: by content, URLs by what the loader serves."""
    if isinstance(local, str):
        try:
            return ("url", local, loader.load(local).jcs_sha256)
        except MicrocredError:
            raise Unsupported(f"context {local}") from None
    if isinstance(local, list):
        return ("list", tuple(_content_key(item, loader) for item in local))
    if isinstance(local, dict):
        _check_self_contained(local)
        try:
            return ("inline", json.dumps(local, sort_keys=True, separators=(",", ":")))
        except (TypeError, ValueError):
            raise Unsupported("context not JSON") from None
    if local is None:
        return ("null",)
    raise Unsupported("context value")


def _unwrapped(local: Any) -> Any:
    """``local`` with each embedded context written as ``{"@context": {...}}`` (the shape of
    a context document) replaced by the object it wraps, as JSON-LD processors read it (pyld
    and jsonld.js take a context object's ``@context`` member when it has one); any other
    shape is left as it is."""
    if isinstance(local, list):
        return [_unwrapped(entry) for entry in local] if any(map(_is_wrapper, local)) else local
    return local["@context"] if _is_wrapper(local) else local


def _is_wrapper(entry: Any) -> bool:
    return isinstance(entry, dict) and len(entry) == 1 and isinstance(entry.get("@context"), dict)


def _check_self_contained(local: Any) -> None:
    """Raise :class:`Unsupported` for a local context that refers to other documents
    (``@import``, nested ``@context`` URLs) or is only an ``@context`` member: such a context
    is not keyed by its own content alone, or is an error pyld reports."""
    if not isinstance(local, dict):
        return
    if "@import" in local or isinstance(local.get("@context"), (str, list)):
        raise Unsupported("context refers to other documents")
    if len(local) == 1 and "@context" in local:
        raise Unsupported("@context in @context")


def _embeds(element: dict[str, Any]) -> bool:
    """Whether a node is a credential or presentation embedded in another (its ``type``, as
    written, names one): it is read, and verified, as a document of its own, contexts and all
    (a CLR 2.0 ``verifiableCredential`` is a plain set of them). An enveloping object (VC Data
    Model 2.0 §4.13) counts too: it carries its own ``@context``."""
    kinds = element.get("type")
    values = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(v, str) and v in _EMBEDDED_TYPES for v in values)


_EMBEDDED_TYPES = frozenset(
    {
        "VerifiableCredential",
        "VerifiablePresentation",
        "EnvelopedVerifiableCredential",
        "EnvelopedVerifiablePresentation",
    }
)


def _has_object(local: Any) -> bool:
    """Whether a ``@context`` member embeds a context object."""
    if isinstance(local, dict):
        return True
    return isinstance(local, list) and any(isinstance(entry, dict) for entry in local)


#: Members an embedded context may not have under the strict reading: they change how
#: identifiers or strings are read without it showing in the member names (``@base``), or
#: carry something RDF does not sign (``@direction``), or pull in other documents.
_INLINE_REFUSED = {
    "@base": "sets a base IRI (identifiers would then be signed as other IRIs than written)",
    "@direction": "sets a base direction, which the signed RDF does not carry",
    "@import": "imports another context",
    "@propagate": "changes how contexts propagate",
}
#: Members a term definition in an embedded context may have.
_INLINE_TERM_MEMBERS = frozenset({"@id", "@type", "@container", "@language", "@protected"})


def _inline_problem(local: dict[str, Any]) -> str | None:
    """What an embedded context object has that the strict reading refuses, or ``None``:
    see ``_INLINE_REFUSED``; term definitions may only name an IRI, a type coercion, a
    container and a language (no scoped context, reverse, nesting or prefix flags)."""
    for name, definition in local.items():
        if name in _INLINE_REFUSED:
            return f"an embedded context {_INLINE_REFUSED[name]} ({name})"
        if isinstance(definition, dict) and not name.startswith("@"):
            extra = sorted(set(definition) - _INLINE_TERM_MEMBERS)
            if extra:
                return (
                    f"the embedded context's definition of {name!r} uses {', '.join(extra)}; "
                    "only @id, @type, @container and @language are read"
                )
    return None


def _added_terms_problem(before: _Context, after: _Context) -> str | None:
    """What an embedded context changed that the strict reading refuses, or ``None``: it may
    add terms, but not redefine one already in scope, map one to a blank node or to a
    keyword, give a second name to an IRI a term already has, or replace the ``@vocab``."""
    old = before.mappings
    old_iris = before.iri_terms()
    for name, definition in after.mappings.items():
        if name in old:
            if old[name] != definition:
                return f"an embedded context redefines the term {name!r} of the contexts in scope"
            continue
        target = definition.get("@id") if definition else None
        if not isinstance(target, str):
            return f"an embedded context leaves the term {name!r} without an IRI"
        if target.startswith("_:"):
            return (
                f"an embedded context maps {name!r} to the blank node {target}: its values "
                "would not be signed"
            )
        if target in _KEYWORDS:
            return f"an embedded context makes {name!r} an alias of {target}"
        if target in old_iris:
            return (
                f"an embedded context makes {name!r} a second name for {target}, which the "
                f"term {old_iris[target]!r} already names"
            )
    if before.vocab is not None and after.vocab != before.vocab:
        return "an embedded context replaces the @vocab of the contexts in scope"
    return None


def _check_types(type_ctx: _Context, element: dict[str, Any], names: tuple[str, ...]) -> None:
    """The strict reading of a node's types, before its members are read: a type written as
    the IRI of a term would have left out that term's type-scoped context, so the members'
    own errors would only be its consequence.

    Raises:
        StrictViolation: a type the rule refuses (see :meth:`_Context.type_problem`).
    """
    members = type_ctx.type_members.get(names)
    if members is None:
        members = tuple(n for n in names if n == "@type" or type_ctx.expand_vocab(n) == "@type")
        if len(type_ctx.type_members) < _MAX_CONTEXTS:
            type_ctx.type_members[names] = members
    for name in members:
        value = element[name]
        for type_name in value if isinstance(value, list) else [value]:
            if isinstance(type_name, str):
                wrong = type_ctx.type_problem(type_name)
                if wrong is not None:
                    raise StrictViolation(wrong[0], wrong[1], value=type_name)


def _check_value_form(term: _Term | None, members: dict[str, Any], types: list[str]) -> None:
    """A value object is read only where it says more than a plain value would: a language
    or datatype other than the term's own, or a base direction (``@direction``, which the
    signature does not cover: verification warns of it). Otherwise readers would find an
    object where the compacted form has a plain string or number. Its language tag is
    written as signed (in lower case).

    Raises:
        StrictViolation: the value object could be written as a plain value.
    """
    language = members.get("@language")
    datatype = types[0] if types else None
    plain = term is None or (term.kind == _PLAIN and term.language is None)
    if isinstance(language, str) and language != language.lower():
        raise StrictViolation(
            "value-form",
            f"the language tag {language!r} is signed as {language.lower()!r}; write it as signed",
            value=language,
        )
    if "@direction" in members:
        redundant = False
    elif language is not None:
        redundant = (
            term is not None
            and isinstance(term.language, str)
            and isinstance(language, str)
            and term.language.lower() == language.lower()
        )
    elif datatype is not None:
        redundant = (term is not None and term.kind == _TYPED and term.type == datatype) or (
            plain and datatype == XSD_STRING and isinstance(members.get("@value"), str)
        )
    else:
        redundant = plain
    if redundant:
        value = members.get("@value")
        raise StrictViolation(
            "value-form",
            f"the value {value!r} is written as a value object where the plain value means "
            "the same; readers look for the plain value",
            value=value if isinstance(value, str) else None,
        )


class _Run:
    """The state of one :func:`to_quads` call."""

    def __init__(
        self,
        loader: DocumentLoader,
        process: Callable[..., Any],
        *,
        strict: bool = False,
        allow_inline_contexts: bool = False,
        max_contexts: int | None = None,
        unsigned: set[str] | None = None,
        contexts: list[Any] | None = None,
    ) -> None:
        self.loader = loader
        self.process = process
        #: apply the strict reading rule (:func:`to_quads`)
        self.strict = strict
        self.allow_inline_contexts = allow_inline_contexts
        #: where to note what was read but is not in the RDF (:func:`to_quads`)
        self.unsigned = unsigned
        #: where to note every entry of every ``@context`` member read (:func:`to_quads`)
        self.contexts = contexts
        #: how many more ``@context`` entries the document may have (``None``: unbounded)
        self.contexts_left = max_contexts
        #: (strict) the terms embedded contexts added: name → IRI
        self.inline_terms: dict[str, str] = {}
        self.quads: dict[Quad, None] = {}
        self.counter = 0
        self.relabelled: dict[str, str] = {}
        #: (graph key, subject id, property IRI, index, graph) of each RDF list, and its
        #: (subject, predicate, item terms) at the same index
        self.lists: list[tuple[str, str, str, int, str]] = []
        self.list_items: list[tuple[str, str, list[str]]] = []

    # --- contexts ---------------------------------------------------------------------------

    def apply(
        self,
        active: _Context,
        local: Any,
        *,
        stable: bool,
        override_protected: bool = False,
        propagate: bool = True,
    ) -> _Context:
        """``active`` with ``local`` processed on top (pyld's context processing, memoised).

        ``stable``: ``local`` is part of a processed context (a scoped context), so its identity
        is a key; otherwise it was written in the document and is keyed by content.
        """
        key: Any
        if stable and not isinstance(local, str):
            # a scoped context object: its identity is the key (checked on a hit)
            key = (id(local), override_protected, propagate)
            hit = active.derived.get(key)
            if hit is not None and hit[0] is local:
                return hit[1]
            _check_self_contained(local)
        else:
            key = (_content_key(local, self.loader), override_protected, propagate)
            hit = active.derived.get(key)
            if hit is not None:
                return hit[1]
        try:
            raw = self.process(active.raw, local, override_protected, propagate)
        except Exception:
            raise Unsupported("context processing failed") from None
        result = _context(raw)
        if len(active.derived) >= _MAX_DERIVED:
            active.derived.clear()
        active.derived[key] = (local, result)
        return result

    # --- expansion (JSON-LD 1.1 Expansion Algorithm, as pyld runs it) ------------------------

    def expand_values(
        self, ctx: _Context, term: _Term, value: Any, graph: str, graph_key: str
    ) -> list[str] | None:
        """Expand ``value`` of a property (whose definition in ``ctx`` is ``term``) into the
        RDF terms of its values, adding the quads of the nodes among them to ``graph``; dropped
        values are left out. ``None`` when ``value`` is not an array and expands to nothing (the
        property is then left out altogether)."""
        if isinstance(value, list):
            return self.expand_array(ctx, term, value, term.is_list, graph, graph_key)
        if isinstance(value, dict):
            return self.expand_object(ctx, term, value, graph, graph_key)
        if value is None:
            return None
        return [self.expand_scalar(ctx, term, value)]

    def expand_array(
        self,
        ctx: _Context,
        term: _Term,
        value: list[Any],
        in_list: bool,
        graph: str,
        graph_key: str,
    ) -> list[str]:
        """The RDF terms of the items of an array value (nested arrays flattened, ``null``
        dropped); ``in_list``: the items make an RDF list, which cannot hold arrays here.

        Raises:
            Unsupported: an array inside a list, or anything an item raises.
        """
        objects: list[str] = []
        for element in value:
            if isinstance(element, dict):
                found = self.expand_object(ctx, term, element, graph, graph_key)
                if found is not None:
                    objects.extend(found)
            elif isinstance(element, list):
                if in_list:
                    raise Unsupported("list of lists")
                objects.extend(self.expand_array(ctx, term, element, False, graph, graph_key))
            elif element is not None:
                objects.append(self.expand_scalar(ctx, term, element))
        return objects

    def expand_scalar(self, ctx: _Context, term: _Term, value: Any) -> str:
        """The RDF term of a string, number or boolean value of a property."""
        kind = term.kind
        if isinstance(value, str):
            if kind == _PLAIN:
                language = term.language
                if language is None:
                    if _PLAIN_SAFE.search(value) is None:
                        return f'"{value}"'
                    return literal(value)
                return literal(value, language=language)
            if kind == _ID:
                return self.reference(self.id_iri(ctx, value))
            if kind == _VOCAB:
                return self.reference(self.vocab_iri(ctx, value))
        elif not isinstance(value, (bool, int, float)):
            raise Unsupported("value type")
        if kind == _BAD:
            raise Unsupported("term type")
        return self.typed_literal(value, term.type if kind == _TYPED else None, None)

    def reference(self, identifier: str) -> str:
        """The RDF term of a node reference (a blank node is relabelled)."""
        if identifier.startswith("_:"):
            return self.issue(identifier)
        return _IRI_TERMS.get(identifier) or _iri(identifier)

    @staticmethod
    def typed_literal(value: Any, datatype: Any, language: Any) -> str:
        """The literal term of ``value`` with ``datatype`` or ``language`` (JSON-LD's value to
        RDF conversion; integers of 1e21 and more, numbers typed ``xsd:double``, ``@json`` and
        numbers with a language are converted by pyld's own function)."""
        kind = type(value)
        if datatype != _XSD_DOUBLE and datatype != "@json":
            if kind is str:
                if language is not None:
                    return literal(value, language=language)
                if (
                    datatype is not None
                    and datatype != XSD_STRING
                    and datatype != RDF_LANGSTRING
                    and _PLAIN_SAFE.search(value) is None
                ):
                    return f'"{value}"^^{_iri(datatype)}'
                return literal(value, datatype=datatype)
            if language is None and datatype != XSD_STRING and datatype != RDF_LANGSTRING:
                if kind is bool:
                    text = "true" if value else "false"
                    return f'"{text}"^^{_iri(datatype or _XSD_BOOLEAN)}'
                if kind is int and -(10**21) < value < 10**21:
                    return f'"{value}"^^{_iri(datatype or _XSD_INTEGER)}'
                if kind is float and value - value == 0.0:  # finite (JSON has no NaN/inf)
                    # JSON-LD's value to RDF: an integral number below 1e21 in integer form,
                    # any other in canonical xsd:double form (as pyld writes both)
                    if value.is_integer() and -1e21 < value < 1e21:
                        return f'"{int(value)}"^^{_iri(datatype or _XSD_INTEGER)}'
                    text = _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")
                    return f'"{text}"^^{_iri(datatype or _XSD_DOUBLE)}'
        item: dict[str, Any] = {"@value": value}
        if datatype is not None:
            item["@type"] = datatype
        if language is not None:
            item["@language"] = language
        rdf = _PYLD._object_to_rdf(item, None, [], _RDF_OPTIONS)
        if rdf is None or rdf.get("type") != "literal":
            raise Unsupported("literal")
        return literal(rdf["value"], datatype=rdf.get("datatype"), language=rdf.get("language"))

    def id_iri(self, ctx: _Context, value: str) -> str:
        """An ``@id`` value (document-relative IRI expansion): absolute or a blank node.

        Under the strict reading an identifier is written as the IRI it is: never a blank node
        label (labels are not signed: canonicalization renames them) nor a compact IRI.
        """
        expanded = ctx.expand_id(value)
        if expanded is None or expanded in _KEYWORDS or not _ABSOLUTE.match(expanded):
            raise Unsupported(f"identifier {value!r}")
        if self.strict and (expanded != value or value.startswith("_:")):
            if value.startswith("_:"):
                raise StrictViolation(
                    "blank-node",
                    f"the identifier {value!r} is a blank node label, which the signature does "
                    "not cover (canonicalization renames blank nodes)",
                    value=value,
                )
            raise StrictViolation(
                "value-form",
                f"the identifier {value!r} is a compact IRI for {expanded}; write the IRI",
                value=value,
            )
        return expanded

    def vocab_iri(self, ctx: _Context, value: str) -> str:
        """A value expanded relative to the vocabulary (``@type: @vocab``): absolute or a blank
        node.

        Raises:
            Unsupported: a keyword, or an IRI that would need a base (relative).
        """
        expanded = ctx.expand_vocab(value)
        if expanded is None or expanded in _KEYWORDS or not _ABSOLUTE.match(expanded):
            raise Unsupported(f"IRI {value!r}")
        if self.strict:
            problem = ctx.vocab_value_problem(value)
            if problem is not None:
                raise StrictViolation(problem[0], problem[1], value=value)
        return expanded

    def expand_object(
        self,
        ctx: _Context,
        term: _Term | None,
        element: dict[str, Any],
        graph: str,
        graph_key: str,
    ) -> list[str] | None:
        """An object value of a property defined by ``term`` in ``ctx`` (``None``: the document
        itself): ``[term]`` of the node (whose quads are added to ``graph``) or of the literal;
        ``None`` when it is dropped."""
        written = tuple(element)
        names = _SORTED_NAMES.get(written)
        if names is None:
            names = tuple(sorted(written))
            if len(_SORTED_NAMES) >= _MAX_CONTEXTS:
                _SORTED_NAMES.clear()
            _SORTED_NAMES[written] = names
        active = ctx
        if ctx.previous is not None:
            revert = True
            if len(element) <= 2 and "@context" not in element:
                for name in names:
                    expanded = ctx.expand_vocab(name)
                    if expanded == "@value":
                        revert = False
                        break
                    if expanded == "@id" and len(element) == 1:
                        revert = False
                        break
            if revert:
                active = ctx.previous
        if term is not None and term.scoped is not None:
            active = self.apply(active, term.scoped, stable=True, override_protected=True)
        if "@context" in element:
            local = _unwrapped(element["@context"])
            self.count_contexts(local)  # (first: the limits hold before any other rule)
            if self.strict and term is not None and not term.is_graph and not _embeds(element):
                raise StrictViolation(
                    "nested-context",
                    "an @context below the top of a credential or presentation: a context is "
                    "read only at the top of a document and of the credentials it embeds (a "
                    "context changed halfway down changes what the names above it mean there)",
                    key="@context",
                )
            if isinstance(local, dict):
                _check_self_contained(local)
            if self.strict and _has_object(local):
                active = self.apply_inline(active, local)
            else:
                active = self.apply(active, local, stable=False)
        type_ctx = active
        active = self.typed(active, element, names)
        return self.expand_node(
            active, type_ctx, element, names, term, term is None, graph, graph_key
        )

    def count_contexts(self, local: Any) -> None:
        """Count a ``@context`` member's entries against the limit; refuse one listing the
        same entry twice (processing it again only multiplies the work)."""
        entries = local if isinstance(local, list) else [local]
        if self.contexts is not None:
            self.contexts.extend(entries)
        if self.contexts_left is not None:
            self.contexts_left -= len(entries)
            if self.contexts_left < 0:
                raise ContextWorkLimit("too many @context entries")
        if len(entries) > 1:
            seen = [e if isinstance(e, str) else json.dumps(e, sort_keys=True) for e in entries]
            if len(set(seen)) < len(seen):
                raise ContextWorkLimit("a @context lists the same context twice")

    def check_inline_names(
        self, active: _Context, properties: tuple[tuple[str, str, _Term, str], ...]
    ) -> None:
        """(strict) A term an embedded context added must not be a second name, in the node's
        own context, for a property a signed context names: a scoped context may define the
        first name only where it applies, below the embedded context.

        Raises:
            StrictViolation: a member under such a second name.
        """
        for expanded, name, _term, _predicate in properties:
            if self.inline_terms.get(name) != expanded:
                continue
            claimed = next(
                (
                    other
                    for other, definition in sorted(active.mappings.items())
                    if definition
                    and definition.get("@id") == expanded
                    and other != name
                    and other not in self.inline_terms
                ),
                None,
            )
            if claimed is not None:
                raise StrictViolation(
                    "inline-context",
                    f"{name!r}, a term of an embedded context, is a second name here for "
                    f"{expanded}, which the term {claimed!r} names; readers look for {claimed!r}",
                    key=name,
                )

    def apply_inline(self, active: _Context, local: Any) -> _Context:
        """Apply a ``@context`` member holding embedded context objects, entry by entry, under
        the strict reading: each object must be allowed by the caller, and may only add terms
        (see :func:`_inline_problem` and :meth:`_added_terms_problem`)."""
        ctx = active
        for entry in local if isinstance(local, list) else [local]:
            if not isinstance(entry, dict):
                ctx = self.apply(ctx, entry, stable=False)
                continue
            if not self.allow_inline_contexts:
                raise StrictViolation(
                    "inline-context",
                    "the document embeds a context object; embedded contexts are refused "
                    "unless the caller allows them (allow_inline_contexts=True, "
                    "--allow-inline-contexts)",
                    key="@context",
                )
            problem = _inline_problem(entry)
            if problem is not None:
                raise StrictViolation("inline-context", problem, key="@context")
            following = self.apply(ctx, entry, stable=False)
            problem = _added_terms_problem(ctx, following)
            if problem is not None:
                raise StrictViolation("inline-context", problem, key="@context")
            for name, definition in following.mappings.items():
                if name not in ctx.mappings and definition and "@id" in definition:
                    self.inline_terms[name] = definition["@id"]
            ctx = following
        return ctx

    def typed(self, active: _Context, element: dict[str, Any], names: tuple[str, ...]) -> _Context:
        """``active`` with the type-scoped contexts of the object's types applied (Expansion
        §11): for each member that expands to ``@type`` (in the context as it is then), in name
        order, the scoped contexts of its types in sorted order, not propagated.

        Remembered per context, member names and values of the members that were ``@type``:
        the same inputs replay the same steps.
        """
        names_key = names
        recorded = active.type_names.get(names_key)
        if recorded is not None:
            found = active.typed.get((names_key, _type_values(element, recorded)))
            if found is not None:
                return found
        start = active
        type_names: list[str] = []
        for name in names:
            expanded = active.vocab_ids.get(name) or active.expand_vocab(name)
            if expanded != "@type":
                continue
            type_names.append(name)
            value = element[name]
            types = sorted(
                t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)
            )
            for type_name in types:
                if type_name in start.mappings and start.mappings[type_name] is None:
                    continue
                local = start.term(type_name).scoped
                if local is not None and local is not False:
                    active = self.apply(active, local, stable=True, propagate=False)
        if len(start.typed) < _MAX_CONTEXTS:
            values = tuple(_hashable(element[name]) for name in type_names)
            if _UNHASHABLE not in values:
                start.type_names[names_key] = tuple(type_names)
                start.typed[(names_key, values)] = active
        return active

    # The one function of the package above complexity 30 (tests/test_house.py allows it):
    # it follows the JSON-LD 1.1 Expansion Algorithm's steps 13.4.x member by member, on the
    # hot path of every verification; split into helpers it would hide that correspondence,
    # which is how it is reviewed against the specification, and cost a call per member.
    def expand_node(
        self,
        active: _Context,
        type_ctx: _Context,
        element: dict[str, Any],
        names: tuple[str, ...],
        term: _Term | None,
        top: bool,
        graph: str,
        graph_key: str,
    ) -> list[str] | None:
        """The members of an object in its final context (Expansion §13 and Node Map
        Generation together: the properties are taken in the order of their IRIs); ``term``
        is the definition of the property whose value the object is (``None`` at the top)."""
        identifier: str | None = None
        types: list[str] = []
        array_type = False
        value_object: dict[str, Any] | None = None
        if self.strict:
            members = type_ctx.type_members.get(names)
            if members is None or members:  # (remembered: no type member, nothing to check)
                _check_types(type_ctx, element, names)
        shape = active.shapes.get(names)
        keywords, properties, problem = shape if shape is not None else active.shape(names)
        if problem is not None and self.strict:
            raise StrictViolation(problem[0], problem[1], key=problem[2])
        for expanded, name in keywords:
            value = element[name]
            if expanded == "@id":
                if not isinstance(value, str):
                    raise Unsupported("@id value")
                identifier = self.id_iri(active, value)
            elif expanded == "@type":
                if isinstance(value, str):
                    value = [value]
                elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise Unsupported("@type value")
                else:
                    array_type = True
                known = type_ctx.types
                for type_name in value:
                    types.append(known.get(type_name) or type_ctx.type_iri(type_name))
            else:  # @value, @language, @direction
                if value_object is None:
                    value_object = {}
                value_object[expanded] = value
        if value_object is not None:
            if properties or identifier is not None or top:
                raise Unsupported("value object with other members")
            if array_type:
                raise Unsupported("typed value with an array type")
            if self.strict:
                _check_value_form(term, value_object, types)
            literal_term = self.value_object(value_object, types)
            if self.unsigned is not None and "@direction" in value_object:
                self.unsigned.add("@direction")
            return [literal_term]
        if top and not properties and not types:
            return None

        if identifier is None or identifier.startswith("_:"):
            name = subject = self.issue(identifier)
        else:
            name = identifier
            subject = _IRI_TERMS.get(identifier) or _iri(identifier)
        quads = self.quads
        for type_iri in types:
            quads[(subject, _RDF_TYPE, _IRI_TERMS.get(type_iri) or _iri(type_iri), graph)] = None
        if self.inline_terms:
            self.check_inline_names(active, properties)
        for expanded, name_, term, predicate in properties:
            value = element[name_]
            if term.simple:
                # the common case: a property whose values expand in the same context
                if type(value) is str and term.plain_strings and not _PLAIN_SAFE.search(value):
                    quads[(subject, predicate, f'"{value}"', graph)] = None
                    continue
                if isinstance(value, dict) and "@list" in value:
                    raise Unsupported("@list object")
                objects = self.expand_values(active, term, value, graph, graph_key)
            elif term.is_graph:
                if term.is_list or term.is_language_map:
                    raise Unsupported("graph container with another")
                for element_ in value if isinstance(value, list) else [value]:
                    if element_ is None:
                        continue
                    if not isinstance(element_, dict):
                        raise Unsupported("non-node in a graph container")
                    label = self.issue(None)
                    term_ctx, value_term = self.scoped(active, term, name_)
                    if self.expand_object(term_ctx, value_term, element_, label, label) is None:
                        raise Unsupported("dropped node in a graph container")
                    quads[(subject, predicate, label, graph)] = None
                continue
            else:
                term_ctx, value_term = self.scoped(active, term, name_)
                if term.is_language_map and isinstance(value, dict):
                    objects = self.language_map(term_ctx, value)
                elif term.is_json:
                    objects = [self.typed_literal(value, "@json", None)]
                else:
                    if isinstance(value, dict) and "@list" in value:
                        raise Unsupported("@list object")
                    objects = self.expand_values(term_ctx, value_term, value, graph, graph_key)
                    if objects is None:
                        continue
                if term.is_list:
                    self.lists.append((graph_key, name, expanded, len(self.lists), graph))
                    self.list_items.append((subject, predicate, objects))
                    continue
            if objects:
                for obj in objects:
                    quads[(subject, predicate, obj, graph)] = None
        return [subject]

    def scoped(self, active: _Context, term: _Term, name: str) -> tuple[_Context, _Term]:
        """The context a property's values expand in (its scoped context applied) and the
        property's definition there."""
        if term.scoped is None:
            return active, term
        term_ctx = self.apply(
            active, term.scoped, stable=True, override_protected=True, propagate=True
        )
        # the values are expanded with the property's definition in the new context, if any
        # (a scoped ``@context: null`` leaves none: its values are then plain)
        if term_ctx.expand_vocab(name) in _KEYWORDS:
            raise Unsupported("term redefined as a keyword")
        return term_ctx, term_ctx.term(name)

    def value_object(self, members: dict[str, Any], types: list[str]) -> str:
        """The literal term of a value object (``@value`` with ``@type``, or with
        ``@language`` and/or ``@direction``). A base direction (``ltr``/``rtl``) is not in the
        RDF: the JSON-LD to RDF algorithm drops it when ``rdfDirection`` is not set, as the
        Data Integrity suites run it (the literal is the language-tagged or plain string)."""
        if "@value" not in members or len(types) > 1:
            raise Unsupported("value object")
        value = members["@value"]
        language = members.get("@language")
        if "@direction" in members and (
            types or members["@direction"] not in ("ltr", "rtl") or not isinstance(value, str)
        ):
            raise Unsupported("@direction")
        if value is None:
            raise Unsupported("null @value")
        if isinstance(value, str):
            pass
        elif isinstance(value, (bool, int, float)):
            if language is not None:
                raise Unsupported("language on a non-string")
        else:
            raise Unsupported("@value")
        if language is not None:
            if types or not isinstance(language, str):
                raise Unsupported("@language")
            language = language.lower()
        datatype = types[0] if types else None
        return self.typed_literal(value, datatype, language)

    def language_map(self, ctx: _Context, value: dict[str, Any]) -> list[str]:
        """The literals of a language map (keys sorted, ``@none`` without a language).

        Raises:
            Unsupported: a value that is not a string; MalformedInputError: a bad language tag.
            StrictViolation: (strict) a key not in lower case, the form the signature covers.
        """
        if self.strict:
            for language in value:
                if language != language.lower() and ctx.expand_vocab(language) != "@none":
                    raise StrictViolation(
                        "value-form",
                        f"the language map key {language!r} is signed as {language.lower()!r} "
                        "(RDF keeps language tags in lower case); readers look the key up as "
                        "written, so it must be written as signed",
                        key=language,
                    )
        items: list[str] = []
        for language in sorted(value):
            expanded = ctx.expand_vocab(language)
            entries = value[language]
            for entry in entries if isinstance(entries, list) else [entries]:
                if entry is None:
                    continue
                if not isinstance(entry, str):
                    raise Unsupported("language map value")
                if expanded == "@none":
                    items.append(literal(entry))
                else:
                    items.append(literal(entry, language=language.lower()))
        return items

    # --- blank nodes and lists (Deserialize JSON-LD to RDF, as pyld runs it) ---------------

    def issue(self, existing: str | None) -> str:
        """The next blank node label ``_:bN``; a blank node of the document (``existing``)
        keeps the label it got first."""
        if existing is not None:
            found = self.relabelled.get(existing)
            if found is not None:
                return found
        label = f"_:b{self.counter}"
        self.counter += 1
        if existing is not None:
            self.relabelled[existing] = label
        return label

    def emit_lists(self) -> None:
        """The RDF lists, labelled in pyld's order: graphs, subjects and properties sorted."""
        quads = self.quads
        for _graph_key, _name, _expanded, index, graph in sorted(self.lists):
            subject, predicate, terms = self.list_items[index]
            if not terms:
                head = _RDF_NIL
            else:
                head = node = self.issue(None)
                last = len(terms) - 1
                for position, term in enumerate(terms):
                    quads[(node, _RDF_FIRST, term, graph)] = None
                    if position == last:
                        quads[(node, _RDF_REST, _RDF_NIL, graph)] = None
                    else:
                        following = self.issue(None)
                        quads[(node, _RDF_REST, following, graph)] = None
                        node = following
            quads[(subject, predicate, head, graph)] = None


_IRI_TERMS: dict[str, str] = {}
#: An object's member names as written -> sorted (the same few orders recur in every document)
_SORTED_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _iri(value: str) -> str:
    """The N-Quads term of an IRI, remembered (vocabulary IRIs recur in every document)."""
    term = _IRI_TERMS.get(value)
    if term is None:
        term = iri(value)
        if len(_IRI_TERMS) >= _MAX_CONTEXTS:
            _IRI_TERMS.clear()
        _IRI_TERMS[value] = term
    return term


_PYLD = _pyld.JsonLdProcessor()
_RDF_OPTIONS = {"processingMode": "json-ld-1.1", "rdfDirection": None}
_INITIAL = _PYLD._get_initial_context({"processingMode": "json-ld-1.1"})


def to_quads(
    document: dict[str, Any],
    loader: DocumentLoader,
    process: Callable[..., Any],
    *,
    strict: bool = False,
    allow_inline_contexts: bool = False,
    max_contexts: int | None = None,
    unsigned: set[str] | None = None,
    contexts: list[Any] | None = None,
) -> list[Quad]:
    """The quads of ``document`` exactly as the pyld path gives them (possibly in another order).

    Args:
        document: a JSON object (the caller checked).
        loader: serves the remote contexts (only their content hashes are read here; pyld
            loads them through ``process``).
        process: ``process(active, local, override_protected, propagate)`` runs pyld's context
            processing and returns the new active context (raises on any error).
        strict: apply the strict reading rule (``docs/verification.md``): every member name a
            term, every type a term or an IRI no term names, identifiers written as IRIs,
            value objects only where a plain value would say less, embedded contexts only
            with ``allow_inline_contexts`` and then only adding terms. The rule never changes
            the quads; it only refuses.
        allow_inline_contexts: (strict) accept embedded context objects that only add terms.
        max_contexts: the most ``@context`` entries the whole document may have.
        unsigned: a set to which the keywords the document uses but the RDF does not carry
            are added (``"@direction"``: a base direction, dropped from the literal).
        contexts: a list to which the entries of every ``@context`` member of the document
            are added, as written (a context URL, an embedded context object, ``null``), in
            the order they are read; complete only when the call returns.

    Raises:
        StrictViolation: (strict) the rule is broken; without ``strict`` it may still be
            raised, as a reason to decline.
        ContextWorkLimit: more ``@context`` entries than ``max_contexts``, or one ``@context``
            listing an entry twice.
        Unsupported: the document uses something this path does not handle, or is not valid in
            safe mode; run the pyld path to get its result or error.
    """
    run = _Run(
        loader,
        process,
        strict=strict,
        allow_inline_contexts=allow_inline_contexts,
        max_contexts=max_contexts,
        unsigned=unsigned,
        contexts=contexts,
    )
    try:
        run.expand_object(_context(_INITIAL), None, document, "", "@default")
        run.emit_lists()
    except (MicrocredError, RecursionError) as exc:  # a bad term, nesting too deep, ...
        raise Unsupported(type(exc).__name__) from None
    return list(run.quads)
