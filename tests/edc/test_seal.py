"""microcred.edc.seal: JAdES B-B and B-T seals in the Commission's header profile (ETSI TS
119 182-1), checked member by member against the Commission's signed sample, by an
independent JOSE implementation (jwcrypto, RFC 7797 unencoded payload), and their
time-stamp tokens against the bytes TS 119 182-1 says they are over."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given
from hypothesis import strategies as st
from tests.edc._pki import NOW, cert_pem, key_pem, seal_pki
from tests.edc._tsa import LocalTsa, refusal, serve_tsa

from microcred.edc import HttpTsa, seal
from microcred.edc._seal import issuer_serial
from microcred.errors import SealError, TimestampAuthorityError
from microcred.net import HttpsFetcher

SAMPLE = Path("elm/signatures/edci__json_to_seal-signed-jades-baseline-lta.json")
CREDENTIAL = {
    "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
    "id": "urn:credential:5b2d0a1c-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "credentialSubject": {"id": "urn:epass:person:1", "type": "Person", "givenName": {"sv": "Åsa"}},
}  # fmt: skip


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def protected(sealed: dict[str, Any]) -> dict[str, Any]:
    """The decoded protected header of the first signature."""
    header: dict[str, Any] = json.loads(_unb64(sealed["signatures"][0]["protected"]))
    return header


def etsi_u(sealed: dict[str, Any]) -> list[dict[str, Any]]:
    """The decoded etsiU elements (base64url JSON, as the Commission's seals carry them)."""
    return [json.loads(_unb64(e)) for e in sealed["signatures"][0]["header"]["etsiU"]]


def tst_info(token: bytes) -> tsp.TSTInfo:
    content = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"]
    return tsp.TSTInfo.load(
        content.native if isinstance(content.native, bytes) else content.contents
    )


@pytest.fixture(scope="module")
def pki() -> Any:
    return seal_pki(kind="rsa")


@pytest.fixture(scope="module")
def tsa() -> LocalTsa:
    return LocalTsa()


def _sample(shared_standards: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_standards / SAMPLE).read_text(encoding="utf-8"))
    return data


def test_b_b_has_the_commissions_header_profile_member_by_member(
    pki: Any, tsa: LocalTsa, shared_standards: Path
) -> None:
    """The protected header's members, their order and the value kinds are the
    Commission's (adoTst only when a content time-stamp is asked for)."""
    sample = _sample(shared_standards)
    theirs = protected(sample)
    ours = protected(
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa, content_timestamp=True)
    )
    assert list(ours) == list(theirs)
    for member in ("alg", "cty", "typ", "b64"):
        assert ours[member] == theirs[member], member
    assert ours["crit"] == theirs["crit"] == ["b64", "sigT", "adoTst"]
    assert list(ours["adoTst"]) == list(theirs["adoTst"]) == ["tstTokens"]
    assert list(ours["adoTst"]["tstTokens"][0]) == list(theirs["adoTst"]["tstTokens"][0])
    # the general JWS JSON serialization, as the sample
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa)
    assert list(sealed) == list(sample) == ["payload", "signatures"]
    assert list(sealed["signatures"][0]) == list(sample["signatures"][0])
    assert list(sealed["signatures"][0]["header"]) == ["etsiU"]
    plain = protected(seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW))
    assert list(plain) == [m for m in theirs if m != "adoTst"]
    assert plain["crit"] == ["b64", "sigT"]


def test_header_values_are_the_certificates(pki: Any) -> None:
    """kid is the base64 DER IssuerSerial, x5t#S256 the base64url SHA-256 of the seal
    certificate, x5c the chain in standard base64 (RFC 7515 clause 4.1.6), sigT to the
    second in UTC (TS 119 182-1 clause 5.2.1)."""
    header = protected(
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW + timedelta(microseconds=7))
    )
    leaf = pki.certificate.public_bytes(Encoding.DER)
    assert header["x5c"] == [base64.b64encode(pki.der(c)).decode() for c in pki.chain]
    assert (
        header["x5t#S256"]
        == base64.urlsafe_b64encode(hashlib.sha256(leaf).digest()).rstrip(b"=").decode()
    )
    serial = cms.IssuerSerial.load(base64.b64decode(header["kid"]))
    assert serial["serial"].native == pki.certificate.serial_number
    assert serial["issuer"][0].chosen.untag().dump() == pki.certificate.issuer.public_bytes()
    assert header["sigT"] == "2026-06-01T12:00:00Z"
    assert header["b64"] is False


def test_kid_is_what_the_commissions_seal_has(shared_standards: Path) -> None:
    """Our IssuerSerial of the sample's own certificate is the sample's kid."""
    header = protected(_sample(shared_standards))
    certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    assert base64.b64encode(issuer_serial(certificate)).decode() == header["kid"]


def test_the_payload_is_the_credential_json_unencoded(pki: Any) -> None:
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW)
    assert json.loads(sealed["payload"]) == CREDENTIAL
    assert "Åsa" in sealed["payload"]  # UTF-8 as it is, not base64url (b64: false)
    text = json.dumps(CREDENTIAL, indent=1)
    assert seal(text, pki.key, pki.chain, signing_time=NOW)["payload"] == text


@pytest.mark.parametrize(
    ("kind", "alg"), [("rsa", "RS256"), ("rsa", "PS256"), ("p256", "ES256"), ("p384", "ES384")]
)
def test_signature_verifies_over_the_unencoded_signing_input(kind: str, alg: str) -> None:
    """RFC 7797 clause 3: the signing input is ASCII(BASE64URL(protected)) || '.' || payload."""
    pki = seal_pki(kind=kind)
    sealed = seal(
        CREDENTIAL, pki.key, pki.chain, signing_time=NOW, algorithm=alg if kind == "rsa" else None
    )
    entry = sealed["signatures"][0]
    assert protected(sealed)["alg"] == alg
    data = (entry["protected"] + "." + sealed["payload"]).encode("utf-8")
    signature = _unb64(entry["signature"])
    public = pki.certificate.public_key()
    if alg == "RS256":
        public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "PS256":
        public.verify(
            signature, data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()
        )
    else:
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        half = len(signature) // 2
        r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        digest = hashes.SHA256() if alg == "ES256" else hashes.SHA384()
        public.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))


@pytest.mark.parametrize("kind", ["rsa", "p256"])
def test_jwcrypto_verifies_the_seal(kind: str, tsa: LocalTsa) -> None:
    """An independent JOSE implementation (jwcrypto, which implements RFC 7797) verifies
    the seal, with the JAdES critical headers registered as understood."""
    from jwcrypto import jwk, jws

    pki = seal_pki(kind=kind)
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa, content_timestamp=True)
    key = jwk.JWK.from_pem(pki.certificate.public_key().public_bytes(Encoding.PEM, _spki()))
    registry = {
        name: jws.JWSEHeaderParameter(name, False, True, None) for name in ("sigT", "adoTst")
    }
    token = jws.JWS(header_registry=registry)
    token.deserialize(json.dumps(sealed))
    token.verify(key)
    payload = token.payload
    assert (payload if isinstance(payload, str) else payload.decode()) == sealed["payload"]
    tampered = dict(sealed, payload=sealed["payload"].replace("Åsa", "Asa"))
    other = jws.JWS(header_registry=registry)
    other.deserialize(json.dumps(tampered))
    with pytest.raises(jws.InvalidJWSSignature):
        other.verify(key)


def _spki() -> Any:
    from cryptography.hazmat.primitives.serialization import PublicFormat

    return PublicFormat.SubjectPublicKeyInfo


def test_b_t_time_stamps_the_signature_as_ts_119_182_1_says(pki: Any, tsa: LocalTsa) -> None:
    """sigTst's imprint is SHA-256 of the JWS Signature as written (its base64url text),
    adoTst's of the payload as written (b64: false), the digests the Commission's seals
    carry (see test_imprints_are_what_the_commissions_seal_has)."""
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa, content_timestamp=True)
    (element,) = etsi_u(sealed)
    assert list(element) == ["sigTst"]
    token = base64.b64decode(element["sigTst"]["tstTokens"][0]["val"])
    imprint = tst_info(token)["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    signature = sealed["signatures"][0]["signature"].encode("ascii")
    assert imprint["hashed_message"].native == hashlib.sha256(signature).digest()
    ado = base64.b64decode(protected(sealed)["adoTst"]["tstTokens"][0]["val"])
    payload = sealed["payload"].encode("utf-8")
    assert (
        tst_info(ado)["message_imprint"]["hashed_message"].native
        == hashlib.sha256(payload).digest()
    )


def test_imprints_are_what_the_commissions_seal_has(shared_standards: Path) -> None:
    """The reading of TS 119 182-1 above, checked on the Commission's B-LTA sample."""
    sample = _sample(shared_standards)
    elements = [json.loads(_unb64(e)) for e in sample["signatures"][0]["header"]["etsiU"]]
    token = base64.b64decode(elements[0]["sigTst"]["tstTokens"][0]["val"])
    signature = sample["signatures"][0]["signature"].encode("ascii")
    assert (
        tst_info(token)["message_imprint"]["hashed_message"].native
        == hashlib.sha256(signature).digest()
    )
    ado = base64.b64decode(protected(sample)["adoTst"]["tstTokens"][0]["val"])
    payload = sample["payload"].encode("utf-8")
    assert (
        tst_info(ado)["message_imprint"]["hashed_message"].native
        == hashlib.sha256(payload).digest()
    )


def test_local_tsa_tokens_are_signed_cms(tsa: LocalTsa) -> None:
    """The test TSA's token: SignedData whose signer signs the signed attributes, whose
    message-digest attribute is the TSTInfo's hash (RFC 5652 clause 5.4)."""
    token = tsa.timestamp(hashlib.sha256(b"x").digest())
    signed = cms.ContentInfo.load(token)["content"]
    signer = signed["signer_infos"][0]
    content = signed["encap_content_info"]["content"].contents
    attrs = {a["type"].native: a["values"][0].native for a in signer["signed_attrs"]}
    assert attrs["message_digest"] == hashlib.sha256(content).digest()
    assert attrs["content_type"] == "tst_info"
    data = signer["signed_attrs"].dump(force=True)
    data = b"\x31" + data[1:]  # the SET OF encoding is what is signed
    tsa.pki.certificate.public_key().verify(
        signer["signature"].native, data, ec.ECDSA(hashes.SHA256())
    )
    assert signed["certificates"][0].chosen.dump() == tsa.certificate_der


def test_pem_key_and_chain_are_accepted(pki: Any) -> None:
    sealed = seal(CREDENTIAL, key_pem(pki.key), cert_pem(*pki.chain), signing_time=NOW)
    assert (
        protected(sealed)["x5c"]
        == protected(seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW))["x5c"]
    )


# ---------------------------------------------------------------------------------------
# refusals


def test_a_key_not_the_certificates_is_refused(pki: Any) -> None:
    other = seal_pki(kind="rsa")
    with pytest.raises(SealError, match="not the key the seal certificate certifies"):
        seal(CREDENTIAL, other.key, pki.chain, signing_time=NOW)


def test_a_chain_out_of_order_is_refused(pki: Any) -> None:
    with pytest.raises(SealError, match="not issued by certificate 1"):
        seal(CREDENTIAL, pki.key, [pki.certificate, pki.root], signing_time=NOW)
    with pytest.raises(SealError, match="empty"):
        seal(CREDENTIAL, pki.key, [], signing_time=NOW)


def test_signing_outside_the_certificates_validity_is_refused(pki: Any) -> None:
    with pytest.raises(SealError, match="not valid at the signing time 2031"):
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=datetime(2031, 1, 1, tzinfo=timezone.utc))


def test_a_certificate_that_may_not_sign_is_refused() -> None:
    usage = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
    from tests.edc._pki import new_key, seal_certificate, seal_name

    base = seal_pki()
    key = new_key()
    certificate = seal_certificate(
        seal_name("X", "SE", "NTRSE-1"), key, base.ca.subject, base.ca_key, usage=usage
    )
    with pytest.raises(SealError, match="key usage"):
        seal(CREDENTIAL, key, [certificate, base.ca], signing_time=NOW)


def test_wrong_algorithm_and_weak_or_unsupported_keys_are_refused(pki: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    with pytest.raises(SealError, match="not for this key"):
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, algorithm="ES256")
    with pytest.raises(SealError, match=r"RSA .* or ECDSA"):
        seal(CREDENTIAL, ed25519.Ed25519PrivateKey.generate(), pki.chain, signing_time=NOW)


@pytest.mark.parametrize("credential", ["[1, 2]", "not json", b"\xff\xfe", '{"a": 1, "a": 2}'])
def test_a_credential_that_is_not_a_json_object_is_refused(pki: Any, credential: Any) -> None:
    with pytest.raises(SealError, match="credential"):
        seal(credential, pki.key, pki.chain, signing_time=NOW)


def test_a_tsa_answering_for_other_data_is_refused(pki: Any) -> None:
    liar = LocalTsa()
    liar.imprint_override = b"\0" * 32
    with pytest.raises(TimestampAuthorityError, match="over other data"):
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=liar)

    class Garbage:
        def timestamp(self, digest: bytes) -> bytes:
            return b"\x30\x03\x02\x01\x01"

    with pytest.raises(TimestampAuthorityError, match="cannot be read"):
        seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=Garbage())


def test_content_timestamp_needs_a_tsa(pki: Any) -> None:
    with pytest.raises(TypeError, match="content_timestamp"):
        seal(CREDENTIAL, pki.key, pki.chain, content_timestamp=True)


@given(st.binary(max_size=200))
def test_hostile_time_stamp_tokens_give_a_clear_error(token: bytes) -> None:
    pki = _HOSTILE_PKI

    class Hostile:
        def timestamp(self, digest: bytes) -> bytes:
            return token

    with pytest.raises(TimestampAuthorityError):
        seal({"a": 1}, pki.key, pki.chain, signing_time=NOW, tsa=Hostile())


_HOSTILE_PKI = seal_pki()


# ---------------------------------------------------------------------------------------
# RFC 3161 over HTTP


def test_http_tsa_asks_over_loopback_when_the_caller_allows_it(pki: Any) -> None:
    local = LocalTsa()
    with serve_tsa(local) as url:
        fetcher = HttpsFetcher(allow_http=True, allow_private_addresses=True)
        sealed = seal(
            CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=HttpTsa(url, fetcher=fetcher)
        )
    (element,) = etsi_u(sealed)
    token = base64.b64decode(element["sigTst"]["tstTokens"][0]["val"])
    assert token == local.issued[-1]
    assert tst_info(token)["nonce"].native is not None


def test_http_tsa_refuses_loopback_by_default() -> None:
    from microcred.errors import NetworkPolicyError

    with serve_tsa(LocalTsa()) as url, pytest.raises(NetworkPolicyError, match="non-public"):
        HttpTsa(url).timestamp(b"\0" * 32)


def test_http_tsa_refusal_and_wrong_nonce_are_named() -> None:
    from microcred.edc._seal import _granted_token

    with pytest.raises(TimestampAuthorityError, match=r"refused: rejection \(no\)"):
        _granted_token(refusal("no"), 1, "http://tsa.example")
    local = LocalTsa()
    granted = local.respond(HttpTsa("http://tsa.example").request(b"\1" * 32, 5))
    assert _granted_token(granted, 5, "http://tsa.example")
    with pytest.raises(TimestampAuthorityError, match="nonce differs"):
        _granted_token(granted, 6, "http://tsa.example")


def test_a_certificate_larger_than_a_verifier_accepts_is_refused() -> None:
    """A seal is never made that microcred's own verifier would refuse to read (the
    verifier's per-certificate limit, ``edc._x509.MAX_CERTIFICATE_BYTES``)."""

    from tests.edc._pki import new_key, seal_name

    from microcred.edc._x509 import MAX_CERTIFICATE_BYTES

    key = new_key()
    subject = seal_name("X", "SE", "NTRSE-1")
    filler = x509.UnrecognizedExtension(
        x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x04\x00" * MAX_CERTIFICATE_BYTES
    )
    big = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .add_extension(filler, critical=False)
        .sign(key, hashes.SHA256())
    )
    with pytest.raises(SealError, match=f"over {MAX_CERTIFICATE_BYTES} bytes"):
        seal(CREDENTIAL, key, [big], signing_time=NOW)
