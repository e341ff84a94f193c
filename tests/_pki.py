"""A test PKI the tests share: a root and a leaf certificate made with ``cryptography``
(import as ``from tests._pki import certificate, name, root_and_leaf``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def name(
    common_name: str, *, organization: str | None = None, country: str | None = None
) -> x509.Name:
    """An X.509 name: country, organization (when given), then common name."""
    parts = []
    if country is not None:
        parts.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country))
    if organization is not None:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def certificate(
    subject: x509.Name,
    key: Any,
    issuer: x509.Name,
    issuer_key: Any,
    *,
    ca: bool,
    now: datetime,
    san: str | None = None,
) -> x509.Certificate:
    """A certificate for ``key`` (a private key: its public half is certified), signed by
    ``issuer_key``, valid from 30 days before ``now`` to 365 after: a CA (key usage
    keyCertSign/cRLSign, a subject key id) or an end entity (an authority key id, and the URI
    ``san`` as its subject alternative name when given)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(usage, critical=True).add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if san is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def root_and_leaf(
    root: x509.Name, leaf: x509.Name, *, san: str, now: datetime
) -> tuple[x509.Certificate, x509.Certificate, Any]:
    """A P-256 root CA named ``root`` and a P-256 end-entity certificate named ``leaf`` with
    the URI ``san``, issued by it: ``(root certificate, leaf certificate, leaf private key)``."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_cert = certificate(root, root_key, root, root_key, ca=True, now=now)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = certificate(leaf, leaf_key, root, root_key, ca=False, now=now, san=san)
    return root_cert, leaf_cert, leaf_key
