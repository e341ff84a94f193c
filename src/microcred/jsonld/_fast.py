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

from pyld import jsonld as _pyld

from ..errors import MicrocredError
from ._loader import DocumentLoader
from ._nquads import RDF_LANGSTRING, XSD_STRING, Quad, iri, literal

__all__ = ["Unsupported", "to_quads"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = f"<{RDF}type>"
_RDF_FIRST = f"<{RDF}first>"
_RDF_REST = f"<{RDF}rest>"
_RDF_NIL = f"<{RDF}nil>"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
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

#: See :meth:`_Context.shape`.
_Shape = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, "_Term", str], ...]]


def _by_iri_then_name(entry: tuple[str, str, _Term, str]) -> tuple[str, str]:
    return entry[0], entry[1]


class _Context:
    """A processed (pyld) active context with memoised lookups and transitions.

    Immutable once built, except for its caches; shared by every document and thread.
    """

    __slots__ = (
        "derived",
        "keys",
        "language",
        "mappings",
        "previous",
        "raw",
        "shapes",
        "terms",
        "type_names",
        "typed",
        "types",
        "vocab",
        "vocab_ids",
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
        for name in names:
            if name == "@context":
                continue
            expanded, term = self.key(name)
            if term is not None:
                properties.append((expanded, name, term, _iri(expanded)))
            elif expanded not in ("@id", "@type", "@value", "@language"):
                raise Unsupported(f"keyword {expanded}")
            elif expanded != "@type" and any(expanded == k for k, _ in keywords):
                raise Unsupported("colliding keywords")
            else:
                keywords.append((expanded, name))
        properties.sort(key=_by_iri_then_name)
        found = (tuple(keywords), tuple(properties))
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


class _Run:
    """The state of one :func:`to_quads` call."""

    def __init__(self, loader: DocumentLoader, process: Callable[..., Any]) -> None:
        self.loader = loader
        self.process = process
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
        RDF conversion; numbers other than ordinary integers, ``xsd:double`` and ``@json`` are
        converted by pyld's own function)."""
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
        item: dict[str, Any] = {"@value": value}
        if datatype is not None:
            item["@type"] = datatype
        if language is not None:
            item["@language"] = language
        rdf = _PYLD._object_to_rdf(item, None, [], _RDF_OPTIONS)
        if rdf is None or rdf.get("type") != "literal":
            raise Unsupported("literal")
        return literal(rdf["value"], datatype=rdf.get("datatype"), language=rdf.get("language"))

    @staticmethod
    def id_iri(ctx: _Context, value: str) -> str:
        """An ``@id`` value (document-relative IRI expansion): absolute or a blank node."""
        expanded = ctx.expand_id(value)
        if expanded is None or expanded in _KEYWORDS or not _ABSOLUTE.match(expanded):
            raise Unsupported(f"identifier {value!r}")
        return expanded

    @staticmethod
    def vocab_iri(ctx: _Context, value: str) -> str:
        """A value expanded relative to the vocabulary (``@type: @vocab``): absolute or a blank
        node.

        Raises:
            Unsupported: a keyword, or an IRI that would need a base (relative).
        """
        expanded = ctx.expand_vocab(value)
        if expanded is None or expanded in _KEYWORDS or not _ABSOLUTE.match(expanded):
            raise Unsupported(f"IRI {value!r}")
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
        names = tuple(sorted(element))
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
            local = element["@context"]
            if isinstance(local, dict):
                _check_self_contained(local)
            active = self.apply(active, local, stable=False)
        type_ctx = active
        active = self.typed(active, element, names)
        return self.expand_node(active, type_ctx, element, names, term is None, graph, graph_key)

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
            key = (names_key, tuple(_hashable(element[name]) for name in recorded))
            found = active.typed.get(key)
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

    def expand_node(
        self,
        active: _Context,
        type_ctx: _Context,
        element: dict[str, Any],
        names: tuple[str, ...],
        top: bool,
        graph: str,
        graph_key: str,
    ) -> list[str] | None:
        """The members of an object in its final context (Expansion §13 and Node Map
        Generation together: the properties are taken in the order of their IRIs)."""
        identifier: str | None = None
        types: list[str] = []
        array_type = False
        value_object: dict[str, Any] | None = None
        keywords, properties = active.shape(names)
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
                types.extend(type_ctx.type_iri(type_name) for type_name in value)
            else:  # @value, @language
                if value_object is None:
                    value_object = {}
                value_object[expanded] = value
        if value_object is not None:
            if properties or identifier is not None or top:
                raise Unsupported("value object with other members")
            if array_type:
                raise Unsupported("typed value with an array type")
            return [self.value_object(value_object, types)]
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
        """The literal term of a value object (``@value`` with ``@type`` or ``@language``)."""
        if "@value" not in members or len(types) > 1:
            raise Unsupported("value object")
        value = members["@value"]
        language = members.get("@language")
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

    @staticmethod
    def language_map(ctx: _Context, value: dict[str, Any]) -> list[str]:
        """The literals of a language map (keys sorted, ``@none`` without a language).

        Raises:
            Unsupported: a value that is not a string; MalformedInputError: a bad language tag.
        """
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
    document: dict[str, Any], loader: DocumentLoader, process: Callable[..., Any]
) -> list[Quad]:
    """The quads of ``document`` exactly as the pyld path gives them (possibly in another order).

    Args:
        document: a JSON object (the caller checked).
        loader: serves the remote contexts (only their content hashes are read here; pyld
            loads them through ``process``).
        process: ``process(active, local, override_protected, propagate)`` runs pyld's context
            processing and returns the new active context (raises on any error).

    Raises:
        Unsupported: the document uses something this path does not handle, or is not valid in
            safe mode; run the pyld path to get its result or error.
    """
    run = _Run(loader, process)
    try:
        run.expand_object(_context(_INITIAL), None, document, "", "@default")
        run.emit_lists()
    except (MicrocredError, RecursionError) as exc:  # a bad term, nesting too deep, ...
        raise Unsupported(type(exc).__name__) from None
    return list(run.quads)
