"""The EU micro-credential in the Recommendation's own terms (Council Recommendation
2022/C 243/02, Annex I), and its Open Badges 3.0 form.

:class:`MicroCredential` reads and writes the *Annex I form* (a plain JSON object whose field
names are part of microcred's contract; see ``docs/annex-i.md``). It accepts partial data, so
that a template or an incomplete record can be inspected: :attr:`MicroCredential.missing`
names every mandatory element that is absent, and :meth:`MicroCredential.to_ob3` refuses to
build a credential until none is.

The Open Badges 3.0 form keeps every element. Elements OB 3.0 has a property for go there
(title → ``achievement.name``, workload in ECTS → ``creditsAvailable``, grade → ``result``,
...). The others go into the node ``achievement.euMicroCredential`` defined by microcred's
JSON-LD extension context (:data:`EU_CONTEXT`), and level and learning outcomes are mirrored
as ``alignment`` entries with the EU vocabulary URIs, so that plain OB 3.0 consumers see them.
:meth:`MicroCredential.from_ob3` reads it back: ``from_ob3(m.to_ob3(...))`` equals ``m``
except for the learner's national identity number and e-mail address, which by default go into
no credential at all (an issuer may opt in to a keyed or a salted hash:
:mod:`microcred.model.identity`).

:meth:`MicroCredential.to_sd_jwt_vc` writes the same elements, in the same OB 3.0 shape, as an
SD-JWT VC for EUDI wallets (the learner's identities always selectively disclosable, the grade
and dates by default), and :meth:`MicroCredential.from_sd_jwt_vc` reads back what a holder
disclosed (``docs/eu-sd-jwt-vc.md``).
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .._vc import parse_datetime
from ..errors import FormError, IncompleteMicroCredentialError
from . import vocab
from ._elm_mapping import elm_form, to_elm
from ._ns import EU_CONTEXT
from ._ob3_mapping import from_ob3, to_ob3
from ._sdjwt_mapping import SD_JWT_VC_TYPE
from .identity import IdentityPolicy, is_unidentified
from .ob3 import AchievementCredential

if TYPE_CHECKING:
    from ..keys import KeyPair

__all__ = [
    "EU_CONTEXT",
    "MANDATORY_ELEMENTS",
    "OPTIONAL_ELEMENTS",
    "Assessment",
    "AwardingBody",
    "FormError",
    "Grade",
    "IncompleteMicroCredentialError",
    "Issuer",
    "Learner",
    "LearnerIdentifier",
    "LearningOutcome",
    "Level",
    "MicroCredential",
    "NationalId",
    "QualityAssurance",
    "Stackability",
    "Workload",
    "check_form",
    "now_iso",
    "read_any",
]

_ACHIEVEMENT_NS = uuid.UUID("4f6c0a55-1f7e-4b53-9a37-6d2b8f0f3e11")

#: Annex I mandatory elements, in the Recommendation's order (names used in reports).
MANDATORY_ELEMENTS: tuple[str, ...] = (
    "identification of the learner",
    "title of the micro-credential",
    "country of the issuer",
    "awarding body",
    "date of issuing",
    "learning outcomes",
    "notional workload",
    "level",
    "type of assessment",
    "form of participation",
    "type of quality assurance",
)
#: Annex I optional elements.
OPTIONAL_ELEMENTS: tuple[str, ...] = (
    "prerequisites",
    "supervision and identity verification",
    "grade",
    "integration and stackability",
    "further information",
)

Participation = Literal["online", "onsite", "blended", "work-based"]
Supervision = Literal[
    "supervised-with-id", "supervised-without-id", "unsupervised-with-id", "unsupervised-without-id"
]
LangText = str | dict[str, str]


#: The validation context of a form read back from a credential (OB 3.0, ELM): the grade is
#: kept as the credential states it (see :class:`Grade`).
_READING: Mapping[str, Any] = {"reading": True}


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


#: A decimal kept exactly in Python and written as a JSON number.
Number = Annotated[Decimal, PlainSerializer(_plain_number, when_used="json")]


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


_UNIDENTIFIED = (
    "identification of the learner (the national identity number and e-mail address go into "
    "no credential by default: give the learner's name, an identifier such as the Ladok UID, "
    "or a DID as learner.id, or opt in to a keyed hash of the number)"
)


#: Members of an OB 3.0 credential / W3C Verifiable Credential that an Annex I form does not
#: have, with what to do instead (checked at the top level of a form).
_CREDENTIAL_MEMBERS: Mapping[str, str] = {
    "credentialStatus": "status entries are added by `batch-issue --status-list`",
    "proof": "a credential is signed when it is issued",
    "@context": "the contexts are written when the credential is made",
    "credentialSubject": "give the learner as `learner` and the grade as `grade`",
    "credentialSchema": "schemas are chosen when the credential is made",
    "id": "the credential's id is given when it is issued",
    "validFrom": "give the date of issuing as `issued`",
    "issuanceDate": "give the date of issuing as `issued`",
    "awardedDate": "give the date of the award as `awarded`",
    "validUntil": "a micro-credential does not expire",
    "expirationDate": "a micro-credential does not expire",
    "evidence": "it is not an Annex I element",
    "termsOfUse": "it is not an Annex I element",
    "refreshService": "it is not an Annex I element",
    "name": "give the title as `title`",
    "description": "give it as `further_information`",
    "achievement": "give the course's elements at the top level of the form",
}


class _Form(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        validate_assignment=True,
        hide_input_in_errors=True,  # a form may hold a personnummer: never echo it
    )

    @model_validator(mode="before")
    @classmethod
    def _known_members(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, Mapping):
            return data
        if _known_set(cls).issuperset(data):  # the common case: nothing to name
            return data
        top = cls.__name__ == "MicroCredential"
        if (info.context or {}).get("members_checked"):  # check_form named them already
            return {k: v for k, v in data.items() if not _member_problem(cls, k, "", top=top)}
        problems = [p for k in data if (p := _member_problem(cls, k, "", top=top))]
        if problems:
            raise PydanticCustomError(
                "annex_i_member", "{problems}", {"problems": "; ".join(problems)}
            )
        return data

    def to_json(self) -> dict[str, Any]:
        """The Annex I form as JSON (absent and empty fields omitted)."""
        data: dict[str, Any] = _prune(self.model_dump(mode="json", exclude_none=True))
        return data


class NationalId(_Form):
    """A national identity number (e.g. a Swedish personnummer). Never printed in clear, and by
    default written into no credential (it is checked: a Swedish one must parse)."""

    country: str
    value: str = Field(repr=False)


class LearnerIdentifier(_Form):
    """Another identifier of the learner (``Ladok UID``, ``ESI``, a student number)."""

    scheme: str
    value: str


class Learner(_Form):
    """Identification of the learner.

    A credential identifies the learner by ``name``, ``identifiers`` (Ladok UID, ESI: high
    entropy, written in clear) and ``id`` (the wallet's DID, ``credentialSubject.id``).
    ``national_id`` and ``email`` are guessable, so they are left out of credentials unless
    the issuer opts in (:class:`~microcred.model.identity.IdentityPolicy`); a learner known
    only by them cannot be issued a credential without that opt-in.
    """

    name: str | None = None
    national_id: NationalId | None = None
    identifiers: list[LearnerIdentifier] = Field(default_factory=list)
    email: str | None = None
    id: str | None = None
    identity_objects: list[dict[str, Any]] = Field(
        default_factory=list,
        description="hashed identities read back from a credential (never the clear values)",
    )

    @property
    def identified(self) -> bool:
        """Whether anything identifies the learner."""
        return bool(
            self.name or self.national_id or self.identifiers or self.id or self.identity_objects
        )


class Issuer(_Form):
    """The issuer (an organisation: university, employer, public body, ...)."""

    id: str | None = None
    name: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 or alpha-3")
    region: str | None = None
    url: str | None = None
    legal_identifier: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else vocab.alpha2_of(value)


class AwardingBody(_Form):
    """An awarding body (several for a co-awarded micro-credential)."""

    name: str
    country: str | None = None
    id: str | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else vocab.alpha2_of(value)


class LearningOutcome(_Form):
    """One learning outcome, optionally tied to an ESCO skill URI."""

    text: str
    esco: str | None = None


class Workload(_Form):
    """Notional workload: ECTS credits and/or hours. ``hp`` (Swedish högskolepoäng) is read
    as ECTS, 1:1."""

    ects: Number | None = None
    hours: Number | None = None

    @model_validator(mode="before")
    @classmethod
    def _hp(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "hp" in data:
            from .presets import se

            data = dict(data)
            hp = data.pop("hp")
            if data.get("ects") is None:
                data["ects"] = se.hp_to_ects(hp)
        return data

    @field_validator("ects", "hours")
    @classmethod
    def _positive(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and (not value.is_finite() or value < 0):
            raise ValueError("workload must be a non-negative number")
        return value


class Level(_Form):
    """Level: EQF (1–8), and the QF-EHEA cycle for higher education. ``se`` (a Swedish level
    name, e.g. ``grundniva``) and ``seqf`` (a Swedish qualifications framework level) are
    converted by the Swedish presets."""

    eqf: int | None = Field(default=None, ge=1, le=8)
    cycle: int | None = Field(default=None, ge=1, le=3)
    seqf: int | None = Field(default=None, ge=1, le=8)

    @model_validator(mode="before")
    @classmethod
    def _se(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "se" in data:
            from .presets import se

            data = dict(data)
            level = se.level_from_se(str(data.pop("se")))
            data.setdefault("eqf", level.eqf)
            data.setdefault("cycle", level.cycle)
        if isinstance(data, Mapping) and data.get("seqf") is not None and data.get("eqf") is None:
            from .presets import se

            data = dict(data)
            data["eqf"] = se.level_from_seqf(int(data["seqf"])).eqf
        return data


class Assessment(_Form):
    """Type of assessment (a name from the EU assessment vocabulary, or free text)."""

    type: str
    description: str | None = None


class QualityAssurance(_Form):
    """Type of quality assurance: ``institutional``, ``programme`` (or a vocabulary URI), the
    body responsible and a link."""

    type: str
    body: str | None = None
    url: str | None = None


class Grade(_Form):
    """The grade achieved, and the scale it is on (``U/G/VG``, ``A-F``, ...).

    When the scale is one microcred knows (:func:`microcred.model.presets.se.scale`:
    ``U/G/VG``, ``U/G``, ``A-F``, ``U/3/4/5``), the value is written in the scale's own
    spelling (``vg`` → ``VG``, ``Fx`` → ``FX``, surrounding spaces dropped), and a value that
    is not a grade of the scale is an error naming the scale's grades. A grade on a scale
    microcred does not know is kept as given. A grade read back from a credential
    (:meth:`MicroCredential.from_ob3`, ELM) is kept as the credential states it.
    """

    scale: str | None = None  # before ``value``: its validator reads the scale
    value: str

    @field_validator("value")
    @classmethod
    def _scale_spelling(cls, value: str, info: ValidationInfo) -> str:
        scale_name = info.data.get("scale")
        if (info.context or {}).get("reading") or not isinstance(scale_name, str):
            return value
        from .presets import se

        try:
            known = se.scale(scale_name)
        except ValueError:
            return value  # a scale microcred does not know: the grade is kept as given
        try:
            return se.check_grade(value, known.id)
        except ValueError:
            grades = ", ".join(known.values)
            raise ValueError(
                f"{value!r} is not on the {known.id} scale; its grades are {grades}"
            ) from None


class Stackability(_Form):
    """Integration/stackability: whether it stacks, and into what."""

    stackable: bool
    part_of: list[str] = Field(default_factory=list)


class MicroCredential(_Form):
    """One micro-credential in the terms of Annex I (the *Annex I form*).

    Construct it from the form's JSON (``MicroCredential.model_validate(form)``) or with
    keywords. Missing mandatory elements do not raise here: see :attr:`missing`.
    """

    type: Literal["MicroCredential"] = "MicroCredential"
    language: str = "en"
    title: LangText | None = None
    code: str | None = None
    learner: Learner | None = None
    issuer: Issuer | None = None
    awarding_bodies: list[AwardingBody] = Field(default_factory=list)
    issued: str | None = None
    awarded: str | None = None
    learning_outcomes: list[LearningOutcome] = Field(default_factory=list)
    workload: Workload | None = None
    level: Level | None = None
    assessment: Assessment | None = None
    participation: Participation | None = None
    quality_assurance: QualityAssurance | None = None
    prerequisites: str | None = None
    supervision: Supervision | None = None
    grade: Grade | None = None
    stackability: Stackability | None = None
    further_information: str | None = None

    @field_validator("issued")
    @classmethod
    def _issued(cls, value: str | None) -> str | None:
        if value is not None and parse_datetime(value) is None:
            raise ValueError(f"issued must be an ISO 8601 date-time, not {value!r}")
        return value

    @field_validator("awarded")
    @classmethod
    def _awarded(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value[:10])
        return value

    # ------------------------------------------------------------------ completeness

    @property
    def missing(self) -> list[str]:
        """The mandatory Annex I elements that are absent (empty when complete)."""
        checks = {
            "identification of the learner": self.learner is not None and self.learner.identified,
            "title of the micro-credential": bool(self.title),
            "country of the issuer": self.issuer is not None and bool(self.issuer.country),
            "awarding body": bool(self.awarding_bodies)
            or (self.issuer is not None and bool(self.issuer.name)),
            "date of issuing": bool(self.issued),
            "learning outcomes": bool(self.learning_outcomes),
            "notional workload": self.workload is not None
            and (self.workload.ects is not None or self.workload.hours is not None),
            "level": self.level is not None and self.level.eqf is not None,
            "type of assessment": self.assessment is not None,
            "form of participation": self.participation is not None,
            "type of quality assurance": self.quality_assurance is not None,
        }
        return [name for name in MANDATORY_ELEMENTS if not checks[name]]

    @property
    def present_optional(self) -> list[str]:
        """The optional Annex I elements that are given."""
        given = {
            "prerequisites": self.prerequisites is not None,
            "supervision and identity verification": self.supervision is not None,
            "grade": self.grade is not None,
            "integration and stackability": self.stackability is not None,
            "further information": self.further_information is not None,
        }
        return [name for name in OPTIONAL_ELEMENTS if given[name]]

    def title_in(self, language: str | None = None) -> str:
        """The title in ``language`` (default: the form's language, else any)."""
        if isinstance(self.title, str):
            return self.title
        if not self.title:
            return ""
        wanted = language or self.language
        return self.title.get(wanted) or next(iter(self.title.values()))

    def with_learner(self, learner: Learner | Mapping[str, Any]) -> MicroCredential:
        """A copy for one learner (the template + one roster row)."""
        person = learner if isinstance(learner, Learner) else Learner.model_validate(learner)
        return self.model_copy(update={"learner": person})

    # ------------------------------------------------------------------ Open Badges 3.0

    def achievement_id(self) -> str:
        """A stable id for the achievement: the same course of the same issuer gets the same
        ``urn:uuid`` for every learner."""
        issuer = self.issuer.id if self.issuer and self.issuer.id else ""
        key = f"{issuer}|{self.code or ''}|{self.title_in()}"
        return f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NS, key)}"

    def require_complete(
        self, identity: IdentityPolicy | None = None, *, issuer_id_needed: bool = False
    ) -> None:
        """Check that a credential can be made of this micro-credential under ``identity``.

        Args:
            identity: the identity policy the credential is made with (default: none of the
                national id and e-mail goes in).
            issuer_id_needed: the issuer's id is missing and needed (named as missing).

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing, or only the left
                out national id or e-mail would identify the learner (each one named).
        """
        policy = identity or IdentityPolicy()
        missing = self.missing
        if (
            self.learner is not None
            and self.learner.identified
            and is_unidentified(self.learner, policy)
        ):
            missing = [*missing, _UNIDENTIFIED]
        if issuer_id_needed:
            missing = [*missing, "issuer id (give issuer.id or issuer_id=)"]
        if missing:
            raise IncompleteMicroCredentialError(missing)

    def to_ob3(
        self,
        *,
        issuer_id: str | None = None,
        credential_id: str | None = None,
        salt: str | None = None,
        today: date | None = None,
        identity: IdentityPolicy | None = None,
    ) -> AchievementCredential:
        """The Open Badges 3.0 ``OpenBadgeCredential`` (unsigned) for this micro-credential.

        Args:
            issuer_id: the issuer's id (a DID or URL) when the form's ``issuer.id`` is not set,
                typically the signing key's controller (``key.did``).
            credential_id: the credential's ``id`` (default: a fresh ``urn:uuid``).
            salt: the salt of the identifiers ``identity`` writes ``"salted"`` (default: a
                fresh random salt); unused otherwise.
            today: reference date for reading two-digit-year personal numbers.
            identity: which of the learner's national id and e-mail go in, and how (default
                ``IdentityPolicy()``: neither; the learner is identified by name, the form's
                identifiers and ``id``). See :mod:`microcred.model.identity`.

        Warns:
            ReversibleIdentityWarning: ``identity`` writes a salted hash of one of them.

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing, or only the left
                out national id or e-mail would identify the learner.
            ValueError: an element's value is not valid (e.g. a personal number's check digit).
        """
        policy = identity or IdentityPolicy()
        chosen_issuer = issuer_id or (self.issuer.id if self.issuer else None)
        self.require_complete(policy, issuer_id_needed=not chosen_issuer)
        assert chosen_issuer is not None
        document = to_ob3(
            self,
            issuer_id=chosen_issuer,
            credential_id=credential_id or f"urn:uuid:{uuid.uuid4()}",
            salt=salt,
            today=today,
            identity=policy,
        )
        return AchievementCredential.from_json(document)

    def to_elm(
        self,
        *,
        issuer_id: str | None = None,
        credential_id: str | None = None,
        include_email: bool = False,
    ) -> dict[str, Any]:
        """The ELM v3 European Digital Credential (JSON-LD, unsigned) for this micro-credential.

        The national identity number is always left out (ELM would carry it in clear), and
        so is the e-mail address unless ``include_email`` (then in clear, as the learner's
        ``contactPoint``).

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing, or only the left
                out national id or e-mail would identify the learner.
        """
        missing = self.missing
        if (
            self.learner is not None
            and self.learner.identified
            and not (include_email and self.learner.email)
            and is_unidentified(self.learner, IdentityPolicy(), elm=True)
        ):
            missing = [*missing, _UNIDENTIFIED]
        if missing:
            raise IncompleteMicroCredentialError(missing)
        return to_elm(
            self,
            issuer_id=issuer_id or (self.issuer.id if self.issuer else None),
            credential_id=credential_id or f"urn:uuid:{uuid.uuid4()}",
            include_email=include_email,
        )

    @classmethod
    def from_ob3(cls, credential: AchievementCredential | Mapping[str, Any]) -> MicroCredential:
        """Read the Annex I elements back from an OB 3.0 credential (signed or not).

        Elements the credential does not carry stay unset (see :attr:`missing`). Hashed
        identities are kept as ``learner.identity_objects``; they cannot be reversed.
        """
        document = (
            credential.to_json() if isinstance(credential, AchievementCredential) else credential
        )
        return cls.model_validate(from_ob3(document), context=_READING)

    # ------------------------------------------------------------------ SD-JWT VC

    def to_sd_jwt_vc(
        self,
        key: KeyPair,
        *,
        holder_jwk: Mapping[str, Any] | None = None,
        disclosable: Iterable[str] | None = None,
        vct: str = SD_JWT_VC_TYPE,
        issued_at: datetime | None = None,
        expires: datetime | None = None,
        status: Mapping[str, Any] | None = None,
        salt: Callable[[], str] | None = None,
        identity: IdentityPolicy | None = None,
        today: date | None = None,
        decoys: int = 0,
        vct_integrity: bool | str = False,
    ) -> str:
        """This micro-credential as an SD-JWT VC (``typ: dc+sd-jwt``), signed with ``key``.

        The claims are :func:`~microcred.model._sdjwt_mapping.to_sd_jwt_vc_claims` (OB 3.0's
        shape; ``docs/eu-sd-jwt-vc.md`` has the table); ``iss`` is the key's controller and
        the JWS ``kid`` its verification method. The learner's identities are always
        selectively disclosable; the rest of ``disclosable`` says what else is.

        Args:
            key: the issuer's signing key (its DID is ``iss`` and ``issuer.id``).
            holder_jwk: the holder's public JWK, written as ``cnf.jwk`` (key binding).
            disclosable: JSON Pointers into the claims to make selectively disclosable
                (``*``: every element of an array); default
                :data:`~microcred.model._sdjwt_mapping.DEFAULT_DISCLOSABLE`. With microcred's
                ``vct`` each must be a claim its Type Metadata lets be disclosable.
            vct: the credential type (default microcred's
                :data:`~microcred.model._sdjwt_mapping.SD_JWT_VC_TYPE`; DC4EU wallets know
                ``urn:eudi:micro_credential:1``).
            issued_at: ``iat`` (default: now).
            expires: ``exp`` (default: none; a micro-credential does not expire).
            status: the ``status`` claim (e.g. a Token Status List reference).
            salt: the disclosures' salt source (for deterministic tests only).
            identity: which of the national id and e-mail go in, and how (default: neither).
            today: reference date for reading two-digit-year personal numbers.
            decoys: decoy digests added to every ``_sd`` array (RFC 9901 §4.2.5), so that the
                number of hidden claims does not tell a verifier whether there is a grade.
            vct_integrity: the ``vct#integrity`` claim: a W3C SRI string, or ``True`` for that
                of microcred's Type Metadata document
                (:func:`~microcred.model._sdjwt_mapping.type_metadata_integrity`; only with
                microcred's ``vct``).

        Returns:
            The SD-JWT (compact, ending with ``~``) with every disclosure.

        Warns:
            ReversibleIdentityWarning: ``identity`` writes a salted hash of one of them.

        Raises:
            IncompleteMicroCredentialError: a mandatory element is missing.
            ValueError: an element's value is not valid, or a pointer of ``disclosable`` is
                not one the type allows or selects no claim.
            MicrocredError: the key cannot sign.
        """
        from ..sdjwt import issue_sd_jwt_vc
        from ._sdjwt_mapping import (
            disclosable_pointers,
            to_sd_jwt_vc_claims,
            type_metadata_integrity,
        )

        integrity: str | None = None
        if vct_integrity is True:
            if vct != SD_JWT_VC_TYPE:
                raise ValueError(
                    "vct_integrity=True is the integrity of microcred's own type metadata: "
                    "give the SRI string of your type's document"
                )
            integrity = type_metadata_integrity()
        elif isinstance(vct_integrity, str):
            integrity = vct_integrity

        claims = to_sd_jwt_vc_claims(
            self, issuer_id=key.did, identity=identity, salt=None, today=today
        )
        pointers = disclosable_pointers(claims, disclosable, vct=vct)
        return issue_sd_jwt_vc(
            claims,
            key,
            vct=vct,
            disclosable=pointers,
            holder_jwk=holder_jwk,
            issued_at=issued_at,
            expires=expires,
            status=status,
            salt=salt,
            decoys=decoys,
            vct_integrity=integrity,
        )

    @classmethod
    def from_sd_jwt_vc(cls, source: str | Mapping[str, Any]) -> MicroCredential:
        """Read the Annex I elements back from an EU micro-credential SD-JWT VC: its text
        (an SD-JWT or a presentation of one; parsed, **not verified**, see
        :func:`microcred.verify`) or the claims a verifier got (``report.document``).

        Only what was disclosed is read: an element whose claims stayed hidden is unset
        (see :attr:`missing`).

        Raises:
            SdJwtError: (a :class:`~microcred.errors.MicrocredError`) the text is not an
                SD-JWT, or its Disclosures break RFC 9901's processing rules (one given twice,
                one that matches no digest, ...); ``error.check`` names the rule.
            ValueError: the claims do not make an Annex I form.
            TypeError: ``source`` is neither a string nor a JSON object.
        """
        from ._sdjwt_mapping import from_sd_jwt_vc_claims

        if isinstance(source, str):
            from ..sdjwt import decode_sd_jwt

            claims: Mapping[str, Any] = decode_sd_jwt(source).processed()
        elif isinstance(source, Mapping):
            claims = source
        else:
            raise TypeError(f"an SD-JWT VC is its text or its claims, not {type(source).__name__}")
        return cls.model_validate(from_sd_jwt_vc_claims(claims), context=_READING)


# ---------------------------------------------------------------------- strict forms

#: Input members that a ``before`` validator reads and converts (they are not fields).
_ALSO_ACCEPTED: Mapping[str, tuple[str, ...]] = {"Workload": ("hp",), "Level": ("se",)}


def _known(cls: type[_Form]) -> list[str]:
    return [*cls.model_fields, *_ALSO_ACCEPTED.get(cls.__name__, ())]


@functools.cache
def _known_set(cls: type[_Form]) -> frozenset[str]:
    return frozenset(_known(cls))


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _nearest(name: str, known: list[str]) -> str | None:
    """The known member ``name`` was most likely meant to be (case, ``_``/``-`` and camelCase
    ignored; the closest by :mod:`difflib`, else the longest known name inside it), or
    ``None`` when none is close."""
    squashed = {_squash(k): k for k in known}
    wanted = _squash(name)
    found = difflib.get_close_matches(wanted, list(squashed), n=1, cutoff=0.6)
    if found:
        return squashed[found[0]]
    # a known name inside the unknown one (``eqf_level`` → ``eqf``, ``fullname`` → ``name``)
    inside = [k for k in squashed if len(k) >= 3 and k in wanted]
    return squashed[max(inside, key=len)] if inside else None


def _member_problem(cls: type[_Form], key: Any, path: str, *, top: bool) -> str | None:
    """``None`` when ``key`` is a member of the form object ``cls``, else the problem."""
    name = str(key)
    known = _known(cls)
    if name in known:
        return None
    shown = name if len(name) <= 60 else name[:59] + "…"
    where = f"{path}.{shown}" if path else shown
    if top and name in _CREDENTIAL_MEMBERS:
        return (
            f"{where}: not part of the Annex I form (it is a member of an OB 3.0 credential); "
            + _CREDENTIAL_MEMBERS[name]
        )
    near = _nearest(name[:200], known)
    if near is not None:
        return f"{where}: unknown member of the Annex I form; did you mean {near!r}?"
    return f"{where}: unknown member of the Annex I form; known here: {', '.join(known)}"


def _form_class(annotation: Any) -> tuple[type[_Form] | None, bool]:
    """The form class a field holds (and whether it holds a list of them)."""
    if isinstance(annotation, type) and issubclass(annotation, _Form):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args:
        inner, _ = _form_class(args[0])
        return inner, inner is not None
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _form_class(arg)
            if found[0] is not None:
                return found
    return None, False


def _member_problems(cls: type[_Form], data: Mapping[str, Any], path: str) -> list[str]:
    """Every member of ``data`` and of the form objects inside it that the form does not
    have, with its path (``awarding_bodies[0].contry``)."""
    problems: list[str] = []
    for key, value in data.items():
        problem = _member_problem(cls, key, path, top=cls is MicroCredential)
        if problem is not None:
            problems.append(problem)
            continue
        field = cls.model_fields.get(str(key))
        inner, many = _form_class(field.annotation) if field is not None else (None, False)
        if inner is None:
            continue
        where = f"{path}.{key}" if path else str(key)
        if many and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    problems += _member_problems(inner, item, f"{where}[{index}]")
        elif not many and isinstance(value, Mapping):
            problems += _member_problems(inner, value, where)
    return problems


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part.startswith(("function-", "str", "dict[", "list[")) or not text:
            text += f".{part}" if text else part
    return text


def check_form(form: Mapping[str, Any], *, without_learner: bool = False) -> None:
    """Check that ``form`` is an Annex I form ready to issue, and name every problem at once.

    The checks:

    * every member of the form and of each object in it (``learner``, ``issuer``,
      ``awarding_bodies[]``, ``learning_outcomes[]``, ``workload``, ``level``, ``grade``, ...)
      is a member of the Annex I form; an unknown one is named with its path and the nearest
      known name (``learner.nme: unknown member of the Annex I form; did you mean 'name'?``);
      a member of an OB 3.0 credential (``credentialStatus``, ``proof``, ``@context``, ...)
      is named as not part of the form, with what to do instead;
    * every value is valid (dates, participation, supervision, EQF level, countries, ...),
      and a grade on a scale microcred knows is a grade of that scale (see :class:`Grade`);
    * every mandatory Annex I element is present.

    With ``without_learner=True`` the form is a template for :func:`microcred.batch.issue_many`:
    it must not have a ``learner`` (each roster row gives one), the identification of the
    learner and the date of issuing are not required (the batch gives them), and its
    ``grade`` may have a ``scale`` and no ``value``.

    The issuer's id is not required: the signing key gives it.

    Raises:
        FormError: one line per problem, in :attr:`FormError.problems`.
    """
    if not isinstance(form, Mapping):
        raise FormError([f"the Annex I form must be a JSON object, not {type(form).__name__}"])
    problems = _member_problems(MicroCredential, form, "")
    data = dict(form)
    if without_learner:
        if "learner" in data:
            problems.append("learner: a template has no learner; each roster row gives one")
            del data["learner"]
        grade = data.get("grade")
        if isinstance(grade, Mapping) and "value" not in grade:
            del data["grade"]  # the roster gives the value; an unknown scale is kept as given
    try:
        micro = MicroCredential.model_validate(data, context={"members_checked": True})
    except ValidationError as exc:
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            where = _location(error["loc"])
            problems.append(f"{where}: {message}" if where else message)
    else:
        not_needed = (
            {"identification of the learner", "date of issuing"} if without_learner else set()
        )
        missing = [name for name in micro.missing if name not in not_needed]
        if missing:
            problems.append("missing mandatory Annex I element(s): " + ", ".join(missing))
    if problems:
        raise FormError(problems)


def read_any(document: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential in any form microcred reads: the Annex I form
    (``"type": "MicroCredential"``), an ELM European Digital Credential, or an OB 3.0
    credential.

    An Annex I form is read strictly: a member the form does not have raises
    :class:`FormError` naming each one with its path (see :func:`check_form`); it may be
    incomplete (see :attr:`MicroCredential.missing`). A credential is read for what it carries.

    Raises:
        FormError: an Annex I form with members the form does not have.
        ValueError: the document is none of these, or a value is not valid
            (``pydantic.ValidationError`` and :class:`FormError` are ValueErrors).
    """
    kinds = document.get("type")
    types = set(kinds if isinstance(kinds, list) else [kinds])
    if "MicroCredential" in types and "VerifiableCredential" not in types:
        problems = _member_problems(MicroCredential, document, "")
        if problems:
            raise FormError(problems)
        return MicroCredential.model_validate(document)
    if "EuropeanDigitalCredential" in types:
        return MicroCredential.model_validate(elm_form(document), context=_READING)
    if types & {"OpenBadgeCredential", "AchievementCredential"}:
        return MicroCredential.from_ob3(document)
    raise ValueError(
        "not an Annex I form, an ELM European Digital Credential or an OB 3.0 credential"
    )


def now_iso() -> str:
    """The current time as an ISO 8601 UTC date-time without fractions (for ``issued``)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
