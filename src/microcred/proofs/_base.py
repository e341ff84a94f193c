"""The shape every cryptosuite has: the stages named in the Data Integrity specifications.

A suite is data (its names, the key types it accepts) plus four stages:

1. **transform** the unsecured document (RDFC-1.0 canonical N-Quads or RFC 8785 JCS);
2. **proof configuration**: canonicalize the proof options the same way;
3. **hash**: ``H(canonical proof configuration) || H(transformed document)`` with the
   suite's hash function (SHA-256, or SHA-384 for ECDSA over P-384);
4. **serialize proof** / **verify proof**: sign the hash data and encode it as a multibase
   base58btc ``proofValue``, or check such a value.

:meth:`Cryptosuite.sign_document` and :meth:`Cryptosuite.check_document` run the four stages;
a suite that does not fit them (``ecdsa-sd-2023`` signs statement by statement) overrides
these two instead.

The generic engine in :mod:`microcred.proofs._engine` drives the stages; suites never see key
bytes, only :class:`~microcred.keys.Signer` / :class:`~microcred.keys.Verifier` objects.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import rfc8785

from ..errors import MalformedInputError
from ..jsonld import (
    CanonicalDataset,
    DocumentLoader,
    Quad,
    canonical_nquads,
    canonicalize,
    to_quads,
)
from ..jsonld._jcs import jcs
from ..keys import Signer, Verifier
from ..keys._multikey import b58decode, b58encode
from ..limits import DEFAULT_LIMITS, Limits

__all__ = ["Cryptosuite", "JcsSuite", "RdfcSuite", "SuiteOptions", "decode_proof_value"]


@dataclass
class SuiteOptions:
    """What a suite needs from its environment for one document.

    Attributes:
        loader: JSON-LD document loader (RDFC suites only).
        limits: resource limits.
        hash_algorithm: ``"sha256"`` or ``"sha384"``, chosen by the engine from the key.
        unsecured_quads: RDF quads of the unsecured document if already computed (reused so a
            document with several proofs is expanded once).
        config_quads: RDF quads of the proof configuration if already computed (verification
            reads each proof under the strict reading rule first; RDFC suites reuse them).
        mandatory_pointers: JSON pointers to what every disclosure must reveal (selective
            disclosure suites only).
    """

    loader: DocumentLoader | None = None
    limits: Limits = DEFAULT_LIMITS
    hash_algorithm: str = "sha256"
    unsecured_quads: list[Quad] | None = None
    config_quads: list[Quad] | None = None
    mandatory_pointers: tuple[str, ...] = ()


def decode_proof_value(proof_value: Any) -> bytes:
    """Decode a multibase base58btc ``proofValue`` (``z...``).

    Raises:
        MalformedInputError: not a string, not base58btc, or empty.
    """
    if not isinstance(proof_value, str) or not proof_value.startswith("z") or len(proof_value) < 2:
        raise MalformedInputError("proofValue must be a multibase base58btc string ('z...')")
    try:
        raw = b58decode(proof_value[1:])
    except ValueError:
        raise MalformedInputError("proofValue is not valid base58btc") from None
    return raw


class Cryptosuite(ABC):
    """One Data Integrity cryptosuite (or legacy proof type).

    Class attributes:
        name: the name callers put in allowlists (the ``cryptosuite`` value, or the proof type
            for legacy suites such as ``"Ed25519Signature2020"``).
        proof_type: the proof's ``type``.
        cryptosuite: the proof's ``cryptosuite`` member (``None`` for legacy suites).
        key_types: key types whose verification methods the suite accepts.
        legacy: superseded suites kept for verifying (and issuing) older credentials.
        verify_only: a draft name microcred verifies but never signs with.
        suite_context: a context the secured document must carry (legacy suites define their
            proof terms in their own context).

    A suite is checked when its class is defined (as a plug-in is checked when it is built):
    a class without its own ``name``, without ``key_types``, a ``DataIntegrityProof`` suite
    without a ``cryptosuite``, or one that leaves a stage abstract raises ``TypeError`` at
    import. A shared base for several suites (:class:`RdfcSuite`, :class:`JcsSuite`) says so
    with ``class RdfcSuite(Cryptosuite, base=True)`` and is not checked.
    """

    name: ClassVar[str]
    proof_type: ClassVar[str] = "DataIntegrityProof"
    cryptosuite: ClassVar[str | None] = None
    key_types: ClassVar[frozenset[str]]
    legacy: ClassVar[bool] = False
    verify_only: ClassVar[bool] = False
    suite_context: ClassVar[str | None] = None
    #: include the document's ``@context`` in the proof stored in the document (JCS suites)
    context_in_proof: ClassVar[bool] = False
    #: a selective disclosure suite (takes mandatory pointers; holders derive proofs)
    selective: ClassVar[bool] = False

    def __init_subclass__(cls, *, base: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not base:
            problem = _suite_class_problem(cls)
            if problem is not None:
                raise TypeError(f"cryptosuite class {cls.__qualname__}: {problem}")

    def hash_algorithm(self, key_type: str) -> str:
        """The hash function for keys of ``key_type`` (SHA-384 for P-384, else SHA-256)."""
        return "sha384" if key_type == "P-384" else "sha256"

    @abstractmethod
    def transform(self, unsecured: Mapping[str, Any], options: SuiteOptions) -> bytes:
        """The canonical form of the unsecured document."""

    @abstractmethod
    def configure(self, proof_config: Mapping[str, Any], options: SuiteOptions) -> bytes:
        """The canonical form of the proof configuration (proof without ``proofValue``,
        with ``@context`` set as the suite requires)."""

    def hash(self, canonical_config: bytes, transformed: bytes, options: SuiteOptions) -> bytes:
        """``H(canonical_config) || H(transformed)``."""
        algorithm = options.hash_algorithm
        return (
            hashlib.new(algorithm, canonical_config).digest()
            + hashlib.new(algorithm, transformed).digest()
        )

    def serialize_proof(self, hash_data: bytes, signer: Signer) -> str:
        """Sign ``hash_data`` and return the ``proofValue``."""
        return "z" + b58encode(signer.sign(hash_data))

    def verify_proof(self, hash_data: bytes, proof_value: Any, verifier: Verifier) -> bool:
        """Check ``proof_value`` over ``hash_data``; False for a wrong or malformed value."""
        try:
            signature = decode_proof_value(proof_value)
        except MalformedInputError:
            return False
        return verifier.verify(hash_data, signature)

    def sign_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        signer: Signer,
        options: SuiteOptions,
    ) -> str:
        """The ``proofValue`` for the proof configuration ``config`` (with the document's
        ``@context``) over the document ``covered``: all four stages."""
        return self.serialize_proof(self._hash_document(config, covered, options), signer)

    def check_document(
        self,
        config: Mapping[str, Any],
        covered: Mapping[str, Any],
        proof_value: Any,
        verifier: Verifier,
        options: SuiteOptions,
    ) -> str | None:
        """Check ``proof_value``: ``None`` when the signature holds, else why not.

        Raises:
            JsonLdError / MalformedInputError: the document cannot be canonicalized.
        """
        hash_data = self._hash_document(config, covered, options)
        if self.verify_proof(hash_data, proof_value, verifier):
            return None
        return "signature does not match the document"

    def _hash_document(
        self, config: Mapping[str, Any], covered: Mapping[str, Any], options: SuiteOptions
    ) -> bytes:
        """The hash data of ``covered`` under ``config``: configure, transform, hash."""
        return self.hash(self.configure(config, options), self.transform(covered, options), options)


def _suite_class_problem(cls: type[Cryptosuite]) -> str | None:
    """What is missing from a suite class, or ``None``: its own ``name``, its key types, the
    ``cryptosuite`` of a Data Integrity proof, an implementation of every stage."""
    name = vars(cls).get("name")
    if not isinstance(name, str) or not name:
        return "a suite names itself (a non-empty class attribute name, not inherited)"
    key_types = getattr(cls, "key_types", None)
    if (
        not isinstance(key_types, frozenset)
        or not key_types
        or not all(isinstance(k, str) for k in key_types)
    ):
        return "key_types must be a non-empty frozenset of key type names"
    if not isinstance(cls.proof_type, str) or not cls.proof_type:
        return "proof_type must be a non-empty string"
    if cls.proof_type == "DataIntegrityProof" and not isinstance(cls.cryptosuite, str):
        return "a DataIntegrityProof suite names its cryptosuite"
    abstract = sorted(
        attr
        for attr in dir(cls)
        if getattr(getattr(cls, attr, None), "__isabstractmethod__", False)
    )
    if abstract:
        return f"stage(s) not implemented: {', '.join(abstract)}"
    return None


class RdfcSuite(Cryptosuite, base=True):
    """Suites that canonicalize with RDFC-1.0 (the proof configuration carries the
    document's ``@context`` while it is canonicalized, but not in the stored proof)."""

    def canonical_document(
        self, unsecured: Mapping[str, Any], options: SuiteOptions
    ) -> CanonicalDataset:
        """The RDFC-1.0 canonical form of the unsecured document (its quads reused from
        ``options.unsecured_quads`` when the caller has them)."""
        quads = _quads(unsecured, options.unsecured_quads, options)
        return canonicalize(quads, hash_algorithm=options.hash_algorithm, limits=options.limits)

    def transform(self, unsecured: Mapping[str, Any], options: SuiteOptions) -> bytes:
        """The canonical N-Quads of the unsecured document (its quads reused from
        ``options.unsecured_quads`` when the caller has them), as UTF-8."""
        return _nquads(_quads(unsecured, options.unsecured_quads, options), options)

    def configure(self, proof_config: Mapping[str, Any], options: SuiteOptions) -> bytes:
        """The RDFC-1.0 canonical form of ``proof_config`` (its quads reused from
        ``options.config_quads`` when the caller has them), as UTF-8."""
        return _nquads(_quads(proof_config, options.config_quads, options), options)


def _quads(
    document: Mapping[str, Any], given: list[Quad] | None, options: SuiteOptions
) -> list[Quad]:
    """``given``, or the quads of ``document``."""
    if given is not None:
        return given
    return to_quads(dict(document), loader=options.loader, limits=options.limits)


def _nquads(quads: list[Quad], options: SuiteOptions) -> bytes:
    """The canonical N-Quads of ``quads`` (RDFC-1.0 with the suite's hash), as UTF-8."""
    nquads = canonical_nquads(quads, hash_algorithm=options.hash_algorithm, limits=options.limits)
    return nquads.encode("utf-8")


class JcsSuite(Cryptosuite, base=True):
    """Suites that canonicalize with RFC 8785 JCS (the stored proof keeps ``@context``)."""

    context_in_proof = True

    def transform(self, unsecured: Mapping[str, Any], options: SuiteOptions) -> bytes:
        try:
            encoded = jcs(unsecured)
        except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:
            raise MalformedInputError(f"document cannot be JCS-canonicalized: {exc}") from None
        return encoded

    def configure(self, proof_config: Mapping[str, Any], options: SuiteOptions) -> bytes:
        return self.transform(proof_config, options)
