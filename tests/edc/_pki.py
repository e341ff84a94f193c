"""A test PKI for electronic seals, made in the tests (no key of a real party): a root CA,
an issuing CA and a seal certificate with the qualified-certificate statements of ETSI EN
319 412-5 (QcCompliance, QcType eSeal, QcSSCD), and a time-stamping authority's certificate.

Import as ``from tests.edc._pki import seal_pki, tsa_pki``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from tests._pki import name

#: id-pe-qcStatements (RFC 3739) and the ETSI EN 319 412-5 statements.
QC_STATEMENTS = ObjectIdentifier("1.3.6.1.5.5.7.1.3")
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_SSCD = "0.4.0.1862.1.4"
QC_TYPE = "0.4.0.1862.1.6"
QC_TYPE_ESEAL = "0.4.0.1862.1.6.2"
QC_TYPE_ESIGN = "0.4.0.1862.1.6.1"
#: The certificate policy of a qualified seal on a QSCD (ETSI EN 319 411-2, QCP-l-qscd).
QCP_L_QSCD = "0.4.0.194112.1.3"
ORGANIZATION_IDENTIFIER = ObjectIdentifier("2.5.4.97")

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


class _Statement(core.Sequence):
    _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class _Statements(core.SequenceOf):
    _child_spec = _Statement


class _Oids(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


def qc_statements(
    *, compliance: bool = True, qc_type: str | None = QC_TYPE_ESEAL, qscd: bool = True
) -> bytes:
    """The DER of a QCStatements extension value with the statements asked for."""
    statements = []
    if compliance:
        statements.append(_Statement({"statement_id": QC_COMPLIANCE}))
    if qc_type is not None:
        types = _Oids([qc_type])
        statements.append(
            _Statement({"statement_id": QC_TYPE, "statement_info": core.Any.load(types.dump())})
        )
    if qscd:
        statements.append(_Statement({"statement_id": QC_SSCD}))
    return bytes(_Statements(statements).dump())


def new_key(kind: str = "p256") -> Any:
    """A fresh private key: ``"p256"``, ``"p384"`` or ``"rsa"`` (2048 bits)."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP384R1() if kind == "p384" else ec.SECP256R1())


def key_pem(key: Any) -> bytes:
    """The unencrypted PKCS#8 PEM of a private key."""
    return bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def cert_pem(*certificates: x509.Certificate) -> bytes:
    """The PEM of certificates, one after the other."""
    return b"".join(c.public_bytes(Encoding.PEM) for c in certificates)


def _usage(*, ca: bool, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer and not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name, key: Any, issuer: x509.Name, issuer_key: Any, start: datetime, days: int
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    )


def ca_certificate(
    subject: x509.Name,
    key: Any,
    issuer: x509.Name | None = None,
    issuer_key: Any = None,
    *,
    now: datetime = NOW,
) -> x509.Certificate:
    """A CA certificate (self-signed when no issuer is given), valid 10 years around ``now``."""
    issuer = issuer or subject
    issuer_key = issuer_key or key
    builder = (
        _builder(subject, key, issuer, issuer_key, now - timedelta(days=365), 3650)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True, signer=False), critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def seal_certificate(
    subject: x509.Name,
    key: Any,
    issuer: x509.Name,
    issuer_key: Any,
    *,
    now: datetime = NOW,
    days: int = 730,
    statements: bytes | None = None,
    usage: x509.KeyUsage | None = None,
) -> x509.Certificate:
    """A seal certificate (end entity, nonRepudiation + digitalSignature, QCP-l-qscd) with
    the QCStatements ``statements`` (default: QcCompliance, QcType eSeal, QcSSCD), valid
    from 30 days before ``now`` for ``days`` days."""
    policy = x509.CertificatePolicies([x509.PolicyInformation(ObjectIdentifier(QCP_L_QSCD), None)])
    value = qc_statements() if statements is None else statements
    builder = (
        _builder(subject, key, issuer, issuer_key, now - timedelta(days=30), days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage or _usage(ca=False, signer=True), critical=True)
        .add_extension(policy, critical=False)
        .add_extension(x509.UnrecognizedExtension(QC_STATEMENTS, value), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def seal_name(organisation: str, country: str, identifier: str) -> x509.Name:
    """A legal person's seal subject (ETSI EN 319 412-3): country, organisation, its
    identifier (``organizationIdentifier``, e.g. ``NTRSE-2021001234``), common name."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(ORGANIZATION_IDENTIFIER, identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} seal"),
        ]
    )


@dataclass
class SealPki:
    """A seal's PKI: root CA → issuing CA → seal certificate.

    Attributes:
        root, root_key: the root CA (what a trust anchor or a trusted list names).
        ca, ca_key: the issuing CA (a trusted list's CA/QC service certificate).
        certificate, key: the seal certificate and its private key.
    """

    root: x509.Certificate
    root_key: Any
    ca: x509.Certificate
    ca_key: Any
    certificate: x509.Certificate
    key: Any

    @property
    def chain(self) -> list[x509.Certificate]:
        """What ``seal()`` takes: the seal certificate, then the issuing CA."""
        return [self.certificate, self.ca]

    def der(self, certificate: x509.Certificate) -> bytes:
        """A certificate's DER."""
        return bytes(certificate.public_bytes(Encoding.DER))


def seal_pki(
    *,
    kind: str = "p256",
    organisation: str = "Exempeluniversitetet",
    country: str = "SE",
    identifier: str = "NTRSE-2021001234",
    now: datetime = NOW,
    statements: bytes | None = None,
) -> SealPki:
    """A fresh seal PKI whose seal key is of ``kind`` (``"p256"``, ``"p384"``, ``"rsa"``);
    the CAs are P-256. The seal certificate carries QcCompliance, QcType eSeal and QcSSCD
    unless ``statements`` (a QCStatements DER from :func:`qc_statements`) says otherwise."""
    root_key = new_key()
    root_name = name("Test Trust Service Root", organization="Test QTSP", country=country)
    root = ca_certificate(root_name, root_key, now=now)
    ca_key = new_key()
    ca_name = name("Test Qualified Seal CA", organization="Test QTSP", country=country)
    ca = ca_certificate(ca_name, ca_key, root_name, root_key, now=now)
    key = new_key(kind)
    certificate = seal_certificate(
        seal_name(organisation, country, identifier),
        key,
        ca_name,
        ca_key,
        now=now,
        statements=statements,
    )
    return SealPki(root, root_key, ca, ca_key, certificate, key)


@dataclass
class TsaPki:
    """A time-stamping authority's PKI: its root and its unit's certificate (extended key
    usage timeStamping, critical, as RFC 3161 clause 2.3 requires)."""

    root: x509.Certificate
    root_key: Any
    certificate: x509.Certificate
    key: Any


def tsa_pki(*, kind: str = "p256", now: datetime = NOW) -> TsaPki:
    """A fresh TSA root and time-stamping unit (key of ``kind``)."""
    root_key = new_key()
    root_name = name("Test TSA Root", organization="Test QTSP", country="SE")
    root = ca_certificate(root_name, root_key, now=now)
    key = new_key(kind)
    builder = (
        _builder(
            name("Test Time-Stamping Unit", organization="Test QTSP", country="SE"),
            key,
            root_name,
            root_key,
            now - timedelta(days=365),
            3650,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False, signer=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    )
    return TsaPki(root, root_key, builder.sign(root_key, hashes.SHA256()), key)
