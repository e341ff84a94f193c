"""The Annex I table: every element once, in the Recommendation's order, with where it sits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import microcred as mc
from microcred.model import MANDATORY_ELEMENTS, OPTIONAL_ELEMENTS, MicroCredential
from microcred.model.elements import element_rows, source_kind
from microcred.model.eu import read_any

FORM = Path(__file__).resolve().parents[2] / "examples" / "data" / "annex-i-da123a.json"


def test_rows_cover_every_element_in_order_with_the_values() -> None:
    form = MicroCredential.model_validate(json.loads(FORM.read_text(encoding="utf-8")))
    rows = element_rows(form)
    assert [r.element for r in rows] == [*MANDATORY_ELEMENTS, *OPTIONAL_ELEMENTS]
    assert [r.mandatory for r in rows] == [True] * 11 + [False] * 5
    by_name = {r.element: r for r in rows}
    assert "ECTS" in by_name["notional workload"].value
    assert by_name["country of the issuer"].value == "SE"
    assert all(r.where == "Annex I form" for r in rows)
    assert rows[0].to_json()["element"] == "identification of the learner"


def test_where_follows_the_source_form_and_missing_elements_are_empty() -> None:
    key = mc.keys.generate("Ed25519")
    form = MicroCredential.model_validate(json.loads(FORM.read_text(encoding="utf-8")))
    credential = form.to_ob3(issuer_id=key.did).model_dump(by_alias=True, exclude_none=True)
    assert source_kind(credential) == "ob3"
    rows = {r.element: r for r in element_rows(read_any(credential), "ob3")}
    assert rows["notional workload"].where.startswith("achievement.creditsAvailable")
    elm = form.to_elm(issuer_id=key.did)
    assert source_kind(elm) == "elm"
    assert source_kind({"title": {"en": "x"}}) == "annex-i"
    sparse = MicroCredential.model_validate({"title": {"en": "Only a title"}})
    empty = [r.element for r in element_rows(sparse) if r.mandatory and not r.value]
    assert empty == [e for e in MANDATORY_ELEMENTS if e != "title of the micro-credential"]


def _values(form: dict[str, object], language: str) -> dict[str, str]:
    micro = MicroCredential.model_validate(form)
    return {r.element: r.value for r in element_rows(micro, language=language)}  # type: ignore[arg-type]


def test_the_words_microcred_writes_are_english_by_default_and_swedish_on_request() -> None:
    form = json.loads(FORM.read_text(encoding="utf-8"))
    english = _values(form, "en")
    assert english == {
        r.element: r.value for r in element_rows(MicroCredential.model_validate(form))
    }
    assert english["notional workload"] == "7.5 ECTS + 200 hours"
    assert english["level"] == "EQF 6, cycle 1"
    assert english["form of participation"] == "online"
    assert english["supervision and identity verification"] == "supervised-with-id"
    assert english["type of assessment"] == "written examination"
    assert english["integration and stackability"].startswith("stackable into ")
    swedish = _values(form, "sv")
    assert swedish["notional workload"] == "7,5 hp (ECTS) + 200 timmar"
    assert swedish["level"] == "EQF-nivå 6, första cykeln (grundnivå)"
    assert swedish["form of participation"] == "på distans (online)"
    assert swedish["supervision and identity verification"] == "övervakad med identitetskontroll"
    assert swedish["type of assessment"] == "skriftlig tentamen"
    assert swedish["type of quality assurance"].startswith("institutionell kvalitetssäkring (")
    assert (
        swedish["integration and stackability"] == "kan ingå i Master's programme in data science"
    )
    learner_sv = swedish["identification of the learner"]
    assert "nationellt identitetsnummer (inte i intyget)" in learner_sv
    assert "national id (not in the credential)" in english["identification of the learner"]
    # the credential's own text stays as it states it
    for element in ("learning outcomes", "prerequisites", "further information", "date of issuing"):
        assert swedish[element] == english[element]
    assert swedish["grade"] == english["grade"] == "VG (U/G/VG)"


@pytest.mark.parametrize(
    ("changes", "element", "english", "swedish"),
    [
        (
            {"level": {"eqf": 7, "cycle": 2}},
            "level",
            "EQF 7, cycle 2",
            "EQF-nivå 7, andra cykeln (avancerad nivå)",
        ),
        (
            {"level": {"eqf": 8, "cycle": 3}},
            "level",
            "EQF 8, cycle 3",
            "EQF-nivå 8, tredje cykeln (forskarnivå)",
        ),
        ({"level": {"eqf": 5}}, "level", "EQF 5", "EQF-nivå 5"),
        ({"workload": {"ects": 15}}, "notional workload", "15 ECTS", "15 hp (ECTS)"),
        ({"workload": {"hours": 2.5}}, "notional workload", "2.5 hours", "2,5 timmar"),
        ({"participation": "onsite"}, "form of participation", "onsite", "på plats"),
        (
            {"participation": "blended"},
            "form of participation",
            "blended",
            "kombinerad (på plats och på distans)",
        ),
        (
            {"participation": "work-based"},
            "form of participation",
            "work-based",
            "arbetsplatsförlagd",
        ),
        (
            {"supervision": "supervised-without-id"},
            "supervision and identity verification",
            "supervised-without-id",
            "övervakad utan identitetskontroll",
        ),
        (
            {"supervision": "unsupervised-with-id"},
            "supervision and identity verification",
            "unsupervised-with-id",
            "utan övervakning, med identitetskontroll",
        ),
        (
            {"supervision": "unsupervised-without-id"},
            "supervision and identity verification",
            "unsupervised-without-id",
            "utan övervakning och utan identitetskontroll",
        ),
        (
            {"assessment": {"type": "oral exam"}},
            "type of assessment",
            "oral exam",
            "muntlig tentamen",
        ),
        (
            {"assessment": {"type": "hemtentamen"}},
            "type of assessment",
            "hemtentamen",
            "hemtentamen",
        ),
        (
            {"quality_assurance": {"type": "programme"}},
            "type of quality assurance",
            "programme",
            "kvalitetssäkring av utbildningsprogrammet",
        ),
        (
            {"stackability": {"stackable": True}},
            "integration and stackability",
            "stackable",
            "kan kombineras med andra meriter",
        ),
        (
            {"stackability": {"stackable": False}},
            "integration and stackability",
            "not stackable",
            "kan inte kombineras",
        ),
        (
            {
                "title": {"en": "Machine learning", "sv": "Maskininlärning"},
                "language": "en",
                "code": None,
            },
            "title of the micro-credential",
            "Machine learning",
            "Maskininlärning",
        ),
        (
            {"title": {"en": "Machine learning"}, "code": None},
            "title of the micro-credential",
            "Machine learning",
            "Machine learning",
        ),
    ],
)
def test_each_written_value_in_both_languages(
    changes: dict[str, object], element: str, english: str, swedish: str
) -> None:
    form = {**json.loads(FORM.read_text(encoding="utf-8")), **changes}
    form = {k: v for k, v in form.items() if v is not None}
    assert _values(form, "en")[element] == english
    assert _values(form, "sv")[element] == swedish


def test_an_unknown_language_is_refused_by_name() -> None:
    micro = MicroCredential.model_validate(json.loads(FORM.read_text(encoding="utf-8")))
    with pytest.raises(ValueError, match="unknown language 'de'; known: en, sv"):
        element_rows(micro, language="de")  # type: ignore[arg-type]
