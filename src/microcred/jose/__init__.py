"""JOSE for credentials: the Open Badges 3.0 JWT (the payload is the credential), VC-JWT
(the ``vc`` claim) and VC JOSE-COSE ``vc+jwt``.

A codec: signing (with the key's own signer, on ``cryptography``), and decoding without
verifying (``*_unverified``). Only asymmetric algorithms are ever signed or accepted (``none``
and HMAC never). Verification is the JWT route of :mod:`microcred.verify`.
"""

from __future__ import annotations

from .._public import set_public_module as _set_public_module
from ._jwt import (
    DEFAULT_ALGORITHMS,
    JWT_FORMS,
    KEY_ALGORITHMS,
    NEVER_ALGORITHMS,
    REGISTERED_CLAIMS,
    credential_of_payload,
    credential_unverified,
    decode_unverified,
    default_jwt_form,
    issue_jwt,
    numeric_date,
    present_jwt,
    subject_id,
)

__all__ = [
    "DEFAULT_ALGORITHMS",
    "JWT_FORMS",
    "KEY_ALGORITHMS",
    "NEVER_ALGORITHMS",
    "REGISTERED_CLAIMS",
    "credential_of_payload",
    "credential_unverified",
    "decode_unverified",
    "default_jwt_form",
    "issue_jwt",
    "numeric_date",
    "present_jwt",
    "subject_id",
]

_set_public_module(__name__, globals(), __all__)
