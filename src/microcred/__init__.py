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

Every name below loads on first use (``import microcred`` itself loads almost nothing), so
that a command or a program pays only for what it uses.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from ._public import set_public_module as _set_public_module
from ._version import __version__

if _typing.TYPE_CHECKING:  # what the names are; at run time each is loaded on first use
    from . import (
        baking,
        errors,
        jose,
        jsonld,
        keys,
        limits,
        model,
        net,
        proofs,
        report,
        sdjwt,
        status,
    )
    from ._issue import issue, present
    from ._validate import ValidationReport, validate
    from .errors import MicrocredError, ValidationError, VerificationError
    from .limits import DEFAULT_LIMITS, Limits
    from .model import MicroCredential, presets
    from .proofs import derive
    from .report import Check, TrustAnswer, VerificationReport
    from .verify import VerifyOptions, verify
else:
    # the package microcred.verify is loaded now (it is light: its pipeline loads on first
    # use), so that the import system never binds the name ``verify`` to the package later:
    # ``mc.verify`` is the function
    _importlib.import_module(".verify", __name__)
    globals().pop("verify", None)

__all__ = [
    "DEFAULT_LIMITS",
    "Check",
    "Limits",
    "MicroCredential",
    "MicrocredError",
    "TrustAnswer",
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
    "limits",
    "model",
    "net",
    "present",
    "presets",
    "proofs",
    "report",
    "sdjwt",
    "status",
    "validate",
    "verify",
]

_SUBMODULES = frozenset({"baking", "errors", "jose", "jsonld", "keys", "limits", "model",
                         "net", "proofs", "report", "sdjwt", "status"})  # fmt: skip
# name -> the module that defines it (relative to this package)
_ATTRIBUTES = {
    "issue": "._issue",
    "present": "._issue",
    "ValidationError": ".errors",
    "ValidationReport": "._validate",
    "validate": "._validate",
    "MicrocredError": ".errors",
    "DEFAULT_LIMITS": ".limits",
    "Limits": ".limits",
    "MicroCredential": ".model",
    "presets": ".model",
    "derive": ".proofs",
    "Check": ".report",
    "TrustAnswer": ".report",
    "VerificationError": ".errors",
    "VerificationReport": ".report",
    "VerifyOptions": ".verify",
    "verify": ".verify",
}


def __getattr__(name: str) -> _typing.Any:
    """Load a public name on first use (PEP 562), then keep it as a plain attribute."""
    if name in _SUBMODULES:
        value: _typing.Any = _importlib.import_module(f".{name}", __name__)
    elif name in _ATTRIBUTES:
        value = getattr(_importlib.import_module(_ATTRIBUTES[name], __name__), name)
        _set_public_module(__name__, {name: value}, [name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
