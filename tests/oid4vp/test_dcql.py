"""DCQL (OpenID4VP 1.0 §6): the query model, its validation, and the check of an answer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.oid4vp._fixtures import MICRO_QUERY, VCT, ob3_query

from microcred.errors import OAuthError
from microcred.oid4vp import DcqlQuery
from microcred.oid4vp._dcql import claim_problems


def _query(**members: Any) -> dict[str, Any]:
    query = copy.deepcopy(MICRO_QUERY)
    query["credentials"][0].update(members)
    return query


def test_a_query_round_trips() -> None:
    query = DcqlQuery.parse(MICRO_QUERY)
    assert query.to_json() == MICRO_QUERY
    assert query.query("micro_credential") is not None
    assert query.query("other") is None


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"format": "mso_mdoc"}, "format must be one of"),
        ({"id": "no spaces"}, ".id must be"),
        ({"meta": {}}, "meta needs vct_values"),
        ({"meta": {"vct_values": []}}, "must be a non-empty array"),
        ({"claims": []}, "claims must be a non-empty array"),
        ({"claims": [{"path": [-1]}]}, "path holds strings"),
        ({"claims": [{"path": ["a"], "extra": 1}]}, "unsupported member"),
        ({"claim_sets": [["x"]]}, "claim_sets needs claims that each have a distinct id"),
        ({"multiple": "yes"}, "multiple must be true or false"),
        ({"trusted_authorities": []}, "trusted_authorities is not supported"),
    ],
)
def test_an_invalid_credential_query_is_refused(members: dict[str, Any], message: str) -> None:
    with pytest.raises(OAuthError, match=message) as caught:
        DcqlQuery.parse(_query(**members))
    assert caught.value.error == "invalid_request"


def test_meta_is_required_in_1_0() -> None:
    # OpenID4VP 1.0 §6.1: "meta: REQUIRED. An object defining additional properties
    # requested by the Verifier that apply to the metadata and validity data of the Credential."
    query = _query()
    del query["credentials"][0]["meta"]
    with pytest.raises(OAuthError, match="needs meta"):
        DcqlQuery.parse(query)


def test_ids_are_distinct_and_credential_sets_name_known_ids() -> None:
    twice = {"credentials": [MICRO_QUERY["credentials"][0]] * 2}
    with pytest.raises(OAuthError, match="distinct"):
        DcqlQuery.parse(twice)
    unknown = {**MICRO_QUERY, "credential_sets": [{"options": [["nope"]]}]}
    with pytest.raises(OAuthError, match="not in credentials"):
        DcqlQuery.parse(unknown)


def test_the_bounds_of_a_query() -> None:
    many = {"credentials": [{**MICRO_QUERY["credentials"][0], "id": f"q{i}"} for i in range(17)]}
    with pytest.raises(OAuthError, match="more than 16"):
        DcqlQuery.parse(many)
    deep = _query(claims=[{"path": ["a"] * 17}])
    with pytest.raises(OAuthError, match="more than 16"):
        DcqlQuery.parse(deep)


def test_credential_sets_decide_what_is_required() -> None:
    query = DcqlQuery.parse(
        {
            "credentials": [
                ob3_query("ldp_vc", "a")["credentials"][0],
                ob3_query("jwt_vc_json", "b")["credentials"][0],
            ],
            "credential_sets": [
                {"options": [["a"], ["b"]]},
                {"options": [["b"]], "required": False},
            ],
        }
    )
    assert query.unanswered({"a"}) == []
    assert query.unanswered({"b"}) == []
    assert query.unanswered(set()) == ["credential set 0 needs a or b"]
    plain = DcqlQuery.parse({"credentials": query.to_json()["credentials"]})
    assert plain.unanswered({"a"}) == ["no verified presentation for b"]


DOC = {
    "vct": VCT,
    "issuer": {"name": "Exempeluniversitetet"},
    "credentialSubject": {
        "achievement": {"name": "ML", "ECTS": 7.5},
        "identifier": [{"identityHash": "x"}, {"identityHash": "y"}],
    },
}


def test_an_answer_with_every_requested_claim_and_nothing_else() -> None:
    query = DcqlQuery.parse(MICRO_QUERY).credentials[0]
    assert claim_problems(query, DOC, ["/credentialSubject/achievement/name"]) == []


def test_an_unrequested_disclosure_is_named() -> None:
    query = DcqlQuery.parse(MICRO_QUERY).credentials[0]
    problems = claim_problems(query, DOC, ["/credentialSubject/identifier/0"])
    assert problems == ["claim /credentialSubject/identifier/0 was disclosed but not requested"]


def test_a_missing_claim_and_a_wrong_type_are_named() -> None:
    query = DcqlQuery.parse(MICRO_QUERY).credentials[0]
    doc = copy.deepcopy(DOC)
    del doc["credentialSubject"]["achievement"]["ECTS"]
    doc["vct"] = "urn:other"
    problems = claim_problems(query, doc, [])
    assert (
        "requested claim ['credentialSubject', 'achievement', 'ECTS'] is not disclosed" in problems
    )
    assert "vct 'urn:other' is not one the query asks for" in problems


def test_null_selects_every_element_and_values_must_match() -> None:
    query = DcqlQuery.parse(
        _query(
            claims=[
                {"path": ["credentialSubject", "identifier", None, "identityHash"], "values": ["y"]}
            ]
        )
    ).credentials[0]
    disclosed = ["/credentialSubject/identifier/0", "/credentialSubject/identifier/1"]
    assert claim_problems(query, DOC, disclosed) == []
    wrong = DcqlQuery.parse(
        _query(
            claims=[
                {"path": ["credentialSubject", "identifier", None, "identityHash"], "values": ["z"]}
            ]
        )
    ).credentials[0]
    assert claim_problems(wrong, DOC, disclosed) == [
        "requested claim ['credentialSubject', 'identifier', null, 'identityHash'] is not disclosed"
    ]


def test_claim_sets_need_one_set_in_full() -> None:
    query = DcqlQuery.parse(
        _query(
            claims=[
                {"id": "n", "path": ["credentialSubject", "achievement", "name"]},
                {"id": "e", "path": ["credentialSubject", "achievement", "missing"]},
            ],
            claim_sets=[["e"], ["n"]],
        )
    ).credentials[0]
    assert claim_problems(query, DOC, []) == []
    only_e = DcqlQuery.parse(
        _query(claims=query.to_json()["claims"], claim_sets=[["e"]])
    ).credentials[0]
    assert claim_problems(only_e, DOC, []) == ["no claim set of the query is disclosed in full"]


def test_the_type_of_a_w3c_credential() -> None:
    query = DcqlQuery.parse(ob3_query("ldp_vc")).credentials[0]
    doc = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"achievement": {"name": "x"}},
    }
    assert claim_problems(query, doc, None) == []
    assert claim_problems(query, {**doc, "type": ["VerifiableCredential"]}, None) == [
        "the credential's type is not one the query asks for"
    ]


#: member names a query has, so that hostile values reach the inner checks
NAMES = st.sampled_from(["credentials", "credential_sets", "id", "format", "meta", "claims",
                         "claim_sets", "path", "values", "options", "required", "multiple",
                         "vct_values", "type_values", "dc+sd-jwt", "ldp_vc"])  # fmt: skip
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats()
    | st.sampled_from(["", "a", "x" * 70]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_hostile_queries_are_refused_with_invalid_request_or_parsed(value: Any) -> None:
    errors = []
    for candidate in (value, {"credentials": value}, {"credentials": [value]}):
        try:
            parsed = DcqlQuery.parse(candidate)
        except OAuthError as exc:
            errors.append(exc.error)
        else:
            assert DcqlQuery.parse(parsed.to_json()) == parsed
    assert set(errors) <= {"invalid_request"}
