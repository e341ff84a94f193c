"""Data models: VC / Open Badges 3.0 / CLR 2.0 (:mod:`.ob3`), the EU micro-credential in its
Annex I form (:mod:`.eu`) and as SD-JWT VC claims (``SD_JWT_VC_TYPE``,
``sd_jwt_vc_type_metadata``, ``to_sd_jwt_vc_claims``, ``from_sd_jwt_vc_claims``; see
``docs/eu-sd-jwt-vc.md``), EU vocabularies (:mod:`.vocab`) and national presets
(:mod:`.presets`, e.g. ``presets.se`` for Sweden).

The models do no I/O and know nothing of proofs: they build and read the JSON that
:func:`microcred.issue` signs and :func:`microcred.verify` checks.
"""

from __future__ import annotations

from . import ob3, presets, vocab
from ._sdjwt_mapping import (
    DEFAULT_DISCLOSABLE as SD_JWT_VC_DEFAULT_DISCLOSABLE,
)
from ._sdjwt_mapping import (
    SD_JWT_VC_TYPE,
    from_sd_jwt_vc_claims,
    to_sd_jwt_vc_claims,
)
from ._sdjwt_mapping import (
    type_metadata as sd_jwt_vc_type_metadata,
)
from .eu import (
    EU_CONTEXT,
    MANDATORY_ELEMENTS,
    OPTIONAL_ELEMENTS,
    IncompleteMicroCredentialError,
    MicroCredential,
)
from .ob3 import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    ClrCredential,
    EndorsementCredential,
    Profile,
)

__all__ = [
    "EU_CONTEXT",
    "MANDATORY_ELEMENTS",
    "OPTIONAL_ELEMENTS",
    "SD_JWT_VC_DEFAULT_DISCLOSABLE",
    "SD_JWT_VC_TYPE",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "ClrCredential",
    "EndorsementCredential",
    "IncompleteMicroCredentialError",
    "MicroCredential",
    "Profile",
    "from_sd_jwt_vc_claims",
    "ob3",
    "presets",
    "sd_jwt_vc_type_metadata",
    "to_sd_jwt_vc_claims",
    "vocab",
]
