"""microcred.edc._x509: certificates read within limits, paths validated with
pyhanko-certvalidator to the caller's anchors only, with the revocation information given
(never fetched), certificate loops and malformed DER bounded; QCStatements read."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given
from hypothesis import strategies as st
from tests._pki import name
from tests.edc._pki import NOW, ca_certificate, new_key, qc_statements, seal_pki

from microcred.edc._x509 import (
    MAX_CERTIFICATE_BYTES,
    MAX_PATH_SEARCH,
    ChainError,
    bound_search,
    load_certificate,
    qc_info,
    validate_chain,
)
from microcred.errors import CertificateError


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return load_certificate(certificate.public_bytes(Encoding.DER), "test")


@pytest.fixture(scope="module")
def pki() -> Any:
    return seal_pki()


def _validate(pki: Any, moment: datetime = NOW, **kwargs: Any) -> Any:
    arguments: dict[str, Any] = {
        "intermediates": [_asn1(pki.ca)],
        "anchors": [_asn1(pki.root)],
        "moment": moment,
    }
    arguments.update(kwargs)
    return validate_chain(_asn1(pki.certificate), **arguments)


def test_a_seal_certificate_validates_to_its_root(pki: Any) -> None:
    result = _validate(pki)
    assert "Test Trust Service Root" in result.anchor
    assert len(result.subjects) == 3
    assert result.revocation_checked is False


def test_an_intermediate_may_be_the_anchor(pki: Any) -> None:
    result = _validate(pki, intermediates=[], anchors=[_asn1(pki.ca)])
    assert "Test Qualified Seal CA" in result.anchor


def test_another_root_is_no_anchor(pki: Any) -> None:
    other = seal_pki()
    with pytest.raises(ChainError) as caught:
        _validate(pki, anchors=[_asn1(other.root)])
    assert caught.value.kind == "untrusted"


def test_an_expired_certificate_is_an_expired_chain(pki: Any) -> None:
    with pytest.raises(ChainError) as caught:
        _validate(pki, NOW + timedelta(days=3 * 365))
    assert caught.value.kind == "expired"


def test_no_anchors_is_misuse_never_the_system_store(pki: Any) -> None:
    """pyhanko-certvalidator falls back to the operating system's trust list without
    trust roots: an empty list never reaches it."""
    with pytest.raises(ValueError, match="at least one trust anchor"):
        _validate(pki, anchors=[])
    with pytest.raises(ValueError, match="timezone-aware"):
        _validate(pki, NOW.replace(tzinfo=None))


def _crl(pki: Any, revoked: list[x509.Certificate]) -> bytes:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.ca.subject)
        .last_update(NOW - timedelta(days=1))
        .next_update(NOW + timedelta(days=30))
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(NOW - timedelta(days=2))
            .build()
        )
    return builder.sign(pki.ca_key, hashes.SHA256()).public_bytes(Encoding.DER)


def test_a_crl_in_the_signature_establishes_revocation(pki: Any) -> None:
    result = _validate(pki, crls=[_crl(pki, [])])
    assert result.revocation_checked is True


def test_a_revoked_certificate_is_revoked(pki: Any) -> None:
    with pytest.raises(ChainError) as caught:
        _validate(pki, crls=[_crl(pki, [pki.certificate])])
    assert caught.value.kind == "revoked"


def test_revocation_information_of_another_issuer_leaves_it_unchecked(pki: Any) -> None:
    other = seal_pki()
    result = _validate(pki, crls=[_crl(other, [])])
    assert result.revocation_checked is False


def test_a_certificate_loop_ends_without_a_path() -> None:
    """Two CAs that certify each other, and a leaf under one: path building ends (no anchor
    among them), it does not go round."""
    key_x, key_y, key_leaf = new_key(), new_key(), new_key()
    name_x, name_y = name("Loop CA X"), name("Loop CA Y")
    x_by_y = ca_certificate(name_x, key_x, name_y, key_y)
    y_by_x = ca_certificate(name_y, key_y, name_x, key_x)
    leaf = ca_certificate(name("Loop leaf"), key_leaf, name_x, key_x)
    unrelated = seal_pki().root
    with pytest.raises(ChainError) as caught:
        validate_chain(
            _asn1(leaf),
            intermediates=[_asn1(x_by_y), _asn1(y_by_x)] * 8,
            anchors=[_asn1(unrelated)],
            moment=NOW,
        )
    assert caught.value.kind == "untrusted"


def test_a_crafted_set_of_same_named_cas_is_refused_before_the_search() -> None:
    """Seven CAs of one name, each certifying the others (32 certificates): the chains that
    link up by name number in the millions, so the path builder would not end in time. The
    count stops at MAX_PATH_SEARCH and the search is not started."""
    keys = [new_key() for _ in range(7)]
    same = name("Same CA")
    crafted = [
        ca_certificate(same, keys[i], same, keys[j]) for i in range(7) for j in range(7) if i != j
    ][:32]
    leaf = ca_certificate(name("Leaf"), new_key(), same, keys[0])
    with pytest.raises(ChainError) as caught:
        validate_chain(
            _asn1(leaf),
            intermediates=[_asn1(c) for c in crafted],
            anchors=[_asn1(seal_pki().root)],
            moment=NOW,
        )
    assert caught.value.kind == "untrusted"
    assert f"over {MAX_PATH_SEARCH} candidate paths" in caught.value.message


def test_the_path_search_bound_leaves_real_chains_alone(pki: Any) -> None:
    """A chain and a cross-certified copy of its CA: a handful of candidates."""
    cross = ca_certificate(pki.ca.subject, pki.ca_key, pki.root.subject, pki.root_key)
    bound_search(_asn1(pki.certificate), [_asn1(pki.ca), _asn1(cross), _asn1(pki.root)])


def test_validation_runs_inside_an_event_loop(pki: Any) -> None:
    """The service verifies on its event loop: the validator's own loop runs in a thread."""

    async def inside() -> Any:
        return _validate(pki)

    assert asyncio.run(inside()).anchor


def test_qc_statements_are_read(pki: Any) -> None:
    info = qc_info(_asn1(pki.certificate))
    assert (info.statements, info.compliance, info.qscd, info.types) == (
        True,
        True,
        True,
        ("eseal",),
    )
    plain = seal_pki(statements=qc_statements(compliance=False, qc_type=None, qscd=False))
    bare = qc_info(_asn1(plain.certificate))
    assert (bare.statements, bare.compliance, bare.qscd, bare.types) == (True, False, False, ())
    assert qc_info(_asn1(pki.root)).statements is False


def test_malformed_qc_statements_are_a_certificate_error() -> None:
    broken = seal_pki(statements=b"\x30\x03\x06\x01")
    with pytest.raises(CertificateError, match="malformed QCStatements"):
        qc_info(_asn1(broken.certificate))


def test_a_huge_certificate_is_refused_before_parsing() -> None:
    with pytest.raises(CertificateError, match=f"over {MAX_CERTIFICATE_BYTES} bytes"):
        load_certificate(b"\x30" * (MAX_CERTIFICATE_BYTES + 1), "x5c[0]")


@given(st.binary(max_size=4096))
def test_any_bytes_are_a_certificate_or_the_certificate_error(der: bytes) -> None:
    try:
        load_certificate(der, "x5c[0]")
    except CertificateError as exc:
        code = exc.code
    else:
        code = "jades.certificate"
    assert code == "jades.certificate"


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=255))
def test_a_changed_byte_of_a_certificate_is_read_or_refused(at: int, bit: int) -> None:
    der = bytearray(PKI.certificate.public_bytes(Encoding.DER))
    der[at % len(der)] ^= bit
    try:
        certificate = load_certificate(bytes(der), "x5c[0]")
    except CertificateError:
        return
    try:
        qc_info(certificate)
        validate_chain(
            certificate,
            intermediates=[_asn1(PKI.ca)],
            anchors=[_asn1(PKI.root)],
            moment=datetime(2026, 6, 1, tzinfo=timezone.utc),
        )
    except (CertificateError, ChainError):
        return
    # what still validates is a certificate the CA signed: the change was outside the
    # signed part (none is) or a re-encoding that leaves the signed bytes as they were
    assert certificate["tbs_certificate"].dump() == _asn1(PKI.certificate)["tbs_certificate"].dump()


PKI = seal_pki()
