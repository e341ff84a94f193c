"""``eddsa-2022``: the draft name of ``eddsa-rdfc-2022`` (VC-DI-EDDSA before its 2023 rename).

The algorithm is the same (Ed25519 over RDFC-1.0 N-Quads, SHA-256); only the ``cryptosuite``
value differs, and it is part of the signed proof options. Kept so credentials issued under
the draft name still verify; reported as legacy. New credentials should use
``eddsa-rdfc-2022``.
"""

from __future__ import annotations

from .eddsa_rdfc_2022 import EddsaRdfc2022

__all__ = ["Eddsa2022"]


class Eddsa2022(EddsaRdfc2022):
    """``DataIntegrityProof`` with ``cryptosuite: "eddsa-2022"`` (legacy)."""

    name = "eddsa-2022"
    cryptosuite = "eddsa-2022"
    legacy = True
    verify_only = True
