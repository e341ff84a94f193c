"""Validators of microcred's own schemas, read from ``schemas/`` in this checkout.

The files are loaded into a ``referencing`` registry by their ``$id``; any reference to
something else fails (the registry's ``retrieve`` refuses), so a test can never reach the
network through a ``$ref``. Formats are checked with the checker microcred validates with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import specification_with

from microcred import _schemas

ROOT = Path(__file__).resolve().parents[2]
OUR_SCHEMAS = ROOT / "schemas"
OUR_BASE = "https://microcred.dev/schemas/"


def _refuse(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs class


def offline_registry(schemas: list[dict[str, Any]]) -> Registry[Any]:
    """A registry holding ``schemas`` (by ``$id``, each under its own ``$schema``), no more."""
    resources = [
        (schema["$id"], specification_with(schema["$schema"]).create_resource(schema))
        for schema in schemas
    ]
    registry: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return registry.with_resources(resources)


def make_validator(schema: dict[str, Any], registry: Registry[Any]) -> Validator:
    """A validator of the draft ``schema`` declares, with microcred's format checker."""
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=registry, format_checker=_schemas.FORMATS)


def our_schema_files() -> dict[str, dict[str, Any]]:
    """File name → schema, for every JSON file in ``schemas/``."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(OUR_SCHEMAS.glob("*.json"))
    }


@pytest.fixture(scope="session")
def our_schema() -> Callable[[str], Validator]:
    """``our_schema("ob3-profile.json")``: a validator of that file of ``schemas/``."""
    files = our_schema_files()
    registry = offline_registry(list(files.values()))

    def validator(name: str) -> Validator:
        return make_validator(files[name], registry)

    return validator


@pytest.fixture(scope="session")
def offline_validator() -> Callable[[dict[str, Any], list[dict[str, Any]]], Validator]:
    """``offline_validator(root, schemas)``: a validator of ``root`` whose ``$ref``s resolve
    in ``schemas`` only."""

    def validator(root: dict[str, Any], schemas: list[dict[str, Any]]) -> Validator:
        return make_validator(root, offline_registry(schemas))

    return validator
