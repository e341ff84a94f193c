"""``ecdsa-rdfc-2019`` (W3C VC-DI-ECDSA): ECDSA over RDFC-1.0 canonical N-Quads.

P-256 uses SHA-256 throughout; P-384 uses SHA-384 for the two hashes *and* inside RDFC-1.0
(blank-node labelling), as the specification's P-384 vectors require.
"""

from __future__ import annotations

from ._base import RdfcSuite

__all__ = ["EcdsaRdfc2019"]


class EcdsaRdfc2019(RdfcSuite):
    """``DataIntegrityProof`` with ``cryptosuite: "ecdsa-rdfc-2019"``."""

    name = "ecdsa-rdfc-2019"
    cryptosuite = "ecdsa-rdfc-2019"
    key_types = frozenset({"P-256", "P-384"})
