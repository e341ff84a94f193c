"""The Annex I form's data model: one pydantic model per element, and :class:`AnnexIForm`, the
form itself (the fields, completeness, the title, the achievement's id).

:class:`microcred.model.eu.MicroCredential` is this form with its codecs (OB 3.0, ELM, SD-JWT
VC); the codecs read the form through this module only, so that they sit below ``eu`` (a
leaf of the model besides vocabularies and presets: it imports no codec).
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .._vc import parse_datetime
from ..errors import IncompleteMicroCredentialError
from . import vocab
from .identity import IdentityPolicy, is_unidentified
from .presets import se

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
        top = bool(getattr(cls, "_top_level", False))
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
            data = dict(data)
            level = se.level_from_se(str(data.pop("se")))
            data.setdefault("eqf", level.eqf)
            data.setdefault("cycle", level.cycle)
        if isinstance(data, Mapping) and data.get("seqf") is not None and data.get("eqf") is None:
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


class AnnexIForm(_Form):
    """The Annex I form's elements, its completeness and its title (what the codecs read);
    :class:`~microcred.model.eu.MicroCredential` adds the codecs."""

    # validation errors and JSON schemas name the form as users know it
    model_config = ConfigDict(title="MicroCredential")
    #: The form's top level: a credential's own members are named as such (see ``_Form``).
    _top_level: ClassVar[bool] = True

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

    def with_learner(self: _F, learner: Learner | Mapping[str, Any]) -> _F:
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


_F = TypeVar("_F", bound=AnnexIForm)


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
