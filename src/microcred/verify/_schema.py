"""``credentialSchema`` of the W3C VC JSON Schema specification: ``JsonSchema`` (the entry's
``id`` is the schema) and ``JsonSchemaCredential`` (the ``id`` is a credential whose
``credentialSubject`` has ``type: JsonSchema`` and the schema in ``jsonSchema``).

Schemas come from the caller (``verify(..., schemas={url: schema})``), and from the network
only through a fetcher the caller gives (``schema_fetcher=``); nothing is fetched otherwise.
A ``$ref`` resolves only against the schemas of that registry: a remote ``$ref`` is never
fetched. The outcomes follow the specification's "Evaluation" section: *success* (the
``schema`` check passes), *failure* (it fails), *indeterminate* (it is an ``error``: a schema
without ``$schema`` or ``$id``, a JSON Schema version microcred does not support, a ``$ref``
outside the registry, a schema credential that does not verify).

Messages name the schema rule and the path, never the value found there (a credential's
values may be personal data).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _json
from ..errors import MicrocredError
from ..report import VerificationReport
from ._options import VerifyOptions

if TYPE_CHECKING:  # jsonschema and referencing are imported when a schema is applied
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing import Registry, Resource

__all__ = ["JSON_SCHEMA_TYPES", "SUPPORTED_DRAFTS", "check_json_schema"]

#: The ``credentialSchema`` types of the VC JSON Schema specification.
JSON_SCHEMA_TYPES = frozenset({"JsonSchema", "JsonSchemaCredential"})
#: ``$schema`` values microcred validates with (2020-12 is the one the specification requires).
SUPPORTED_DRAFTS = frozenset(
    {
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-07/schema",
    }
)


def _validator_class(version: str) -> type[Validator]:
    from jsonschema import Draft7Validator, Draft201909Validator, Draft202012Validator

    if "2020-12" in version:
        return Draft202012Validator
    if "2019-09" in version:
        return Draft201909Validator
    return Draft7Validator


_ACCEPT = "application/schema+json, application/json, application/vc+jwt, application/vc"
_SRI = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_MAX_PROBLEMS = 20
_MAX_RULE = 120

#: Verifies a ``JsonSchemaCredential`` (the pipeline's own verification, given by it).
CredentialVerifier = Callable[[Any], VerificationReport]


class _IndeterminateError(Exception):
    """The schema could not be applied (the ``schema`` check is an ``error``)."""


class _NotAvailableError(Exception):
    """The schema is neither in the registry nor fetchable (the check is skipped)."""


def _refuse(uri: str) -> Resource[Any]:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs class


def _parse(value: Any, url: str, options: VerifyOptions) -> tuple[Any, bytes | None]:
    """``(JSON value or JWT text, the raw bytes when known)`` of a registry entry or a body."""
    if isinstance(value, Mapping):
        return dict(value), None
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    text = raw.decode("utf-8", errors="replace").strip()
    if text.count(".") == 2 and not text.startswith(("{", "[")):
        return text, raw  # a compact JWS: a JsonSchemaCredential secured as a JWT
    try:
        return _json.loads(raw, limits=options.limits), raw
    except MicrocredError as exc:
        raise _IndeterminateError(f"{url[:120]} is not JSON: {exc}") from None


def _obtain(url: str, options: VerifyOptions) -> tuple[Any, bytes | None, bool]:
    """``(value, raw bytes, fetched)`` for ``url``: the caller's registry first, then the
    caller's fetcher."""
    if url in options.schemas:
        value, raw = _parse(options.schemas[url], url, options)
        return value, raw, False
    if options.schema_fetcher is None:
        raise _NotAvailableError(url)
    try:
        body = options.schema_fetcher.fetch(
            url, accept=_ACCEPT, max_bytes=options.limits.max_context_bytes
        )
    except MicrocredError as exc:
        raise _IndeterminateError(f"{url[:120]} could not be fetched: {exc}") from None
    value, raw = _parse(body, url, options)
    return value, raw, True


def _check_digest(entry: Mapping[str, Any], raw: bytes | None, url: str) -> str | None:
    """A failure message when the entry's ``digestSRI`` does not match ``raw``; ``None`` when
    it matches or there is none. Raises :class:`_IndeterminateError` when it cannot be checked."""
    sri = entry.get("digestSRI")
    if sri is None:
        return None
    if not isinstance(sri, str) or "-" not in sri:
        return "digestSRI is not an SRI value (sha384-<base64>)"
    algorithm, _, expected = sri.partition("-")
    digest = _SRI.get(algorithm.lower())
    if digest is None:
        raise _IndeterminateError(f"digestSRI algorithm {algorithm[:20]!r} is not supported")
    if raw is None:
        raise _IndeterminateError(
            f"the digestSRI of {url[:120]} cannot be checked: the registry holds it as an "
            "object, not as its bytes"
        )
    if base64.b64encode(digest(raw).digest()).decode("ascii") != expected.strip():
        return f"the schema at {url[:120]} does not match the credential's digestSRI"
    return None


def _schema_of_credential(
    value: Any, fetched: bool, url: str, verify_credential: CredentialVerifier
) -> Any:
    """The ``jsonSchema`` a ``JsonSchemaCredential`` carries, after verifying it when it is
    secured or was fetched (a credential from the caller's registry without a proof is the
    caller's own)."""
    secured = isinstance(value, str) or (isinstance(value, dict) and "proof" in value)
    if fetched or secured:
        report = verify_credential(value)
        if not report.verified:
            first = report.failed[0].message if report.failed else report.outcome
            raise _IndeterminateError(
                f"the schema credential {url[:120]} does not verify ({report.outcome}: {first})"
            )
        value = report.document
    if not isinstance(value, dict):
        raise _IndeterminateError(f"{url[:120]} is not a credential")
    types = value.get("type")
    types = types if isinstance(types, list) else [types]
    if "JsonSchemaCredential" not in types:
        raise _IndeterminateError(f"{url[:120]} is not a JsonSchemaCredential")
    subject = value.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "JsonSchema":
        raise _IndeterminateError(
            f"the credentialSubject of {url[:120]} must have type JsonSchema and a jsonSchema"
        )
    return subject.get("jsonSchema")


def _registry(options: VerifyOptions, schema: Mapping[str, Any]) -> Registry[Any]:
    """The caller's JSON schemas (and ``schema``) as the only resources a ``$ref`` may use."""
    from referencing import Registry
    from referencing.jsonschema import specification_with

    pairs: list[tuple[str, Resource[Any]]] = []
    for given in (*options.schemas.values(), schema):
        candidate = given
        if isinstance(given, (bytes, bytearray, str)):  # a schema given as its bytes
            try:
                candidate = _json.loads(given, limits=options.limits)
            except MicrocredError:
                continue  # not JSON (a JWT, or broken): no resource for a $ref
        if isinstance(candidate, Mapping) and isinstance(candidate.get("$id"), str):
            if str(candidate.get("$schema")) not in SUPPORTED_DRAFTS:
                continue
            specification = specification_with(str(candidate["$schema"]))
            pairs.append((candidate["$id"], specification.create_resource(dict(candidate))))
    registry: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return registry.with_resources(pairs)


def _json_path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _rule(error: ValidationError) -> str:
    """The schema rule an error broke, from the schema side only (no instance value)."""
    where = "/".join(str(p) for p in error.absolute_schema_path)
    text = f"{error.validator} {json.dumps(error.validator_value, default=str)}"
    if len(text) > _MAX_RULE:
        text = text[: _MAX_RULE - 1] + "…"
    return f"fails {text} (schema #/{where})"


def _validate(
    schema: Any, document: Mapping[str, Any], url: str, options: VerifyOptions
) -> list[tuple[str, str]]:
    """``(path, message)`` for each violation of ``schema`` by ``document``."""
    if not isinstance(schema, dict):
        raise _IndeterminateError(f"{url[:120]} is not a JSON Schema object")
    version = schema.get("$schema")
    if version is None:
        raise _IndeterminateError(
            f"the schema {url[:120]} has no $schema: the VC JSON Schema specification says such "
            "a schema MUST NOT be processed"
        )
    if str(version) not in SUPPORTED_DRAFTS:
        raise _IndeterminateError(
            f"JSON Schema version {str(version)[:80]!r} is not supported "
            f"(supported: {', '.join(sorted(SUPPORTED_DRAFTS))})"
        )
    from jsonschema.exceptions import SchemaError
    from referencing.exceptions import Unresolvable

    from .._schemas import FORMATS

    validator_class = _validator_class(str(version))
    if not isinstance(schema.get("$id"), str):
        raise _IndeterminateError(
            f"the schema {url[:120]} has no $id (the specification requires one)"
        )
    try:
        validator_class.check_schema(schema)
    except SchemaError as exc:
        raise _IndeterminateError(
            f"{url[:120]} is not a valid JSON Schema: {exc.message[:160]}"
        ) from None
    validator = validator_class(schema, registry=_registry(options, schema), format_checker=FORMATS)
    try:
        errors = sorted(validator.iter_errors(dict(document)), key=_json_path)
    except Unresolvable as exc:
        raise _IndeterminateError(
            f"the schema {url[:120]} has a $ref outside the schemas given ({str(exc)[:120]}); "
            "no remote $ref is fetched"
        ) from None
    except RecursionError:
        raise _IndeterminateError(f"the schema {url[:120]} nests too deeply") from None
    return [(_json_path(e), _rule(e)) for e in errors[:_MAX_PROBLEMS]]


def check_json_schema(
    report: VerificationReport,
    document: Mapping[str, Any],
    entry: Mapping[str, Any],
    path: str,
    options: VerifyOptions,
    verify_credential: CredentialVerifier,
) -> bool:
    """Apply one ``credentialSchema`` entry of type ``JsonSchema``/``JsonSchemaCredential``
    (``entry``, at ``path``) to ``document`` as ``schema`` checks in ``report``.

    Returns:
        ``False`` when the schema is neither in the caller's registry nor fetchable (nothing
        was added: the caller reports it as not applied), else ``True``.
    """
    url = str(entry.get("id"))
    kind = entry.get("type")
    try:
        value, raw, fetched = _obtain(url, options)
        wrong_digest = _check_digest(entry, raw, url)
        if wrong_digest is not None:
            report.add("schema", "failed", wrong_digest, path)
            return True
        if kind == "JsonSchemaCredential":
            schema = _schema_of_credential(value, fetched, url, verify_credential)
        else:
            schema = value
        problems = _validate(schema, document, url, options)
    except _NotAvailableError:
        return False
    except _IndeterminateError as exc:
        report.add("schema", "error", str(exc), path)
        return True
    if not problems:
        report.add("schema", "passed", f"valid against {url[:120]} ({kind})", path)
    for where, message in problems:
        report.add("schema", "failed", f"{message} (at {where}; {url[:120]})", path)
    return True
