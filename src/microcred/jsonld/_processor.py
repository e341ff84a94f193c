"""Safe JSON-LD processing: the only place in microcred that calls pyld.

Safe mode (as in the JSON-LD processors the reference stacks use) turns every silent loss of
meaning into an error that names the term and where it is:

* a property whose term no context defines (it would be dropped from the signed RDF);
* an ``@id``/``@type`` (or ``@vocab``/``@id``-coerced value) that expands to a relative IRI.
  pyld would resolve it against ``http://example.org/base/``; microcred never does. OB 3.0's
  ``credentialSchema.type: "1EdTechJsonSchemaValidator2019"`` is such a case unless the
  OB extensions context (``https://purl.imsglobal.org/spec/ob/v3p0/extensions.json``)
  defines it: the error says so.

Errors from pyld (including anything unexpected on hostile input) are reported as
:class:`~microcred.errors.JsonLdError` subclasses, never as pyld's own exceptions.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from cachetools import LRUCache

from ..errors import (
    CanonicalizationLimitError,
    ContextLimitError,
    InputTooDeepError,
    JsonLdProcessingError,
    MicrocredError,
    SafeModeError,
    StrictReadingError,
)
from ..limits import DEFAULT_LIMITS, Limits
from . import _fast
from ._canon import CanonicalDataset, Quad, canonicalize, from_pyld_dataset
from ._loader import ContextDocument, DocumentLoader, default_loader
from ._pyld_import import import_pyld

_pyld = import_pyld()

__all__ = ["canonize", "compact", "contexts_of", "expand", "to_quads"]

#: Base IRI handed to pyld so that any relative IRI becomes recognisable in its output.
_SENTINEL_BASE = "https://relative-iri.microcred.invalid/"

#: Terms from the OB 3.0 extensions context that documents often use without it.
_OB_EXTENSION_TERMS = {
    "1EdTechJsonSchemaValidator2019",
    "1EdTechRevocationList",
    "1EdTechCredentialRefresh",
}
_OB_EXTENSIONS_URL = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

_RESOLVED_CACHE_SIZE = 512
#: Processed contexts, shared by every loader: keyed by content, never by URL alone.
_RESOLVED: LRUCache[Any, Any] = LRUCache(maxsize=_RESOLVED_CACHE_SIZE)
_RESOLVED_LOCK = threading.Lock()


class _ContentKeyedCache:
    """The mapping pyld's context resolver caches processed contexts in.

    pyld keys remote contexts by URL; this view keys them by ``(URL, content hash)`` of what
    *this* loader serves for the URL, so loaders that serve different content for one URL never
    share a processed context, while identical content is processed once for all of them.
    Inline contexts already arrive keyed by their canonical JSON (content).
    """

    def __init__(self, loader: DocumentLoader) -> None:
        self._loader = loader

    def _key(self, key: Any) -> Any:
        if isinstance(key, str) and key.startswith(("http://", "https://", "urn:", "did:")):
            try:
                return ("url", key, self._loader.load(key).jcs_sha256)
            except MicrocredError:
                return None
        return ("inline", key)

    def get(self, key: Any, default: Any = None) -> Any:
        content_key = self._key(key)
        if content_key is None:
            return default
        with _RESOLVED_LOCK:
            return _RESOLVED.get(content_key, default)

    def __setitem__(self, key: Any, value: Any) -> None:
        content_key = self._key(key)
        if content_key is not None:
            with _RESOLVED_LOCK:
                _RESOLVED[content_key] = value


_MEMO_SIZE = 4096
#: Processed active contexts: (active context, local context by content, flags) → result.
_MEMO: LRUCache[Any, Any] = LRUCache(maxsize=_MEMO_SIZE)
_MEMO_LOCK = threading.Lock()
_MEMO_IDS = itertools.count()


_JsonLdProcessor: Any = _pyld.JsonLdProcessor


class _MemoProcessor(_JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, remembering context processing results.

    pyld caches a processed context by the identity of the active context it was applied to,
    but a type-scoped context (``Achievement``, ``Profile``, … in OB 3.0) is applied to a fresh
    clone each time, so it was processed again for every node of every document. Here the
    result is remembered by the identity of the active context (results are reused, so their
    identities recur) and the *content* of the local context: a URL by the content hash of what
    the loader serves for it, an inline context by its JSON. The output is unchanged.
    """

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        local_key = _local_key(local_ctx, options)
        if local_key is None or not isinstance(active_ctx, dict):
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped,
                cycles,
            )  # fmt: skip
        if "_uuid" not in active_ctx:
            active_ctx["_uuid"] = f"microcred-{next(_MEMO_IDS)}"
        key = (
            active_ctx["_uuid"],
            local_key,
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
        if hit is not None:
            return hit[0]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        with _MEMO_LOCK:
            _MEMO[key] = (result, active_ctx)  # keeps the keyed context alive: ids stay unique
        return result


def _local_key(local_ctx: Any, options: Any) -> Any:
    """A content key for a local context, or None when it cannot be keyed safely."""
    if isinstance(local_ctx, str):
        adapter = options.get("documentLoader")
        if not isinstance(adapter, _PyldLoader):
            return None
        try:
            return ("url", local_ctx, adapter.loader.load(local_ctx).jcs_sha256)
        except MicrocredError:
            return None
    if isinstance(local_ctx, list):
        keys = tuple(_local_key(item, options) for item in local_ctx)
        return None if any(k is None for k in keys) else ("list", keys)
    if isinstance(local_ctx, dict):
        if "@import" in local_ctx or any(
            isinstance(v, (str, list)) and k == "@context" for k, v in local_ctx.items()
        ):
            return None  # refers to other documents: not keyed by its own JSON alone
        try:
            return ("inline", json.dumps(local_ctx, sort_keys=True, separators=(",", ":")))
        except (TypeError, ValueError):
            return None
    if local_ctx is None:
        return ("null",)
    return None


class _PyldLoader:
    """Adapts a :class:`DocumentLoader` to pyld's loader callable; remembers our own error."""

    def __init__(self, loader: DocumentLoader) -> None:
        self.loader = loader
        self.error: MicrocredError | None = None

    def __call__(self, url: str, options: Mapping[str, Any]) -> dict[str, Any]:
        try:
            doc = self.loader.load(url)
        except MicrocredError as exc:
            self.error = exc
            raise
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": doc.document,
            "tag": "static",
        }


def _options(loader: DocumentLoader, adapter: _PyldLoader) -> dict[str, Any]:
    return {
        "documentLoader": adapter,
        "contextResolver": _pyld.ContextResolver(_ContentKeyedCache(loader), adapter),
        "base": _SENTINEL_BASE,
        "processingMode": "json-ld-1.1",
    }


def _run(document: Any, loader: DocumentLoader | None, op: str) -> tuple[Any, list[str], list[Any]]:
    """Run pyld ``op`` ("expand" or "to_rdf") in safe mode; return its result, the dropped
    terms and the expanded document."""
    if not isinstance(document, dict):
        raise JsonLdProcessingError("a JSON-LD document must be a JSON object")
    loader = loader or default_loader()
    adapter = _PyldLoader(loader)
    dropped: list[str] = []
    processor = _MemoProcessor(on_property_dropped=lambda term: dropped.append(str(term)))
    expanded: list[Any] = []
    pyld_expand = processor.expand

    def expand_and_keep(input_: Any, options: Any) -> Any:  # to_rdf expands through this
        result = pyld_expand(input_, options)
        expanded.append(result)
        return result

    processor.expand = expand_and_keep
    options = _options(loader, adapter)
    try:
        if op == "expand":
            result = processor.expand(document, options)
        else:
            result = processor.to_rdf(document, options)
    except RecursionError:
        raise InputTooDeepError("document nests too deeply for JSON-LD processing") from None
    except Exception as exc:  # pyld raises many kinds on hostile input; none may escape
        if adapter.error is not None:
            raise adapter.error from None
        raise JsonLdProcessingError(f"JSON-LD processing failed: {_describe(exc)}") from None
    return result, dropped, expanded[-1]


def _describe(exc: BaseException) -> str:
    """A one-line description of a pyld error, following its cause chain."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 4:
        text = str(getattr(seen, "message", None) or seen).splitlines()[0]
        code = getattr(seen, "code", None)
        parts.append(f"{text} [{code}]" if code else text)
        seen = seen.__cause__
    return "; ".join(parts)


def _paths(value: Any, path: str = "$") -> Iterator[tuple[str, str | None, Any]]:
    """Yield ``(json_path, key, value)`` for every member and array item, depth first."""
    stack: list[tuple[str, str | None, Any]] = [(path, None, value)]
    while stack:
        here, key, item = stack.pop()
        yield here, key, item
        if isinstance(item, dict):
            for k in reversed(list(item)):
                if k != "@context":
                    stack.append(
                        (f"{here}.{k}" if k.isidentifier() else f"{here}['{k}']", k, item[k])
                    )
        elif isinstance(item, list):
            for i in reversed(range(len(item))):
                stack.append((f"{here}[{i}]", key, item[i]))


def _check_dropped(document: Any, dropped: list[str]) -> None:
    if not dropped:
        return
    term = dropped[0]
    path = next(
        (p for p, key, item in _paths(document) if key == term and not p.endswith("]")), None
    )
    raise SafeModeError(
        f"term {term!r} is not defined by any context in scope; it would be dropped from the "
        "signed data (JSON-LD safe mode)",
        term=term,
        path=path,
    )


def _check_relative(document: Any, iris: Iterator[str]) -> None:
    for iri in iris:
        if not iri.startswith(_SENTINEL_BASE):
            continue
        relative = iri[len(_SENTINEL_BASE) :]
        path = next(
            (
                p
                for p, _k, item in _paths(document)
                if isinstance(item, str) and _same(item, relative)
            ),
            None,
        )
        hint = ""
        if relative in _OB_EXTENSION_TERMS:
            hint = f"; add {_OB_EXTENSIONS_URL} to @context, which defines it"
        raise SafeModeError(
            f"{relative!r} expands to a relative IRI: no context defines it as a term and it is "
            f"not an absolute IRI (JSON-LD safe mode){hint}",
            term=relative,
            path=path,
        )


#: What pyld takes for an absolute IRI (or a blank node identifier); it silently leaves out of
#: the RDF every triple with any other IRI (one with white space, say).
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


def _check_invalid(document: Any, expanded: Any) -> None:
    for iri in _expanded_iris(expanded):
        if iri in _pyld.KEYWORDS or _PYLD_ABSOLUTE.match(iri):
            continue
        if iri.startswith(_SENTINEL_BASE):
            _check_relative(document, iter([iri]))
        path = next(
            (p for p, _k, item in _paths(document) if isinstance(item, str) and item == iri),
            None,
        )
        raise SafeModeError(
            f"{iri!r} is not a valid absolute IRI (white space?); it would be dropped from the "
            "signed data (JSON-LD safe mode)",
            term=iri,
            path=path,
        )


def _same(written: str, resolved_tail: str) -> bool:
    return written == resolved_tail or written.lstrip("./") == resolved_tail


def _expanded_iris(expanded: Any) -> Iterator[str]:
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@id", "@type") and isinstance(value, str):
                    yield value
                elif key == "@type" and isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
                elif key != "@value":
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _quad_iris(quads: list[Quad]) -> Iterator[str]:
    prefix = "<" + _SENTINEL_BASE
    for quad in quads:
        for term in quad:
            if term.startswith(prefix):
                yield term[1:-1]
            elif term.endswith(">") and "^^" + prefix in term:
                yield term[term.rindex("^^<") + 3 : -1]


def expand(document: Any, *, loader: DocumentLoader | None = None) -> list[Any]:
    """Expand ``document`` (JSON-LD 1.1) in safe mode.

    Raises:
        SafeModeError: an undefined term or a relative IRI (term and JSON path named).
        UnknownContextError / ContextIntegrityError: from the loader (nothing is fetched
            unless the loader itself fetches).
        JsonLdProcessingError: any other JSON-LD error.
    """
    expanded, dropped, _ = _run(document, loader, "expand")
    _check_dropped(document, dropped)
    _check_relative(document, _expanded_iris(expanded))
    _check_invalid(document, expanded)
    result: list[Any] = expanded
    return result


def compact(document: Any, context: Any, *, loader: DocumentLoader | None = None) -> Any:
    """Compact ``document`` (typically an expanded one, as :func:`expand` returns it) with
    ``context`` (the value of an ``@context`` member).

    The result carries ``@context: context``. Nothing is checked for safe mode here: the
    input is expected to come from :func:`expand`, which has checked it.

    Raises:
        UnknownContextError / ContextIntegrityError: from the loader.
        JsonLdProcessingError: any other JSON-LD error.
    """
    loader = loader or default_loader()
    adapter = _PyldLoader(loader)
    processor = _MemoProcessor()
    try:
        return processor.compact(document, {"@context": context}, _options(loader, adapter))
    except RecursionError:
        raise InputTooDeepError("document nests too deeply for JSON-LD processing") from None
    except Exception as exc:  # as in _run: no pyld exception may escape
        if adapter.error is not None:
            raise adapter.error from None
        raise JsonLdProcessingError(f"JSON-LD compaction failed: {_describe(exc)}") from None


#: Use the fast path (:mod:`microcred.jsonld._fast`) when it handles a document; tests turn
#: it off to compare with the pyld path.
FAST_PATH = True


def fast_quads(
    document: dict[str, Any],
    loader: DocumentLoader,
    *,
    strict: bool = False,
    allow_inline_contexts: bool = False,
    max_contexts: int | None = None,
    unsigned: set[str] | None = None,
    contexts: list[Any] | None = None,
) -> list[Quad]:
    """The quads of ``document`` by the fast path, with contexts processed by pyld (the
    arguments after ``loader`` are those of :func:`microcred.jsonld._fast.to_quads`).

    Raises:
        _fast.Unsupported: the fast path declines (the pyld path decides).
        _fast.StrictViolation / _fast.ContextWorkLimit: see :func:`_fast.to_quads`.
    """
    adapter = _PyldLoader(loader)
    state: dict[str, Any] = {}

    def process(active: Any, local: Any, override_protected: bool, propagate: bool) -> Any:
        if not state:  # pyld's machinery is set up only when a context is not remembered
            state["processor"] = _MemoProcessor()
            state["options"] = _options(loader, adapter)
        return state["processor"]._process_context(
            active, local, state["options"], override_protected=override_protected,
            propagate=propagate,
        )  # fmt: skip

    return _fast.to_quads(
        document,
        loader,
        process,
        strict=strict,
        allow_inline_contexts=allow_inline_contexts,
        max_contexts=max_contexts,
        unsigned=unsigned,
        contexts=contexts,
    )


def _pyld_quads(document: Any, loader: DocumentLoader | None) -> list[Quad]:
    dataset, dropped, expanded = _run(document, loader, "to_rdf")
    _check_dropped(document, dropped)
    _check_invalid(document, expanded)
    quads = from_pyld_dataset(dataset)
    _check_relative(document, _quad_iris(quads))
    return quads


def to_quads(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = False,
    allow_inline_contexts: bool = False,
    unsigned: set[str] | None = None,
    contexts: list[Any] | None = None,
) -> list[Quad]:
    """The RDF dataset of ``document`` as quads (see :mod:`microcred.jsonld._canon`), in safe mode.

    Documents whose every feature the fast path handles (ordinary credentials) are converted
    by it; the others, and every document in error, by pyld. Both give the same quads (the
    order may differ; blank node labels are the same) and the same errors.

    With ``strict=True`` the document must also be in the form readers read: the strict
    reading rule of ``docs/verification.md`` (every member name a term of its active context,
    no type written as the IRI of a term, no term mapped to a blank node, identifiers written
    as IRIs, embedded context objects only with ``allow_inline_contexts`` and then only adding
    terms, and only the JSON-LD features the fast path reads). The quads are the same with or
    without it. ``unsigned`` (with ``strict``): a set to which the strict reading adds the
    keywords the document uses that the RDF does not carry (``"@direction"``: a base direction
    is dropped from its literal), so that a verifier can say so. ``contexts`` (with
    ``strict``): a list to which the entries of every ``@context`` member the document has
    are added, as written, in the order they are read (its context URLs without a second walk
    of the document, :func:`contexts_of`); complete when the call returns.

    Raises the errors of :func:`expand`; :class:`CanonicalizationLimitError` when the document
    yields more than ``limits.max_quads`` quads; :class:`ContextLimitError` when it has more than
    ``limits.max_contexts`` ``@context`` entries or lists one twice in one ``@context``; and,
    with ``strict``, :class:`StrictReadingError`.
    """
    quads: list[Quad] | None = None
    if strict:
        quads = _strict_quads(
            document, loader or default_loader(), limits, allow_inline_contexts, unsigned, contexts
        )
    else:
        if FAST_PATH and isinstance(document, dict):
            try:
                quads = fast_quads(
                    document, loader or default_loader(), max_contexts=limits.max_contexts
                )
            except _fast.ContextWorkLimit as exc:
                raise _context_limit(exc, limits) from None
            except Exception:
                quads = None
        if quads is None:
            check_context_limits(document, limits)
            quads = _pyld_quads(document, loader)
    if len(quads) > limits.max_quads:
        raise CanonicalizationLimitError(
            f"document expands to {len(quads)} RDF quads, over the limit of {limits.max_quads}"
        )
    return quads


def _strict_quads(
    document: Any,
    loader: DocumentLoader,
    limits: Limits,
    allow_inline_contexts: bool,
    unsigned: set[str] | None = None,
    contexts: list[Any] | None = None,
) -> list[Quad]:
    """:func:`to_quads` with the strict reading rule (the fast path is its only reader)."""
    if not isinstance(document, dict):
        raise JsonLdProcessingError("a JSON-LD document must be a JSON object")
    declined: str
    try:
        quads = fast_quads(
            document,
            loader,
            strict=True,
            allow_inline_contexts=allow_inline_contexts,
            max_contexts=limits.max_contexts,
            unsigned=unsigned,
            contexts=contexts,
        )
    except _fast.StrictViolation as violation:
        raise StrictReadingError(
            violation.message, rule=violation.rule, path=_violation_path(document, violation)
        ) from None
    except _fast.ContextWorkLimit as exc:
        raise _context_limit(exc, limits) from None
    except _fast.Unsupported as exc:
        declined = str(exc)
    except Exception as exc:
        declined = type(exc).__name__
    else:
        return quads if FAST_PATH else _pyld_quads(document, loader)
    check_context_limits(document, limits)
    _pyld_quads(document, loader)  # its error, if the document has one, explains best
    raise StrictReadingError(
        f"the document uses a JSON-LD form the strict reading does not accept ({declined}); "
        "what readers see by member name could differ from what is signed",
        rule="feature",
    )


def _violation_path(document: Any, violation: _fast.StrictViolation) -> str | None:
    """The JSON path of the first member named ``violation.key`` (or string equal to
    ``violation.value``) in ``document``: where the rule was broken, to the best of a search."""
    for path, key, item in _paths_with_context(document):
        if (
            violation.key is not None
            and key == violation.key
            and (not path.endswith("]") or path.endswith(f"['{key}']"))  # a member, not an item
        ):
            return path
        if violation.value is not None and isinstance(item, str) and item == violation.value:
            return path
    return None


def _paths_with_context(value: Any) -> Iterator[tuple[str, str | None, Any]]:
    """Like :func:`_paths`, but ``@context`` members are visited too (an embedded context is a
    place the rule can be broken)."""
    stack: list[tuple[str, str | None, Any]] = [("$", None, value)]
    while stack:
        here, key, item = stack.pop()
        yield here, key, item
        if isinstance(item, dict):
            for k in reversed(list(item)):
                step = f"{here}.{k}" if k.isidentifier() else f"{here}['{k}']"
                stack.append((step, k, item[k]))
        elif isinstance(item, list):
            for i in reversed(range(len(item))):
                stack.append((f"{here}[{i}]", key, item[i]))


def _context_limit(exc: _fast.ContextWorkLimit, limits: Limits) -> ContextLimitError:
    if "twice" in str(exc):
        return ContextLimitError(
            "a @context lists the same context twice (each entry is processed again: refused "
            "as needless work)"
        )
    return ContextLimitError(
        f"the document has more than {limits.max_contexts} @context entries (Limits.max_contexts)"
    )


def check_context_limits(document: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a document that asks for more context processing than ``limits`` allow: more
    than ``limits.max_contexts`` ``@context`` entries in all, or one ``@context`` listing the
    same entry twice. Cheap (one walk, no processing); run before pyld sees the document.

    Raises:
        ContextLimitError: as above.
    """
    _context_urls(document, limits)


def _context_urls(document: Any, limits: Limits) -> dict[str, None]:
    """The context URLs of ``document`` in order of appearance, after checking the limits
    of :func:`check_context_limits`."""
    urls: dict[str, None] = {}
    total = 0
    stack: list[Any] = [document]
    pop, push, extend = stack.pop, stack.append, stack.extend
    containers = (dict, list)
    while stack:
        item = pop()
        if isinstance(item, dict):
            if "@context" not in item:
                # the common case: an object without a context, its containers in order
                extend([value for value in item.values() if isinstance(value, containers)])
                continue
            local = item["@context"]
            entries = local if isinstance(local, list) else [local]
            total += len(entries)
            if total > limits.max_contexts:
                raise _context_limit(_fast.ContextWorkLimit("many"), limits)
            keys = [
                e if isinstance(e, str) else json.dumps(e, sort_keys=True, default=str)
                for e in entries
            ]
            if len(set(keys)) < len(keys):
                raise _context_limit(_fast.ContextWorkLimit("twice"), limits)
            for entry in entries:
                if isinstance(entry, str):
                    urls.setdefault(entry)
            for key, value in item.items():
                if isinstance(value, containers) and key != "@context":
                    push(value)
        elif isinstance(item, list):
            extend([value for value in item if isinstance(value, containers)])
    return urls


def canonize(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    hash_algorithm: str = "sha256",
    limits: Limits = DEFAULT_LIMITS,
) -> CanonicalDataset:
    """Canonicalize ``document`` with RDFC-1.0 (``hash_algorithm`` ``"sha256"`` or ``"sha384"``).

    Raises the errors of :func:`to_quads`, and :class:`CanonicalizationLimitError` when RDFC-1.0
    exceeds its work limit (``limits.max_canonicalization_calls``).
    """
    return canonicalize(
        to_quads(document, loader=loader, limits=limits),
        hash_algorithm=hash_algorithm,
        limits=limits,
    )


def contexts_of(
    document: Any, *, loader: DocumentLoader | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[ContextDocument]:
    """The remote contexts ``document`` refers to (anywhere in it), as the loader serves them.

    Use it to report which context revisions a credential was processed with.

    Raises:
        ContextLimitError: see :func:`check_context_limits` (checked first).
        UnknownContextError / ContextIntegrityError: from the loader.
    """
    urls = _context_urls(document, limits)
    loader = loader or default_loader()
    return [loader.load(url) for url in urls]
