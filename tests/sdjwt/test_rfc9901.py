"""RFC 9901's own example (§5.1, the issuer key of Appendix A.5), verified as the RFC gives it.

The issuer-signed JWT and the ten Disclosures are the RFC's bytes; the signature is the RFC's
(ECDSA is randomized, so it cannot be re-made, only verified). §5.2's presentation (family_name,
address, given_name and the US nationality) is checked without its KB-JWT.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from microcred import keys
from microcred.sdjwt import SdJwtError, decode_sd_jwt, verify_sd_jwt

# RFC 9901 Appendix A.5: the example issuer key (public part)
ISSUER = keys.KeyPair.from_jwk(
    {
        "kty": "EC",
        "crv": "P-256",
        "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
        "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
    },
    did_method="jwk",
)
# RFC 9901 §5.1: the issuer-signed JWT (iat 1683000000, exp 1883000000)
JWT = (
    "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0."
    "eyJfc2QiOiBbIkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tq"
    "UEkiLCAiSnpZakg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIs"
    "ICJQb3JGYnBLdVZ1Nnh5bUphZ3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRH"
    "ZjRvTGJnd2Q1SlFhSHlLVlFaVTlVZEdFMHc1cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQ"
    "S3QxWHlYN0tBTmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JNTSIsICJYekZyendzY002"
    "R242Q0pEYzZ2Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVkcTJ4Mkt3"
    "LXc1d1BFemFrb2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8z"
    "Smx6TWFTRnpnbGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVy"
    "LmV4YW1wbGUuY29tIiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAw"
    "LCAic3ViIjogInVzZXJfNDIiLCAibmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5k"
    "amtaX1ZDem15VGE2VWpsWm8zZGgta284YUlLUWM5RGxHemhhVllvIn0sIHsiLi4uIjog"
    "IjdDZjZKa1B1ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtCSnJXWjAifV0sICJf"
    "c2RfYWxnIjogInNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIsICJj"
    "cnYiOiAiUC0yNTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxp"
    "bERsczd2Q2VHZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVj"
    "Q0U2dDRqVDlGMkhaUSJ9fX0."
    "MczwjBFGtzf-6WMT-hIvYbkb11NrV1WMO-jTijpMPNbswNzZ87wY2uHz"
    "-CXo6R04b7jYrpj9mNRAvVssXou1iw"
)
# RFC 9901 §5.1: the Disclosures
GIVEN_NAME = "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd"
FAMILY_NAME = "WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd"
EMAIL = "WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ"
PHONE = "WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInBob25lX251bWJlciIsICIrMS0yMDItNTU1LTAxMDEiXQ"
PHONE_VERIFIED = "WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInBob25lX251bWJlcl92ZXJpZmllZCIsIHRydWVd"
ADDRESS = (
    "WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIF"
    "N0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0"
)
BIRTHDATE = "WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwgImJpcnRoZGF0ZSIsICIxOTQwLTAxLTAxIl0"
UPDATED_AT = "WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ"
US = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0"
DE = "WyJuUHVvUW5rUkZxM0JJZUFtN0FuWEZBIiwgIkRFIl0"
ALL = [
    GIVEN_NAME,
    FAMILY_NAME,
    EMAIL,
    PHONE,
    PHONE_VERIFIED,
    ADDRESS,
    BIRTHDATE,
    UPDATED_AT,
    US,
    DE,
]
AT = datetime(2023, 5, 3, tzinfo=timezone.utc)  # after iat (2023-05-02T04:00Z), before exp


def _sd_jwt(*disclosures: str) -> str:
    return JWT + "~" + "".join(d + "~" for d in disclosures)


def test_section_5_1_with_every_disclosure() -> None:
    processed = verify_sd_jwt(_sd_jwt(*ALL), ISSUER, now=AT)
    claims = processed.claims
    assert claims["iss"] == "https://issuer.example.com"
    assert claims["sub"] == "user_42"
    assert (claims["given_name"], claims["family_name"]) == ("John", "Doe")
    assert claims["email"] == "johndoe@example.com"
    assert claims["phone_number"] == "+1-202-555-0101"
    assert claims["phone_number_verified"] is True
    assert claims["birthdate"] == "1940-01-01"
    assert claims["updated_at"] == 1570000000
    assert claims["address"] == {
        "street_address": "123 Main St",
        "locality": "Anytown",
        "region": "Anystate",
        "country": "US",
    }
    assert claims["nationalities"] == ["US", "DE"]
    assert "cnf" in claims
    assert "_sd" not in claims
    assert "_sd_alg" not in claims
    assert processed.hidden == 0
    assert len(processed.disclosed) == 10


def test_section_5_2_presentation() -> None:
    # §5.2: family_name, address, given_name and one nationality, in this order
    processed = verify_sd_jwt(_sd_jwt(FAMILY_NAME, ADDRESS, GIVEN_NAME, US), ISSUER, now=AT)
    assert processed.claims["nationalities"] == ["US"]
    assert processed.claims["given_name"] == "John"
    for hidden in ("email", "phone_number", "phone_number_verified", "birthdate", "updated_at"):
        assert hidden not in processed.claims
    assert processed.hidden == 6


def test_no_disclosures_leaves_the_clear_claims() -> None:
    processed = verify_sd_jwt(_sd_jwt(), ISSUER, now=AT)
    assert processed.claims["nationalities"] == []
    assert "given_name" not in processed.claims


def test_the_rfc_digests_are_the_disclosures() -> None:
    token = decode_sd_jwt(_sd_jwt(*ALL))
    assert token.header == {"alg": "ES256", "typ": "example+sd-jwt"}
    given = next(d for d in token.disclosures if d.name == "given_name")
    assert given.digest == "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4"
    assert given.digest in token.payload["_sd"]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        (_sd_jwt(GIVEN_NAME, GIVEN_NAME), "sdjwt.disclosures"),
        (_sd_jwt(GIVEN_NAME, "WyJkdW1teXNhbHQiLCAiZm9vIiwgImJhciJd"), "sdjwt.digest"),
        (JWT.replace("MczwjBFGtzf", "XczwjBFGtzf") + "~", "sdjwt.signature"),
    ],
)
def test_the_rfc_example_broken(text: str, check: str) -> None:
    with pytest.raises(SdJwtError) as caught:
        verify_sd_jwt(text, ISSUER, now=AT)
    assert caught.value.check == check


def test_the_rfc_example_expires() -> None:
    later = datetime(2030, 1, 1, tzinfo=timezone.utc)  # exp 1883000000 is 2029-09-01
    with pytest.raises(SdJwtError) as caught:
        verify_sd_jwt(_sd_jwt(), ISSUER, now=later)
    assert caught.value.check == "sdjwt.exp"
