"""Credential Offer URIs (OpenID4VCI 1.0 §4.1) by value and by reference, and QR codes."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import OAuthError
from microcred.oid4vci import Offer, offer_uri, parse_offer_uri, qr_png, qr_svg, qr_terminal

OFFER = {
    "credential_issuer": "https://issuer.example",
    "credential_configuration_ids": ["eu_micro_credential_dc_sd_jwt"],
    "grants": {
        "urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abc"}
    },
}


def test_an_offer_by_value_round_trips() -> None:
    uri = offer_uri(OFFER)
    assert uri.startswith("openid-credential-offer://?credential_offer=%7B")
    assert parse_offer_uri(uri) == (OFFER, None)


def test_an_offer_by_reference_carries_its_url() -> None:
    uri = offer_uri(reference="https://issuer.example/oid4vci/offers/x1")
    assert uri == (
        "openid-credential-offer://?credential_offer_uri="
        "https%3A%2F%2Fissuer.example%2Foid4vci%2Foffers%2Fx1"
    )
    assert parse_offer_uri(uri) == (None, "https://issuer.example/oid4vci/offers/x1")


def test_one_of_value_and_reference() -> None:
    with pytest.raises(ValueError, match="not both"):
        offer_uri(OFFER, reference="https://x")
    with pytest.raises(ValueError, match="not both"):
        offer_uri()


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("mailto:x@example.org", "not a openid-credential-offer"),
        ("openid-credential-offer://?x=1", "needs one of"),
        (
            "openid-credential-offer://?credential_offer=%7B%7D&credential_offer_uri=x",
            "needs one of",
        ),
        ("openid-credential-offer://?credential_offer=not-json", "not JSON"),
        (f"openid-credential-offer://?credential_offer={quote('[1]')}", "not a JSON object"),
        ("openid-credential-offer://?credential_offer=" + "a" * 20000, "too long"),
    ],
)
def test_a_bad_offer_uri_is_invalid_request(uri: str, message: str) -> None:
    with pytest.raises(OAuthError, match=message) as caught:
        parse_offer_uri(uri)
    assert caught.value.error == "invalid_request"


@given(st.text(max_size=300))
def test_any_text_parses_or_is_invalid_request(text: str) -> None:
    error = None
    try:
        offer, reference = parse_offer_uri(text)
    except OAuthError as exc:
        error = exc.error
    if error is None:
        assert (offer is None) != (reference is None)
    else:
        assert error == "invalid_request"


def test_the_qr_codes() -> None:
    uri = offer_uri(OFFER)
    assert qr_png(uri).startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr_svg(uri)
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    drawn = qr_terminal(uri).splitlines()
    assert len({len(line) for line in drawn}) == 1  # a square of block characters
    assert set("".join(drawn)) <= {"\u2588", "\u2580", "\u2584", " "}


def test_an_offer_never_shows_its_tx_code_in_repr() -> None:
    offer = Offer("id1", OFFER, offer_uri(OFFER), "493817", 1_900_000_000)
    assert "493817" not in repr(offer)
    answer = offer.to_json()
    assert answer["tx_code"] == "493817"
    assert json.loads(json.dumps(answer)) == answer
    assert "tx_code" not in Offer("id2", OFFER, offer.uri).to_json()
