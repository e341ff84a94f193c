"""``credentialSchema`` of type ``JsonSchema`` / ``JsonSchemaCredential`` (W3C Verifiable
Credentials JSON Schema Specification), validated with schemas the caller supplies.

From the specification: a ``JsonSchema`` entry's ``id`` identifies the schema itself; a
``JsonSchemaCredential`` entry's ``id`` dereferences to a credential whose
``credentialSubject`` has ``type: JsonSchema`` and the schema in ``jsonSchema``; "Schemas
without a $schema property are not considered valid and MUST NOT be processed"; "The $id MUST
be present"; Evaluation yields Success, Failure, or Indeterminate ("when they encounter a
schema whose version they do not support"); ``digestSRI`` may annotate a ``JsonSchema`` entry.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

import microcred as mc
from microcred import keys

from .conftest import ISSUER, NOW, VC_V2, badge

SCHEMA_URL = "https://schemas.example/basic-swedish.json"
CREDENTIAL_URL = "https://schemas.example/credentials/basic-swedish"
SCHEMA_ISSUER = keys.generate("Ed25519")

SCHEMA: dict[str, Any] = {
    "$id": SCHEMA_URL,
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["credentialSubject", "name"],
    "properties": {
        "name": {"const": "Basic Swedish"},
        "credentialSubject": {"$ref": "https://schemas.example/subject.json"},
    },
}
SUBJECT: dict[str, Any] = {
    "$id": "https://schemas.example/subject.json",
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["achievement"],
}


def _signed(kind: str = "JsonSchema", url: str = SCHEMA_URL, **entry: Any) -> dict[str, Any]:
    schema_entry = {"id": url, "type": kind, **entry}
    signed: dict[str, Any] = mc.issue(
        badge(credentialSchema=schema_entry), ISSUER, created="2026-06-01T10:00:00Z"
    )
    return signed


def _schema_checks(report: mc.VerificationReport) -> list[mc.Check]:
    return [c for c in report.checks if c.id == "schema"]


def _registry(**extra: Any) -> dict[str, Any]:
    return {SCHEMA_URL: SCHEMA, SUBJECT["$id"]: SUBJECT, **extra}


def test_a_json_schema_from_the_registry_passes() -> None:
    report = mc.verify(_signed(), now=NOW, schemas=_registry())
    assert report.verified, report
    (check,) = _schema_checks(report)
    assert check.status == "passed"
    assert SCHEMA_URL in check.message


def test_a_credential_that_breaks_the_schema_fails_the_schema_check() -> None:
    strict = {**SCHEMA, "properties": {**SCHEMA["properties"], "name": {"const": "Other"}}}
    report = mc.verify(_signed(), now=NOW, schemas=_registry(**{SCHEMA_URL: strict}))
    assert report.outcome == "invalid"
    (check,) = _schema_checks(report)
    assert check.status == "failed"
    assert "fails const" in check.message
    assert "$.name" in check.message
    # the message names the rule, never the credential's value
    assert "Basic Swedish" not in check.message


def test_without_the_schema_it_is_skipped_with_a_warning() -> None:
    report = mc.verify(_signed(), now=NOW)
    assert report.verified
    (check,) = _schema_checks(report)
    assert check.status == "skipped"
    assert any(w.id == "schema" for w in report.warnings)


def test_a_remote_ref_is_never_fetched() -> None:
    # SUBJECT is left out of the registry: its $ref cannot be resolved, nothing is fetched
    report = mc.verify(_signed(), now=NOW, schemas={SCHEMA_URL: SCHEMA})
    assert report.outcome == "indeterminate"
    (check,) = _schema_checks(report)
    assert check.status == "error"
    assert "no remote $ref is fetched" in check.message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"$schema": None}, "has no $schema"),
        ({"$schema": "https://json-schema.org/draft/2099-01/schema"}, "is not supported"),
        ({"$id": None}, "has no $id"),
    ],
)
def test_a_schema_the_specification_says_not_to_process_is_indeterminate(
    change: dict[str, Any], message: str
) -> None:
    broken = {k: v for k, v in {**SCHEMA, **change}.items() if v is not None}
    report = mc.verify(_signed(), now=NOW, schemas=_registry(**{SCHEMA_URL: broken}))
    assert report.outcome == "indeterminate"
    (check,) = _schema_checks(report)
    assert message in check.message


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_digest_sri_is_checked_against_the_schema_bytes() -> None:
    data = json.dumps(SCHEMA).encode()
    good = mc.verify(
        _signed(digestSRI=_sri(data)), now=NOW, schemas=_registry(**{SCHEMA_URL: data})
    )
    assert good.verified, good
    bad = mc.verify(
        _signed(digestSRI=_sri(data + b" ")), now=NOW, schemas=_registry(**{SCHEMA_URL: data})
    )
    (check,) = _schema_checks(bad)
    assert check.status == "failed"
    assert "does not match the credential's digestSRI" in check.message


def _schema_credential(schema: dict[str, Any] = SCHEMA) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": CREDENTIAL_URL,
        "type": ["VerifiableCredential", "JsonSchemaCredential"],
        "issuer": SCHEMA_ISSUER.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSchema": {
            "id": "https://www.w3.org/ns/credentials/json-schema/v2.json",
            "type": "JsonSchema",
        },
        "credentialSubject": {"id": SCHEMA_URL, "type": "JsonSchema", "jsonSchema": schema},
    }


def test_a_json_schema_credential_is_verified_then_applied() -> None:
    signed_schema = mc.issue(_schema_credential(), SCHEMA_ISSUER, format="jwt", jwt_form="vc+jwt")
    registry = {CREDENTIAL_URL: signed_schema, SUBJECT["$id"]: SUBJECT}
    report = mc.verify(_signed("JsonSchemaCredential", CREDENTIAL_URL), now=NOW, schemas=registry)
    assert report.verified, report
    (check,) = _schema_checks(report)
    assert check.status == "passed"
    assert "JsonSchemaCredential" in check.message


def test_a_json_schema_credential_that_does_not_verify_is_indeterminate() -> None:
    token = mc.issue(_schema_credential(), SCHEMA_ISSUER, format="jwt", jwt_form="vc+jwt")
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    registry = {CREDENTIAL_URL: forged, SUBJECT["$id"]: SUBJECT}
    report = mc.verify(_signed("JsonSchemaCredential", CREDENTIAL_URL), now=NOW, schemas=registry)
    assert report.outcome == "indeterminate"
    (check,) = _schema_checks(report)
    assert "does not verify" in check.message


def test_a_json_schema_credential_without_a_json_schema_subject_is_indeterminate() -> None:
    wrong = _schema_credential()
    wrong["credentialSubject"] = {"id": SCHEMA_URL, "type": "Other"}
    report = mc.verify(
        _signed("JsonSchemaCredential", CREDENTIAL_URL), now=NOW, schemas={CREDENTIAL_URL: wrong}
    )
    (check,) = _schema_checks(report)
    assert check.status == "error"
    assert "must have type JsonSchema" in check.message


class _Fetcher:
    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes:
        self.asked.append(url)
        return self.bodies[url]


def test_a_schema_is_fetched_only_through_the_callers_fetcher() -> None:
    fetcher = _Fetcher({SCHEMA_URL: json.dumps(SCHEMA).encode()})
    report = mc.verify(
        _signed(), now=NOW, schemas={SUBJECT["$id"]: SUBJECT}, schema_fetcher=fetcher
    )
    assert report.verified, report
    assert fetcher.asked == [SCHEMA_URL]


def test_schemas_misuse_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="schemas"):
        mc.verify(_signed(), schemas={SCHEMA_URL: 42})
    with pytest.raises(TypeError, match="schema_fetcher"):
        mc.verify(_signed(), schema_fetcher=object())  # type: ignore[arg-type]


def test_the_command_line_reads_schemas_from_files(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from microcred.cli import main

    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(_signed()))
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "subject.json").write_text(json.dumps(SUBJECT))
    base = ["verify", "--json", "--now", NOW.isoformat(), str(credential)]
    given = ["--schema", f"{SCHEMA_URL}={tmp_path / 'schema.json'}",
             "--schema", f"{SUBJECT['$id']}={tmp_path / 'subject.json'}"]  # fmt: skip
    capsys.readouterr()
    assert main([*base, *given]) == 0
    (check,) = [c for c in json.loads(capsys.readouterr().out)["checks"] if c["id"] == "schema"]
    assert check["status"] == "passed"
    strict = {**SCHEMA, "properties": {**SCHEMA["properties"], "name": {"const": "Other"}}}
    (tmp_path / "schema.json").write_text(json.dumps(strict))
    assert main([*base, *given]) == 1
    (check,) = [c for c in json.loads(capsys.readouterr().out)["checks"] if c["id"] == "schema"]
    assert check["status"] == "failed"
    assert main([*base, "--schema", "no-equals-sign"]) == 2
    assert "expected URL=FILE" in capsys.readouterr().err
