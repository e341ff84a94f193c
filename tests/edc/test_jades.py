"""microcred.edc.verify_jades: the Commission's sealed samples verify (signature, chain and
time-stamps against the certificates they carry, the chains' tops as trust anchors), with
the level established; a one-byte change in the payload, a header, a certificate or a
time-stamp makes them invalid, each with a named check."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from tests.edc._samples import (
    ANNEX,
    CERT_OF_PART,
    DAY_AFTER,
    LTA,
    anchors,
    component_index,
    etsiu,
    flip_b64,
    load,
    protected,
    with_etsiu,
    with_protected,
)

from microcred.edc import verify_jades
from microcred.report import VerificationReport

SAMPLES = [LTA, ANNEX, CERT_OF_PART]
JADES_CHECKS = (
    "jades.format",
    "jades.header",
    "jades.x5t",
    "jades.kid",
    "jades.signature",
    "jades.sigT",
    "jades.arcTst",
    "jades.sigTst",
    "jades.adoTst",
    "jades.chain",
    "jades.revocation",
    "jades.qc",
)


def _verify(
    document: Any, sample: Path, standards: Path, *, now: datetime | None = None
) -> VerificationReport:
    original = load(standards, sample)
    return verify_jades(
        document, trust_anchors=anchors(original, sample), now=now or DAY_AFTER[sample]
    )


def _status(report: VerificationReport, check_id: str) -> list[str]:
    return [c.status for c in report.checks if c.id == check_id]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_the_commissions_samples_verify_at_level_b_lta(
    sample: Path, shared_standards: Path
) -> None:
    report = _verify(load(shared_standards, sample), sample, shared_standards)
    assert report.outcome == "verified", [c for c in report.checks if c.status != "passed"]
    assert report.format == "jades"
    assert report.jades_level == "B-LTA"
    assert [c.id for c in report.checks] == list(JADES_CHECKS)
    assert report.warnings == []
    seal = report.seal
    assert seal is not None
    assert seal.country == "ES"
    assert seal.qualified is True
    assert seal.qc_types == ("eseal",)
    assert seal.qscd is False
    assert seal.signing_time == protected(load(shared_standards, sample))["sigT"]
    assert seal.timestamp_time is not None
    assert seal.timestamp_time >= seal.signing_time


def test_the_annex_sample_names_its_seal_holder(shared_standards: Path) -> None:
    report = _verify(load(shared_standards, ANNEX), ANNEX, shared_standards)
    assert report.seal is not None
    assert report.seal.holder == "ORGANIZACION TEST"
    assert (
        report.seal.summary()
        == "sealed by ORGANIZACION TEST (ES), qualified certificate (QcCompliance)"
    )
    assert report.seal.certificate_serial == "3378f4d568b289fb8ed0c03"
    chain = report.check("jades.chain")
    assert chain is not None
    assert "validated at the signature time-stamp's time" in chain.message


def test_the_lta_sample_still_verifies_years_later(shared_standards: Path) -> None:
    """Its seal certificate expired in 2023; the archive time-stamp (its TSA valid to 2030)
    proves the signature time-stamp, which proves the signature existed in 2022."""
    later = datetime(2026, 12, 1, tzinfo=timezone.utc)
    report = _verify(load(shared_standards, LTA), LTA, shared_standards, now=later)
    assert report.outcome == "verified"
    assert report.jades_level == "B-LTA"


def test_an_expired_tsa_leaves_the_annex_sample_indeterminate(shared_standards: Path) -> None:
    """Its test TSA's certificate expired in December 2023: in 2026 no time-stamp proves
    anything, and the seal certificate (expired 2025) is judged at now."""
    later = datetime(2026, 12, 1, tzinfo=timezone.utc)
    report = _verify(load(shared_standards, ANNEX), ANNEX, shared_standards, now=later)
    assert report.outcome == "indeterminate"
    assert report.jades_level == "B-B"
    assert _status(report, "jades.arcTst") == ["error"]
    chain = report.check("jades.chain")
    assert chain is not None
    assert chain.status == "error"
    assert "expired" in chain.message
    assert _status(report, "jades.signature") == ["passed"]


def test_without_trust_anchors_the_chain_is_indeterminate(shared_standards: Path) -> None:
    report = verify_jades(load(shared_standards, ANNEX), now=DAY_AFTER[ANNEX])
    assert report.outcome == "indeterminate"
    assert _status(report, "jades.chain") == ["error"]
    assert _status(report, "jades.sigTst") == ["error"]
    assert report.jades_level == "B-B"


def test_the_flattened_form_verifies_too(shared_standards: Path) -> None:
    """RFC 7515 §7.2.2: the same signature, its members at the top level."""
    document = load(shared_standards, ANNEX)
    (entry,) = document.pop("signatures")
    flattened = {**document, **entry}
    report = _verify(flattened, ANNEX, shared_standards)
    assert report.outcome == "verified"
    assert report.checks[0].message.startswith("JWS JSON serialization (flattened)")


# -- one-byte changes ---------------------------------------------------------------------------


def _payload(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    payload = changed["payload"]
    at = payload.index("Europe") if "Europe" in payload else len(payload) // 2
    changed["payload"] = payload[:at] + chr(ord(payload[at]) ^ 1) + payload[at + 1 :]
    return changed


def _signing_time(document: dict[str, Any]) -> dict[str, Any]:
    header = protected(document)
    header["sigT"] = header["sigT"][:-2] + str((int(header["sigT"][-2]) + 1) % 10) + "Z"
    return with_protected(document, header)


def _certificate(document: dict[str, Any]) -> dict[str, Any]:
    header = protected(document)
    header["x5c"][0] = flip_b64(header["x5c"][0], -1)  # the CA's signature on it
    return with_protected(document, header)


def _content_timestamp(document: dict[str, Any]) -> dict[str, Any]:
    header = protected(document)
    token = header["adoTst"]["tstTokens"][0]
    token["val"] = flip_b64(token["val"], -1)
    return with_protected(document, header)


def _token(document: dict[str, Any], name: str) -> dict[str, Any]:
    index = component_index(document, name)
    element = etsiu(document)[index]
    token = element[name]["tstTokens"][0]
    token["val"] = flip_b64(token["val"], -1)  # the TSA's signature
    return with_etsiu(document, index, element)


def _validation_data(document: dict[str, Any]) -> dict[str, Any]:
    index = component_index(document, "xVals")
    element = etsiu(document)[index]
    first = element["xVals"][0]["x509Cert"]
    first["val"] = flip_b64(first["val"], -1)
    return with_etsiu(document, index, element)


def _signature(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    value = changed["signatures"][0]["signature"]
    changed["signatures"][0]["signature"] = (
        value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    )
    return changed


CHANGES = {
    "payload": (_payload, ["jades.signature", "jades.adoTst", "jades.arcTst"]),
    "protected header (sigT)": (_signing_time, ["jades.signature"]),
    "certificate (x5c[0])": (_certificate, ["jades.x5t"]),
    "content time-stamp (adoTst)": (_content_timestamp, ["jades.signature", "jades.adoTst"]),
    "signature time-stamp (sigTst)": (
        lambda d: _token(d, "sigTst"),
        ["jades.sigTst", "jades.arcTst"],
    ),
    "archive time-stamp (arcTst)": (lambda d: _token(d, "arcTst"), ["jades.arcTst"]),
    "validation data (xVals)": (_validation_data, ["jades.arcTst"]),
    "signature value": (_signature, ["jades.signature", "jades.sigTst", "jades.arcTst"]),
}


@pytest.mark.parametrize("sample", [LTA, ANNEX], ids=lambda p: p.name)
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_one_byte_change_is_invalid_with_a_named_check(
    change: str, sample: Path, shared_standards: Path
) -> None:
    make, failing = CHANGES[change]
    report = _verify(make(load(shared_standards, sample)), sample, shared_standards)
    assert report.outcome == "invalid"
    failed = {c.id for c in report.checks if c.status == "failed"}
    assert set(failing) <= failed, [c for c in report.checks if c.status != "passed"]
    assert report.jades_level in (None, "B-B", "B-T", "B-LT")


def test_a_changed_timestamp_names_the_tsa_signature(shared_standards: Path) -> None:
    report = _verify(_token(load(shared_standards, LTA), "sigTst"), LTA, shared_standards)
    sig_tst = report.check("jades.sigTst")
    assert sig_tst is not None
    assert sig_tst.status == "failed"
    assert sig_tst.message == "the TSA's signature on the time-stamp does not verify"
    assert report.jades_level == "B-B"


def test_an_archive_timestamp_over_other_data_fails_its_imprint(shared_standards: Path) -> None:
    report = _verify(_validation_data(load(shared_standards, ANNEX)), ANNEX, shared_standards)
    arc = report.check("jades.arcTst")
    assert arc is not None
    assert "message imprint" in arc.message
    assert report.jades_level == "B-LT"


# -- the header profile --------------------------------------------------------------------------


def test_a_crit_parameter_not_processed_is_refused(shared_standards: Path) -> None:
    """RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not understood
    and supported by the recipient, then the JWS is invalid"."""
    document = load(shared_standards, ANNEX)
    header = protected(document)
    header["sigPId"] = {"id": "urn:oid:1.2.3"}
    header["crit"] = [*header["crit"], "sigPId"]
    report = _verify(with_protected(document, header), ANNEX, shared_standards)
    check = report.check("jades.header")
    assert check is not None
    assert check.status == "failed"
    assert "'sigPId', a header parameter this verifier does not process" in check.message


def test_an_unencoded_payload_must_be_listed_in_crit(shared_standards: Path) -> None:
    """RFC 7797 §6: "the crit Header Parameter MUST be included with b64 in its set of
    values"."""
    document = load(shared_standards, ANNEX)
    header = protected(document)
    header["crit"] = ["sigT", "adoTst"]
    report = _verify(with_protected(document, header), ANNEX, shared_standards)
    check = report.check("jades.format")
    assert check is not None
    assert check.status == "failed"
    assert "RFC 7797 §6" in check.message


@pytest.mark.parametrize(
    ("member", "value", "check", "text"),
    [
        ("alg", "HS256", "jades.header", "alg 'HS256' is not accepted"),
        ("alg", "ES256", "jades.header", "does not fit the signing certificate's RSA key"),
        ("typ", "JWT", "jades.header", "typ 'JWT' is not jose+json"),
        ("sigT", None, "jades.header", "sigT (the claimed signing time) is missing"),
        ("x5t#S256", None, "jades.x5t", "x5t#S256 (the signing certificate's SHA-256"),
        ("kid", "MAA=", "jades.kid", "kid is not the base64 DER of an IssuerSerial"),
        ("sigT", "2023-09-27 11:54:17", "jades.sigT", "sigT is not a UTC date-time"),
        ("sigT", "2031-01-01T00:00:00Z", "jades.sigT", "outside the signing certificate's"),
    ],
)
def test_header_members_are_checked(
    member: str, value: Any, check: str, text: str, shared_standards: Path
) -> None:
    document = load(shared_standards, ANNEX)
    header = protected(document)
    if value is None:
        del header[member]
        header["crit"] = [c for c in header["crit"] if c != member]
    else:
        header[member] = value
    report = _verify(with_protected(document, header), ANNEX, shared_standards)
    found = report.check(check)
    assert found is not None
    assert found.status == "failed", report.checks
    assert text in found.message
    assert report.outcome == "invalid"


def test_a_kid_naming_another_certificate_fails(shared_standards: Path) -> None:
    """The kid of the LTA sample (another issuer and serial) in the Annex sample's header."""
    document = load(shared_standards, ANNEX)
    header = protected(document)
    header["kid"] = protected(load(shared_standards, LTA))["kid"]
    report = _verify(with_protected(document, header), ANNEX, shared_standards)
    kid = report.check("jades.kid")
    assert kid is not None
    assert kid.status == "failed"
    assert kid.message == "kid (IssuerSerial) does not name x5c[0]'s issuer and serial number"


def test_a_header_parameter_in_both_headers_is_refused(shared_standards: Path) -> None:
    """RFC 7515 §7.2.1: "the Header Parameter names in the two locations MUST be disjoint"."""
    document = load(shared_standards, ANNEX)
    document["signatures"][0]["header"]["alg"] = "RS256"
    report = _verify(document, ANNEX, shared_standards)
    check = report.check("jades.format")
    assert check is not None
    assert check.status == "failed"
    assert "MUST be disjoint" in check.message


def test_a_payload_that_is_not_a_json_object_is_refused(shared_standards: Path) -> None:
    document = load(shared_standards, ANNEX)
    document["payload"] = json.dumps(["not", "an", "object"])
    report = _verify(document, ANNEX, shared_standards)
    (check,) = [c for c in report.checks if c.status == "failed"]
    assert check.id == "jades.format"
    assert check.path == "$.payload"
    assert "not a JSON object" in check.message
