"""Data Integrity proofs: one generic engine and one module per cryptosuite.

Suites (``name`` → proof):

==========================  ==========================================================
``eddsa-rdfc-2022``         ``DataIntegrityProof``, Ed25519, RDFC-1.0 (OB 3.0 certification)
``eddsa-jcs-2022``          ``DataIntegrityProof``, Ed25519, JCS
``ecdsa-rdfc-2019``         ``DataIntegrityProof``, P-256 / P-384, RDFC-1.0
``ecdsa-jcs-2019``          ``DataIntegrityProof``, P-256 / P-384, JCS
``ecdsa-sd-2023``           ``DataIntegrityProof``, P-256, selective disclosure: the issuer
                            signs a base proof, the holder :func:`derive` s a disclosure
``Ed25519Signature2020``    legacy proof type, Ed25519, RDFC-1.0
``eddsa-2022``              draft name of ``eddsa-rdfc-2022``; verified, never signed
``Ed25519Signature2018``    legacy detached JWS (``b64: false``), Ed25519, URDNA2015;
                            verified, never signed
``JsonWebSignature2020``    legacy detached JWS, Ed25519 / P-256 / P-384, URDNA2015;
                            verified, never signed
==========================  ==========================================================

A verifier accepts :data:`DEFAULT_SUITES` unless told otherwise: every suite but the two
detached-JWS ones (:data:`OPT_IN_SUITES`), which a caller names to accept them, e.g.
``verify(x, suites=[*DEFAULT_SUITES, "Ed25519Signature2018"])``.
"""

from __future__ import annotations

from .._public import set_public_module as _set_public_module
from ._base import Cryptosuite, JcsSuite, RdfcSuite, SuiteOptions, decode_proof_value
from ._engine import ProofResult, add_proof, format_datetime, parse_datetime, verify_proofs
from ._registry import (
    DEFAULT_SUITES,
    OPT_IN_SUITES,
    SIGNING_SUITES,
    SUITES,
    UNSUPPORTED_SUITES,
    suite_by_name,
    suite_for_proof,
)
from .ecdsa_sd_2023 import derive

__all__ = [
    "DEFAULT_SUITES",
    "OPT_IN_SUITES",
    "SIGNING_SUITES",
    "SUITES",
    "UNSUPPORTED_SUITES",
    "Cryptosuite",
    "JcsSuite",
    "ProofResult",
    "RdfcSuite",
    "SuiteOptions",
    "add_proof",
    "decode_proof_value",
    "derive",
    "format_datetime",
    "parse_datetime",
    "suite_by_name",
    "suite_for_proof",
    "verify_proofs",
]

_set_public_module(__name__, globals(), __all__)
