"""``validate()``: does a document have the shape a profile requires? (No signatures.)

Profiles:

* ``ob3``: an Open Badges 3.0 AchievementCredential/OpenBadgeCredential, EndorsementCredential,
  Profile or Achievement, by its ``type``;
* ``clr``: a CLR 2.0 ClrCredential;
* ``eu-microcredential``: an OB 3.0 credential carrying every mandatory element of the EU
  micro-credential (Council Recommendation 2022/C 243/02, Annex I) in microcred's form;
* ``elm``: an ELM v3 European Digital Credential as microcred reads and writes it;
* ``auto``: chosen from the document's ``type`` and ``@context``.

A JWT is validated on the credential it carries (its signature is not checked: that is
``verify()``'s job). A bad document never raises: problems are reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._input import read_input
from ._profiles import PROFILES, Profile
from ._schemas import SchemaProblem, validate_with
from ._vc import types_of
from .errors import MicrocredError, ValidationError
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["PROFILES", "Profile", "ValidationError", "ValidationReport", "validate"]


_OB3_CREDENTIALS = {"AchievementCredential", "OpenBadgeCredential"}


@dataclass
class ValidationReport:
    """The result of :func:`validate`.

    Attributes:
        profile: the profile applied (``auto`` resolved to a concrete one).
        schemas: the shipped schemas the document was checked against, in order.
        problems: every violation, with JSON path and rule.
        document: the validated JSON (for a JWT, the credential it carries), if readable.
    """

    profile: str
    schemas: list[str] = field(default_factory=list)
    problems: list[SchemaProblem] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        """True when the document was read and no rule failed."""
        return self.document is not None and not self.problems

    def to_json(self) -> dict[str, Any]:
        """The report as the JSON object the CLI prints (``input`` is added by the CLI)."""
        return {
            "valid": self.valid,
            "profile": self.profile,
            "schemas": list(self.schemas),
            "problems": [p.to_json() for p in self.problems],
        }

    def __str__(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    def raise_for_problems(self) -> None:
        """Raise :class:`ValidationError` unless the document is valid."""
        if not self.valid:
            raise ValidationError(self)


def _credential_of_jwt(token: str, limits: Limits) -> dict[str, Any]:
    from .jose import credential_unverified

    return credential_unverified(token, max_bytes=limits.max_jwt_bytes)


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    context = document.get("@context")
    return context if isinstance(context, list) else [context]


def resolve_profile(document: Mapping[str, Any]) -> str:
    """The profile ``auto`` picks for ``document``."""
    types = set(types_of(document))
    if "ClrCredential" in types:
        return "clr"
    if "EuropeanDigitalCredential" in types:
        return "elm"
    from .model.eu import EU_CONTEXT

    if EU_CONTEXT in _contexts(document):
        return "eu-microcredential"
    return "ob3"


def _ob3_schema(document: Mapping[str, Any]) -> str | None:
    types = set(types_of(document))
    if types & _OB3_CREDENTIALS:
        return "ob3-achievementcredential"
    if "EndorsementCredential" in types:
        return "ob3-endorsementcredential"
    if "Achievement" in types:
        return "ob3-achievement"
    if types & {"Profile", "Issuer"}:
        return "ob3-profile"
    return None


def schemas_for(profile: str, document: Mapping[str, Any]) -> list[str] | str:
    """The shipped schemas a profile applies to ``document``, or why none applies."""
    if profile == "clr":
        return ["clr2-clrcredential"]
    if profile == "elm":
        return ["elm-edc"]
    ob3 = _ob3_schema(document)
    if profile == "eu-microcredential":
        if ob3 != "ob3-achievementcredential":
            return "an EU micro-credential is an OB 3.0 AchievementCredential/OpenBadgeCredential"
        return ["ob3-achievementcredential", "eu-microcredential"]
    if ob3 is None:
        return (
            "type names no OB 3.0 document (AchievementCredential, OpenBadgeCredential, "
            "EndorsementCredential, Achievement, Profile)"
        )
    return [ob3]


def validate(
    document: Any, profile: str = "auto", *, limits: Limits = DEFAULT_LIMITS
) -> ValidationReport:
    """Validate ``document`` against a profile's JSON Schemas (offline; no signature check).

    Args:
        document: a dict, JSON text/bytes, a compact JWT, or a baked PNG/SVG's bytes.
        profile: one of :data:`PROFILES`.
        limits: input limits.

    Returns:
        A :class:`ValidationReport`; unreadable input is a report with one ``$`` problem.

    Raises:
        ValueError: unknown ``profile``.
        TypeError: ``document`` is of an unsupported type.

    >>> validate({"type": ["VerifiableCredential"]}, "ob3").problems[0].rule
    'profile#type'
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    report = ValidationReport(profile=profile)
    try:
        value, _ = read_input(document, limits=limits)
        parsed = _credential_of_jwt(value, limits) if isinstance(value, str) else value
    except MicrocredError as exc:
        report.problems.append(SchemaProblem("$", "input", str(exc)))
        return report
    report.document = parsed
    if profile == "auto":
        report.profile = resolve_profile(parsed)
    chosen = schemas_for(report.profile, parsed)
    if isinstance(chosen, str):
        report.problems.append(SchemaProblem("$.type", "profile#type", chosen))
        return report
    for name in chosen:
        report.schemas.append(name)
        report.problems.extend(validate_with(name, parsed))
    if report.profile == "eu-microcredential":
        report.problems.extend(_annex_i_problems(parsed))
    return report


def _annex_i_problems(document: dict[str, Any]) -> list[SchemaProblem]:
    """Name each mandatory Annex I element the credential does not carry."""
    from pydantic import ValidationError as ModelError

    from .model import MicroCredential

    where = "$.credentialSubject.achievement.euMicroCredential"
    try:
        form = MicroCredential.from_ob3(document)
    except (ModelError, ValueError, TypeError) as exc:
        first = str(exc).splitlines()[0:3]
        return [
            SchemaProblem(
                where, "annex-i#form", "cannot read the Annex I elements: " + " ".join(first)
            )
        ]
    return [
        SchemaProblem(
            where,
            f"annex-i#{element.replace(' ', '-')}",
            f"mandatory Annex I element missing: {element}",
        )
        for element in form.missing
    ]
