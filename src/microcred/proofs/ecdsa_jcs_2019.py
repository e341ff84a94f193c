"""``ecdsa-jcs-2019`` (W3C VC-DI-ECDSA): ECDSA over RFC 8785 JCS (SHA-256 / SHA-384 by curve)."""

from __future__ import annotations

from ._base import JcsSuite

__all__ = ["EcdsaJcs2019"]


class EcdsaJcs2019(JcsSuite):
    """``DataIntegrityProof`` with ``cryptosuite: "ecdsa-jcs-2019"``."""

    name = "ecdsa-jcs-2019"
    cryptosuite = "ecdsa-jcs-2019"
    key_types = frozenset({"P-256", "P-384"})
