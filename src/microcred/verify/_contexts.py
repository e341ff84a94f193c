"""The ``contexts`` check: what a document means is what readers read (both routes use it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._vc import base_context_problem
from ..errors import ContextLimitError, MicrocredError, StrictReadingError
from ..jsonld import ContextDocument, Quad, contexts_of, to_quads
from ..proofs import suite_for_proof
from ..report import VerificationReport
from ._options import VerifyOptions

__all__ = ["Read", "check_contexts"]


@dataclass(frozen=True)
class Read:
    """What the ``contexts`` check read: the quads of the unsecured document (without
    ``proof``) and, by a proof's position in the proof list, the quads of each proof
    configuration it read (the proof without ``proofValue``, in its signing context); the
    Data Integrity route hands both to the proof checks, which then expand nothing again."""

    quads: list[Quad]
    proof_quads: dict[int, list[Quad]] = field(default_factory=dict)


def check_contexts(
    report: VerificationReport,
    document: Mapping[str, Any],
    options: VerifyOptions,
    *,
    signed_as_json: bool = False,
) -> Read | None:
    """Run the ``contexts`` check on ``document``; return what it read (:class:`Read`), or
    ``None`` when the check failed and verification stops.

    In order: an ``@context`` with the VC base context first; every context known to the
    loader (matching a known revision) and within ``Limits.max_contexts``; the document, and
    each of its proofs, processed in JSON-LD safe mode under the strict reading rule (every
    member name a term, ... see ``docs/verification.md``), with embedded context objects only
    when ``options.allow_inline_contexts``.

    ``signed_as_json``: the document is secured as JSON (a JWT), not as RDF. Then the compact
    JWS strings a presentation carries in ``verifiableCredential`` are signed as they are
    written, and each is verified on its own, so they are not read as JSON-LD (where a string
    in that graph container is dropped: under a Data Integrity proof it is refused, as the
    proof would not cover it).
    """
    if "@context" not in document:
        report.add("contexts", "failed", "no @context", "$")
        return None
    context = document["@context"]
    problem = base_context_problem(context)
    if problem is not None:
        report.add("contexts", "failed", problem, "$['@context']")
        return None
    try:
        # the top-level contexts first (known, within the limits): the usual error, early
        contexts_of({"@context": context}, loader=options.loader, limits=options.limits)
    except MicrocredError as exc:
        report.add_error("contexts", exc, path=exc.path or "$['@context']")
        return None
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if signed_as_json:
        unsecured = _without_token_strings(unsecured)
    unsigned: set[str] = set()
    seen: list[Any] = []
    try:
        quads = _read(unsecured, options, unsigned, seen)
        proof_quads, every_proof = _read_proofs(document, context, options, seen)
    except MicrocredError as exc:
        report.add_error("contexts", exc)
        return None
    try:
        used = _used(document, options, seen, every_proof)
    except MicrocredError as exc:
        report.add_error("contexts", exc, path=exc.path or "$['@context']")
        return None
    revisions = ", ".join(c.revision or f"{c.url} (unversioned)" for c in used)
    report.add(
        "contexts",
        "passed",
        f"contexts known; read in safe mode under the strict reading rule: {revisions}",
    )
    directions = _directions(unsecured) if "@direction" in unsigned else []
    if directions:
        count = len(directions)
        report.warn(
            "contexts",
            f"{count} text value{'s' if count > 1 else ''} set a base direction (@direction), "
            "which the signature does not cover (the signed RDF carries text and language "
            "only): do not rely on it when displaying the text",
            directions[0],
        )
    return Read(quads, proof_quads)


def _directions(document: Mapping[str, Any]) -> list[str]:
    """The JSON paths of the value objects in ``document`` that have a ``@direction`` (the
    strict reading admits no alias for it), in document order."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if "@direction" in value:
                found.append(path)
                continue
            stack.extend(
                (item, f"{path}.{key}" if key.isidentifier() else f"{path}['{key}']")
                for key, item in reversed(value.items())
                if key != "@context"
            )
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in reversed(list(enumerate(value))))
    return found


def _without_token_strings(document: dict[str, Any]) -> dict[str, Any]:
    embedded = document.get("verifiableCredential")
    if isinstance(embedded, str):
        return {k: v for k, v in document.items() if k != "verifiableCredential"}
    if isinstance(embedded, list) and any(isinstance(item, str) for item in embedded):
        kept = [item for item in embedded if not isinstance(item, str)]
        return {**document, "verifiableCredential": kept}
    return document


def _used(
    document: Mapping[str, Any], options: VerifyOptions, seen: list[Any], every_proof: bool
) -> list[ContextDocument]:
    """The remote contexts ``document`` uses, as the loader serves them: those of the
    ``@context`` members the reads met (``seen``), when they read the whole document (every
    proof) and stayed within ``Limits.max_contexts`` together; otherwise those of a walk of
    the whole document (:func:`contexts_of`), which also applies that limit to it all.

    Raises:
        ContextLimitError / UnknownContextError / ContextIntegrityError: from the walk.
    """
    if not every_proof or len(seen) > options.limits.max_contexts:
        return contexts_of(document, loader=options.loader, limits=options.limits)
    urls = dict.fromkeys(entry for entry in seen if isinstance(entry, str))
    return [options.loader.load(url) for url in urls]


def _read(
    document: dict[str, Any],
    options: VerifyOptions,
    unsigned: set[str] | None = None,
    contexts: list[Any] | None = None,
) -> list[Quad]:
    return to_quads(
        document,
        loader=options.loader,
        limits=options.limits,
        strict=True,
        allow_inline_contexts=options.allow_inline_contexts,
        unsigned=unsigned,
        contexts=contexts,
    )


def _read_proofs(
    document: Mapping[str, Any], context: Any, options: VerifyOptions, contexts: list[Any]
) -> tuple[dict[int, list[Quad]], bool]:
    """The quads of each proof configuration, by the proof's position.

    Each proof object is read by the engine by member name (purpose, dates, method), so it is
    held to the same rule, in the context it is signed in (its own, or the document's).
    Proofs of suites microcred does not know are left alone: they are never checked (the
    proof checks say so), so nothing is read from them. Other JSON-LD errors in a proof
    (an undefined term, a relative IRI) are left to the proof checks, which report them where
    they belong (``proof.method``, ``proof.signature``).

    Returns:
        The quads of every proof configuration that was read (not those left alone), and
        whether every proof was read (the entries of their ``@context`` members are added to
        ``contexts``).

    Raises:
        StrictReadingError / ContextLimitError: the first proof that breaks the rule (the
            error's path points into it).
    """
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    read: dict[int, list[Quad]] = {}
    for position, item in enumerate(proofs):
        if (
            not isinstance(item, dict)
            or suite_for_proof(item.get("type"), item.get("cryptosuite")) is None
        ):
            continue  # the proof checks say so
        config = {k: v for k, v in item.items() if k != "proofValue"}
        own = "@context" in config
        config.setdefault("@context", context)
        met: list[Any] = []
        try:
            read[position] = _read(config, options, contexts=met)
        except (StrictReadingError, ContextLimitError) as exc:
            where = f"$.proof[{position}]" if isinstance(proof, list) else "$.proof"
            exc.path = where + (exc.path[1:] if exc.path and exc.path.startswith("$") else "")
            exc.message = f"proof: {exc.message}"
            raise
        except MicrocredError:
            continue  # the proof checks report it
        # (the document's context, set here when the proof has none, is the document's)
        contexts.extend(met if own else met[len(context) if isinstance(context, list) else 1 :])
    return read, len(read) == len(proofs)
