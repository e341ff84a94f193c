"""``schemas/clr2-clrcredential.json`` on the published CLR 2.0 documents and on small cases.

No official CLR 2.0 JSON Schema is available to compare with; the schema follows the CLR 2.0
data model (ClrCredential, ClrSubject, Association) with OB 3.0's classes inside, in either VC
form, and the compacted single values the CLR documents use.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

import microcred as mc

CLR = "clr2-clrcredential.json"

ACCEPTED = (
    "validator-fixtures/clr20/simple.json",  # VC 2.0, CLR 2.0.1 context
    "validator-fixtures/clr20/simple_v1.json",  # VC 1.1, CLR 2.0 context
    "spec-extracted/impl__linked-data-proof-clr__01__Credential.json",
    "spec-extracted/impl__linked-data-proof-clr__02__Document-before-signing.json",
    "spec-extracted/impl__linked-data-proof-clr__03__Signed-credential.json",
)
_DRAFT = ("$['@context'][1]", "'https://dc.imsglobal.org/draft/clr/v2p0/context' does not match")
# document → (JSON path of the error, start of its message)
REJECTED = {
    # An EndorsementCredential needs a name (OB 3.0 §B.9.4 EndorsementCredentialv1p1, name [1]).
    "validator-fixtures/clr20/complex.json": (
        "$.credentialSubject.verifiableCredential[0].credentialSubject.achievement.endorsement[0]",
        "'name' is a required property",
    ),
    # The pre-release CLR context, not a CLR 2.0 one (the 1EdTech validator no longer takes it).
    "validator-fixtures/clr20/simple-noproof.json": _DRAFT,
    "validator-fixtures/clr20/simple_old_safesigned.json": _DRAFT,
    "validator-fixtures/clr20/simple.jwt": _DRAFT,  # the credential in its vc claim
}


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8").strip()
    if path.suffix == ".jwt":
        payload = text.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return claims["vc"]
    return json.loads(text)


def _leaves(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """The errors and, under ``anyOf``/``oneOf``, the errors of their branches."""
    found: list[ValidationError] = []
    for error in errors:
        found.append(error)
        found += _leaves(error.context or [])
    return found


def test_every_published_clr_is_classified(shared_standards: Path) -> None:
    examples = shared_standards / "examples"
    found = set()
    for path in examples.rglob("*"):
        if path.suffix not in (".json", ".jwt"):
            continue
        document = _read(path)
        if isinstance(document, dict) and "ClrCredential" in document.get("type", []):
            found.add(path.relative_to(examples).as_posix())
    assert found == set(ACCEPTED) | set(REJECTED)


@pytest.mark.parametrize("name", ACCEPTED)
def test_published_clr_is_valid(
    shared_standards: Path, our_schema: Callable[[str], Validator], name: str
) -> None:
    document = _read(shared_standards / "examples" / name)
    errors = [f"{e.json_path}: {e.message[:200]}" for e in our_schema(CLR).iter_errors(document)]
    assert errors == []
    report = mc.validate(document)
    assert (report.profile, report.schemas, report.valid) == ("clr", ["clr2-clrcredential"], True)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_published_clr_that_is_not_clr_20_is_rejected_with_the_reason(
    shared_standards: Path, our_schema: Callable[[str], Validator], name: str
) -> None:
    document = _read(shared_standards / "examples" / name)
    path, message = REJECTED[name]
    leaves = _leaves(our_schema(CLR).iter_errors(document))
    assert any(e.json_path == path and e.message.startswith(message) for e in leaves), [
        (e.json_path, e.message[:120]) for e in leaves
    ]
    assert not mc.validate(document, "clr").valid


MINIMAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    ],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "ClrCredential"],
    "name": "Transcript",
    "issuer": "did:example:issuer",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"type": "ClrSubject", "verifiableCredential": ["a.b.c"]},
}


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL)
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "error_at"),
    [
        ((), None, None),
        (("credentialSubject", "type"), ["ClrSubject"], None),
        (("proof",), {"type": "DataIntegrityProof"}, None),  # one proof, not in an array
        (("credentialSubject", "verifiableCredential"), [], "$.credentialSubject"),
        (("credentialSubject", "verifiableCredential"), None, "$.credentialSubject"),
        (("credentialSubject", "verifiableCredential", 0), "not a jws", "$.credentialSubject"),
        (("credentialSubject", "type"), "AchievementSubject", "$.credentialSubject.type"),
        (("name",), None, "$"),
        (("validFrom",), None, "$"),
        (("type",), "ClrCredential", "$.type"),
        (
            ("credentialSubject", "association"),
            [{"type": "Association", "associationType": "isCousinOf", "sourceId": "a"}],
            "$.credentialSubject.association[0]",
        ),
    ],
)
def test_small_cases(
    our_schema: Callable[[str], Validator],
    path: tuple[str | int, ...],
    value: Any,
    error_at: str | None,
) -> None:
    document = _with(path, value) if path else MINIMAL
    errors = list(our_schema(CLR).iter_errors(document))
    if error_at is None:
        assert errors == []
    else:
        assert errors
        assert all(e.json_path.startswith(error_at) for e in _leaves(errors)), [
            (e.json_path, e.message) for e in errors
        ]
