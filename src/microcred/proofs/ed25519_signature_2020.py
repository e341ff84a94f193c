"""``Ed25519Signature2020``: the legacy (pre-Data-Integrity) Ed25519 suite.

Superseded by ``eddsa-rdfc-2022`` and listed by Open Badges 3.0 as a prior cryptosuite that
verifiers should still consider; VC 1.1 issuers still use it. Same canonicalization, hashing and
signature as ``eddsa-rdfc-2022``; the proof terms come from the suite's own context, which the
document must carry (``issue`` adds it when missing).
"""

from __future__ import annotations

from ._base import RdfcSuite

__all__ = ["Ed25519Signature2020"]


class Ed25519Signature2020(RdfcSuite):
    """Proof ``type: "Ed25519Signature2020"`` (no ``cryptosuite`` member)."""

    name = "Ed25519Signature2020"
    proof_type = "Ed25519Signature2020"
    cryptosuite = None
    key_types = frozenset({"Ed25519"})
    legacy = True
    suite_context = "https://w3id.org/security/suites/ed25519-2020/v1"
