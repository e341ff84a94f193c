"""RFC 3161 time-stamp tokens: read within limits, and checked against the bytes they stamp.

A JAdES time-stamp (``sigTst``, ``adoTst``, ``arcTst``) holds ``tstTokens``, each a
TimeStampToken (RFC 3161 §2.4.2): a CMS ``SignedData`` (RFC 5652) whose encapsulated
content is a ``TSTInfo``. :func:`read_token` parses one; :func:`verify_token` checks, in
order:

1. the message imprint: the hash (SHA-256/384/512) of the bytes the JAdES component stamps
   equals ``TSTInfo.messageImprint`` (which bytes is :mod:`._jades`'s);
2. the signer's signed attributes: ``content-type`` is ``id-ct-TSTInfo`` and
   ``message-digest`` is the hash of the encapsulated ``TSTInfo`` (RFC 5652 §5.4);
3. the TSA certificate: the one the ``SignerInfo`` identifies (issuer and serial, or subject
   key identifier), among the token's certificates and those the caller adds; the ESS
   ``signing-certificate`` (v1 or v2) attribute must name it by hash (RFC 3161 §2.4.1,
   RFC 5816), and its extended key usage must include ``id-kp-timeStamping`` (§2.3);
4. the signature over the DER of the signed attributes with that certificate's key
   (RSA PKCS #1 v1.5, RSASSA-PSS, ECDSA).

The TSA certificate's path to a trust anchor is validated by the caller (:mod:`._x509`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import TimeStampTokenError

if TYPE_CHECKING:
    from asn1crypto import cms
    from asn1crypto import x509 as asn1_x509

__all__ = ["MAX_TOKEN_BYTES", "TimeStamp", "read_token", "verify_token"]

#: The largest time-stamp token read (DER bytes).
MAX_TOKEN_BYTES = 256 * 1024
#: The most certificates one token may carry.
MAX_TOKEN_CERTIFICATES = 16
_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


@dataclass(frozen=True)
class TimeStamp:
    """One time-stamp token, read (not yet verified).

    Attributes:
        gen_time: ``TSTInfo.genTime``, the time the TSA attests.
        hash_algorithm: the message imprint's hash (``sha256``, ``sha384``, ``sha512``).
        imprint: the message imprint's hash value.
        serial: ``TSTInfo.serialNumber``.
        certificates: the certificates the token carries.
        signed_data: the CMS ``SignedData``.
    """

    gen_time: datetime
    hash_algorithm: str
    imprint: bytes
    serial: int
    certificates: tuple[asn1_x509.Certificate, ...]
    signed_data: cms.SignedData

    def matches(self, data: bytes) -> bool:
        """Whether the imprint is the hash of ``data``."""
        return _HASHES[self.hash_algorithm](data).digest() == self.imprint


def read_token(der: bytes) -> TimeStamp:
    """Parse a TimeStampToken.

    Args:
        der: its DER bytes.

    Returns:
        The :class:`TimeStamp`.

    Raises:
        TimeStampTokenError: over :data:`MAX_TOKEN_BYTES`, malformed ASN.1, not a signed
            ``TSTInfo`` with one signer, over :data:`MAX_TOKEN_CERTIFICATES` certificates, or
            an imprint hash other than SHA-256/384/512.
    """
    from asn1crypto import cms, tsp

    if len(der) > MAX_TOKEN_BYTES:
        raise TimeStampTokenError(f"time-stamp token over {MAX_TOKEN_BYTES} bytes")
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise TimeStampTokenError("time-stamp token is not a CMS SignedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TimeStampTokenError("time-stamp token does not hold a TSTInfo")
        if len(signed["signer_infos"]) != 1:
            raise TimeStampTokenError("a time-stamp token has exactly one signer")
        # RFC 5652 §5.1: digestAlgorithms lists the signers' message-digest algorithms; it is
        # covered by no signature, so a token whose list leaves out its signer's is refused
        # rather than read past (a change there must never go unnoticed)
        listed = {a["algorithm"].dotted for a in signed["digest_algorithms"]}
        if signed["signer_infos"][0]["digest_algorithm"]["algorithm"].dotted not in listed:
            raise TimeStampTokenError(
                "the token's digestAlgorithms do not list its signer's digest algorithm"
            )
        certificates = signed["certificates"]
        if certificates is not None and len(certificates) > MAX_TOKEN_CERTIFICATES:
            raise TimeStampTokenError(
                f"time-stamp token with over {MAX_TOKEN_CERTIFICATES} certificates"
            )
        tst = tsp.TSTInfo.load(_econtent(signed), strict=True)
        imprint = tst["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES:
            raise TimeStampTokenError(f"time-stamp imprint hash {algorithm!r} is not accepted")
        certs = tuple(c.chosen for c in (certificates or []) if c.name == "certificate")
        for certificate in certs:
            _ = certificate.subject, certificate.serial_number, certificate.public_key
        return TimeStamp(
            tst["gen_time"].native,
            algorithm,
            imprint["hashed_message"].native,
            tst["serial_number"].native,
            certs,
            signed,
        )
    except TimeStampTokenError:
        raise
    except _PARSE_ERRORS as exc:
        raise TimeStampTokenError(
            f"time-stamp token is not valid DER ({type(exc).__name__})"
        ) from None


def _econtent(signed: cms.SignedData) -> bytes:
    """The encapsulated content's octets (the DER ``TSTInfo``)."""
    content = signed["encap_content_info"]["content"]
    if content is None:
        raise TimeStampTokenError("time-stamp token without its TSTInfo")
    return bytes(content)


def verify_token(
    token: TimeStamp,
    data: bytes,
    extra: Sequence[asn1_x509.Certificate] = (),
    anchors: Sequence[asn1_x509.Certificate] = (),
) -> asn1_x509.Certificate:
    """Check ``token`` over ``data`` (the module docs' steps 1 to 4).

    Args:
        token: the token (:func:`read_token`).
        data: the bytes the token must stamp.
        extra: further certificates the TSA's may be among (``xVals``).
        anchors: the caller's trust anchors (a certificate the token carries is checked
            against them too: see :func:`_check_carried`).

    Returns:
        The TSA certificate that signed the token.

    Raises:
        TimeStampTokenError: any step fails; the message says which.
    """
    if not token.matches(data):
        raise TimeStampTokenError(
            "the time-stamp's message imprint is not the hash of what it stamps"
        )
    try:
        signer = token.signed_data["signer_infos"][0]
        attributes = _signed_attributes(signer)
        digest = signer["digest_algorithm"]["algorithm"].native
        if digest not in _HASHES:
            raise TimeStampTokenError(f"time-stamp signer digest {digest!r} is not accepted")
        if attributes.get("content_type") != "tst_info":
            raise TimeStampTokenError("the time-stamp's signed content-type is not TSTInfo")
        econtent = _econtent(token.signed_data)
        if attributes.get("message_digest") != _HASHES[digest](econtent).digest():
            raise TimeStampTokenError("the time-stamp's message-digest does not match its TSTInfo")
        certificate = _signer_certificate(signer, [*token.certificates, *extra])
        _check_ess(attributes, certificate)
        _check_eku(certificate)
        signed_bytes = b"\x31" + signer["signed_attrs"].dump()[1:]
        _verify_signature(signer, certificate, signed_bytes, digest)
        _check_carried(token.certificates, extra, anchors)
    except TimeStampTokenError:
        raise
    except _PARSE_ERRORS as exc:
        raise TimeStampTokenError(
            f"time-stamp signer information is not valid DER ({type(exc).__name__})"
        ) from None
    return certificate


def _check_carried(
    carried: Sequence[asn1_x509.Certificate],
    extra: Sequence[asn1_x509.Certificate],
    anchors: Sequence[asn1_x509.Certificate] = (),
) -> None:
    """Every certificate the token carries whose issuer is at hand (among the token's
    certificates, ``extra`` or ``anchors``, by name) verifies under it, and none whose issuer
    is not at hand is a changed copy of one that is (the same subject and key, other bytes).
    The token's certificate set is covered by no signature (RFC 5652 §5.1): a copy there that
    was changed, say of the root the caller also gives as anchor (its content, or its issuer's
    name, so that nothing at hand issues it), would otherwise ride along unnoticed."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    pool = [*carried, *extra, *anchors]
    for index, certificate in enumerate(carried):
        issuers = [c for c in pool if c.subject == certificate.issuer]
        if not issuers:
            if any(_changed_copy(certificate, other) for other in pool):
                raise TimeStampTokenError(
                    f"certificate {index} the time-stamp token carries is a changed copy of "
                    "a certificate at hand (the same subject and key, other contents)"
                )
            continue  # nothing here can issue it; the path validation decides about it
        child = x509.load_der_x509_certificate(certificate.dump())
        for issuer in issuers:
            try:
                child.verify_directly_issued_by(x509.load_der_x509_certificate(issuer.dump()))
            except (ValueError, TypeError, InvalidSignature):
                continue
            break
        else:
            raise TimeStampTokenError(
                f"certificate {index} the time-stamp token carries does not verify under "
                "its issuer's key (changed, or not the certificate it names)"
            )


def _changed_copy(certificate: asn1_x509.Certificate, other: asn1_x509.Certificate) -> bool:
    same_key: bool = other.public_key.dump() == certificate.public_key.dump()
    return (
        bool(other.subject == certificate.subject)
        and same_key
        and (other.dump() != certificate.dump())
    )


def _signed_attributes(signer: Any) -> dict[str, Any]:
    attributes = signer["signed_attrs"]
    if attributes is None or not len(attributes):
        raise TimeStampTokenError("the time-stamp's signer has no signed attributes")
    found: dict[str, Any] = {}
    for attribute in attributes:
        name = attribute["type"].native
        values = attribute["values"]
        if name in found or len(values) != 1:
            raise TimeStampTokenError(f"signed attribute {name!r} must occur once with one value")
        found[name] = values[0] if name.startswith("signing_certificate") else values[0].native
    return found


def _signer_certificate(signer: Any, candidates: Sequence[Any]) -> Any:
    sid = signer["sid"]
    for certificate in candidates:
        if sid.name == "issuer_and_serial_number":
            if (
                certificate.issuer == sid.chosen["issuer"]
                and certificate.serial_number == sid.chosen["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise TimeStampTokenError("the TSA certificate that signed the time-stamp is not in it")


def _check_ess(attributes: dict[str, Any], certificate: Any) -> None:
    """The ESS signing-certificate(-v2) attribute's first ESSCertID names ``certificate``."""
    if "signing_certificate_v2" in attributes:
        first = attributes["signing_certificate_v2"]["certs"][0]
        algorithm = first["hash_algorithm"]["algorithm"].native
        if algorithm not in _HASHES:
            raise TimeStampTokenError(f"ESS certificate hash {algorithm!r} is not accepted")
        expected = _HASHES[algorithm](certificate.dump()).digest()
    elif "signing_certificate" in attributes:
        first = attributes["signing_certificate"]["certs"][0]
        # ESSCertID (v1) identifies the certificate by SHA-1, by definition (RFC 2634 §5.4)
        expected = hashlib.sha1(certificate.dump()).digest()
    else:
        raise TimeStampTokenError(
            "the time-stamp has no ESS signing-certificate attribute (RFC 3161 §2.4.1)"
        )
    if first["cert_hash"].native != expected:
        raise TimeStampTokenError(
            "the time-stamp's ESS signing-certificate does not name its TSA certificate"
        )


def _check_eku(certificate: Any) -> None:
    usage = certificate.extended_key_usage_value
    if usage is None or "time_stamping" not in usage.native:
        raise TimeStampTokenError(
            "the TSA certificate's extended key usage lacks id-kp-timeStamping (RFC 3161 §2.3)"
        )


def _verify_signature(signer: Any, certificate: Any, data: bytes, digest: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    algorithms = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}
    key = serialization.load_der_public_key(certificate.public_key.dump())
    signature = signer["signature"].native
    kind = signer["signature_algorithm"].signature_algo
    try:
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), algorithms[digest])
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = signer["signature_algorithm"]["parameters"]
            pss_hash = params["hash_algorithm"]["algorithm"].native
            if pss_hash not in algorithms:
                raise TimeStampTokenError(f"RSASSA-PSS hash {pss_hash!r} is not accepted")
            pss = padding.PSS(padding.MGF1(algorithms[pss_hash]), params["salt_length"].native)
            key.verify(signature, data, pss, algorithms[pss_hash])
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(algorithms[digest]))
        else:
            raise TimeStampTokenError(f"time-stamp signature algorithm {kind!r} is not accepted")
    except InvalidSignature:
        raise TimeStampTokenError("the TSA's signature on the time-stamp does not verify") from None
