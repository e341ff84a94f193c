"""Models of the VC data model (1.1 and 2.0), Open Badges 3.0 and CLR 2.0.

Property names follow the specifications (as aliases of snake_case Python names); every
property the specifications allow as "one or many" accepts both and keeps what was given;
dates are strings in their lexical form; unknown terms are kept. Loading and dumping any
document the models accept is lossless:

>>> doc = {"type": ["Achievement"], "id": "urn:uuid:1", "name": "ML", "creditsAvailable": 7.5,
...        "description": "Machine learning", "criteria": {"narrative": "Pass the exam"},
...        "ext:note": "kept"}
>>> Achievement.from_json(doc).to_json() == doc
True

These models read what a document has; they do not judge conformance: every property is
optional, and a part that does not fit its class is kept as plain JSON. Use
:func:`microcred.validate` for the rules of a profile (required properties, vocabularies).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from ._base import Node, OneOrMany

__all__ = [
    "OB3_CONTEXT",
    "VC_V1",
    "VC_V2",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "Association",
    "ClrCredential",
    "ClrSubject",
    "Credential",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Profile",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR2_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

Json = Any


class Image(Node):
    """``Image``: an image URL (or data URL) with an optional caption."""

    id: str | None = None
    type: str = "Image"
    caption: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class IdentifierEntry(Node):
    """``IdentifierEntry``: another identifier of a profile or achievement."""

    type: str = "IdentifierEntry"
    identifier: str | None = None
    identifier_type: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class GeoCoordinates(Node):
    """``GeoCoordinates``."""

    type: str = "GeoCoordinates"
    latitude: float | None = None
    longitude: float | None = None


class Address(Node):
    """``Address``; ``addressCountryCode`` is ISO 3166-1 alpha-2."""

    type: OneOrMany[str] = Field(default_factory=lambda: ["Address"])
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | Json | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Profile(Node):
    """``Profile``: an issuer, creator, endorser or organisation."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: str | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: OneOrMany[Json] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    image: Image | str | None = None
    email: str | None = None
    address: Address | Json | None = None
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    official: str | None = None
    parent_org: Profile | Json | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Criteria(Node):
    """``Criteria``: how the achievement is earned (a URL and/or a narrative)."""

    id: str | None = None
    narrative: str | None = None


class Alignment(Node):
    """``Alignment``: a link to a competency, framework level or other external item."""

    type: OneOrMany[str] = Field(default_factory=lambda: ["Alignment"])
    target_code: str | None = None
    target_description: str | None = None
    target_name: str | None = None
    target_framework: str | None = None
    target_type: str | None = None
    target_url: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class RubricCriterionLevel(Node):
    """``RubricCriterionLevel``."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["RubricCriterionLevel"])
    alignment: OneOrMany[Alignment] | None = None
    description: str | None = None
    level: str | None = None
    name: str | None = None
    points: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class ResultDescription(Node):
    """``ResultDescription``: a kind of result the achievement records (a grade, a score)."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["ResultDescription"])
    alignment: OneOrMany[Alignment] | None = None
    allowed_value: OneOrMany[str] | None = None
    name: str | None = None
    required_level: str | None = None
    required_value: str | None = None
    result_type: str | None = None
    rubric_criterion_level: OneOrMany[RubricCriterionLevel] | None = None
    value_max: str | None = None
    value_min: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Related(Node):
    """``Related``: another version or language of the achievement."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["Related"])
    in_language: str | None = None
    version: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Achievement(Node):
    """``Achievement``: what was achieved (the course, the micro-credential)."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["Achievement"])
    alignment: OneOrMany[Alignment] | None = None
    achievement_type: str | None = None
    creator: Profile | Json | None = None
    credits_available: int | float | None = None
    criteria: Criteria | Json | None = None
    description: str | None = None
    endorsement: OneOrMany[Json] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | str | None = None
    in_language: str | None = None
    name: str | None = None
    other_identifier: OneOrMany[IdentifierEntry] | None = None
    related: OneOrMany[Related] | None = None
    result_description: OneOrMany[ResultDescription] | None = None
    specialization: str | None = None
    tag: OneOrMany[str] | None = None
    version: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class IdentityObject(Node):
    """``IdentityObject``: a (usually hashed) identifier of the learner."""

    type: str = "IdentityObject"
    hashed: bool | None = None
    identity_hash: str | None = None
    identity_type: str | None = None
    salt: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Result(Node):
    """``Result``: the learner's result for one ``ResultDescription`` (e.g. the grade)."""

    type: OneOrMany[str] = Field(default_factory=lambda: ["Result"])
    achieved_level: str | None = None
    alignment: OneOrMany[Alignment] | None = None
    result_description: str | None = None
    status: str | None = None
    value: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class AchievementSubject(Node):
    """``AchievementSubject``: the learner and what they achieved."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["AchievementSubject"])
    activity_end_date: str | None = None
    activity_start_date: str | None = None
    credits_earned: int | float | None = None
    achievement: Achievement | Json | None = None
    identifier: OneOrMany[IdentityObject] | None = None
    image: Image | str | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: OneOrMany[Result] | None = None
    role: str | None = None
    source: Profile | Json | None = None
    term: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Evidence(Node):
    """``Evidence``."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["Evidence"])
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class Credential(Node):
    """A verifiable credential (VC 1.1 or 2.0); the base of the OB 3.0 and CLR credentials."""

    context: list[Json] = Field(default_factory=lambda: [VC_V2, OB3_CONTEXT], alias="@context")
    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["VerifiableCredential"])
    issuer: str | Profile | Json | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    issuance_date: str | None = None
    expiration_date: str | None = None
    awarded_date: str | None = None
    name: str | None = None
    description: str | None = None
    image: Image | str | None = None
    credential_subject: Json | None = None
    credential_status: OneOrMany[Json] | None = None
    credential_schema: OneOrMany[Json] | None = None
    refresh_service: Json | None = None
    terms_of_use: OneOrMany[Json] | None = None
    evidence: OneOrMany[Evidence] | None = None
    endorsement: OneOrMany[Json] | None = None
    endorsement_jwt: OneOrMany[str] | None = None
    proof: OneOrMany[Json] | None = None
    _always: ClassVar[tuple[str, ...]] = ("context", "type")

    @property
    def issuer_id(self) -> str | None:
        """The issuer's id, whether ``issuer`` is a string or a profile."""
        if isinstance(self.issuer, str) or self.issuer is None:
            return self.issuer
        if isinstance(self.issuer, Profile):
            return self.issuer.id
        found = self.issuer.get("id") if isinstance(self.issuer, dict) else None
        return found if isinstance(found, str) else None


class AchievementCredential(Credential):
    """``AchievementCredential`` / ``OpenBadgeCredential`` (OB 3.0)."""

    type: OneOrMany[str] = Field(
        default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"]
    )
    credential_subject: AchievementSubject | Json | None = None


class EndorsementSubject(Node):
    """``EndorsementSubject``: what is endorsed, and the endorser's comment."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["EndorsementSubject"])
    endorsement_comment: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class EndorsementCredential(Credential):
    """``EndorsementCredential`` (OB 3.0)."""

    type: OneOrMany[str] = Field(
        default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"]
    )
    credential_subject: EndorsementSubject | Json | None = None


class Association(Node):
    """``Association`` (CLR 2.0): a relation between two achievements."""

    type: str = "Association"
    association_type: str | None = None
    source_id: str | None = None
    target_id: str | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class ClrSubject(Node):
    """``ClrSubject`` (CLR 2.0): the learner and the credentials the record holds."""

    id: str | None = None
    type: OneOrMany[str] = Field(default_factory=lambda: ["ClrSubject"])
    identifier: OneOrMany[IdentityObject] | None = None
    achievement: OneOrMany[Achievement] | None = None
    verifiable_credential: OneOrMany[Json] | None = None
    association: OneOrMany[Association] | None = None
    _always: ClassVar[tuple[str, ...]] = ("type",)


class ClrCredential(Credential):
    """``ClrCredential`` (CLR 2.0): a learner's record of several credentials.

    The credentials inside (``credentialSubject.verifiableCredential``) keep their own proofs:
    they are JSON objects or compact JWTs, kept exactly as given.
    """

    context: list[Json] = Field(default_factory=lambda: [VC_V2, CLR2_CONTEXT], alias="@context")
    type: OneOrMany[str] = Field(default_factory=lambda: ["VerifiableCredential", "ClrCredential"])
    credential_subject: ClrSubject | Json | None = None
    partial: bool | None = None


Profile.model_rebuild()
