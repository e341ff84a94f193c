"""microcred.edc._tl: EU trusted lists (ETSI TS 119 612) made and signed in the tests: the
signature pinned (the List of Trusted Lists by the caller, a national list by the List of
Trusted Lists' pointer), services as anchors with their status at the signing time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._pki import name
from tests.edc._pki import NOW, ca_certificate, new_key, qc_statements, seal_pki
from tests.edc._tl import QTST, Service, lotl, national_list, sign_list

from microcred.edc import assess_seal, fetch_trusted_lists, load_trusted_list
from microcred.errors import TrustedListError

GRANTED_SINCE = NOW - timedelta(days=400)


class Lists:
    """A List of Trusted Lists (signed by the 'OJEU' certificate) pointing to SE's list
    (signed by the SE operator), which lists the seal PKI's issuing CA."""

    def __init__(self, services: list[Service] | None = None, pki: Any = None) -> None:
        self.pki = pki or seal_pki()
        self.lotl_key = new_key()
        self.lotl_cert = ca_certificate(name("Test LOTL signer", country="EU"), self.lotl_key)
        self.se_key = new_key()
        self.se_cert = ca_certificate(name("Test SE TL signer", country="SE"), self.se_key)
        self.services = services or [Service(self.pki.ca, [(GRANTED_SINCE, "granted")])]
        self.se_xml = sign_list(national_list(self.services, issued=NOW), self.se_key, self.se_cert)
        pointer = ("SE", "https://tl.example/se.xml", self.se_cert)
        self.lotl_xml = sign_list(lotl([pointer], issued=NOW), self.lotl_key, self.lotl_cert)

    def load(self) -> list[Any]:
        eu = load_trusted_list(self.lotl_xml, signing_certificates=self.lotl_cert)
        return [eu, load_trusted_list(self.se_xml, lotl=eu)]

    def chain(self) -> list[bytes]:
        return [c.public_bytes(Encoding.DER) for c in self.pki.chain]


@pytest.fixture(scope="module")
def lists() -> Lists:
    return Lists()


def test_the_lists_load_with_their_pinned_signers(lists: Lists) -> None:
    eu, se = lists.load()
    assert eu.is_lotl
    assert (eu.territory, eu.sequence) == ("EU", 300)
    assert [p.territory for p in eu.pointers] == ["SE"]
    assert se.territory == "SE"
    assert not se.is_lotl
    assert se.label == "EU trusted list SE (sequence 7)"
    (service,) = se.services
    assert service.provider == "Test QTSP AB"
    assert service.uses == ("ForeSeals",)
    assert se.signer == lists.se_cert.public_bytes(Encoding.DER)
    assert se.anchors_at(NOW) == (lists.pki.ca.public_bytes(Encoding.DER),)


def test_a_granted_service_anchors_a_qualified_seal(lists: Lists) -> None:
    answer = assess_seal(lists.load(), lists.chain(), NOW)
    assert answer.outcome == "qualified"
    assert answer.qualified
    assert answer.status == "granted"
    assert answer.qscd is True
    assert answer.qc_types == ("eseal",)
    assert answer.list_label == "EU trusted list SE (sequence 7)"


def test_a_service_withdrawn_at_the_signing_time_is_the_withdrawn_outcome() -> None:
    """TS 119 612 clause 5.5.4: the status in force at the signing time counts; a service
    withdrawn before it anchors nothing (the seal is 'withdrawn', not qualified), and the
    same service answers 'qualified' for a seal made before the withdrawal."""
    pki = seal_pki()
    withdrawn_at = NOW - timedelta(days=10)
    service = Service(pki.ca, [(GRANTED_SINCE, "granted"), (withdrawn_at, "withdrawn")])
    made = Lists([service], pki)
    loaded = made.load()
    answer = assess_seal(loaded, made.chain(), NOW)
    assert answer.outcome == "withdrawn"
    assert not answer.qualified
    assert answer.status == "withdrawn"
    assert "was withdrawn at the signing time 2026-06-01T12:00:00Z" in (answer.reason or "")
    assert loaded[1].anchors_at(NOW) == ()
    before = assess_seal(loaded, made.chain(), withdrawn_at - timedelta(days=1))
    assert before.outcome == "qualified"
    assert (
        assess_seal(loaded, made.chain(), GRANTED_SINCE - timedelta(days=1)).outcome == "withdrawn"
    )


def test_a_seal_of_another_ca_is_not_anchored(lists: Lists) -> None:
    other = seal_pki()
    chain = [c.public_bytes(Encoding.DER) for c in other.chain]
    answer = assess_seal(lists.load(), chain, NOW)
    assert answer.outcome == "not-anchored"
    assert "not anchored" in (answer.reason or "")


def test_a_non_qualified_certificate_is_anchored_but_not_qualified() -> None:
    pki = seal_pki(statements=qc_statements(compliance=False, qscd=False))
    made = Lists(None, pki)
    answer = assess_seal(made.load(), made.chain(), NOW)
    assert answer.outcome == "anchored"
    assert "not an EU qualified certificate for seals" in (answer.reason or "")


def test_qualifiers_complete_what_the_certificate_says() -> None:
    """TS 119 612 clause 5.5.9.2: QCStatement / QCForESeal / QCWithQSCD qualifiers make a
    certificate without those statements a qualified seal on a QSCD."""
    pki = seal_pki(statements=qc_statements(compliance=False, qc_type=None, qscd=False))
    service = Service(
        pki.ca, [(GRANTED_SINCE, "granted")], qualifiers=["QCStatement", "QCForESeal", "QCWithQSCD"]
    )
    made = Lists([service], pki)
    answer = assess_seal(made.load(), made.chain(), NOW)
    assert answer.outcome == "qualified"
    assert answer.qscd is True


def test_a_service_for_signatures_only_does_not_make_seals_qualified() -> None:
    pki = seal_pki()
    made = Lists([Service(pki.ca, [(GRANTED_SINCE, "granted")], uses=["ForeSignatures"])], pki)
    assert assess_seal(made.load(), made.chain(), NOW).outcome == "anchored"


def test_a_time_stamping_service_is_no_anchor_for_seals() -> None:
    pki = seal_pki()
    made = Lists([Service(pki.ca, [(GRANTED_SINCE, "granted")], type=QTST)], pki)
    assert assess_seal(made.load(), made.chain(), NOW).outcome == "not-anchored"


# ---------------------------------------------------------------------------------------
# the lists' own signatures


def test_a_list_signed_by_another_key_is_refused(lists: Lists) -> None:
    eu = load_trusted_list(lists.lotl_xml, signing_certificates=lists.lotl_cert)
    forger = new_key()
    forged_cert = ca_certificate(lists.se_cert.subject, forger)
    forged = sign_list(national_list(lists.services, issued=NOW), forger, forged_cert)
    with pytest.raises(TrustedListError, match="signature does not verify with the 1 pinned"):
        load_trusted_list(forged, lotl=eu)
    with pytest.raises(TrustedListError, match="signature does not verify"):
        load_trusted_list(lists.lotl_xml, signing_certificates=lists.se_cert)


def test_a_changed_list_is_refused(lists: Lists) -> None:
    eu = load_trusted_list(lists.lotl_xml, signing_certificates=lists.lotl_cert)
    changed = lists.se_xml.replace(b"Test QTSP AB", b"Test QTSP AC")
    with pytest.raises(TrustedListError, match="signature does not verify"):
        load_trusted_list(changed, lotl=eu)


def test_a_list_without_a_pinned_certificate_is_refused(lists: Lists) -> None:
    with pytest.raises(TrustedListError, match="no certificate to check its signature with"):
        load_trusted_list(lists.se_xml)


def test_a_signature_wrapped_around_other_content_is_refused(lists: Lists) -> None:
    """A second, unsigned provider list slipped into the signed list: the signature no
    longer verifies, and nothing of the list is used."""
    from lxml import etree

    eu = load_trusted_list(lists.lotl_xml, signing_certificates=lists.lotl_cert)
    other = seal_pki()
    extra = national_list([Service(other.ca, [(GRANTED_SINCE, "granted")])], issued=NOW)
    signed = etree.fromstring(lists.se_xml)
    signed.insert(1, extra.find("{http://uri.etsi.org/02231/v2#}TrustServiceProviderList"))
    with pytest.raises(TrustedListError, match="signature does not verify"):
        load_trusted_list(etree.tostring(signed), lotl=eu)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<not-xml", "is not XML"),
        (b"<a/>", "is not an ETSI TS 119 612 trusted list"),
        (b'<!DOCTYPE x [<!ENTITY e "b">]><x>&e;</x>', "document type declaration"),
    ],
)
def test_malformed_lists_are_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(TrustedListError, match=message):
        load_trusted_list(data, signing_certificates=[])


def test_an_unreadable_file_and_a_huge_one_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TrustedListError, match="cannot be read"):
        load_trusted_list(tmp_path / "missing.xml")
    huge = tmp_path / "huge.xml"
    huge.write_bytes(b" " * (16 * 1024 * 1024 + 1))
    with pytest.raises(TrustedListError, match="more than"):
        load_trusted_list(huge)


@settings(max_examples=40)
@given(st.binary(max_size=300))
def test_hostile_bytes_give_a_trusted_list_error(data: bytes) -> None:
    with pytest.raises(TrustedListError):
        load_trusted_list(data, signing_certificates=[])


# ---------------------------------------------------------------------------------------
# fetching, opt-in


class _Served:
    """A fetcher serving fixed bytes per URL, recording what was asked."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, int]] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.asked.append((url, max_bytes))
        from microcred.errors import FetchError

        if url not in self.pages:
            raise FetchError(f"{url} answered HTTP 404")
        return self.pages[url]


def test_national_lists_are_fetched_only_through_the_callers_fetcher(lists: Lists) -> None:
    eu = load_trusted_list(lists.lotl_xml, signing_certificates=lists.lotl_cert)
    fetcher = _Served({"https://tl.example/se.xml": lists.se_xml})
    (se,) = fetch_trusted_lists(eu, fetcher, territories=["se"])
    assert se.territory == "SE"
    assert fetcher.asked == [("https://tl.example/se.xml", 16 * 1024 * 1024)]
    with pytest.raises(TrustedListError, match="no XML list for FI"):
        fetch_trusted_lists(eu, fetcher, territories=["FI"])
    with pytest.raises(TrustedListError, match=r"cannot be fetched: .*404"):
        fetch_trusted_lists(eu, _Served({}), territories=["SE"])
    with pytest.raises(TrustedListError, match="at most 40"):
        fetch_trusted_lists(eu, fetcher, territories=["SE"] * 41)


def test_the_time_zone_of_the_signing_time_counts() -> None:
    pki = seal_pki()
    withdrawn_at = datetime(2026, 5, 1, tzinfo=timezone.utc)
    made = Lists([Service(pki.ca, [(GRANTED_SINCE, "granted"), (withdrawn_at, "withdrawn")])], pki)
    stockholm = timezone(timedelta(hours=2))
    just_before = datetime(2026, 5, 1, 1, 59, tzinfo=stockholm)
    assert assess_seal(made.load(), made.chain(), just_before).outcome == "qualified"


def test_a_signature_that_is_not_the_lists_own_is_refused(lists: Lists) -> None:
    """TS 119 612 clause 5.7: the list's signature is enveloped, a child of its root; one
    moved elsewhere in the document is not the list's signature."""
    from lxml import etree

    eu = load_trusted_list(lists.lotl_xml, signing_certificates=lists.lotl_cert)
    document = etree.fromstring(lists.se_xml)
    signature = document.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    document.find("{http://uri.etsi.org/02231/v2#}SchemeInformation").append(signature)
    with pytest.raises(TrustedListError, match="signature does not verify"):
        load_trusted_list(etree.tostring(document), lotl=eu)
