"""The issuer-trust answer in the service's verify answers and the verifier page's report."""

from __future__ import annotations

from typing import Any

from ..report import VerificationReport

__all__ = ["trust_json"]


def trust_json(report: VerificationReport) -> dict[str, Any] | None:
    """The issuer-trust answer of ``report`` as JSON: ``{"issuer": "confirmed" |
    "unconfirmed", "by", "name", "source"}`` (and ``reason`` when unconfirmed), never mixed
    into the verdict. A presentation names no issuer: its answer is that of the credential
    it carries when it carries one (each credential of a set has its own in
    ``credentials[i].trust``). ``None`` when no report involved names an issuer."""
    trust = getattr(report, "trust", None)
    if trust is None and len(report.credentials) == 1:
        trust = getattr(report.credentials[0], "trust", None)
    if trust is None:
        return None
    answer: dict[str, Any] = trust.to_json()
    return answer
