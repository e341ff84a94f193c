"""The Annex I form (MicroCredential): completeness, OB 3.0 and ELM round trips, privacy."""

from __future__ import annotations

import json
import re
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


# ------------------------------------------------------------------------ strict forms

TEMPLATE = json.loads((ROOT / "examples" / "data" / "template-da123a.json").read_text())


def _problems(form: Any, **options: Any) -> list[str]:
    from microcred.model.eu import FormError, check_form

    with pytest.raises(FormError) as caught:
        check_form(form, **options)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_the_shipped_form_and_template_pass_the_strict_check() -> None:
    from microcred.model.eu import check_form

    check_form(FORM)
    check_form(TEMPLATE, without_learner=True)
    check_form({**TEMPLATE, "grade": {"scale": "U/G/VG"}}, without_learner=True)


@pytest.mark.parametrize(
    ("member", "path", "value", "nearest"),
    [
        ("titel", (), "x", "title"),
        ("lerning_outcomes", (), [], "learning_outcomes"),
        ("learningOutcomes", (), [], "learning_outcomes"),
        ("Language", (), "sv", "language"),
        ("nme", ("learner",), "A", "name"),
        ("contry", ("issuer",), "SE", "country"),
        ("contry", ("awarding_bodies", 0), "SE", "country"),
        ("esc", ("learning_outcomes", 1), "x", "esco"),
        ("ETCS", ("workload",), 3, "ects"),
        ("eqf_level", ("level",), 6, "eqf"),
        ("typ", ("assessment",), "x", "type"),
        ("bodys", ("quality_assurance",), "x", "body"),
        ("scal", ("grade",), "A-F", "scale"),
        ("partof", ("stackability",), [], "part_of"),
        ("schem", ("learner", "identifiers", 0), "x", "scheme"),
        ("countyr", ("learner", "national_id"), "SE", "country"),
    ],
)
def test_an_unknown_member_is_named_with_its_path_and_the_nearest_known_name(
    member: str, path: tuple[str | int, ...], value: Any, nearest: str
) -> None:
    form = json.loads(json.dumps(FORM))
    form["learner"]["identifiers"] = [{"scheme": "ESI", "value": "urn:x"}]
    form["awarding_bodies"] = [{"name": "Exempeluniversitetet"}]
    target: Any = form
    for step in path:
        target = target[step]
    target[member] = value
    where = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in (*path, member))
    expected = f"{where.lstrip('.')}: unknown member of the Annex I form; did you mean {nearest!r}?"
    assert _problems(form) == [expected]
    # the model and read_any refuse it too (nothing is dropped silently)
    with pytest.raises(ValueError, match="unknown member of the Annex I form"):
        MicroCredential.model_validate(form)
    from microcred.model.eu import FormError, read_any

    with pytest.raises(FormError) as caught:
        read_any(form)
    assert caught.value.problems == [expected]


def test_a_member_with_no_near_name_lists_the_known_ones() -> None:
    problems = _problems({**FORM, "workload": {"ects": 7.5, "zzzz": 1}})
    assert problems == [
        "workload.zzzz: unknown member of the Annex I form; known here: ects, hours, hp"
    ]


@pytest.mark.parametrize(
    ("member", "hint"),
    [
        ("credentialStatus", "status entries are added by `batch-issue --status-list`"),
        ("proof", "a credential is signed when it is issued"),
        ("@context", "the contexts are written when the credential is made"),
        ("credentialSubject", "give the learner as `learner`"),
    ],
)
def test_a_credential_member_is_named_as_not_part_of_the_form(member: str, hint: str) -> None:
    (problem,) = _problems({**TEMPLATE, member: {}}, without_learner=True)
    assert problem.startswith(f"{member}: not part of the Annex I form")
    assert hint in problem


def test_every_problem_of_a_template_is_reported_at_once() -> None:
    bad = {
        **TEMPLATE,
        "titel": "x",
        "credentialStatus": {"type": "BitstringStatusListEntry"},
        "learner": {"name": "Ada"},
        "participation": "onlin",
        "grade": {"value": "vgg", "scale": "U/G/VG"},
    }
    del bad["assessment"]
    problems = _problems(bad, without_learner=True)
    assert problems == [
        "titel: unknown member of the Annex I form; did you mean 'title'?",
        "credentialStatus: not part of the Annex I form (it is a member of an OB 3.0 credential); "
        "status entries are added by `batch-issue --status-list`",
        "learner: a template has no learner; each roster row gives one",
        "participation: Input should be 'online', 'onsite', 'blended' or 'work-based'",
        "grade.value: 'vgg' is not on the U/G/VG scale; its grades are U, G, VG",
    ]
    # once the values are valid, a missing mandatory element is named
    fixed = {k: v for k, v in bad.items() if k not in ("titel", "credentialStatus", "learner")}
    fixed.update(participation="online", grade={"value": "VG", "scale": "U/G/VG"})
    assert _problems(fixed, without_learner=True) == [
        "missing mandatory Annex I element(s): type of assessment"
    ]
    # a whole form needs the learner and the date of issuing too
    assert _problems(TEMPLATE) == [
        "missing mandatory Annex I element(s): identification of the learner"
    ]
    assert _problems({k: v for k, v in FORM.items() if k != "issued"}) == [
        "missing mandatory Annex I element(s): date of issuing"
    ]


def test_a_hostile_form_gets_a_short_message() -> None:
    from microcred.model.eu import FormError, check_form

    form = {**FORM, "x" * 100_000: 1, **{f"extra{i}": i for i in range(500)}}
    with pytest.raises(FormError) as caught:
        check_form(form)
    assert len(caught.value.problems) == 501
    assert caught.value.problems[0].startswith("x" * 59 + "…: unknown member")
    lines = str(caught.value).splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... and 451 more problem(s)"


def test_a_form_that_is_not_an_object_and_hostile_keys_get_a_problem_not_a_traceback() -> None:
    assert _problems(["not", "a", "form"]) == ["the Annex I form must be a JSON object, not list"]
    problems = _problems({**TEMPLATE, 7: "x", "learner": "x", "issuer": [1]}, without_learner=True)
    assert problems[0].startswith("7: unknown member of the Annex I form")
    assert any(p.startswith("issuer: ") for p in problems)


def test_strict_errors_never_echo_the_learner_identity() -> None:
    form = json.loads(json.dumps(FORM))
    form["learner"]["national_id"]["valeu"] = PERSONAL_NUMBER
    form["learner"]["national_id"]["value"] = 12345
    problems = _problems(form)
    assert (
        "learner.national_id.valeu: unknown member of the Annex I form; did you mean 'value'?"
        in problems
    )
    with pytest.raises(ValueError, match="unknown member") as caught:
        MicroCredential.model_validate(form)
    text = str(caught.value)
    digits = PERSONAL_NUMBER.replace("-", "")
    assert PERSONAL_NUMBER not in text
    assert digits not in text
    assert digits[2:] not in text


def test_the_accepted_input_members_still_convert() -> None:
    micro = MicroCredential.model_validate(
        {**TEMPLATE, "workload": {"hp": "7,5"}, "level": {"se": "avancerad nivå"}}
    )
    assert micro.workload is not None
    assert micro.workload.ects == Decimal("7.5")
    assert micro.level is not None
    assert (micro.level.eqf, micro.level.cycle) == (7, 2)
    from microcred.model.identity import IdentityPolicy, ReversibleIdentityWarning

    with pytest.warns(ReversibleIdentityWarning):  # the read-back member needs a hashed identity
        issued = MicroCredential.model_validate(FORM).to_ob3(
            issuer_id=KEY.did, today=TODAY, identity=IdentityPolicy(national_id="salted")
        )
    back = MicroCredential.from_ob3(issued)
    assert back.learner is not None
    assert back.learner.identity_objects
    assert MicroCredential.model_validate(back.to_json()) == back


# ------------------------------------------------------------------------ grades


@pytest.mark.parametrize(
    ("value", "scale", "spelled"),
    [
        ("vg", "U/G/VG", "VG"),
        (" g ", "U/G/VG", "G"),
        ("u", "U/G", "U"),
        ("Fx", "A-F", "FX"),
        ("fx", "A–F", "FX"),
        ("b", "a-f", "B"),
        ("u", "U/3/4/5", "U"),
    ],
)
def test_a_grade_is_written_in_its_scale_spelling(value: str, scale: str, spelled: str) -> None:
    micro = MicroCredential.model_validate({**FORM, "grade": {"value": value, "scale": scale}})
    assert micro.grade is not None
    assert micro.grade.value == spelled
    credential = micro.to_ob3(issuer_id=KEY.did, today=TODAY).to_json()
    assert credential["credentialSubject"]["result"][0]["value"] == spelled
    micro.grade.value = value.lower()  # an assignment is normalised too
    assert micro.grade.value == spelled


@pytest.mark.parametrize(
    ("value", "scale", "grades"),
    [
        ("VGG", "U/G/VG", "U, G, VG"),
        ("X", "A-F", "F, FX, E, D, C, B, A"),
        ("6", "U/3/4/5", "U, 3, 4, 5"),
    ],
)
def test_a_grade_not_on_its_scale_names_the_scale_grades(
    value: str, scale: str, grades: str
) -> None:
    from microcred.model.eu import Grade

    message = f"{value!r} is not on the {scale} scale; its grades are {grades}"
    with pytest.raises(ValueError, match=re.escape(message)):
        Grade(value=value, scale=scale)
    assert _problems({**FORM, "grade": {"value": value, "scale": scale}}) == [
        f"grade.value: {message}"
    ]


def test_a_grade_on_an_unknown_scale_or_read_back_is_kept_as_given() -> None:
    micro = MicroCredential.model_validate({**FORM, "grade": {"value": "pass", "scale": "1-5"}})
    assert micro.grade is not None
    assert micro.grade.value == "pass"
    credential = (
        MicroCredential.model_validate(FORM).to_ob3(issuer_id=KEY.did, today=TODAY).to_json()
    )
    credential["credentialSubject"]["result"][0]["value"] = "Pass"  # another issuer's spelling
    back = MicroCredential.from_ob3(credential)
    assert back.grade is not None
    assert back.grade.value == "Pass"


def test_is_pass_reads_any_spelling_of_a_grade() -> None:
    from microcred.model.presets import se

    assert [se.is_pass(g, "U/G/VG") for g in ("vg", "G", " u ")] == [True, True, False]
    assert [se.is_pass(g, "A–F") for g in ("e", "Fx", "f", "A")] == [True, False, False, True]
    assert se.is_pass("3", "U/3/4/5")
    assert not se.is_pass("u", "U/3/4/5")
    with pytest.raises(ValueError, match="is not on the U/G scale"):
        se.is_pass("VG", "U/G")
    with pytest.raises(ValueError, match="unknown grading scale"):
        se.is_pass("G", "1-5")
