"""The ``issuer`` / ``holder`` check: the one rule tying a document's issuer (a
presentation's holder) to the keys that signed it, for every route."""

from __future__ import annotations

from .._vc import holder_id, issuer_id
from ..errors import MicrocredError
from ..keys import DidResolver
from ..report import VerificationReport
from ._secured import Secured, Signature

__all__ = ["check_binding", "lists_method"]


def check_binding(report: VerificationReport, secured: Secured, resolver: DidResolver) -> None:
    """The issuer (holder) must control the key of one signature: be its controller, or list
    it under the signature's relationship in its own controller document as ``resolver``
    serves it (an ``https:`` issuer naming its did:key in a document the caller trusts).

    Further signatures by other parties (a proof set, a ``previousProof`` chain: a notary, an
    accreditor) are reported; they never stand in for the issuer's own. Nothing is checked
    when no signature verified (the route has reported why).
    """
    signatures = secured.signatures
    if not signatures:
        return
    presentation = secured.kind == "presentation"
    label = "holder" if presentation else "issuer"
    subject = holder_id(secured.document) if presentation else issuer_id(secured.document)
    if subject is None:
        if presentation:
            report.add("holder", "skipped", "the presentation names no holder")
            report.warn(
                "holder", "the presentation names no holder: nothing ties it to who presents it"
            )
        else:
            report.add("issuer", "failed", "the credential has no issuer", "$.issuer")
        return
    own = [s for s in signatures if _is_own(s, subject, resolver)]
    if not own:
        first = signatures[0]
        others = len(signatures) - 1
        report.add(
            label,
            "failed",
            f"{label} {subject} is not the controller ({first.controller}) of the "
            f"verification method {first.verification_method}"
            + (f" nor of the {others} other proof(s)" if others else ""),
            f"$.{label}",
        )
        return
    if own[0].controller == subject:
        report.add(label, "passed", f"{label} {subject} controls the signing key")
    else:
        report.add(
            label,
            "passed",
            f"{label} {subject} lists the signing key {own[0].verification_method} "
            f"as its {own[0].relationship} (in its trusted controller document)",
        )
    for other in signatures:
        if other not in own:
            report.add(
                label,
                "passed",
                f"a further proof by {other.controller} (not the {label}) also verifies",
                other.path,
            )


def _is_own(signature: Signature, subject: str, resolver: DidResolver) -> bool:
    if signature.controller == subject:
        return True
    return lists_method(resolver, subject, signature.verification_method, signature.relationship)


def lists_method(
    resolver: DidResolver, subject: str, method: str | None, relationship: str
) -> bool:
    """Whether ``subject``'s own (controller or DID) document, as ``resolver`` serves it,
    lists ``method`` under ``relationship``: an issuer that signs with a key it does not
    control directly, such as an ``https:`` issuer whose published profile names a did:key."""
    if method is None or method.split("#", 1)[0] == subject:
        return False
    try:
        document = resolver.resolve(subject)
    except MicrocredError:
        return False
    entries = document.get(relationship) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return False
    listed = [
        e if isinstance(e, str) else e.get("id") if isinstance(e, dict) else None for e in entries
    ]
    return method in [item for item in listed if isinstance(item, str)]
