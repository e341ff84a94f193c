"""JOSE for credentials: Open Badges 3.0 VC-JWT (``vc`` claim) and VC JOSE-COSE ``vc+jwt``.

A codec: signing (with the key's own signer, on ``cryptography``), and decoding without
verifying (``*_unverified``). Only asymmetric algorithms are ever signed or accepted (``none``
and HMAC never). Verification is the JWT route of :mod:`microcred.verify`.
"""

from __future__ import annotations

from ._jwt import (
    DEFAULT_ALGORITHMS,
    KEY_ALGORITHMS,
    NEVER_ALGORITHMS,
    credential_unverified,
    decode_unverified,
    issue_jwt,
    numeric_date,
    present_jwt,
    subject_id,
)

__all__ = [
    "DEFAULT_ALGORITHMS",
    "KEY_ALGORITHMS",
    "NEVER_ALGORITHMS",
    "credential_unverified",
    "decode_unverified",
    "issue_jwt",
    "numeric_date",
    "present_jwt",
    "subject_id",
]
