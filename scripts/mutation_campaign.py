#!/usr/bin/env python3
"""Mutation campaign: signed credentials of every suite and format, randomly and semantically
changed, must never verify.

For each signing suite (Data Integrity: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 and
ecdsa-jcs-2019 on P-256 and P-384, Ed25519Signature2020) and each JWT form and algorithm
(EdDSA, ES256, ES384, RS256, PS256; OB 3.0 ``vc`` claim and VC 2.0 ``vc+jwt``), the campaign signs
an EU micro-credential and a plain credential, then applies random mutations and verifies each
result offline. A mutation changes what was signed:

* a value changed (a string, number or boolean at any depth, the proof included);
* a property removed, or an undefined property added (at any depth);
* a context replaced by an unknown one or removed;
* the proof swapped for the proof of another credential signed with the same key;
* for JWTs: the payload or header changed and re-encoded under the old signature, the
  signature swapped, or the token truncated.

Re-orderings and re-encodings that keep the signed meaning (array order in an RDF set, a
one-element array written as a value, dropping the proof's copy of ``@context``, which the JCS
suites re-derive from the document) are not mutations and are not made. The campaign fails if
any mutant verifies.

Usage::

    python scripts/mutation_campaign.py --count 10000 --seed 1    # by hand
    (the test suite runs 500)
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import microcred as mc
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
DI_SUITES = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
    ("Ed25519Signature2020", "Ed25519"),
]
JWT_ALGS = [
    ("EdDSA", "Ed25519"),
    ("ES256", "P-256"),
    ("ES384", "P-384"),
    ("RS256", "RSA"),
    ("PS256", "RSA"),
]


def _documents(did: str) -> list[dict[str, Any]]:
    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    form["learner"]["id"] = "did:example:learner"
    micro = MicroCredential.model_validate(form)
    badge = micro.to_ob3(
        issuer_id=did,
        credential_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        salt="fixed",
        today=date(2026, 11, 25),
    ).to_json()
    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada", "description": "x"},
    }
    return [badge, plain]


def subjects() -> list[dict[str, Any]]:
    """Every signed credential of the campaign, with what it is and a spare proof."""
    found = []
    keys_by_type: dict[str, mc.keys.KeyPair] = {}
    for suite, key_type in DI_SUITES:
        key = keys_by_type.setdefault(key_type, mc.keys.generate(key_type))
        signed = [
            mc.issue(d, key, suite=suite, created="2026-06-12T10:00:00Z", proof_array=False)
            for d in _documents(key.did)
        ]
        for index, document in enumerate(signed):
            found.append({"kind": f"di/{suite}/{key_type}", "signed": document,
                          "spare": signed[1 - index]["proof"]})  # fmt: skip
    for alg, key_type in JWT_ALGS:
        if key_type not in keys_by_type:
            method = "jwk" if key_type == "RSA" else "key"
            keys_by_type[key_type] = mc.keys.generate(key_type, did_method=method)
        key = keys_by_type[key_type]
        for form in ("vc-jwt", "vc+jwt"):
            tokens = [mc.issue(d, key, format="jwt", algorithm=alg, jwt_form=form)
                      for d in _documents(key.did)]  # fmt: skip
            for index, token in enumerate(tokens):
                found.append({"kind": f"jwt/{form}/{alg}", "signed": token,
                              "spare": tokens[1 - index]})  # fmt: skip
    return found


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + rng.choice([1, -1, 0.5])
    if isinstance(value, str):
        return value[:-1] + ("X" if value[-1:] != "X" else "Y") if value else "X"
    return None  # containers are changed through their leaves


def mutate_document(
    document: dict[str, Any], spare_proof: Any, rng: random.Random
) -> tuple[str, Any]:
    """One semantic mutation of a Data Integrity credential: (mutation name, mutant)."""
    mutant = copy.deepcopy(document)
    action = rng.choice(["change", "change", "change", "remove", "add", "context", "swap-proof"])
    if action == "swap-proof":
        mutant["proof"] = copy.deepcopy(spare_proof)
        return action, mutant
    if action == "context":
        contexts = mutant["@context"]
        index = rng.randrange(len(contexts))
        if rng.random() < 0.5 or len(contexts) == 1:
            contexts[index] = "https://attacker.example/context.jsonld"
        else:
            del contexts[index]
        return action, mutant
    paths = [p for p in _paths(mutant) if p[0] != "@context"]
    if action == "add":
        objects = [()] + [p for p in paths if isinstance(_parent(mutant, (*p, None)), dict)]
        target = _parent(mutant, (*rng.choice(objects), None))
        target["injected" + str(rng.randrange(1000))] = "value"
        return action, mutant
    if action == "remove":
        # the proof's copy of @context (JCS suites) is re-derived from the document's when
        # verifying: removing it changes nothing that was signed, so it is not a mutation
        removable = [p for p in paths if isinstance(p[-1], str) and p != ("proof", "@context")]
        path = rng.choice(removable)
        del _parent(mutant, path)[path[-1]]
        return action, mutant
    leaves = [p for p in paths if not isinstance(_parent(mutant, (*p, None)), (dict, list))]
    path = rng.choice(leaves)
    parent = _parent(mutant, path)
    parent[path[-1]] = _changed(parent[path[-1]], rng)
    return action, mutant


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def mutate_token(token: str, spare: str, rng: random.Random) -> tuple[str, str]:
    """One mutation of a compact JWS: (mutation name, mutant)."""
    header, payload, signature = token.split(".")
    action = rng.choice(["payload", "payload", "header", "swap-signature", "truncate"])
    if action == "swap-signature":
        return action, f"{header}.{payload}.{spare.split('.')[2]}"
    if action == "truncate":
        return action, token[: rng.randrange(1, len(token) - 1)]
    part = json.loads(_unb64(header if action == "header" else payload))
    mutant = copy.deepcopy(part)
    paths = list(_paths(mutant))
    leaves = [p for p in paths if not isinstance(_parent(mutant, (*p, None)), (dict, list))]
    if leaves and rng.random() < 0.7:
        path = rng.choice(leaves)
        _parent(mutant, path)[path[-1]] = _changed(_parent(mutant, path)[path[-1]], rng)
    else:
        removable = [p for p in paths if isinstance(p[-1], str)]
        path = rng.choice(removable)
        del _parent(mutant, path)[path[-1]]
    encoded = _b64(json.dumps(mutant, separators=(",", ":")).encode())
    if action == "header":
        return action, f"{encoded}.{payload}.{signature}"
    return action, f"{header}.{encoded}.{signature}"


def campaign(count: int, seed: int) -> dict[str, Any]:
    """Run ``count`` mutations; return the statistics (``verified`` must be 0)."""
    rng = random.Random(seed)
    pool = subjects()
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    escaped: list[dict[str, Any]] = []
    started = time.monotonic()
    for _ in range(count):
        subject = rng.choice(pool)
        if isinstance(subject["signed"], str):
            action, mutant = mutate_token(subject["signed"], subject["spare"], rng)
        else:
            action, mutant = mutate_document(subject["signed"], subject["spare"], rng)
        if mutant == subject["signed"]:
            continue  # a no-op draw (cannot happen with the mutations above, kept as a guard)
        report = mc.verify(mutant, now=NOW)
        outcomes[report.outcome] += 1
        kinds[subject["kind"].split("/")[0] + "/" + action] += 1
        if report.verified:
            escaped.append({"kind": subject["kind"], "action": action, "mutant": mutant})
    return {
        "mutations": sum(outcomes.values()),
        "verified": len(escaped),
        "outcomes": dict(outcomes),
        "by_kind": dict(sorted(kinds.items())),
        "subjects": len(pool),
        "seconds": round(time.monotonic() - started, 1),
        "escaped": escaped[:5],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print its statistics as JSON; exit 1 if any mutant verified."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    stats = campaign(args.count, args.seed)
    print(json.dumps(stats, indent=2, default=str))
    return 1 if stats["verified"] else 0


if __name__ == "__main__":
    sys.exit(main())
