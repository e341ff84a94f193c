"""The Annex I table: every element once, in the Recommendation's order, with where it sits."""

from __future__ import annotations

import json
from pathlib import Path

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
