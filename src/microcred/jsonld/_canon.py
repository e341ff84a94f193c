"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation), written for microcred.

:func:`canonicalize` relabels the blank nodes of a dataset of :data:`Quad` (see
:mod:`microcred.jsonld._nquads` for the term syntax) ``_:c14n0``, ``_:c14n1``, ... exactly as
RDFC-1.0 §4.4 prescribes, and returns the canonical N-Quads: one line per quad, duplicates
removed, lines sorted by code point.

Differences from pyld's URDNA2015 that make this module necessary:

* literals are written in RDFC-1.0's canonical escaping (``\\b``, ``\\f``, ``\\u000B``,
  ``\\u007F``, ...), not with raw control characters;
* SHA-384 is available (``hash_algorithm="sha384"``; ecdsa-rdfc-2019 with P-384);
* the work is bounded: the number of Hash N-Degree Quads calls is limited by
  ``Limits.max_canonicalization_calls``, so a "poison" graph raises
  :class:`~microcred.errors.CanonicalizationLimitError` quickly instead of running for hours.
  Blank-node recursion deeper than the interpreter's stack also raises it. Measured: the
  W3C "evil" tests 044-046 need 468 calls each; the poison 10-clique (test074) reaches the
  default 10,000 calls in about 0.4 s. The calls grow quadratically for an RDF list of equal
  items: 60 items ~3,600 calls, 100 items ~9,600.
* each distinct ordering of a related-node list is tried once (:func:`_distinct_permutations`):
  the canonical form is the same, but a presentation of similar credentials (blank node named
  graphs, each listed once per statement in it) no longer tries ``20!`` equal orderings.
  This also bounds the permutations by the calls: a list either has one distinct ordering
  (its nodes are all issued already, so it repeats one node) or every ordering recurses.

Implementation notes. Blank nodes are handled by their full term (``"_:e0"``); the quads that
mention each blank node and the first-degree hashes are computed once. Identifier issuers are
small objects copied per permutation as the algorithm requires (§4.8.3 step 5.4.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from types import MappingProxyType

from ..errors import CanonicalizationLimitError, MalformedInputError
from ..limits import DEFAULT_LIMITS, Limits
from ._nquads import Quad, from_pyld_dataset

__all__ = [
    "HASH_ALGORITHMS",
    "CanonicalDataset",
    "Quad",
    "canonical_nquads",
    "canonicalize",
    "from_pyld_dataset",
]


def _sha256_hex(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _sha384_hex(data: str) -> str:
    return hashlib.sha384(data.encode("utf-8")).hexdigest()


#: The hash algorithms RDFC-1.0 may be run with here (name -> hex digest of a UTF-8 string).
HASH_ALGORITHMS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {"sha256": _sha256_hex, "sha384": _sha384_hex}
)


@dataclass(frozen=True)
class CanonicalDataset:
    """The result of :func:`canonicalize`.

    Attributes:
        nquads: the canonical N-Quads document: one line per distinct quad, blank nodes
            relabelled ``_:c14nN``, lines sorted by code point, each ending in ``"\\n"``
            (``""`` for an empty dataset). This is what RDFC-1.0 cryptosuites hash.
        quads: the same quads, as tuples, in the same order.
        issued: the issued identifiers map: input blank node label (without ``_:``) to its
            canonical label (without ``_:``), e.g. ``{"e0": "c14n0"}``, in order of issue.
        hash_algorithm: ``"sha256"`` or ``"sha384"``.
    """

    nquads: str
    quads: tuple[Quad, ...]
    issued: Mapping[str, str] = field(hash=False)
    hash_algorithm: str


class _Issuer:
    """RDFC-1.0 identifier issuer (§4.5): issues ``prefix + counter``; remembers the order.

    Identifiers are stored as full blank node terms (``"_:c14n0"``)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str, counter: int = 0, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.counter = counter
        self.issued: dict[str, str] = {} if issued is None else issued

    def issue(self, existing: str) -> str:
        ident = self.issued.get(existing)
        if ident is None:
            ident = f"{self.prefix}{self.counter}"
            self.counter += 1
            self.issued[existing] = ident
        return ident

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, self.counter, dict(self.issued))


def _is_blank(term: str) -> bool:
    return term.startswith("_:")


def _distinct_permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Each distinct ordering of ``items`` once.

    A related-node list can repeat a node: a blank node named graph is related once per quad
    of the node in that graph, so a node of a credential inside a presentation (each credential
    is a named graph) with 20 statements lists its graph 20 times. Orderings that differ only in
    where equal items sit give equal paths, so trying each distinct ordering once chooses the
    same path as trying all ``n!`` (one ordering instead of 20! here). Lists without repeats
    (the usual case) take ``itertools.permutations``.
    """
    if len(set(items)) == len(items):
        yield from permutations(items)
        return
    current = sorted(items)
    last = len(current) - 1
    while True:
        yield tuple(current)
        # the next ordering in lexicographic order (equal items are never swapped)
        i = last - 1
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            return
        j = last
        while current[j] <= current[i]:
            j -= 1
        current[i], current[j] = current[j], current[i]
        current[i + 1 :] = reversed(current[i + 1 :])


class _Canonicalizer:
    """One run of the algorithm (the canonicalization state of §4.4.3 step 1)."""

    def __init__(self, quads: list[Quad], digest: Callable[[str], str], limits: Limits) -> None:
        self.quads = quads
        self.digest = digest
        self.max_calls = limits.max_canonicalization_calls
        self.calls = 0
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        # Blank node term -> the quads that mention it (each quad once), in input order.
        self.bnode_quads: dict[str, list[Quad]] = {}
        bnode_quads = self.bnode_quads
        for quad in quads:
            s, _, o, g = quad
            # a term is a blank node when it starts with "_:" (the first character tested
            # first, by index, which allocates nothing: IRIs start with "<", literals with a
            # quote; subjects and objects are never empty, the default graph is "")
            if s[0] == "_" and s[:2] == "_:":
                found = bnode_quads.get(s)
                if found is None:
                    bnode_quads[s] = [quad]
                else:
                    found.append(quad)
            if o[0] == "_" and o[:2] == "_:" and o != s:
                found = bnode_quads.get(o)
                if found is None:
                    bnode_quads[o] = [quad]
                else:
                    found.append(quad)
            if g and g[0] == "_" and g[:2] == "_:" and g != s and g != o:
                found = bnode_quads.get(g)
                if found is None:
                    bnode_quads[g] = [quad]
                else:
                    found.append(quad)

    # §4.6 Hash First Degree Quads
    def hash_first_degree(self, node: str) -> str:
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached
        lines = []
        for s, p, o, g in self.bnode_quads[node]:
            if s[0] == "_" and s[:2] == "_:":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_" and o[:2] == "_:":
                o = "_:a" if o == node else "_:z"
            if g:
                if g[0] == "_" and g[:2] == "_:":
                    g = "_:a" if g == node else "_:z"
                lines.append(f"{s} {p} {o} {g} .\n")
            else:
                lines.append(f"{s} {p} {o} .\n")
        lines.sort()
        result = self.digest("".join(lines))
        self.first_degree[node] = result
        return result

    def _count_call(self) -> None:
        self.calls += 1
        if self.calls > self.max_calls:
            raise CanonicalizationLimitError(
                f"RDF canonicalization needs more than {self.max_calls} Hash N-Degree Quads "
                "calls (poison graph?); raise Limits.max_canonicalization_calls only for "
                "trusted input"
            )

    # §4.8 Hash N-Degree Quads (with §4.7 Hash Related Blank Node inlined)
    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self._count_call()
        canonical = self.canonical.issued
        digest = self.digest
        related_by_hash: dict[str, list[str]] = {}
        for s, p, o, g in self.bnode_quads[identifier]:
            for related, position in ((s, "s"), (o, "o"), (g, "g")):
                if not _is_blank(related) or related == identifier:
                    continue
                ident = canonical.get(related) or issuer.issued.get(related)
                if ident is None:
                    ident = self.hash_first_degree(related)
                text = f"g{ident}" if position == "g" else f"{position}{p}{ident}"
                related_by_hash.setdefault(digest(text), []).append(related)

        data_to_hash: list[str] = []
        for related_hash in sorted(related_by_hash):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _distinct_permutations(related_by_hash[related_hash]):
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    ident = canonical.get(related)
                    if ident is None:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        ident = issuer_copy.issue(related)
                    path += ident
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += f"{issuer_copy.issue(related)}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data_to_hash.append(chosen_path)
            assert chosen_issuer is not None  # the first permutation is never skipped
            issuer = chosen_issuer
        return digest("".join(data_to_hash)), issuer

    # §4.4 Canonicalization algorithm
    def run(self) -> dict[str, str]:
        hash_to_bnodes: dict[str, list[str]] = {}
        for node in self.bnode_quads:
            hash_to_bnodes.setdefault(self.hash_first_degree(node), []).append(node)

        shared: list[list[str]] = []
        for first_hash in sorted(hash_to_bnodes):
            nodes = hash_to_bnodes[first_hash]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append(nodes)

        for nodes in shared:
            hash_path_list: list[tuple[str, _Issuer]] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(node)
                hash_path_list.append(self.hash_n_degree(node, temporary))
            hash_path_list.sort(key=lambda result: result[0])
            for _, result_issuer in hash_path_list:
                for existing in result_issuer.issued:
                    self.canonical.issue(existing)
        return self.canonical.issued


def _prepare(
    quads: Sequence[Quad], hash_algorithm: str, limits: Limits
) -> tuple[list[Quad], dict[str, str]]:
    """The distinct quads of ``quads`` and the issued identifiers map (full terms) of RDFC-1.0
    on them (the work of :func:`canonicalize`, which documents the errors)."""
    digest = HASH_ALGORITHMS.get(hash_algorithm)
    if digest is None:
        raise ValueError(
            f"unsupported hash algorithm {hash_algorithm!r} (expected 'sha256' or 'sha384')"
        )
    if len(quads) > limits.max_quads:
        raise CanonicalizationLimitError(
            f"dataset has {len(quads)} quads, over the limit of {limits.max_quads}"
        )
    try:
        unique: list[Quad] = list(dict.fromkeys(quads))
    except TypeError:  # an unhashable item (a list, a dict): not a quad
        raise ValueError("a quad is a tuple of four terms (an item is unhashable)") from None
    if set(map(type, unique)) - {tuple} or set(map(len, unique)) - {4}:  # the rare case
        for quad in unique:
            if not isinstance(quad, tuple) or len(quad) != 4:
                raise ValueError(f"a quad is a tuple of four terms, got {quad!r}")
    try:
        state = _Canonicalizer(unique, digest, limits)
    except (IndexError, TypeError):  # an empty subject or object, a term not a string
        raise ValueError("a quad's subject and object are non-empty strings") from None
    try:
        issued = state.run()
    except RecursionError:
        raise CanonicalizationLimitError(
            "RDF canonicalization recursed too deeply through blank nodes (poison graph?)"
        ) from None
    except UnicodeEncodeError:
        raise MalformedInputError("an RDF term is not valid Unicode (lone surrogate)") from None
    return unique, issued


def canonical_nquads(
    quads: Sequence[Quad], *, hash_algorithm: str = "sha256", limits: Limits = DEFAULT_LIMITS
) -> str:
    """The canonical N-Quads document of :func:`canonicalize` alone (``.nquads``), without
    the rest of the :class:`CanonicalDataset` (what an RDFC-1.0 cryptosuite hashes).

    Raises:
        The errors of :func:`canonicalize`.
    """
    unique, issued = _prepare(quads, hash_algorithm, limits)
    lines: list[str] = []
    line = lines.append
    if issued:
        relabel = issued.get
        for s, p, o, g in unique:
            s, o = relabel(s, s), relabel(o, o)
            if g:
                line(f"{s} {p} {o} {relabel(g, g)} .\n")
            else:
                line(f"{s} {p} {o} .\n")
    else:
        for s, p, o, g in unique:
            line(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
    lines.sort()  # distinct lines: the quads are distinct, and relabelling is one-to-one
    return "".join(lines)


def canonicalize(
    quads: Sequence[Quad], *, hash_algorithm: str = "sha256", limits: Limits = DEFAULT_LIMITS
) -> CanonicalDataset:
    """Canonicalize an RDF dataset with RDFC-1.0.

    Args:
        quads: the dataset, terms in canonical N-Quads syntax (as built by
            :mod:`microcred.jsonld._nquads`); duplicates are allowed and dropped, order is
            irrelevant.
        hash_algorithm: ``"sha256"`` (the default of RDFC-1.0) or ``"sha384"``.
        limits: ``max_quads`` bounds the input size; ``max_canonicalization_calls`` bounds the
            Hash N-Degree Quads calls.

    Returns:
        The :class:`CanonicalDataset`; deterministic: isomorphic inputs give identical
        ``nquads``.

    Raises:
        ValueError: unknown ``hash_algorithm``, or a quad that is not four terms.
        CanonicalizationLimitError: more than ``limits.max_quads`` quads (checked before any
            work), or the work limit was exceeded (a poison graph).
        MalformedInputError: a term is not encodable as UTF-8 (a lone surrogate).
    """
    unique, issued = _prepare(quads, hash_algorithm, limits)

    # every quad relabelled (a blank node term is a key of ``issued``, no other term is) and
    # written as its line; lines are distinct, as the quads are
    by_line: dict[str, Quad] = {}
    relabel = issued.get
    for quad in unique:
        s, p, o, g = quad
        if issued:
            s, o = relabel(s, s), relabel(o, o)
            if g:
                g = relabel(g, g)
            quad = (s, p, o, g)
        by_line[f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"] = quad
    texts = sorted(by_line)
    ordered = [by_line[text] for text in texts]
    return CanonicalDataset(
        nquads="".join(texts),
        quads=tuple(ordered),
        issued=MappingProxyType({k[2:]: v[2:] for k, v in issued.items()}),
        hash_algorithm=hash_algorithm,
    )
