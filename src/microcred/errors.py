"""Exceptions raised by microcred.

Every failure the library raises on purpose derives from :class:`MicrocredError` and carries a
stable, dotted ``code`` (part of the public contract: it does not change between releases).
Programmer misuse (a wrong argument type, an unknown option) raises ``TypeError`` or
``ValueError`` instead; a *bad credential* never raises from ``verify()``: it is reported.

Each class also says what its failure means for a verification
(:attr:`MicrocredError.indeterminate`): ``True`` when the error means something *could not be
checked* (an unknown context, a key that cannot be resolved, a list that cannot be fetched: the
outcome is ``indeterminate``), ``False`` when it means the input was checked and is wrong
(``invalid``). ``verify()`` decides between
the two from the class alone (:meth:`microcred.report.VerificationReport.add_error`).

The tree::

    MicrocredError                     microcred
    ├── InputError                     input
    │   ├── InputTooLargeError         input.too_large
    │   ├── InputTooDeepError          input.too_deep
    │   ├── DuplicateKeyError          input.duplicate_key
    │   ├── MalformedInputError        input.malformed
    │   │   └── SdJwtError             sdjwt
    │   └── BakingError                input.baking
    ├── JsonLdError                    jsonld
    │   ├── UnknownContextError        jsonld.unknown_context
    │   ├── ContextIntegrityError      jsonld.context_integrity
    │   ├── SafeModeError              jsonld.safe_mode
    │   ├── StrictReadingError         jsonld.strict_reading
    │   ├── ContextLimitError          jsonld.context_limit
    │   ├── CanonicalizationLimitError jsonld.canonicalization_limit
    │   └── JsonLdProcessingError      jsonld.processing
    ├── KeyMaterialError               key
    │   ├── UnsupportedKeyTypeError    key.unsupported
    │   └── InvalidKeyError            key.invalid
    ├── DidError                       did
    │   ├── InvalidDidError            did.invalid
    │   └── DidResolutionError         did.resolution
    ├── NetworkError                   network
    │   ├── NetworkPolicyError         network.policy
    │   └── FetchError                 network.fetch
    ├── TrustSourceError               trust.source
    │   └── TrustedListError           trust.source.trusted_list
    ├── JadesError                     jades
    │   ├── JadesFormatError           jades.format
    │   ├── TimeStampTokenError        jades.timestamp
    │   └── CertificateError           jades.certificate
    ├── SealError                      seal
    │   └── TimestampAuthorityError    seal.timestamp
    ├── ProtocolError                  protocol
    │   └── OAuthError                 protocol.oauth
    ├── ValidationError                validation.failed
    ├── VerificationError              verification.failed
    ├── ModelError (ValueError)        model
    │   ├── IncompleteMicroCredentialError  model.incomplete
    │   ├── FormError                  model.form
    │   ├── StackingError              model.stacking
    │   └── UnconfirmedConceptError    model.unconfirmed_concept
    ├── RosterError (ValueError)       batch.roster
    ├── StoreError                     server.store
    └── ConfigError (ValueError)       server.config

``(ValueError)``: the class is also a :class:`ValueError`, as it was before it joined the tree
(``except ValueError`` keeps catching it).

A warning, not an error (a :class:`UserWarning`, issued with :func:`warnings.warn`)::

    ReversibleIdentityWarning          a salted hash of a low-entropy identifier was written

The command line's ``CliError`` (an exit code) and the service's ``ApiError`` (an HTTP
problem) are not library errors: no library call raises them, and they stay with their front
end (:mod:`microcred.cli`, :mod:`microcred.server`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

__all__ = [
    "DID_ERROR_TYPES",
    "BakingError",
    "CanonicalizationLimitError",
    "CertificateError",
    "ConfigError",
    "ContextIntegrityError",
    "ContextLimitError",
    "DidError",
    "DidResolutionError",
    "DuplicateKeyError",
    "FetchError",
    "FormError",
    "IncompleteMicroCredentialError",
    "InputError",
    "InputTooDeepError",
    "InputTooLargeError",
    "InvalidDidError",
    "InvalidKeyError",
    "JadesError",
    "JadesFormatError",
    "JsonLdError",
    "JsonLdProcessingError",
    "KeyMaterialError",
    "MalformedInputError",
    "MicrocredError",
    "ModelError",
    "NetworkError",
    "NetworkPolicyError",
    "OAuthError",
    "ProtocolError",
    "ReversibleIdentityWarning",
    "RosterError",
    "SafeModeError",
    "SdJwtError",
    "SealError",
    "StackingError",
    "StoreError",
    "StrictReadingError",
    "TimeStampTokenError",
    "TimestampAuthorityError",
    "TrustSourceError",
    "TrustedListError",
    "UnconfirmedConceptError",
    "UnknownContextError",
    "UnsupportedKeyTypeError",
    "ValidationError",
    "VerificationError",
]


class MicrocredError(Exception):
    """Root of every error microcred raises on purpose.

    Attributes:
        code: stable dotted identifier of the error class (e.g. ``"jsonld.unknown_context"``).
        path: JSON path (``$.credentialSubject.achievement``) of the offending value, when known.
        indeterminate: (class attribute) the error means something could not be checked,
            rather than that it was checked and found wrong.
    """

    code: str = "microcred"
    indeterminate: ClassVar[bool] = False

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        if self.path:
            return f"{self.message} (at {self.path})"
        return self.message


class InputError(MicrocredError):
    """The input could not be read as what it claims to be."""

    code = "input"


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""

    code = "input.too_large"


class InputTooDeepError(InputError):
    """JSON nesting is deeper than the configured limit."""

    code = "input.too_deep"


class DuplicateKeyError(InputError):
    """A JSON object has the same member name twice (a signature must not depend on which wins)."""

    code = "input.duplicate_key"


class MalformedInputError(InputError):
    """The input is not well-formed (bad JSON, bad UTF-8, bad encoding)."""

    code = "input.malformed"


class BakingError(InputError):
    """A badge image cannot be baked or unbaked (not a PNG/SVG, malformed, no credential)."""

    code = "input.baking"


class JsonLdError(MicrocredError):
    """JSON-LD processing failed."""

    code = "jsonld"


class UnknownContextError(JsonLdError):
    """A context URL is not known to the document loader (and is never fetched silently)."""

    code = "jsonld.unknown_context"
    indeterminate = True

    def __init__(self, url: str, message: str | None = None) -> None:
        super().__init__(message or f"unknown JSON-LD context: {url}")
        self.url = url


class ContextIntegrityError(JsonLdError):
    """A context's content does not match any known revision or the pinned hash."""

    code = "jsonld.context_integrity"


class SafeModeError(JsonLdError):
    """Safe-mode JSON-LD: a term is undefined, an IRI is relative, or a value would be dropped.

    Attributes:
        term: the offending term or value as written in the document.
    """

    code = "jsonld.safe_mode"

    def __init__(self, message: str, *, term: str, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.term = term


class StrictReadingError(JsonLdError):
    """The document is not in the form microcred reads: what a reader sees by member name
    could differ from what the signature covers (a member name or type written as an IRI,
    a term mapped to a blank node, an embedded context that is not allowed, ...).

    See ``docs/verification.md`` ("The strict reading rule").

    Attributes:
        rule: a short stable name of the rule broken (``"member-name"``, ``"type"``,
            ``"inline-context"``, ``"nested-context"``, ``"blank-node"``, ``"value-form"``,
            ``"feature"``).
    """

    code = "jsonld.strict_reading"

    def __init__(self, message: str, *, rule: str, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.rule = rule


class ContextLimitError(JsonLdError):
    """A document asks for more context processing than the limits allow (too many
    ``@context`` entries, or one context listed twice in one ``@context``)."""

    code = "jsonld.context_limit"


class CanonicalizationLimitError(JsonLdError):
    """RDF canonicalization exceeded its work limit (for example a poison graph)."""

    code = "jsonld.canonicalization_limit"


class JsonLdProcessingError(JsonLdError):
    """The JSON-LD processor rejected the document (invalid syntax, bad context, ...)."""

    code = "jsonld.processing"


class KeyMaterialError(MicrocredError):
    """A key could not be created, imported or used."""

    code = "key"


class UnsupportedKeyTypeError(KeyMaterialError):
    """The key type, curve or algorithm is not supported."""

    code = "key.unsupported"


class InvalidKeyError(KeyMaterialError):
    """The key material is malformed or inconsistent."""

    code = "key.invalid"


#: The error names of DID Resolution (the keywords of its first drafts, still what resolvers
#: and the did:key specification use) → the error type URI of the DID Resolution CR (RFC 9457
#: problem types). The did:key errors (did:key §"Document Creation Algorithm") say the
#: identifier does not encode a usable key: an invalid DID.
DID_ERROR_TYPES: dict[str, str] = {
    "invalidDid": "https://www.w3.org/ns/did#INVALID_DID",
    "invalidDidUrl": "https://www.w3.org/ns/did#INVALID_DID_URL",
    "invalidOptions": "https://www.w3.org/ns/did#INVALID_OPTIONS",
    "notFound": "https://www.w3.org/ns/did#NOT_FOUND",
    "representationNotSupported": "https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED",
    "invalidDidDocument": "https://www.w3.org/ns/did#INVALID_DID_DOCUMENT",
    "methodNotSupported": "https://www.w3.org/ns/did#METHOD_NOT_SUPPORTED",
    "featureNotSupported": "https://www.w3.org/ns/did#FEATURE_NOT_SUPPORTED",
    "internalError": "https://www.w3.org/ns/did#INTERNAL_ERROR",
    "invalidPublicKey": "https://www.w3.org/ns/did#INVALID_DID",
    "invalidPublicKeyLength": "https://www.w3.org/ns/did#INVALID_DID",
    "invalidPublicKeyType": "https://www.w3.org/ns/did#INVALID_DID",
    "unsupportedPublicKeyType": "https://www.w3.org/ns/did#INVALID_DID",
}


class DidError(MicrocredError):
    """A DID or DID URL problem.

    Attributes:
        error: the DID Resolution / did:key error name (``invalidDid``, ``notFound``,
            ``methodNotSupported``, ``invalidPublicKeyLength``, ...; see
            :data:`DID_ERROR_TYPES`); the class gives the default, a raise site may name a
            more specific one.
    """

    code = "did"
    error: str = "internalError"

    def __init__(self, message: str, *, path: str | None = None, error: str | None = None) -> None:
        super().__init__(message, path=path)
        if error is not None:
            if error not in DID_ERROR_TYPES:
                raise ValueError(f"unknown DID error name {error!r}")
            self.error = error

    @property
    def error_type(self) -> str:
        """The error's type URI (DID Resolution, RFC 9457 problem type)."""
        return DID_ERROR_TYPES[self.error]


class InvalidDidError(DidError):
    """The DID or DID URL is syntactically invalid or encodes an unusable key."""

    code = "did.invalid"
    error = "invalidDid"


class DidResolutionError(DidError):
    """The DID (or verification method) could not be resolved with the resolvers given."""

    code = "did.resolution"
    indeterminate = True
    error = "notFound"


class NetworkError(MicrocredError):
    """A network access failed or was not allowed."""

    code = "network"
    indeterminate = True


class NetworkPolicyError(NetworkError):
    """The request is not allowed by policy (offline default, scheme, host, address, redirect)."""

    code = "network.policy"


class FetchError(NetworkError):
    """The request was allowed but failed (status, timeout, size limit, content type)."""

    code = "network.fetch"


class TrustSourceError(MicrocredError):
    """A trust list or issuer registry cannot be used: not readable, not JSON, too large,
    or not of the shape its format has (``microcred.verify.load_trust_list`` /
    ``load_registry``)."""

    code = "trust.source"


class JadesError(MicrocredError):
    """A JAdES signature (ETSI TS 119 182-1, the seal of a European Digital Credential)
    that cannot be read or checked (``microcred.edc``)."""

    code = "jades"


class JadesFormatError(JadesError):
    """Not a JWS JSON serialization of the JAdES profile: a member missing or of the wrong
    type, a header that is not base64url JSON, a ``crit`` parameter not understood, an
    ``etsiU`` entry that cannot be read, or a size or count over the limits."""

    code = "jades.format"


class TimeStampTokenError(JadesError):
    """An RFC 3161 time-stamp token that cannot be read (malformed ASN.1, not a signed
    TSTInfo, over the size limits) or does not verify (imprint, TSA signature)."""

    code = "jades.timestamp"


class CertificateError(JadesError):
    """An X.509 certificate, CRL or OCSP response of a JAdES signature that cannot be read
    (malformed DER, over the size or count limits)."""

    code = "jades.certificate"


class TrustedListError(TrustSourceError):
    """An EU trusted list (ETSI TS 119 612 XML: the List of Trusted Lists or a national
    list) cannot be used: not readable, too large, not XML of that schema, or its XAdES
    signature does not verify with the certificates the caller pins
    (``microcred.edc.load_trusted_list``)."""

    code = "trust.source.trusted_list"


class SealError(MicrocredError):
    """A JAdES seal cannot be made (``microcred.edc.seal``): the key does not match the
    seal certificate, the chain is not a chain, the certificate is not valid at the signing
    time or may not sign, or the credential is not a JSON object."""

    code = "seal"


class TimestampAuthorityError(SealError):
    """The time-stamping authority did not give a usable RFC 3161 time-stamp token: no
    answer, a refusal, or a token over other data than asked."""

    code = "seal.timestamp"


class ProtocolError(MicrocredError):
    """A protocol exchange with a wallet or a client failed (OpenID4VCI, OpenID4VP)."""

    code = "protocol"


class OAuthError(ProtocolError):
    """An OAuth 2.0 / OpenID4VC protocol error, answered to the client as ``{"error": ...,
    "error_description": ...}`` with an HTTP status.

    Attributes:
        error: the registered error code (``invalid_grant``, ``invalid_proof``,
            ``invalid_nonce``, ``invalid_request``, ...), what the client reads.
        status: the HTTP status the service answers with (400 unless the protocol says
            otherwise: 401 for ``invalid_client`` / ``invalid_token``, 429 when rate-limited).
        description: ``error_description``, for a person; never holds a personal identifier.
    """

    code = "protocol.oauth"

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


class _Problem(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...


class _ValidationReport(Protocol):
    """What :class:`ValidationError` reads of a :class:`~microcred.ValidationReport` (this
    module imports nothing of the library: it is the bottom floor)."""

    @property
    def profile(self) -> str: ...
    @property
    def problems(self) -> Sequence[_Problem]: ...


class _Check(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def message(self) -> str: ...


class _VerificationReport(Protocol):
    """What :class:`VerificationError` reads of a :class:`~microcred.VerificationReport`."""

    @property
    def checks(self) -> Sequence[_Check]: ...
    @property
    def outcome(self) -> str: ...


class ValidationError(MicrocredError):
    """Raised by :meth:`~microcred.ValidationReport.raise_for_problems` for an invalid
    document.

    Attributes:
        report: the :class:`~microcred.ValidationReport` with every problem.
    """

    code = "validation.failed"

    def __init__(self, report: _ValidationReport) -> None:
        lines = "; ".join(f"{p.path}: {p.message}" for p in report.problems[:10])
        super().__init__(f"not valid for profile {report.profile}: {lines}")
        self.report = report


class VerificationError(MicrocredError):
    """Raised by :meth:`~microcred.VerificationReport.raise_for_problems` for a report that is
    not verified.

    Attributes:
        report: the :class:`~microcred.VerificationReport` with every check.
    """

    code = "verification.failed"

    def __init__(self, report: _VerificationReport) -> None:
        problems = [c for c in report.checks if c.status in ("failed", "error")]
        lines = "; ".join(f"{c.id}: {c.message}" for c in problems) or "no checks passed"
        super().__init__(f"credential is {report.outcome}: {lines}")
        self.report = report


class ModelError(MicrocredError, ValueError):
    """The data model (:mod:`microcred.model`) cannot build or read what it was given. Also a
    :class:`ValueError`, as these errors were before they joined the tree."""

    code = "model"


class IncompleteMicroCredentialError(ModelError):
    """A mandatory Annex I element is missing; :attr:`missing` names each one."""

    code = "model.incomplete"

    def __init__(self, missing: list[str]) -> None:
        super().__init__("missing mandatory Annex I element(s): " + ", ".join(missing))
        self.missing = missing


class FormError(ModelError):
    """An Annex I form that cannot be used as it is; :attr:`problems` lists every problem,
    each as one line ``"<path>: <what is wrong>"`` (``"learner.nme: unknown member of the
    Annex I form; did you mean 'name'?"``). ``str()`` of the error is those lines, one per
    line. The lines name members and the form's own values of a grade or a date, never a
    learner's identity. A member name over 60 characters is shortened with ``…``."""

    code = "model.form"
    #: At most this many problems are written into ``str()`` (all are in :attr:`problems`).
    shown = 50

    def __init__(self, problems: list[str]) -> None:
        lines = problems[: self.shown]
        if len(problems) > self.shown:
            lines.append(f"... and {len(problems) - self.shown} more problem(s)")
        super().__init__("\n".join(lines))
        self.problems = problems


class StackingError(ModelError):
    """The credentials cannot be stacked (not the same learner, not OB 3.0 credentials)."""

    code = "model.stacking"


class UnconfirmedConceptError(ModelError):
    """:meth:`microcred.model.vocab.Concept.to_elm` was asked for a concept whose EU URI is
    not known."""

    code = "model.unconfirmed_concept"


class RosterError(MicrocredError, ValueError):
    """The roster or template cannot be issued at all (before any row): no column identifies
    the learner, a ``columns=`` mapping names an unknown field or header, or the template is
    not an Annex I form without a learner (an unknown member, a bad value: every problem is
    named, one per line)."""

    code = "batch.roster"


class StoreError(MicrocredError):
    """The store cannot be used now (unreachable, locked for too long, broken): the request
    may succeed later. The message never carries a password."""

    code = "server.store"


class ConfigError(MicrocredError, ValueError):
    """The server configuration (file or arguments) is unusable; the message says why. Also a
    :class:`ValueError`, as it was before it joined the tree."""

    code = "server.config"


class SdJwtError(MalformedInputError):
    """An SD-JWT (or its presentation) breaks a rule of RFC 9901 or SD-JWT VC.

    Attributes:
        check: the verification report check that this failure belongs to
            (``sdjwt.format``, ``sdjwt.disclosures``, ``sdjwt.digest``, ``sdjwt.kb``, ...).
    """

    code = "sdjwt"

    def __init__(self, check: str, message: str, *, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.check = check


class ReversibleIdentityWarning(UserWarning):
    """A credential was built with a salted hash of a low-entropy identifier (a personal
    identity number, an e-mail address): anyone holding the credential can recover the value
    by trying every candidate."""
