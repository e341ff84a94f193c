"""Selective-disclosure primitives of W3C VC-DI-ECDSA (§3.4, "Selective Disclosure Functions").

These are the building blocks ``ecdsa-sd-2023`` needs, kept apart from the suite:

* JSON Pointers (RFC 6901) and :func:`select_json_ld`, which copies the parts of a compact
  JSON-LD document that pointers name (plus the ``id`` and ``type`` of every object on the way,
  so that the selection still says *whose* value it is);
* **skolemization**: every node without an ``@id`` gets a temporary IRI, so that a selection
  and the whole document name the same blank nodes; turned back into blank nodes
  (*deskolemized*) once they are RDF;
* **label replacement**: the RDFC-1.0 canonical form with the canonical blank node labels
  replaced by other labels (HMAC-derived ones, so that the labels leak nothing about the
  other statements), lines sorted again;
* :func:`canonicalize_and_group`: the labelled statements of a document, and for each group of
  pointers which of them (by index) the group selects.

Statements are N-Quads lines (each ending in ``"\\n"``); lines are sorted by code point, as
RDFC-1.0 sorts them.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..jsonld import DocumentLoader, Quad, canonicalize, compact, expand, to_quads
from ..jsonld._canon import CanonicalDataset
from ..limits import DEFAULT_LIMITS, Limits

__all__ = [
    "Grouped",
    "LabelMap",
    "canonicalize_and_group",
    "hmac_label_map",
    "parse_pointer",
    "relabel",
    "select_json_ld",
    "skolemize",
]

#: Input blank node label (without ``_:``) → its new label (without ``_:``).
LabelMap = dict[str, str]

_INDEX = re.compile(r"0|[1-9][0-9]*")


# --- JSON Pointer and selection ----------------------------------------------------------


def parse_pointer(pointer: object) -> list[str]:
    """The reference tokens of an RFC 6901 JSON Pointer (``"/a/b~1c"`` → ``["a", "b/c"]``).

    Raises:
        ValueError: not a string, not starting with ``/`` (the whole-document pointer ``""``
            selects nothing useful and is refused), or a ``~`` not followed by ``0`` or ``1``.
    """
    if not isinstance(pointer, str):
        raise ValueError(f"a JSON pointer must be a string, not {type(pointer).__name__}")
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must start with '/'")
    tokens = pointer[1:].split("/")
    for token in tokens:
        if re.search(r"~(?![01])", token):
            raise ValueError(f"JSON pointer {pointer!r}: '~' must be followed by 0 or 1")
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


class _Sparse(dict[int, Any]):
    """An array of a selection while it is built: index → selected element."""


_MISSING = object()


def _child(parent: Any, token: str, pointer: str) -> Any:
    if isinstance(parent, dict):
        if token in parent:
            return parent[token]
    elif isinstance(parent, list):
        if _INDEX.fullmatch(token) and int(token) < len(parent):
            return parent[int(token)]
    else:
        raise ValueError(f"JSON pointer {pointer!r} goes through a value that is not an object")
    raise ValueError(f"JSON pointer {pointer!r} does not match the document")


def _get(container: Any, key: Any) -> Any:
    if isinstance(container, list):
        return container[key] if key < len(container) else _MISSING
    return container.get(key, _MISSING)


def _initial_selection(source: Any) -> dict[str, Any]:
    """The ``id`` (unless a blank node identifier) and ``type`` of ``source``."""
    selection: dict[str, Any] = {}
    if not isinstance(source, dict):
        return selection
    for key in ("id", "@id"):
        value = source.get(key)
        if value and not (isinstance(value, str) and value.startswith("_:")):
            selection[key] = copy.deepcopy(value)
    for key in ("type", "@type"):
        if source.get(key):
            selection[key] = copy.deepcopy(source[key])
    return selection


def _select_paths(pointer: str, document: dict[str, Any], selection: dict[str, Any]) -> None:
    tokens = parse_pointer(pointer)
    value: Any = document
    selected_value: Any = selection
    selected_parent: Any = selection
    key: Any = None
    for token in tokens:
        selected_parent = selected_value
        value = _child(value, token, pointer)
        key = int(token) if isinstance(selected_parent, (_Sparse, list)) else token
        selected_value = _get(selected_parent, key)
        if selected_value is _MISSING:
            selected_value = _Sparse() if isinstance(value, list) else _initial_selection(value)
            selected_parent[key] = selected_value
    if isinstance(value, dict):
        merged = dict(selected_value) if isinstance(selected_value, dict) else {}
        merged.update(copy.deepcopy(value))
        selected_parent[key] = merged
    else:
        selected_parent[key] = copy.deepcopy(value)


def _finish(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_finish(value[index]) for index in sorted(value)]
    if isinstance(value, dict):
        return {k: _finish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finish(v) for v in value]
    return value


def select_json_ld(pointers: Sequence[str], document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The selection of ``document`` that ``pointers`` name (``None`` for no pointers).

    The selection keeps the document's ``@context``, the whole value at each pointer, and the
    ``id`` and ``type`` of the document and of every object on the way to a value; arrays
    keep only the selected elements, in their order.

    Raises:
        ValueError: a pointer is malformed or does not match the document.
    """
    if not pointers:
        return None
    selection: dict[str, Any] = {}
    if "@context" in document:
        selection["@context"] = copy.deepcopy(document["@context"])
    selection.update(_initial_selection(document))
    for pointer in pointers:
        _select_paths(pointer, dict(document), selection)
    finished: dict[str, Any] = _finish(selection)
    return finished


# --- skolemization -------------------------------------------------------------------------


@dataclass(frozen=True)
class Skolemized:
    """A compact document whose every node has an ``@id``.

    Attributes:
        document: the skolemized compact document (same ``@context``).
        prefix: the IRI prefix of the temporary identifiers (unique per call).
    """

    document: dict[str, Any]
    prefix: str

    def deskolemize(self, quads: Iterable[Quad]) -> list[Quad]:
        """``quads`` with every temporary IRI turned back into a blank node."""
        start = "<" + self.prefix

        def term(value: str) -> str:
            return "_:" + value[len(start) : -1] if value.startswith(start) else value

        return [(term(s), p, term(o), term(g)) for s, p, o, g in quads]

    def quads(
        self, document: Mapping[str, Any], *, loader: DocumentLoader | None, limits: Limits
    ) -> list[Quad]:
        """The deskolemized RDF of ``document`` (this document or a selection of it).

        Blank nodes that JSON-LD makes itself (the nodes of an RDF list, which cannot carry
        an ``@id``) are named by where they hang: the node and property they belong to, and
        for the rest of a list the node before. So a selection and the whole document name
        them alike, whatever else the selection leaves out.
        """
        raw = to_quads(dict(document), loader=loader, limits=limits)
        return self.deskolemize(_name_generated(raw))


_RDF_REST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"


def _name_generated(quads: list[Quad]) -> list[Quad]:
    """``quads`` with each generated blank node renamed ``l<hash of its place>``.

    A node's place is the (subject, predicate, graph) of the one statement that has it as
    object, its subject named first when it is generated too. A node with no such statement,
    or with several, or two nodes in the same place, keeps a name of its own (``x<label>``):
    it then matches nothing outside the dataset it came from.
    """
    generated = {t[2:] for q in quads for t in (q[0], q[2], q[3]) if t[:2] == "_:"}
    if not generated:
        return quads
    places: dict[str, list[tuple[str, str, str]]] = {}
    for s, p, o, g in quads:
        if o[:2] == "_:":
            places.setdefault(o[2:], []).append((s, p, g))
    names: dict[str, str] = {}
    for label in sorted(generated):
        chain: list[tuple[str, tuple[str, str, str] | None]] = []
        current = label
        while current not in names:
            found = places.get(current, [])
            place = found[0] if len(found) == 1 else None
            chain.append((current, place))
            if place is None or place[0][:2] != "_:" or place[0][2:] in {c for c, _ in chain}:
                break
            current = place[0][2:]
        for current, place in reversed(chain):
            if current in names:
                continue
            if place is None or (place[0][:2] == "_:" and names.get(place[0][2:], "x")[0] == "x"):
                names[current] = "x" + current
                continue
            parent = "_:" + names[place[0][2:]] if place[0][:2] == "_:" else place[0]
            digest = hashlib.sha256(f"{parent} {place[1]} {place[2]}".encode()).hexdigest()
            names[current] = "l" + digest[:32]
    taken: dict[str, list[str]] = {}
    for label, name in names.items():
        taken.setdefault(name, []).append(label)
    for labels in taken.values():
        if len(labels) > 1:  # two nodes in one place: neither can be told apart
            for label in labels:
                names[label] = "x" + label

    def term(value: str) -> str:
        return "_:" + names[value[2:]] if value[:2] == "_:" else value

    return [(term(s), p, term(o), term(g)) for s, p, o, g in quads]


def _skolemize(element: Any, prefix: str, counter: Iterator[int]) -> Any:
    if isinstance(element, list):
        return [_skolemize(item, prefix, counter) for item in element]
    if not isinstance(element, dict) or "@value" in element:
        return element
    node = {key: _skolemize(value, prefix, counter) for key, value in element.items()}
    if "@list" in node or "@set" in node:
        return node  # not a node: a list object has no identifier
    identifier = node.get("@id")
    if identifier is None:
        node["@id"] = f"{prefix}g{next(counter)}"
    elif isinstance(identifier, str) and identifier.startswith("_:"):
        node["@id"] = f"{prefix}n{identifier[2:]}"
    return node


def _align(original: Any, compacted: Any) -> Any:
    """``compacted`` with the array shapes of ``original`` where compaction changed them.

    Compaction writes a one-element array as its element (and a single value of a ``@set``
    term as an array); JSON-LD reads both forms alike, but a JSON pointer does not. Objects
    are matched by key and arrays by position, where their lengths agree.
    """
    if isinstance(original, list):
        items = compacted if isinstance(compacted, list) else [compacted]
        if len(items) != len(original):
            return items
        return [_align(o, c) for o, c in zip(original, items, strict=True)]
    if isinstance(compacted, list) and len(compacted) == 1:
        return _align(original, compacted[0])
    if isinstance(original, dict) and isinstance(compacted, dict):
        return {k: _align(original[k], v) if k in original else v for k, v in compacted.items()}
    return compacted


def skolemize(document: Mapping[str, Any], *, loader: DocumentLoader | None = None) -> Skolemized:
    """Give every node of ``document`` an IRI: expand, name the nodes, compact again.

    Blank nodes ``_:x`` become ``<prefix>nx``; nodes without an identifier ``<prefix>gN``;
    the prefix is random, so a document cannot contain one of these IRIs by accident. Where
    compaction wrote an array differently from ``document`` (a one-element array as its
    element), the document's form is kept, so that JSON pointers into ``document`` also
    match the skolemized document.

    Raises:
        JsonLdError: the document cannot be processed (unknown context, safe mode).
    """
    expanded = expand(dict(document), loader=loader)
    prefix = f"urn:microcred-sd-{secrets.token_hex(8)}:"
    skolemized = _skolemize(expanded, prefix, itertools.count())
    compacted = _align(
        dict(document), compact(skolemized, document.get("@context", {}), loader=loader)
    )
    if not isinstance(compacted, dict):  # pragma: no cover - pyld always returns an object
        raise ValueError("compaction did not give a JSON object")
    return Skolemized(compacted, prefix)


# --- label replacement -----------------------------------------------------------------------


def b64url(data: bytes) -> str:
    """base64url without padding (the multibase ``u`` alphabet)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hmac_label_map(hmac_key: bytes) -> Callable[[Mapping[str, str]], LabelMap]:
    """A label map factory: each input label's canonical label (``c14nN``) is replaced by
    ``u`` + base64url(HMAC-SHA-256(``hmac_key``, canonical label))."""

    def factory(issued: Mapping[str, str]) -> LabelMap:
        return {
            input_label: "u"
            + b64url(hmac.new(hmac_key, c14n.encode("utf-8"), hashlib.sha256).digest())
            for input_label, c14n in issued.items()
        }

    return factory


def _term(value: str, labels: Mapping[str, str]) -> str:
    if value[:2] != "_:":
        return value
    return "_:" + labels.get(value[2:], "\u0000unknown")  # an unknown label matches nothing


def relabel(quads: Iterable[Quad], labels: Mapping[str, str]) -> list[str]:
    """N-Quads lines of ``quads`` with blank node labels replaced through ``labels``
    (label without ``_:`` → new label), sorted by code point."""
    lines = {
        f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"
        for q in quads
        for s, p, o, g in ((_term(q[0], labels), q[1], _term(q[2], labels), _term(q[3], labels)),)
    }
    return sorted(lines)


def relabel_canonical(canonical: CanonicalDataset, labels: Mapping[str, str]) -> list[str]:
    """The canonical statements of ``canonical`` with its ``c14nN`` labels replaced through
    ``labels`` (input label → new label, as a label map factory returns it), sorted."""
    by_c14n = {c14n: labels[input_label] for input_label, c14n in canonical.issued.items()}
    return relabel(canonical.quads, by_c14n)


# --- canonicalize and group ------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """What one group of pointers selects of the labelled statements.

    Attributes:
        matching: index → statement, for the statements the selection contains.
        non_matching: index → statement, for the others.
        quads: the selection's deskolemized quads (input blank node labels).
    """

    matching: dict[int, str]
    non_matching: dict[int, str]
    quads: list[Quad]


@dataclass(frozen=True)
class Grouped:
    """The result of :func:`canonicalize_and_group`.

    Attributes:
        statements: every statement, blank nodes relabelled, sorted.
        label_map: input blank node label → new label.
        groups: group name → :class:`Group`.
        skolemized: the skolemized document the pointers were applied to.
    """

    statements: list[str]
    label_map: LabelMap
    groups: dict[str, Group]
    skolemized: Skolemized


def canonicalize_and_group(
    document: Mapping[str, Any],
    label_map_factory: Callable[[Mapping[str, str]], LabelMap],
    groups: Mapping[str, Sequence[str]],
    *,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Grouped:
    """Canonicalize ``document`` with replaced blank node labels and sort its statements
    into the groups of pointers (``{"mandatory": ["/issuer"], ...}``).

    Raises:
        ValueError: a pointer is malformed or matches nothing, or a group's selection makes
            statements the document does not (part of an RDF list).
        JsonLdError: the document cannot be processed.
    """
    skolemized = skolemize(document, loader=loader)
    quads = skolemized.quads(skolemized.document, loader=loader, limits=limits)
    canonical = canonicalize(quads, limits=limits)
    label_map = label_map_factory(canonical.issued)
    statements = relabel_canonical(canonical, label_map)
    made = set(statements)
    result: dict[str, Group] = {}
    for name, pointers in groups.items():
        selection = select_json_ld(pointers, skolemized.document)
        selected_quads = (
            [] if selection is None else skolemized.quads(selection, loader=loader, limits=limits)
        )
        selected = set(relabel(selected_quads, label_map))
        if not selected <= made:
            raise ValueError(
                f"the pointers {list(pointers)} select part of an RDF list (a list's elements "
                "are disclosed together: point at the whole list)"
            )
        matching = {i: line for i, line in enumerate(statements) if line in selected}
        non_matching = {i: line for i, line in enumerate(statements) if line not in selected}
        result[name] = Group(matching, non_matching, selected_quads)
    return Grouped(statements, label_map, result, skolemized)
