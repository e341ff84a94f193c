"""verify(trusted_lists=...): an ELM credential from MicroCredential.to_elm, sealed by
microcred.edc.seal (B-B and B-T), verified with EU trusted lists made and signed in the
tests: the trust answer is "sealed by <organisation, country> with a qualified seal per
the EU trusted list", or says why not (withdrawn at the signing time, not anchored)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from tests.edc._pki import NOW, seal_pki
from tests.edc._tl import Service
from tests.edc._tsa import LocalTsa
from tests.edc.test_tl import GRANTED_SINCE, Lists

import microcred as mc
from microcred.edc import seal
from microcred.model import MicroCredential

#: After the example credential's validFrom (2026-06-12), within the test certificates'.
WHEN = NOW + timedelta(days=20)
ROOT = Path(__file__).resolve().parents[2]
FORM = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())


def _elm() -> dict[str, Any]:
    micro = MicroCredential.model_validate(FORM)
    return micro.to_elm(
        issuer_id="urn:epass:org:exempeluniversitetet", credential_id="urn:credential:1"
    )


def _der(certificate: Any) -> bytes:
    return bytes(certificate.public_bytes(Encoding.DER))


@pytest.fixture(scope="module")
def lists() -> Lists:
    return Lists()


def test_a_b_t_seal_is_qualified_per_the_eu_trusted_list(lists: Lists) -> None:
    tsa = LocalTsa(clock=lambda: WHEN + timedelta(seconds=2))
    sealed = seal(_elm(), lists.pki.key, lists.pki.chain, signing_time=WHEN, tsa=tsa)
    report = mc.verify(sealed, trusted_lists=lists.load(), trust_anchors=[tsa.root_der], now=WHEN)
    assert report.verified, report.failed
    assert report.jades_level == "B-T"
    assert report.trust is not None
    assert report.trust.by == "eu-trusted-list"
    assert report.trust.summary() == (
        "sealed by Exempeluniversitetet, SE with a qualified seal per the "
        "EU trusted list SE (sequence 7)"
    )
    assert report.trust.to_json()["country"] == "SE"


def test_a_b_b_seal_is_judged_at_the_verification_time(lists: Lists) -> None:
    """Without a time-stamp nothing proves when the seal was made (sigT is claimed): the
    service's status at the verification time counts (ETSI EN 319 102-1 validates a
    signature without a proof of existence at the current time)."""
    sealed = seal(_elm(), lists.pki.key, lists.pki.chain, signing_time=WHEN)
    report = mc.verify(sealed, trusted_lists=lists.load(), now=WHEN)
    assert report.verified, report.failed
    assert report.jades_level == "B-B"
    assert report.trust is not None
    assert report.trust.confirmed


def test_a_service_withdrawn_at_the_signing_time_anchors_nothing() -> None:
    """The documented outcome (docs/edc.md, "EU trusted lists"): signature valid, the
    seal certificate not anchored, so the outcome is indeterminate and the trust answer
    names the withdrawal."""
    pki = seal_pki()
    service = Service(pki.ca, [(GRANTED_SINCE, "granted"), (WHEN - timedelta(days=1), "withdrawn")])
    made = Lists([service], pki)
    tsa = LocalTsa(clock=lambda: WHEN)
    sealed = seal(_elm(), pki.key, pki.chain, signing_time=WHEN, tsa=tsa)
    report = mc.verify(sealed, trusted_lists=made.load(), trust_anchors=[tsa.root_der], now=WHEN)
    assert report.outcome == "indeterminate"
    signature = report.check("jades.signature")
    assert signature is not None
    assert signature.status == "passed"
    chain = report.check("jades.chain")
    assert chain is not None
    assert chain.status == "error"
    assert report.trust is not None
    assert not report.trust.confirmed
    assert "was withdrawn at the signing time" in (report.trust.reason or "")


def test_a_seal_of_another_ca_is_not_anchored(lists: Lists) -> None:
    other = seal_pki()
    sealed = seal(_elm(), other.key, other.chain, signing_time=WHEN)
    report = mc.verify(sealed, trusted_lists=lists.load(), now=WHEN)
    assert report.outcome == "indeterminate"
    assert report.trust is not None
    assert "not anchored" in (report.trust.reason or "")


def test_the_callers_own_anchor_verifies_but_the_list_does_not_qualify_it(lists: Lists) -> None:
    other = seal_pki()
    sealed = seal(_elm(), other.key, other.chain, signing_time=WHEN)
    report = mc.verify(
        sealed, trusted_lists=lists.load(), trust_anchors=[_der(other.root)], now=WHEN
    )
    assert report.verified, report.failed
    assert report.trust is not None
    assert report.trust.by != "eu-trusted-list"


def test_trusted_lists_must_be_loaded_lists() -> None:
    with pytest.raises(TypeError, match="load_trusted_list"):
        mc.verify({}, trusted_lists=["se.xml"])
