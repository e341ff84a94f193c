"""microcred's own schemas: generated files up to date, minimal documents, CLR and ELM."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import microcred as mc
from microcred import _schemas
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_schemas", ROOT / "scripts" / "build_schemas.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_schemas"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_generated_schemas_are_up_to_date() -> None:
    script = _script()
    for name, data in script.build().items():
        assert (ROOT / "schemas" / name).read_bytes() == data, (
            f"run scripts/build_schemas.py ({name})"
        )
    assert script.main(["--check"]) == 0


def test_every_shipped_schema_is_listed_with_an_id() -> None:
    assert set(_schemas.schema_names()) == {
        "ob3-achievementcredential",
        "ob3-endorsementcredential",
        "ob3-profile",
        "ob3-achievement",
        "clr2-clrcredential",
        "eu-microcredential",
        "elm-edc",
    }


MINIMAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:2",
            "type": ["Achievement"],
            "name": "Course",
            "description": "A course",
            "criteria": {"narrative": "Pass"},
        },
    },
}


def test_minimal_credential_is_valid_and_each_required_property_is_named() -> None:
    assert _schemas.validate_with("ob3-achievementcredential", MINIMAL) == []
    for key in ("@context", "id", "type", "issuer", "validFrom", "credentialSubject"):
        broken = {k: v for k, v in MINIMAL.items() if k != key}
        problems = _schemas.validate_with("ob3-achievementcredential", broken)
        assert [(p.path, key in p.message) for p in problems] == [("$", True)], problems
    nested = copy.deepcopy(MINIMAL)
    del nested["credentialSubject"]["achievement"]["criteria"]
    (problem,) = _schemas.validate_with("ob3-achievementcredential", nested)
    assert problem.path == "$.credentialSubject.achievement"
    assert "criteria" in problem.message
    dated = {**MINIMAL, "validFrom": "2026-02-30T00:00:00Z"}
    (problem,) = _schemas.validate_with("ob3-achievementcredential", dated)
    assert problem.path == "$.validFrom"
    assert "date-time" in problem.message


def test_clr_fixtures_validate(shared_standards: Path) -> None:
    folder = shared_standards / "examples" / "validator-fixtures" / "clr20"
    for name in ("simple.json", "complex.json", "simple_v1.json"):
        document = json.loads((folder / name).read_text())
        assert mc.validate(document).profile == "clr"
        assert mc.validate(document).valid, (name, mc.validate(document).problems[:3])
    draft = json.loads((folder / "simple_old_safesigned.json").read_text())
    assert not mc.validate(draft, "clr").valid  # a draft context, not CLR 2.0


def _ebsi(shared: Path) -> Draft202012Validator:
    folder = shared / "elm" / "json-schema" / "ebsi"
    edc = json.loads((folder / "vcdm2.0-europass-edc-schema__schema.json").read_text())
    attestation = json.loads((folder / "vcdm2.0-attestation-schema__schema.json").read_text())
    registry: Registry[Any] = Registry().with_resources(
        [
            (edc["$id"], DRAFT202012.create_resource(edc)),
            (
                urljoin(edc["$id"], "./vcdm2.0-attestation-schema/schema.json"),
                DRAFT202012.create_resource(attestation),
            ),
        ]
    )
    return Draft202012Validator(edc, registry=registry, format_checker=_schemas.FORMATS)


def test_elm_profile_agrees_with_the_ebsi_schema(shared_standards: Path) -> None:
    ebsi = _ebsi(shared_standards)
    form = MicroCredential.model_validate(json.loads(EXAMPLE_FORM.read_text()))
    ours = form.to_elm(issuer_id="did:example:issuer")
    sample = json.loads(
        (
            shared_standards
            / "elm"
            / "examples"
            / "ebsi-edc-schema__Microcredential - Data and software business.json"
        ).read_text()
    )
    compared = 0
    for document in (ours, sample):
        assert ebsi.is_valid(document)
        assert mc.validate(document, "elm").valid
        for key in (
            "issuer",
            "credentialSubject",
            "credentialSchema",
            "credentialProfiles",
            "displayParameter",
            "@context",
            "type",
        ):
            broken = {k: v for k, v in document.items() if k != key}
            assert not ebsi.is_valid(broken), key
            assert not mc.validate(broken, "elm").valid, key
            compared += 1
        person = copy.deepcopy(document)
        claim = person["credentialSubject"]["hasClaim"]
        first = claim[0] if isinstance(claim, list) else claim
        del first["title"]
        assert not ebsi.is_valid(person)
        assert not mc.validate(person, "elm").valid
    assert compared == 14


def test_elm_31_sample_is_read_although_the_ebsi_schema_wants_elm_32(
    shared_standards: Path,
) -> None:
    """Documented difference: the Commission's ELM 3.1 / VC 1.1 samples are valid for our
    ``elm`` profile (microcred reads them); the EBSI schema only describes ELM 3.2 / VC 2.0."""
    sample = json.loads(
        (
            shared_standards / "elm" / "examples" / "elm-repo__Sample-MC-Annex1-unsigned.jsonld"
        ).read_text()
    )
    assert mc.validate(sample, "elm").valid
    assert not _ebsi(shared_standards).is_valid(sample)
