"""The Data Integrity route: a JSON credential or presentation with embedded proofs.

What it does and nothing more: recognise the document (``format``), read it under the strict
reading rule (``contexts``), verify every proof with the generic engine (``proof.*``), and
hand the pipeline the document and the signatures that verified. Who the signer is to the
document (issuer, holder) is the pipeline's shared ``issuer``/``holder`` step.
"""

from __future__ import annotations

from typing import Any

from .._vc import types_of
from ..proofs import verify_proofs
from ..report import VerificationReport
from ._contexts import Read, check_contexts
from ._options import VerifyOptions
from ._secured import Kind, Secured, Signature, relationship_for

__all__ = ["kind_of", "route"]


def kind_of(document: dict[str, Any]) -> Kind | None:
    """``presentation`` or ``credential`` by the document's ``type``, or ``None``."""
    types = types_of(document)
    if "VerifiablePresentation" in types:
        return "presentation"
    if "VerifiableCredential" in types:
        return "credential"
    return None


def route(
    report: VerificationReport, document: dict[str, Any], options: VerifyOptions
) -> Secured | None:
    """Verify ``document``'s Data Integrity proofs into ``report``.

    Returns:
        The secured document with the signatures that verified, or ``None`` when the
        document is not a secured credential or presentation or cannot be read (the
        report says why).
    """
    report.document = document
    kind = kind_of(document)
    if kind is None:
        report.add(
            "format",
            "failed",
            "type has neither VerifiableCredential nor VerifiablePresentation",
            "$.type",
        )
        return None
    report.kind = kind
    if "proof" not in document:
        report.format = "unsecured"
        report.add("format", "failed", f"the {kind} has no proof", "$")
        return None
    report.format = "data-integrity"
    report.add("format", "passed", f"{kind} with a Data Integrity proof")
    read = check_contexts(report, document, options)
    if read is None:
        return None
    return Secured(document, kind, _check_proofs(report, document, kind, options, read))


def _check_proofs(
    report: VerificationReport,
    document: dict[str, Any],
    kind: Kind,
    options: VerifyOptions,
    read: Read,
) -> list[Signature]:
    """Every proof's checks into ``report``; the signatures of the proofs that verified.

    A proof of a suite the caller does not accept (or microcred does not know) is reported as
    skipped, with a warning, while an accepted proof decides; when none does, its own checks
    decide (failed, or indeterminate for a published suite microcred does not implement).
    """
    presentation = kind == "presentation"
    relationship = relationship_for(kind)
    results = verify_proofs(
        document,
        allowed=options.suites,
        resolver=options.resolver,
        loader=options.loader,
        limits=options.limits,
        proof_purpose=relationship,
        challenge=options.challenge if presentation else None,
        domain=options.domain if presentation else None,
        now=options.moment,
        unsecured_quads=read.quads,
        config_quads=read.proof_quads,
    )
    if not results:
        report.add("proof", "failed", "proof is empty", "$.proof")
        return []
    considered = [r for r in results if r.considered]
    for result in results:
        if result.considered or not considered:
            report.extend(result.checks)
        else:
            message = (
                f"proof of a suite not accepted or not known ({result.suite}); "
                "another proof decides"
            )
            report.add("proof.suite", "skipped", message, result.path)
            report.warn("proof.suite", f"a further proof was not checked: {message}", result.path)
    if presentation and options.challenge is None:
        report.add("proof.challenge", "skipped", "no challenge required by the caller")
    return [
        Signature(r.path, r.verification_method, r.controller, relationship)
        for r in considered
        if r.verified
    ]
