#!/usr/bin/env python3
"""Generate microcred's JSON Schemas for Open Badges 3.0 and CLR 2.0 into ``schemas/``.

The data model is written below as tables. ``CLASSES``: one entry per class of Open Badges 3.0
(Appendix B "Data Models") and CLR 2.0, each property as ``"<Kind> [<multiplicity>]"`` the way
the specifications' tables write it, e.g. ``"Achievement [1]"`` or ``"Alignment [0..*]"``.
``LEGACY``: the classes of the VC 1.1 data model that OB 3.0 keeps for verifying older
credentials (OB 3.0 §B.9 "Verification Support Data Models"), each written as its VC 2.0
class with some properties changed. ``EITHER``: the "Any" classes, one of a VC 1.1 and a VC 2.0
class (OB 3.0 §B.9.1 AnyAchievementCredential, §B.9.3 AnyEndorsementCredential).

A kind is a scalar (``SCALARS``), a vocabulary (``VOCABULARIES``), a union (``UNIONS``), an
"Any" class or a class. Multiplicity ``[1]``, ``[1..*]`` and ``[2..*]`` make the property
required; ``[0..*]``, ``[1..*]`` and ``[2..*]`` make it an array of at least that many items.

What the script writes (JSON Schema draft 2020-12, ``$id`` under
``https://microcred.dev/schemas/``, every ``$ref`` to a ``$defs`` entry of the same file or of
``ob3-common.json``, never to anything else):

* ``ob3-common.json``: the OB 3.0 classes, in ``$defs``;
* ``ob3-achievementcredential.json`` (AnyAchievementCredential),
  ``ob3-endorsementcredential.json`` (AnyEndorsementCredential), ``ob3-profile.json``
  (Profile), ``ob3-achievement.json`` (Achievement): one class at the root, the classes
  inside referenced from ``ob3-common.json``;
* ``clr2-clrcredential.json``: the CLR 2.0 ClrCredential in either VC form, self-contained.

Rules the tables cannot say by themselves, applied when rendering:

* ``type [1..*]`` is an array of IRIs that contains the class name (or one name of each group
  in ``Cls.types``); ``type [1]`` is the class name as one string. A VC 1.1 class has the
  ``type`` of the class it derives from.
* A credential's ``@context`` starts with the context of its VC version
  (``https://www.w3.org/ns/credentials/v2`` or ``https://www.w3.org/2018/credentials/v1``) and
  then a published revision of its family's context (OB 3.0 or CLR 2.0).
* An "Any" class is its VC 1.1 class when the first ``@context`` entry is the VC 1.1 one, and
  its VC 2.0 class otherwise.
* In the CLR schema ``type``, ``proof``, ``credentialSchema`` and ``termsOfUse`` may also be a
  single value instead of an array, as the JSON-LD compaction rules of the serialization allow
  and as the CLR 2.0 documents write them (``"type": "Profile"``, one ``proof`` object). The
  OB 3.0 schemas keep arrays, as the official OB 3.0 schemas do
  (``tests/schemas/test_ob3_agreement.py`` compares the verdicts).

Output is deterministic: sorted keys, two-space indent, a trailing newline.

Usage (from the project root)::

    python scripts/build_schemas.py           # write the generated files
    python scripts/build_schemas.py --check   # compare with schemas/; exit 1 on any drift

``--check`` also fails on a file in ``schemas/`` that is neither generated nor listed in
``HAND_WRITTEN`` (``eu-microcredential.json`` and ``elm-edc.json`` are written by hand and not
touched here). Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
BASE = "https://microcred.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
COMMON = "ob3-common.json"
HAND_WRITTEN = frozenset({"eu-microcredential.json", "elm-edc.json"})

Schema = dict[str, Any]
Family = Literal["ob", "clr"]

# --------------------------------------------------------------------------------------------
# Facts: contexts, string syntaxes, vocabularies
# --------------------------------------------------------------------------------------------

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

# The family context that must come second: any published revision of the OB 3.0 / CLR 2.0
# context (``context.json``, ``context-3.0.3.json``, ...).
FAMILY_CONTEXT: dict[Family, str] = {
    "ob": r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.[0-9]\.[0-9])*\.json$",
    "clr": r"^https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.[0-9]\.[0-9])*\.json$",
}

_B64URL = "[A-Za-z0-9_-]"
COMPACT_JWS = rf"^{_B64URL}+\.{_B64URL}*\.{_B64URL}+$"  # RFC 7515 compact serialization
# BCP 47 as OB 3.0 restricts it: language, then an optional script and an optional region.
LANGUAGE_CODE = r"^[a-z]{2,4}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$"
# An extension term of an extensible vocabulary. The rule the official OB 3.0 schemas apply
# is a search, not a full match: a string passes when it contains ``ext:`` followed by a
# letter, a digit, ``.``, ``_`` or ``|``. We accept exactly the same strings, so that both
# give the same verdict.
EXTENSION_TERM = r"ext:[0-9A-Za-z._|]"


@dataclass(frozen=True)
class Vocabulary:
    """The terms of an enumeration; ``extensible``: an extension term is accepted too."""

    terms: tuple[str, ...]
    extensible: bool


VOCABULARIES: dict[str, Vocabulary] = {
    "AchievementType": Vocabulary(
        (
            "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
            "AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
            "CertificateOfCompletion", "Certification", "CommunityService", "Competency",
            "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
            "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram",
            "License", "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential",
            "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
            "SecondarySchoolDiploma",
        ),
        extensible=True,
    ),
    "AlignmentTargetType": Vocabulary(
        (
            "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric",
            "CFRubricCriterion", "CFRubricCriterionLevel", "CTDL",
        ),
        extensible=True,
    ),
    "IdentifierTypeEnum": Vocabulary(
        (
            "name", "sourcedId", "systemId", "productId", "userName", "accountId",
            "emailAddress", "nationalIdentityNumber", "isbn", "issn", "lisSourcedId",
            "oneRosterSourcedId", "sisSourcedId", "ltiContextId", "ltiDeploymentId",
            "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier",
        ),
        extensible=True,
    ),
    "ResultType": Vocabulary(
        (
            "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel",
            "PredictedScore", "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel",
            "RubricScore", "ScaledScore", "Status",
        ),
        extensible=True,
    ),
    "ResultStatusType": Vocabulary(
        ("Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"),
        extensible=False,
    ),
    # CLR 2.0: how two achievements of a ClrSubject relate
    "AssociationType": Vocabulary(
        (
            "exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
            "precedes", "replacedBy",
        ),
        extensible=False,
    ),
}  # fmt: skip

_TEXT: Schema = {"type": "string"}
_DATE_TIME: Schema = {"type": "string", "format": "date-time"}

# Primitive and derived types of the specifications. URIs, e-mail addresses and the like are
# checked as strings only, as the official OB 3.0 schemas do.
SCALARS: dict[str, Schema] = {
    "String": _TEXT,
    "Markdown": _TEXT,
    "URI": _TEXT,
    "URL": _TEXT,
    "IRI": _TEXT,
    "EmailAddress": _TEXT,
    "PhoneNumber": _TEXT,
    "CountryCode": _TEXT,
    "IdentityHash": _TEXT,
    "Identifier": _TEXT,
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "Map": {"type": "object"},
    "DateTime": _DATE_TIME,
    "DateTimeZ": _DATE_TIME,
    "Date": {"type": "string", "format": "date"},
    "CompactJws": {"type": "string", "pattern": COMPACT_JWS},
    "LanguageCode": {"type": "string", "pattern": LANGUAGE_CODE},
}


# --------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------

VcVersion = Literal["1.1", "2.0"]
FIRST_CONTEXT: dict[VcVersion, str] = {"1.1": VC1_CONTEXT, "2.0": VC2_CONTEXT}


@dataclass(frozen=True)
class Cls:
    """One class of the data model.

    ``types``: the groups of names ``type`` must contain (one name of each group); ``None``
    means the class's own name, ``()`` that ``type`` is any IRI. ``closed``: no properties
    beyond those listed (the class has no extension point). ``credential``: the class is a
    credential of that family and VC version (it fixes the first two ``@context`` entries).
    """

    about: str
    props: Mapping[str, str]
    types: tuple[tuple[str, ...], ...] | None = None
    closed: bool = False
    credential: tuple[Family, VcVersion] | None = None


_VC_ENVELOPE = {
    "proof": "Proof [0..*]",
    "credentialSchema": "CredentialSchema [0..*]",
    "credentialStatus": "CredentialStatus [0..1]",
    "refreshService": "RefreshService [0..1]",
    "termsOfUse": "TermsOfUse [0..*]",
}
_VC2_DATES = {"validFrom": "DateTimeZ [1]", "validUntil": "DateTimeZ [0..1]"}
_SERVICE = {"id": "URI [1]", "type": "IRI [1]"}

CLASSES: dict[str, Cls] = {
    # --- credentials (VC 2.0)
    "AchievementCredential": Cls(
        "An awarded achievement: an OB 3.0 AchievementCredential (alias OpenBadgeCredential).",
        {
            "@context": "Context [2..*]",
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "name": "String [0..1]",
            "description": "String [0..1]",
            "image": "Image [0..1]",
            "awardedDate": "DateTimeZ [0..1]",
            "credentialSubject": "AchievementSubject [1]",
            "endorsement": "EndorsementCredential [0..*]",
            "endorsementJwt": "CompactJws [0..*]",
            "evidence": "Evidence [0..*]",
            "issuer": "ProfileRef [1]",
            **_VC2_DATES,
            **_VC_ENVELOPE,
        },
        types=(("VerifiableCredential",), ("AchievementCredential", "OpenBadgeCredential")),
        credential=("ob", "2.0"),
    ),
    "EndorsementCredential": Cls(
        "A third party's endorsement of a credential, an achievement or a profile.",
        {
            "@context": "Context [2..*]",
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "name": "String [1]",
            "description": "String [0..1]",
            "awardedDate": "DateTimeZ [0..1]",
            "credentialSubject": "EndorsementSubject [1]",
            "issuer": "ProfileRef [1]",
            **_VC2_DATES,
            **_VC_ENVELOPE,
        },
        types=(("VerifiableCredential",), ("EndorsementCredential",)),
        credential=("ob", "2.0"),
    ),
    "ClrCredential": Cls(
        "A Comprehensive Learner Record: a learner's achievements and credentials together.",
        {
            "@context": "Context [2..*]",
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "name": "String [1]",
            "description": "String [0..1]",
            "image": "Image [0..1]",
            "partial": "Boolean [0..1]",
            "awardedDate": "DateTimeZ [0..1]",
            "credentialSubject": "ClrSubject [1]",
            "endorsement": "EndorsementCredential [0..*]",
            "endorsementJwt": "CompactJws [0..*]",
            "issuer": "ProfileRef [1]",
            **_VC2_DATES,
            **_VC_ENVELOPE,
        },
        types=(("VerifiableCredential",), ("ClrCredential",)),
        credential=("clr", "2.0"),
    ),
    # --- subjects
    "AchievementSubject": Cls(
        "The learner who earned the achievement, and what they earned.",
        {
            "id": "URI [0..1]",
            "type": "IRI [1..*]",
            "activityEndDate": "DateTime [0..1]",
            "activityStartDate": "DateTime [0..1]",
            "creditsEarned": "Float [0..1]",
            "achievement": "Achievement [1]",
            "identifier": "IdentityObject [0..*]",
            "image": "Image [0..1]",
            "licenseNumber": "String [0..1]",
            "narrative": "Markdown [0..1]",
            "result": "Result [0..*]",
            "role": "String [0..1]",
            "source": "Profile [0..1]",
            "term": "String [0..1]",
        },
    ),
    "EndorsementSubject": Cls(
        "What an endorsement is about, with the endorser's comment.",
        {"id": "URI [1]", "type": "IRI [1..*]", "endorsementComment": "Markdown [0..1]"},
    ),
    "ClrSubject": Cls(
        "The learner of a CLR, with the credentials and achievements it gathers.",
        {
            "id": "URI [0..1]",
            "type": "IRI [1..*]",
            "identifier": "IdentityObject [0..*]",
            "name": "String [0..1]",
            "description": "String [0..1]",
            "achievement": "Achievement [0..*]",
            "verifiableCredential": "EmbeddedCredential [1..*]",
            "association": "Association [0..*]",
        },
    ),
    # --- what is achieved
    "Achievement": Cls(
        "Something a learner can accomplish: a course, a badge, a degree, a competency.",
        {
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "alignment": "Alignment [0..*]",
            "achievementType": "AchievementType [0..1]",
            "creator": "Profile [0..1]",
            "creditsAvailable": "Float [0..1]",
            "criteria": "Criteria [1]",
            "description": "String [1]",
            "endorsement": "EndorsementCredential [0..*]",
            "endorsementJwt": "CompactJws [0..*]",
            "fieldOfStudy": "String [0..1]",
            "humanCode": "String [0..1]",
            "image": "Image [0..1]",
            "inLanguage": "LanguageCode [0..1]",
            "name": "String [1]",
            "otherIdentifier": "IdentifierEntry [0..*]",
            "related": "Related [0..*]",
            "resultDescription": "ResultDescription [0..*]",
            "specialization": "String [0..1]",
            "tag": "String [0..*]",
            "version": "String [0..1]",
        },
    ),
    "Criteria": Cls(
        "How the achievement is earned: a page and/or a narrative.",
        {"id": "URI [0..1]", "narrative": "Markdown [0..1]"},
    ),
    "Alignment": Cls(
        "A link from an achievement or result to a framework entry (competency, standard).",
        {
            "type": "IRI [1..*]",
            "targetCode": "String [0..1]",
            "targetDescription": "Markdown [0..1]",
            "targetName": "String [1]",
            "targetFramework": "String [0..1]",
            "targetType": "AlignmentTargetType [0..1]",
            "targetUrl": "URL [1]",
        },
    ),
    "Related": Cls(
        "Another edition of the same achievement (language or version).",
        {
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "inLanguage": "LanguageCode [0..1]",
            "version": "String [0..1]",
        },
    ),
    "ResultDescription": Cls(
        "A kind of result the achievement records (grade, score, status, rubric).",
        {
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "alignment": "Alignment [0..*]",
            "allowedValue": "String [0..*]",
            "name": "String [1]",
            "requiredLevel": "URI [0..1]",
            "requiredValue": "String [0..1]",
            "resultType": "ResultType [1]",
            "rubricCriterionLevel": "RubricCriterionLevel [0..*]",
            "valueMax": "String [0..1]",
            "valueMin": "String [0..1]",
        },
    ),
    "RubricCriterionLevel": Cls(
        "One level of a rubric criterion.",
        {
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "alignment": "Alignment [0..*]",
            "description": "Markdown [0..1]",
            "level": "String [0..1]",
            "name": "String [1]",
            "points": "String [0..1]",
        },
    ),
    "Result": Cls(
        "A result the learner obtained, for one of the achievement's result descriptions.",
        {
            "type": "IRI [1..*]",
            "achievedLevel": "URI [0..1]",
            "alignment": "Alignment [0..*]",
            "resultDescription": "URI [0..1]",
            "status": "ResultStatusType [0..1]",
            "value": "String [0..1]",
        },
    ),
    "Evidence": Cls(
        "Work or a record that supports the award.",
        {
            "id": "URI [0..1]",
            "type": "IRI [1..*]",
            "narrative": "Markdown [0..1]",
            "name": "String [0..1]",
            "description": "Markdown [0..1]",
            "genre": "String [0..1]",
            "audience": "String [0..1]",
        },
    ),
    # --- who
    "Profile": Cls(
        "A person or organisation: an issuer, a creator, an endorser, an assessor.",
        {
            "id": "URI [1]",
            "type": "IRI [1..*]",
            "name": "String [0..1]",
            "url": "URI [0..1]",
            "phone": "PhoneNumber [0..1]",
            "description": "String [0..1]",
            "endorsement": "EndorsementCredential [0..*]",
            "endorsementJwt": "CompactJws [0..*]",
            "image": "Image [0..1]",
            "email": "EmailAddress [0..1]",
            "address": "Address [0..1]",
            "otherIdentifier": "IdentifierEntry [0..*]",
            "official": "String [0..1]",
            "parentOrg": "Profile [0..1]",
            "familyName": "String [0..1]",
            "givenName": "String [0..1]",
            "additionalName": "String [0..1]",
            "patronymicName": "String [0..1]",
            "honorificPrefix": "String [0..1]",
            "honorificSuffix": "String [0..1]",
            "familyNamePrefix": "String [0..1]",
            "dateOfBirth": "Date [0..1]",
        },
    ),
    "Address": Cls(
        "A postal address.",
        {
            "type": "IRI [1..*]",
            "addressCountry": "String [0..1]",
            "addressCountryCode": "CountryCode [0..1]",
            "addressRegion": "String [0..1]",
            "addressLocality": "String [0..1]",
            "streetAddress": "String [0..1]",
            "postOfficeBoxNumber": "String [0..1]",
            "postalCode": "String [0..1]",
            "geo": "GeoCoordinates [0..1]",
        },
    ),
    "GeoCoordinates": Cls(
        "A point on the earth (WGS 84).",
        {"type": "IRI [1]", "latitude": "Float [1]", "longitude": "Float [1]"},
    ),
    "IdentifierEntry": Cls(
        "An identifier of a profile or an achievement in some other system.",
        {
            "type": "IRI [1]",
            "identifier": "Identifier [1]",
            "identifierType": "IdentifierTypeEnum [1]",
        },
        closed=True,
    ),
    "IdentityObject": Cls(
        "An identifier of the learner, in clear or as a salted hash.",
        {
            "type": "IRI [1]",
            "hashed": "Boolean [1]",
            "identityHash": "IdentityHash [1]",
            "identityType": "IdentifierTypeEnum [1]",
            "salt": "String [0..1]",
        },
        closed=True,
    ),
    "Image": Cls(
        "An image by URL or data: URI, with an optional caption.",
        {"id": "URI [1]", "type": "IRI [1]", "caption": "String [0..1]"},
        closed=True,
    ),
    # --- CLR 2.0
    "Association": Cls(
        "How two achievements of a CLR relate (one is part of the other, and so on).",
        {
            "type": "IRI [1]",
            "associationType": "AssociationType [1]",
            "sourceId": "URI [1]",
            "targetId": "URI [1]",
        },
    ),
    # --- Verifiable Credentials machinery (``type`` names a method: any IRI)
    "Proof": Cls(
        "An embedded proof (Data Integrity); checked for its shape only.",
        {
            "type": "IRI [1]",
            "created": "DateTime [0..1]",
            "cryptosuite": "String [0..1]",
            "challenge": "String [0..1]",
            "domain": "String [0..1]",
            "nonce": "String [0..1]",
            "proofPurpose": "String [0..1]",
            "proofValue": "String [0..1]",
            "verificationMethod": "URI [0..1]",
        },
        types=(),
    ),
    "CredentialSchema": Cls("A schema the credential claims to conform to.", _SERVICE, types=()),
    "CredentialStatus": Cls("Where to look up revocation or suspension.", _SERVICE, types=()),
    "RefreshService": Cls("Where to get a fresh copy of the credential.", _SERVICE, types=()),
    "TermsOfUse": Cls(
        "Terms under which the credential was issued.",
        {"id": "URI [0..1]", "type": "IRI [1]"},
        types=(),
    ),
}


@dataclass(frozen=True)
class Legacy:
    """A class of the VC 1.1 data model: the VC 2.0 class ``base`` with ``changes`` (a
    property's new entry, or ``None`` to remove it). It keeps ``base``'s ``type`` names."""

    about: str
    base: str
    changes: Mapping[str, str | None]


_VC1_DATES: dict[str, str | None] = {
    "validFrom": None,
    "validUntil": None,
    "issuanceDate": "DateTimeZ [1]",
    "expirationDate": "DateTimeZ [0..1]",
}

# OB 3.0 §B.9.2, §B.9.4, §B.9.6-§B.9.8. A Profilev1p1's parentOrg is a Profile, as there.
# The CLR classes follow the same pattern for the CLR 2.0 (VC 1.1) documents.
LEGACY: dict[str, Legacy] = {
    "AchievementCredentialv1p1": Legacy(
        "An OB 3.0 AchievementCredential in the VC 1.1 data model.",
        "AchievementCredential",
        {
            "name": "String [1]",
            "credentialSubject": "AchievementSubjectv1p1 [1]",
            "endorsement": "EndorsementCredentialv1p1 [0..*]",
            "issuer": "Profilev1p1 [1]",
            **_VC1_DATES,
        },
    ),
    "EndorsementCredentialv1p1": Legacy(
        "An OB 3.0 EndorsementCredential in the VC 1.1 data model.",
        "EndorsementCredential",
        {"issuer": "Profilev1p1 [1]", **_VC1_DATES},
    ),
    "AchievementSubjectv1p1": Legacy(
        "The subject of a VC 1.1 AchievementCredential.",
        "AchievementSubject",
        {"achievement": "Achievementv1p1 [1]", "source": "Profilev1p1 [0..1]"},
    ),
    "Achievementv1p1": Legacy(
        "An achievement inside a VC 1.1 credential.",
        "Achievement",
        {"creator": "Profilev1p1 [0..1]", "endorsement": "EndorsementCredentialv1p1 [0..*]"},
    ),
    "Profilev1p1": Legacy(
        "A profile inside a VC 1.1 credential.",
        "Profile",
        {"endorsement": "EndorsementCredentialv1p1 [0..*]"},
    ),
    "ClrCredentialv1p1": Legacy(
        "A CLR 2.0 ClrCredential in the VC 1.1 data model.",
        "ClrCredential",
        {
            "credentialSubject": "ClrSubjectv1p1 [1]",
            "endorsement": "EndorsementCredentialv1p1 [0..*]",
            "issuer": "Profilev1p1 [1]",
            **_VC1_DATES,
        },
    ),
    "ClrSubjectv1p1": Legacy(
        "The subject of a VC 1.1 ClrCredential.",
        "ClrSubject",
        {"achievement": "Achievementv1p1 [0..*]"},
    ),
}

# "Any" classes: name → (about, the VC 1.1 class, the VC 2.0 class)
EITHER: dict[str, tuple[str, str, str]] = {
    "AnyAchievementCredential": (
        "An OB 3.0 AchievementCredential (alias OpenBadgeCredential), in the VC 2.0 data model "
        "or, for verifying older credentials, the VC 1.1 one.",
        "AchievementCredentialv1p1",
        "AchievementCredential",
    ),
    "AnyEndorsementCredential": (
        "An OB 3.0 EndorsementCredential, in the VC 2.0 data model or, for verifying older "
        "credentials, the VC 1.1 one.",
        "EndorsementCredentialv1p1",
        "EndorsementCredential",
    ),
    "AnyClrCredential": (
        "A CLR 2.0 ClrCredential: VC 2.0 with the CLR 2.0.1 context, or VC 1.1 with the CLR "
        "2.0 context.",
        "ClrCredentialv1p1",
        "ClrCredential",
    ),
}

# A value that may be one of several kinds.
UNIONS: dict[str, tuple[str, ...]] = {
    "Context": ("URI", "Map"),  # a context URL or an inline context
    "ProfileRef": ("URI", "Profile"),  # a profile by its id, or the profile itself
    "EmbeddedCredential": ("AnyAchievementCredential", "CompactJws"),  # in a ClrSubject
}

# Properties that JSON-LD compaction may write as one value rather than an array.
COMPACTABLE = frozenset({"type", "proof", "credentialSchema", "termsOfUse"})

# The files written: name → (root definition, title, whether in the CLR style).
DOCUMENTS: dict[str, tuple[str, str, bool]] = {
    "ob3-achievementcredential.json": (
        "AnyAchievementCredential",
        "Open Badges 3.0 AchievementCredential / OpenBadgeCredential, VC 2.0 or VC 1.1",
        False,
    ),
    "ob3-endorsementcredential.json": (
        "AnyEndorsementCredential",
        "Open Badges 3.0 EndorsementCredential, VC 2.0 or VC 1.1",
        False,
    ),
    "ob3-profile.json": ("Profile", "Open Badges 3.0 Profile", False),
    "ob3-achievement.json": ("Achievement", "Open Badges 3.0 Achievement", False),
    "clr2-clrcredential.json": (
        "AnyClrCredential",
        "CLR 2.0 ClrCredential, VC 2.0 (CLR 2.0.1) or VC 1.1 (CLR 2.0)",
        True,
    ),
}

# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

_PROPERTY = re.compile(r"^(?P<kind>[A-Za-z0-9]+) \[(?P<low>[012])(?:\.\.(?P<high>1|\*))?\]$")


class TableError(Exception):
    """The tables are inconsistent (unknown kind, bad multiplicity, ...)."""


@dataclass(frozen=True)
class Style:
    """How to render: where ``$ref``s point, and whether compactable values may be single."""

    ref_base: str  # prefix of a ``$ref`` to a definition: "#/$defs/" or "<$id>#/$defs/"
    compacted: bool


def all_classes() -> dict[str, Cls]:
    """``CLASSES`` and the classes ``LEGACY`` derives from them."""
    found = dict(CLASSES)
    for name, legacy in LEGACY.items():
        base = CLASSES[legacy.base]
        props = {k: v for k, v in {**base.props, **legacy.changes}.items() if v is not None}
        credential: tuple[Family, VcVersion] | None = None
        if base.credential is not None:
            credential = (base.credential[0], "1.1")
        types = ((legacy.base,),) if base.types is None else base.types
        found[name] = Cls(legacy.about, props, types, base.closed, credential)
    return found


@dataclass(frozen=True)
class Entry:
    """One property entry of the table, read."""

    kind: str
    required: bool
    many: bool
    min_items: int


def _parse(owner: str, name: str, spec: str) -> Entry:
    match = _PROPERTY.match(spec)
    if match is None or (match["high"] is None and match["low"] != "1"):
        raise TableError(f"{owner}.{name}: cannot read {spec!r}")
    low = int(match["low"])
    many = match["high"] == "*"
    if not many and low > 1:
        raise TableError(f"{owner}.{name}: {spec!r} is not a multiplicity")
    return Entry(match["kind"], low >= 1, many, low if many else 0)


def _type_property(owner: str, cls: Cls, entry: Entry, style: Style) -> Schema:
    """The ``type`` property of ``owner``."""
    groups = ((owner,),) if cls.types is None else cls.types
    if not groups:
        return dict(SCALARS["IRI"])
    if not entry.many:
        if len(groups) != 1 or len(groups[0]) != 1:
            raise TableError(f"{owner}.type [1] must name exactly one type")
        return {"type": "string", "const": groups[0][0]}
    contains = [
        {"const": names[0]} if len(names) == 1 else {"enum": list(names)} for names in groups
    ]
    listed: Schema = {"type": "array", "items": {"type": "string"}}
    if len(contains) == 1:
        listed["contains"] = contains[0]
    else:
        listed["allOf"] = [{"contains": c} for c in contains]
    if style.compacted and len(groups) == 1:
        return {"anyOf": [{"type": "string", **contains[0]}, listed]}
    return listed


def _kind(kind: str, style: Style) -> Schema:
    if kind in SCALARS:
        return dict(SCALARS[kind])
    if kind in VOCABULARIES:
        vocabulary = VOCABULARIES[kind]
        terms: Schema = {"enum": list(vocabulary.terms)}
        if not vocabulary.extensible:
            return {"type": "string", **terms}
        return {"type": "string", "anyOf": [terms, {"pattern": EXTENSION_TERM}]}
    if kind in CLASSES or kind in LEGACY or kind in UNIONS or kind in EITHER:
        return {"$ref": f"{style.ref_base}{kind}"}
    raise TableError(f"unknown kind {kind!r}")


def _first_contexts(cls: Cls) -> list[Schema]:
    if cls.credential is None:
        raise TableError("@context [2..*] outside a credential")
    family, version = cls.credential
    return [
        {"const": FIRST_CONTEXT[version]},
        {"type": "string", "pattern": FAMILY_CONTEXT[family]},
    ]


def render_class(owner: str, style: Style) -> Schema:
    """JSON Schema of one class of the tables."""
    cls = all_classes()[owner]
    properties: Schema = {}
    required: list[str] = []
    for name, spec in cls.props.items():
        entry = _parse(owner, name, spec)
        if name == "type":
            properties[name] = _type_property(owner, cls, entry, style)
        elif entry.many:
            listed: Schema = {"type": "array", "items": _kind(entry.kind, style)}
            if entry.min_items:
                listed["minItems"] = entry.min_items
            if name == "@context":
                listed["prefixItems"] = _first_contexts(cls)
            single = style.compacted and name in COMPACTABLE
            properties[name] = {"anyOf": [listed["items"], listed]} if single else listed
        else:
            properties[name] = _kind(entry.kind, style)
        if entry.required:
            required.append(name)
    schema: Schema = {"description": cls.about, "type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = not cls.closed
    return schema


def render_either(name: str, style: Style) -> Schema:
    """An "Any" class: its VC 1.1 class when ``@context`` starts with the VC 1.1 context."""
    about, legacy, current = EITHER[name]
    first = {"type": "array", "minItems": 1, "prefixItems": [{"const": VC1_CONTEXT}]}
    return {
        "description": about,
        "if": {"properties": {"@context": first}, "required": ["@context"]},
        "then": {"$ref": f"{style.ref_base}{legacy}"},
        "else": {"$ref": f"{style.ref_base}{current}"},
    }


def render_def(name: str, style: Style) -> Schema:
    """The ``$defs`` entry called ``name``."""
    if name in UNIONS:
        return {"anyOf": [_kind(kind, style) for kind in UNIONS[name]]}
    if name in EITHER:
        return render_either(name, style)
    return render_class(name, style)


def _referenced(schema: Any, prefix: str) -> set[str]:
    """Names of the definitions ``schema`` refers to through ``prefix``."""
    found: set[str] = set()
    if isinstance(schema, dict):
        target = schema.get("$ref")
        if isinstance(target, str) and target.startswith(prefix):
            found.add(target[len(prefix) :])
        for value in schema.values():
            found |= _referenced(value, prefix)
    elif isinstance(schema, list):
        for value in schema:
            found |= _referenced(value, prefix)
    return found


def reachable(roots: Iterable[str], style: Style) -> list[str]:
    """The definitions reachable from ``roots`` (included), sorted."""
    seen: set[str] = set()
    pending = set(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending |= _referenced(render_def(name, style), style.ref_base) - seen
    return sorted(seen)


def _header(file: str, title: str, about: str) -> Schema:
    return {"$schema": DRAFT, "$id": f"{BASE}{file}", "title": title, "description": about}


def documents() -> dict[str, Schema]:
    """File name → schema, for every generated file."""
    shared = Style(ref_base=f"{BASE}{COMMON}#/$defs/", compacted=False)
    local = Style(ref_base="#/$defs/", compacted=False)
    clr = Style(ref_base="#/$defs/", compacted=True)
    ob_roots = [root for root, _, compacted in DOCUMENTS.values() if not compacted]
    out: dict[str, Schema] = {
        COMMON: {
            **_header(
                COMMON,
                "Open Badges 3.0 data model classes (microcred)",
                "The OB 3.0 classes the other microcred OB 3.0 schemas refer to.",
            ),
            "$defs": {name: render_def(name, local) for name in reachable(ob_roots, local)},
        }
    }
    for file, (root, title, compacted) in DOCUMENTS.items():
        style = clr if compacted else shared
        body = render_def(root, style)
        schema = {**_header(file, f"{title} (microcred)", body.pop("description")), **body}
        if compacted:
            names = reachable(_referenced(body, style.ref_base), style)
            schema["$defs"] = {name: render_def(name, style) for name in names}
        out[file] = schema
    return out


def dump(schema: Schema) -> bytes:
    """The bytes written for ``schema``: sorted keys, two-space indent, trailing newline."""
    return (json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def build() -> dict[str, bytes]:
    """File name → bytes of every generated schema.

    Raises:
        TableError: the tables are inconsistent.
    """
    return {name: dump(schema) for name, schema in sorted(documents().items())}


# --------------------------------------------------------------------------------------------
# Writing / checking
# --------------------------------------------------------------------------------------------


def compare(built: Mapping[str, bytes], directory: Path) -> list[str]:
    """What differs between ``built`` and ``directory`` (empty when up to date)."""
    drift: list[str] = []
    for name, data in sorted(built.items()):
        path = directory / name
        if not path.is_file():
            drift.append(f"missing: schemas/{name}")
        elif path.read_bytes() != data:
            drift.append(f"differs: schemas/{name}")
    present = {p.name for p in directory.glob("*.json")} if directory.is_dir() else set()
    drift += [f"unexpected: schemas/{n}" for n in sorted(present - set(built) - HAND_WRITTEN)]
    return drift


def write(built: Mapping[str, bytes], directory: Path) -> list[str]:
    """Write the files of ``built`` that differ; returns what was written."""
    directory.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for name, data in sorted(built.items()):
        path = directory / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(f"wrote schemas/{name}")
    return changed


def main(argv: Iterable[str] | None = None) -> int:
    """Write the schemas; with ``--check`` write nothing and exit 1 on any drift.

    Exit codes: 0 up to date (or written), 1 drift found by ``--check`` or an unlisted file in
    ``schemas/``, 2 the table is inconsistent.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with schemas/ without writing; exit 1 on drift",
    )
    parser.add_argument("--output", type=Path, default=SCHEMAS, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        built = build()
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        drift = compare(built, args.output)
        for line in drift:
            print(f"drift: {line}", file=sys.stderr)
        if drift:
            print("run: python scripts/build_schemas.py", file=sys.stderr)
            return 1
        print(f"ok: {len(built)} generated schemas in schemas/ are up to date")
        return 0
    for line in write(built, args.output):
        print(line)
    unexpected = [line for line in compare(built, args.output) if line.startswith("unexpected")]
    for line in unexpected:
        print(f"note: {line} (neither generated nor listed in HAND_WRITTEN)", file=sys.stderr)
    print(f"ok: schemas/ holds the {len(built)} generated schemas")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
