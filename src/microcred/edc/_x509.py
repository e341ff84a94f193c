"""X.509 for JAdES: certificates read within limits, paths validated to the caller's trust
anchors with ``pyhanko-certvalidator``, revocation from the signature's own data, and the
qualified-certificate statements (ETSI EN 319 412-5) of a seal certificate.

Nothing is ever fetched: the validation context is built with ``allow_fetching=False`` and
only the CRLs and OCSP responses the signature carries (``rVals``), so a path is validated
with what the signature holds and the anchors the caller gives, never with the operating
system's trust store (an empty anchor list is refused before ``pyhanko-certvalidator`` could
fall back to it).

Revocation information is taken as it stands at any time after the moment validated
(``retroactive_revinfo``): an OCSP response or CRL issued after the signing time says the
certificate was not revoked then (ETSI EN 319 102-1 accepts revocation information issued
after the time it is used for).
"""

from __future__ import annotations

import functools
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ..errors import CertificateError

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

__all__ = [
    "MAX_CERTIFICATE_BYTES",
    "MAX_CRL_BYTES",
    "MAX_OCSP_BYTES",
    "MAX_PATH_SEARCH",
    "ChainResult",
    "QcInfo",
    "bound_search",
    "load_certificate",
    "qc_info",
    "subject_attribute",
    "validate_chain",
]

#: The largest certificate read (DER bytes).
MAX_CERTIFICATE_BYTES = 32 * 1024
#: The largest CRL read (DER bytes).
MAX_CRL_BYTES = 2 * 1024 * 1024
#: The largest OCSP response read (DER bytes).
MAX_OCSP_BYTES = 256 * 1024
#: The most certificates a path search may visit (see :func:`bound_search`).
MAX_PATH_SEARCH = 256
#: The longest certification path searched (certificates below the anchor).
MAX_PATH_LENGTH = 10

_QC_COMPLIANCE = "0.4.0.1862.1.1"
_QC_SSCD = "0.4.0.1862.1.4"
_QC_TYPE = "0.4.0.1862.1.6"
_QC_TYPES = {
    "0.4.0.1862.1.6.1": "esign",
    "0.4.0.1862.1.6.2": "eseal",
    "0.4.0.1862.1.6.3": "web",
}
#: The most QCStatements read from one certificate.
_MAX_STATEMENTS = 32

_T = TypeVar("_T")


def load_certificate(der: bytes, what: str) -> asn1_x509.Certificate:
    """Read one DER certificate strictly.

    Args:
        der: its bytes.
        what: what it is, for the error message (``"x5c[0]"``).

    Returns:
        The certificate (``asn1crypto``), with its fields parsed once.

    Raises:
        CertificateError: over :data:`MAX_CERTIFICATE_BYTES`, or not a DER certificate.
    """
    from asn1crypto import x509

    if len(der) > MAX_CERTIFICATE_BYTES:
        raise CertificateError(f"{what} is over {MAX_CERTIFICATE_BYTES} bytes")
    try:
        certificate = x509.Certificate.load(der, strict=True)
        # parse what every later step reads, so that malformed DER fails here
        _ = certificate.subject, certificate.issuer, certificate.serial_number
        _ = certificate.public_key, certificate["tbs_certificate"]["validity"].native
        _ = certificate.key_usage_value, certificate.extended_key_usage_value
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise CertificateError(f"{what} is not a DER certificate ({type(exc).__name__})") from None
    return certificate


@dataclass(frozen=True)
class QcInfo:
    """What a certificate's QCStatements extension (ETSI EN 319 412-5) declares.

    Attributes:
        statements: whether the certificate has the extension.
        compliance: ``QcCompliance``: an EU qualified certificate.
        qscd: ``QcSSCD``: the private key is in a qualified signature/seal creation device.
        types: the ``QcType`` values (``"esign"``, ``"eseal"``, ``"web"``).
    """

    statements: bool
    compliance: bool
    qscd: bool
    types: tuple[str, ...]


def qc_info(certificate: asn1_x509.Certificate) -> QcInfo:
    """The QCStatements of ``certificate``.

    Raises:
        CertificateError: the extension is present and malformed.
    """
    extension = next(
        (
            e
            for e in certificate["tbs_certificate"]["extensions"]
            if e["extn_id"].dotted == "1.3.6.1.5.5.7.1.3"
        ),
        None,
    )
    if extension is None:
        return QcInfo(False, False, False, ())
    statements_spec, types_spec = _qc_specs()
    try:
        statements = statements_spec.load(extension["extn_value"].contents, strict=True)
        if len(statements) > _MAX_STATEMENTS:
            raise ValueError("too many statements")
        found: dict[str, Any] = {}
        for statement in statements:
            found[statement["statement_id"].dotted] = statement["statement_info"]
        types: list[str] = []
        info = found.get(_QC_TYPE)
        if info is not None and info.contents:
            listed = types_spec.load(info.dump(), strict=True)
            types = [_QC_TYPES.get(t.dotted, t.dotted) for t in list(listed)[:_MAX_STATEMENTS]]
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise CertificateError(f"malformed QCStatements extension ({type(exc).__name__})") from None
    return QcInfo(True, _QC_COMPLIANCE in found, _QC_SSCD in found, tuple(types))


@functools.cache
def _qc_specs() -> tuple[Any, Any]:
    """The ASN.1 types of QCStatements (RFC 3739 §3.2.6) and QcType (EN 319 412-5 §4.2.3)."""
    from asn1crypto import core

    class QcStatement(core.Sequence):  # type: ignore[misc]
        _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
            ("statement_id", core.ObjectIdentifier),
            ("statement_info", core.Any, {"optional": True}),
        ]

    class QcStatements(core.SequenceOf):  # type: ignore[misc]
        _child_spec = QcStatement

    class QcTypes(core.SequenceOf):  # type: ignore[misc]
        _child_spec = core.ObjectIdentifier

    return QcStatements, QcTypes


def subject_attribute(certificate: asn1_x509.Certificate, name: str) -> str | None:
    """The first value of a subject attribute (``"organization_name"``, ``"common_name"``,
    ``"country_name"``), stripped, at most 200 characters; ``None`` when absent."""
    try:
        value = certificate.subject.native.get(name)
    except (ValueError, TypeError):
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class ChainResult:
    """A validated certification path.

    Attributes:
        subjects: the subjects of the path, anchor first (human-friendly, shortened).
        anchor: the trust anchor's subject.
        revocation_checked: whether the end certificate's revocation status was established
            from the revocation information given.
    """

    subjects: tuple[str, ...]
    anchor: str
    revocation_checked: bool


ChainFailure = Literal["untrusted", "expired", "revoked", "invalid", "revocation"]


class ChainError(Exception):
    """A path that does not validate; ``kind`` says how (``untrusted``: no path to an
    anchor; ``expired``: a certificate outside its validity at the moment; ``revoked``;
    ``revocation``: revocation information that does not verify; ``invalid``: anything
    else, a signature or an extension)."""

    def __init__(self, kind: ChainFailure, message: str) -> None:
        super().__init__(message)
        self.kind: ChainFailure = kind
        self.message = message


def describe(certificate: asn1_x509.Certificate) -> str:
    """The certificate's subject, human-friendly, at most 160 characters."""
    try:
        return str(certificate.subject.human_friendly)[:160]
    except (ValueError, TypeError):
        return "(unreadable subject)"


def validate_chain(
    certificate: asn1_x509.Certificate,
    *,
    intermediates: Sequence[asn1_x509.Certificate],
    anchors: Sequence[asn1_x509.Certificate],
    moment: datetime,
    crls: Iterable[bytes] = (),
    ocsps: Iterable[bytes] = (),
) -> ChainResult:
    """Validate ``certificate``'s path to one of ``anchors`` at ``moment``.

    When revocation information is given, the end certificate's status must be established
    from it (a first validation requires it); when that fails only for want of usable
    information, the path is validated without it and :attr:`ChainResult.revocation_checked`
    is false. Intermediate certificates are checked against what is given when it covers
    them.

    Args:
        certificate: the end certificate.
        intermediates: further certificates to build the path from (``x5c``, ``xVals``, a
            time-stamp token's certificates).
        anchors: the caller's trust anchors (non-empty).
        moment: the time to validate at (timezone-aware).
        crls: DER CRLs.
        ocsps: DER OCSP responses.

    Returns:
        The :class:`ChainResult`.

    Raises:
        ValueError: no anchors, or a naive ``moment``.
        ChainError: the path does not validate.
    """
    if not anchors:
        raise ValueError("validate_chain needs at least one trust anchor")
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    crls, ocsps = list(crls), list(ocsps)
    bound_search(certificate, [*intermediates, *_ocsp_certificates(ocsps)])
    if crls or ocsps:
        try:
            path = _run(_validate(certificate, intermediates, anchors, moment, crls, ocsps, True))
            return _result(path, True)
        except ChainError as exc:
            if exc.kind != "revocation":
                raise
    path = _run(_validate(certificate, intermediates, anchors, moment, crls, ocsps, False))
    return _result(path, False)


def bound_search(certificate: asn1_x509.Certificate, pool: Sequence[asn1_x509.Certificate]) -> None:
    """Refuse validation data whose candidate paths are too many to search.

    The path builder tries every chain of certificates whose names link up; a crafted set
    (many CAs of one name certifying each other) makes their number grow exponentially. The
    simple chains from ``certificate`` through ``pool``, linked by issuer and subject name
    alone (a superset of what the builder tries, up to :data:`MAX_PATH_LENGTH`), are counted
    first, and over :data:`MAX_PATH_SEARCH` the search is not started.

    Raises:
        ChainError: (``untrusted``) over the limit.
    """
    by_subject: dict[str, list[bytes]] = {}
    issuers: dict[bytes, str] = {}
    try:
        for candidate in pool:
            der = candidate.dump()
            if der not in issuers:  # each certificate once, however often it is given
                by_subject.setdefault(candidate.subject.hashable, []).append(der)
                issuers[der] = candidate.issuer.hashable
        start = certificate.dump()
        issuers[start] = certificate.issuer.hashable
    except (ValueError, TypeError, KeyError) as exc:
        raise ChainError("invalid", f"a certificate's name cannot be read ({exc})") from None
    stack: list[tuple[bytes, tuple[bytes, ...]]] = [(start, (start,))]
    visited = 0
    while stack:
        current, seen = stack.pop()
        visited += 1
        if visited > MAX_PATH_SEARCH:
            raise ChainError(
                "untrusted",
                f"the certificates given link up into over {MAX_PATH_SEARCH} candidate paths "
                "(a certificate loop or a crafted set): the path search was not started",
            )
        if len(seen) > MAX_PATH_LENGTH:
            continue
        for issuer in by_subject.get(issuers[current], ()):
            if issuer not in seen:
                stack.append((issuer, (*seen, issuer)))


def _ocsp_certificates(ocsps: Sequence[bytes]) -> list[asn1_x509.Certificate]:
    """The certificates OCSP responses carry (the path builder uses them too)."""
    from asn1crypto import ocsp

    found: list[asn1_x509.Certificate] = []
    for der in ocsps:
        try:
            basic = ocsp.OCSPResponse.load(der).basic_ocsp_response
            found += list(basic["certs"] or []) if basic is not None else []
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError):
            continue  # an unreadable response: the validator refuses it on its own
    return found


def _result(path: Any, checked: bool) -> ChainResult:
    subjects = tuple(describe(c) for c in path)
    return ChainResult(subjects, subjects[0], checked)


async def _validate(
    certificate: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    anchors: Sequence[asn1_x509.Certificate],
    moment: datetime,
    crls: list[bytes],
    ocsps: list[bytes],
    require_revocation: bool,
) -> Any:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator import errors as pe
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )

    rule = RevocationCheckingRule
    policy = RevocationCheckingPolicy(
        ee_certificate_rule=rule.CRL_OR_OCSP_REQUIRED
        if require_revocation
        else rule.CHECK_IF_DECLARED_SOFT,
        intermediate_ca_cert_rule=rule.CHECK_IF_DECLARED_SOFT,
    )
    context = ValidationContext(
        trust_roots=list(anchors),
        other_certs=list(intermediates),
        moment=moment,
        allow_fetching=False,
        crls=crls,
        ocsps=ocsps,
        revinfo_policy=CertRevTrustPolicy(policy, retroactive_revinfo=True),
    )
    validator = CertificateValidator(
        certificate, intermediate_certs=list(intermediates), validation_context=context
    )
    try:
        return await validator.async_validate_path()
    except pe.PathBuildingError as exc:
        raise ChainError("untrusted", f"no path to a trust anchor ({_short(exc)})") from None
    except pe.RevokedError as exc:
        raise ChainError("revoked", _short(exc)) from None
    except pe.InsufficientRevinfoError as exc:
        raise ChainError("revocation", _short(exc)) from None
    except (pe.ExpiredError, pe.NotYetValidError) as exc:
        raise ChainError("expired", _short(exc)) from None
    except (pe.ValidationError, pe.PathError, ValueError, TypeError, KeyError) as exc:
        raise ChainError("invalid", _short(exc)) from None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to completion, also when called from inside an event loop (the
    service): then in a worker thread of its own."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
