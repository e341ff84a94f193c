"""Data models: VC / Open Badges 3.0 / CLR 2.0 (:mod:`.ob3`), the EU micro-credential in its
Annex I form (:mod:`.eu`), EU vocabularies (:mod:`.vocab`) and national presets
(:mod:`.presets`, e.g. ``presets.se`` for Sweden).

The models do no I/O and know nothing of proofs: they build and read the JSON that
:func:`microcred.issue` signs and :func:`microcred.verify` checks.
"""

from __future__ import annotations

from . import ob3, presets, vocab
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
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "ClrCredential",
    "EndorsementCredential",
    "IncompleteMicroCredentialError",
    "MicroCredential",
    "Profile",
    "ob3",
    "presets",
    "vocab",
]
