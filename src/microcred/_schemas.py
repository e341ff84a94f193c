"""The JSON Schemas microcred ships (``schemas/``), served offline through one registry.

Every schema file carries an ``$id`` under ``https://microcred.dev/schemas/``; ``$ref``s between
them resolve from this registry, and any other reference is an error: nothing is ever fetched.
The official schema URLs that credentials name in ``credentialSchema`` map to our equivalents
(:data:`KNOWN_SCHEMA_URLS`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from ._data import data_dir
from ._vc import parse_datetime

if TYPE_CHECKING:  # jsonschema loads when a schema is first used, not with microcred
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError
    from referencing import Registry, Resource

__all__ = [
    "KNOWN_SCHEMA_URLS",
    "SCHEMA_BASE",
    "SchemaProblem",
    "schema_names",
    "validate_with",
]

SCHEMA_BASE = "https://microcred.dev/schemas/"

# Official schema URLs (as credentials cite them in credentialSchema) → our offline equivalent.
_OB3_SCHEMAS = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
_CLR2_SCHEMAS = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/"
# The official AchievementCredential and EndorsementCredential schemas describe the VC 2.0
# classes only, so they map to those classes alone; the "any" schemas (OB 3.0 §B.9) also take
# the VC 1.1 classes, as our top-level files do.
KNOWN_SCHEMA_URLS: Mapping[str, str] = {
    f"{_OB3_SCHEMAS}ob_v3p0_achievementcredential_schema.json": (
        "ob3-common#/$defs/AchievementCredential"
    ),
    f"{_OB3_SCHEMAS}ob_v3p0_endorsementcredential_schema.json": (
        "ob3-common#/$defs/EndorsementCredential"
    ),
    f"{_OB3_SCHEMAS}ob_v3p0_anyachievementcredential_schema.json": "ob3-achievementcredential",
    f"{_OB3_SCHEMAS}ob_v3p0_anyendorsementcredential_schema.json": "ob3-endorsementcredential",
    f"{_OB3_SCHEMAS}ob_v3p0_profile_schema.json": "ob3-profile",
    f"{_CLR2_SCHEMAS}clr_v2p0_clrcredential_schema.json": "clr2-clrcredential",
}

_MAX_MESSAGE = 240
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation.

    Attributes:
        path: JSON path of the offending value (``$.credentialSubject.achievement.name``).
        rule: the schema rule that failed, as ``<schema name>#<schema path>``.
        message: a readable sentence (values are shortened).
    """

    path: str
    rule: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The problem as a JSON object."""
        return {"path": self.path, "rule": self.rule, "message": self.message}


def _resources() -> Iterator[tuple[str, dict[str, Any]]]:
    folder = data_dir("schemas")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            schema = json.loads(entry.read_text(encoding="utf-8"))
            if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
                yield schema["$id"], schema


def _refuse(uri: str) -> Resource[Any]:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs class


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    pairs = [(uri, DRAFT202012.create_resource(schema)) for uri, schema in _resources()]
    registry: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return registry.with_resources(pairs)


@cache
def schema_names() -> list[str]:
    """Names of the shipped schemas (file names without ``.json``)."""
    return sorted(uri[len(SCHEMA_BASE) : -len(".json")] for uri, _ in _resources())


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE_TIME.match(value)) and parse_datetime(value) is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


# Formats are checked by our own functions so the verdict never depends on which optional
# packages happen to be installed (jsonschema skips date-time silently without one).
@cache
def _formats() -> FormatChecker:
    from jsonschema import FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date-time")(_is_date_time)
    formats.checks("date")(_is_date)
    return formats


def __getattr__(name: str) -> Any:
    """``FORMATS``: the format checker every shipped schema is validated with (built on first
    use, with jsonschema)."""
    if name == "FORMATS":
        return _formats()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator
    from referencing.exceptions import Unresolvable

    file, _, pointer = name.partition("#")
    uri = f"{SCHEMA_BASE}{file}.json"
    try:
        schema: Any = _registry().contents(uri)
        if pointer:
            _registry().resolver().lookup(f"{uri}#{pointer}")
            schema = {"$ref": f"{uri}#{pointer}"}
    except Unresolvable:
        raise ValueError(
            f"no shipped schema {name!r}; known: {', '.join(schema_names())}"
            " (or one of their $defs, as NAME#/$defs/CLASS)"
        ) from None
    return Draft202012Validator(schema, registry=_registry(), format_checker=_formats())


def _json_path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The most specific errors: for ``anyOf``/``oneOf`` the best matching branch's errors."""
    if error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best is not error:
            yield from _leaves(best)
            return
    yield error


def validate_with(name: str, document: Any) -> list[SchemaProblem]:
    """Validate ``document`` against the shipped schema ``name``; ``[]`` when valid.

    ``name`` is a file name without ``.json`` (see :func:`schema_names`), optionally with a
    JSON pointer to one of its definitions: ``"ob3-common#/$defs/AchievementCredential"``.

    Raises:
        ValueError: ``name`` is not a shipped schema.
    """
    validator = _validator(name)
    base = f"{name}/" if "#" in name else f"{name}#/"
    problems: list[SchemaProblem] = []
    seen: set[tuple[str, str, str]] = set()
    for error in sorted(validator.iter_errors(document), key=_json_path):
        for leaf in _leaves(error):
            rule = base + "/".join(str(p) for p in leaf.absolute_schema_path)
            message = _shorten(leaf.message)
            key = (_json_path(leaf), rule, message)
            if key in seen:
                continue
            seen.add(key)
            problems.append(SchemaProblem(key[0], rule, message))
    return problems
