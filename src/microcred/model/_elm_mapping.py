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
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import vocab
from ._ns import EXT_NS

if TYPE_CHECKING:
    from .eu import MicroCredential

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
    from ..baking import tiny_png

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
                            "content": base64.b64encode(tiny_png()).decode("ascii"),
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


def to_elm(
    m: MicroCredential, *, issuer_id: str | None, credential_id: str, include_email: bool = False
) -> dict[str, Any]:
    """The ELM European Digital Credential (JSON, unsigned) for a complete micro-credential.

    The learner's national identity number is never written, the e-mail address only with
    ``include_email`` (in clear, as the ``contactPoint``)."""
    assert m.issuer is not None
    assert m.issuer.country
    assert m.workload
    assert m.level
    assert m.assessment is not None
    assert m.quality_assurance is not None
    ids = _Ids()
    language = m.language
    title = m.title_in()
    issuer = _organisation(
        ids,
        org_id=issuer_id,
        name=m.issuer.name or title,
        country=m.issuer.country,
        language=language,
        url=m.issuer.url,
        legal_identifier=m.issuer.legal_identifier,
        region=m.issuer.region,
    )
    bodies = [
        _organisation(
            ids,
            org_id=b.id,
            name=b.name,
            country=b.country or m.issuer.country,
            language=language,
        )
        for b in m.awarding_bodies
    ] or [issuer]
    awarding: dict[str, Any] = {
        "id": ids("awardingProcess"),
        "type": "AwardingProcess",
        "awardingBody": bodies,
    }
    if m.awarded:
        awarding["awardingDate"] = m.awarded if "T" in m.awarded else f"{m.awarded}T00:00:00Z"

    spec: dict[str, Any] = {
        "id": ids("qualification"),
        "type": "Qualification",
        "title": _lang(m.title or title, language),
    }
    if m.code:
        spec["identifier"] = {
            "id": ids("identifier"),
            "type": "Identifier",
            "notation": m.code,
            "schemeName": "course code",
        }
    if m.workload.ects is not None:
        spec["creditPoint"] = [
            {
                "id": ids("creditPoint"),
                "type": "CreditPoint",
                "framework": _concept(vocab.ects()),
                "point": _number_text(m.workload.ects),
            }
        ]
    if m.workload.hours is not None:
        spec["volumeOfLearning"] = f"PT{_number_text(m.workload.hours)}H"
    assert m.level.eqf is not None
    spec["eqfLevel"] = _concept(vocab.eqf(m.level.eqf))
    notes: list[dict[str, Any]] = []
    if m.level.cycle is not None:
        notes.append(_note(ids, f"QF-EHEA cycle {m.level.cycle}", "en", "qfEheaCycle"))
    if m.level.seqf is not None:
        notes.append(_note(ids, f"SeQF level {m.level.seqf}", "en", "seqfLevel"))
    assert m.participation is not None
    spec["mode"] = [_concept(vocab.mode(m.participation))]
    spec["learningOutcome"] = []
    for outcome in m.learning_outcomes:
        item: dict[str, Any] = {
            "id": ids("learningOutcome"),
            "type": "LearningOutcome",
            "title": {language: [outcome.text]},
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
    assessment_spec: dict[str, Any] = {
        "id": ids("learningAssessmentSpec"),
        "type": "LearningAssessmentSpecification",
        "title": {language: [m.assessment.type]},
    }
    with contextlib.suppress(ValueError):
        assessment_spec["dcType"] = _concept(vocab.assessment(m.assessment.type))
    if m.assessment.description:
        assessment_spec["description"] = {language: [m.assessment.description]}
    if m.grade is not None and m.grade.scale:
        assessment_spec["gradingScheme"] = {
            "id": ids("gradingScheme"),
            "type": "GradingScheme",
            "title": {"en": [m.grade.scale]},
        }
    spec["provenBy"] = [assessment_spec]
    qa = m.quality_assurance
    accreditation: dict[str, Any] = {
        "id": ids("accreditation"),
        "type": "Accreditation",
        "title": {"en": [f"{qa.type} quality assurance"]},
        "accreditingAgent": _organisation(
            ids,
            org_id=None,
            name=qa.body or m.issuer.name or title,
            country=m.issuer.country,
            language=language,
            url=qa.url,
        ),
    }
    try:
        accreditation["dcType"] = _concept(vocab.accreditation(qa.type))
    except ValueError:
        accreditation["dcType"] = {"id": f"{EXT_NS}{qa.type}", "type": "Concept"}
    spec["accreditation"] = [accreditation]
    if m.prerequisites is not None:
        spec["entryRequirement"] = _note(ids, m.prerequisites, language)

    achievement: dict[str, Any] = {
        "id": ids("learningAchievement"),
        "type": "LearningAchievement",
        "title": _lang(m.title or title, language),
        "awardedBy": awarding,
        "specifiedBy": spec,
    }
    if m.grade is not None:
        assessment: dict[str, Any] = {
            "id": ids("learningAssessment"),
            "type": "LearningAssessment",
            "title": {language: [m.assessment.type]},
            "grade": _note(ids, m.grade.value, language),
            "awardedBy": awarding,
            "specifiedBy": assessment_spec,
        }
        if m.supervision is not None:
            assessment["idVerification"] = _concept(vocab.supervision(m.supervision))
        achievement["provenBy"] = [assessment]
    elif m.supervision is not None:
        notes.append(_note(ids, m.supervision, "en", "supervision"))
    if m.stackability is not None:
        notes.append(
            _note(
                ids, "stackable" if m.stackability.stackable else "not stackable", "en", "stackable"
            )
        )
        notes.extend(_note(ids, item, language, "partOf") for item in m.stackability.part_of)
    if notes:
        achievement["additionalNote"] = notes
    if m.further_information is not None:
        achievement["description"] = {language: [m.further_information]}

    person: dict[str, Any] = {"id": "", "type": "Person"}
    learner = m.learner
    assert learner is not None
    person["id"] = learner.id or ids("person")
    if learner.name:
        person["fullName"] = {language: [learner.name]}
    if learner.identifiers:
        person["identifier"] = [
            {
                "id": ids("identifier"),
                "type": "Identifier",
                "notation": i.value,
                "schemeName": i.scheme,
            }
            for i in learner.identifiers
        ]
    if learner.email and include_email:
        person["contactPoint"] = [
            {
                "id": ids("contactPoint"),
                "type": "ContactPoint",
                "emailAddress": [{"id": f"mailto:{learner.email}", "type": "Mailbox"}],
            }
        ]
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
        "issuer": issuer,
        "issued": m.issued,
        "validFrom": m.issued,
        "credentialProfiles": [_concept(vocab.credential_type("Generic"))],
        "displayParameter": _display(ids, title, language),
    }


# ------------------------------------------------------------------------------ reading


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    items = _many(value)
    return items[0] if items else None


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


def elm_form(document: Mapping[str, Any]) -> dict[str, Any]:
    """The Annex I form (JSON) of an ELM European Digital Credential's elements
    (:func:`microcred.model.elm.from_elm` validates it into a ``MicroCredential``).

    Raises:
        ValueError: the document is not an ELM credential with a learning achievement.
    """
    person = _first(document.get("credentialSubject"))
    if not isinstance(person, Mapping):
        raise ValueError("an ELM credential has a credentialSubject (Person)")
    claims = [c for c in _many(person.get("hasClaim")) if isinstance(c, Mapping)]
    achievement = next((c for c in claims if c.get("type") == "LearningAchievement"), None)
    if achievement is None:
        raise ValueError("the ELM credential has no LearningAchievement claim")
    spec = _first(achievement.get("specifiedBy")) or {}
    titles = _texts(achievement.get("title")) or _texts(spec.get("title"))
    language = _language_of(document, titles)
    form: dict[str, Any] = {"type": "MicroCredential", "language": language}
    form["title"] = titles if len(titles) > 1 else next(iter(titles.values()), None)
    code = _first(spec.get("identifier"))
    if isinstance(code, Mapping) and code.get("notation"):
        form["code"] = code["notation"]

    learner: dict[str, Any] = {}
    if isinstance(person.get("id"), str) and not person["id"].startswith("urn:epass:person:"):
        learner["id"] = person["id"]
    name = _text(person.get("fullName"), language)
    if name:
        learner["name"] = name
    identifiers = [
        {"scheme": i.get("schemeName") or "identifier", "value": i["notation"]}
        for i in _many(person.get("identifier"))
        if isinstance(i, Mapping) and i.get("notation")
    ]
    if identifiers:
        learner["identifiers"] = identifiers
    national = _first(person.get("nationalID"))
    if isinstance(national, Mapping) and national.get("notation"):
        country = (national.get("spatial") or {}).get("id", "")
        learner["national_id"] = {
            "country": vocab.alpha2_of(country) if country else "SE",
            "value": national["notation"],
        }
    for contact in _many(person.get("contactPoint")):
        for mailbox in _many(contact.get("emailAddress") if isinstance(contact, Mapping) else None):
            uri = mailbox.get("id") if isinstance(mailbox, Mapping) else None
            if isinstance(uri, str) and uri.startswith("mailto:"):
                learner["email"] = uri[len("mailto:") :]
    form["learner"] = learner

    issuer = _first(document.get("issuer")) or {}
    if isinstance(issuer, Mapping):
        found = {
            "id": issuer.get("id")
            if not str(issuer.get("id", "")).startswith("urn:epass:")
            else None,
            "name": _text(issuer.get("legalName"), language),
            "country": _country(issuer),
            "region": _region(issuer, language),
            "url": (_first(issuer.get("homepage")) or {}).get("contentURL"),
            "legal_identifier": (_first(issuer.get("registration")) or {}).get("notation"),
        }
        form["issuer"] = {k: v for k, v in found.items() if v}
    awarding = _first(achievement.get("awardedBy")) or {}
    bodies = [b for b in _many(awarding.get("awardingBody")) if isinstance(b, Mapping)]
    if bodies and not (len(bodies) == 1 and bodies[0].get("id") == issuer.get("id")):
        form["awarding_bodies"] = [
            {
                k: v
                for k, v in (
                    ("name", _text(b.get("legalName"), language)),
                    ("country", _country(b)),
                    ("id", None if str(b.get("id", "")).startswith("urn:epass:") else b.get("id")),
                )
                if v
            }
            for b in bodies
        ]
    issued = document.get("issued") or document.get("issuanceDate") or document.get("validFrom")
    if issued:
        form["issued"] = issued
    awarded = awarding.get("awardingDate")
    if isinstance(awarded, str):
        form["awarded"] = awarded[:10] if awarded.endswith("T00:00:00Z") else awarded

    outcomes = []
    for item in _many(spec.get("learningOutcome")):
        if not isinstance(item, Mapping):
            continue
        outcome: dict[str, Any] = {"text": _text(item.get("title"), language) or ""}
        skill = _first(item.get("relatedESCOSkill"))
        if isinstance(skill, Mapping) and skill.get("id"):
            outcome["esco"] = skill["id"]
        outcomes.append(outcome)
    form["learning_outcomes"] = outcomes
    workload: dict[str, Any] = {}
    for credit in _many(spec.get("creditPoint")):
        framework = (credit.get("framework") or {}) if isinstance(credit, Mapping) else {}
        if framework.get("id") == vocab.ects().uri and credit.get("point") is not None:
            workload["ects"] = Decimal(str(credit["point"]))
    volume = spec.get("volumeOfLearning")
    hours = re.fullmatch(r"PT(\d+(?:\.\d+)?)H", volume) if isinstance(volume, str) else None
    if hours:
        workload["hours"] = Decimal(hours.group(1))
    if workload:
        form["workload"] = workload
    level: dict[str, Any] = {}
    eqf_uri = (_first(spec.get("eqfLevel")) or {}).get("id", "")
    if isinstance(eqf_uri, str) and eqf_uri.rsplit("/", 1)[-1].isdigit():
        level["eqf"] = int(eqf_uri.rsplit("/", 1)[-1])
    notes = [n for n in _many(achievement.get("additionalNote")) if isinstance(n, Mapping)]
    for note in notes:
        kind, text = _note_subject(note), _text(note.get("noteLiteral"), language) or ""
        number = re.search(r"(\d+)$", text)
        if kind == "qfEheaCycle" and number:
            level["cycle"] = int(number.group(1))
        elif kind == "seqfLevel" and number:
            level["seqf"] = int(number.group(1))
        elif kind == "supervision":
            form["supervision"] = text
        elif kind == "stackable":
            form.setdefault("stackability", {"part_of": []})["stackable"] = text == "stackable"
        elif kind == "partOf":
            form.setdefault("stackability", {"stackable": True, "part_of": []})["part_of"].append(
                text
            )
    if level:
        form["level"] = level

    assessed = next((a for a in _many(achievement.get("provenBy")) if isinstance(a, Mapping)), None)
    assessment_spec = _first(spec.get("provenBy")) or (
        _first(assessed.get("specifiedBy")) if assessed else None
    )
    if isinstance(assessment_spec, Mapping):
        name = _text(assessment_spec.get("title"), language) or _label(
            assessment_spec.get("dcType")
        )
        if name:
            assessment: dict[str, Any] = {"type": name}
            description = _text(assessment_spec.get("description"), language)
            if description:
                assessment["description"] = description
            form["assessment"] = assessment
    mode = _label(_first(spec.get("mode")))
    if mode:
        form["participation"] = _MODE_NAMES.get(mode, mode.lower())
    accreditation = _first(spec.get("accreditation"))
    if isinstance(accreditation, Mapping):
        kind = _label(accreditation.get("dcType")) or ""
        agent = accreditation.get("accreditingAgent") or {}
        qa = {
            "type": _QA_NAMES.get(kind, kind.replace(EXT_NS, "")),
            "body": _text(agent.get("legalName"), language),
            "url": (_first(agent.get("homepage")) or {}).get("contentURL"),
        }
        form["quality_assurance"] = {k: v for k, v in qa.items() if v}
    entry = _first(spec.get("entryRequirement"))
    if isinstance(entry, Mapping):
        form["prerequisites"] = _text(entry.get("noteLiteral"), language)
    if assessed is not None:
        grade = _text((assessed.get("grade") or {}).get("noteLiteral"), language)
        if grade:
            form["grade"] = {"value": grade}
            scheme = (assessment_spec or {}).get("gradingScheme") if assessment_spec else None
            scale = (
                _text(_first(scheme).get("title")) if isinstance(_first(scheme), Mapping) else None
            )
            if scale:
                form["grade"]["scale"] = scale
        check = _first(assessed.get("idVerification"))
        if isinstance(check, Mapping):
            uri = str(check.get("id", ""))
            label = _label(check) or ""
            form["supervision"] = (
                uri[len(EXT_NS) :]
                if uri.startswith(EXT_NS)
                else _SUPERVISION_NAMES.get(label, label)
            )
    description = _text(achievement.get("description"), language)
    if description:
        form["further_information"] = description
    return {k: v for k, v in form.items() if v not in (None, "")}
