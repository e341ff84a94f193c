"""The JAdES route: a credential or presentation sealed as a JAdES signature (ETSI TS
119 182-1) in the JWS JSON serialization, as European Digital Credentials are.

The JAdES checks (``jades.*``, :mod:`microcred.edc._jades`) run with the caller's trust
anchors (``trust_anchors=``, ``--trust-anchor``), ``now`` and clock skew; then the payload,
the credential or presentation, goes through the pipeline's shared checks.

The seal stands for the issuer (the holder, for a presentation) once its certificate's path
validated to a trust anchor: the signature's controller is then the document's issuer, its
anchor the trust anchor, its certified name the seal holder's (what the trust step reports,
and compares with the issuer's own name). A seal whose chain did not validate binds no one:
the shared checks still run on the payload, and the report is not verified.

The payload's JSON-LD contexts are not processed (the seal signs the payload's bytes, and the
ELM context is not one microcred holds offline): the report warns ``jades.contexts``.
"""

from __future__ import annotations

from typing import Any

from .._vc import holder_id, issuer_id
from ..edc import check_jades
from ..report import VerificationReport
from ._options import VerifyOptions
from ._secured import Kind, Secured, Signature, relationship_for

__all__ = ["route"]


def route(
    report: VerificationReport, value: dict[str, Any], options: VerifyOptions
) -> Secured | None:
    """Verify the JAdES signature ``value`` into ``report``.

    Returns:
        The payload as the secured document (with the seal as its signature when the
        chain validated), or ``None`` when the signature did not verify (the report says
        why).
    """
    try:
        import asn1crypto  # noqa: F401
        import pyhanko_certvalidator  # noqa: F401
    except ImportError:
        report.format = "jades"
        report.add(
            "jades.format",
            "error",
            "a JAdES seal is checked with the [edc] extra, which is not installed "
            "(pip install 'microcred[edc]')",
        )
        return None
    lists = options.trusted_lists
    signed = check_jades(
        report,
        value,
        trust_anchors=options.trust_anchors,
        now=options.moment,
        max_clock_skew=options.max_clock_skew,
        limits=options.limits,
        algorithms=options.algorithms,
        anchors_at=(lambda when: [d for t in lists for d in t.anchors_at(when)]) if lists else None,
    )
    if signed is None or not signed.signed:
        return None
    kind: Kind = "presentation" if report.kind == "presentation" else "credential"
    document = signed.document
    report.document = document
    report.warn(
        "jades.contexts",
        "the payload's JSON-LD contexts were not processed: the seal signs its JSON bytes",
    )
    secured = Secured(document, kind)
    if lists:
        from ..edc import assess_seal

        # at the moment the seal is proven to exist (its time-stamp's): what the lists said then
        secured.seal_trust = assess_seal(lists, signed.chain, signed.proven_time or options.moment)
    if signed.anchor is None or signed.seal is None:
        return secured
    subject = holder_id(document) if kind == "presentation" else issuer_id(document)
    secured.signatures.append(
        Signature(
            signed.path,
            f"x5c:{signed.seal.certificate_subject}",
            subject,
            relationship_for(kind),
            signed.anchor,
            signed.seal.holder,
        )
    )
    return secured
