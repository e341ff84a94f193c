"""The Annex I form ⇄ ELM codec (microcred.model.elm, model._elm_mapping): one reader and one
writer per Annex I element, each element round trip, and hostile ELM documents."""

from __future__ import annotations

import base64
import json
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

from microcred.baking import image_kind, tiny_png
from microcred.model import OPTIONAL_ELEMENTS, MicroCredential
from microcred.model._elm_mapping import (
    ACHIEVEMENT_WRITERS,
    ELEMENT_READERS,
    SPECIFICATION_WRITERS,
    elm_form,
)
from microcred.model._ns import EXT_NS
from microcred.model.elm import from_elm


def _elm(annex: dict[str, Any], **options: Any) -> dict[str, Any]:
    return MicroCredential.model_validate(annex).to_elm(
        issuer_id=ISSUER, credential_id="urn:uuid:1", **options
    )


def _achievement(elm: dict[str, Any]) -> dict[str, Any]:
    claim: dict[str, Any] = elm["credentialSubject"]["hasClaim"][0]
    return claim


def test_every_annex_i_element_has_one_reader() -> None:
    assert sorted(annex_names(ELEMENT_READERS)) == sorted(ELEMENTS)


def test_the_writers_are_named_by_annex_i_elements() -> None:
    assert annex_names((*SPECIFICATION_WRITERS, *ACHIEVEMENT_WRITERS))


@pytest.mark.parametrize(("element", "changes"), ROUND_TRIPS)
def test_each_element_round_trips(element: str, changes: dict[str, Any]) -> None:
    assert element in ELEMENTS
    assert_round_trip(lambda annex: from_elm(_elm(annex)), changes)


@pytest.mark.parametrize("element", OPTIONAL_ELEMENTS)
def test_an_absent_optional_element_stays_absent(element: str) -> None:
    field = {
        "prerequisites": "prerequisites",
        "supervision and identity verification": "supervision",
        "grade": "grade",
        "integration and stackability": "stackability",
        "further information": "further_information",
    }[element]
    back = from_elm(_elm(form(**{field: None})))
    assert getattr(back, field) is None
    assert element not in back.present_optional


def test_supervision_with_a_grade_is_the_assessments_id_verification() -> None:
    elm = _elm(form(supervision="supervised-with-id"))
    (assessment,) = _achievement(elm)["provenBy"]
    assert assessment["idVerification"]["prefLabel"] == {"en": ["Supervised with ID Verification"]}
    subjects = [n.get("subject", {}).get("id") for n in _achievement(elm)["additionalNote"]]
    assert f"{EXT_NS}supervision" not in subjects


def test_supervision_without_a_grade_is_a_note() -> None:
    elm = _elm(form(grade=None, supervision="unsupervised-with-id"))
    assert "provenBy" not in _achievement(elm)
    notes = {n["subject"]["id"]: n["noteLiteral"] for n in _achievement(elm)["additionalNote"]}
    assert notes[f"{EXT_NS}supervision"] == {"en": ["unsupervised-with-id"]}


def test_the_assessments_id_verification_wins_over_a_supervision_note() -> None:
    elm = _elm(form(supervision="supervised-with-id"))
    _achievement(elm)["additionalNote"].append(
        {
            "id": "urn:epass:note:99",
            "type": "Note",
            "noteLiteral": {"en": ["unsupervised-without-id"]},
            "subject": {"id": f"{EXT_NS}supervision", "type": "Concept"},
        }
    )
    assert elm_form(elm)["supervision"] == "supervised-with-id"


def test_notes_are_numbered_in_the_order_they_are_written() -> None:
    elm = _elm(form(level={"eqf": 6, "cycle": 1, "seqf": 6}))
    ids = [n["id"] for n in _achievement(elm)["additionalNote"]]
    subjects = [n["subject"]["id"][len(EXT_NS) :] for n in _achievement(elm)["additionalNote"]]
    # the prerequisites and the grade are notes too (numbered 3 and 4)
    assert ids == ["urn:epass:note:1", "urn:epass:note:2", "urn:epass:note:5", "urn:epass:note:6"]
    assert subjects == ["qfEheaCycle", "seqfLevel", "stackable", "partOf"]


def test_the_national_id_is_never_written_and_the_email_only_when_asked() -> None:
    text = json.dumps(_elm(FORM))
    assert FORM["learner"]["national_id"]["value"] not in text
    assert FORM["learner"]["email"] not in text
    with_email = _elm(FORM, include_email=True)
    (contact,) = with_email["credentialSubject"]["contactPoint"]
    assert contact["emailAddress"] == [
        {"id": f"mailto:{FORM['learner']['email']}", "type": "Mailbox"}
    ]
    assert from_elm(with_email).learner.email == FORM["learner"]["email"]  # type: ignore[union-attr]


def test_the_display_image_is_the_placeholder_png() -> None:
    image = _elm(FORM)["displayParameter"]["individualDisplay"][0]["displayDetail"][0]["image"]
    content = base64.b64decode(image["content"])
    assert content == tiny_png()
    assert image_kind(content) == "png"


def test_writing_is_deterministic_for_given_ids() -> None:
    assert json.dumps(_elm(FORM)) == json.dumps(_elm(FORM))


# -- hostile documents ------------------------------------------------------------------------


def test_not_an_elm_credential_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="credentialSubject"):
        elm_form({"type": ["VerifiableCredential"]})
    with pytest.raises(ValueError, match="no LearningAchievement"):
        elm_form({"credentialSubject": {"hasClaim": [{"type": "LearningEntitlement"}]}})
    with pytest.raises(ValueError, match="is a JSON object"):
        elm_form(["not", "an", "object"])  # type: ignore[arg-type]


def test_a_credit_point_that_is_not_a_number_is_a_clear_error() -> None:
    elm = _elm(FORM)
    _achievement(elm)["specifiedBy"]["creditPoint"][0]["point"] = "seven"
    with pytest.raises(ValueError, match=r"creditPoint\.point is not a number"):
        elm_form(elm)


@pytest.mark.parametrize(
    "path",
    [
        ("issuer",),
        ("credentialSubject", "hasClaim", 0, "specifiedBy"),
        ("credentialSubject", "hasClaim", 0, "awardedBy"),
        ("credentialSubject", "hasClaim", 0, "specifiedBy", "eqfLevel"),
        ("credentialSubject", "hasClaim", 0, "specifiedBy", "accreditation", 0, "accreditingAgent"),
        ("credentialSubject", "hasClaim", 0, "provenBy", 0, "grade"),
    ],
)
@pytest.mark.parametrize("value", ["text", 7, True, ["text"]])
def test_a_node_of_the_wrong_json_type_does_not_fail_the_reader(
    path: tuple[Any, ...], value: Any
) -> None:
    read = elm_form(replaced(_elm(FORM), path, value))  # no AttributeError or TypeError
    assert read["type"] == "MicroCredential"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replaced_nodes(_elm(FORM, include_email=True)))
def test_a_mutated_credential_is_read_or_refused_with_a_value_error(
    document: dict[str, Any],
) -> None:
    micro = read_or_refused(from_elm, document)
    assert micro is None or isinstance(micro, MicroCredential)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_arbitrary_json_is_read_or_refused_with_a_value_error(document: Any) -> None:
    read = read_or_refused(elm_form, document)
    assert read is None or read["type"] == "MicroCredential"
