"""The JAdES route of the pipeline: ``microcred.verify`` on the Commission's sealed samples
and on seals ``microcred.edc.seal`` makes (B-B, B-T), the level and the seal in the report,
the trust answer, and hostile inputs bounded (huge ``x5c``, certificate loops, malformed
ASN.1, time-stamp bombs)."""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests._pki import name
from tests.edc._pki import NOW, ca_certificate, new_key, seal_pki
from tests.edc._samples import (
    ANNEX,
    DAY_AFTER,
    LTA,
    anchors,
    b64url,
    component_index,
    etsiu,
    load,
    protected,
    with_etsiu,
    with_protected,
)
from tests.edc._tsa import LocalTsa

import microcred as mc
from microcred.edc import seal
from microcred.report import VerificationReport

CREDENTIAL = {
    "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
    "id": "urn:credential:5b2d0a1c-0000-4000-8000-000000000002",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "issuer": {"id": "urn:epass:org:exempeluniversitetet", "type": "Organisation",
               "legalName": {"sv": "Exempeluniversitetet"}},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "urn:epass:person:1", "type": "Person"},
}  # fmt: skip


def _sample_report(standards: Path, sample: Path, document: Any = None) -> VerificationReport:
    original = load(standards, sample)
    return mc.verify(
        original if document is None else document,
        trust_anchors=anchors(original, sample),
        now=DAY_AFTER[sample],
    )


def test_the_annex_sample_verifies_through_the_pipeline(shared_standards: Path) -> None:
    report = _sample_report(shared_standards, ANNEX)
    assert report.verified, report.failed
    assert (report.format, report.kind, report.jades_level) == ("jades", "credential", "B-LTA")
    assert report.document is not None
    assert report.document["type"][-1] == ("EuropeanDigitalCredential")
    # the seal stands for the issuer; the trust answer names the seal holder
    assert report.check("issuer") is not None
    assert report.trust is not None
    assert report.trust.confirmed
    assert (report.trust.by, report.trust.name) == ("trusted-list", "ORGANIZACION TEST")
    assert {w.id for w in report.warnings} >= {"jades.contexts"}
    body = report.to_json()
    assert body["jades_level"] == "B-LTA"
    assert body["seal"]["holder"] == "ORGANIZACION TEST"
    assert body["seal"]["country"] == "ES"
    assert body["seal"]["qualified"] is True


def test_the_sealed_presentation_verifies_through_the_pipeline(shared_standards: Path) -> None:
    report = _sample_report(shared_standards, LTA)
    assert report.verified, report.failed
    assert (report.kind, report.jades_level) == ("presentation", "B-LTA")
    holder = report.check("holder")
    assert holder is not None
    assert holder.status == "passed"


def test_the_sample_without_anchors_is_indeterminate_and_unconfirmed(
    shared_standards: Path,
) -> None:
    report = mc.verify(load(shared_standards, ANNEX), now=DAY_AFTER[ANNEX])
    assert report.outcome == "indeterminate"
    assert report.trust is not None
    assert not report.trust.confirmed
    assert report.seal is not None
    assert report.seal.holder == "ORGANIZACION TEST"


def test_a_changed_payload_is_invalid_through_the_pipeline(shared_standards: Path) -> None:
    document = load(shared_standards, ANNEX)
    document["payload"] = document["payload"].replace("Europe", "Furope", 1)
    report = _sample_report(shared_standards, ANNEX, document)
    assert report.outcome == "invalid"
    signature = report.check("jades.signature")
    assert signature is not None
    assert signature.status == "failed"
    assert report.check("issuer") is None  # nothing read from an unsigned payload


def test_an_sd_jwt_json_serialization_still_takes_the_sd_jwt_route() -> None:
    report = mc.verify(
        {"payload": "eyJhIjoxfQ", "protected": "eyJhbGciOiJFUzI1NiJ9", "signature": "AA"}
    )
    assert report.format != "jades"


# -- round trips with microcred's own seals ------------------------------------------------------


def _der(certificate: Any) -> bytes:
    return bytes(certificate.public_bytes(Encoding.DER))


@pytest.mark.parametrize(
    ("kind", "algorithm"), [("p256", None), ("p384", None), ("rsa", None), ("rsa", "PS256")]
)
def test_a_b_b_seal_verifies_at_level_b_b(kind: str, algorithm: str | None) -> None:
    pki = seal_pki(kind=kind)
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, algorithm=algorithm)
    report = mc.verify(sealed, trust_anchors=[_der(pki.root)], now=NOW)
    assert report.verified, report.failed
    assert report.jades_level == "B-B"
    assert report.seal is not None
    assert (
        report.seal.summary()
        == "sealed by Exempeluniversitetet (SE), qualified certificate (QcCompliance), QSCD"
    )
    assert report.seal.qscd is True
    assert report.seal.qc_types == ("eseal",)
    # nothing says whether the seal certificate was revoked: a warning, not silence
    assert "jades.revocation" in {w.id for w in report.warnings}
    assert report.trust is not None
    assert report.trust.name == "Exempeluniversitetet"


def test_a_b_t_seal_verifies_at_level_b_t() -> None:
    pki = seal_pki()
    tsa = LocalTsa(clock=lambda: NOW + timedelta(seconds=2))
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa, content_timestamp=True)
    report = mc.verify(sealed, trust_anchors=[_der(pki.root), tsa.root_der], now=NOW)
    assert report.verified, report.failed
    assert report.jades_level == "B-T"
    statuses = {c.id: c.status for c in report.checks}
    assert statuses["jades.sigTst"] == statuses["jades.adoTst"] == "passed"
    chain = report.check("jades.chain")
    assert chain is not None
    assert "signature time-stamp's time" in chain.message


def test_a_b_t_seal_whose_tsa_is_not_anchored_is_indeterminate() -> None:
    pki = seal_pki()
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=LocalTsa())
    report = mc.verify(sealed, trust_anchors=[_der(pki.root)], now=NOW + timedelta(minutes=1))
    assert report.outcome == "indeterminate"
    sig_tst = report.check("jades.sigTst")
    assert sig_tst is not None
    assert sig_tst.status == "error"
    assert report.jades_level == "B-B"


def test_a_signing_time_after_the_time_stamp_is_invalid() -> None:
    pki = seal_pki()
    tsa = LocalTsa(clock=lambda: NOW - timedelta(hours=1))
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW, tsa=tsa)
    report = mc.verify(sealed, trust_anchors=[_der(pki.root), tsa.root_der], now=NOW)
    assert report.outcome == "invalid"
    failed = [c for c in report.checks if c.id == "jades.sigT" and c.status == "failed"]
    assert failed
    assert "later than the signature time-stamp" in failed[0].message


def test_a_seal_anchored_elsewhere_is_indeterminate() -> None:
    pki, other = seal_pki(), seal_pki()
    sealed = seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW)
    report = mc.verify(sealed, trust_anchors=[_der(other.root)], now=NOW)
    assert report.outcome == "indeterminate"
    chain = report.check("jades.chain")
    assert chain is not None
    assert chain.status == "error"
    assert "no path" in chain.message
    assert report.trust is not None
    assert not report.trust.confirmed


# -- hostile inputs -------------------------------------------------------------------------------


def _with_x5c(sealed: dict[str, Any], x5c: list[str]) -> dict[str, Any]:
    header = protected(sealed)
    header["x5c"] = x5c
    return with_protected(sealed, header)


@pytest.fixture(scope="module")
def sealed() -> tuple[dict[str, Any], Any]:
    pki = seal_pki()
    return seal(CREDENTIAL, pki.key, pki.chain, signing_time=NOW), pki


def test_a_huge_x5c_is_refused(sealed: tuple[dict[str, Any], Any]) -> None:
    document, pki = sealed
    x5c = protected(document)["x5c"]
    report = mc.verify(_with_x5c(document, x5c * 6), trust_anchors=[_der(pki.root)], now=NOW)
    header = report.check("jades.header")
    assert header is not None
    assert header.status == "failed"
    assert "x5c must be an array of 1 to 10" in header.message
    giant = base64.b64encode(b"\x30\x83\x01\x00\x00" + b"\x00" * 65536).decode()
    report = mc.verify(_with_x5c(document, [giant]), trust_anchors=[_der(pki.root)], now=NOW)
    header = report.check("jades.header")
    assert header is not None
    assert "over 32768 bytes" in header.message


def test_malformed_asn1_in_x5c_is_refused(sealed: tuple[dict[str, Any], Any]) -> None:
    document, pki = sealed
    for value in ("MIIB", base64.b64encode(b"\x30\x80" * 2000).decode(), "not base64!"):
        report = mc.verify(_with_x5c(document, [value]), trust_anchors=[_der(pki.root)], now=NOW)
        header = report.check("jades.header")
        assert header is not None
        assert header.status == "failed", value
        assert report.outcome == "invalid"


def _leaf_with_xvals(document: dict[str, Any], certificates: list[Any]) -> dict[str, Any]:
    """``document`` with only its seal certificate in ``x5c`` (its CA reachable through
    the anchors alone) and ``certificates`` as its ``xVals``."""
    values = [{"x509Cert": {"val": base64.b64encode(_der(c)).decode()}} for c in certificates]
    changed = copy.deepcopy(document)
    changed["signatures"][0]["header"] = {"etsiU": [b64url(json.dumps({"xVals": values}).encode())]}
    header = protected(document)
    header["x5c"] = header["x5c"][:1]
    return with_protected(changed, header)


def test_a_certificate_loop_in_the_validation_data_ends(
    sealed: tuple[dict[str, Any], Any],
) -> None:
    """Two CAs certifying each other in xVals, the seal's issuer not among them: no path."""
    document, _pki = sealed
    key_x, key_y = new_key(), new_key()
    x_by_y = ca_certificate(name("Loop X"), key_x, name("Loop Y"), key_y)
    y_by_x = ca_certificate(name("Loop Y"), key_y, name("Loop X"), key_x)
    looped = _leaf_with_xvals(document, [x_by_y, y_by_x] * 16)
    report = mc.verify(looped, trust_anchors=[_der(seal_pki().root)], now=NOW)
    chain = report.check("jades.chain")
    assert chain is not None
    assert chain.status == "error"


def test_a_crafted_set_of_cas_in_the_validation_data_is_refused_quickly(
    sealed: tuple[dict[str, Any], Any],
) -> None:
    """Seven CAs named as the seal's issuing CA, certifying each other, in xVals: the report
    names the bound (the path search would otherwise run for minutes)."""
    document, pki = sealed
    keys = [new_key() for _ in range(7)]
    same = name("Test Qualified Seal CA", organization="Test QTSP", country="SE")
    crafted = [
        ca_certificate(same, keys[i], same, keys[j]) for i in range(7) for j in range(7) if i != j
    ][:32]
    bombed = _leaf_with_xvals(document, crafted)
    report = mc.verify(bombed, trust_anchors=[_der(pki.root)], now=NOW)
    chain = report.check("jades.chain")
    assert chain is not None
    assert chain.status == "error"
    assert "candidate paths" in chain.message


def test_timestamp_bombs_are_refused(shared_standards: Path) -> None:
    document = load(shared_standards, ANNEX)
    index = component_index(document, "sigTst")
    element = etsiu(document)[index]
    element["sigTst"]["tstTokens"] = element["sigTst"]["tstTokens"] * 5
    report = _sample_report(shared_standards, ANNEX, with_etsiu(document, index, element))
    check = report.check("jades.sigTst")
    assert check is not None
    assert "1 to 4 tokens" in check.message
    element = etsiu(document)[index]
    element["sigTst"]["tstTokens"][0]["val"] = base64.b64encode(b"\x30" * 300_000).decode()
    report = _sample_report(shared_standards, ANNEX, with_etsiu(document, index, element))
    check = report.check("jades.sigTst")
    assert check is not None
    assert "over 262144 bytes" in check.message
    element["sigTst"]["tstTokens"][0]["val"] = base64.b64encode(b"\x30\x80" * 5000).decode()
    report = _sample_report(shared_standards, ANNEX, with_etsiu(document, index, element))
    check = report.check("jades.sigTst")
    assert check is not None
    assert "not valid DER" in check.message
    assert report.outcome == "invalid"


def test_too_many_etsiu_elements_are_refused(shared_standards: Path) -> None:
    document = load(shared_standards, ANNEX)
    header = document["signatures"][0]["header"]
    header["etsiU"] = header["etsiU"] * 9
    report = _sample_report(shared_standards, ANNEX, document)
    check = report.check("jades.format")
    assert check is not None
    assert "at most 32 elements" in check.message


def test_a_changed_certificate_in_a_tokens_certificate_set_fails_that_time_stamp(
    shared_standards: Path,
) -> None:
    """The certificates a time-stamp token carries are covered by no signature (RFC 5652
    §5.1): a changed copy of the root (which the caller also gives as anchor) must not ride
    along unnoticed. The archive time-stamp's check names it."""
    document = json.loads(ANNEX_TEXT)
    etsiu = document["signatures"][0]["header"]["etsiU"]
    at = 19835 % len(etsiu[3])  # inside the root certificate's copy in arcTst's token
    etsiu[3] = etsiu[3][:at] + "0" + etsiu[3][at + 1 :]
    report = mc.verify(document, trust_anchors=ANNEX_ANCHORS, now=DAY_AFTER[ANNEX])
    check = report.check("jades.arcTst")
    assert check is not None
    assert check.status == "failed"
    assert "does not verify under its issuer's key" in check.message
    assert report.outcome == "invalid"


_MEMBERS = st.sampled_from(["payload", "protected", "signature", "etsiU"])


@settings(max_examples=40)
# a character of the archive time-stamp's digestAlgorithms (covered by no CMS signature)
@example(member="etsiU", at=103, char="0")
# a character of the root's copy in the archive time-stamp's certificate set (unsigned too)
@example(member="etsiU", at=19835, char="0")
# a character of the archive time-stamp's certificate set changing a certificate's issuer name
# (to one nothing at hand bears: jades.arcTst)
@example(member="etsiU", at=479, char="1")
@given(member=_MEMBERS, at=st.integers(min_value=0, max_value=10**6), char=st.characters())
def test_a_changed_character_never_verifies(member: str, at: int, char: str) -> None:
    document = json.loads(ANNEX_TEXT)
    entry = document["signatures"][0]
    holder, key = (entry["header"]["etsiU"], at % 4) if member == "etsiU" else (entry, member)
    if member == "payload":
        holder, key = document, "payload"
    text = holder[key]
    position = at % len(text)
    if text[position] == char:
        return
    holder[key] = text[:position] + char + text[position + 1 :]
    report = mc.verify(document, trust_anchors=ANNEX_ANCHORS, now=DAY_AFTER[ANNEX])
    assert not report.verified
    assert report.outcome in ("invalid", "indeterminate")


def _annex_text() -> tuple[str, list[bytes]]:
    from tests.conftest import STANDARDS

    if not (STANDARDS / ANNEX).is_file():
        return json.dumps({"payload": "{}", "signatures": []}), []
    document = load(STANDARDS, ANNEX)
    return json.dumps(document), anchors(document, ANNEX)


ANNEX_TEXT, ANNEX_ANCHORS = _annex_text()


def test_without_the_edc_extra_a_seal_is_indeterminate_with_the_reason(
    shared_standards: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyhanko_certvalidator", None)  # import fails
    report = mc.verify(load(shared_standards, ANNEX))
    assert report.outcome == "indeterminate"
    check = report.check("jades.format")
    assert check is not None
    assert check.status == "error"
    assert "pip install 'microcred[edc]'" in check.message
