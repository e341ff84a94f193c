"""Swedish presets: credits, levels, grading scales, personal identity numbers, identifiers.

* **Credits.** A högskolepoäng (HP) equals one ECTS credit (60 HP is a year of full-time study,
  as 60 ECTS): :func:`hp_to_ects`.
* **Levels.** Swedish higher education has three levels (*grundnivå*, *avancerad nivå*,
  *forskarnivå*) which are the QF-EHEA first, second and third cycles and EQF levels 6, 7, 8:
  :func:`level_from_se`, which also reads the progression codes of course levels (``G1N``,
  ``A1F``, ...). The Swedish qualifications framework SeQF is referenced to the EQF level by
  level: :func:`level_from_seqf` (no cycle: an SeQF level is not a higher-education cycle).
* **Grading scales.** ``U/G/VG``, ``U/G``, ``A-F`` (the ECTS grading scale), ``U/3/4/5``:
  :func:`scale`, :func:`check_grade`, :func:`is_pass`. Only ``A-F`` has an ECTS equivalent; no
  national equivalence is defined for the others, and microcred does not invent one.
* **Personal identity numbers** (*personnummer*, and *samordningsnummer* whose day is +60):
  :func:`parse_personal_number` checks the date and the Luhn check digit and gives the
  canonical 12 digits; it never echoes the number in an error or a repr. By default it goes
  into no credential at all (see :mod:`microcred.model.identity`); an issuer who opts in gets
  a keyed hash (HMAC-SHA256 with an issuer-held secret) or the OB 3.0 salted SHA-256
  ``IdentityObject`` (:func:`personal_number_identity`), which anyone can reverse by trying
  the few thousand numbers of a birth date. :func:`identity_matches` tests a candidate
  against either.
* **Identifiers.** Ladok student UIDs (UUIDs), the European Student Identifier (ESI, a
  ``urn:schac:personalUniqueCode:int:esi:...`` URN) and course codes (→ ``humanCode``).

>>> hp_to_ects("7,5")
Decimal('7.5')
>>> level_from_se("avancerad nivå").eqf
7
>>> parse_personal_number("19121212-1212").canonical == "191212121212"
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ..identity import KEYED_HASH_PREFIX, keyed_identity_object, keyed_matches

__all__ = [
    "SCALES",
    "GradingScale",
    "Level",
    "PersonalNumber",
    "check_grade",
    "course_code",
    "esi",
    "esi_for",
    "hp_to_ects",
    "identity_matches",
    "identity_object",
    "is_pass",
    "ladok_uid",
    "level_from_se",
    "level_from_seqf",
    "parse_personal_number",
    "personal_number_identity",
    "scale",
]


def hp_to_ects(hp: float | int | str | Decimal) -> Decimal:
    """ECTS credits for ``hp`` högskolepoäng (1:1); accepts ``"7,5"`` and ``"7.5"``.

    Raises:
        ValueError: not a number, negative, or over 1000.
    """
    if isinstance(hp, bool):
        raise ValueError(f"not a number of credits: {hp!r}")
    try:
        value = Decimal(str(hp).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not a number of credits: {hp!r}") from None
    if not value.is_finite() or value < 0 or value > 1000:
        raise ValueError(f"credits must be between 0 and 1000, not {hp!r}")
    return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))


@dataclass(frozen=True)
class Level:
    """A level: EQF level, QF-EHEA cycle (None outside higher education), Swedish and English
    names."""

    eqf: int
    cycle: int | None
    label_sv: str
    label_en: str


_CYCLES = {
    1: Level(6, 1, "grundnivå", "first cycle"),
    2: Level(7, 2, "avancerad nivå", "second cycle"),
    3: Level(8, 3, "forskarnivå", "third cycle"),
}
_LEVEL_NAMES = {
    "grundnivå": 1,
    "grundniva": 1,
    "first cycle": 1,
    "avancerad nivå": 2,
    "avancerad niva": 2,
    "second cycle": 2,
    "forskarnivå": 3,
    "forskarniva": 3,
    "third cycle": 3,
}
_PROGRESSION = re.compile(r"^(G1N|G1F|G1E|G2F|G2E|GXX|A1N|A1F|A1E|A2E|AXX)$")


def level_from_se(name: str) -> Level:
    """The level for a Swedish level name or course progression code (case-insensitive).

    Raises:
        ValueError: not a known name or code (the message lists the accepted ones).
    """
    key = " ".join(str(name).strip().lower().split())
    if key in _LEVEL_NAMES:
        return _CYCLES[_LEVEL_NAMES[key]]
    code = key.upper()
    if _PROGRESSION.match(code):
        return _CYCLES[1 if code.startswith("G") else 2]
    raise ValueError(
        f"unknown Swedish level {name!r}; accepted: {', '.join(sorted(_LEVEL_NAMES))}, "
        "or a progression code (G1N, G1F, G1E, G2F, G2E, GXX, A1N, A1F, A1E, A2E, AXX)"
    )


def level_from_seqf(level: int) -> Level:
    """The EQF level of an SeQF level (1–8, referenced level by level); no cycle."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 8:
        raise ValueError(f"SeQF level must be an integer from 1 to 8, not {level!r}")
    return Level(level, None, f"SeQF-nivå {level}", f"SeQF level {level}")


@dataclass(frozen=True)
class GradingScale:
    """A grading scale; ``values`` run from the lowest grade to the highest."""

    id: str
    label_sv: str
    label_en: str
    values: tuple[str, ...]
    passing: frozenset[str]
    ects_equivalent: Mapping[str, str] | None = field(default=None)


SCALES: dict[str, GradingScale] = {
    s.id: s
    for s in (
        GradingScale(
            "U/G/VG",
            "Underkänd, Godkänd, Väl godkänd",
            "Fail, Pass, Pass with distinction",
            ("U", "G", "VG"),
            frozenset({"G", "VG"}),
        ),
        GradingScale("U/G", "Underkänd, Godkänd", "Fail, Pass", ("U", "G"), frozenset({"G"})),
        GradingScale(
            "A-F",
            "A–F (ECTS-skalan)",
            "A–F (the ECTS grading scale)",
            ("F", "FX", "E", "D", "C", "B", "A"),
            frozenset({"A", "B", "C", "D", "E"}),
            {g: g for g in ("A", "B", "C", "D", "E", "FX", "F")},
        ),
        GradingScale(
            "U/3/4/5",
            "Underkänd, 3, 4, 5",
            "Fail, 3, 4, 5",
            ("U", "3", "4", "5"),
            frozenset({"3", "4", "5"}),
        ),
    )
}
_SCALE_ALIASES = {
    "a–f": "A-F",
    "a-f": "A-F",
    "ects": "A-F",
    "u-g-vg": "U/G/VG",
    "u/3/4/5": "U/3/4/5",
}


def scale(name: str) -> GradingScale:
    """The grading scale called ``name`` (``U/G/VG``, ``U/G``, ``A-F`` or ``A–F``, ``U/3/4/5``)."""
    key = str(name).strip()
    found = SCALES.get(key.upper()) or SCALES.get(_SCALE_ALIASES.get(key.lower(), ""))
    if found is None:
        raise ValueError(f"unknown grading scale {name!r}; known: {', '.join(SCALES)}")
    return found


def check_grade(value: str, scale_name: str) -> str:
    """The grade normalised (case, spaces, ``Fx`` → ``FX``); ``ValueError`` if not on the scale."""
    chosen = scale(scale_name)
    grade = str(value).strip().upper()
    if grade not in chosen.values:
        raise ValueError(
            f"grade {value!r} is not on the {chosen.id} scale ({', '.join(chosen.values)})"
        )
    return grade


def is_pass(value: str, scale_name: str) -> bool:
    """Whether ``value`` is a passing grade on the scale."""
    return check_grade(value, scale_name) in scale(scale_name).passing


# ----------------------------------------------------------------------- personal numbers

_PERSONAL = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for position, char in enumerate(ten_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


@dataclass(frozen=True)
class PersonalNumber:
    """A checked Swedish personal identity or coordination number. ``repr`` masks it."""

    canonical: str = field(repr=False)
    kind: Literal["personnummer", "samordningsnummer"]
    birth_date: date = field(repr=False)

    def __repr__(self) -> str:
        return f"PersonalNumber({self.kind}, ********-****)"

    __str__ = __repr__


def parse_personal_number(value: str, *, today: date | None = None) -> PersonalNumber:
    """Check a personnummer / samordningsnummer and give its canonical 12-digit form.

    Accepts ``YYYYMMDD-NNNC``, ``YYYYMMDDNNNC``, ``YYMMDD-NNNC``, ``YYMMDDNNNC`` and
    ``YYMMDD+NNNC`` (``+``: aged 100 or more). A two-digit year is resolved against ``today``
    (default: the current date; inject it for reproducible results).

    Raises:
        ValueError: malformed, impossible date, or wrong check digit. The message never
            contains the number.
    """
    if not isinstance(value, str):
        raise TypeError("a personal identity number is a string")
    match = _PERSONAL.match(value.strip().replace(" ", ""))
    if match is None:
        raise ValueError("not a Swedish personal identity number (expected YYYYMMDD-NNNC)")
    century, yy, mm, dd, sign, serial, check = match.groups()
    if not _luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
        raise ValueError("the personal identity number's check digit is wrong")
    day = int(dd)
    kind: Literal["personnummer", "samordningsnummer"] = "personnummer"
    if day > 60:
        kind, day = "samordningsnummer", day - 60
    reference = today or date.today()
    if century is not None:
        year = int(century + yy)
    else:
        year = (reference.year // 100) * 100 + int(yy)
        if year > reference.year:
            year -= 100
        if sign == "+":
            year -= 100
    try:
        born = date(year, int(mm), day)
    except ValueError:
        raise ValueError("the personal identity number holds an impossible date") from None
    if born > reference:
        raise ValueError("the personal identity number's date is in the future")
    return PersonalNumber(f"{year:04d}{mm}{dd}{serial}{check}", kind, born)


# ----------------------------------------------------------------------- identity hashing


def identity_object(
    value: str, *, identity_type: str = "nationalIdentityNumber", salt: str | None = None
) -> dict[str, Any]:
    """An OB 3.0 ``IdentityObject`` holding ``sha256$<hex>`` of ``value + salt`` (UTF-8).

    ``salt`` defaults to 16 fresh random bytes (hex). The salt is written beside the hash, so
    this hides nothing from anyone who can list the candidates (a personal number, an e-mail
    address): prefer leaving the value out, or :func:`personal_number_identity` with ``key=``.
    """
    chosen = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256((value + chosen).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": chosen,
    }


def personal_number_identity(
    value: str, *, salt: str | None = None, today: date | None = None, key: bytes | None = None
) -> dict[str, Any]:
    """The hashed ``IdentityObject`` of a personal number, over its canonical 12 digits (so
    any accepted spelling gives the same hash).

    With ``key`` (the issuer's identity secret, at least 32 bytes) it is the keyed hash
    ``hmac-sha256$<hex>`` (:func:`microcred.model.identity.keyed_identity_object`; ``salt`` is
    not used): only a holder of the key can test a guess. Without it, the OB 3.0 salted
    SHA-256 hash (:func:`identity_object`), which anyone can reverse in seconds.

    Raises:
        ValueError: not a valid personal number, or a key that is too short.
    """
    canonical = parse_personal_number(value, today=today).canonical
    if key is not None:
        return keyed_identity_object(canonical, key=key, identity_type="nationalIdentityNumber")
    return identity_object(canonical, identity_type="nationalIdentityNumber", salt=salt)


def identity_matches(
    identity: Mapping[str, Any],
    candidate: str,
    *,
    today: date | None = None,
    key: bytes | Sequence[bytes] | None = None,
) -> bool:
    """Whether ``candidate`` is the value in ``identity``: in clear, an OB 3.0 hash
    (``sha256$`` or ``md5$`` of value + ``salt``) or microcred's keyed hash
    (``hmac-sha256$``, tested with ``key``: the issuer's identity secret, or a list of
    secrets, the current one and retired ones).

    A national identity number is compared in its canonical form when it parses as one; for
    a keyed hash an e-mail address is compared trimmed and in lower case (as it was hashed).

    Raises:
        ValueError: ``identity`` is a keyed hash and no ``key`` is given (or it is too short).
    """
    stored = identity.get("identityHash")
    if not isinstance(stored, str):
        return False
    if not identity.get("hashed"):
        return hmac.compare_digest(stored, candidate)
    kind = identity.get("identityType")
    value = candidate
    if kind == "nationalIdentityNumber":
        try:
            value = parse_personal_number(candidate, today=today).canonical
        except ValueError:
            value = candidate
    if stored.lower().startswith(KEYED_HASH_PREFIX):
        if key is None:
            raise ValueError(
                "this identity is a keyed hash (hmac-sha256): only the issuer's identity key "
                "can test it (key=)"
            )
        if kind == "emailAddress":
            value = value.strip().lower()
        return keyed_matches(stored, value, key=key, identity_type=str(kind))
    algorithm, _, expected = stored.partition("$")
    if algorithm not in ("sha256", "md5") or not expected:
        return False
    salt = identity.get("salt") or ""
    digest = hashlib.new(algorithm, (value + str(salt)).encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest, expected.lower())


# ----------------------------------------------------------------------- identifiers

_ESI = re.compile(r"^urn:schac:personaluniquecode:int:esi:([a-z]{2}):(.+)$", re.I)


def ladok_uid(value: str) -> str:
    """A Ladok student UID (a UUID), lowercase."""
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise ValueError(f"not a Ladok UID (a UUID): {value!r}") from None


def esi(value: str) -> str:
    """A European Student Identifier URN, checked (prefix case normalised)."""
    match = _ESI.match(str(value).strip())
    if match is None or not match.group(2).strip():
        raise ValueError(
            "not a European Student Identifier "
            "(urn:schac:personalUniqueCode:int:esi:<country>:<code>)"
        )
    return f"urn:schac:personalUniqueCode:int:esi:{match.group(1).lower()}:{match.group(2)}"


def esi_for(code: str, country: str = "se") -> str:
    """The ESI URN for a national student code."""
    return esi(f"urn:schac:personalUniqueCode:int:esi:{country}:{code}")


def course_code(value: str) -> str:
    """A Swedish course code (``DA123A``, ``1MA001``), uppercase; becomes ``humanCode``."""
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,10}", code):
        raise ValueError(f"not a course code (2–10 letters and digits): {value!r}")
    return code
