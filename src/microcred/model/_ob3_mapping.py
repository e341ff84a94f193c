"""The Annex I form ⇄ Open Badges 3.0 mapping (``docs/annex-i.md`` has the table).

Pure functions over JSON: :func:`to_ob3` builds the credential's JSON from a
:class:`~microcred.model.eu.MicroCredential`, :func:`from_ob3` builds the Annex I form's JSON
from a credential.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from . import vocab
from ._form import AnnexIForm
from ._ns import EU_CONTEXT, EXT_NS
from .identity import (
    IdentityPolicy,
    ReversibleIdentityWarning,
    keeps_identity,
    keyed_identity_object,
)
from .ob3 import OB3_CONTEXT, VC_V2
from .presets import se

__all__ = ["EXT_NS", "from_ob3", "to_ob3"]
_PROFILE_NS = uuid.UUID("0b8f8f51-5c2e-4a8e-9d0f-0b1f2a5b7c33")
_RESULT_NS = uuid.UUID("5f0c3a8e-8d39-4d69-a7e4-1a7c0e2d9b41")

# Annex I identifier schemes ⇄ OB 3.0 identityType
_SCHEME_TO_TYPE = {"Ladok UID": "sisSourcedId", "ESI": "ext:ESI"}
_TYPE_TO_SCHEME = {v: k for k, v in _SCHEME_TO_TYPE.items()}
_PARTICIPATION = ("online", "onsite", "blended", "work-based")
_SUPERVISION = (
    "supervised-with-id",
    "supervised-without-id",
    "unsupervised-with-id",
    "unsupervised-without-id",
)
_QA_TYPES = ("institutional", "programme")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _concept_uri(lookup: Any, name: str) -> str:
    """The EU vocabulary URI for ``name``, or microcred's own term IRI when the EU URI is not
    known (``https://microcred.dev/ns/eu#<name>``)."""
    try:
        uri = lookup(name).uri
    except ValueError:
        uri = None
    return uri or f"{EXT_NS}{name}"


def _name_of(uri: Any, names: tuple[str, ...], lookup: Any) -> str | None:
    if not isinstance(uri, str):
        return None
    if uri.startswith(EXT_NS):
        return uri[len(EXT_NS) :]
    for name in names:
        if _concept_uri(lookup, name) == uri:
            return name
    return uri


def _profile_id(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_PROFILE_NS, name)}"


def _address(country: str | None, region: str | None = None) -> dict[str, Any] | None:
    if not country and not region:
        return None
    address: dict[str, Any] = {"type": ["Address"]}
    if country:
        address["addressCountryCode"] = country
    if region:
        address["addressRegion"] = region
    return address


def _identities(
    m: AnnexIForm, salt: str | None, today: date | None, policy: IdentityPolicy
) -> list[dict[str, Any]]:
    """The learner's ``IdentityObject`` list under ``policy``: the name and the form's
    identifiers in clear; the national id and e-mail only as the policy says (by default not
    at all); identities read back from a credential only when the policy keeps them."""
    learner = m.learner
    assert learner is not None
    found: list[dict[str, Any]] = []
    if learner.name:
        found.append(
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": learner.name,
            }
        )
    reversible: list[str] = []
    if learner.national_id is not None:
        national = learner.national_id.value.strip()
        if learner.national_id.country.upper() in ("SE", "SWE"):
            # checked even when left out: a wrong number in the roster is an error
            national = se.parse_personal_number(national, today=today).canonical
        if policy.national_id != "omit":
            found.append(_hashed(national, "nationalIdentityNumber", policy, salt))
            if policy.national_id == "salted":
                reversible.append("personal identity number")
    if learner.email and policy.email != "omit":
        found.append(_hashed(learner.email.strip().lower(), "emailAddress", policy, salt))
        if policy.email == "salted":
            reversible.append("e-mail address")
    for item in learner.identifiers:
        identity_type = _SCHEME_TO_TYPE.get(item.scheme, "ext:" + item.scheme.replace(" ", ""))
        found.append(
            {
                "type": "IdentityObject",
                "identityType": identity_type,
                "hashed": False,
                "identityHash": item.value,
            }
        )
    found.extend(dict(obj) for obj in learner.identity_objects if keeps_identity(obj, policy))
    if reversible:
        warnings.warn(
            ReversibleIdentityWarning(
                f"the credential carries a salted SHA-256 hash of the learner's "
                f"{' and '.join(reversible)}: anyone holding it can recover the value by "
                "trying every candidate (seconds for a personal identity number); use hmac "
                "or leave it out unless verifiers must check a value the learner presents"
            ),
            stacklevel=4,
        )
    return found


def _hashed(
    value: str, identity_type: str, policy: IdentityPolicy, salt: str | None
) -> dict[str, Any]:
    if policy.mode_for(identity_type) == "hmac":
        assert policy.key is not None
        return keyed_identity_object(value, key=policy.key, identity_type=identity_type)
    return se.identity_object(value, identity_type=identity_type, salt=salt)


# What each Annex I element writes into the ``euMicroCredential`` extension (``ext``) and the
# achievement's ``alignment`` list (in this order: the extension's members keep it).
_ExtWriter = Callable[[AnnexIForm, dict[str, Any], list[dict[str, Any]]], None]


def _ext_workload(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Notional workload: ``creditFramework`` (ECTS), ``workloadHours``."""
    assert m.workload is not None
    if m.workload.ects is not None:
        ext["creditFramework"] = vocab.ects().uri
    if m.workload.hours is not None:
        ext["workloadHours"] = _number(m.workload.hours)


def _ext_level(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Level: ``eqfLevel`` and an EQF alignment; ``qfEheaCycle``, ``seqfLevel``."""
    assert m.level is not None
    assert m.level.eqf is not None
    eqf = vocab.eqf(m.level.eqf)
    ext["eqfLevel"] = eqf.uri
    alignment.append(
        {
            "type": ["Alignment"],
            "targetType": "ext:EQFLevel",
            "targetFramework": "European Qualifications Framework",
            "targetName": f"EQF level {m.level.eqf}",
            "targetCode": str(m.level.eqf),
            "targetUrl": eqf.uri,
        }
    )
    if m.level.cycle is not None:
        ext["qfEheaCycle"] = m.level.cycle
    if m.level.seqf is not None:
        ext["seqfLevel"] = m.level.seqf


def _ext_assessment(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Type of assessment: ``assessmentName``, ``assessmentType`` (the EU URI, when known),
    ``assessmentDescription``."""
    assert m.assessment is not None
    ext["assessmentName"] = m.assessment.type
    try:
        assessment_uri = vocab.assessment(m.assessment.type).uri
    except ValueError:
        assessment_uri = None
    if assessment_uri:
        ext["assessmentType"] = assessment_uri
    if m.assessment.description:
        ext["assessmentDescription"] = m.assessment.description


def _ext_participation(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Form of participation: ``formOfParticipation``."""
    assert m.participation is not None
    ext["formOfParticipation"] = _concept_uri(vocab.mode, m.participation)


def _ext_quality_assurance(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Type of quality assurance: ``qualityAssurance`` (a QualityAssurance object)."""
    assurance = m.quality_assurance
    assert assurance is not None
    qa: dict[str, Any] = {"type": "QualityAssurance"}
    qa["assuranceType"] = (
        _concept_uri(vocab.accreditation, assurance.type)
        if ":" not in assurance.type
        else assurance.type
    )
    if assurance.body:
        qa["name"] = assurance.body
    if assurance.url:
        qa["url"] = assurance.url
    ext["qualityAssurance"] = qa


def _ext_supervision(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Supervision and identity verification: ``supervision``."""
    if m.supervision is not None:
        ext["supervision"] = _concept_uri(vocab.supervision, m.supervision)


def _ext_awarding_bodies(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Awarding body (co-awarding): ``awardingBody`` Profiles; the issuer awards when none is
    listed."""
    if not m.awarding_bodies:
        return
    bodies = []
    for body in m.awarding_bodies:
        profile: dict[str, Any] = {
            "id": body.id or _profile_id(body.name),
            "type": ["Profile"],
            "name": body.name,
        }
        address = _address(body.country)
        if address:
            profile["address"] = address
        bodies.append(profile)
    ext["awardingBody"] = bodies


def _ext_outcomes(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Learning outcomes: ``learningOutcome`` (with ``skill``) and an ESCO alignment each."""
    outcomes = []
    for outcome in m.learning_outcomes:
        item: dict[str, Any] = {"type": "LearningOutcome", "text": outcome.text}
        if outcome.esco:
            item["skill"] = outcome.esco
            alignment.append(
                {
                    "type": ["Alignment"],
                    "targetType": "ext:ESCOSkill",
                    "targetFramework": "ESCO",
                    "targetName": outcome.text,
                    "targetUrl": outcome.esco,
                }
            )
        outcomes.append(item)
    ext["learningOutcome"] = outcomes


def _ext_prerequisites(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Prerequisites: ``prerequisites``."""
    if m.prerequisites is not None:
        ext["prerequisites"] = m.prerequisites


def _ext_stackability(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Integration and stackability: ``stackable``, ``partOf``."""
    if m.stackability is not None:
        ext["stackable"] = m.stackability.stackable
        if m.stackability.part_of:
            ext["partOf"] = list(m.stackability.part_of)


def _ext_further_information(m: AnnexIForm, ext: dict[str, Any], alignment: list[Any]) -> None:
    """Further information: ``furtherInformation``."""
    if m.further_information is not None:
        ext["furtherInformation"] = m.further_information


#: One writer per Annex I element the ``euMicroCredential`` extension carries, in order (the
#: title goes first, the grade's scale last: :func:`_grade_result`).
EXTENSION_WRITERS: tuple[tuple[str, _ExtWriter], ...] = (
    ("notional workload", _ext_workload),
    ("level", _ext_level),
    ("type of assessment", _ext_assessment),
    ("form of participation", _ext_participation),
    ("type of quality assurance", _ext_quality_assurance),
    ("supervision and identity verification", _ext_supervision),
    ("awarding body", _ext_awarding_bodies),
    ("learning outcomes", _ext_outcomes),
    ("prerequisites", _ext_prerequisites),
    ("integration and stackability", _ext_stackability),
    ("further information", _ext_further_information),
)


def _grade_result(
    m: AnnexIForm,
    ext: dict[str, Any],
    achievement: dict[str, Any],
    subject: dict[str, Any],
) -> None:
    """Grade: the achievement's ``resultDescription`` (with the scale's values when microcred
    knows the scale), the subject's ``result``, the extension's ``gradingScale``."""
    if m.grade is None:
        return
    description_id = f"urn:uuid:{uuid.uuid5(_RESULT_NS, m.achievement_id())}"
    result_description: dict[str, Any] = {
        "id": description_id,
        "type": ["ResultDescription"],
        "name": "Grade" + (f" ({m.grade.scale})" if m.grade.scale else ""),
        "resultType": "LetterGrade",
    }
    if m.grade.scale:
        ext["gradingScale"] = m.grade.scale
        try:
            scale = se.scale(m.grade.scale)
        except ValueError:
            scale = None
        if scale is not None:
            result_description["allowedValue"] = list(scale.values)
    achievement["resultDescription"] = [result_description]
    subject["result"] = [
        {"type": ["Result"], "resultDescription": description_id, "value": m.grade.value}
    ]


def _issuer_profile(m: AnnexIForm, issuer_id: str) -> dict[str, Any]:
    """The issuer and the country of the issuer: the credential's ``issuer`` Profile."""
    assert m.issuer is not None
    issuer: dict[str, Any] = {"id": issuer_id, "type": ["Profile"]}
    if m.issuer.name:
        issuer["name"] = m.issuer.name
    if m.issuer.url:
        issuer["url"] = m.issuer.url
    address = _address(m.issuer.country, m.issuer.region)
    if address:
        issuer["address"] = address
    if m.issuer.legal_identifier:
        issuer["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": m.issuer.legal_identifier,
                "identifierType": "ext:LegalIdentifier",
            }
        ]
    return issuer


def _achievement(
    m: AnnexIForm, title: str, ext: dict[str, Any], alignment: list[Any]
) -> dict[str, Any]:
    """The OB 3.0 ``Achievement``: title, code, learning outcomes as criteria, credits."""
    assert m.workload is not None
    achievement: dict[str, Any] = {
        "id": m.achievement_id(),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": title,
        "description": m.further_information or _summary(m, title),
        "criteria": {"narrative": "\n".join(f"- {o.text}" for o in m.learning_outcomes)},
        "inLanguage": m.language,
        "alignment": alignment,
        "euMicroCredential": ext,
    }
    if m.code:
        achievement["humanCode"] = m.code
    if m.workload.ects is not None:
        achievement["creditsAvailable"] = _number(m.workload.ects)
    return achievement


def to_ob3(
    m: AnnexIForm,
    *,
    issuer_id: str,
    credential_id: str,
    salt: str | None,
    today: date | None,
    identity: IdentityPolicy | None = None,
) -> dict[str, Any]:
    """The OB 3.0 credential (JSON, unsigned) for a complete micro-credential.

    ``identity`` says which low-entropy identifiers go in, and how (default: none; see
    :mod:`microcred.model.identity`); ``salt`` is used only for the ``"salted"`` ones.

    Args:
        m: a complete micro-credential (``MicroCredential.to_ob3`` checks that first).
        issuer_id: the issuer's id; credential_id: the credential's ``id``.
        salt: the salt of the ``"salted"`` identities; today: the reference date of
            two-digit-year personal numbers.
        identity: the identity policy (default ``IdentityPolicy()``).

    Returns:
        The credential as JSON (a new dict).

    Warns:
        ReversibleIdentityWarning: ``identity`` writes a salted hash.

    Raises:
        ValueError: a personal number that is not valid.
    """
    assert m.issuer is not None
    assert m.workload is not None
    assert m.level is not None
    assert m.assessment is not None
    assert m.quality_assurance is not None
    title = m.title_in()
    ext: dict[str, Any] = {"type": "EuMicroCredential"}
    if isinstance(m.title, dict):
        ext["title"] = dict(m.title)
    alignment: list[dict[str, Any]] = []
    for _, write in EXTENSION_WRITERS:
        write(m, ext, alignment)
    achievement = _achievement(m, title, ext, alignment)
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    assert m.learner is not None
    if m.learner.id:
        subject["id"] = m.learner.id
    identities = _identities(m, salt, today, identity or IdentityPolicy())
    if identities:
        subject["identifier"] = identities
    subject["achievement"] = achievement
    if m.workload.ects is not None:
        subject["creditsEarned"] = _number(m.workload.ects)
    _grade_result(m, ext, achievement, subject)
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB3_CONTEXT, EU_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": _issuer_profile(m, issuer_id),
        "validFrom": m.issued,
        "name": title,
        "credentialSubject": subject,
    }
    if m.awarded:
        credential["awardedDate"] = m.awarded if "T" in m.awarded else f"{m.awarded}T00:00:00Z"
    return credential


def _summary(m: AnnexIForm, title: str) -> str:
    parts = [f"{title}: a micro-credential"]
    if m.workload is not None and m.workload.ects is not None:
        parts.append(f"of {_number(m.workload.ects)} ECTS credits")
    if m.level is not None and m.level.eqf is not None:
        parts.append(f"at EQF level {m.level.eqf}")
    return " ".join(parts) + "."


# ---------------------------------------------------------------------------- reading back


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _node(value: Any) -> Mapping[str, Any]:
    """The (first) object of a property, or ``{}`` when it holds none (a value of the wrong
    JSON type carries no element, rather than failing the reader)."""
    first = _first(value)
    return first if isinstance(first, Mapping) else {}


def _items(value: Any) -> list[Any]:
    """The values of a property that may hold one value or an array of them."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


class _Badge:
    """The parts of an OB 3.0 credential the element readers share: the credential, its
    subject, the subject's achievement and that achievement's ``euMicroCredential``
    extension (``{}`` when it has none)."""

    def __init__(self, credential: Mapping[str, Any]) -> None:
        self.credential = credential
        self.subject = _node(credential.get("credentialSubject"))
        self.achievement = _node(self.subject.get("achievement"))
        self.ext = _node(self.achievement.get("euMicroCredential"))


def _read_title(b: _Badge, form: dict[str, Any]) -> None:
    """Language, title (``euMicroCredential.title``, else the achievement's or credential's
    ``name``) and code (``humanCode``)."""
    achievement = b.achievement
    if achievement.get("inLanguage"):
        form["language"] = achievement["inLanguage"]
    form["title"] = b.ext.get("title") or achievement.get("name") or b.credential.get("name")
    if achievement.get("humanCode"):
        form["code"] = achievement["humanCode"]


def _read_learner(b: _Badge, form: dict[str, Any]) -> None:
    """Identification of the learner: the subject's ``id`` and ``identifier`` list."""
    form["learner"] = _learner(b.subject)


def _read_issuer(b: _Badge, form: dict[str, Any]) -> None:
    """The issuer and the country of the issuer: the credential's ``issuer``."""
    form["issuer"] = _issuer(b.credential.get("issuer"))


def _read_awarding_bodies(b: _Badge, form: dict[str, Any]) -> None:
    """Awarding body: ``euMicroCredential.awardingBody``."""
    bodies = b.ext.get("awardingBody")
    if isinstance(bodies, list) and bodies:
        form["awarding_bodies"] = [_body(p) for p in bodies if isinstance(p, Mapping)]


def _read_dates(b: _Badge, form: dict[str, Any]) -> None:
    """Date of issuing (``validFrom``, VC 1.1 ``issuanceDate``) and of the award."""
    issued = b.credential.get("validFrom") or b.credential.get("issuanceDate")
    if issued:
        form["issued"] = issued
    awarded = b.credential.get("awardedDate")
    if isinstance(awarded, str):
        form["awarded"] = awarded[:10] if awarded.endswith("T00:00:00Z") else awarded


def _read_outcomes(b: _Badge, form: dict[str, Any]) -> None:
    """Learning outcomes (see :func:`_outcomes`)."""
    form["learning_outcomes"] = _outcomes(b.ext, b.achievement)


def _read_workload(b: _Badge, form: dict[str, Any]) -> None:
    """Notional workload: ``creditsAvailable`` (ECTS), ``euMicroCredential.workloadHours``."""
    workload: dict[str, Any] = {}
    if b.achievement.get("creditsAvailable") is not None:
        workload["ects"] = b.achievement["creditsAvailable"]
    if b.ext.get("workloadHours") is not None:
        workload["hours"] = b.ext["workloadHours"]
    if workload:
        form["workload"] = workload


def _read_level(b: _Badge, form: dict[str, Any]) -> None:
    """Level (see :func:`_level`)."""
    level = _level(b.ext, b.achievement)
    if level:
        form["level"] = level


def _read_assessment(b: _Badge, form: dict[str, Any]) -> None:
    """Type of assessment: ``assessmentName`` (else the label of ``assessmentType``),
    ``assessmentDescription``."""
    ext = b.ext
    if not (ext.get("assessmentName") or ext.get("assessmentType")):
        return
    assessment = {"type": ext.get("assessmentName") or _label(ext.get("assessmentType"))}
    if ext.get("assessmentDescription"):
        assessment["description"] = ext["assessmentDescription"]
    form["assessment"] = assessment


def _read_participation(b: _Badge, form: dict[str, Any]) -> None:
    """Form of participation: ``formOfParticipation``."""
    participation = _name_of(b.ext.get("formOfParticipation"), _PARTICIPATION, vocab.mode)
    if participation:
        form["participation"] = participation


def _read_quality_assurance(b: _Badge, form: dict[str, Any]) -> None:
    """Type of quality assurance: ``qualityAssurance``."""
    qa = b.ext.get("qualityAssurance")
    if isinstance(qa, Mapping):
        kind = _name_of(qa.get("assuranceType"), _QA_TYPES, vocab.accreditation)
        form["quality_assurance"] = {
            k: v for k, v in (("type", kind), ("body", qa.get("name")), ("url", qa.get("url"))) if v
        }


def _read_prerequisites(b: _Badge, form: dict[str, Any]) -> None:
    """Prerequisites: ``prerequisites``."""
    if b.ext.get("prerequisites") is not None:
        form["prerequisites"] = b.ext["prerequisites"]


def _read_supervision(b: _Badge, form: dict[str, Any]) -> None:
    """Supervision and identity verification: ``supervision``."""
    supervision = _name_of(b.ext.get("supervision"), _SUPERVISION, vocab.supervision)
    if supervision:
        form["supervision"] = supervision


def _read_grade(b: _Badge, form: dict[str, Any]) -> None:
    """Grade (see :func:`_grade`)."""
    grade = _grade(b.subject, b.achievement, b.ext)
    if grade:
        form["grade"] = grade


def _read_stackability(b: _Badge, form: dict[str, Any]) -> None:
    """Integration and stackability: ``stackable``, ``partOf``."""
    ext = b.ext
    if "stackable" in ext:
        form["stackability"] = {"stackable": bool(ext["stackable"])}
        part_of = ext.get("partOf")
        if part_of:
            form["stackability"]["part_of"] = part_of if isinstance(part_of, list) else [part_of]


def _read_further_information(b: _Badge, form: dict[str, Any]) -> None:
    """Further information: ``furtherInformation``."""
    if b.ext.get("furtherInformation") is not None:
        form["further_information"] = b.ext["furtherInformation"]


_Reader = Callable[[_Badge, dict[str, Any]], None]
#: One reader per Annex I element, in the order the form's members are written.
ELEMENT_READERS: tuple[tuple[str, _Reader], ...] = (
    ("title of the micro-credential", _read_title),
    ("identification of the learner", _read_learner),
    ("country of the issuer", _read_issuer),
    ("awarding body", _read_awarding_bodies),
    ("date of issuing", _read_dates),
    ("learning outcomes", _read_outcomes),
    ("notional workload", _read_workload),
    ("level", _read_level),
    ("type of assessment", _read_assessment),
    ("form of participation", _read_participation),
    ("type of quality assurance", _read_quality_assurance),
    ("prerequisites", _read_prerequisites),
    ("supervision and identity verification", _read_supervision),
    ("grade", _read_grade),
    ("integration and stackability", _read_stackability),
    ("further information", _read_further_information),
)


def from_ob3(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The Annex I form (JSON) carried by an OB 3.0 credential; absent elements are left out.

    Args:
        credential: an OB 3.0 credential (JSON; signed or not).

    Returns:
        The form as a dict (``MicroCredential.from_ob3`` validates it).
    """
    if not isinstance(credential, Mapping):
        raise ValueError("an OB 3.0 credential is a JSON object")
    form: dict[str, Any] = {"type": "MicroCredential"}
    badge = _Badge(credential)
    for _, read in ELEMENT_READERS:
        read(badge, form)
    return {k: v for k, v in form.items() if v not in (None, [], {})}


def _label(uri: Any) -> str | None:
    if not isinstance(uri, str):
        return None
    try:
        return vocab.from_uri(uri).label_en
    except ValueError:
        return uri


def _learner(subject: Mapping[str, Any]) -> dict[str, Any]:
    learner: dict[str, Any] = {}
    if isinstance(subject.get("id"), str):
        learner["id"] = subject["id"]
    identifiers: list[dict[str, str]] = []
    hashed: list[dict[str, Any]] = []
    for item in _items(subject.get("identifier")):
        if not isinstance(item, Mapping):
            continue
        kind = item.get("identityType")
        value = item.get("identityHash")
        if item.get("hashed") or not isinstance(value, str):
            hashed.append(dict(item))
        elif kind == "name":
            learner["name"] = value
        elif kind == "emailAddress":
            learner["email"] = value
        elif isinstance(kind, str) and (kind in _TYPE_TO_SCHEME or kind.startswith("ext:")):
            identifiers.append({"scheme": _TYPE_TO_SCHEME.get(kind, kind[4:]), "value": value})
        else:
            hashed.append(dict(item))
    if identifiers:
        learner["identifiers"] = identifiers
    if hashed:
        learner["identity_objects"] = hashed
    return learner


def _issuer(issuer: Any) -> dict[str, Any]:
    if isinstance(issuer, str):
        return {"id": issuer}
    if not isinstance(issuer, Mapping):
        return {}
    found: dict[str, Any] = {"id": issuer.get("id"), "name": issuer.get("name")}
    if issuer.get("url"):
        found["url"] = issuer["url"]
    address = _node(issuer.get("address"))
    if isinstance(address, Mapping):
        found["country"] = address.get("addressCountryCode")
        found["region"] = address.get("addressRegion")
    for entry in _items(issuer.get("otherIdentifier")):
        if isinstance(entry, Mapping) and entry.get("identifierType") == "ext:LegalIdentifier":
            found["legal_identifier"] = entry.get("identifier")
    return {k: v for k, v in found.items() if v is not None}


def _body(profile: Mapping[str, Any]) -> dict[str, Any]:
    name = str(profile.get("name", ""))
    body: dict[str, Any] = {"name": name}
    if profile.get("id") and profile.get("id") != _profile_id(name):
        body["id"] = profile["id"]
    address = profile.get("address")
    if isinstance(address, Mapping) and address.get("addressCountryCode"):
        body["country"] = address["addressCountryCode"]
    return body


def _outcomes(ext: Mapping[str, Any], achievement: Mapping[str, Any]) -> list[dict[str, Any]]:
    listed = ext.get("learningOutcome")
    if isinstance(listed, list) and listed:
        outcomes = []
        for item in listed:
            if isinstance(item, Mapping) and isinstance(item.get("text"), str):
                outcome = {"text": item["text"]}
                if item.get("skill"):
                    outcome["esco"] = item["skill"]
                outcomes.append(outcome)
        return outcomes
    # a plain OB 3.0 badge: ESCO alignments, else the criteria narrative
    aligned = [
        {"text": a.get("targetName"), "esco": a.get("targetUrl")}
        for a in _items(achievement.get("alignment"))
        if isinstance(a, Mapping) and "data.europa.eu/esco" in str(a.get("targetUrl"))
    ]
    if aligned:
        return aligned
    narrative = _node(achievement.get("criteria")).get("narrative")
    if isinstance(narrative, str) and narrative.strip():
        lines = [line.strip().lstrip("-*• ").strip() for line in narrative.splitlines()]
        return [{"text": line} for line in lines if line]
    return []


def _level(ext: Mapping[str, Any], achievement: Mapping[str, Any]) -> dict[str, Any]:
    level: dict[str, Any] = {}
    uri = ext.get("eqfLevel")
    if not isinstance(uri, str):
        for a in _items(achievement.get("alignment")):
            if isinstance(a, Mapping) and "data.europa.eu/snb/eqf/" in str(a.get("targetUrl")):
                uri = a["targetUrl"]
    if isinstance(uri, str) and uri.rstrip("/").rsplit("/", 1)[-1].isdigit():
        level["eqf"] = int(uri.rstrip("/").rsplit("/", 1)[-1])
    if ext.get("qfEheaCycle") is not None:
        level["cycle"] = ext["qfEheaCycle"]
    if ext.get("seqfLevel") is not None:
        level["seqf"] = ext["seqfLevel"]
    return level


def _grade(
    subject: Mapping[str, Any], achievement: Mapping[str, Any], ext: Mapping[str, Any]
) -> dict[str, Any] | None:
    results = _items(subject.get("result"))
    for result in results:
        if isinstance(result, Mapping) and isinstance(result.get("value"), str):
            grade: dict[str, Any] = {"value": result["value"]}
            if ext.get("gradingScale"):
                grade["scale"] = ext["gradingScale"]
            return grade
    return None
