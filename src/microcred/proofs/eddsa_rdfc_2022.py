"""``eddsa-rdfc-2022`` (W3C VC-DI-EDDSA): Ed25519 over RDFC-1.0 canonical N-Quads, SHA-256.

The suite Open Badges 3.0 certification requires for embedded proofs.
"""

from __future__ import annotations

from ._base import RdfcSuite

__all__ = ["EddsaRdfc2022"]


class EddsaRdfc2022(RdfcSuite):
    """``DataIntegrityProof`` with ``cryptosuite: "eddsa-rdfc-2022"``."""

    name = "eddsa-rdfc-2022"
    cryptosuite = "eddsa-rdfc-2022"
    key_types = frozenset({"Ed25519"})
