"""Verification: one pipeline for every way a credential is secured.

:func:`verify` parses its input, hands it to the route for its securing mechanism (Data
Integrity proofs, or a compact JWS), and runs the shared checks once on what the route
verified: who signed (``issuer``/``holder``), the subject, the validity window, the status,
the schema, the caller's profile, and the credentials inside a presentation or CLR. Every step
receives one :class:`VerifyOptions`.

What every check and reader sees is exactly what was signed: a route reads the document under
the *strict reading rule* (``docs/verification.md``) before any check reads it by member name.
"""

from __future__ import annotations

from ._options import VerifyOptions
from ._pipeline import verify, verify_with

__all__ = ["VerifyOptions", "verify", "verify_with"]
