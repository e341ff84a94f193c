"""microcred.edc._tsp: RFC 3161 time-stamp tokens read within limits and checked over the
bytes they stamp (imprint, signed attributes, ESS signing certificate, TSA key usage and
signature), with tokens made by the local test TSA and the Commission's."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from pathlib import Path

import pytest
from asn1crypto import cms
from hypothesis import given
from hypothesis import strategies as st
from tests._pki import name
from tests.edc._pki import ca_certificate, new_key, tsa_pki
from tests.edc._samples import LTA, component_index, etsiu, load, protected
from tests.edc._tsa import LocalTsa

from microcred.edc._tsp import MAX_TOKEN_BYTES, read_token, verify_token
from microcred.errors import TimeStampTokenError

DATA = b"the base64url JWS Signature Value"


@pytest.fixture(scope="module")
def tsa() -> LocalTsa:
    return LocalTsa()


def _token(tsa: LocalTsa, data: bytes = DATA) -> bytes:
    return tsa.timestamp(hashlib.sha256(data).digest())


def test_a_local_token_verifies_over_its_data(tsa: LocalTsa) -> None:
    token = read_token(_token(tsa))
    assert token.hash_algorithm == "sha256"
    assert token.matches(DATA)
    certificate = verify_token(token, DATA)
    assert certificate.dump() == tsa.certificate_der


@pytest.mark.parametrize("kind", ["rsa", "p384"])
def test_rsa_and_p384_tsas_verify(kind: str) -> None:
    local = LocalTsa(tsa_pki(kind=kind))
    assert verify_token(read_token(_token(local)), DATA).dump() == local.certificate_der


def test_the_commissions_tokens_verify_over_what_jades_says(shared_standards: Path) -> None:
    """TS 119 182-1 §5.3.4: sigTst stamps the base64url JWS Signature Value; adoTst the
    payload as it stands (b64 false)."""
    document = load(shared_standards, LTA)
    signature = document["signatures"][0]
    sig_tst = etsiu(document)[component_index(document, "sigTst")]["sigTst"]
    token = read_token(base64.b64decode(sig_tst["tstTokens"][0]["val"]))
    assert verify_token(token, signature["signature"].encode()).subject.native["common_name"] == (
        "self-signed-tsa"
    )
    ado = protected(document)["adoTst"]["tstTokens"][0]["val"]
    verify_token(read_token(base64.b64decode(ado)), document["payload"].encode())


def test_a_token_over_other_data_fails_its_imprint(tsa: LocalTsa) -> None:
    with pytest.raises(TimeStampTokenError, match="message imprint is not the hash"):
        verify_token(read_token(_token(tsa)), DATA + b"!")


def test_a_token_without_its_tsa_certificate_is_refused() -> None:
    local = LocalTsa(include_certificate=False)
    token = read_token(_token(local))
    with pytest.raises(TimeStampTokenError, match="TSA certificate that signed the time-stamp"):
        verify_token(token, DATA)
    # given beside it (as xVals would), it verifies
    from asn1crypto import x509

    assert verify_token(token, DATA, [x509.Certificate.load(local.certificate_der)])


def test_a_tsa_certificate_without_time_stamping_usage_is_refused() -> None:
    """RFC 3161 §2.3: the TSA's certificate must have the extended key usage
    id-kp-timeStamping."""
    pki = tsa_pki()
    key = new_key()
    pki.certificate = ca_certificate(name("Not a TSA"), key)
    pki.key = key
    with pytest.raises(TimeStampTokenError, match="lacks id-kp-timeStamping"):
        verify_token(read_token(_token(LocalTsa(pki))), DATA)


def test_a_changed_tst_info_fails_the_message_digest(tsa: LocalTsa) -> None:
    der = bytearray(_token(tsa))
    info = cms.ContentInfo.load(bytes(der))
    content = bytes(info["content"]["encap_content_info"]["content"])
    at = bytes(der).index(content) + len(content) - 1  # the last byte of the TSTInfo
    der[at] ^= 0x01
    with pytest.raises(TimeStampTokenError):
        verify_token(read_token(bytes(der)), DATA)


def test_a_changed_tsa_signature_fails(tsa: LocalTsa) -> None:
    der = bytearray(_token(tsa))
    der[-1] ^= 0x01
    with pytest.raises(TimeStampTokenError, match="TSA's signature"):
        verify_token(read_token(bytes(der)), DATA)


# -- hostile tokens -------------------------------------------------------------------------------


def test_a_token_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(TimeStampTokenError, match=f"over {MAX_TOKEN_BYTES} bytes"):
        read_token(b"\x30\x84" + b"\x00" * MAX_TOKEN_BYTES)


def test_a_token_whose_digest_algorithms_leave_out_its_signers_is_refused(
    tsa: LocalTsa,
) -> None:
    """RFC 5652 §5.1: digestAlgorithms lists the signers' digest algorithms. Nothing signs
    that list, so a token where it was changed is refused, not read past."""
    info = cms.ContentInfo.load(_token(tsa))
    signed = info["content"]
    changed = cms.SignedData(
        {
            "version": signed["version"],
            "digest_algorithms": [{"algorithm": "sha512"}],
            "encap_content_info": signed["encap_content_info"],
            "certificates": signed["certificates"],
            "signer_infos": signed["signer_infos"],
        }
    )
    der = cms.ContentInfo({"content_type": "signed_data", "content": changed}).dump()
    with pytest.raises(TimeStampTokenError, match="do not list its signer's digest algorithm"):
        read_token(der)


def test_a_token_with_too_many_certificates_is_refused(tsa: LocalTsa) -> None:
    info = cms.ContentInfo.load(_token(tsa))
    signed = info["content"]
    certificate = signed["certificates"][0]
    bomb = cms.SignedData(
        {
            "version": signed["version"],
            "digest_algorithms": signed["digest_algorithms"],
            "encap_content_info": signed["encap_content_info"],
            "certificates": [certificate] * 17,
            "signer_infos": signed["signer_infos"],
        }
    )
    der = cms.ContentInfo({"content_type": "signed_data", "content": bomb}).dump()
    with pytest.raises(TimeStampTokenError, match="over 16 certificates"):
        read_token(der)


@pytest.mark.parametrize(
    "der",
    [
        b"",
        b"\x30\x00",
        b"\x30\x80" * 5000,  # nested indefinite lengths
        b"\x30\x82\xff\xff" + b"\x00" * 10,  # a length beyond the data
        cms.ContentInfo({"content_type": "data", "content": b"x"}).dump(),
    ],
    ids=["empty", "empty-sequence", "nested", "short", "not-signed-data"],
)
def test_malformed_tokens_are_a_clear_error(der: bytes) -> None:
    with pytest.raises(TimeStampTokenError) as caught:
        read_token(der)
    assert caught.value.code == "jades.timestamp"


@given(st.binary(max_size=2048))
def test_any_bytes_are_a_token_or_the_timestamp_error(der: bytes) -> None:
    try:
        token = read_token(der)
    except TimeStampTokenError:
        return
    with contextlib.suppress(TimeStampTokenError):
        verify_token(token, DATA)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=255))
def test_a_changed_byte_of_a_real_token_never_passes_unnoticed(at: int, bit: int) -> None:
    der = bytearray(LOCAL.issued[0])
    position = at % len(der)
    der[position] ^= bit
    try:
        token = read_token(bytes(der))
        verify_token(token, DATA)
    except TimeStampTokenError:
        return
    # a change the token survives is outside what the TSA signed (the unsigned parts of the
    # CMS structure): the time and the imprint it attests are the original's
    assert token.matches(DATA)
    assert token.gen_time == ORIGINAL.gen_time
    assert token.serial == ORIGINAL.serial


LOCAL = LocalTsa()
ORIGINAL = read_token(_token(LOCAL))
