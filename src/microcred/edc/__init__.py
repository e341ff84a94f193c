"""European Digital Credentials: JAdES seals (ETSI TS 119 182-1) over ELM credentials.

Verification (``docs/edc.md``): :func:`verify_jades` runs the JAdES checks on a JWS JSON
serialization on their own; :func:`microcred.verify` routes a JAdES-sealed credential here
and then runs the credential's own checks. :func:`read_jws_json` reads the JWS JSON
serialization (RFC 7515 §7.2, RFC 7797) without verifying it.

The X.509 and time-stamp layers (``asn1crypto``, ``pyhanko-certvalidator``, the ``[edc]``
extra) are imported only when a signature is checked.
"""

from __future__ import annotations

from ._jades import JADES_ALGORITHMS, JadesSigned, check_jades, looks_like_jades, verify_jades
from ._jws import JwsJson, JwsSignature, is_jws_json, read_jws_json

__all__ = [
    "JADES_ALGORITHMS",
    "JadesSigned",
    "JwsJson",
    "JwsSignature",
    "check_jades",
    "is_jws_json",
    "looks_like_jades",
    "read_jws_json",
    "verify_jades",
]
