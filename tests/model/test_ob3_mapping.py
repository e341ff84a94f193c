"""The Annex I form ⇄ OB 3.0 codec (model._ob3_mapping): one writer per element of the
``euMicroCredential`` extension, one reader per Annex I element, each element round trip, and
hostile OB 3.0 documents."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.model._forms import (
    ELEMENTS,
    FORM,
    ISSUER,
    JSON,
    ROUND_TRIPS,
    annex_names,
    assert_round_trip,
    form,
    read_or_refused,
    replaced,
    replaced_nodes,
)

from microcred.model import MicroCredential
from microcred.model._ob3_mapping import ELEMENT_READERS, EXTENSION_WRITERS, from_ob3, to_ob3
from microcred.model.identity import IdentityPolicy, ReversibleIdentityWarning

TODAY = date(2026, 11, 25)


def _ob3(annex: dict[str, Any], identity: IdentityPolicy | None = None) -> dict[str, Any]:
    micro = MicroCredential.model_validate(annex)
    return micro.to_ob3(
        issuer_id=ISSUER, credential_id="urn:uuid:1", today=TODAY, identity=identity
    ).to_json()


def _achievement(credential: dict[str, Any]) -> dict[str, Any]:
    achievement: dict[str, Any] = credential["credentialSubject"]["achievement"]
    return achievement


def test_every_annex_i_element_has_one_reader() -> None:
    assert sorted(annex_names(ELEMENT_READERS)) == sorted(ELEMENTS)


def test_the_extension_writers_are_named_by_annex_i_elements() -> None:
    assert annex_names(EXTENSION_WRITERS)


@pytest.mark.parametrize(("element", "changes"), ROUND_TRIPS)
def test_each_element_round_trips(element: str, changes: dict[str, Any]) -> None:
    assert element in ELEMENTS
    assert_round_trip(lambda annex: MicroCredential.from_ob3(_ob3(annex)), changes)


def test_the_extension_members_keep_their_order() -> None:
    """The writers run in the table's order; the title first, the grade's scale last."""
    ext = _achievement(_ob3(FORM))["euMicroCredential"]
    assert list(ext) == [
        "type",
        "title",
        "creditFramework",
        "workloadHours",
        "eqfLevel",
        "qfEheaCycle",
        "assessmentName",
        "assessmentType",
        "formOfParticipation",
        "qualityAssurance",
        "supervision",
        "learningOutcome",
        "prerequisites",
        "stackable",
        "partOf",
        "furtherInformation",
        "gradingScale",
    ]


def test_the_eqf_alignment_comes_before_the_esco_skills() -> None:
    alignment = _achievement(_ob3(FORM))["alignment"]
    assert [a["targetType"] for a in alignment] == ["ext:EQFLevel", "ext:ESCOSkill"]
    assert alignment[0]["targetUrl"] == _achievement(_ob3(FORM))["euMicroCredential"]["eqfLevel"]


def test_a_known_grading_scale_lists_its_values() -> None:
    (known,) = _achievement(_ob3(FORM))["resultDescription"]
    assert known["allowedValue"] == ["U", "G", "VG"]
    (unknown,) = _achievement(_ob3(form(grade={"value": "B", "scale": "house points"})))[
        "resultDescription"
    ]
    assert "allowedValue" not in unknown
    assert unknown["name"] == "Grade (house points)"


def test_without_a_grade_there_is_no_result() -> None:
    credential = _ob3(form(grade=None))
    assert "result" not in credential["credentialSubject"]
    assert "resultDescription" not in _achievement(credential)
    assert "gradingScale" not in _achievement(credential)["euMicroCredential"]


def test_by_default_neither_the_national_id_nor_the_email_goes_in() -> None:
    text = json.dumps(_ob3(FORM))
    assert FORM["learner"]["national_id"]["value"] not in text
    assert FORM["learner"]["email"] not in text
    kinds = [i["identityType"] for i in _ob3(FORM)["credentialSubject"]["identifier"]]
    assert kinds == ["name", "sisSourcedId", "ext:ESI"]


def test_a_salted_identity_warns_and_is_never_in_clear() -> None:
    with pytest.warns(ReversibleIdentityWarning, match="personal identity number"):
        credential = _ob3(FORM, IdentityPolicy(national_id="salted"))
    (hashed,) = [
        i
        for i in credential["credentialSubject"]["identifier"]
        if i["identityType"] == "nationalIdentityNumber"
    ]
    assert hashed["hashed"] is True
    assert FORM["learner"]["national_id"]["value"] not in json.dumps(credential)


def test_to_ob3_is_deterministic_for_given_ids_and_salt() -> None:
    micro = MicroCredential.model_validate(FORM)
    policy = IdentityPolicy(email="hmac", key=b"k" * 32)
    options: dict[str, Any] = {"salt": "s", "today": TODAY, "identity": policy}
    first = to_ob3(micro, issuer_id=ISSUER, credential_id="urn:uuid:1", **options)
    again = to_ob3(micro, issuer_id=ISSUER, credential_id="urn:uuid:1", **options)
    assert json.dumps(first) == json.dumps(again)


def test_a_one_element_array_is_read_as_the_object() -> None:
    """JSON-LD may give a single value as an array of one (JSON-LD 1.1 §4.3.2 "sets")."""
    credential = _ob3(FORM)
    achievement = _achievement(credential)
    achievement["euMicroCredential"] = [achievement["euMicroCredential"]]
    credential["issuer"]["address"] = [credential["issuer"]["address"]]
    read = from_ob3(credential)
    assert read["participation"] == "online"
    assert read["issuer"]["country"] == "SE"


# -- hostile documents ------------------------------------------------------------------------


def test_not_a_json_object_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="is a JSON object"):
        from_ob3(["credential"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path",
    [
        ("credentialSubject",),
        ("credentialSubject", "achievement"),
        ("credentialSubject", "achievement", "euMicroCredential"),
        ("credentialSubject", "identifier"),
        ("credentialSubject", "result"),
        ("credentialSubject", "achievement", "alignment"),
        ("credentialSubject", "achievement", "criteria"),
        ("issuer", "address"),
        ("issuer", "otherIdentifier"),
    ],
)
@pytest.mark.parametrize("value", ["text", 7, 1.5, True, [["nested"]]])
def test_a_node_of_the_wrong_json_type_does_not_fail_the_reader(
    path: tuple[str, ...], value: Any
) -> None:
    read = from_ob3(replaced(_ob3(FORM), path, value))  # no AttributeError or TypeError
    assert read["type"] == "MicroCredential"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replaced_nodes(_ob3(FORM)))
def test_a_mutated_credential_is_read_or_refused_with_a_value_error(
    document: dict[str, Any],
) -> None:
    micro = read_or_refused(MicroCredential.from_ob3, document)
    assert micro is None or isinstance(micro, MicroCredential)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_arbitrary_json_is_read_or_refused_with_a_value_error(document: Any) -> None:
    read = read_or_refused(from_ob3, document)
    assert read is None or read["type"] == "MicroCredential"
