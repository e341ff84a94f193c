"""EU vocabularies as :class:`Concept` values: ELM code lists and the EU country authority.

The data sits in ``eu_vocab.json`` beside this module. ``scripts/build_eu_vocab.py`` generates
it from the ELM XSD code lists, two pinned supervision concepts and the ISO 3166-1 code pairs;
the ``_provenance`` key of that file names every source. The module reads the file once, through
:mod:`importlib.resources`, and makes no network access.

Lookups
    :func:`eqf`, :func:`ects`, :func:`ecvet`, :func:`assessment`, :func:`mode`,
    :func:`learning_setting`, :func:`learning_opportunity`, :func:`supervision`,
    :func:`accreditation`, :func:`credential_type`, :func:`isced_f` and :func:`country` each return
    a :class:`Concept`. :func:`from_uri` finds a concept of any scheme by its URI, and
    :func:`concepts` lists a whole scheme. :func:`alpha2_of` and :func:`alpha3_of` convert
    country codes: OB 3.0 ``addressCountryCode`` uses ISO alpha-2, while ELM uses the EU
    authority's alpha-3.

Names
    A named lookup accepts:

    * the English label, in any case;
    * microcred's short names (``"online"``, ``"onsite"``, ``"institutional qa"``, the four
      Annex I supervision values, ...);
    * the concept URI.

    When names are compared, case is ignored, ``-`` and ``_`` count as spaces, and runs of spaces
    count as one: ``"Work-based"``, ``"work based"`` and ``"WORK_BASED"`` are the same name. A URI
    must match exactly. An unknown name raises :class:`ValueError`, and the message lists the
    accepted names. A value that is not a string raises :class:`TypeError`.

Supervision and identity verification (Annex I, optional element)
    Sources confirm the EU URIs of only two of the four values:
    ``supervised-with-id`` (``…/supervision-verification/70be69aaf9``) and
    ``unsupervised-without-id`` (``…/c598449d64``). For ``supervised-without-id`` and
    ``unsupervised-with-id``, :func:`supervision` returns an *unconfirmed* concept:

    * its ``uri`` is ``None`` and :attr:`Concept.confirmed` is false;
    * its label follows the pattern of the confirmed ones;
    * :meth:`Concept.to_elm` raises :class:`UnconfirmedConceptError` (a :class:`ValueError`),
      unless the caller passes a ``fallback_id`` of its own. In that case the concept is written
      *without* ``inScheme``, so the credential does not claim that an unknown IRI belongs to
      the EU list.

    microcred never invents an EU URI.

>>> eqf(6).uri
'http://data.europa.eu/snb/eqf/6'
>>> mode("onsite").label_en
'Presential'
>>> country("se").uri
'http://publications.europa.eu/resource/authority/country/SWE'
>>> alpha2_of("SWE"), alpha3_of("SE")
('SE', 'SWE')
>>> supervision("supervised-without-id").confirmed
False
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from ..errors import UnconfirmedConceptError

__all__ = [
    "ACCREDITATION",
    "ASSESSMENT",
    "COUNTRY",
    "CREDENTIAL_TYPE",
    "CREDIT",
    "EQF",
    "ISCED_F",
    "LEARNING_MODE",
    "LEARNING_OPPORTUNITY",
    "LEARNING_SETTING",
    "SCHEMES",
    "SUPERVISION",
    "SUPERVISION_NAMES",
    "Concept",
    "UnconfirmedConceptError",
    "accreditation",
    "alpha2_of",
    "alpha3_of",
    "assessment",
    "concepts",
    "country",
    "credential_type",
    "ects",
    "ecvet",
    "eqf",
    "from_uri",
    "isced_f",
    "learning_opportunity",
    "learning_setting",
    "mode",
    "supervision",
]

# ------------------------------------------------------------------------------ schemes

EQF = "http://data.europa.eu/snb/eqf/25831c2"
"""European Qualifications Framework levels 1–8."""
CREDIT = "http://data.europa.eu/snb/education-credit/25831c2"
"""Credit systems (ECTS, ECVET): the ``framework`` of an ELM ``CreditPoint``."""
ASSESSMENT = "http://data.europa.eu/snb/assessment/25831c2"
"""Assessment types (``LearningAssessmentSpecification.dcType``)."""
LEARNING_MODE = "http://data.europa.eu/snb/learning-assessment/25831c2"
"""Modes of learning and assessment (``mode``): online, presential, blended, work-based, ...
This is the scheme of ``europass-modes.xsd``, and the Annex I sample uses it for ``mode``."""
LEARNING_SETTING = "http://data.europa.eu/snb/learning-setting/25831c2"
"""Learning settings (formal / non-formal learning)."""
SUPERVISION = "http://data.europa.eu/snb/supervision-verification/25831c2"
"""Methods of supervision and identity verification (``LearningAssessment.idVerification``)."""
ACCREDITATION = "http://data.europa.eu/snb/accreditation/25831c2"
"""Accreditation / quality-assurance types (``Accreditation.dcType``)."""
CREDENTIAL_TYPE = "http://data.europa.eu/snb/credential/25831c2"
"""EDC credential profiles (``credentialProfiles``)."""
COUNTRY = "http://publications.europa.eu/resource/authority/country"
"""The EU country authority table (alpha-3 codes)."""
ISCED_F = "http://data.europa.eu/snb/isced-f/25831c2"
"""ISCED-F 2013 fields of education and training (``thematicArea``)."""
LEARNING_OPPORTUNITY = "http://data.europa.eu/snb/learning-opportunity/25831c2"
"""Learning-opportunity types (``LearningAchievementSpecification.dcType``)."""

SCHEMES: Mapping[str, str] = MappingProxyType(
    {
        "eqf": EQF,
        "credit": CREDIT,
        "assessment": ASSESSMENT,
        "learning_mode": LEARNING_MODE,
        "learning_setting": LEARNING_SETTING,
        "learning_opportunity": LEARNING_OPPORTUNITY,
        "accreditation": ACCREDITATION,
        "credential_type": CREDENTIAL_TYPE,
        "isced_f": ISCED_F,
        "country": COUNTRY,
        "supervision": SUPERVISION,
    }
)
"""Short scheme names (as :func:`concepts` accepts them) → scheme URIs."""

SUPERVISION_NAMES = (
    "supervised-with-id",
    "supervised-without-id",
    "unsupervised-with-id",
    "unsupervised-without-id",
)
"""The four Annex I supervision / identity-verification values, as :func:`supervision`
accepts them."""

_DATA_FILE = "eu_vocab.json"
_DATA_FORMAT = 1


@dataclass(frozen=True)
class Concept:
    """One concept of an EU vocabulary (a ``skos:Concept``).

    Attributes:
        uri: the concept's URI. It is ``None`` only for an *unconfirmed* concept, i.e. one
            whose EU URI no available source gives (two supervision values, see the module
            docstring).
        scheme: the URI of the concept scheme (one of the constants such as :data:`EQF`).
        notation: the value that ELM writes in the concept's ``notation``. The Commission's
            samples write ``"country"`` (the authority table's name) on EU country authority
            concepts and nothing on the ``data.europa.eu/snb`` lists, so this is ``"country"``
            or ``None``. It is not a country code: use :func:`alpha2_of` / :func:`alpha3_of`.
        label_en: the English preferred label, as in the source list.
    """

    uri: str | None
    scheme: str
    notation: str | None
    label_en: str

    @property
    def confirmed(self) -> bool:
        """Whether the concept has a known EU URI (``uri`` is not ``None``)."""
        return self.uri is not None

    def to_elm(
        self, *, label_lists: bool = False, fallback_id: str | None = None
    ) -> dict[str, Any]:
        """The concept in ELM JSON-LD form.

        By default this is the ELM 3.1 form of the Commission's Annex I sample credential
        (``Sample-MC-Annex1-unsigned.jsonld``): the label is a plain string, ``inScheme`` is
        typed, and ``notation`` appears only when the concept has one::

            {"id": uri, "type": "Concept",
             "inScheme": {"id": scheme, "type": "ConceptScheme"},
             "notation": "country",            # EU country authority concepts only
             "prefLabel": {"en": label_en}}

        With ``label_lists=True`` the label is wrapped in a list
        (``"prefLabel": {"en": [label_en]}``). This is the ELM 3.2 form that the EBSI EDC JSON
        Schema and its samples use.

        Args:
            label_lists: write ``prefLabel`` values as lists (ELM 3.2) instead of strings
                (ELM 3.1).
            fallback_id: for an unconfirmed concept only, the IRI to write instead of the
                unknown EU URI. The result is then ``{"id": fallback_id, "type": "Concept",
                "prefLabel": ...}``, with no ``inScheme`` and no ``notation``, because that IRI is
                not a member of the EU scheme. It is ignored for confirmed concepts.

        Returns:
            A new dict on each call, which the caller may change.

        Raises:
            UnconfirmedConceptError: the concept has no EU URI and no ``fallback_id`` was given.
            ValueError: ``fallback_id`` is not an absolute IRI (it has no ``:``).
        """
        label: str | list[str] = [self.label_en] if label_lists else self.label_en
        if self.uri is None:
            if fallback_id is None:
                raise UnconfirmedConceptError(
                    f"no EU vocabulary URI is known for {self.label_en!r} (scheme {self.scheme}); "
                    "pass fallback_id=... to write an IRI of your own"
                )
            if ":" not in fallback_id:
                raise ValueError(f"fallback_id must be an absolute IRI, not {fallback_id!r}")
            return {"id": fallback_id, "type": "Concept", "prefLabel": {"en": label}}
        elm: dict[str, Any] = {
            "id": self.uri,
            "type": "Concept",
            "inScheme": {"id": self.scheme, "type": "ConceptScheme"},
        }
        if self.notation is not None:
            elm["notation"] = self.notation
        elm["prefLabel"] = {"en": label}
        return elm


# ------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class _Vocabulary:
    schemes: dict[str, tuple[Concept, ...]]  # short name → concepts, in list order
    by_uri: dict[str, Concept]
    countries: dict[str, Concept]  # EU authority code (upper case) → concept
    alpha2_to_3: dict[str, str]
    alpha3_to_2: dict[str, str]


@cache
def _vocab() -> _Vocabulary:
    package = __name__.rpartition(".")[0]
    text = resources.files(package).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("format") != _DATA_FORMAT:
        raise RuntimeError(f"{_DATA_FILE}: format {data.get('format')!r} is not {_DATA_FORMAT}")
    schemes: dict[str, tuple[Concept, ...]] = {}
    by_uri: dict[str, Concept] = {}
    for name, scheme_uri in SCHEMES.items():
        entry = data["schemes"][name]
        if entry["scheme"] != scheme_uri:
            raise RuntimeError(
                f"{_DATA_FILE}: scheme {name} is {entry['scheme']}, not {scheme_uri}"
            )
        items = tuple(
            Concept(c["uri"], scheme_uri, entry["notation"], c["label"]) for c in entry["concepts"]
        )
        schemes[name] = items
        for concept in items:
            if concept.uri is not None:
                by_uri[concept.uri] = concept
    countries = {_code(c): c for c in schemes["country"]}
    alpha2_to_3: dict[str, str] = dict(data["iso3166_1"])
    alpha3_to_2 = {a3: a2 for a2, a3 in alpha2_to_3.items()}
    return _Vocabulary(schemes, by_uri, countries, alpha2_to_3, alpha3_to_2)


def _code(concept: Concept) -> str:
    """The EU authority code of a country concept (the last segment of its URI)."""
    assert concept.uri is not None  # every country concept has a URI
    return concept.uri.rsplit("/", 1)[1].upper()


def _norm(name: str) -> str:
    return " ".join(name.replace("-", " ").replace("_", " ").lower().split())


def _is_uri(text: str) -> bool:
    return "://" in text or text.startswith("urn:")


def _aliases(table: Mapping[str, str]) -> dict[str, str]:
    return {_norm(name): label for name, label in table.items()}


def _lookup(
    scheme: str, value: object, what: str, aliases: Mapping[str, str] | None = None
) -> Concept:
    """The concept of ``scheme`` named by ``value`` (label, alias or URI)."""
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected a name or URI string, not {type(value).__name__}")
    items = _vocab().schemes[scheme]
    text = value.strip()
    if _is_uri(text):
        for concept in items:
            if concept.uri == text:
                return concept
        raise ValueError(f"{text!r} is not a concept URI of the {what} list ({SCHEMES[scheme]})")
    table = _aliases(aliases or {})
    wanted = _norm(table.get(_norm(text), text))
    for concept in items:
        if _norm(concept.label_en) == wanted:
            return concept
    accepted = sorted({*(aliases or {}), *(c.label_en.lower() for c in items)})
    raise ValueError(
        f"unknown {what} {value!r}; accepted: {', '.join(repr(a) for a in accepted)} "
        f"(any case), or a concept URI of {SCHEMES[scheme]}"
    )


# ------------------------------------------------------------------------------ lookups


def concepts(scheme: str) -> tuple[Concept, ...]:
    """Every concept of a scheme, in the order of the source list.

    Args:
        scheme: a short name (a key of :data:`SCHEMES`, e.g. ``"assessment"``) or a scheme URI
            (e.g. :data:`ASSESSMENT`).

    Raises:
        ValueError: the scheme is not one microcred knows.
    """
    for name, uri in SCHEMES.items():
        if scheme in (name, uri):
            return _vocab().schemes[name]
    raise ValueError(f"unknown scheme {scheme!r}; known: {', '.join(SCHEMES)} or their URIs")


def from_uri(uri: str) -> Concept:
    """The concept with this URI, in any scheme of :data:`SCHEMES`.

    Raises:
        ValueError: no known concept has this URI (the message names the URI).
        TypeError: ``uri`` is not a string.
    """
    if not isinstance(uri, str):
        raise TypeError(f"expected a URI string, not {type(uri).__name__}")
    try:
        return _vocab().by_uri[uri.strip()]
    except KeyError:
        raise ValueError(f"unknown EU vocabulary URI {uri!r}") from None


def eqf(level: int) -> Concept:
    """The EQF level concept ``http://data.europa.eu/snb/eqf/<level>``.

    Raises:
        ValueError: ``level`` is not an ``int`` from 1 to 8 (``bool`` is refused).
    """
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 8:
        raise ValueError(f"EQF level must be an integer from 1 to 8, not {level!r}")
    return _lookup("eqf", f"http://data.europa.eu/snb/eqf/{level}", "EQF level")


_CREDIT = {
    "ects": "European Credit Transfer System",
    "ecvet": "European credit system for vocational education and training",
}


def ects() -> Concept:
    """The European Credit Transfer System (ECTS), a credit framework of :data:`CREDIT`."""
    return _lookup("credit", "ects", "credit system", _CREDIT)


def ecvet() -> Concept:
    """The European credit system for vocational education and training (ECVET)."""
    return _lookup("credit", "ecvet", "credit system", _CREDIT)


_ASSESSMENT = {
    "written exam": "written examination",
    "oral exam": "oral examination",
    "artifact assessment": "artefact assessment",
}


def assessment(name_or_uri: str) -> Concept:
    """An assessment type of :data:`ASSESSMENT`, given by its English label (for example
    ``"written examination"``, ``"oral examination"``, ``"project work"``,
    ``"artefact assessment"``, ``"quiz"``), by an alias (``"written exam"``, ``"oral exam"``) or
    by its URI.

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("assessment", name_or_uri, "assessment type", _ASSESSMENT)


_MODES = {
    "onsite": "Presential",
    "on site": "Presential",
    "in person": "Presential",
    "face to face": "Presential",
    "work-based": "Workbased",
}


def mode(name: str) -> Concept:
    """A mode of learning and assessment of :data:`LEARNING_MODE`.

    Accepted names: ``"online"``; ``"onsite"`` (also ``"on-site"``, ``"in person"``,
    ``"face-to-face"``, ``"presential"``); ``"blended"``; ``"work-based"`` (also
    ``"workbased"``); ``"project-based"``; ``"research-lab based"``; or the concept URI.

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("learning_mode", name, "mode", _MODES)


_SETTINGS = {"formal": "formal learning", "non-formal": "non-formal learning"}


def learning_setting(name: str) -> Concept:
    """A learning setting of :data:`LEARNING_SETTING`: ``"formal"`` or ``"non-formal"`` (or
    the labels ``"formal learning"`` / ``"non-formal learning"``, or the URI).

    The 2023-02 list has no concept for informal learning, so ``"informal"`` raises.

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("learning_setting", name, "learning setting", _SETTINGS)


_OPPORTUNITY = {
    "short learning program": "Short learning programme",
    "educational program": "Educational programme",
    "program module": "Programme module",
}


def learning_opportunity(name: str) -> Concept:
    """A learning-opportunity type of :data:`LEARNING_OPPORTUNITY` (``"Course"``,
    ``"Short learning programme"``, ``"MOOC"``, ...; US spellings of "programme" too).

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("learning_opportunity", name, "learning-opportunity type", _OPPORTUNITY)


_SUPERVISION = {
    "supervised-with-id": "Supervised with ID Verification",
    "supervised-without-id": "Supervised without ID Verification",
    "unsupervised-with-id": "Unsupervised with ID Verification",
    "unsupervised-without-id": "Unsupervised without ID Verification",
}


def supervision(name: str) -> Concept:
    """A supervision and identity-verification method of :data:`SUPERVISION`.

    Accepted: the four Annex I values of :data:`SUPERVISION_NAMES`, their English labels
    (``"Supervised with ID Verification"``, ...) or a confirmed URI.

    For ``"supervised-without-id"`` and ``"unsupervised-with-id"``, the concept returned is
    unconfirmed: ``uri`` is ``None``, :attr:`Concept.confirmed` is false and
    :meth:`Concept.to_elm` needs a ``fallback_id`` (see the module docstring).

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("supervision", name, "supervision value", _SUPERVISION)


_ACCREDITATION = {
    "institutional": "Institutional Quality Assurance",
    "institutional qa": "Institutional Quality Assurance",
    "programme": "Program Quality Assurance",
    "program": "Program Quality Assurance",
    "programme qa": "Program Quality Assurance",
    "program qa": "Program Quality Assurance",
    "programme quality assurance": "Program Quality Assurance",
    "institutional licence": "Institutional License",
    "programme licence": "Program License",
    "program licence": "Program License",
    "programme license": "Program License",
}


def accreditation(name: str) -> Concept:
    """An accreditation / quality-assurance type of :data:`ACCREDITATION`.

    Accepted names: ``"institutional qa"`` (or ``"institutional"``), ``"programme qa"`` (or
    ``"programme"`` / ``"program"``), ``"institutional licence"``, ``"programme licence"``
    (British or US spelling), the labels (``"Institutional Quality Assurance"``,
    ``"Program Quality Assurance"``, ``"Institutional License"``, ``"Program License"``), or
    the URI.

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("accreditation", name, "accreditation type", _ACCREDITATION)


def credential_type(name: str) -> Concept:
    """An EDC credential profile of :data:`CREDENTIAL_TYPE`: ``"generic"``,
    ``"qualification award"``, ``"diploma supplement"``, ``"learning activity"``,
    ``"learning entitlement"``, or the URI.

    Raises:
        ValueError: an unknown name (the message lists the accepted ones) or URI.
    """
    return _lookup("credential_type", name, "credential type", None)


def isced_f(code: str) -> Concept:
    """An ISCED-F 2013 field of :data:`ISCED_F`, by its code (``"0688"``, ``"06"``) or URI.

    Labels are not accepted, because the list repeats some labels at different levels.

    Raises:
        ValueError: an unknown code or URI.
        TypeError: ``code`` is not a string.
    """
    if not isinstance(code, str):
        raise TypeError(f"ISCED-F: expected a code or URI string, not {type(code).__name__}")
    text = code.strip()
    uri = text if _is_uri(text) else f"http://data.europa.eu/snb/isced-f/{text}"
    for concept in _vocab().schemes["isced_f"]:
        if concept.uri == uri:
            return concept
    raise ValueError(
        f"unknown ISCED-F field {code!r}; expected an ISCED-F 2013 code such as '0688' "
        f"(2 to 4 digits) or a concept URI of {ISCED_F}"
    )


# ------------------------------------------------------------------------------ countries


def country(code: str) -> Concept:
    """The EU country authority concept for a country (:data:`COUNTRY`).

    Args:
        code: an ISO 3166-1 alpha-2 code (``"SE"``), an alpha-3 / EU authority code
            (``"SWE"``; also the authority's own codes such as ``"1A0"`` for Kosovo), or the
            authority URI (``http://publications.europa.eu/resource/authority/country/SWE``).
            Codes are case-insensitive.

    Raises:
        ValueError: the code is unknown, or it is an ISO code that the EU authority list
            writes under a code of its own (e.g. ``"TF"``).
        TypeError: ``code`` is not a string.
    """
    if not isinstance(code, str):
        raise TypeError(f"country: expected a code or URI string, not {type(code).__name__}")
    vocab = _vocab()
    text = code.strip()
    if _is_uri(text):
        if text.startswith(COUNTRY + "/") and text.rsplit("/", 1)[1] in vocab.countries:
            return vocab.countries[text.rsplit("/", 1)[1]]
    else:
        key = text.upper()
        key = vocab.alpha2_to_3.get(key, key) if len(key) == 2 else key
        if key in vocab.countries:
            return vocab.countries[key]
    raise ValueError(
        f"unknown country {code!r}: expected an ISO 3166-1 alpha-2 code ('SE'), an alpha-3 code "
        f"('SWE') or a URI of the EU country authority ({COUNTRY}/SWE)"
    )


def _country_of(value: Concept | str) -> Concept:
    if isinstance(value, Concept):
        if value.scheme != COUNTRY or value.uri is None:
            raise ValueError(f"{value.label_en!r} is not a concept of the EU country authority")
        return value
    return country(value)


def alpha2_of(value: Concept | str) -> str:
    """The ISO 3166-1 alpha-2 code of a country, as OB 3.0 ``addressCountryCode`` needs it.

    Args:
        value: a country :class:`Concept`, or anything :func:`country` accepts.

    >>> alpha2_of(country("DEU"))
    'DE'

    Raises:
        ValueError: unknown country, or one with no ISO alpha-2 code (EU authority entries
            such as ``1A0`` Kosovo, ``EUR`` European Union, ``CPT`` Clipperton).
    """
    concept = _country_of(value)
    code = _code(concept)
    try:
        return _vocab().alpha3_to_2[code]
    except KeyError:
        raise ValueError(f"{concept.label_en} ({code}) has no ISO 3166-1 alpha-2 code") from None


def alpha3_of(value: Concept | str) -> str:
    """The ISO 3166-1 alpha-3 code of a country. This is the code of the EU country authority
    URI that ELM uses (``…/country/SWE``).

    Args:
        value: a country :class:`Concept`, or anything :func:`country` accepts.

    Raises:
        ValueError: unknown country, or an EU authority entry that is not an ISO 3166-1 country
            (``1A0``, ``EUR``, ``CPT``, ``FQ0``, ``OP_DATPRO``). For those, use
            ``country(...).uri``.
    """
    concept = _country_of(value)
    code = _code(concept)
    if code not in _vocab().alpha3_to_2:
        raise ValueError(f"{concept.label_en} ({code}) is not an ISO 3166-1 alpha-3 code")
    return code
