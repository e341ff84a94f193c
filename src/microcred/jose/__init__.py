"""JOSE credentials: Open Badges 3.0 VC-JWT (``vc`` claim) and VC 2.0 ``vc+jwt``.

Built on jwcrypto. Only asymmetric algorithms are ever accepted (``none`` and HMAC never),
and the caller's allowlist decides which.
"""

from __future__ import annotations

from ._jwt import (
    DEFAULT_ALGORITHMS,
    credential_unverified,
    decode_unverified,
    issue_jwt,
    present_jwt,
    verify_jwt_into,
)

__all__ = [
    "DEFAULT_ALGORITHMS",
    "credential_unverified",
    "decode_unverified",
    "issue_jwt",
    "present_jwt",
    "verify_jwt_into",
]
