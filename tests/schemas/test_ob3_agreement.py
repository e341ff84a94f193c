"""microcred's OB 3.0 schemas give the official 1EdTech schemas' verdict (needs ``../shared``).

What is compared: every OB 3.0 AchievementCredential / OpenBadgeCredential,
EndorsementCredential, Profile and Achievement found in ``standards/examples/``: whole files,
the credential inside a compact JWT or a baked PNG/SVG, and every such object nested in another
document (issuers, creators, embedded endorsements, the credentials inside a CLR, ...), each
distinct document once; then variants made from the valid ones by mutation (a deterministic
sweep of single mutations, and hypothesis with up to three).

Both sides are validated with ``jsonschema`` as each schema's ``$schema`` says (draft 2019-09
for the official ones, 2020-12 for ours), through a ``referencing`` registry that holds the
schema files and refuses anything else: no network. The official schemas have no standalone
Achievement schema; ours is compared with their ``$defs/Achievement``.

Formats: both sides check ``date-time`` and ``date`` with the same checker, the one microcred
validates with (``microcred._schemas.FORMATS``: RFC 3339 date-time on a real calendar date,
``YYYY-MM-DD`` date). jsonschema's default checker checks ``date-time`` only when an optional
package happens to be installed, and the comparison would depend on it.

One known disagreement, by design: ``ob3-achievementcredential.json`` and
``ob3-endorsementcredential.json`` are OB 3.0 §B.9.1 AnyAchievementCredential / §B.9.3
AnyEndorsementCredential: a credential whose ``@context`` starts with the VC 1.1 context is
judged by the VC 1.1 classes OB 3.0 keeps for verifying older credentials (§B.9), which the
official schemas (VC 2.0 classes only) reject. For those, the verdict our schema must give is
the official verdict on the document with the VC forms swapped (:func:`swap_vc_forms`), with
the rules in which the VC 1.1 classes differ (:meth:`Judge.verdicts`). Every document whose
verdict differs from the plain official one must be listed in ``KNOWN_DISAGREEMENTS``.
The other difference, of regular-expression dialect rather than of model, has a test of its
own (:func:`test_a_digit_in_a_context_url_is_an_ascii_digit`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.protocols import Validator

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"

# kind → (our schema, official schema file or None, the `type` names that make a document one)
KINDS: dict[str, tuple[str, str | None, frozenset[str]]] = {
    "achievementcredential": (
        "ob3-achievementcredential.json",
        "ob_v3p0_achievementcredential_schema.json",
        frozenset({"AchievementCredential", "OpenBadgeCredential"}),
    ),
    "endorsementcredential": (
        "ob3-endorsementcredential.json",
        "ob_v3p0_endorsementcredential_schema.json",
        frozenset({"EndorsementCredential"}),
    ),
    "profile": ("ob3-profile.json", "ob_v3p0_profile_schema.json", frozenset({"Profile"})),
    # no official standalone schema: compared with the AchievementCredential's $defs/Achievement
    "achievement": ("ob3-achievement.json", None, frozenset({"Achievement"})),
}

_VC11 = (
    "VC 1.1 form. Ours: valid, as an AchievementCredentialv1p1 (OB 3.0 §B.9.1 "
    "AnyAchievementCredential, §B.9.2; kept for verifying older credentials, §9 Verification "
    "and Validation). The official schema describes only the VC 2.0 class (§B.1.2 "
    "AchievementCredential) and rejects the VC 1.1 @context and issuanceDate."
)

# (source, JSON path inside it) → why our verdict differs from the official schema's
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {
    ("validator-fixtures/ob30/simple_v1.json", "$"): _VC11,
    ("validator-fixtures/ob30/simple-eddsa-2022.json", "$"): _VC11,
    ("validator-fixtures/ob30/simple-jwt_v1.png", "$"): _VC11,  # the credential in its JWT
    ("validator-fixtures/ob30/velocity.jwt", "$"): _VC11,  # the JWT's vc claim
    ("validator-fixtures/clr20/simple_v1.json", "$.credentialSubject.verifiableCredential[5]"): (
        _VC11
    ),
    (
        "validator-fixtures/clr20/simple-noproof.json",
        "$.credentialSubject.verifiableCredential[0]",
    ): _VC11,
}

DOCUMENT_FLOOR = 100  # distinct documents compared (fails loudly if examples go missing)
VARIANT_FLOOR = 5_000  # distinct variants compared by the deterministic sweep


# ------------------------------------------------------------------------------ validators

Make = Callable[[dict[str, Any], list[dict[str, Any]]], Validator]


def official_validators(standards: Path, make: Make) -> dict[str, Validator]:
    """kind → validator of the official 1EdTech schema (read from ``standards/schemas``)."""
    files = {
        name: json.loads((standards / "schemas" / name).read_text(encoding="utf-8"))
        for _, name, _ in KINDS.values()
        if name is not None
    }
    credential = files["ob_v3p0_achievementcredential_schema.json"]
    achievement = {
        "$schema": credential["$schema"],
        "$ref": credential["$id"] + "#/$defs/Achievement",
    }
    return {
        kind: make(files[name] if name else achievement, list(files.values()))
        for kind, (_, name, _) in KINDS.items()
    }


# ------------------------------------------------------------------------------ documents


@dataclass(frozen=True)
class Document:
    """One OB 3.0 document: where it was found, what kind it is, its JSON value."""

    source: str  # file, relative to standards/examples
    path: str  # JSON path inside the file ("$" for the whole credential)
    kind: str
    value: Any


def _b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def _from_text(text: str) -> Any:
    """A JSON document, or the credential a compact JWT carries (its ``vc`` claim, if any)."""
    text = text.strip()
    if _JWS.match(text):
        payload = _b64url_json(text.split(".")[1])
        return payload.get("vc", payload) if isinstance(payload, dict) else payload
    return json.loads(text)


def _png_credential(data: bytes) -> str | None:
    """The text of the ``openbadgecredential`` iTXt chunk of a PNG, if any."""
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            if keyword == b"openbadgecredential" and rest[:1] == b"\0":  # not compressed
                _, _, rest = rest[2:].partition(b"\0")  # language tag
                _, _, text = rest.partition(b"\0")  # translated keyword
                return text.decode("utf-8")
    return None


_SVG = re.compile(
    r"<openbadges:credential(?:\s+verify=\"(?P<jws>[^\"]+)\")?\s*(?:/>|>(?P<body>.*?)"
    r"</openbadges:credential>)",
    re.DOTALL,
)


def _svg_credential(text: str) -> str | None:
    match = _SVG.search(text)
    if match is None:
        return None
    if match["jws"]:
        return match["jws"]
    body = (match["body"] or "").strip()
    return body.removeprefix("<![CDATA[").removesuffix("]]>")


def read_example(path: Path) -> Any:
    """The credential ``path`` holds (JSON, compact JWT, baked PNG or SVG), or ``None``."""
    try:
        if path.suffix == ".png":
            text = _png_credential(path.read_bytes())
        elif path.suffix == ".svg":
            text = _svg_credential(path.read_text(encoding="utf-8"))
        else:
            text = path.read_text(encoding="utf-8")
        return None if text is None else _from_text(text)
    except (ValueError, UnicodeDecodeError, IndexError, binascii.Error, struct.error):
        return None


def _types(value: dict[str, Any]) -> set[str]:
    kinds = value.get("type")
    listed = kinds if isinstance(kinds, list) else [kinds]
    return {k for k in listed if isinstance(k, str)}


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def documents(standards: Path) -> list[Document]:
    """Every distinct OB 3.0 document in ``standards/examples`` (whole or nested)."""
    examples = standards / "examples"
    found: list[Document] = []
    seen: set[tuple[str, str]] = set()
    for file in sorted(p for p in examples.rglob("*") if p.is_file()):
        value = read_example(file)
        for path, item in _walk(value):
            for kind, (_, _, names) in KINDS.items():
                key = (kind, json.dumps(item, sort_keys=True))
                if _types(item) & names and key not in seen:
                    seen.add(key)
                    found.append(Document(file.relative_to(examples).as_posix(), path, kind, item))
    return found


def test_every_jwt_and_baked_image_is_read(shared_standards: Path) -> None:
    """The readers work: each compact JWT and baked PNG/SVG example yields its credential."""
    files = [
        p
        for p in (shared_standards / "examples").rglob("*")
        if p.suffix in (".jwt", ".png", ".svg")
    ]
    assert len(files) >= 9
    for path in files:
        credential = read_example(path)
        assert isinstance(credential, dict), path.name
        assert "VerifiableCredential" in _types(credential), path.name


# ------------------------------------------------------------------------------ the oracle


def _is_vc11(value: Any) -> bool:
    context = value.get("@context") if isinstance(value, dict) else None
    return isinstance(context, list) and bool(context) and context[0] == VC1


_OTHER_CONTEXT = {VC1: VC2, VC2: VC1}
_OTHER_DATE = {
    "issuanceDate": "validFrom",
    "validFrom": "issuanceDate",
    "expirationDate": "validUntil",
    "validUntil": "expirationDate",
}


def swap_vc_forms(value: Any) -> Any:
    """``value`` with the two VC forms exchanged, for judging a VC 1.1 document (OB 3.0 §B.9)
    with the official VC 2.0 schema.

    In every object with a VC ``@context`` first entry, that entry becomes the other VC
    context and ``issuanceDate``/``expirationDate`` trade names with ``validFrom``/
    ``validUntil``; a URI ``issuer`` of a VC 1.1 object becomes ``null``, because the VC 1.1
    classes want a Profilev1p1 object there (§B.9.2, §B.9.4). What is under ``parentOrg`` is
    left alone: a Profilev1p1's parentOrg is a (VC 2.0) Profile (§B.9.8). So a VC 1.1
    credential, with the VC 1.1 endorsements inside it, is valid for the official schema after
    the swap exactly when it is valid for the VC 1.1 classes (``name`` of an
    AchievementCredentialv1p1 aside: see :meth:`Judge.verdicts`).
    """
    if isinstance(value, list):
        return [swap_vc_forms(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {k: v if k == "parentOrg" else swap_vc_forms(v) for k, v in value.items()}
    context = out.get("@context")
    if isinstance(context, list) and context and context[0] in (VC1, VC2):
        was_vc11 = context[0] == VC1
        out = {_OTHER_DATE.get(k, k): v for k, v in out.items()}
        out["@context"] = [_OTHER_CONTEXT[context[0]], *context[1:]]
        if was_vc11 and isinstance(out.get("issuer"), str):
            out["issuer"] = None
    return out


@dataclass
class Judge:
    """Verdicts of both sides, and the verdict our schema must give."""

    ours: dict[str, Validator]
    official: dict[str, Validator]

    def verdicts(self, kind: str, value: Any) -> tuple[bool, bool, bool]:
        """``(official, expected, ours)`` for ``value`` as a document of ``kind``.

        ``expected`` is the official verdict, except for a credential in the VC 1.1 form: then
        it is the official verdict on :func:`swap_vc_forms` of it, and for an
        AchievementCredential its ``name`` must be there too (AchievementCredentialv1p1
        ``name [1]``, OB 3.0 §B.9.2; ``[0..1]`` in VC 2.0).
        """
        official = self.official[kind].is_valid(value)
        expected = official
        if kind in ("achievementcredential", "endorsementcredential") and _is_vc11(value):
            expected = self.official[kind].is_valid(swap_vc_forms(value))
            if kind == "achievementcredential":
                expected = expected and "name" in value
        return official, expected, self.ours[kind].is_valid(value)

    def explain(self, kind: str, value: Any) -> list[str]:
        """Our errors for ``value`` (for assertion messages)."""
        return [f"{e.json_path}: {e.message[:160]}" for e in self.ours[kind].iter_errors(value)]


@pytest.fixture
def judge(
    shared_standards: Path, our_schema: Callable[[str], Validator], offline_validator: Make
) -> Judge:
    ours = {kind: our_schema(file) for kind, (file, _, _) in KINDS.items()}
    return Judge(ours, official_validators(shared_standards, offline_validator))


@pytest.fixture
def found(shared_standards: Path) -> list[Document]:
    return documents(shared_standards)


# ------------------------------------------------------------------------------ examples


def test_every_example_gets_the_official_verdict(
    judge: Judge, found: list[Document], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each document gets the official verdict, or it is a listed VC 1.1 document and gets
    the verdict of the VC 1.1 classes (see :meth:`Judge.verdicts`)."""
    wrong: list[tuple[str, str, str, bool, bool]] = []
    differing: set[tuple[str, str]] = set()
    valid: Counter[str] = Counter()
    for doc in found:
        official, expected, ours = judge.verdicts(doc.kind, doc.value)
        valid[doc.kind] += ours
        if ours != expected:
            wrong.append((doc.source, doc.path, doc.kind, expected, ours))
        if ours != official:
            differing.add((doc.source, doc.path))
    kinds = Counter(doc.kind for doc in found)
    with capsys.disabled():
        print(
            f"\nOB 3.0 schema agreement: {len(found)} distinct documents compared "
            f"({', '.join(f'{k} {n} ({valid[k]} valid)' for k, n in sorted(kinds.items()))}); "
            f"{len(differing)} known disagreements (VC 1.1 form), {len(wrong)} unexplained"
        )
    assert len(found) >= DOCUMENT_FLOOR
    assert all(kinds[kind] >= 5 for kind in KINDS), kinds
    assert all(0 < valid[kind] < kinds[kind] for kind in KINDS), (valid, kinds)
    assert wrong == []
    assert differing == set(KNOWN_DISAGREEMENTS)
    assert all("OB 3.0 §" in reason for reason in KNOWN_DISAGREEMENTS.values())


# ------------------------------------------------------------------------------ variants


def _date_like(value: str) -> bool:
    return re.match(r"^\d{4}-\d{2}-\d{2}", value) is not None


def mutations(value: Any) -> Iterator[tuple[str, Any]]:
    """``(label, replacement)`` for one value: other JSON types, wrong terms and dates, the
    other VC context, wrapped in / unwrapped from an array, an unknown member added."""
    if isinstance(value, str):
        yield "number", 7
        yield "wrong term", "NotATerm"
        yield "array", [value]
        if _date_like(value) or value == "":
            yield "bad date", "2024-02-30T00:00:00Z"
            yield "date only", "2024-01-01"
            yield "no zone", "2024-01-01T00:00:00"
        if value in (VC1, VC2):
            yield "other VC context", VC2 if value == VC1 else VC1
        if value.startswith("ext:"):
            yield "bad extension term", "ext:-x"
    elif isinstance(value, list):
        yield "unwrapped", value[0] if value else {}
        yield "empty array", []
        yield "string", "x"
    elif isinstance(value, dict):
        yield "string", "x"
        yield "array", [value]
        yield "unknown member", {**value, "unknownProperty": {"x": 1}}
        yield "empty object", {}
    else:
        yield "string", "x"
        if value is not None:
            yield "null", None


_DOCUMENT_TYPES = frozenset().union(*(names for _, _, names in KINDS.values()))


def _paths(
    value: Any, prefix: tuple[str | int, ...] = (), *, into_documents: bool = True
) -> Iterator[tuple[str | int, ...]]:
    """Every path in ``value``. With ``into_documents=False`` the insides of nested OB 3.0
    documents (an issuer, an achievement, an endorsement) are left out: they are compared
    as documents of their own."""
    yield prefix
    if isinstance(value, dict):
        if prefix and not into_documents and _types(value) & _DOCUMENT_TYPES:
            return
        for key, item in value.items():
            yield from _paths(item, (*prefix, key), into_documents=into_documents)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index), into_documents=into_documents)


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _edit(value: Any, path: tuple[str | int, ...], change: Callable[[Any, str | int], None]) -> Any:
    """A deep copy of ``value`` with ``change(parent, key)`` applied at ``path`` (not empty)."""
    copied = copy.deepcopy(value)
    change(_at(copied, path[:-1]), path[-1])
    return copied


def replace(value: Any, path: tuple[str | int, ...], new: Any) -> Any:
    """``value`` with the item at ``path`` replaced by ``new``."""
    if not path:
        return new

    def put(parent: Any, key: str | int) -> None:
        parent[key] = new

    return _edit(value, path, put)


def drop(value: Any, path: tuple[str | int, ...]) -> Any:
    """``value`` without the item at ``path``."""

    def remove(parent: Any, key: str | int) -> None:
        del parent[key]

    return _edit(value, path, remove)


def variants(value: Any) -> Iterator[tuple[str, Any]]:
    """Every single-mutation variant of ``value``: ``(label, variant)``, at every place but
    inside the nested documents of a VC 2.0 document (there the classes are the same as at the
    top of those documents, which are mutated on their own; in a VC 1.1 document they are the
    VC 1.1 classes, so everything is mutated)."""
    for path in _paths(value, into_documents=_is_vc11(value)):
        if path and isinstance(path[-1], str):
            yield "dropped", drop(value, path)
        for label, new in mutations(_at(value, path)):
            yield label, replace(value, path, new)


@pytest.mark.slow
def test_mutation_sweep_gets_the_official_verdict(
    judge: Judge, found: list[Document], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every single mutation of every valid document, at every place: same verdicts."""
    bases = [d for d in found if judge.verdicts(d.kind, d.value)[1]]
    seen: set[tuple[str, str]] = set()
    wrong: list[tuple[str, str, str, list[str]]] = []
    labels: Counter[str] = Counter()
    became_invalid = differing = 0
    for base in bases:
        for label, variant in variants(base.value):
            key = (base.kind, json.dumps(variant, sort_keys=True))
            if key in seen:
                continue
            seen.add(key)
            labels[label] += 1
            official, expected, ours = judge.verdicts(base.kind, variant)
            became_invalid += not expected
            differing += official != ours
            if ours != expected:
                wrong.append((base.source, base.path, label, judge.explain(base.kind, variant)))
    with capsys.disabled():
        print(
            f"\nOB 3.0 schema agreement: {len(seen)} distinct variants of {len(bases)} valid "
            f"documents compared ({became_invalid} invalid; {differing} differ from the plain "
            f"official verdict, all VC 1.1 form); {len(wrong)} unexplained. By mutation: "
            + ", ".join(f"{k} {n}" for k, n in sorted(labels.items()))
        )
    assert len(seen) >= VARIANT_FLOOR
    assert 0 < became_invalid < len(seen)
    assert wrong[:5] == []


@st.composite
def _variant(draw: st.DrawFn, bases: list[Document]) -> tuple[str, Any, list[str]]:
    """A valid document with one to three random mutations."""
    base = draw(st.sampled_from(bases))
    value = base.value
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(value))))
        options = list(mutations(_at(value, path)))
        if path and isinstance(path[-1], str):
            options.append(("dropped", None))
        options.append(("added member", None))
        label, new = draw(st.sampled_from(options))
        target = _at(value, path)
        if label == "dropped":
            value = drop(value, path)
        elif label == "added member":
            if not isinstance(target, dict):
                continue
            name = draw(st.sampled_from(["id", "type", "name", "extra", "@context", "proof"]))
            extra = draw(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)))
            value = replace(value, path, {**target, name: extra})
        else:
            value = replace(value, path, new)
        done.append(label)
    return base.kind, value, done


def test_random_variants_get_the_official_verdict(
    judge: Judge, found: list[Document], capsys: pytest.CaptureFixture[str]
) -> None:
    """Hypothesis: up to three mutations at random places of random valid documents."""
    bases = [d for d in found if judge.verdicts(d.kind, d.value)[1]]
    compared: Counter[bool] = Counter()

    @settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=_variant(bases))
    def check(case: tuple[str, Any, list[str]]) -> None:
        kind, variant, done = case
        _, expected, ours = judge.verdicts(kind, variant)
        compared[expected] += 1
        assert ours == expected, (kind, done, judge.explain(kind, variant)[:3])

    check()
    with capsys.disabled():
        print(
            f"\nOB 3.0 schema agreement: {sum(compared.values())} random variants compared "
            f"({compared[False]} invalid), 0 disagreements"
        )
    assert sum(compared.values()) >= 300
    assert compared[False] > 0


def test_a_digit_in_a_context_url_is_an_ascii_digit(judge: Judge) -> None:
    """The one other difference, listed here rather than found by the sweep: the official
    pattern for the OB context URL uses ``\\d``, which JSON Schema reads in the ECMA-262
    dialect (JSON Schema 2020-12 Validation §6.3.3 ``pattern``), where it is ``[0-9]``;
    Python's ``re`` also takes other Unicode digits. Our pattern says ``[0-9]``, so our verdict
    is the ECMA-262 one for both schemas."""
    arabic_three = "\u0663"
    base: dict[str, Any] = {
        "@context": [
            VC2,
            f"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.{arabic_three}.json",
        ],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:2",
                "type": ["Achievement"],
                "name": "n",
                "description": "d",
                "criteria": {},
            },
        },
    }
    official, _, ours = judge.verdicts("achievementcredential", base)
    assert (official, ours) == (True, False)
    base["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    assert judge.verdicts("achievementcredential", base) == (True, True, True)
