"""microcred.edc._jws: the JWS JSON serialization (RFC 7515 §7.2) with unencoded payloads
(RFC 7797), read strictly; and the JAdES detection the pipeline routes by."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.edc import looks_like_jades, read_jws_json
from microcred.edc._jws import b64url_decode, b64url_encode, check_crit, dumps_header
from microcred.errors import JadesFormatError

B64_FALSE = {"alg": "ES256", "b64": False, "crit": ["b64"]}


def _general(jose: dict[str, Any], payload: str = "eyJhIjoxfQ", **entry: Any) -> dict[str, Any]:
    return {
        "payload": payload,
        "signatures": [{"protected": dumps_header(jose), "signature": "AAAA", **entry}],
    }


def test_general_and_flattened_forms_read_alike() -> None:
    general = _general(B64_FALSE, header={"etsiU": []})
    flattened = {"payload": general["payload"], **general["signatures"][0]}
    one, two = read_jws_json(general), read_jws_json(flattened)
    assert not one.flattened
    assert two.flattened
    assert one.signatures[0].path == "$.signatures[0]"
    assert two.signatures[0].path == "$"
    assert one.signing_input(one.signatures[0]) == two.signing_input(two.signatures[0])
    assert one.signatures[0].header == {"etsiU": []}


def test_the_unencoded_payload_is_signed_as_it_stands() -> None:
    """RFC 7797 §3: the signing input is ASCII(BASE64URL(header)) || '.' || the payload."""
    jws = read_jws_json(_general(B64_FALSE, payload='{"é": "\\r\\n"}'))
    signature = jws.signatures[0]
    assert not jws.encoded
    assert jws.signing_input(signature) == (
        signature.protected_b64.encode() + b"." + '{"é": "\\r\\n"}'.encode()
    )
    assert jws.payload_bytes == '{"é": "\\r\\n"}'.encode()


def test_an_encoded_payload_is_decoded_and_signed_as_base64url() -> None:
    payload = b64url_encode(b'{"a":1}')
    jws = read_jws_json(_general({"alg": "ES256"}, payload=payload))
    assert jws.encoded
    assert jws.payload_bytes == b'{"a":1}'
    assert jws.signing_input(jws.signatures[0]).endswith(b"." + payload.encode())


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ({"payload": "", "signatures": []}, "detached payload is not supported"),
        (_general({"alg": "ES256"}) | {"signature": "AAAA"}, "only in 'signatures'"),
        ({"payload": "x", "signatures": []}, "signatures must be a non-empty array"),
        (
            {"payload": "x", "signatures": [{"protected": "e30", "signature": "AA"}] * 9},
            "more than 8 signatures",
        ),
        (_general({"alg": "ES256", "b64": "no", "crit": ["b64"]}), "b64 must be true or false"),
        (_general({"alg": "ES256", "b64": False}), "RFC 7797 §6"),
        (_general({"alg": "ES256"}, header={"b64": False}), "b64 must be in the protected"),
        (_general({"alg": "ES256"}, header={"alg": "ES256"}), "both the protected"),
        (_general({"alg": "ES256"}, payload="not base64!"), "payload is not base64url"),
        (_general({"alg": "ES256"}, header=[]), "header must be a JSON object"),
        ({"payload": "x", "signatures": [{"protected": "e30=", "signature": "AA"}]}, "base64url"),
        ({"payload": "x", "signatures": [{"protected": "WzFd", "signature": "AA"}]}, "JSON object"),
        ({"payload": "x", "signatures": [{"protected": "e30", "signature": "A"}]}, "base64url"),
        ({"payload": "x", "signatures": [{"protected": "e30"}]}, "signature must be a non-empty"),
    ],
)
def test_malformed_serializations_are_refused(document: dict[str, Any], text: str) -> None:
    with pytest.raises(JadesFormatError) as caught:
        read_jws_json(document)
    assert text in caught.value.message
    assert caught.value.code == "jades.format"


def test_b64_must_agree_across_signatures() -> None:
    """RFC 7797 §3: "the b64 value MUST be the same for all signatures"."""
    document = _general(B64_FALSE)
    document["signatures"].append({"protected": dumps_header({"alg": "ES256"}), "signature": "AA"})
    with pytest.raises(JadesFormatError, match="same for every signature"):
        read_jws_json(document)


def test_duplicate_header_names_are_refused() -> None:
    protected = b64url_encode(b'{"alg":"ES256","alg":"none"}')
    with pytest.raises(JadesFormatError, match="not a JSON object"):
        read_jws_json(
            {"payload": "e30", "signatures": [{"protected": protected, "signature": "AA"}]}
        )


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ({"alg": "ES256", "crit": "b64"}, "non-empty array of distinct names"),
        ({"alg": "ES256", "crit": []}, "non-empty array of distinct names"),
        ({"alg": "ES256", "sigT": "x", "crit": ["sigT", "sigT"]}, "distinct"),
        ({"alg": "ES256", "crit": ["alg"]}, "a parameter RFC 7515/7518 define"),
        ({"alg": "ES256", "crit": ["sigT"]}, "absent from the protected header"),
        ({"alg": "ES256", "sigX": 1, "crit": ["sigX"]}, "does not process"),
    ],
)
def test_crit_is_understood_or_refused(header: dict[str, Any], text: str) -> None:
    """RFC 7515 §4.1.11."""
    signature = read_jws_json(_general(header)).signatures[0]
    with pytest.raises(JadesFormatError, match=text):
        check_crit(signature, {"b64", "sigT"})


def test_crit_in_the_unprotected_header_is_refused() -> None:
    signature = read_jws_json(_general({"alg": "ES256"}, header={"crit": ["b64"]})).signatures[0]
    with pytest.raises(JadesFormatError, match="must be in the protected header"):
        check_crit(signature, {"b64"})


def test_understood_crit_names_are_returned() -> None:
    signature = read_jws_json(_general({**B64_FALSE, "sigT": "t", "crit": ["b64", "sigT"]}))
    assert check_crit(signature.signatures[0], {"b64", "sigT"}) == ["b64", "sigT"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (_general(B64_FALSE), True),
        (_general({"alg": "RS256", "sigT": "2024-01-01T00:00:00Z"}), True),
        (_general({"alg": "RS256"}, header={"etsiU": []}), True),
        (_general({"alg": "ES256", "typ": "dc+sd-jwt"}), False),  # an SD-JWT's: not JAdES
        ({"payload": "x", "protected": "not base64!", "signature": "AA"}, False),
        ({"payload": "x"}, False),
        ([], False),
    ],
)
def test_jades_is_told_from_other_jws(value: Any, expected: bool) -> None:
    assert looks_like_jades(value) is expected


def test_base64url_is_strict() -> None:
    assert b64url_decode("AQID", "x") == b"\x01\x02\x03"
    for bad in ("AQID=", "AQ+D", "A", "AQ ID"):
        with pytest.raises(JadesFormatError):
            b64url_decode(bad, "x")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    payload=_JSON,
    protected=st.one_of(_JSON, st.dictionaries(st.text(max_size=8), _JSON, max_size=5)),
    header=_JSON,
    signature=_JSON,
    general=st.booleans(),
)
def test_any_json_is_read_or_refused_with_the_format_error(
    payload: Any, protected: Any, header: Any, signature: Any, general: bool
) -> None:
    encoded = (
        dumps_header(protected)
        if isinstance(protected, dict)
        else b64url_encode(json.dumps(protected).encode())
    )
    entry = {"protected": encoded, "header": header, "signature": signature}
    document = (
        {"payload": payload, "signatures": [entry]} if general else {"payload": payload, **entry}
    )
    try:
        jws = read_jws_json(document)
    except JadesFormatError:
        return
    assert jws.signatures[0].protected == protected
    looks_like_jades(document)  # never raises
