"""JAdES baseline signatures (ETSI TS 119 182-1): the checks, in order, and the level.

:func:`check_jades` verifies a JWS JSON serialization (:mod:`._jws`) as JAdES into a
:class:`~microcred.report.VerificationReport`; each step is a named check:

``jades.format``
    the JWS JSON serialization (general with one signature, or flattened), the payload a
    JSON object, the ``etsiU`` array and its components readable within the limits.
``jades.header``
    the protected header's profile: ``alg`` on the allowlist and fitting the certificate's
    key, ``typ`` (when present) ``jose+json``, ``crit`` only with parameters this verifier
    processes (``b64``, ``sigT``, ``adoTst``, and the informational ``srCms``, ``sigPl``,
    ``srAts``), ``b64`` (RFC 7797), ``sigT`` present, ``x5c`` present and readable; the
    signing certificate's references and time in the *protected* header.
``jades.x5t``
    ``x5t#S256`` is the base64url SHA-256 of the DER of ``x5c[0]``, the signing certificate.
``jades.kid``
    when present, ``kid`` is the base64 DER of an ``IssuerSerial`` (RFC 5035) naming that
    certificate's issuer and serial number.
``jades.signature``
    the JWS signature over ``ASCII(protected) || "." || payload`` with the certificate's key
    (RSA PKCS #1 v1.5, RSASSA-PSS, ECDSA P-256/P-384).
``jades.sigT``
    the claimed signing time is a UTC date-time within the certificate's validity, and not
    after the earliest time-stamp that verified (beyond the allowed clock skew).
``jades.adoTst``
    each content time-stamp token stamps the JWS Payload as it stands (the unencoded
    payload when ``b64`` is false, else its base64url text), and precedes the signature
    time-stamp.
``jades.sigTst``
    each signature time-stamp token stamps the base64url JWS Signature Value
    (ETSI TS 119 182-1 §5.3.4).
``jades.arcTst``
    each archive time-stamp token stamps the payload (as for ``adoTst``), ``"."``, the
    base64url protected header, ``"."``, the base64url signature, ``"."``, and the
    base64url ``etsiU`` elements before it, in order (§5.3.6.3, for base64url-encoded
    ``etsiU``; clear JSON components would need a canonicalization this verifier does
    not implement: the check is then ``error``).
``jades.chain``
    the signing certificate's path to one of the caller's trust anchors (``x5c``,
    ``xVals`` and the anchors), at the earliest time a verified time-stamp proves the
    signature existed (else at ``now``), and its key usage (``digitalSignature`` or
    ``nonRepudiation``). Each time-stamp's TSA certificate is validated the same way, at
    the time of the archive time-stamp that covers it, or at ``now``.
``jades.revocation``
    the signing certificate's revocation status from the signature's own ``rVals`` (CRLs,
    OCSP responses); never fetched. Without usable revocation information the check is
    skipped and the report warns.
``jades.qc``
    informational: the certificate's QCStatements (``QcCompliance``, ``QcType``,
    ``QcSSCD``), reported, never deciding the outcome.

The level (:data:`~microcred.report.JadesLevel`): ``B-B`` when the format, header,
certificate references, signature and signing time passed; ``B-T`` when also a signature
time-stamp passed; ``B-LT`` when also the chain was validated with the signature's
``xVals``/``rVals`` and the signing certificate's revocation status established from them;
``B-LTA`` when also an archive time-stamp passed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from .. import _json
from ..errors import CertificateError, JadesFormatError, MicrocredError, TimeStampTokenError
from ..limits import DEFAULT_LIMITS, Limits
from ..report import CheckStatus, JadesLevel, SealInfo, VerificationReport
from ._jws import JwsJson, JwsSignature, b64url_decode, b64url_encode, check_crit, read_jws_json
from ._tsp import TimeStamp, read_token, verify_token
from ._x509 import (
    MAX_CRL_BYTES,
    MAX_OCSP_BYTES,
    ChainError,
    describe,
    load_certificate,
    qc_info,
    subject_attribute,
    validate_chain,
)

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

__all__ = [
    "JADES_ALGORITHMS",
    "UNDERSTOOD_CRIT",
    "JadesSigned",
    "check_jades",
    "looks_like_jades",
    "read_sealed",
    "verify_jades",
]

#: ``alg`` values accepted (never ``none`` or HMAC).
JADES_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
#: Extension header parameters this verifier processes (``crit`` may list only these).
UNDERSTOOD_CRIT = frozenset({"b64", "sigT", "adoTst", "srCms", "sigPl", "srAts"})
#: The most certificates in ``x5c``.
MAX_X5C = 10
#: The most ``etsiU`` elements.
MAX_ETSIU = 32
#: The most tokens of one time-stamp component.
MAX_TOKENS = 4
#: The most certificates in ``xVals``, and CRLs or OCSP responses in ``rVals``.
MAX_VALUES = 32
#: The largest decoded ``etsiU`` element (bytes).
MAX_ETSIU_BYTES = 4 * 1024 * 1024

_KEY_ALGORITHMS = {
    "RSA": frozenset({"RS256", "RS384", "RS512", "PS256"}),
    "P-256": frozenset({"ES256"}),
    "P-384": frozenset({"ES384"}),
}
_JADES_MARKERS = ("sigT", "etsiU", "adoTst", "sigD", "sigX5ts", "x5t#o", "srCms")


def looks_like_jades(value: Any) -> bool:
    """Whether ``value`` is a JWS JSON serialization whose (first) signature carries a
    JAdES marker: ``b64: false``, ``sigT``, ``adoTst`` or another JAdES header parameter
    in its protected header, or ``etsiU`` in its unprotected one. Cheap: decodes at most
    one protected header, and never raises."""
    if not isinstance(value, Mapping) or "payload" not in value:
        return False
    entries = value.get("signatures")
    entry = entries[0] if isinstance(entries, list) and entries else value
    if not isinstance(entry, Mapping) or not isinstance(entry.get("protected"), str):
        return False
    header = entry.get("header")
    if isinstance(header, Mapping) and "etsiU" in header:
        return True
    try:
        protected = json.loads(b64url_decode(entry["protected"], "protected"))
    except (JadesFormatError, ValueError, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(protected, dict) and (
        protected.get("b64") is False or any(m in protected for m in _JADES_MARKERS)
    )


@dataclass
class JadesSigned:
    """What :func:`check_jades` established, for the verification pipeline.

    Attributes:
        document: the payload, a JSON object (the credential or presentation).
        signed: whether the signature verified (``jades.signature`` passed).
        anchor: the trust anchor's subject the signing certificate's path validated to
            (``None``: it did not validate).
        seal: who sealed it, from the signing certificate.
        path: where the signature is (``$.signatures[0]``, or ``$`` when flattened).
        chain: the ``x5c`` certificates (DER), the seal certificate first.
        proven_time: the moment the seal is proven to exist at: its earliest verified
            signature time-stamp's, else the verification's (``sigT`` is only claimed).
    """

    document: dict[str, Any]
    signed: bool
    anchor: str | None
    seal: SealInfo | None
    path: str = "$.signatures[0]"
    chain: tuple[bytes, ...] = ()
    proven_time: datetime | None = None


@dataclass
class _Component:
    """One ``etsiU`` element: its name, value, and the base64url text it stood as."""

    name: str
    value: Any
    raw: str | None


@dataclass
class _State:
    """What the checks of one signature found, passed from step to step."""

    jws: JwsJson
    signature: JwsSignature
    certificates: list[asn1_x509.Certificate] = field(default_factory=list)
    components: list[_Component] = field(default_factory=list)
    extra: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)
    signing_time: datetime | None = None
    sig_times: list[datetime] = field(default_factory=list)
    arc_ok: bool = False
    b_b: bool = False
    #: TSA certificate (DER) and moment → how its path validated (``None``: it did)
    tsa_paths: dict[tuple[bytes, datetime], ChainError | None] = field(default_factory=dict)


def read_sealed(
    value: Any, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, Any], SealInfo | None]:
    """The payload of a JAdES-sealed document and who its signing certificate names,
    **without verifying anything** (for ``microcred inspect``: what the seal claims).

    Args:
        value: the parsed JWS JSON serialization.
        limits: JSON limits for the headers and payload.

    Returns:
        The payload (a JSON object) and the :class:`~microcred.report.SealInfo` of
        ``x5c[0]`` (``None`` when there is no readable certificate).

    Raises:
        JadesFormatError: not a JWS JSON serialization, or a payload that is not a JSON
            object.
    """
    jws = read_jws_json(value, limits=limits)
    try:
        document = _json.loads(jws.payload_bytes, limits=limits)
    except (MicrocredError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise JadesFormatError(f"the payload is not JSON: {exc}"[:300]) from None
    if not isinstance(document, dict):
        raise JadesFormatError("the payload is not a JSON object")
    state = _State(jws, jws.signatures[0])
    try:
        state.certificates = _x5c(state.signature.protected.get("x5c"))
    except (JadesFormatError, CertificateError):
        return document, None
    return document, _seal_info(state.certificates[0], state)


def verify_jades(
    value: Any,
    *,
    trust_anchors: Iterable[bytes] = (),
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    limits: Limits = DEFAULT_LIMITS,
) -> VerificationReport:
    """Verify a JAdES signature (a sealed European Digital Credential) on its own: the
    checks of :func:`check_jades` only (the credential's own checks, such as its validity
    dates and status, are :func:`microcred.verify`'s, which runs both).

    Args:
        value: the parsed JWS JSON serialization.
        trust_anchors: DER certificates the signing certificate's and the TSAs' paths must
            end at (none: the chains cannot be trusted, ``jades.chain`` is ``error``).
        now: the time to validate at when no time-stamp proves an earlier one (default:
            the current time).
        max_clock_skew: tolerance between the claimed signing time and the time-stamps.
        limits: JSON limits for the headers and payload.

    Returns:
        A report with ``format`` ``"jades"``, the checks, ``jades_level`` and ``seal``.
    """
    report = VerificationReport()
    check_jades(
        report,
        value,
        trust_anchors=tuple(trust_anchors),
        now=now or datetime.now(timezone.utc),
        max_clock_skew=max_clock_skew,
        limits=limits,
    )
    return report


def check_jades(
    report: VerificationReport,
    value: Any,
    *,
    trust_anchors: Sequence[bytes],
    now: datetime,
    max_clock_skew: timedelta,
    limits: Limits,
    algorithms: Collection[str] | None = None,
    anchors_at: Callable[[datetime], Sequence[bytes]] | None = None,
) -> JadesSigned | None:
    """Run the JAdES checks (module docs) on ``value`` into ``report``.

    Args:
        report: the report to add to; its ``format``, ``jades_level`` and ``seal`` are set.
        value: the parsed JWS JSON serialization.
        trust_anchors: DER trust anchors (see :func:`verify_jades`).
        now: the validation time without an earlier proof of existence.
        max_clock_skew: tolerance between ``sigT`` and the time-stamps.
        limits: JSON limits.
        algorithms: accepted ``alg`` values (default :data:`JADES_ALGORITHMS`).
        anchors_at: more trust anchors for the seal certificate's path, by the time the
            path is validated at (the EU trusted lists' services granted then).

    Returns:
        The payload and what was established, or ``None`` when the checks stopped before
        a payload could be read (the report says why).
    """
    report.format = "jades"
    state = _read(report, value, limits)
    if state is None:
        return None
    document = _payload_document(report, state.jws, limits)
    if document is None:
        return None
    kind = "presentation" if _is_presentation(document) else "credential"
    report.kind = kind
    allowed = set(algorithms or JADES_ALGORITHMS) & set(JADES_ALGORITHMS)
    leaf = _check_header(report, state, allowed, limits)
    if leaf is None:
        return JadesSigned(document, False, None, None, state.signature.path)
    report.seal = _seal_info(leaf, state)
    state.b_b = _check_references(report, state, leaf)
    signed = _check_signature(report, state, leaf)
    state.b_b = state.b_b and signed
    _check_signing_time(report, state, leaf)
    anchors = _anchors(trust_anchors)
    _check_timestamps(report, state, anchors, now, max_clock_skew)
    if state.sig_times and report.seal is not None:
        report.seal = replace(
            report.seal, timestamp_time=f"{min(state.sig_times):%Y-%m-%dT%H:%M:%SZ}"
        )
    proven = min(state.sig_times) if state.sig_times else now
    if anchors_at is not None:
        anchors = [*anchors, *_anchors(anchors_at(proven))]
    anchor, revocation = _check_chain(report, state, leaf, anchors, now)
    _check_qc(report, leaf)
    report.jades_level = _level(report, state, revocation)
    chain = tuple(c.dump() for c in state.certificates)
    return JadesSigned(document, signed, anchor, report.seal, state.signature.path, chain, proven)


# -- reading ---------------------------------------------------------------------------------


def _read(report: VerificationReport, value: Any, limits: Limits) -> _State | None:
    try:
        jws = read_jws_json(value, limits=limits)
        if len(jws.signatures) != 1:
            raise JadesFormatError(
                "a JAdES-sealed credential carries one signature; this JWS has "
                f"{len(jws.signatures)} (several are not supported)"
            )
        state = _State(jws, jws.signatures[0])
        _read_etsiu(state, limits)
    except JadesFormatError as exc:
        report.add("jades.format", "failed", exc.message)
        return None
    except CertificateError as exc:
        report.add("jades.format", "failed", f"unsigned validation data: {exc.message}")
        return None
    form = "flattened" if jws.flattened else "general"
    encoding = "unencoded (b64: false)" if not jws.encoded else "base64url"
    report.add(
        "jades.format",
        "passed",
        f"JWS JSON serialization ({form}), payload {encoding}, "
        f"{len(state.components)} etsiU component(s)",
        state.signature.path,
    )
    return state


def _read_etsiu(state: _State, limits: Limits) -> None:
    etsiu = state.signature.header.get("etsiU")
    if etsiu is None:
        return
    if not isinstance(etsiu, list) or len(etsiu) > MAX_ETSIU:
        raise JadesFormatError(f"etsiU must be an array of at most {MAX_ETSIU} elements")
    encoded = {isinstance(item, str) for item in etsiu}
    if len(encoded) > 1:
        raise JadesFormatError(
            "etsiU mixes base64url-encoded and clear JSON elements (they must all be one form)"
        )
    for index, item in enumerate(etsiu):
        raw = item if isinstance(item, str) else None
        if raw is not None:
            if len(raw) > MAX_ETSIU_BYTES * 4 // 3 + 4:
                raise JadesFormatError(f"etsiU[{index}] is over {MAX_ETSIU_BYTES} bytes")
            try:
                item = _json.loads(b64url_decode(raw, f"etsiU[{index}]"), limits=limits)
            except JadesFormatError:
                raise
            except (MicrocredError, ValueError, UnicodeDecodeError, RecursionError):
                raise JadesFormatError(f"etsiU[{index}] is not base64url JSON") from None
        if not isinstance(item, dict) or len(item) != 1:
            raise JadesFormatError(f"etsiU[{index}] must be an object with one member")
        ((name, component),) = item.items()
        state.components.append(_Component(name, component, raw))
    for component in state.components:
        if component.name == "xVals":
            state.extra += _read_xvals(component.value)
        elif component.name == "rVals":
            _read_rvals(state, component.value)


def _read_xvals(value: Any) -> list[asn1_x509.Certificate]:
    if not isinstance(value, list) or len(value) > MAX_VALUES:
        raise JadesFormatError(f"xVals must be an array of at most {MAX_VALUES} entries")
    found = []
    for index, entry in enumerate(value):
        cert = entry.get("x509Cert") if isinstance(entry, dict) else None
        if not isinstance(cert, dict):
            continue  # otherCert (attribute certificates): not used for a path
        found.append(load_certificate(_b64_value(cert, f"xVals[{index}]"), f"xVals[{index}]"))
    return found


def _read_rvals(state: _State, value: Any) -> None:
    if not isinstance(value, dict):
        raise JadesFormatError("rVals must be an object")
    for name, limit, into in (
        ("crlVals", MAX_CRL_BYTES, state.crls),
        ("ocspVals", MAX_OCSP_BYTES, state.ocsps),
    ):
        entries = value.get(name, [])
        if not isinstance(entries, list) or len(entries) > MAX_VALUES:
            raise JadesFormatError(f"rVals.{name} must be an array of at most {MAX_VALUES}")
        for index, entry in enumerate(entries):
            der = _b64_value(entry, f"rVals.{name}[{index}]")
            if len(der) > limit:
                raise JadesFormatError(f"rVals.{name}[{index}] is over {limit} bytes")
            into.append(der)


def _b64_value(entry: Any, what: str) -> bytes:
    """The bytes of a JAdES ``{"val": base64}`` object (standard base64, as ``x5c``)."""
    value = entry.get("val") if isinstance(entry, dict) else None
    encoding = entry.get("encoding") if isinstance(entry, dict) else None
    if encoding is not None:
        raise JadesFormatError(f"{what}: encoding {str(encoding)[:80]!r} is not supported")
    return _b64(value, what)


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise JadesFormatError(f"{what} must be a non-empty base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise JadesFormatError(f"{what} is not base64") from None


def _payload_document(
    report: VerificationReport, jws: JwsJson, limits: Limits
) -> dict[str, Any] | None:
    try:
        document = _json.loads(jws.payload_bytes, limits=limits)
    except (MicrocredError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        report.add("jades.format", "failed", f"the payload is not JSON: {exc}"[:300], "$.payload")
        return None
    if not isinstance(document, dict):
        report.add(
            "jades.format",
            "failed",
            "the payload is not a JSON object (a credential or presentation)",
            "$.payload",
        )
        return None
    return document


def _is_presentation(document: Mapping[str, Any]) -> bool:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiablePresentation" in types


# -- header and certificate references ---------------------------------------------------------


def _check_header(
    report: VerificationReport, state: _State, allowed: Collection[str], limits: Limits
) -> asn1_x509.Certificate | None:
    signature = state.signature
    protected = signature.protected
    try:
        crit = check_crit(signature, UNDERSTOOD_CRIT)
        alg = protected.get("alg")
        if alg not in allowed:
            raise JadesFormatError(
                f"alg {str(alg)[:40]!r} is not accepted (accepted: {', '.join(sorted(allowed))})"
            )
        typ = protected.get("typ")
        if typ is not None and typ not in ("jose+json", "application/jose+json"):
            raise JadesFormatError(f"typ {str(typ)[:40]!r} is not jose+json")
        for name in ("x5c", "x5t#S256", "kid", "sigT", "adoTst"):
            if name in signature.header:
                raise JadesFormatError(f"{name} must be in the protected header")
        if "sigT" not in protected:
            raise JadesFormatError("sigT (the claimed signing time) is missing")
        if "sigD" in protected:
            raise JadesFormatError("a detached signature (sigD) is not supported")
        state.certificates = _x5c(protected.get("x5c"))
    except (JadesFormatError, CertificateError) as exc:
        report.add("jades.header", "failed", exc.message, signature.path + ".protected")
        return None
    leaf = state.certificates[0]
    key_type = _key_type(leaf)
    if alg not in _KEY_ALGORITHMS.get(key_type or "", frozenset()):
        report.add(
            "jades.header",
            "failed",
            f"alg {alg} does not fit the signing certificate's {key_type or 'unsupported'} key",
            signature.path + ".protected",
        )
        return None
    listed = f", crit [{', '.join(crit)}]" if crit else ""
    report.add(
        "jades.header",
        "passed",
        f"alg {alg}{listed}, {len(state.certificates)} certificate(s) in x5c",
        signature.path + ".protected",
    )
    return leaf


def _x5c(value: Any) -> list[asn1_x509.Certificate]:
    if (
        not isinstance(value, list)
        or not value
        or len(value) > MAX_X5C
        or not all(isinstance(v, str) for v in value)
    ):
        raise JadesFormatError(
            f"x5c must be an array of 1 to {MAX_X5C} base64 certificates (the signing "
            "certificate first)"
        )
    return [load_certificate(_b64(v, f"x5c[{i}]"), f"x5c[{i}]") for i, v in enumerate(value)]


def _key_type(certificate: asn1_x509.Certificate) -> str | None:
    key = certificate.public_key
    if key.algorithm == "rsa":
        return "RSA"
    if key.algorithm == "ec":
        curve = key.curve[1] if key.curve[0] == "named" else None
        return {"secp256r1": "P-256", "secp384r1": "P-384"}.get(str(curve))
    return None


def _check_references(
    report: VerificationReport, state: _State, leaf: asn1_x509.Certificate
) -> bool:
    protected = state.signature.protected
    path = state.signature.path + ".protected"
    thumbprint = protected.get("x5t#S256")
    ok = True
    if thumbprint is None:
        report.add(
            "jades.x5t",
            "failed",
            "x5t#S256 (the signing certificate's SHA-256 thumbprint) is missing",
            path,
        )
        ok = False
    elif thumbprint != b64url_encode(hashlib.sha256(leaf.dump()).digest()):
        report.add("jades.x5t", "failed", "x5t#S256 is not the thumbprint of x5c[0]", path)
        ok = False
    else:
        report.add("jades.x5t", "passed", "x5t#S256 is the thumbprint of x5c[0]", path)
    kid = protected.get("kid")
    if kid is None:
        report.add("jades.kid", "skipped", "no kid", path)
        return ok
    problem = _kid_problem(kid, leaf)
    if problem is not None:
        report.add("jades.kid", "failed", problem, path)
        return False
    report.add("jades.kid", "passed", "kid (IssuerSerial) names x5c[0]'s issuer and serial", path)
    return ok


def _kid_problem(kid: Any, leaf: asn1_x509.Certificate) -> str | None:
    from asn1crypto import cms

    try:
        der = _b64(kid, "kid")
        issuer_serial = cms.IssuerSerial.load(der, strict=True)
        names = [n.chosen for n in issuer_serial["issuer"] if n.name == "directory_name"]
        serial = issuer_serial["serial"].native
    except (JadesFormatError, ValueError, TypeError, KeyError, IndexError, OverflowError):
        return "kid is not the base64 DER of an IssuerSerial"
    if serial != leaf.serial_number or not any(n == leaf.issuer for n in names):
        return "kid (IssuerSerial) does not name x5c[0]'s issuer and serial number"
    return None


def _check_signature(
    report: VerificationReport, state: _State, leaf: asn1_x509.Certificate
) -> bool:
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    from ..keys import KeyPair

    alg = str(state.signature.protected["alg"])
    try:
        key = KeyPair.from_cryptography(
            load_der_public_key(leaf.public_key.dump()),  # type: ignore[arg-type]
            did_method="jwk",
        )
        good = key.verifier(alg).verify(
            state.jws.signing_input(state.signature), state.signature.signature
        )
    except (MicrocredError, ValueError, TypeError) as exc:
        report.add(
            "jades.signature",
            "failed",
            f"the signing certificate's key cannot check the signature: {exc}"[:300],
            state.signature.path,
        )
        return False
    if not good:
        report.add(
            "jades.signature",
            "failed",
            "the signature does not match the protected header and payload",
            state.signature.path + ".signature",
        )
        return False
    report.add(
        "jades.signature",
        "passed",
        f"{alg} signature verified with the key of {describe(leaf)}",
        state.signature.path + ".signature",
    )
    return True


def _check_signing_time(
    report: VerificationReport, state: _State, leaf: asn1_x509.Certificate
) -> None:
    value = state.signature.protected.get("sigT")
    path = state.signature.path + ".protected"
    moment = _utc_time(value)
    if moment is None:
        report.add(
            "jades.sigT", "failed", "sigT is not a UTC date-time (YYYY-MM-DDThh:mm:ssZ)", path
        )
        state.b_b = False
        return
    state.signing_time = moment
    validity = leaf["tbs_certificate"]["validity"].native
    if not validity["not_before"] <= moment <= validity["not_after"]:
        report.add(
            "jades.sigT",
            "failed",
            f"the claimed signing time {value} is outside the signing certificate's validity "
            f"({validity['not_before']:%Y-%m-%d} to {validity['not_after']:%Y-%m-%d})",
            path,
        )
        state.b_b = False
        return
    report.add(
        "jades.sigT", "passed", f"signing time {value}, within the certificate's validity", path
    )


def _utc_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.endswith("Z") or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None
    return moment if moment.utcoffset() == timedelta(0) else None


def _anchors(trust_anchors: Sequence[bytes]) -> list[asn1_x509.Certificate]:
    """The caller's anchors as read; one that cannot be (over the certificate size limit,
    DER ``asn1crypto`` refuses) is left out: it anchors nothing."""
    found = []
    for der in trust_anchors:
        try:
            found.append(load_certificate(der, "trust anchor"))
        except CertificateError:
            continue
    return found


# -- time-stamps -------------------------------------------------------------------------------


@dataclass
class _Stamp:
    """One verified time-stamp token and the certificate of its TSA."""

    token: TimeStamp
    tsa: asn1_x509.Certificate


@dataclass
class _StampOutcome:
    """What one time-stamp component's check found: its status and message, its tokens
    (once they verified), and the time they prove (once their TSAs validated)."""

    status: CheckStatus
    message: str
    stamps: list[_Stamp] = field(default_factory=list)
    proven: datetime | None = None


def _check_timestamps(
    report: VerificationReport,
    state: _State,
    anchors: Sequence[asn1_x509.Certificate],
    now: datetime,
    skew: timedelta,
) -> None:
    """``arcTst`` (newest first, each proving the time of what it covers), then ``sigTst``
    and ``adoTst`` at the proven time."""
    signature = state.signature
    moment = now
    arcs = [(i, c) for i, c in enumerate(state.components) if c.name == "arcTst"]
    found: list[tuple[_StampOutcome, str]] = []
    for index, component in reversed(arcs):
        data = _archive_input(state, index)
        outcome = _stamp_outcome(component.value, data, state, anchors, moment, "archive")
        found.append((outcome, f"{signature.path}.header.etsiU[{index}]"))
        if outcome.proven is not None:
            moment = outcome.proven
            state.arc_ok = True
    for outcome, path in reversed(found):
        report.add("jades.arcTst", outcome.status, outcome.message, path)
    sig_components = [(i, c) for i, c in enumerate(state.components) if c.name == "sigTst"]
    for index, component in sig_components:
        data = signature.signature_b64.encode("ascii")
        outcome = _stamp_outcome(component.value, data, state, anchors, moment, "signature")
        if outcome.proven is not None:
            state.sig_times.append(outcome.proven)
        path = f"{signature.path}.header.etsiU[{index}]"
        report.add("jades.sigTst", outcome.status, outcome.message, path)
    if not sig_components:
        report.add("jades.sigTst", "skipped", "no signature time-stamp (sigTst): level B-B at most")
    _check_content_stamps(report, state, anchors, moment, now)
    _check_stamp_order(report, state, skew)


def _check_content_stamps(
    report: VerificationReport,
    state: _State,
    anchors: Sequence[asn1_x509.Certificate],
    moment: datetime,
    now: datetime,
) -> None:
    value = state.signature.protected.get("adoTst")
    path = state.signature.path + ".protected.adoTst"
    if value is None:
        report.add("jades.adoTst", "skipped", "no content time-stamp (adoTst)")
        return
    data = state.jws.payload.encode("utf-8")
    outcome = _stamp_outcome(value, data, state, anchors, moment, "content")
    latest = min(state.sig_times) if state.sig_times else now
    if outcome.proven is not None and any(s.token.gen_time > latest for s in outcome.stamps):
        outcome = _StampOutcome(
            "failed", "the content time-stamp is later than the signature time-stamp"
        )
    report.add("jades.adoTst", outcome.status, outcome.message, path)


def _check_stamp_order(report: VerificationReport, state: _State, skew: timedelta) -> None:
    """A claimed signing time later than the signature time-stamp is false."""
    if state.signing_time is None or not state.sig_times:
        return
    if state.signing_time > min(state.sig_times) + skew:
        report.add(
            "jades.sigT",
            "failed",
            f"the claimed signing time {state.signing_time:%Y-%m-%dT%H:%M:%SZ} is later than "
            f"the signature time-stamp ({min(state.sig_times):%Y-%m-%dT%H:%M:%SZ})",
        )
        state.b_b = False


def _archive_input(state: _State, index: int) -> bytes | None:
    """The bytes an ``arcTst`` at ``etsiU[index]`` stamps (module docs), or ``None`` for
    clear JSON ``etsiU`` elements."""
    before = state.components[:index]
    if any(c.raw is None for c in [*before, state.components[index]]):
        return None
    jws, signature = state.jws, state.signature
    return b"".join(
        [
            jws.payload.encode("utf-8"),
            b".",
            signature.protected_b64.encode("ascii"),
            b".",
            signature.signature_b64.encode("ascii"),
            b".",
            *(str(c.raw).encode("ascii") for c in before),
        ]
    )


def _stamp_outcome(
    value: Any,
    data: bytes | None,
    state: _State,
    anchors: Sequence[asn1_x509.Certificate],
    moment: datetime,
    what: str,
) -> _StampOutcome:
    """Read and verify the tokens of one time-stamp component over ``data``, then validate
    each TSA certificate's path at ``moment``."""
    if data is None:
        return _StampOutcome(
            "error",
            "the archive time-stamp covers clear JSON etsiU elements, whose canonicalization "
            "is not implemented: it was not checked",
        )
    try:
        stamps = []
        for der in _tokens(value):
            token = read_token(der)
            stamps.append(_Stamp(token, verify_token(token, data, state.extra, anchors)))
    except (JadesFormatError, TimeStampTokenError) as exc:
        return _StampOutcome("failed", exc.message)
    if not anchors:
        return _StampOutcome(
            "error",
            "the time-stamp verifies, but no trust anchors were given for its TSA "
            "certificate (trust_anchors=, --trust-anchor)",
            stamps,
        )
    for stamp in stamps:
        problem = _tsa_path(stamp, state, anchors, moment)
        if problem is not None:
            return _StampOutcome(
                "failed" if problem.kind in ("revoked", "invalid") else "error",
                f"the time-stamp verifies, but its TSA certificate ({describe(stamp.tsa)}) "
                f"does not validate at {moment:%Y-%m-%dT%H:%M:%SZ}: {problem.message}"[:400],
                stamps,
            )
    first = stamps[0]
    message = (
        f"{what} time-stamp of {first.token.gen_time:%Y-%m-%dT%H:%M:%SZ} by "
        f"{describe(first.tsa)}: imprint, TSA signature and certificate verified"
    )
    return _StampOutcome("passed", message, stamps, min(s.token.gen_time for s in stamps))


def _tsa_path(
    stamp: _Stamp, state: _State, anchors: Sequence[asn1_x509.Certificate], moment: datetime
) -> ChainError | None:
    """How the path of ``stamp``'s TSA certificate validates at ``moment`` (``None``: it
    does), once per certificate and moment (the tokens of one TSA share it)."""
    key = (stamp.tsa.dump(), moment)
    if key not in state.tsa_paths:
        try:
            validate_chain(
                stamp.tsa,
                intermediates=[*stamp.token.certificates, *state.extra],
                anchors=anchors,
                moment=moment,
                crls=state.crls,
                ocsps=state.ocsps,
            )
            state.tsa_paths[key] = None
        except ChainError as exc:
            state.tsa_paths[key] = exc
    return state.tsa_paths[key]


def _tokens(value: Any) -> list[bytes]:
    if not isinstance(value, dict):
        raise JadesFormatError("a time-stamp component must be an object with tstTokens")
    if value.get("canonAlg") is not None:
        raise JadesFormatError("canonAlg is not supported")
    if value.get("timeStamped", "all") != "all":
        raise JadesFormatError("an archive time-stamp over other than 'all' is not supported")
    tokens = value.get("tstTokens")
    if not isinstance(tokens, list) or not tokens or len(tokens) > MAX_TOKENS:
        raise JadesFormatError(f"tstTokens must be an array of 1 to {MAX_TOKENS} tokens")
    found = []
    for index, token in enumerate(tokens):
        kind = token.get("type") if isinstance(token, dict) else None
        if kind not in (None, "DER"):
            raise JadesFormatError(f"tstTokens[{index}]: type {str(kind)[:40]!r} is not DER")
        found.append(_b64_value(token, f"tstTokens[{index}]"))
    return found


# -- the chain, revocation, QCStatements, level ----------------------------------------------


def _check_chain(
    report: VerificationReport,
    state: _State,
    leaf: asn1_x509.Certificate,
    anchors: Sequence[asn1_x509.Certificate],
    now: datetime,
) -> tuple[str | None, bool]:
    """The signing certificate's path, and whether its revocation status was established."""
    path = state.signature.path + ".protected.x5c"
    if not anchors:
        report.add(
            "jades.chain",
            "error",
            "no trust anchors were given (trust_anchors=, --trust-anchor): the seal "
            "certificate cannot be trusted",
            path,
        )
        report.add("jades.revocation", "skipped", "the chain was not validated")
        return None, False
    proven = [*state.sig_times]
    moment = min(proven) if proven else now
    try:
        result = validate_chain(
            leaf,
            intermediates=[*state.certificates[1:], *state.extra],
            anchors=anchors,
            moment=moment,
            crls=state.crls,
            ocsps=state.ocsps,
        )
    except ChainError as exc:
        status = "failed" if exc.kind in ("revoked", "invalid") else "error"
        check = "jades.revocation" if exc.kind == "revoked" else "jades.chain"
        report.add(
            check,
            status,  # type: ignore[arg-type]
            f"the seal certificate does not validate at {moment:%Y-%m-%dT%H:%M:%SZ}: {exc.message}"[
                :400
            ],
            path,
        )
        return None, False
    usage = leaf.key_usage_value
    if usage is not None and not {"digital_signature", "non_repudiation"} & set(usage.native):
        report.add(
            "jades.chain",
            "failed",
            "the seal certificate's key usage allows neither digitalSignature nor nonRepudiation",
            path,
        )
        return None, False
    when = "the signature time-stamp's time" if proven else "now"
    report.add(
        "jades.chain",
        "passed",
        f"path to the trust anchor {result.anchor} validated at {when} "
        f"({moment:%Y-%m-%dT%H:%M:%SZ})",
        path,
    )
    if result.revocation_checked:
        report.add(
            "jades.revocation",
            "passed",
            "the seal certificate's revocation status (not revoked) from the signature's rVals",
        )
    else:
        report.add(
            "jades.revocation", "skipped", "no usable revocation information in the signature"
        )
        report.warn(
            "jades.revocation",
            "the seal certificate's revocation status was not checked: the signature carries "
            "no usable revocation information (rVals), and none is fetched",
        )
    return result.anchor, result.revocation_checked


def _check_qc(report: VerificationReport, leaf: asn1_x509.Certificate) -> None:
    try:
        info = qc_info(leaf)
    except CertificateError as exc:
        report.add("jades.qc", "skipped", f"QCStatements not read: {exc.message}")
        return
    if not info.statements:
        report.add(
            "jades.qc", "skipped", "no QCStatements: not declared an EU qualified certificate"
        )
        return
    parts = ["QcCompliance" if info.compliance else "no QcCompliance"]
    parts += [f"QcType {t}" for t in info.types]
    parts.append("QcSSCD (key in a QSCD)" if info.qscd else "no QcSSCD")
    report.add("jades.qc", "passed", "QCStatements: " + ", ".join(parts))


def _seal_info(leaf: asn1_x509.Certificate, state: _State) -> SealInfo:
    try:
        info = qc_info(leaf)
        qualified: bool | None = info.compliance
        qscd: bool | None = info.qscd
        types = info.types
    except CertificateError:
        qualified, qscd, types = None, None, ()
    organisation = subject_attribute(leaf, "organization_name")
    sig_t = state.signature.protected.get("sigT")
    return SealInfo(
        holder=organisation or subject_attribute(leaf, "common_name") or describe(leaf),
        organisation=organisation,
        country=subject_attribute(leaf, "country_name"),
        qualified=qualified,
        qc_types=types,
        qscd=qscd,
        certificate_subject=describe(leaf)[:200],
        certificate_serial=format(leaf.serial_number, "x"),
        signing_time=sig_t if isinstance(sig_t, str) else None,
    )


def _level(report: VerificationReport, state: _State, revocation: bool) -> JadesLevel | None:
    def passed(check_id: str) -> bool:
        statuses = [c.status for c in report.checks if c.id == check_id]
        return bool(statuses) and all(s == "passed" for s in statuses)

    if not state.b_b or not passed("jades.signature") or not passed("jades.sigT"):
        return None
    if not passed("jades.sigTst"):
        return "B-B"
    has_values = bool(state.crls or state.ocsps or state.extra)
    if not (has_values and revocation and passed("jades.chain")):
        return "B-T"
    if not state.arc_ok or not passed("jades.arcTst"):
        return "B-LT"
    return "B-LTA"
