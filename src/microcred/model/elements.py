"""The Annex I elements of a micro-credential as rows of a table: what each element holds,
whether it is mandatory, and where it sits in the source document (OB 3.0, ELM or the Annex I
form). ``microcred inspect`` and the verifier page of ``microcred serve`` show these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .eu import MANDATORY_ELEMENTS, OPTIONAL_ELEMENTS, MicroCredential

__all__ = ["ElementRow", "SourceKind", "element_rows", "source_kind"]

#: The form a micro-credential was read from.
SourceKind = Literal["ob3", "elm", "annex-i"]


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


def element_rows(m: MicroCredential, kind: SourceKind = "annex-i") -> list[ElementRow]:
    """Every Annex I element of ``m``, mandatory ones first, in the Recommendation's order.

    ``kind`` is the form ``m`` was read from (:func:`source_kind`); it decides ``where``.
    """

    learner = m.learner
    shown = {
        "identification of the learner": ", ".join(
            x
            for x in (
                learner.name if learner else None,
                "national id (hashed)" if learner and learner.national_id else None,
                *(f"{i.scheme} {i.value}" for i in (learner.identifiers if learner else [])),
                learner.id if learner else None,
                f"{len(learner.identity_objects)} hashed identities"
                if learner and learner.identity_objects
                else None,
            )
            if x
        ),
        "title of the micro-credential": m.title_in() + (f" ({m.code})" if m.code else ""),
        "country of the issuer": (m.issuer.country or "") if m.issuer else "",
        "awarding body": ", ".join(b.name for b in m.awarding_bodies)
        or ((m.issuer.name or "") if m.issuer else ""),
        "date of issuing": m.issued or "",
        "learning outcomes": "; ".join(o.text for o in m.learning_outcomes),
        "notional workload": " + ".join(
            part
            for part in (
                f"{m.workload.ects} ECTS" if m.workload and m.workload.ects is not None else "",
                f"{m.workload.hours} hours" if m.workload and m.workload.hours is not None else "",
            )
            if part
        ),
        "level": (
            f"EQF {m.level.eqf}" + (f", cycle {m.level.cycle}" if m.level.cycle else "")
            if m.level and m.level.eqf
            else ""
        ),
        "type of assessment": m.assessment.type if m.assessment else "",
        "form of participation": m.participation or "",
        "type of quality assurance": (
            m.quality_assurance.type
            + (f" ({m.quality_assurance.body})" if m.quality_assurance.body else "")
            if m.quality_assurance
            else ""
        ),
        "prerequisites": m.prerequisites or "",
        "supervision and identity verification": m.supervision or "",
        "grade": (
            m.grade.value + (f" ({m.grade.scale})" if m.grade.scale else "") if m.grade else ""
        ),
        "integration and stackability": (
            ("stackable" if m.stackability.stackable else "not stackable")
            + (f" into {', '.join(m.stackability.part_of)}" if m.stackability.part_of else "")
            if m.stackability
            else ""
        ),
        "further information": m.further_information or "",
    }
    rows = [ElementRow(n, True, shown[n], _where(kind, n)) for n in MANDATORY_ELEMENTS]
    rows += [ElementRow(n, False, shown[n], _where(kind, n)) for n in OPTIONAL_ELEMENTS]
    return rows
