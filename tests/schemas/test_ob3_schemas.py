"""microcred's OB 3.0 schemas on their own: minimal documents pass, and each missing required
property or wrong value is reported at the place where it is wrong."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

Schema = Callable[[str], Validator]

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

ACHIEVEMENT: dict[str, Any] = {
    "id": "urn:uuid:2",
    "type": ["Achievement"],
    "name": "Course",
    "description": "A course",
    "criteria": {"narrative": "Pass"},
}
SUBJECT: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": ACHIEVEMENT}
CREDENTIAL: dict[str, Any] = {  # VC 2.0 form
    "@context": [VC2, OB_CONTEXT],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": SUBJECT,
}
CREDENTIAL_V1: dict[str, Any] = {  # VC 1.1 form (OB 3.0 §B.9.2 AchievementCredentialv1p1)
    "@context": [VC1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "AchievementCredential"],
    "name": "Course",
    "issuer": {"id": "did:example:issuer", "type": ["Profile"]},
    "issuanceDate": "2026-01-01T00:00:00Z",
    "credentialSubject": SUBJECT,
}
ENDORSEMENT: dict[str, Any] = {
    "@context": [VC2, OB_CONTEXT],
    "id": "urn:uuid:3",
    "type": ["VerifiableCredential", "EndorsementCredential"],
    "name": "Endorsement",
    "issuer": "did:example:endorser",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "urn:uuid:2", "type": ["EndorsementSubject"]},
}
PROFILE: dict[str, Any] = {"id": "did:example:issuer", "type": ["Profile"]}

# case → (schema, minimal document)
MINIMAL: dict[str, tuple[str, dict[str, Any]]] = {
    "credential": ("ob3-achievementcredential.json", CREDENTIAL),
    "credential-vc11": ("ob3-achievementcredential.json", CREDENTIAL_V1),
    "endorsement": ("ob3-endorsementcredential.json", ENDORSEMENT),
    "profile": ("ob3-profile.json", PROFILE),
    "achievement": ("ob3-achievement.json", ACHIEVEMENT),
}
# the only members of the minimal documents that are not required (Criteria has none)
OPTIONAL = {("$.credentialSubject.achievement.criteria", "narrative"), ("$.criteria", "narrative")}


def _members(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """``(path of the object, key)`` for every member of every object in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from _members(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _members(item, f"{path}[{index}]")


def _without(document: dict[str, Any], path: str, key: str) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    target: Any = copied
    for step in path.removeprefix("$").split(".")[1:]:
        target = target[step]
    del target[key]
    return copied


def _leaves(errors: Iterator[ValidationError] | list[ValidationError]) -> list[ValidationError]:
    """The errors and, under ``anyOf``/``oneOf``, the errors of their branches."""
    found: list[ValidationError] = []
    for error in errors:
        found.append(error)
        found += _leaves(error.context or [])
    return found


@pytest.mark.parametrize("case", sorted(MINIMAL))
def test_minimal_document_is_valid(our_schema: Schema, case: str) -> None:
    name, document = MINIMAL[case]
    assert list(our_schema(name).iter_errors(document)) == []


@pytest.mark.parametrize("case", sorted(MINIMAL))
def test_each_missing_required_property_is_named_where_it_is_missing(
    our_schema: Schema, case: str
) -> None:
    """Drop each member of the minimal document in turn: a required one gives a ``required``
    error at its object's path that names it (and no error elsewhere); an optional one
    leaves the document valid."""
    name, document = MINIMAL[case]
    validator = our_schema(name)
    dropped = 0
    for path, key in _members(document):
        broken = _without(document, path, key)
        errors = list(validator.iter_errors(broken))
        if (path, key) in OPTIONAL:
            assert errors == [], (path, key)
            continue
        assert errors, (path, key)
        assert {e.json_path for e in errors} == {path}, (path, key, [e.message for e in errors])
        assert any(e.validator == "required" and repr(key) in e.message for e in errors), (
            path,
            key,
            [e.message for e in errors],
        )
        dropped += 1
    assert dropped >= 2


def test_without_its_first_context_a_vc11_credential_is_judged_as_vc20(our_schema: Schema) -> None:
    """The VC version is told by the first ``@context`` entry: without ``@context`` a VC 1.1
    credential is read as VC 2.0, and ``validFrom`` is missing too."""
    broken = {k: v for k, v in CREDENTIAL_V1.items() if k != "@context"}
    messages = {e.message for e in our_schema("ob3-achievementcredential.json").iter_errors(broken)}
    assert messages == {"'@context' is a required property", "'validFrom' is a required property"}


def _put(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    steps: list[Any] = []
    for part in path.removeprefix("$.").replace("]", "").replace("[", ".").split("."):
        steps.append(int(part) if part.isdigit() else part)
    target: Any = copied
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = value
    return copied


# (schema, document, where to put what, the JSON path and the keyword of the error expected)
WRONG: list[tuple[str, dict[str, Any], str, Any, str, str]] = [
    ("credential", CREDENTIAL, "$.validFrom", "2026-02-30T00:00:00Z", "$.validFrom", "format"),
    ("credential", CREDENTIAL, "$.validFrom", "2026-01-01", "$.validFrom", "format"),
    ("credential", CREDENTIAL, "$.validUntil", 20260101, "$.validUntil", "type"),
    ("credential", CREDENTIAL, "$.type", ["VerifiableCredential"], "$.type", "contains"),
    ("credential", CREDENTIAL, "$.type", "OpenBadgeCredential", "$.type", "type"),
    ("credential", CREDENTIAL, "$.@context.1", "https://x.org/ob", "$['@context'][1]", "pattern"),
    ("credential", CREDENTIAL, "$.@context.0", "https://x.org/vc", "$['@context'][0]", "const"),
    ("credential", CREDENTIAL, "$.issuer", {"id": "did:example:issuer"}, "$.issuer", "anyOf"),
    ("credential", CREDENTIAL, "$.proof", {"type": "DataIntegrityProof"}, "$.proof", "type"),
    (
        "credential",
        CREDENTIAL,
        "$.credentialSubject.achievement.achievementType",
        "Nonsense",
        "$.credentialSubject.achievement.achievementType",
        "anyOf",
    ),
    (
        "credential",
        CREDENTIAL,
        "$.credentialSubject.achievement.image",
        {"id": "https://example.org/i.png", "type": "Image", "alt": "x"},
        "$.credentialSubject.achievement.image",
        "additionalProperties",
    ),
    (
        "credential",
        CREDENTIAL,
        "$.credentialSubject.result",
        [{"type": ["Result"], "status": "Passed"}],
        "$.credentialSubject.result[0].status",
        "enum",
    ),
    (
        "credential-vc11",
        CREDENTIAL_V1,
        "$.expirationDate",
        "tomorrow",
        "$.expirationDate",
        "format",
    ),
    ("credential-vc11", CREDENTIAL_V1, "$.issuer", "did:example:issuer", "$.issuer", "type"),
    (
        "endorsement",
        ENDORSEMENT,
        "$.credentialSubject.type",
        ["Thing"],
        "$.credentialSubject.type",
        "contains",
    ),
    ("profile", PROFILE, "$.dateOfBirth", "1990-13-01", "$.dateOfBirth", "format"),
    ("profile", PROFILE, "$.endorsementJwt", ["not a jws"], "$.endorsementJwt[0]", "pattern"),
    ("achievement", ACHIEVEMENT, "$.inLanguage", "english", "$.inLanguage", "pattern"),
    ("achievement", ACHIEVEMENT, "$.creditsAvailable", "7.5", "$.creditsAvailable", "type"),
]


@pytest.mark.parametrize(("case", "document", "where", "value", "path", "keyword"), WRONG)
def test_a_wrong_value_is_reported_where_it_is(
    our_schema: Schema,
    case: str,
    document: dict[str, Any],
    where: str,
    value: Any,
    path: str,
    keyword: str,
) -> None:
    name = MINIMAL[case][0]
    errors = list(our_schema(name).iter_errors(_put(document, where, value)))
    assert [(e.json_path, e.validator) for e in errors] == [(path, keyword)]


def test_extension_terms_and_unknown_members_are_accepted(our_schema: Schema) -> None:
    """Extensible vocabularies take ``ext:`` terms; classes with an extension point take
    members of their own (OB 3.0 "This class can be extended with additional properties")."""
    validator = our_schema("ob3-achievementcredential.json")
    assert validator.is_valid(
        _put(CREDENTIAL, "$.credentialSubject.achievement.achievementType", "ext:Workshop")
    )
    assert validator.is_valid({**CREDENTIAL, "euMicroCredential": {"anything": 1}})
    unordered = ["OpenBadgeCredential", "VerifiableCredential", "X"]
    assert validator.is_valid(_put(CREDENTIAL, "$.type", unordered))
