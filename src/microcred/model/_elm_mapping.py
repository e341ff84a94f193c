"""The Annex I form ⇄ ELM v3 European Digital Credential (EDC application profile).

:func:`to_elm` writes the VC 2.0 form the EBSI EDC JSON Schema (ELM 3.2) describes: language
maps of arrays, arrays for repeatable properties, vocabulary values as ``Concept`` objects with
the EU URIs (country authority alpha-3 codes, EQF, ECTS, assessment types, learning modes,
accreditation types, supervision and identity verification). :func:`from_elm` reads that form
and the ELM 3.1 form of the Commission's samples (single values, plain strings).

Where the elements sit (``LA`` = ``credentialSubject.hasClaim`` LearningAchievement, ``LAS`` =
its ``specifiedBy`` Qualification, ``LAss`` = its ``provenBy`` LearningAssessment):

=====================================  ================================================
learner                                ``credentialSubject`` (Person): ``fullName``,
                                       ``identifier[]``, ``contactPoint`` (e-mail, only
                                       when asked); the national identity number is left
                                       out
title, code                            ``LA.title``, ``LAS.title``, ``LAS.identifier``
issuer, country                        ``issuer`` (Organisation), ``location.address.countryCode``
awarding bodies, date of award         ``LA.awardedBy.awardingBody[]``, ``awardingDate``
date of issuing                        ``issued``, ``validFrom``
learning outcomes                      ``LAS.learningOutcome[]`` (+ ``relatedESCOSkill``)
workload                               ``LAS.creditPoint[]`` (ECTS), ``LAS.volumeOfLearning``
level                                  ``LAS.eqfLevel``; cycle and SeQF as notes
type of assessment                     ``LAS.provenBy[]`` (LearningAssessmentSpecification)
form of participation                  ``LAS.mode``
quality assurance                      ``LAS.accreditation[]``
prerequisites                          ``LAS.entryRequirement``
supervision, grade                     ``LAss.idVerification``, ``LAss.grade``
stackability, further information      notes on ``LA``; ``LA.description``
=====================================  ================================================

Notes microcred writes for elements ELM has no property for carry a ``subject`` concept with
an IRI under ``https://microcred.dev/ns/eu#`` so that :func:`from_elm` can read them back.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .._data import TINY_PNG
from . import vocab
from ._form import AnnexIForm
from ._ns import EXT_NS

__all__ = ["EDC_CONTEXT", "elm_form", "to_elm"]

EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
_LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
_ESCO_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
# ISO 639-1 → the EU language authority's codes (ISO 639-2/B-like)
_LANGUAGES = {
    "bg": "BUL", "cs": "CES", "da": "DAN", "de": "DEU", "el": "ELL", "en": "ENG", "es": "SPA",
    "et": "EST", "fi": "FIN", "fr": "FRA", "ga": "GLE", "hr": "HRV", "hu": "HUN", "is": "ISL",
    "it": "ITA", "lt": "LIT", "lv": "LAV", "mt": "MLT", "nb": "NOB", "nl": "NLD", "nn": "NNO",
    "no": "NOR", "pl": "POL", "pt": "POR", "ro": "RON", "sk": "SLK", "sl": "SLV", "sv": "SWE",
}  # fmt: skip
_MODE_NAMES = {
    "Online": "online",
    "Presential": "onsite",
    "Blended": "blended",
    "Workbased": "work-based",
}
_QA_NAMES = {
    "Institutional Quality Assurance": "institutional",
    "Program Quality Assurance": "programme",
    "Institutional License": "institutional licence",
    "Program License": "programme licence",
}
_SUPERVISION_NAMES = {
    "Supervised with ID Verification": "supervised-with-id",
    "Supervised without ID Verification": "supervised-without-id",
    "Unsupervised with ID Verification": "unsupervised-with-id",
    "Unsupervised without ID Verification": "unsupervised-without-id",
}


# ------------------------------------------------------------------------------ writing


class _Ids:
    """``urn:epass:<kind>:<n>`` identifiers, numbered per kind."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"urn:epass:{kind}:{self.counts[kind]}"


def _lang(texts: str | Mapping[str, str], language: str) -> dict[str, list[str]]:
    if isinstance(texts, str):
        return {language: [texts]}
    return {lang: [text] for lang, text in texts.items()}


def _concept(concept: vocab.Concept) -> dict[str, Any]:
    if concept.uri is None:
        # no EU URI known: microcred's own IRI, outside any EU scheme
        name = _SUPERVISION_NAMES.get(concept.label_en, concept.label_en)
        return {"id": f"{EXT_NS}{name}", "type": "Concept", "prefLabel": {"en": [concept.label_en]}}
    return {
        "id": concept.uri,
        "type": "Concept",
        "inScheme": {"id": concept.scheme, "type": "ConceptScheme"},
        "prefLabel": {"en": [concept.label_en]},
    }


def _language_concept(code: str) -> dict[str, Any]:
    three = _LANGUAGES.get(code.lower(), code.upper())
    return {
        "id": f"{_LANGUAGE_SCHEME}/{three}",
        "type": "Concept",
        "inScheme": {"id": _LANGUAGE_SCHEME, "type": "ConceptScheme"},
        "notation": "language",
        "prefLabel": {"en": [code.lower()]},
    }


def _note(ids: _Ids, text: str, language: str, subject: str | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"id": ids("note"), "type": "Note", "noteLiteral": {language: [text]}}
    if subject:
        note["subject"] = {"id": f"{EXT_NS}{subject}", "type": "Concept"}
    return note


def _organisation(
    ids: _Ids,
    *,
    org_id: str | None,
    name: str,
    country: str,
    language: str,
    url: str | None = None,
    legal_identifier: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    country_concept = _concept(vocab.country(country))
    org: dict[str, Any] = {
        "id": org_id or ids("org"),
        "type": "Organisation",
        "legalName": {language: [name]},
        "location": [
            {
                "id": ids("location"),
                "type": "Location",
                "address": [
                    {"id": ids("address"), "type": "Address", "countryCode": country_concept}
                ],
            }
        ],
    }
    if region:
        org["location"][0]["description"] = {language: [region]}
    if legal_identifier:
        org["registration"] = {
            "id": ids("legalIdentifier"),
            "type": "LegalIdentifier",
            "notation": legal_identifier,
            "spatial": country_concept,
        }
    if url:
        org["homepage"] = [{"id": ids("webResource"), "type": "WebResource", "contentURL": url}]
    return org


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _display(ids: _Ids, title: str, language: str) -> dict[str, Any]:
    lang = _language_concept(language)
    return {
        "id": ids("displayParameter"),
        "type": "DisplayParameter",
        "title": {language: [title]},
        "language": [lang],
        "primaryLanguage": lang,
        "individualDisplay": [
            {
                "id": ids("individualDisplay"),
                "type": "IndividualDisplay",
                "language": lang,
                "displayDetail": [
                    {
                        "id": ids("displayDetail"),
                        "type": "DisplayDetail",
                        "image": {
                            "id": ids("mediaObject"),
                            "type": "MediaObject",
                            "content": base64.b64encode(TINY_PNG).decode("ascii"),
                            "contentEncoding": {
                                "id": "http://data.europa.eu/snb/encoding/6146cde7dd",
                                "type": "Concept",
                                "inScheme": {
                                    "id": "http://data.europa.eu/snb/encoding/25831c2",
                                    "type": "ConceptScheme",
                                },
                                "prefLabel": {"en": ["base64"]},
                            },
                            "contentType": {
                                "id": "http://publications.europa.eu/resource/authority/file-type/PNG",
                                "type": "Concept",
                                "inScheme": {
                                    "id": "http://publications.europa.eu/resource/authority/file-type",
                                    "type": "ConceptScheme",
                                },
                                "prefLabel": {"en": ["PNG"]},
                            },
                        },
                        "page": 1,
                    }
                ],
            }
        ],
    }


class _Writing:
    """What the element writers share: the micro-credential, the id counter, its language
    and title, the issuer (Organisation) and the AwardingProcess, and the notes on ``LA``
    collected on the way (written in the order they are made)."""

    def __init__(self, m: AnnexIForm, issuer_id: str | None) -> None:
        assert m.issuer is not None
        assert m.issuer.country
        self.m = m
        self.ids = _Ids()
        self.language = m.language
        self.title = m.title_in()
        self.country = m.issuer.country
        self.issuer = _organisation(
            self.ids,
            org_id=issuer_id,
            name=m.issuer.name or self.title,
            country=m.issuer.country,
            language=self.language,
            url=m.issuer.url,
            legal_identifier=m.issuer.legal_identifier,
            region=m.issuer.region,
        )
        self.awarding = self._awarding()
        self.notes: list[dict[str, Any]] = []
        self.assessment_spec: dict[str, Any] = {}

    def _awarding(self) -> dict[str, Any]:
        m = self.m
        bodies = [
            _organisation(
                self.ids,
                org_id=b.id,
                name=b.name,
                country=b.country or self.country,
                language=self.language,
            )
            for b in m.awarding_bodies
        ] or [self.issuer]
        awarding: dict[str, Any] = {
            "id": self.ids("awardingProcess"),
            "type": "AwardingProcess",
            "awardingBody": bodies,
        }
        if m.awarded:
            awarding["awardingDate"] = m.awarded if "T" in m.awarded else f"{m.awarded}T00:00:00Z"
        return awarding

    def note(self, text: str, language: str, subject: str | None = None) -> dict[str, Any]:
        """A Note (numbered now)."""
        return _note(self.ids, text, language, subject)


def _write_code(w: _Writing, spec: dict[str, Any]) -> None:
    """The code of the micro-credential: ``LAS.identifier``."""
    if w.m.code:
        spec["identifier"] = {
            "id": w.ids("identifier"),
            "type": "Identifier",
            "notation": w.m.code,
            "schemeName": "course code",
        }


def _write_workload(w: _Writing, spec: dict[str, Any]) -> None:
    """Notional workload: ``LAS.creditPoint[]`` (ECTS), ``LAS.volumeOfLearning`` (hours)."""
    workload = w.m.workload
    assert workload
    if workload.ects is not None:
        spec["creditPoint"] = [
            {
                "id": w.ids("creditPoint"),
                "type": "CreditPoint",
                "framework": _concept(vocab.ects()),
                "point": _number_text(workload.ects),
            }
        ]
    if workload.hours is not None:
        spec["volumeOfLearning"] = f"PT{_number_text(workload.hours)}H"


def _write_level(w: _Writing, spec: dict[str, Any]) -> None:
    """Level: ``LAS.eqfLevel``; the QF-EHEA cycle and SeQF level as notes on ``LA``."""
    level = w.m.level
    assert level
    assert level.eqf is not None
    spec["eqfLevel"] = _concept(vocab.eqf(level.eqf))
    if level.cycle is not None:
        w.notes.append(w.note(f"QF-EHEA cycle {level.cycle}", "en", "qfEheaCycle"))
    if level.seqf is not None:
        w.notes.append(w.note(f"SeQF level {level.seqf}", "en", "seqfLevel"))


def _write_participation(w: _Writing, spec: dict[str, Any]) -> None:
    """Form of participation: ``LAS.mode``."""
    assert w.m.participation is not None
    spec["mode"] = [_concept(vocab.mode(w.m.participation))]


def _write_outcomes(w: _Writing, spec: dict[str, Any]) -> None:
    """Learning outcomes: ``LAS.learningOutcome[]`` (with ``relatedESCOSkill``)."""
    spec["learningOutcome"] = []
    for outcome in w.m.learning_outcomes:
        item: dict[str, Any] = {
            "id": w.ids("learningOutcome"),
            "type": "LearningOutcome",
            "title": {w.language: [outcome.text]},
        }
        if outcome.esco:
            item["relatedESCOSkill"] = [
                {
                    "id": outcome.esco,
                    "type": "Concept",
                    "inScheme": {"id": _ESCO_SCHEME, "type": "ConceptScheme"},
                }
            ]
        spec["learningOutcome"].append(item)


def _write_assessment(w: _Writing, spec: dict[str, Any]) -> None:
    """Type of assessment: ``LAS.provenBy[]`` (a LearningAssessmentSpecification, with the
    grade's scale as its grading scheme)."""
    m = w.m
    assert m.assessment is not None
    assessment_spec: dict[str, Any] = {
        "id": w.ids("learningAssessmentSpec"),
        "type": "LearningAssessmentSpecification",
        "title": {w.language: [m.assessment.type]},
    }
    with contextlib.suppress(ValueError):
        assessment_spec["dcType"] = _concept(vocab.assessment(m.assessment.type))
    if m.assessment.description:
        assessment_spec["description"] = {w.language: [m.assessment.description]}
    if m.grade is not None and m.grade.scale:
        assessment_spec["gradingScheme"] = {
            "id": w.ids("gradingScheme"),
            "type": "GradingScheme",
            "title": {"en": [m.grade.scale]},
        }
    spec["provenBy"] = [assessment_spec]
    w.assessment_spec = assessment_spec


def _write_quality_assurance(w: _Writing, spec: dict[str, Any]) -> None:
    """Type of quality assurance: ``LAS.accreditation[]``."""
    qa = w.m.quality_assurance
    assert qa is not None
    assert w.m.issuer is not None
    accreditation: dict[str, Any] = {
        "id": w.ids("accreditation"),
        "type": "Accreditation",
        "title": {"en": [f"{qa.type} quality assurance"]},
        "accreditingAgent": _organisation(
            w.ids,
            org_id=None,
            name=qa.body or w.m.issuer.name or w.title,
            country=w.country,
            language=w.language,
            url=qa.url,
        ),
    }
    try:
        accreditation["dcType"] = _concept(vocab.accreditation(qa.type))
    except ValueError:
        accreditation["dcType"] = {"id": f"{EXT_NS}{qa.type}", "type": "Concept"}
    spec["accreditation"] = [accreditation]


def _write_prerequisites(w: _Writing, spec: dict[str, Any]) -> None:
    """Prerequisites: ``LAS.entryRequirement``."""
    if w.m.prerequisites is not None:
        spec["entryRequirement"] = w.note(w.m.prerequisites, w.language)


def _write_grade(w: _Writing, achievement: dict[str, Any]) -> None:
    """Grade and supervision: ``LA.provenBy[]`` (a LearningAssessment with ``grade`` and
    ``idVerification``); supervision without a grade is a note on ``LA``."""
    m = w.m
    if m.grade is not None:
        assert m.assessment is not None
        assessment: dict[str, Any] = {
            "id": w.ids("learningAssessment"),
            "type": "LearningAssessment",
            "title": {w.language: [m.assessment.type]},
            "grade": w.note(m.grade.value, w.language),
            "awardedBy": w.awarding,
            "specifiedBy": w.assessment_spec,
        }
        if m.supervision is not None:
            assessment["idVerification"] = _concept(vocab.supervision(m.supervision))
        achievement["provenBy"] = [assessment]
    elif m.supervision is not None:
        w.notes.append(w.note(m.supervision, "en", "supervision"))


def _write_stackability(w: _Writing, achievement: dict[str, Any]) -> None:
    """Integration and stackability: notes on ``LA``."""
    stack = w.m.stackability
    if stack is not None:
        w.notes.append(
            w.note("stackable" if stack.stackable else "not stackable", "en", "stackable")
        )
        w.notes.extend(w.note(item, w.language, "partOf") for item in stack.part_of)


def _write_notes(w: _Writing, achievement: dict[str, Any]) -> None:
    """The notes collected (``LA.additionalNote``) and further information (``LA.description``)."""
    if w.notes:
        achievement["additionalNote"] = w.notes
    if w.m.further_information is not None:
        achievement["description"] = {w.language: [w.m.further_information]}


_Writer = Callable[[_Writing, dict[str, Any]], None]
#: The writers of the Annex I elements ELM puts in the Qualification (``LAS``), in order.
SPECIFICATION_WRITERS: tuple[tuple[str, _Writer], ...] = (
    ("title of the micro-credential", _write_code),
    ("notional workload", _write_workload),
    ("level", _write_level),
    ("form of participation", _write_participation),
    ("learning outcomes", _write_outcomes),
    ("type of assessment", _write_assessment),
    ("type of quality assurance", _write_quality_assurance),
    ("prerequisites", _write_prerequisites),
)
#: The writers of the Annex I elements ELM puts on the LearningAchievement (``LA``), in order.
ACHIEVEMENT_WRITERS: tuple[tuple[str, _Writer], ...] = (
    ("grade", _write_grade),
    ("integration and stackability", _write_stackability),
    ("further information", _write_notes),
)


def _person(w: _Writing, include_email: bool) -> dict[str, Any]:
    """Identification of the learner: ``credentialSubject`` (Person)."""
    learner = w.m.learner
    assert learner is not None
    person: dict[str, Any] = {"id": "", "type": "Person"}
    person["id"] = learner.id or w.ids("person")
    if learner.name:
        person["fullName"] = {w.language: [learner.name]}
    if learner.identifiers:
        person["identifier"] = [
            {
                "id": w.ids("identifier"),
                "type": "Identifier",
                "notation": i.value,
                "schemeName": i.scheme,
            }
            for i in learner.identifiers
        ]
    if learner.email and include_email:
        person["contactPoint"] = [
            {
                "id": w.ids("contactPoint"),
                "type": "ContactPoint",
                "emailAddress": [{"id": f"mailto:{learner.email}", "type": "Mailbox"}],
            }
        ]
    return person


def to_elm(
    m: AnnexIForm, *, issuer_id: str | None, credential_id: str, include_email: bool = False
) -> dict[str, Any]:
    """The ELM European Digital Credential (JSON, unsigned) for a complete micro-credential.

    The learner's national identity number is never written, the e-mail address only with
    ``include_email`` (in clear, as the ``contactPoint``).

    Args:
        m: a complete micro-credential (``MicroCredential.to_elm`` checks that first).
        issuer_id: the issuer's id (else a ``urn:epass:org`` id).
        credential_id: the credential's ``id``.
        include_email: whether the learner's e-mail address goes in.

    Returns:
        The credential as JSON (a new dict).
    """
    assert m.workload
    assert m.level
    assert m.assessment is not None
    assert m.quality_assurance is not None
    w = _Writing(m, issuer_id)
    spec: dict[str, Any] = {
        "id": w.ids("qualification"),
        "type": "Qualification",
        "title": _lang(m.title or w.title, w.language),
    }
    for _, write in SPECIFICATION_WRITERS:
        write(w, spec)
    achievement: dict[str, Any] = {
        "id": w.ids("learningAchievement"),
        "type": "LearningAchievement",
        "title": _lang(m.title or w.title, w.language),
        "awardedBy": w.awarding,
        "specifiedBy": spec,
    }
    for _, write in ACHIEVEMENT_WRITERS:
        write(w, achievement)
    person = _person(w, include_email)
    person["hasClaim"] = [achievement]
    assert m.issued is not None
    return {
        "@context": [VC_V2, EDC_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"],
        "credentialSchema": [
            {
                "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
                "type": "ShaclValidator2017",
            }
        ],
        "credentialSubject": person,
        "issuer": w.issuer,
        "issued": m.issued,
        "validFrom": m.issued,
        "credentialProfiles": [_concept(vocab.credential_type("Generic"))],
        "displayParameter": _display(w.ids, w.title, w.language),
    }


# ------------------------------------------------------------------------------ reading


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    items = _many(value)
    return items[0] if items else None


def _node(value: Any) -> Mapping[str, Any]:
    """The (first) node of a property, or ``{}`` when it holds no JSON object (a reader
    finds nothing in a value of the wrong JSON type, rather than failing on it)."""
    first = _first(value)
    return first if isinstance(first, Mapping) else {}


def _texts(value: Any) -> dict[str, str]:
    """A language map (``{"en": "x"}`` or ``{"en": ["x"]}``) as ``{lang: text}``."""
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, Mapping):
        return {}
    found = {}
    for lang, text in value.items():
        first = _first(text)
        if isinstance(first, str):
            found[str(lang)] = first
    return found


def _text(value: Any, language: str | None = None) -> str | None:
    texts = _texts(value)
    if not texts:
        return None
    return texts.get(language or "", next(iter(texts.values())))


def _label(concept: Any) -> str | None:
    if not isinstance(concept, Mapping):
        return None
    label = _text(concept.get("prefLabel"), "en")
    if label:
        return label
    uri = concept.get("id")
    if isinstance(uri, str):
        try:
            return vocab.from_uri(uri).label_en
        except ValueError:
            return uri
    return None


def _country(org: Any) -> str | None:
    for location in _many(org.get("location") if isinstance(org, Mapping) else None):
        for address in _many(location.get("address") if isinstance(location, Mapping) else None):
            concept = address.get("countryCode") if isinstance(address, Mapping) else None
            uri = concept.get("id") if isinstance(concept, Mapping) else None
            if isinstance(uri, str):
                try:
                    return vocab.alpha2_of(uri)
                except ValueError:
                    return None
    return None


def _region(org: Mapping[str, Any], language: str) -> str | None:
    for location in _many(org.get("location")):
        if isinstance(location, Mapping) and location.get("description"):
            return _text(location["description"], language)
    return None


def _note_subject(note: Any) -> str | None:
    subject = note.get("subject") if isinstance(note, Mapping) else None
    uri = subject.get("id") if isinstance(subject, Mapping) else None
    if isinstance(uri, str) and uri.startswith(EXT_NS):
        return uri[len(EXT_NS) :]
    return None


def _language_of(document: Mapping[str, Any], title: dict[str, str]) -> str:
    display = document.get("displayParameter")
    primary = display.get("primaryLanguage") if isinstance(display, Mapping) else None
    uri = _first(primary).get("id") if isinstance(_first(primary), Mapping) else None
    if isinstance(uri, str):
        code = uri.rsplit("/", 1)[-1].upper()
        for two, three in _LANGUAGES.items():
            if three == code:
                return two
    return next(iter(title), "en")


class _Claim:
    """The parts of an ELM credential the element readers share: the credential, its
    subject (Person), the LearningAchievement claim, that claim's specification and the
    credential's language. The parts only some readers need are found when first asked for."""

    def __init__(
        self,
        document: Mapping[str, Any],
        person: Mapping[str, Any],
        achievement: Mapping[str, Any],
    ) -> None:
        self.document = document
        self.person = person
        self.achievement = achievement
        self.spec: Mapping[str, Any] = _node(achievement.get("specifiedBy"))
        self.titles = _texts(achievement.get("title")) or _texts(self.spec.get("title"))
        self.language = _language_of(document, self.titles)

    @functools.cached_property
    def issuer(self) -> Any:
        """The ``issuer`` (an Organisation, or whatever the document holds there)."""
        return _first(self.document.get("issuer")) or {}

    @functools.cached_property
    def awarding(self) -> Any:
        """``LA.awardedBy`` (the AwardingProcess)."""
        return _node(self.achievement.get("awardedBy"))

    @functools.cached_property
    def notes(self) -> list[tuple[str | None, str]]:
        """``(subject, text)`` of each note on ``LA`` (the subject under :data:`EXT_NS`)."""
        notes = [n for n in _many(self.achievement.get("additionalNote")) if isinstance(n, Mapping)]
        return [(_note_subject(n), _text(n.get("noteLiteral"), self.language) or "") for n in notes]

    @functools.cached_property
    def assessed(self) -> Mapping[str, Any] | None:
        """``LA.provenBy`` (the LearningAssessment), if any."""
        return next(
            (a for a in _many(self.achievement.get("provenBy")) if isinstance(a, Mapping)), None
        )

    @functools.cached_property
    def assessment_spec(self) -> Any:
        """``LAS.provenBy`` (the LearningAssessmentSpecification), else the assessment's."""
        assessed = self.assessed
        return _first(self.spec.get("provenBy")) or (
            _first(assessed.get("specifiedBy")) if assessed else None
        )


def _read_title(c: _Claim, form: dict[str, Any]) -> None:
    """Title of the micro-credential (``LA.title``) and its code (``LAS.identifier``)."""
    titles = c.titles
    form["title"] = titles if len(titles) > 1 else next(iter(titles.values()), None)
    code = _first(c.spec.get("identifier"))
    if isinstance(code, Mapping) and code.get("notation"):
        form["code"] = code["notation"]


def _national_id(person: Mapping[str, Any]) -> dict[str, Any] | None:
    national = _first(person.get("nationalID"))
    if not (isinstance(national, Mapping) and national.get("notation")):
        return None
    country = _node(national.get("spatial")).get("id", "")
    return {
        "country": vocab.alpha2_of(country) if country else "SE",
        "value": national["notation"],
    }


def _email(person: Mapping[str, Any]) -> str | None:
    """The last ``mailto:`` address of the person's contact points."""
    found = None
    for contact in _many(person.get("contactPoint")):
        for mailbox in _many(contact.get("emailAddress") if isinstance(contact, Mapping) else None):
            uri = mailbox.get("id") if isinstance(mailbox, Mapping) else None
            if isinstance(uri, str) and uri.startswith("mailto:"):
                found = uri[len("mailto:") :]
    return found


def _read_learner(c: _Claim, form: dict[str, Any]) -> None:
    """Identification of the learner (``credentialSubject``, a Person)."""
    person = c.person
    learner: dict[str, Any] = {}
    if isinstance(person.get("id"), str) and not person["id"].startswith("urn:epass:person:"):
        learner["id"] = person["id"]
    name = _text(person.get("fullName"), c.language)
    if name:
        learner["name"] = name
    identifiers = [
        {"scheme": i.get("schemeName") or "identifier", "value": i["notation"]}
        for i in _many(person.get("identifier"))
        if isinstance(i, Mapping) and i.get("notation")
    ]
    if identifiers:
        learner["identifiers"] = identifiers
    national = _national_id(person)
    if national is not None:
        learner["national_id"] = national
    email = _email(person)
    if email is not None:
        learner["email"] = email
    form["learner"] = learner


def _local_id(node: Mapping[str, Any]) -> Any:
    """A node's ``id``, unless it is one of the ``urn:epass:`` ids ELM numbers nodes with."""
    return None if str(node.get("id", "")).startswith("urn:epass:") else node.get("id")


def _read_issuer(c: _Claim, form: dict[str, Any]) -> None:
    """The issuer and the country of the issuer (``issuer``, an Organisation)."""
    issuer = c.issuer
    if not isinstance(issuer, Mapping):
        return
    found = {
        "id": _local_id(issuer),
        "name": _text(issuer.get("legalName"), c.language),
        "country": _country(issuer),
        "region": _region(issuer, c.language),
        "url": _node(issuer.get("homepage")).get("contentURL"),
        "legal_identifier": _node(issuer.get("registration")).get("notation"),
    }
    form["issuer"] = {k: v for k, v in found.items() if v}


def _read_awarding_bodies(c: _Claim, form: dict[str, Any]) -> None:
    """Awarding body (``LA.awardedBy.awardingBody[]``), when it is not the issuer alone."""
    bodies = [b for b in _many(c.awarding.get("awardingBody")) if isinstance(b, Mapping)]
    if not bodies or (len(bodies) == 1 and bodies[0].get("id") == _node(c.issuer).get("id")):
        return
    form["awarding_bodies"] = [
        {
            k: v
            for k, v in (
                ("name", _text(b.get("legalName"), c.language)),
                ("country", _country(b)),
                ("id", _local_id(b)),
            )
            if v
        }
        for b in bodies
    ]


def _read_dates(c: _Claim, form: dict[str, Any]) -> None:
    """Date of issuing (``issued``) and of the award (``LA.awardedBy.awardingDate``)."""
    document = c.document
    issued = document.get("issued") or document.get("issuanceDate") or document.get("validFrom")
    if issued:
        form["issued"] = issued
    awarded = c.awarding.get("awardingDate")
    if isinstance(awarded, str):
        form["awarded"] = awarded[:10] if awarded.endswith("T00:00:00Z") else awarded


def _read_outcomes(c: _Claim, form: dict[str, Any]) -> None:
    """Learning outcomes (``LAS.learningOutcome[]``, with ``relatedESCOSkill``)."""
    outcomes = []
    for item in _many(c.spec.get("learningOutcome")):
        if not isinstance(item, Mapping):
            continue
        outcome: dict[str, Any] = {"text": _text(item.get("title"), c.language) or ""}
        skill = _first(item.get("relatedESCOSkill"))
        if isinstance(skill, Mapping) and skill.get("id"):
            outcome["esco"] = skill["id"]
        outcomes.append(outcome)
    form["learning_outcomes"] = outcomes


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:  # decimal.InvalidOperation
        raise ValueError(f"the ELM credential's {where} is not a number") from None


def _read_workload(c: _Claim, form: dict[str, Any]) -> None:
    """Notional workload (``LAS.creditPoint[]`` in ECTS, ``LAS.volumeOfLearning`` in hours)."""
    workload: dict[str, Any] = {}
    for credit in _many(c.spec.get("creditPoint")):
        framework = _node(credit.get("framework")) if isinstance(credit, Mapping) else {}
        if framework.get("id") == vocab.ects().uri and credit.get("point") is not None:
            workload["ects"] = _decimal(credit["point"], "creditPoint.point")
    volume = c.spec.get("volumeOfLearning")
    hours = re.fullmatch(r"PT(\d+(?:\.\d+)?)H", volume) if isinstance(volume, str) else None
    if hours:
        workload["hours"] = Decimal(hours.group(1))
    if workload:
        form["workload"] = workload


#: The notes on ``LA`` that carry a part of the level: their ``subject`` → the level's member.
_LEVEL_NOTES = {"qfEheaCycle": "cycle", "seqfLevel": "seqf"}


def _read_level(c: _Claim, form: dict[str, Any]) -> None:
    """Level: ``LAS.eqfLevel``; the QF-EHEA cycle and the SeQF level from notes on ``LA``."""
    level: dict[str, Any] = {}
    eqf_uri = _node(c.spec.get("eqfLevel")).get("id", "")
    if isinstance(eqf_uri, str) and eqf_uri.rsplit("/", 1)[-1].isdigit():
        level["eqf"] = int(eqf_uri.rsplit("/", 1)[-1])
    for kind, text in c.notes:
        member = _LEVEL_NOTES.get(kind or "")
        number = re.search(r"(\d+)$", text)
        if member and number:
            level[member] = int(number.group(1))
    if level:
        form["level"] = level


def _note_supervision(form: dict[str, Any], text: str) -> None:
    form["supervision"] = text


def _note_stackable(form: dict[str, Any], text: str) -> None:
    form.setdefault("stackability", {"part_of": []})["stackable"] = text == "stackable"


def _note_part_of(form: dict[str, Any], text: str) -> None:
    form.setdefault("stackability", {"stackable": True, "part_of": []})["part_of"].append(text)


#: The notes on ``LA`` for the other elements ELM has no property for, by their ``subject``.
_NOTE_READERS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "supervision": _note_supervision,
    "stackable": _note_stackable,
    "partOf": _note_part_of,
}


def _read_notes(c: _Claim, form: dict[str, Any]) -> None:
    """Integration and stackability (notes ``stackable``, ``partOf``), and supervision when
    there is no graded assessment to carry it (note ``supervision``)."""
    for kind, text in c.notes:
        reader = _NOTE_READERS.get(kind or "")
        if reader is not None:
            reader(form, text)


def _read_assessment(c: _Claim, form: dict[str, Any]) -> None:
    """Type of assessment (the LearningAssessmentSpecification's title or type)."""
    assessment_spec = c.assessment_spec
    if not isinstance(assessment_spec, Mapping):
        return
    name = _text(assessment_spec.get("title"), c.language) or _label(assessment_spec.get("dcType"))
    if not name:
        return
    assessment: dict[str, Any] = {"type": name}
    description = _text(assessment_spec.get("description"), c.language)
    if description:
        assessment["description"] = description
    form["assessment"] = assessment


def _read_participation(c: _Claim, form: dict[str, Any]) -> None:
    """Form of participation (``LAS.mode``)."""
    mode = _label(_first(c.spec.get("mode")))
    if mode:
        form["participation"] = _MODE_NAMES.get(mode, mode.lower())


def _read_quality_assurance(c: _Claim, form: dict[str, Any]) -> None:
    """Type of quality assurance (``LAS.accreditation[]``)."""
    accreditation = _first(c.spec.get("accreditation"))
    if not isinstance(accreditation, Mapping):
        return
    kind = _label(accreditation.get("dcType")) or ""
    agent = _node(accreditation.get("accreditingAgent"))
    qa = {
        "type": _QA_NAMES.get(kind, kind.replace(EXT_NS, "")),
        "body": _text(agent.get("legalName"), c.language),
        "url": _node(agent.get("homepage")).get("contentURL"),
    }
    form["quality_assurance"] = {k: v for k, v in qa.items() if v}


def _read_prerequisites(c: _Claim, form: dict[str, Any]) -> None:
    """Prerequisites (``LAS.entryRequirement``)."""
    entry = _first(c.spec.get("entryRequirement"))
    if isinstance(entry, Mapping):
        form["prerequisites"] = _text(entry.get("noteLiteral"), c.language)


def _read_grade(c: _Claim, form: dict[str, Any]) -> None:
    """Grade (``LAss.grade``; its scale from the assessment specification's grading scheme)."""
    assessed = c.assessed
    if assessed is None:
        return
    grade = _text(_node(assessed.get("grade")).get("noteLiteral"), c.language)
    if not grade:
        return
    form["grade"] = {"value": grade}
    assessment_spec = c.assessment_spec
    scheme = _node(assessment_spec).get("gradingScheme")
    scale = _text(_first(scheme).get("title")) if isinstance(_first(scheme), Mapping) else None
    if scale:
        form["grade"]["scale"] = scale


def _read_supervision(c: _Claim, form: dict[str, Any]) -> None:
    """Supervision and identity verification (``LAss.idVerification``)."""
    check = _first(c.assessed.get("idVerification")) if c.assessed is not None else None
    if not isinstance(check, Mapping):
        return
    uri = str(check.get("id", ""))
    label = _label(check) or ""
    form["supervision"] = (
        uri[len(EXT_NS) :] if uri.startswith(EXT_NS) else _SUPERVISION_NAMES.get(label, label)
    )


def _read_further_information(c: _Claim, form: dict[str, Any]) -> None:
    """Further information (``LA.description``)."""
    description = _text(c.achievement.get("description"), c.language)
    if description:
        form["further_information"] = description


_Reader = Callable[[_Claim, dict[str, Any]], None]
#: One reader per Annex I element (or pair of elements ELM keeps together), in the order
#: they are read (later readers may refine what earlier ones found: a graded assessment's
#: ``idVerification`` wins over a supervision note).
ELEMENT_READERS: tuple[tuple[str, _Reader], ...] = (
    ("title of the micro-credential", _read_title),
    ("identification of the learner", _read_learner),
    ("country of the issuer", _read_issuer),
    ("awarding body", _read_awarding_bodies),
    ("date of issuing", _read_dates),
    ("learning outcomes", _read_outcomes),
    ("notional workload", _read_workload),
    ("level", _read_level),
    ("integration and stackability", _read_notes),
    ("type of assessment", _read_assessment),
    ("form of participation", _read_participation),
    ("type of quality assurance", _read_quality_assurance),
    ("prerequisites", _read_prerequisites),
    ("grade", _read_grade),
    ("supervision and identity verification", _read_supervision),
    ("further information", _read_further_information),
)


def elm_form(document: Mapping[str, Any]) -> dict[str, Any]:
    """The Annex I form (JSON) of an ELM European Digital Credential's elements
    (:func:`microcred.model.elm.from_elm` validates it into a ``MicroCredential``).

    Args:
        document: the ELM credential (ELM 3.2 as :func:`to_elm` writes it, or the ELM 3.1
            form of the Commission's samples).

    Returns:
        The form as a dict: the elements found, each once; absent elements are left out.

    Raises:
        ValueError: the document is not an ELM credential with a learning achievement.
    """
    if not isinstance(document, Mapping):
        raise ValueError("an ELM credential is a JSON object")
    person = _first(document.get("credentialSubject"))
    if not isinstance(person, Mapping):
        raise ValueError("an ELM credential has a credentialSubject (Person)")
    claims = [c for c in _many(person.get("hasClaim")) if isinstance(c, Mapping)]
    achievement = next((c for c in claims if c.get("type") == "LearningAchievement"), None)
    if achievement is None:
        raise ValueError("the ELM credential has no LearningAchievement claim")
    claim = _Claim(document, person, achievement)
    form: dict[str, Any] = {"type": "MicroCredential", "language": claim.language}
    for _, read in ELEMENT_READERS:
        read(claim, form)
    return {k: v for k, v in form.items() if v not in (None, "")}
