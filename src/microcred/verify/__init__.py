"""Verification: one pipeline for every way a credential is secured.

:func:`verify` parses its input, hands it to the route for its securing mechanism (Data
Integrity proofs, or a compact JWS), and runs the shared checks once on what the route
verified: who signed (``issuer``/``holder``), the subject, the validity window, the status,
the schema, the caller's profile, and the credentials inside a presentation or CLR. Every step
receives one :class:`VerifyOptions`.

What every check and reader sees is exactly what was signed: a route reads the document under
the *strict reading rule* (``docs/verification.md``) before any check reads it by member name.

The names load on first use (``import microcred`` stays light); the first loads them all.
"""

from __future__ import annotations

import typing as _typing

from .._public import set_public_module as _set_public_module

if _typing.TYPE_CHECKING:
    from ._options import VerifyOptions
    from ._pipeline import verify, verify_with
    from ._trust import IssuerRegistry, TrustList, load_registry, load_trust_list

__all__ = [
    "IssuerRegistry",
    "TrustList",
    "VerifyOptions",
    "load_registry",
    "load_trust_list",
    "verify",
    "verify_with",
]


def __getattr__(name: str) -> _typing.Any:
    """Load the pipeline on first use of one of its names (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ._options import VerifyOptions
    from ._pipeline import verify, verify_with
    from ._trust import IssuerRegistry, TrustList, load_registry, load_trust_list

    found = {
        "IssuerRegistry": IssuerRegistry,
        "TrustList": TrustList,
        "VerifyOptions": VerifyOptions,
        "load_registry": load_registry,
        "load_trust_list": load_trust_list,
        "verify": verify,
        "verify_with": verify_with,
    }
    _set_public_module(__name__, found, found)
    globals().update(found)
    return found[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
