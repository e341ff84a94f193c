#!/usr/bin/env python3
"""Rewrite campaign: signed credentials rewritten so that the signed RDF stays the same while
what a reader sees by member name changes. None may verify showing other values than signed.

A Data Integrity signature covers the RDF graph; readers (the checks, ``MicroCredential.
from_ob3``, the verifier page) look at JSON member names. A *same-graph rewrite* changes the
JSON but not the graph, so the signature still holds. The campaign applies one to three
rewrites at a time to signed credentials (an EU micro-credential and a plain OB 3.0 badge,
eddsa-rdfc-2022 and ecdsa-rdfc-2019; the JCS suites sign the JSON itself and are included as a
control), each time with a forged value where the rewrite leaves room for one:

* member names renamed to their full IRI, or to a compact IRI under an added prefix;
* ``type`` values written as full IRIs;
* ``id``/``type`` written as ``@id``/``@type``; values wrapped as ``{"@value": ...}``;
* members moved under ``@nest``, or into an ``@included`` node with the same ``id``;
* embedded contexts added that give a term a second name (and the value moved under it),
  redefine a term, or map a new term to a blank node or to a blank node typed ``@json``
  (with forged Annex I values under it);
* language-map keys re-cased; nested context URLs added.

Each rewritten credential is verified twice (embedded contexts refused, as by default, and
allowed). The campaign counts how many rewrites kept the graph (canonical N-Quads compared
with the original's) and fails if any verified credential shows a reader a value that differs
from the signed one (``visible()``: the members the checks read, the issuer, the subject, the
Annex I form as ``from_ob3`` reads it).

Usage::

    python scripts/rewrite_campaign.py --count 10000 --seed 1    # by hand
    (the test suite runs 500)
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import microcred as mc
from microcred import errors, jsonld
from microcred.jsonld import _processor
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
SUITES = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("eddsa-jcs-2022", "Ed25519"),
]
FORGED = "PhD in Medicine"

Document = dict[str, Any]
Rewrite = Callable[[random.Random, Document], str | None]


# --- the credentials ------------------------------------------------------------------------


def _documents(did: str) -> list[Document]:
    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    form["learner"]["id"] = "did:example:learner"
    micro = MicroCredential.model_validate(form)
    badge = micro.to_ob3(
        issuer_id=did,
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000011",
        salt="fixed",
        today=date(2026, 11, 25),
    ).to_json()
    badge["validUntil"] = "2030-01-01T00:00:00Z"
    plain = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000012",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Exempeluniversitetet"},
        "validFrom": "2026-06-01T10:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Basic Swedish",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:00000000-0000-4000-8000-000000000013",
                "type": ["Achievement"],
                "name": "Basic Swedish",
                "description": "A1 level Swedish.",
                "criteria": {"narrative": "Pass the written examination."},
            },
        },
    }
    return [badge, plain]


def subjects() -> list[dict[str, Any]]:
    """The signed credentials the campaign rewrites, with their key and suite."""
    found = []
    for suite, key_type in SUITES:
        key = mc.keys.generate(key_type)
        for document in _documents(key.did):
            signed = mc.issue(document, key, suite=suite, created="2026-11-25T00:00:00Z")
            found.append({"signed": signed, "suite": suite, "kind": f"{suite}/{len(found)}"})
    return found


# --- what a reader sees ----------------------------------------------------------------------

_READ = (
    "id",
    "type",
    "issuer",
    "name",
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
    "credentialStatus",
    "credentialSchema",
    "credentialSubject",
    "awardedDate",
)


def _without_contexts(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_contexts(v) for k, v in value.items() if k != "@context"}
    if isinstance(value, list):
        return [_without_contexts(v) for v in value]
    return value


def visible(document: Document) -> dict[str, Any]:
    """What the checks, the models and the page read of a credential, by member name (the
    ``@context`` members are how it is read, not what is read)."""
    seen: dict[str, Any] = {name: _without_contexts(document.get(name)) for name in _READ}
    try:
        seen["annex-i"] = MicroCredential.from_ob3(document).model_dump(mode="json")
    except (ValueError, TypeError, KeyError, AttributeError, mc.MicrocredError):
        seen["annex-i"] = None
    return seen


def _canonical(document: Document) -> str | None:
    """The canonical N-Quads of the unsecured document (safe mode, not strict), or None."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        return jsonld.canonize(unsecured).nquads
    except errors.MicrocredError:
        return None


# --- term IRIs (from the vendored contexts, every scope) ---------------------------------------

_IRIS: dict[str, dict[str, list[str]]] = {}


def _term_iris(context: Any) -> dict[str, list[str]]:
    """Term → the IRIs it has in the active context of ``context`` or in any scoped context
    reached from it (a term may mean different IRIs in different scopes: all are listed)."""
    entries = context if isinstance(context, list) else [context]
    context = [entry for entry in entries if isinstance(entry, str)]  # the signed ones
    key = json.dumps(context, sort_keys=True)
    if key in _IRIS:
        return _IRIS[key]
    loader = jsonld.default_loader()
    adapter = _processor._PyldLoader(loader)
    processor = _processor._MemoProcessor()
    options = _processor._options(loader, adapter)
    initial = processor._get_initial_context({"processingMode": "json-ld-1.1"})
    found: dict[str, list[str]] = {}
    todo = [processor._process_context(initial, context, options)]
    seen: set[int] = set()
    while todo:
        active = todo.pop()
        if id(active) in seen or len(seen) > 200:
            continue
        seen.add(id(active))
        for term, definition in active["mappings"].items():
            if not definition:
                continue
            target = definition.get("@id")
            if isinstance(target, str) and not target.startswith("@"):
                iris = found.setdefault(term, [])
                if target not in iris:
                    iris.append(target)
            scoped = definition.get("@context")
            if scoped is not None:
                try:
                    todo.append(
                        processor._process_context(active, scoped, options, override_protected=True)
                    )
                except Exception:  # a scope that does not apply here is skipped
                    continue
    _IRIS[key] = found
    return found


# --- walking the document ------------------------------------------------------------------


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Document]]:
    """Every JSON object below the top (not the proof, not contexts), with its path."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            if key not in ("@context", "proof"):
                yield from _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, (*path, index))


def _pick_node(rng: random.Random, document: Document) -> Document:
    nodes = [n for _, n in _nodes(document) if any(not k.startswith("@") for k in n)]
    return rng.choice(nodes)


def _members(node: Document) -> list[str]:
    return [k for k in node if k not in ("@context", "id", "type") and not k.startswith("@")]


def _add_context(document: Document, entry: Any) -> None:
    context = document["@context"]
    document["@context"] = [*(context if isinstance(context, list) else [context]), entry]


# --- the rewrites (each returns its name, or None when it does not apply) ------------------


def _pick_term_member(
    rng: random.Random, document: Document, *, objects_only: bool = False
) -> tuple[Document, str, dict[str, list[str]]] | None:
    """A random node, one of its members that a context term names (with an object or array
    value, if ``objects_only``), and the IRIs of the document's terms; ``None`` if none."""
    node = _pick_node(rng, document)
    iris = _term_iris(document["@context"])
    names = [
        n
        for n in _members(node)
        if n in iris and (not objects_only or isinstance(node[n], (dict, list)))
    ]
    if not names:
        return None
    return node, rng.choice(names), iris


def key_to_iri(rng: random.Random, document: Document) -> str | None:
    picked = _pick_term_member(rng, document)
    if picked is None:
        return None
    node, name, iris = picked
    node[rng.choice(iris[name])] = node.pop(name)
    if name in ("name", "validUntil", "validFrom"):  # and show a forged one in its place
        node[name] = FORGED if name == "name" else "2099-01-01T00:00:00Z"
    return "key-iri"


def key_to_compact_iri(rng: random.Random, document: Document) -> str | None:
    picked = _pick_term_member(rng, document)
    if picked is None:
        return None
    node, name, iris = picked
    target = rng.choice(iris[name])
    cut = max(target.rfind("#"), target.rfind("/")) + 1
    _add_context(document, {"pfx": target[:cut]})
    node[f"pfx:{target[cut:]}"] = node.pop(name)
    return "key-compact-iri"


def type_to_iri(rng: random.Random, document: Document) -> str | None:
    iris = _term_iris(document["@context"])
    typed = [n for _, n in _nodes(document) if isinstance(n.get("type"), (str, list))]
    if not typed:
        return None
    node = rng.choice(typed)
    values = node["type"] if isinstance(node["type"], list) else [node["type"]]
    node["type"] = [rng.choice(iris[v]) if v in iris else v for v in values]
    return "type-iri"


def keyword_instead_of_alias(rng: random.Random, document: Document) -> str | None:
    nodes = [n for _, n in _nodes(document) if "id" in n or "type" in n]
    if not nodes:
        return None
    node = rng.choice(nodes)
    alias = rng.choice([a for a in ("id", "type") if a in node])
    node["@" + alias] = node.pop(alias)
    return "keyword"


def value_object(rng: random.Random, document: Document) -> str | None:
    node = _pick_node(rng, document)
    names = [n for n in _members(node) if isinstance(node[n], (str, int, float))]
    if not names:
        return None
    name = rng.choice(names)
    node[name] = {"@value": node[name]}
    return "value-object"


def nest(rng: random.Random, document: Document) -> str | None:
    node = _pick_node(rng, document)
    names = _members(node)
    if not names:
        return None
    moved = rng.sample(names, rng.randint(1, len(names)))
    node["@nest"] = {name: node.pop(name) for name in moved}
    return "nest"


def included(rng: random.Random, document: Document) -> str | None:
    nodes = [n for _, n in _nodes(document) if isinstance(n.get("id"), str) and _members(n)]
    if not nodes:
        return None
    node = rng.choice(nodes)
    name = rng.choice(_members(node))
    extra: Document = {"id": node["id"], name: node.pop(name)}
    if "type" in node:
        extra["type"] = node["type"]
    document.setdefault("@included", []).append(extra)
    return "included"


def second_name(rng: random.Random, document: Document) -> str | None:
    picked = _pick_term_member(rng, document)
    if picked is None:
        return None
    node, name, iris = picked
    _add_context(document, {"alias" + name.capitalize(): rng.choice(iris[name])})
    node["alias" + name.capitalize()] = node.pop(name)
    return "second-name"


def redefine(rng: random.Random, document: Document) -> str | None:
    node = _pick_node(rng, document)
    names = _members(node)
    if not names:
        return None
    name = rng.choice(names)
    _add_context(document, {name: {"@id": "_:hidden", "@type": "@json"}})
    node[name] = FORGED
    return "redefine"


def blank_node_term(rng: random.Random, document: Document) -> str | None:
    node = _pick_node(rng, document)
    json_typed = rng.random() < 0.5
    term = rng.choice(["euMicroCredential", "forgedNote", "grade"])
    definition: Any = {"@id": "_:x", "@type": "@json"} if json_typed else {"@id": "_:x"}
    _add_context(document, {term: definition})
    node[term] = (
        {"type": "EuMicroCredential", "title": {"en": FORGED}, "workloadHours": 9000}
        if term == "euMicroCredential"
        else FORGED
    )
    return "blank-node-json" if json_typed else "blank-node"


def move_under_json_term(rng: random.Random, document: Document) -> str | None:
    """A subtree moved under a term typed @json with the IRI of the term it was under."""
    picked = _pick_term_member(rng, document, objects_only=True)
    if picked is None:
        return None
    node, name, iris = picked
    _add_context(document, {"asJson": {"@id": rng.choice(iris[name]), "@type": "@json"}})
    node["asJson"] = node.pop(name)
    return "json-term"


def language_case(rng: random.Random, document: Document) -> str | None:
    maps = [
        (n, k)
        for _, n in _nodes(document)
        for k, v in n.items()
        if isinstance(v, dict) and v and all(len(lang) == 2 for lang in v)
    ]
    if not maps:
        return None
    node, key = rng.choice(maps)
    node[key] = {lang.upper(): text for lang, text in node[key].items()}
    return "language-case"


def nested_context_url(rng: random.Random, document: Document) -> str | None:
    node = _pick_node(rng, document)
    if node is document:
        return None
    node["@context"] = rng.choice(
        [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/data-integrity/v2",
        ]
    )
    return "nested-context"


REWRITES: list[Rewrite] = [
    key_to_iri,
    key_to_compact_iri,
    type_to_iri,
    keyword_instead_of_alias,
    value_object,
    nest,
    included,
    second_name,
    redefine,
    blank_node_term,
    move_under_json_term,
    language_case,
    nested_context_url,
]


def rewrite(rng: random.Random, signed: Document) -> tuple[Document, list[str]]:
    """One to three rewrites of a copy of ``signed``; their names."""
    document = copy.deepcopy(signed)
    applied: list[str] = []
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(REWRITES)(rng, document)
        if name is not None:
            applied.append(name)
    return document, applied


def check(signed: Document, document: Document, applied: list[str], stats: Counter[str]) -> None:
    """Verify ``document`` both ways and record the outcome; an escape is a verified credential
    whose visible values differ from ``signed``'s."""
    if not applied:
        return
    stats["rewrites"] += 1
    for kind in applied:
        stats[f"kind/{kind}"] += 1
    original = _canonical(signed)
    if original is not None and _canonical(document) == original:
        stats["same graph"] += 1
    for allow in (False, True):
        report = mc.verify(document, now=NOW, allow_inline_contexts=allow)
        if report.outcome == "verified":
            stats["verified"] += 1
            if visible(document) != visible(signed):
                stats["escaped"] += 1
                stats["escaped by/" + "+".join(sorted(set(applied)))] += 1
        else:
            deciding = next((c.id for c in report.checks if c.status in ("failed", "error")), "?")
            stats[f"refused by/{deciding}"] += 1


def campaign(count: int, *, seed: int) -> dict[str, Any]:
    """Run ``count`` rewritten credentials; return the statistics (see :func:`check`)."""
    rng = random.Random(seed)
    targets = subjects()
    stats: Counter[str] = Counter({"rewrites": 0, "same graph": 0, "verified": 0, "escaped": 0})
    escaped: list[dict[str, Any]] = []
    while stats["rewrites"] < count:
        subject = rng.choice(targets)
        document, applied = rewrite(rng, subject["signed"])
        before = stats["escaped"]
        check(subject["signed"], document, applied, stats)
        if stats["escaped"] > before and len(escaped) < 5:
            escaped.append({"kind": subject["kind"], "rewrites": applied, "document": document})
    result: dict[str, Any] = {k: v for k, v in stats.items() if isinstance(v, int)}
    result["escaped examples"] = escaped
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    result = campaign(args.count, seed=args.seed)
    elapsed = time.monotonic() - started
    for key in sorted(k for k in result if k != "escaped examples"):
        print(f"{key:<40} {result[key]}")
    print(f"{'seconds':<40} {elapsed:.1f}")
    if result.get("escaped", 0):
        print(json.dumps(result["escaped examples"], indent=1)[:4000], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
