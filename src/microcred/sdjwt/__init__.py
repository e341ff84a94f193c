"""Selective Disclosure for JWTs (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc).

Issue (:func:`issue_sd_jwt`, :func:`issue_sd_jwt_vc`, :func:`issue_vc_sd_jwt`), present
(:func:`present_sd_jwt`, with a Key Binding JWT), read without verifying
(:func:`decode_sd_jwt`), and verify with a known issuer key (:func:`verify_sd_jwt`). A
credential whose issuer key must be found is verified by :func:`microcred.verify` (its SD-JWT
route). Signatures are made and checked by microcred's own key signers (``cryptography``),
as the JWTs of :mod:`microcred.jose` are.
"""

from __future__ import annotations

from ._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS, Disclosure, SdJwtError, digest_of
from ._issue import SD_JWT_VC_NEVER_DISCLOSABLE, issue_sd_jwt, issue_sd_jwt_vc, issue_vc_sd_jwt
from ._present import present_sd_jwt
from ._token import MAX_DISCLOSURES, KeyBinding, Processed, SdJwt, decode_sd_jwt
from ._verify import DEFAULT_KB_MAX_AGE, check_key_binding, verify_sd_jwt

__all__ = [
    "DEFAULT_KB_MAX_AGE",
    "DEFAULT_SD_ALG",
    "HASH_ALGORITHMS",
    "MAX_DISCLOSURES",
    "SD_JWT_VC_NEVER_DISCLOSABLE",
    "Disclosure",
    "KeyBinding",
    "Processed",
    "SdJwt",
    "SdJwtError",
    "check_key_binding",
    "decode_sd_jwt",
    "digest_of",
    "issue_sd_jwt",
    "issue_sd_jwt_vc",
    "issue_vc_sd_jwt",
    "present_sd_jwt",
    "verify_sd_jwt",
]
