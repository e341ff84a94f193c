"""EU vocabularies: lookups, aliases, reverse lookups, countries, the ELM concept shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.model import vocab

EU_EEA = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()


def test_lookups_and_aliases() -> None:
    assert vocab.eqf(7).uri == "http://data.europa.eu/snb/eqf/7"
    assert vocab.ects().uri == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert vocab.assessment("Written Examination").uri.endswith("/6e6cb2cc78")  # type: ignore[union-attr]
    assert vocab.mode("onsite").label_en == "Presential"
    assert vocab.mode("work-based").label_en == "Workbased"
    assert vocab.accreditation("institutional").label_en == "Institutional Quality Assurance"
    assert vocab.accreditation("programme").label_en == "Program Quality Assurance"
    assert vocab.learning_setting("non-formal").uri.endswith("/e207a81fc7")  # type: ignore[union-attr]
    assert vocab.credential_type("generic").uri.endswith("/e34929035b")  # type: ignore[union-attr]
    for bad in (0, 9, True):
        with pytest.raises(ValueError):
            vocab.eqf(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="accepted: .*written examination"):
        vocab.assessment("interpretive dance")


def test_every_concept_reverse_looks_up() -> None:
    schemes = ["eqf", "credit", "accreditation", "assessment", "learning_mode", "learning_setting"]
    for scheme in schemes:
        for concept in vocab.concepts(scheme):
            assert concept.uri is not None and vocab.from_uri(concept.uri) == concept
    with pytest.raises(ValueError, match="unknown EU vocabulary URI"):
        vocab.from_uri("http://example.org/nope")


@pytest.mark.parametrize("alpha2", EU_EEA)
def test_eu_and_eea_countries_have_both_codes(alpha2: str) -> None:
    concept = vocab.country(alpha2)
    assert vocab.alpha2_of(concept) == alpha2
    alpha3 = vocab.alpha3_of(alpha2)
    assert len(alpha3) == 3 and vocab.country(alpha3.lower()) == concept
    assert concept.uri == f"http://publications.europa.eu/resource/authority/country/{alpha3}"
    assert vocab.alpha2_of(concept.uri) == alpha2  # type: ignore[arg-type]


def test_supervision_values_without_a_known_uri() -> None:
    assert vocab.supervision("supervised-with-id").uri is not None
    assert vocab.supervision("unsupervised-without-id").uri is not None
    for name in ("supervised-without-id", "unsupervised-with-id"):
        concept = vocab.supervision(name)
        assert concept.uri is None
        with pytest.raises(ValueError, match="no EU vocabulary URI"):
            concept.to_elm()


def test_elm_concept_shape_matches_the_commission_sample(shared_standards: Path) -> None:
    sample = json.loads(
        (shared_standards / "elm" / "examples" / "elm-repo__Sample-MC-Annex1-unsigned.jsonld").read_text()
    )
    eqf = sample["credentialSubject"]["hasClaim"]["specifiedBy"]["eqfLevel"]
    ours = vocab.eqf(6).to_elm()
    assert {k: ours[k] for k in ("id", "type", "inScheme")} == {
        k: eqf[k] for k in ("id", "type", "inScheme")
    }


def test_generated_data_file_is_consistent() -> None:
    data = json.loads((Path(vocab.__file__).parent / "eu_vocab.json").read_text())
    assert "pycountry" in data["_provenance"]["iso3166"]
    assert len(data["schemes"]["country"]["concepts"]) > 240
    assert [c["uri"][-1] for c in data["schemes"]["eqf"]["concepts"]] == list("12345678")
