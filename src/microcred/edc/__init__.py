"""European Digital Credentials: JAdES seals (ETSI TS 119 182-1) over ELM credentials and
the EU trusted lists (ETSI TS 119 612) their certificates are anchored in.

Verification (``docs/edc.md``): :func:`verify_jades` runs the JAdES checks on a JWS JSON
serialization on their own; :func:`microcred.verify` routes a JAdES-sealed credential here
and then runs the credential's own checks. :func:`read_jws_json` reads the JWS JSON
serialization (RFC 7515 §7.2, RFC 7797) without verifying it. Sealing: :func:`seal`.

The heavy libraries (``asn1crypto``, ``pyhanko-certvalidator``, ``lxml``, ``signxml``, the
``[edc]`` extra) are imported only when a seal is made or checked or a trusted list read.
"""

from __future__ import annotations

from ._jades import (
    JADES_ALGORITHMS,
    JadesSigned,
    check_jades,
    looks_like_jades,
    read_sealed,
    verify_jades,
)
from ._jws import JwsJson, JwsSignature, is_jws_json, read_jws_json
from ._seal import HttpTsa, TimestampAuthority, seal
from ._tl import (
    SealTrust,
    TrustedList,
    TrustService,
    assess_seal,
    fetch_trusted_lists,
    load_trusted_list,
)

__all__ = [
    "JADES_ALGORITHMS",
    "HttpTsa",
    "JadesSigned",
    "JwsJson",
    "JwsSignature",
    "SealTrust",
    "TimestampAuthority",
    "TrustService",
    "TrustedList",
    "assess_seal",
    "check_jades",
    "fetch_trusted_lists",
    "is_jws_json",
    "load_trusted_list",
    "looks_like_jades",
    "read_jws_json",
    "read_sealed",
    "seal",
    "verify_jades",
]
