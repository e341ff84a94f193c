"""EU vocabulary layer (:mod:`microcred.model.vocab`) and its data build script."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from microcred.model import vocab
from microcred.model.vocab import Concept, UnconfirmedConceptError

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_eu_vocab.py"
ANNEX_SAMPLE = "elm/examples/elm-repo__Sample-MC-Annex1-unsigned.jsonld"
EBSI_SAMPLE = "elm/examples/ebsi-edc-schema__Microcredential - Data and software business.json"

SNB = "http://data.europa.eu/snb"
AUTHORITY = "http://publications.europa.eu/resource/authority/country"

# ISO 3166-1 codes of the EU member states and the other EEA states (facts, written out here
# independently of the data file)
EU_EEA = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "HR": "HRV", "CY": "CYP", "CZ": "CZE", "DK": "DNK",
    "EE": "EST", "FI": "FIN", "FR": "FRA", "DE": "DEU", "GR": "GRC", "HU": "HUN", "IE": "IRL",
    "IT": "ITA", "LV": "LVA", "LT": "LTU", "LU": "LUX", "MT": "MLT", "NL": "NLD", "PL": "POL",
    "PT": "PRT", "RO": "ROU", "SK": "SVK", "SI": "SVN", "ES": "ESP", "SE": "SWE",
    "IS": "ISL", "LI": "LIE", "NO": "NOR",
}  # fmt: skip


def _all_concepts() -> list[Concept]:
    return [c for name in vocab.SCHEMES for c in vocab.concepts(name)]


def _elm_concepts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "Concept":
            yield node
        for value in node.values():
            yield from _elm_concepts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _elm_concepts(value)


# ------------------------------------------------------------------------------ data file


def test_data_file_is_package_data_with_provenance() -> None:
    data_file = resources.files("microcred.model").joinpath("eu_vocab.json")
    assert data_file.is_file()
    data = json.loads(data_file.read_text(encoding="utf-8"))
    assert data["format"] == 1
    provenance = data["_provenance"]
    assert set(provenance) >= {"generator", "elm_code_lists", "supervision", "iso3166_1"}
    assert provenance["iso3166_1"]["package"] == "pypi:pycountry==26.2.16"
    assert "LGPL" in provenance["iso3166_1"]["licence"]
    assert set(data["schemes"]) == set(vocab.SCHEMES)


def test_scheme_constants() -> None:
    constants = {
        "EQF": vocab.EQF,
        "CREDIT": vocab.CREDIT,
        "ASSESSMENT": vocab.ASSESSMENT,
        "LEARNING_MODE": vocab.LEARNING_MODE,
        "LEARNING_SETTING": vocab.LEARNING_SETTING,
        "SUPERVISION": vocab.SUPERVISION,
        "ACCREDITATION": vocab.ACCREDITATION,
        "CREDENTIAL_TYPE": vocab.CREDENTIAL_TYPE,
        "COUNTRY": vocab.COUNTRY,
        "ISCED_F": vocab.ISCED_F,
        "LEARNING_OPPORTUNITY": vocab.LEARNING_OPPORTUNITY,
    }
    assert constants == {
        "EQF": f"{SNB}/eqf/25831c2",
        "CREDIT": f"{SNB}/education-credit/25831c2",
        "ASSESSMENT": f"{SNB}/assessment/25831c2",
        "LEARNING_MODE": f"{SNB}/learning-assessment/25831c2",
        "LEARNING_SETTING": f"{SNB}/learning-setting/25831c2",
        "SUPERVISION": f"{SNB}/supervision-verification/25831c2",
        "ACCREDITATION": f"{SNB}/accreditation/25831c2",
        "CREDENTIAL_TYPE": f"{SNB}/credential/25831c2",
        "COUNTRY": AUTHORITY,
        "ISCED_F": f"{SNB}/isced-f/25831c2",
        "LEARNING_OPPORTUNITY": f"{SNB}/learning-opportunity/25831c2",
    }
    assert set(vocab.SCHEMES.values()) == set(constants.values())
    for name, uri in vocab.SCHEMES.items():
        items = vocab.concepts(name)
        assert items, name
        assert vocab.concepts(uri) == items
        assert {c.scheme for c in items} == {uri}


def test_scheme_sizes() -> None:
    sizes = {name: len(vocab.concepts(name)) for name in vocab.SCHEMES}
    assert sizes == {
        "eqf": 8,
        "credit": 2,
        "assessment": 14,
        "learning_mode": 6,
        "learning_setting": 2,
        "learning_opportunity": 12,
        "accreditation": 4,
        "credential_type": 5,
        "isced_f": 220,
        "country": 253,
        "supervision": 4,
    }


def test_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="unknown scheme"):
        vocab.concepts("nope")


# ------------------------------------------------------------------------------ Concept


def test_concept_is_frozen_with_contract_fields() -> None:
    concept = vocab.eqf(7)
    assert concept == Concept(f"{SNB}/eqf/7", vocab.EQF, None, "Level 7")
    assert concept.confirmed
    with pytest.raises(AttributeError):
        concept.uri = "x"  # type: ignore[misc]


def test_to_elm_forms() -> None:
    assert vocab.eqf(6).to_elm() == {
        "id": f"{SNB}/eqf/6",
        "type": "Concept",
        "inScheme": {"id": vocab.EQF, "type": "ConceptScheme"},
        "prefLabel": {"en": "Level 6"},
    }
    assert vocab.country("SE").to_elm() == {
        "id": f"{AUTHORITY}/SWE",
        "type": "Concept",
        "inScheme": {"id": AUTHORITY, "type": "ConceptScheme"},
        "notation": "country",
        "prefLabel": {"en": "Sweden"},
    }
    assert vocab.ects().to_elm(label_lists=True)["prefLabel"] == {
        "en": ["European Credit Transfer System"]
    }


def test_to_elm_returns_a_fresh_dict() -> None:
    first = vocab.mode("online").to_elm()
    first["inScheme"]["id"] = "changed"
    assert vocab.mode("online").to_elm()["inScheme"]["id"] == vocab.LEARNING_MODE


# ------------------------------------------------------------------------------ lookups


@pytest.mark.parametrize("level", range(1, 9))
def test_eqf(level: int) -> None:
    concept = vocab.eqf(level)
    assert concept.uri == f"{SNB}/eqf/{level}"
    assert concept.label_en == f"Level {level}"
    assert concept.scheme == vocab.EQF


@pytest.mark.parametrize("bad", [0, 9, -1, True, "6", 6.0, None])
def test_eqf_rejects(bad: Any) -> None:
    with pytest.raises(ValueError, match="1 to 8"):
        vocab.eqf(bad)


def test_credit_systems() -> None:
    assert vocab.ects().uri == f"{SNB}/education-credit/6fcec5c5af"
    assert vocab.ects().label_en == "European Credit Transfer System"
    assert vocab.ecvet().uri == f"{SNB}/education-credit/60b314e826"
    assert vocab.ects().scheme == vocab.ecvet().scheme == vocab.CREDIT


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("written examination", "6e6cb2cc78"),
        ("Written Examination", "6e6cb2cc78"),
        ("written exam", "6e6cb2cc78"),
        ("oral examination", "d30284d7df"),
        ("ORAL EXAM", "d30284d7df"),
        ("project work", "795dac4096"),
        ("artefact assessment", "de4d165a6c"),
        ("artifact assessment", "de4d165a6c"),
        ("quiz", "b1b68f6735"),
        (f"{SNB}/assessment/795dac4096", "795dac4096"),
    ],
)
def test_assessment(name: str, suffix: str) -> None:
    concept = vocab.assessment(name)
    assert concept.uri == f"{SNB}/assessment/{suffix}"
    assert concept.scheme == vocab.ASSESSMENT


def test_assessment_every_label() -> None:
    for concept in vocab.concepts("assessment"):
        assert vocab.assessment(concept.label_en.upper()) is concept


def test_assessment_unknown_lists_accepted_names() -> None:
    with pytest.raises(ValueError, match="unknown assessment type") as info:
        vocab.assessment("telepathy")
    assert "'written examination'" in str(info.value)
    assert "'oral exam'" in str(info.value)
    with pytest.raises(ValueError, match="not a concept URI"):
        vocab.assessment(f"{SNB}/eqf/6")


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("online", "Online"),
        ("onsite", "Presential"),
        ("on-site", "Presential"),
        ("in person", "Presential"),
        ("In-Person", "Presential"),
        ("face-to-face", "Presential"),
        ("presential", "Presential"),
        ("blended", "Blended"),
        ("work-based", "Workbased"),
        ("Work based", "Workbased"),
        ("WORK_BASED", "Workbased"),
        ("workbased", "Workbased"),
        ("project-based", "Project based"),
        ("research-lab based", "Research-Lab based"),
        (f"{SNB}/learning-assessment/920fbb3cbe", "Online"),
    ],
)
def test_mode(name: str, label: str) -> None:
    concept = vocab.mode(name)
    assert concept.label_en == label
    assert concept.scheme == vocab.LEARNING_MODE


def test_mode_uris() -> None:
    expected = {
        "online": "920fbb3cbe",
        "onsite": "9191af2ed9",
        "blended": "e92d221e4d",
        "work-based": "729f3bed4b",
        "project-based": "7813801c77",
        "research-lab based": "ed4c557045",
    }
    for name, suffix in expected.items():
        assert vocab.mode(name).uri == f"{SNB}/learning-assessment/{suffix}"


def test_mode_unknown() -> None:
    with pytest.raises(ValueError, match="'onsite'"):
        vocab.mode("telepresence")


def test_learning_setting() -> None:
    assert vocab.learning_setting("formal").uri == f"{SNB}/learning-setting/6fd4685715"
    assert vocab.learning_setting("non-formal").uri == f"{SNB}/learning-setting/e207a81fc7"
    assert vocab.learning_setting("Non-Formal Learning").label_en == "non-formal learning"
    with pytest.raises(ValueError, match="'formal'"):
        vocab.learning_setting("informal")


@pytest.mark.parametrize(
    ("name", "suffix", "label"),
    [
        ("supervised-with-id", "70be69aaf9", "Supervised with ID Verification"),
        ("unsupervised-without-id", "c598449d64", "Unsupervised without ID Verification"),
        ("Supervised with ID verification", "70be69aaf9", "Supervised with ID Verification"),
        (f"{SNB}/supervision-verification/c598449d64", "c598449d64", None),
    ],
)
def test_supervision_confirmed(name: str, suffix: str, label: str | None) -> None:
    concept = vocab.supervision(name)
    assert concept.uri == f"{SNB}/supervision-verification/{suffix}"
    assert concept.confirmed
    assert concept.scheme == vocab.SUPERVISION
    if label:
        assert concept.label_en == label
    assert concept.to_elm()["inScheme"] == {"id": vocab.SUPERVISION, "type": "ConceptScheme"}
    # a fallback is ignored for a confirmed concept
    assert concept.to_elm(fallback_id="urn:example:x")["id"] == concept.uri


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("supervised-without-id", "Supervised without ID Verification"),
        ("unsupervised-with-id", "Unsupervised with ID Verification"),
        ("Unsupervised with ID Verification", "Unsupervised with ID Verification"),
    ],
)
def test_supervision_unconfirmed(name: str, label: str) -> None:
    concept = vocab.supervision(name)
    assert concept.uri is None
    assert not concept.confirmed
    assert concept.label_en == label
    assert concept.scheme == vocab.SUPERVISION
    with pytest.raises(UnconfirmedConceptError, match="no EU vocabulary URI"):
        concept.to_elm()
    with pytest.raises(ValueError, match="fallback_id"):  # UnconfirmedConceptError is one
        concept.to_elm(label_lists=True)
    assert concept.to_elm(fallback_id="https://example.org/sup#x") == {
        "id": "https://example.org/sup#x",
        "type": "Concept",
        "prefLabel": {"en": label},
    }
    assert concept.to_elm(fallback_id="urn:x:y", label_lists=True)["prefLabel"] == {"en": [label]}
    with pytest.raises(ValueError, match="absolute IRI"):
        concept.to_elm(fallback_id="relative")


def test_supervision_names() -> None:
    assert [vocab.supervision(n).confirmed for n in vocab.SUPERVISION_NAMES] == [
        True,
        False,
        False,
        True,
    ]
    assert [c.label_en for c in vocab.concepts("supervision")] == [
        vocab.supervision(n).label_en for n in vocab.SUPERVISION_NAMES
    ]
    with pytest.raises(ValueError, match="'supervised-with-id'"):
        vocab.supervision("proctored")


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("institutional qa", "bb4618238e"),
        ("institutional", "bb4618238e"),
        ("Institutional Quality Assurance", "bb4618238e"),
        ("programme qa", "820101cba6"),
        ("programme", "820101cba6"),
        ("program", "820101cba6"),
        ("Program Quality Assurance", "820101cba6"),
        ("institutional licence", "003293d2ce"),
        ("institutional license", "003293d2ce"),
        ("programme licence", "e57dddfcf3"),
        ("program license", "e57dddfcf3"),
    ],
)
def test_accreditation(name: str, suffix: str) -> None:
    concept = vocab.accreditation(name)
    assert concept.uri == f"{SNB}/accreditation/{suffix}"
    assert concept.scheme == vocab.ACCREDITATION


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("generic", "e34929035b"),
        ("Generic", "e34929035b"),
        ("qualification award", "6cf8e68c43"),
        ("diploma supplement", "6dff8a0f87"),
        ("learning activity", "48b514e72a"),
        ("learning entitlement", "bdc47cb449"),
    ],
)
def test_credential_type(name: str, suffix: str) -> None:
    assert vocab.credential_type(name).uri == f"{SNB}/credential/{suffix}"


def test_credential_type_unknown() -> None:
    with pytest.raises(ValueError, match="'generic'"):
        vocab.credential_type("badge")


def test_learning_opportunity() -> None:
    slp = vocab.learning_opportunity("short learning programme")
    assert slp.uri == f"{SNB}/learning-opportunity/74a4a268e8"
    assert vocab.learning_opportunity("Short Learning Program") is slp
    assert vocab.learning_opportunity("mooc").label_en == "MOOC"
    assert vocab.learning_opportunity("course").uri == f"{SNB}/learning-opportunity/05053c1cbe"


def test_isced_f() -> None:
    field = vocab.isced_f("0688")
    assert field.uri == f"{SNB}/isced-f/0688"
    assert field.scheme == vocab.ISCED_F
    assert vocab.isced_f(f"{SNB}/isced-f/0688") is field
    assert vocab.isced_f(" 06 ").uri == f"{SNB}/isced-f/06"
    assert vocab.isced_f("9999").label_en == "Field unknown"
    with pytest.raises(ValueError, match="ISCED-F 2013 code"):
        vocab.isced_f("0689")
    with pytest.raises(ValueError, match="ISCED-F"):
        vocab.isced_f("Personal skills and development")  # labels repeat across levels


@pytest.mark.parametrize(
    "lookup",
    [
        vocab.assessment,
        vocab.mode,
        vocab.learning_setting,
        vocab.learning_opportunity,
        vocab.supervision,
        vocab.accreditation,
        vocab.credential_type,
        vocab.isced_f,
        vocab.country,
        vocab.from_uri,
    ],
)
def test_non_string_is_a_type_error(lookup: Any) -> None:
    with pytest.raises(TypeError):
        lookup(42)


# ------------------------------------------------------------------------------ countries


@pytest.mark.parametrize(("alpha2", "alpha3"), sorted(EU_EEA.items()))
def test_country_eu_eea(alpha2: str, alpha3: str) -> None:
    concept = vocab.country(alpha2)
    assert concept.uri == f"{AUTHORITY}/{alpha3}"
    assert concept.scheme == vocab.COUNTRY
    assert concept.notation == "country"
    assert vocab.country(alpha3) is concept
    assert vocab.country(alpha2.lower()) is concept
    assert vocab.country(alpha3.lower()) is concept
    assert vocab.country(f"{AUTHORITY}/{alpha3}") is concept
    assert vocab.alpha2_of(concept) == alpha2
    assert vocab.alpha3_of(concept) == alpha3
    assert vocab.alpha2_of(alpha3) == alpha2
    assert vocab.alpha3_of(alpha2) == alpha3
    assert vocab.alpha2_of(concept.uri or "") == alpha2


def test_country_examples() -> None:
    sweden = vocab.country("SE")
    assert sweden.uri == f"{AUTHORITY}/SWE"
    assert sweden.label_en == "Sweden"
    assert vocab.country(" swe ") is sweden
    assert vocab.alpha2_of("CH") == "CH"
    assert vocab.alpha3_of("gb") == "GBR"


def test_every_authority_country_with_an_iso_code_round_trips() -> None:
    iso = 0
    for concept in vocab.concepts("country"):
        assert concept.uri is not None
        try:
            alpha2 = vocab.alpha2_of(concept)
        except ValueError:
            continue
        iso += 1
        alpha3 = vocab.alpha3_of(concept)
        assert concept.uri == f"{AUTHORITY}/{alpha3}"
        assert vocab.country(alpha2) is concept
        assert vocab.country(alpha3) is concept
    assert iso == 248  # 253 authority entries less 1A0, CPT, EUR, FQ0, OP_DATPRO


@pytest.mark.parametrize("code", ["1A0", "EUR", "CPT", "FQ0", "OP_DATPRO"])
def test_authority_entries_without_iso_codes(code: str) -> None:
    concept = vocab.country(code)
    assert concept.uri == f"{AUTHORITY}/{code}"
    with pytest.raises(ValueError, match="alpha-2"):
        vocab.alpha2_of(concept)
    with pytest.raises(ValueError, match="alpha-3"):
        vocab.alpha3_of(code)


@pytest.mark.parametrize(
    "code", ["", "XX", "ZZZ", "TF", "S", "SWED", f"{AUTHORITY}/XYZ", "http://example.org/SWE"]
)
def test_country_unknown(code: str) -> None:
    with pytest.raises(ValueError, match="alpha-2 code"):
        vocab.country(code)


def test_alpha_of_refuses_non_country_concepts() -> None:
    with pytest.raises(ValueError, match="country authority"):
        vocab.alpha2_of(vocab.eqf(6))
    with pytest.raises(ValueError, match="country authority"):
        vocab.alpha3_of(vocab.supervision("unsupervised-with-id"))


# ------------------------------------------------------------------------------ from_uri


def test_from_uri_round_trips_every_concept() -> None:
    count = 0
    for concept in _all_concepts():
        if concept.uri is None:
            continue
        assert vocab.from_uri(concept.uri) is concept
        count += 1
    assert count == 8 + 2 + 14 + 6 + 2 + 12 + 4 + 5 + 220 + 253 + 2


def test_uris_are_unique_across_schemes() -> None:
    uris = [c.uri for c in _all_concepts() if c.uri is not None]
    assert len(uris) == len(set(uris))


@pytest.mark.parametrize(
    "uri", [f"{SNB}/eqf/9", vocab.EQF, f"{SNB}/supervision-verification/44314532f9", "", "x"]
)
def test_from_uri_unknown(uri: str) -> None:
    with pytest.raises(ValueError, match="unknown EU vocabulary URI") as info:
        vocab.from_uri(uri)
    assert repr(uri) in str(info.value)


# ------------------------------------------------------------------------------ samples


def _check_against_sample(path: Path) -> dict[str, set[bool]]:
    """Compare every concept of a sample that microcred knows with ``to_elm()``, in the label
    form the sample uses at that place. Returns URI → the label forms seen (True = lists)."""
    sample = json.loads(path.read_text(encoding="utf-8"))
    matched: dict[str, set[bool]] = {}
    for node in _elm_concepts(sample):
        uri = node.get("id")
        try:
            concept = vocab.from_uri(uri)
        except ValueError:
            continue
        label_lists = isinstance(node["prefLabel"]["en"], list)
        assert concept.to_elm(label_lists=label_lists) == node, uri
        matched.setdefault(uri, set()).add(label_lists)
    return matched


def test_to_elm_equals_the_annex_i_sample(shared_standards: Path) -> None:
    """Every concept of the Commission's Annex I sample that microcred knows is written exactly
    as the sample writes it (ELM 3.1 form)."""
    matched = _check_against_sample(shared_standards / ANNEX_SAMPLE)
    assert set.union(*matched.values()) == {False}  # ELM 3.1: labels are plain strings
    assert {
        vocab.eqf(6).uri,
        vocab.ects().uri,
        vocab.mode("blended").uri,
        vocab.mode("online").uri,
        vocab.supervision("unsupervised-without-id").uri,
        vocab.learning_setting("non-formal").uri,
        vocab.learning_opportunity("short learning programme").uri,
        vocab.credential_type("generic").uri,
        vocab.isced_f("0688").uri,
        vocab.country("IE").uri,
        vocab.country("IT").uri,
        vocab.country("BE").uri,
    } <= set(matched)


def test_to_elm_label_lists_equals_the_ebsi_sample(shared_standards: Path) -> None:
    """The ELM 3.2 (EBSI EDC schema) sample mostly wraps labels in lists (``label_lists=True``)
    and writes some as plain strings; both forms match."""
    matched = _check_against_sample(shared_standards / EBSI_SAMPLE)
    assert True in matched[vocab.ects().uri]
    assert True in matched[vocab.country("BE").uri]
    assert set.union(*matched.values()) == {True, False}


# ------------------------------------------------------------------------------ build script


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_eu_vocab_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_build_check_passes(script: ModuleType, shared_standards: Path) -> None:
    """``build_eu_vocab.py --check --offline``: the XSDs rebuild to the shipped file, and the
    shipped ISO table has the pinned digest of the table extracted from the pinned wheel."""
    assert script.main(["--check", "--offline", "--reference", str(shared_standards / "elm")]) == 0


def test_build_check_detects_drift(
    script: ModuleType, shared_standards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "eu_vocab.json"
    data = json.loads(script.OUTPUT.read_text(encoding="utf-8"))
    data["schemes"]["eqf"]["concepts"][0]["label"] = "Level one"
    output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(script, "OUTPUT", output)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    reference = str(shared_standards / "elm")
    assert script.main(["--check", "--offline", "--reference", reference]) == 1


def test_build_refuses_a_tampered_iso_table(
    script: ModuleType, shared_standards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "eu_vocab.json"
    data = json.loads(script.OUTPUT.read_text(encoding="utf-8"))
    data["iso3166_1"]["SE"] = "SWF"
    output.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(script, "OUTPUT", output)
    reference = str(shared_standards / "elm")
    assert script.main(["--check", "--offline", "--reference", reference]) == 2


def test_build_refuses_an_input_that_is_not_pinned(
    script: ModuleType, shared_standards: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "elm"
    for folder in ("vocabularies", "examples"):  # writable copies (the originals are read-only)
        (reference / folder).mkdir(parents=True)
        for source in (shared_standards / "elm" / folder).iterdir():
            shutil.copyfile(source, reference / folder / source.name)
    assert script.build(reference, script.iso_from_output(script.OUTPUT)) == (
        script.OUTPUT.read_bytes()
    )
    eqf = reference / "vocabularies" / "eqf.xsd"
    eqf.write_text(eqf.read_text(encoding="utf-8").replace("Level 8", "Level VIII"))
    with pytest.raises(script.BuildError, match="sha256"):
        script.build(reference, script.iso_from_output(script.OUTPUT))


def test_build_without_reference_folder(script: ModuleType, tmp_path: Path) -> None:
    missing = str(tmp_path / "absent")
    assert script.main(["--check", "--offline", "--reference", missing]) == 2
