"""microcred: Open Badges 3.0 / CLR 2.0 Verifiable Credentials for EU micro-credentials.

>>> import microcred as mc
>>> key = mc.keys.generate("Ed25519")
>>> credential = {
...     "@context": ["https://www.w3.org/ns/credentials/v2"],
...     "type": ["VerifiableCredential"],
...     "issuer": key.did,
...     "validFrom": "2026-01-01T00:00:00Z",
...     "credentialSubject": {"id": "did:example:learner"},
... }
>>> signed = mc.issue(credential, key)
>>> mc.verify(signed).outcome
'verified'
"""

from __future__ import annotations

from . import baking, errors, jose, jsonld, keys, model, proofs, status
from ._issue import issue, present
from ._validate import ValidationError, ValidationReport, validate
from ._version import __version__
from .errors import MicrocredError
from .limits import DEFAULT_LIMITS, Limits
from .model import MicroCredential, presets
from .proofs import derive
from .report import Check, VerificationError, VerificationReport
from .verify import VerifyOptions, verify

__all__ = [
    "DEFAULT_LIMITS",
    "Check",
    "Limits",
    "MicroCredential",
    "MicrocredError",
    "ValidationError",
    "ValidationReport",
    "VerificationError",
    "VerificationReport",
    "VerifyOptions",
    "__version__",
    "baking",
    "derive",
    "errors",
    "issue",
    "jose",
    "jsonld",
    "keys",
    "model",
    "present",
    "presets",
    "proofs",
    "status",
    "validate",
    "verify",
]
