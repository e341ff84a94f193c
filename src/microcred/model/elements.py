"""The Annex I elements of a micro-credential as rows of a table: what each element holds,
whether it is mandatory, and where it sits in the source document (OB 3.0, ELM or the Annex I
form). ``microcred inspect`` and the verifier page of ``microcred serve`` show these rows.

A row's value is the credential's own text (title, learning outcomes, names) joined with the
words microcred writes itself (units, level and cycle, the vocabulary values of participation,
supervision, assessment, quality assurance and stackability). Those words, and the decimal
sign, follow ``language``: English (``"en"``) or Swedish (``"sv"``, e.g. ``7,5 hp (ECTS)``,
``första cykeln (grundnivå)``, ``övervakad med identitetskontroll``). The title is given in
the page's language when the credential has it in that language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from . import vocab
from .eu import MANDATORY_ELEMENTS, OPTIONAL_ELEMENTS, MicroCredential

__all__ = ["LANGUAGES", "ElementRow", "Language", "SourceKind", "element_rows", "source_kind"]

#: The form a micro-credential was read from.
SourceKind = Literal["ob3", "elm", "annex-i"]
#: A language the rows can be written in.
Language = Literal["en", "sv"]
#: The languages of :func:`element_rows`.
LANGUAGES: tuple[Language, ...] = ("en", "sv")


@dataclass(frozen=True)
class ElementRow:
    """One Annex I element.

    Attributes:
        element: the element's name as Annex I words it (``"notional workload"``).
        mandatory: Annex I lists it among the mandatory elements.
        value: what the micro-credential says, as one line of text; ``""`` when absent.
        where: where the element sits in the source document.
    """

    element: str
    mandatory: bool
    value: str
    where: str

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object."""
        return {
            "element": self.element,
            "mandatory": self.mandatory,
            "value": self.value,
            "where": self.where,
        }


_WHERE_OB3 = {
    "identification of the learner": "credentialSubject.id / .identifier",
    "title of the micro-credential": "achievement.name, .humanCode",
    "country of the issuer": "issuer.address.addressCountryCode",
    "awarding body": "issuer / ext.awardingBody",
    "date of issuing": "validFrom, awardedDate",
    "learning outcomes": "ext.learningOutcome, alignment",
    "notional workload": "achievement.creditsAvailable, ext.workloadHours",
    "level": "ext.eqfLevel, alignment",
    "type of assessment": "ext.assessmentType",
    "form of participation": "ext.formOfParticipation",
    "type of quality assurance": "ext.qualityAssurance",
    "prerequisites": "ext.prerequisites",
    "supervision and identity verification": "ext.supervision",
    "grade": "credentialSubject.result",
    "integration and stackability": "ext.stackable, ext.partOf",
    "further information": "achievement.description",
}
_WHERE_ELM = {
    "identification of the learner": "credentialSubject (Person)",
    "title of the micro-credential": "hasClaim.title",
    "country of the issuer": "issuer.location.address.countryCode",
    "awarding body": "hasClaim.awardedBy.awardingBody",
    "date of issuing": "issued, awardedBy.awardingDate",
    "learning outcomes": "specifiedBy.learningOutcome",
    "notional workload": "specifiedBy.creditPoint, .volumeOfLearning",
    "level": "specifiedBy.eqfLevel",
    "type of assessment": "specifiedBy.provenBy",
    "form of participation": "specifiedBy.mode",
    "type of quality assurance": "specifiedBy.accreditation",
    "prerequisites": "specifiedBy.entryRequirement",
    "supervision and identity verification": "provenBy.idVerification",
    "grade": "provenBy.grade",
    "integration and stackability": "hasClaim.additionalNote",
    "further information": "hasClaim.description",
}


def _where(kind: SourceKind, element: str) -> str:
    if kind == "ob3":
        return _WHERE_OB3[element]
    if kind == "elm":
        return _WHERE_ELM[element]
    return "Annex I form"


def source_kind(document: Any) -> SourceKind:
    """Which form ``document`` is in: ELM, OB 3.0 (any VerifiableCredential) or the Annex I form."""
    kinds = document.get("type") if isinstance(document, dict) else None
    types = set(kinds if isinstance(kinds, list) else [kinds])
    if "EuropeanDigitalCredential" in types:
        return "elm"
    return "ob3" if "VerifiableCredential" in types else "annex-i"


# Swedish for the words microcred writes itself (English: the form's own values)
_PARTICIPATION_SV = {
    "online": "på distans (online)",
    "onsite": "på plats",
    "blended": "kombinerad (på plats och på distans)",
    "work-based": "arbetsplatsförlagd",
}
_SUPERVISION_SV = {
    "supervised-with-id": "övervakad med identitetskontroll",
    "supervised-without-id": "övervakad utan identitetskontroll",
    "unsupervised-with-id": "utan övervakning, med identitetskontroll",
    "unsupervised-without-id": "utan övervakning och utan identitetskontroll",
}
_CYCLE_SV = {
    1: "första cykeln (grundnivå)",
    2: "andra cykeln (avancerad nivå)",
    3: "tredje cykeln (forskarnivå)",
}
# by the English label of the EU vocabulary concept
_ASSESSMENT_SV = {
    "peer assessment": "kamratbedömning",
    "marked assignment": "bedömd inlämningsuppgift",
    "continuous evaluation": "löpande bedömning",
    "portfolio": "portfolio",
    "group performance": "grupprestation",
    "practical assessment": "praktiskt prov",
    "written examination": "skriftlig tentamen",
    "level of attendance": "närvaro",
    "project work": "projektarbete",
    "peer review": "kamratgranskning",
    "quiz": "quiz",
    "problem based learning": "problembaserat lärande",
    "oral examination": "muntlig tentamen",
    "artefact assessment": "bedömning av framställt verk",
}
_QUALITY_SV = {
    "Institutional Quality Assurance": "institutionell kvalitetssäkring",
    "Program Quality Assurance": "kvalitetssäkring av utbildningsprogrammet",
    "Institutional License": "tillstånd för lärosätet",
    "Program License": "tillstånd för utbildningsprogrammet",
}


def _number(value: Decimal, language: Language) -> str:
    text = str(value)
    return text.replace(".", ",") if language == "sv" else text


def _vocabulary_sv(lookup: Any, value: str, table: dict[str, str]) -> str:
    """The Swedish word for a vocabulary value microcred knows; the value itself otherwise
    (free text is the credential's own, and stays as stated)."""
    try:
        label = lookup(value).label_en
    except (ValueError, TypeError):
        return value
    return table.get(label, table.get(label.lower(), value))


def _learner(m: MicroCredential, language: Language) -> str:
    learner = m.learner
    if learner is None:
        return ""
    sv = language == "sv"
    hashed = len(learner.identity_objects)
    parts = (
        learner.name,
        (
            "nationellt identitetsnummer (inte i intyget)"
            if sv
            else "national id (not in the credential)"
        )
        if learner.national_id
        else None,
        *(f"{i.scheme} {i.value}" for i in learner.identifiers),
        learner.id,
        (f"{hashed} hashade identiteter" if sv else f"{hashed} hashed identities")
        if hashed
        else None,
    )
    return ", ".join(x for x in parts if x)


def _title(m: MicroCredential, language: Language) -> str:
    given = isinstance(m.title, dict) and language in m.title
    title = m.title_in(language) if language == "sv" and given else m.title_in()
    return title + (f" ({m.code})" if m.code else "")


def _workload(m: MicroCredential, language: Language) -> str:
    if m.workload is None:
        return ""
    sv = language == "sv"
    parts = []
    if m.workload.ects is not None:
        ects = _number(m.workload.ects, language)
        parts.append(f"{ects} hp (ECTS)" if sv else f"{ects} ECTS")
    if m.workload.hours is not None:
        hours = _number(m.workload.hours, language)
        parts.append(f"{hours} timmar" if sv else f"{hours} hours")
    return " + ".join(parts)


def _level(m: MicroCredential, language: Language) -> str:
    if m.level is None or not m.level.eqf:
        return ""
    cycle = m.level.cycle
    if language == "sv":
        return f"EQF-nivå {m.level.eqf}" + (f", {_CYCLE_SV[cycle]}" if cycle else "")
    return f"EQF {m.level.eqf}" + (f", cycle {cycle}" if cycle else "")


def _quality(m: MicroCredential, language: Language) -> str:
    qa = m.quality_assurance
    if qa is None:
        return ""
    kind = (
        _vocabulary_sv(vocab.accreditation, qa.type, _QUALITY_SV) if language == "sv" else qa.type
    )
    return kind + (f" ({qa.body})" if qa.body else "")


def _stackability(m: MicroCredential, language: Language) -> str:
    stack = m.stackability
    if stack is None:
        return ""
    into = ", ".join(stack.part_of)
    if language == "sv":
        if into:
            return f"kan ingå i {into}" if stack.stackable else f"kan inte ingå i {into}"
        return "kan kombineras med andra meriter" if stack.stackable else "kan inte kombineras"
    return ("stackable" if stack.stackable else "not stackable") + (f" into {into}" if into else "")


def _country(m: MicroCredential, language: Language) -> str:
    return (m.issuer.country or "") if m.issuer else ""


def _awarding_body(m: MicroCredential, language: Language) -> str:
    return ", ".join(b.name for b in m.awarding_bodies) or (
        (m.issuer.name or "") if m.issuer else ""
    )


def _issued(m: MicroCredential, language: Language) -> str:
    return m.issued or ""


def _outcomes(m: MicroCredential, language: Language) -> str:
    return "; ".join(o.text for o in m.learning_outcomes)


def _assessment(m: MicroCredential, language: Language) -> str:
    if not m.assessment:
        return ""
    if language == "sv":
        return _vocabulary_sv(vocab.assessment, m.assessment.type, _ASSESSMENT_SV)
    return m.assessment.type


def _participation(m: MicroCredential, language: Language) -> str:
    if not m.participation:
        return ""
    return _PARTICIPATION_SV[m.participation] if language == "sv" else m.participation


def _prerequisites(m: MicroCredential, language: Language) -> str:
    return m.prerequisites or ""


def _supervision(m: MicroCredential, language: Language) -> str:
    if not m.supervision:
        return ""
    return _SUPERVISION_SV[m.supervision] if language == "sv" else m.supervision


def _grade(m: MicroCredential, language: Language) -> str:
    if not m.grade:
        return ""
    return m.grade.value + (f" ({m.grade.scale})" if m.grade.scale else "")


def _further_information(m: MicroCredential, language: Language) -> str:
    return m.further_information or ""


#: What each Annex I element shows (a function of the micro-credential and the language).
_SHOWN: dict[str, Callable[[MicroCredential, Language], str]] = {
    "identification of the learner": _learner,
    "title of the micro-credential": _title,
    "country of the issuer": _country,
    "awarding body": _awarding_body,
    "date of issuing": _issued,
    "learning outcomes": _outcomes,
    "notional workload": _workload,
    "level": _level,
    "type of assessment": _assessment,
    "form of participation": _participation,
    "type of quality assurance": _quality,
    "prerequisites": _prerequisites,
    "supervision and identity verification": _supervision,
    "grade": _grade,
    "integration and stackability": _stackability,
    "further information": _further_information,
}


def element_rows(
    m: MicroCredential, kind: SourceKind = "annex-i", *, language: Language = "en"
) -> list[ElementRow]:
    """Every Annex I element of ``m``, mandatory ones first, in the Recommendation's order.

    ``kind`` is the form ``m`` was read from (:func:`source_kind`); it decides ``where``.
    ``language`` (``"en"`` or ``"sv"``) is the language of the words microcred writes into the
    values (see the module docstring); the credential's own text is shown as it states it.

    Args:
        m: the micro-credential (complete or not).
        kind: the form it was read from.
        language: the language of microcred's own words.

    Returns:
        One row per element: the mandatory ones, then the optional ones.

    Raises:
        ValueError: ``language`` is not one of :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    shown = {name: show(m, language) for name, show in _SHOWN.items()}
    rows = [ElementRow(n, True, shown[n], _where(kind, n)) for n in MANDATORY_ELEMENTS]
    rows += [ElementRow(n, False, shown[n], _where(kind, n)) for n in OPTIONAL_ELEMENTS]
    return rows
