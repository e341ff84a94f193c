"""The schemas microcred ships, as the library lists them, and the ELM profile schema against
the EBSI EDC schema. (The generated OB 3.0 / CLR 2.0 schemas: ``test_build_schemas.py``,
``test_ob3_schemas.py``, ``test_ob3_agreement.py``, ``test_clr_schema.py``.)"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import microcred as mc
from microcred import _schemas
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FORM = ROOT / "examples" / "data" / "annex-i-da123a.json"


def test_every_shipped_schema_is_listed_with_an_id() -> None:
    assert set(_schemas.schema_names()) == {
        "ob3-achievementcredential",
        "ob3-endorsementcredential",
        "ob3-profile",
        "ob3-achievement",
        "ob3-common",
        "clr2-clrcredential",
        "eu-microcredential",
        "elm-edc",
    }


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


def _minimal_credential(vc1: bool, schema_url: str) -> dict[str, Any]:
    subject = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:7c0cd2a0-4b6e-4bd1-9f5b-0a4d9c1d2e11",
            "type": ["Achievement"],
            "name": "DA123A",
            "description": "A course",
            "criteria": {"narrative": "Pass the course"},
        },
    }
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1"
            if vc1
            else "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3e0f4d1c-5a7b-4f43-8b53-9c2e1f0a6b7d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "DA123A",
        "credentialSubject": subject,
        "credentialSchema": [{"id": schema_url, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if vc1:
        credential["issuer"] = {"id": "did:example:issuer", "type": ["Profile"]}
        credential["issuanceDate"] = "2026-01-01T00:00:00Z"
    else:
        credential["issuer"] = "did:example:issuer"
        credential["validFrom"] = "2026-01-01T00:00:00Z"
    return credential


OFFICIAL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OFFICIAL_ANY = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyachievementcredential_schema.json"


def test_credential_schema_check_follows_what_the_cited_official_schema_accepts() -> None:
    """The official AchievementCredential schema describes VC 2.0 only; the "any" schema
    (OB 3.0 §B.9.1) takes VC 1.1 as well. The ``schema`` check gives the same verdicts."""
    from microcred.report import VerificationReport
    from microcred.verify._body import check_schemas

    def verdicts(document: dict[str, Any]) -> set[str]:
        report = VerificationReport()
        check_schemas(report, document)
        return {c.status for c in report.checks if c.id == "schema"}

    assert verdicts(_minimal_credential(False, OFFICIAL)) == {"passed"}
    assert verdicts(_minimal_credential(True, OFFICIAL)) == {"failed"}
    assert verdicts(_minimal_credential(False, OFFICIAL_ANY)) == {"passed"}
    assert verdicts(_minimal_credential(True, OFFICIAL_ANY)) == {"passed"}
    assert verdicts(_minimal_credential(True, "https://example.org/schema.json")) == {"skipped"}


def test_a_definition_inside_a_schema_file_can_be_named() -> None:
    document = _minimal_credential(False, OFFICIAL)
    assert _schemas.validate_with("ob3-common#/$defs/AchievementCredential", document) == []
    problems = _schemas.validate_with("ob3-common#/$defs/AchievementCredential", {})
    assert problems
    assert problems[0].rule.startswith("ob3-common#/$defs/AchievementCredential/")
    with pytest.raises(ValueError, match="no shipped schema"):
        _schemas.validate_with("ob3-common#/$defs/NoSuchClass", {})
