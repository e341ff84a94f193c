"""``eddsa-jcs-2022`` (W3C VC-DI-EDDSA): Ed25519 over RFC 8785 JCS, SHA-256."""

from __future__ import annotations

from ._base import JcsSuite

__all__ = ["EddsaJcs2022"]


class EddsaJcs2022(JcsSuite):
    """``DataIntegrityProof`` with ``cryptosuite: "eddsa-jcs-2022"``."""

    name = "eddsa-jcs-2022"
    cryptosuite = "eddsa-jcs-2022"
    key_types = frozenset({"Ed25519"})
