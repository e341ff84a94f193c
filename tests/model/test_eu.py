"""The Annex I form (MicroCredential): completeness, OB 3.0 and ELM round trips, privacy."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred.model import (
    EU_CONTEXT,
    MANDATORY_ELEMENTS,
    IncompleteMicroCredentialError,
    MicroCredential,
)
from microcred.model.elm import from_elm
from microcred.model.identity import IdentityPolicy, ReversibleIdentityWarning

ROOT = Path(__file__).resolve().parents[2]
FORM = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
PERSONAL_NUMBER = FORM["learner"]["national_id"]["value"]
TODAY = date(2026, 11, 25)
KEY = mc.keys.generate("Ed25519")


def _expected_after_credential(form: dict[str, Any], issuer_id: str) -> dict[str, Any]:
    """What reading a credential back gives: the issuer id is set, and the national id and
    e-mail are only there as hashed identities."""
    expected = json.loads(json.dumps(form))
    expected.setdefault("issuer", {})["id"] = issuer_id
    expected["learner"].pop("national_id", None)
    expected["learner"].pop("email", None)
    return expected


def _without_hashed(form: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(form))
    copy["learner"].pop("identity_objects", None)
    return copy


def test_example_form_is_complete_and_names_elements() -> None:
    micro = MicroCredential.model_validate(FORM)
    assert micro.missing == []
    assert len(micro.present_optional) == 5
    assert micro.workload is not None
    assert micro.workload.ects == Decimal("7.5")
    assert micro.level is not None
    assert (micro.level.eqf, micro.level.cycle) == (6, 1)


@pytest.mark.parametrize("element", MANDATORY_ELEMENTS)
def test_each_missing_mandatory_element_is_named(element: str) -> None:
    field = {
        "identification of the learner": "learner",
        "title of the micro-credential": "title",
        "country of the issuer": None,
        "awarding body": None,
        "date of issuing": "issued",
        "learning outcomes": "learning_outcomes",
        "notional workload": "workload",
        "level": "level",
        "type of assessment": "assessment",
        "form of participation": "participation",
        "type of quality assurance": "quality_assurance",
    }[element]
    form = json.loads(json.dumps(FORM))
    if field is not None:
        del form[field]
    elif element == "country of the issuer":
        del form["issuer"]["country"]
    else:
        del form["issuer"]["name"]
    micro = MicroCredential.model_validate(form)
    assert micro.missing == [element]
    with pytest.raises(IncompleteMicroCredentialError) as error:
        micro.to_ob3(issuer_id=KEY.did)
    assert error.value.missing == [element]


def test_ob3_round_trip_through_signing_and_verification() -> None:
    micro = MicroCredential.model_validate(FORM)
    credential = micro.to_ob3(issuer_id=KEY.did, today=TODAY).to_json()
    assert EU_CONTEXT in credential["@context"]
    signed = mc.issue(credential, KEY)
    assert isinstance(signed["proof"], list)  # OB 3.0 wants a proof array
    report = mc.verify(signed, profile="eu-microcredential")
    assert report.verified, report
    back = MicroCredential.from_ob3(report.document or {})
    assert _without_hashed(back.to_json()) == _expected_after_credential(micro.to_json(), KEY.did)
    kinds = {o["identityType"] for o in back.learner.identity_objects} if back.learner else set()
    assert kinds == set()  # the national id and e-mail are left out by default


def test_the_personal_number_hash_matches_and_never_appears_in_clear() -> None:
    from microcred.model.presets import se

    micro = MicroCredential.model_validate(FORM)
    salted = IdentityPolicy(national_id="salted")  # the opt-in; tests/model/test_privacy.py
    with pytest.warns(ReversibleIdentityWarning):
        credential = micro.to_ob3(issuer_id=KEY.did, today=TODAY, identity=salted).to_json()
    signed = mc.issue(credential, KEY)
    token = mc.issue(credential, KEY, format="jwt")
    digits = PERSONAL_NUMBER.replace("-", "")
    outputs = [json.dumps(signed), token, json.dumps(micro.to_elm(issuer_id=KEY.did))]
    import base64

    outputs.append(base64.urlsafe_b64decode(token.split(".")[1] + "==").decode())
    for text in outputs:
        for spelling in (PERSONAL_NUMBER, digits, digits[2:], PERSONAL_NUMBER[2:]):
            assert spelling not in text
    (identity,) = [
        i
        for i in signed["credentialSubject"]["identifier"]
        if i["identityType"] == "nationalIdentityNumber"
    ]
    assert identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    assert se.identity_matches(identity, "191212121212", today=TODAY)
    assert se.identity_matches(identity, "121212+1212", today=TODAY)  # + : aged 100 or more
    assert not se.identity_matches(identity, "121212-1212", today=TODAY)  # that is 2012
    assert not se.identity_matches(identity, "19121212-1220", today=TODAY)


def test_elm_round_trip_keeps_every_element() -> None:
    micro = MicroCredential.model_validate(FORM)
    elm = micro.to_elm(issuer_id=KEY.did, include_email=True)
    assert mc.validate(elm).profile == "elm"
    assert mc.validate(elm).valid
    back = from_elm(elm)
    expected = _expected_after_credential(micro.to_json(), KEY.did)
    expected["learner"]["email"] = FORM["learner"]["email"]  # asked for: the contact e-mail
    assert back.to_json() == expected


def test_commission_annex_i_sample_reads_every_element_it_carries(shared_standards: Path) -> None:
    sample = json.loads(
        (
            shared_standards / "elm" / "examples" / "elm-repo__Sample-MC-Annex1-unsigned.jsonld"
        ).read_text()
    )
    micro = from_elm(sample)
    # the sample carries no quality-assurance element; everything else is read
    assert micro.missing == ["type of quality assurance"]
    assert micro.title == "Digital micro-credential creation"
    assert micro.workload is not None
    assert (micro.workload.ects, micro.workload.hours) == (2, 60)
    assert micro.level is not None
    assert micro.level.eqf == 6
    assert micro.participation == "blended"
    assert micro.supervision == "unsupervised-without-id"
    assert micro.grade is not None
    assert micro.grade.value == "Pass"
    assert micro.issuer is not None
    assert micro.issuer.country == "IE"
    assert [o.esco is not None for o in micro.learning_outcomes] == [True, True]
    assert micro.prerequisites
    assert "EU Login" in micro.prerequisites


def test_plain_open_badge_is_read_for_what_it_carries(shared_standards: Path) -> None:
    path = shared_standards / "examples" / "validator-fixtures" / "ob30" / "complete.json"
    micro = MicroCredential.from_ob3(json.loads(path.read_text()))
    assert micro.title
    assert micro.learning_outcomes
    assert "type of quality assurance" in micro.missing
    assert "form of participation" in micro.missing


# ----------------------------------------------------------------------- generated forms

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda t: t.strip() == t and t != "")
_languages = st.sampled_from(["sv", "en", "fi", "de"])
LADOK_UID = "8f0f7c3e-1d2a-11ee-9c5b-0242ac120002"
ESCO_SKILL = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"
ASSESSMENTS = ["written examination", "oral examination", "project work", "portfolio"]
SUPERVISION = [
    "supervised-with-id",
    "supervised-without-id",
    "unsupervised-with-id",
    "unsupervised-without-id",
]


def _personal_number(draw: st.DrawFn) -> str:
    year = draw(st.integers(1930, 2005))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    serial = draw(st.integers(0, 999))
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    total = sum(
        (lambda p: p // 10 + p % 10)(int(c) * (2 if i % 2 == 0 else 1)) for i, c in enumerate(body)
    )
    return f"{year}{month:02d}{day:02d}-{serial:03d}{(10 - total % 10) % 10}"


@st.composite
def forms(draw: st.DrawFn) -> dict[str, Any]:
    language = draw(_languages)
    title: Any = draw(st.one_of(_text, st.dictionaries(_languages, _text, min_size=2, max_size=3)))
    if isinstance(title, dict):
        language = draw(st.sampled_from(sorted(title)))
    form: dict[str, Any] = {
        "type": "MicroCredential",
        "language": language,
        "title": title,
        "learner": {
            "name": draw(_text),
            "national_id": {"country": "SE", "value": _personal_number(draw)},
            "identifiers": [{"scheme": "Ladok UID", "value": LADOK_UID}],
        },
        "issuer": {
            "name": draw(_text),
            "country": draw(st.sampled_from(["SE", "FI", "DE", "IE", "NL"])),
            "url": "https://issuer.example",
        },
        "issued": draw(st.sampled_from(["2026-06-12T10:00:00Z", "2025-01-31T23:59:59Z"])),
        "awarded": "2026-06-10",
        "learning_outcomes": [
            {"text": t, **({"esco": ESCO_SKILL} if e else {})}
            for t, e in draw(st.lists(st.tuples(_text, st.booleans()), min_size=1, max_size=3))
        ],
        "workload": {"ects": draw(st.integers(1, 120)) / 2, "hours": draw(st.integers(1, 900))},
        "level": {"eqf": draw(st.integers(1, 8))},
        "assessment": {"type": draw(st.sampled_from(ASSESSMENTS))},
        "participation": draw(st.sampled_from(["online", "onsite", "blended", "work-based"])),
        "quality_assurance": {
            "type": draw(st.sampled_from(["institutional", "programme"])),
            "body": draw(_text),
        },
        "prerequisites": draw(_text),
        "supervision": draw(st.sampled_from(SUPERVISION)),
        "grade": {"value": draw(st.sampled_from(["U", "G", "VG"])), "scale": "U/G/VG"},
        "stackability": {
            "stackable": draw(st.booleans()),
            "part_of": draw(st.lists(_text, max_size=2)),
        },
        "further_information": draw(_text),
    }
    if draw(st.booleans()):
        form["level"]["cycle"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        form["code"] = draw(st.sampled_from(["DA123A", "1MA001"]))
    if draw(st.booleans()):
        form["awarding_bodies"] = [{"name": draw(_text), "country": "SE"}]
    return form


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(form=forms())
def test_generated_forms_round_trip_through_ob3(form: dict[str, Any]) -> None:
    micro = MicroCredential.model_validate(form)
    assert micro.missing == []
    signed = mc.issue(micro.to_ob3(issuer_id=KEY.did, today=TODAY).to_json(), KEY)
    report = mc.verify(signed, profile="eu-microcredential")
    assert report.verified, [c for c in report.failed]
    back = MicroCredential.from_ob3(signed)
    expected = _expected_after_credential(micro.to_json(), KEY.did)
    assert _without_hashed(back.to_json()) == expected


@_SETTINGS
@given(form=forms())
def test_generated_forms_round_trip_through_elm(form: dict[str, Any]) -> None:
    micro = MicroCredential.model_validate(form)
    elm = micro.to_elm(issuer_id=KEY.did)
    assert mc.validate(elm, "elm").valid
    expected = _expected_after_credential(micro.to_json(), KEY.did)
    assert from_elm(elm).to_json() == expected
