#!/usr/bin/env python3
"""Generate microcred's JSON Schemas for Open Badges 3.0 and CLR 2.0 into ``schemas/``.

The data model is written below as a table: one entry per class of the specifications
(Open Badges 3.0 §B "Data Models", CLR 2.0 §B), each property with its kind, whether it is
required and whether it is an array. The script renders that table as JSON Schema draft
2020-12, one self-contained file per document type, with ``$id`` under
``https://microcred.dev/schemas/``. Output is deterministic (sorted keys, two-space indent).

Constraints follow the OB 3.0 conformance rules as the specifications state them: VC 2.0
context first and an OB 3.0 context second; ``type`` arrays that contain the class name;
repeatable properties as arrays; dates as ``date-time`` (``date`` for ``dateOfBirth``);
vocabulary-valued properties as the listed terms or an ``ext:`` extension term.

Usage (from the project root)::

    python scripts/build_schemas.py           # write the generated files
    python scripts/build_schemas.py --check   # exit 1 if a generated file is out of date

``schemas/eu-microcredential.json`` and ``schemas/elm-edc.json`` are written by hand and not
touched here.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
BASE = "https://microcred.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT_PATTERN = (
    r"^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$"
)
CLR2_CONTEXT_PATTERN = (
    r"^https:\/\/purl\.imsglobal\.org\/spec\/clr\/v2p0\/context(-2\.\d\.\d)*\.json$"
)
EXT_TERM = r"(ext:)[a-z|A-Z|0-9|.|-|_]+"
JWS = r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"
LANGUAGE = r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"

# Vocabularies (term lists of the specifications)
ACHIEVEMENT_TYPES = [
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
    "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion",
    "Certification", "CommunityService", "Competency", "Course", "CoCurricular", "Degree",
    "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
    "JourneymanCertificate", "LearningProgram", "License", "Membership",
    "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree",
    "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
]  # fmt: skip
IDENTIFIER_TYPES = [
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
    "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
    "ltiUserId", "identifier",
]  # fmt: skip
ALIGNMENT_TARGET_TYPES = [
    "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
    "CFRubricCriterionLevel", "CTDL",
]  # fmt: skip
RESULT_TYPES = [
    "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
    "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
    "ScaledScore", "Status",
]  # fmt: skip
RESULT_STATUSES = [
    "Completed",
    "Enrolled",
    "Failed",
    "InProgress",
    "OnHold",
    "Provisional",
    "Withdrew",
]
ASSOCIATION_TYPES = [
    "exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
    "precedes", "replacedBy",
]  # fmt: skip


# ------------------------------------------------------------------------ the table DSL


def string() -> dict[str, Any]:
    return {"type": "string"}


def number() -> dict[str, Any]:
    return {"type": "number"}


def boolean() -> dict[str, Any]:
    return {"type": "boolean"}


def datetime() -> dict[str, Any]:
    return {"type": "string", "format": "date-time"}


def date() -> dict[str, Any]:
    return {"type": "string", "format": "date"}


def pattern(regex: str) -> dict[str, Any]:
    return {"type": "string", "pattern": regex}


def one_of_terms(terms: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(terms)}


def terms_or_ext(terms: list[str]) -> dict[str, Any]:
    """A vocabulary term, or an extension term ``ext:...``."""
    return {"oneOf": [one_of_terms(terms), pattern(EXT_TERM)]}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def array(item: dict[str, Any], *, min_items: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": item}
    if min_items:
        schema["minItems"] = min_items
    return schema


def typed(*names: str) -> dict[str, Any]:
    """``type``: an array of strings containing (each of) ``names``."""
    arrays = [
        {"type": "array", "minItems": 1, "items": {"type": "string"}, "contains": {"enum": [n]}}
        for n in names
    ]
    return arrays[0] if len(arrays) == 1 else {"allOf": arrays}


def typed_any(*names: str) -> dict[str, Any]:
    """``type``: an array of strings containing one of ``names``."""
    return {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string"},
        "contains": {"enum": list(names)},
    }


def contexts(second_pattern: str) -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 2,
        "prefixItems": [{"enum": [VC_V2]}, pattern(second_pattern)],
        "items": ref("Context"),
    }


@dataclass
class Class:
    """A class of the data model: properties, required ones, and whether others are allowed."""

    properties: dict[str, dict[str, Any]]
    required: list[str] = field(default_factory=list)
    closed: bool = False

    def render(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": self.properties}
        if self.required:
            schema["required"] = self.required
        schema["additionalProperties"] = not self.closed
        return schema


def credential_envelope(credential_types: dict[str, Any], subject: str) -> dict[str, Any]:
    """The properties shared by the OB 3.0 credentials (VC 2.0 data model)."""
    return {
        "@context": contexts(OB3_CONTEXT_PATTERN),
        "id": string(),
        "type": credential_types,
        "name": string(),
        "description": string(),
        "credentialSubject": ref(subject),
        "awardedDate": datetime(),
        "issuer": ref("ProfileRef"),
        "validFrom": datetime(),
        "validUntil": datetime(),
        "proof": array(ref("Proof")),
        "credentialSchema": array(ref("CredentialSchema")),
        "credentialStatus": ref("CredentialStatus"),
        "refreshService": ref("RefreshService"),
        "termsOfUse": array(ref("TermsOfUse")),
    }


CLASSES: dict[str, Class] = {
    "Context": Class({}),  # rendered specially: a URI or a context object
    "ProfileRef": Class({}),  # rendered specially: a URI or a Profile
    "Image": Class(
        {"id": string(), "type": one_of_terms(["Image"]), "caption": string()},
        ["id", "type"],
        closed=True,
    ),
    "IdentifierEntry": Class(
        {
            "type": one_of_terms(["IdentifierEntry"]),
            "identifier": string(),
            "identifierType": terms_or_ext(IDENTIFIER_TYPES),
        },
        ["type", "identifier", "identifierType"],
        closed=True,
    ),
    "GeoCoordinates": Class(
        {"type": one_of_terms(["GeoCoordinates"]), "latitude": number(), "longitude": number()},
        ["type", "latitude", "longitude"],
    ),
    "Address": Class(
        {
            "type": typed("Address"),
            "addressCountry": string(),
            "addressCountryCode": string(),
            "addressRegion": string(),
            "addressLocality": string(),
            "streetAddress": string(),
            "postOfficeBoxNumber": string(),
            "postalCode": string(),
            "geo": ref("GeoCoordinates"),
        },
        ["type"],
    ),
    "Profile": Class(
        {
            "id": string(),
            "type": typed("Profile"),
            "name": string(),
            "url": string(),
            "phone": string(),
            "description": string(),
            "endorsement": array(ref("EndorsementCredential")),
            "endorsementJwt": array(pattern(JWS)),
            "image": ref("Image"),
            "email": string(),
            "address": ref("Address"),
            "otherIdentifier": array(ref("IdentifierEntry")),
            "official": string(),
            "parentOrg": ref("Profile"),
            "familyName": string(),
            "givenName": string(),
            "additionalName": string(),
            "patronymicName": string(),
            "honorificPrefix": string(),
            "honorificSuffix": string(),
            "familyNamePrefix": string(),
            "dateOfBirth": date(),
        },
        ["id", "type"],
    ),
    "Criteria": Class({"id": string(), "narrative": string()}),
    "Alignment": Class(
        {
            "type": typed("Alignment"),
            "targetCode": string(),
            "targetDescription": string(),
            "targetName": string(),
            "targetFramework": string(),
            "targetType": terms_or_ext(ALIGNMENT_TARGET_TYPES),
            "targetUrl": string(),
        },
        ["type", "targetName", "targetUrl"],
    ),
    "RubricCriterionLevel": Class(
        {
            "id": string(),
            "type": typed("RubricCriterionLevel"),
            "alignment": array(ref("Alignment")),
            "description": string(),
            "level": string(),
            "name": string(),
            "points": string(),
        },
        ["id", "type", "name"],
    ),
    "ResultDescription": Class(
        {
            "id": string(),
            "type": typed("ResultDescription"),
            "alignment": array(ref("Alignment")),
            "allowedValue": array(string()),
            "name": string(),
            "requiredLevel": string(),
            "requiredValue": string(),
            "resultType": terms_or_ext(RESULT_TYPES),
            "rubricCriterionLevel": array(ref("RubricCriterionLevel")),
            "valueMax": string(),
            "valueMin": string(),
        },
        ["id", "type", "name", "resultType"],
    ),
    "Related": Class(
        {
            "id": string(),
            "type": typed("Related"),
            "inLanguage": pattern(LANGUAGE),
            "version": string(),
        },
        ["id", "type"],
    ),
    "Achievement": Class(
        {
            "id": string(),
            "type": typed("Achievement"),
            "alignment": array(ref("Alignment")),
            "achievementType": terms_or_ext(ACHIEVEMENT_TYPES),
            "creator": ref("Profile"),
            "creditsAvailable": number(),
            "criteria": ref("Criteria"),
            "description": string(),
            "endorsement": array(ref("EndorsementCredential")),
            "endorsementJwt": array(pattern(JWS)),
            "fieldOfStudy": string(),
            "humanCode": string(),
            "image": ref("Image"),
            "inLanguage": pattern(LANGUAGE),
            "name": string(),
            "otherIdentifier": array(ref("IdentifierEntry")),
            "related": array(ref("Related")),
            "resultDescription": array(ref("ResultDescription")),
            "specialization": string(),
            "tag": array(string()),
            "version": string(),
        },
        ["id", "type", "criteria", "description", "name"],
    ),
    "IdentityObject": Class(
        {
            "type": one_of_terms(["IdentityObject"]),
            "hashed": boolean(),
            "identityHash": string(),
            "identityType": terms_or_ext(IDENTIFIER_TYPES),
            "salt": string(),
        },
        ["type", "hashed", "identityHash", "identityType"],
        closed=True,
    ),
    "Result": Class(
        {
            "type": typed("Result"),
            "achievedLevel": string(),
            "alignment": array(ref("Alignment")),
            "resultDescription": string(),
            "status": one_of_terms(RESULT_STATUSES),
            "value": string(),
        },
        ["type"],
    ),
    "AchievementSubject": Class(
        {
            "id": string(),
            "type": typed("AchievementSubject"),
            "activityEndDate": datetime(),
            "activityStartDate": datetime(),
            "creditsEarned": number(),
            "achievement": ref("Achievement"),
            "identifier": array(ref("IdentityObject")),
            "image": ref("Image"),
            "licenseNumber": string(),
            "narrative": string(),
            "result": array(ref("Result")),
            "role": string(),
            "source": ref("Profile"),
            "term": string(),
        },
        ["type", "achievement"],
    ),
    "Evidence": Class(
        {
            "id": string(),
            "type": typed("Evidence"),
            "narrative": string(),
            "name": string(),
            "description": string(),
            "genre": string(),
            "audience": string(),
        },
        ["type"],
    ),
    "Proof": Class(
        {
            "type": string(),
            "created": datetime(),
            "cryptosuite": string(),
            "challenge": string(),
            "domain": string(),
            "nonce": string(),
            "proofPurpose": string(),
            "proofValue": string(),
            "verificationMethod": string(),
        },
        ["type"],
    ),
    "CredentialSchema": Class({"id": string(), "type": string()}, ["id", "type"]),
    "CredentialStatus": Class({"id": string(), "type": string()}, ["id", "type"]),
    "RefreshService": Class({"id": string(), "type": string()}, ["id", "type"]),
    "TermsOfUse": Class({"id": string(), "type": string()}, ["type"]),
    "EndorsementSubject": Class(
        {"id": string(), "type": typed("EndorsementSubject"), "endorsementComment": string()},
        ["id", "type"],
    ),
    "EndorsementCredential": Class(
        credential_envelope(
            typed("VerifiableCredential", "EndorsementCredential"), "EndorsementSubject"
        ),
        ["@context", "type", "id", "name", "credentialSubject", "issuer", "validFrom"],
    ),
    "AchievementCredential": Class(
        {
            **credential_envelope(
                {
                    "allOf": [
                        typed("VerifiableCredential"),
                        typed_any("AchievementCredential", "OpenBadgeCredential"),
                    ]
                },
                "AchievementSubject",
            ),
            "image": ref("Image"),
            "endorsement": array(ref("EndorsementCredential")),
            "endorsementJwt": array(pattern(JWS)),
            "evidence": array(ref("Evidence")),
        },
        ["@context", "id", "type", "credentialSubject", "issuer", "validFrom"],
    ),
    # CLR 2.0
    "Association": Class(
        {
            "type": one_of_terms(["Association"]),
            "associationType": one_of_terms(ASSOCIATION_TYPES),
            "sourceId": string(),
            "targetId": string(),
        },
        ["type", "associationType", "sourceId", "targetId"],
    ),
    "ClrSubject": Class(
        {
            "id": string(),
            "type": typed("ClrSubject"),
            "identifier": array(ref("IdentityObject")),
            "achievement": array(ref("Achievement")),
            # each credential inside is checked on its own (its own schema, its own proof)
            "verifiableCredential": array(
                {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["type"],
                            "properties": {"type": typed("VerifiableCredential")},
                        },
                        pattern(JWS),
                    ]
                },
                min_items=1,
            ),
            "association": array(ref("Association")),
        },
        ["type", "verifiableCredential"],
    ),
}


def _def(name: str) -> dict[str, Any]:
    if name == "Context":
        return {"oneOf": [{"type": "string"}, {"type": "object"}]}
    if name == "ProfileRef":
        return {"oneOf": [{"type": "string"}, ref("Profile")]}
    return CLASSES[name].render()


def _refs(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        target = schema.get("$ref")
        if isinstance(target, str) and target.startswith("#/$defs/"):
            found.add(target[len("#/$defs/") :])
        for value in schema.values():
            found |= _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _refs(value)
    return found


def document_schema(file: str, title: str, root: dict[str, Any]) -> dict[str, Any]:
    """A self-contained schema: ``root`` plus the classes it reaches."""
    needed: set[str] = set()
    pending = _refs(root)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending |= _refs(_def(name))
    return {
        "$schema": DRAFT,
        "$id": f"{BASE}{file}",
        "title": title,
        **root,
        "$defs": {name: _def(name) for name in sorted(needed)},
    }


def _one_or_many_types(schema: Any) -> Any:
    """CLR 2.0 documents write ``type`` as one string or an array: accept both."""
    if isinstance(schema, dict):
        out = {k: _one_or_many_types(v) for k, v in schema.items()}
        kind = (
            out.get("properties", {}).get("type")
            if isinstance(out.get("properties"), dict)
            else None
        )
        if isinstance(kind, dict) and kind.get("type") == "array" and "contains" in kind:
            names = kind["contains"]["enum"]
            out["properties"]["type"] = {"anyOf": [{"enum": names}, kind]}
        return out
    if isinstance(schema, list):
        return [_one_or_many_types(v) for v in schema]
    return schema


def clr_credential() -> dict[str, Any]:
    """ClrCredential in its VC 2.0 form (CLR 2.0.1 context, ``validFrom``) or its VC 1.1 form
    (CLR 2.0 context, ``issuanceDate``)."""
    envelope = credential_envelope(typed("VerifiableCredential", "ClrCredential"), "ClrSubject")
    del envelope["@context"]
    envelope["proof"] = {"anyOf": [ref("Proof"), array(ref("Proof"))]}
    envelope["partial"] = boolean()
    envelope["issuanceDate"] = datetime()
    envelope["expirationDate"] = datetime()
    envelope["endorsement"] = array(ref("EndorsementCredential"))
    envelope["endorsementJwt"] = array(pattern(JWS))
    schema = Class(
        envelope, ["@context", "id", "type", "credentialSubject", "issuer", "name"]
    ).render()
    schema["oneOf"] = [
        {"properties": {"@context": contexts(CLR2_CONTEXT_PATTERN)}, "required": ["validFrom"]},
        {
            "properties": {
                "@context": {
                    "type": "array",
                    "minItems": 2,
                    "prefixItems": [
                        {"enum": ["https://www.w3.org/2018/credentials/v1"]},
                        pattern(CLR2_CONTEXT_PATTERN),
                    ],
                    "items": ref("Context"),
                }
            },
            "required": ["issuanceDate"],
        },
    ]
    return schema


def build() -> dict[str, bytes]:
    """File name → bytes of every generated schema."""
    documents = {
        "ob3-achievementcredential.json": document_schema(
            "ob3-achievementcredential.json",
            "Open Badges 3.0 AchievementCredential / OpenBadgeCredential (microcred)",
            CLASSES["AchievementCredential"].render(),
        ),
        "ob3-endorsementcredential.json": document_schema(
            "ob3-endorsementcredential.json",
            "Open Badges 3.0 EndorsementCredential (microcred)",
            CLASSES["EndorsementCredential"].render(),
        ),
        "ob3-profile.json": document_schema(
            "ob3-profile.json", "Open Badges 3.0 Profile (microcred)", CLASSES["Profile"].render()
        ),
        "ob3-achievement.json": document_schema(
            "ob3-achievement.json",
            "Open Badges 3.0 Achievement (microcred)",
            CLASSES["Achievement"].render(),
        ),
        "clr2-clrcredential.json": _one_or_many_types(
            document_schema(
                "clr2-clrcredential.json", "CLR 2.0 ClrCredential (microcred)", clr_credential()
            )
        ),
    }
    return {
        name: (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
        for name, doc in documents.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Write the schemas, or with ``--check`` report those out of date (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for name, data in build().items():
        path = SCHEMAS / name
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(name)
        if not args.check:
            path.write_bytes(data)
            print(f"wrote schemas/{name}")
    if args.check and stale:
        print("out of date (run scripts/build_schemas.py): " + ", ".join(stale))
        return 1
    if args.check:
        print("ok: generated schemas are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
