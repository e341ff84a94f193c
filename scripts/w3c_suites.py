#!/usr/bin/env python3
"""Run three W3C interoperability test suites against a local ``microcred serve``.

The suites are Node/mocha programs maintained by the W3C VC Working Group:

* ``vc-data-model-2.0-test-suite`` (key ``vc2.0``): VC Data Model 2.0 issuer/verifier tests;
* ``vc-di-eddsa-test-suite`` (key ``eddsa``): ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``;
* ``vc-di-ecdsa-test-suite`` (key ``ecdsa``): ``ecdsa-rdfc-2019``, ``ecdsa-jcs-2019`` (P-256 and
  P-384) and ``ecdsa-sd-2023`` (P-256).

For each selected suite this script writes ``<suite>/localConfig.cjs`` naming our endpoints
(a ``localConfig.cjs`` makes the suites test only the implementations it names), runs mocha with
its JSON reporter, keeps the report as ``<out>/<suite>.json`` and prints pass / fail / pending
counts and the titles of the failing tests. It fetches nothing and installs nothing: the suites
must already be checked out and installed (see below). Its only network traffic is to
``--base-url``: one ``GET {base}/issuers`` unless every issuer is given with ``--issuer``.

Endpoints the server must offer (``BASE`` = ``--base-url``)
-------------------------------------------------------------
One issuer "slot" per cryptosuite and key type, each with its own did:key issuer:

* ``vc2.0``: ``BASE/vc2.0/credentials/issue``, Ed25519 key, eddsa-rdfc-2022;
* ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``: ``BASE/<slot>/credentials/issue``, Ed25519;
* ``ecdsa-rdfc-2019-p256``, ``ecdsa-rdfc-2019-p384``, ``ecdsa-jcs-2019-p256``,
  ``ecdsa-jcs-2019-p384``: ``BASE/<slot>/credentials/issue``, P-256 or P-384 as named;
* ``ecdsa-sd-2023``: ``BASE/ecdsa-sd-2023/credentials/issue``, P-256;

plus the shared verifiers ``POST BASE/credentials/verify`` and ``POST BASE/presentations/verify``.
The suites send no ``options.type``/``options.cryptosuite``: the route chooses the suite.
Issue routes answer ``{"verifiableCredential": vc}`` (VC API) with 200/201, except the
``vc2.0`` route, which must answer with the bare credential: over plain ``http://`` the VC 2.0
suite does not unwrap ``verifiableCredential`` (see ``tests/TestEndpoints.js`` there). Bad input
gets 400 (or 422); a credential that does not verify gets 400.

Issuer DIDs: the simpler of the two ways is the server's ``GET BASE/issuers``, which answers
``{"issuers": [{"route": "vc2.0", "issuer": "did:key:z6Mk...", ...}, {"route":
"ecdsa-rdfc-2019-p384", "issuer": "did:key:z82L...", ...}, ...]}`` (each entry also names the
route's endpoint, suite and key; the script reads ``route`` and ``issuer``, taking a route's
name as the slot it serves): the server that holds the keys says which they are. Any slot can
be given (or overridden) with ``--issuer SLOT=DID``; with every slot of the selected suites
given that way, ``/issuers`` is not asked.

``--serve`` starts ``microcred serve`` itself with a configuration written for the run (fresh
keys, the routes above, the VC 2.0 examples context, controller documents for the ECDSA test
vectors' issuers) and ``"allow_inline_contexts": true``: the VC 2.0 suite sends credentials
with embedded ``@context`` objects (that only add terms) which it expects to be issued and
verified, and a service refuses those unless its operator opts in.

Obtaining the suites (once, outside the project; never copy them into this repository)
---------------------------------------------------------------------------------------
With ``SUITES`` a folder of your choice (e.g. ``/work/w3c``) and ``GH=https://github.com``::

    cd $SUITES
    git clone $GH/w3c/vc-data-model-2.0-test-suite
    git clone $GH/w3c/vc-di-eddsa-test-suite
    git clone $GH/w3c/vc-di-ecdsa-test-suite
    # the ecdsa suite's postinstall clones its test vectors (keys used by the verifier tests):
    git clone $GH/w3c/vc-di-ecdsa vc-di-ecdsa-test-suite/tests/input/vc-di-ecdsa
    # the two dependencies that exist only on GitHub, packed into tarballs:
    mkdir deps && cd deps
    git clone $GH/w3c/vc-test-suite-implementations
    git clone $GH/w3c-ccg/data-integrity-test-suite-assertion
    (cd vc-test-suite-implementations && npm pack --pack-destination ..)
    (cd data-integrity-test-suite-assertion && npm pack --pack-destination ..)

Then, in each suite's ``package.json``, point ``vc-test-suite-implementations`` at
``file:../deps/vc-test-suite-implementations-2.0.0.tgz`` and (eddsa, ecdsa)
``data-integrity-test-suite-assertion`` at ``file:../deps/data-integrity-test-suite-assertion-
0.0.1.tgz``, and run ``npm install`` in each suite (for the ecdsa suite first move its
``package-lock.json`` aside if the registry lacks a version it pins). Node 20 is enough.
Do not use ``npm test`` for the ecdsa suite offline: its ``pretest`` runs
``npm update vc-test-suite-implementations``, which needs GitHub. This script runs mocha
directly. ``/work/w3c/NOTES.md`` (beside the checkouts) records what each suite sends and
expects.

Example::

    .venv/bin/python scripts/w3c_suites.py --suites /work/w3c --base-url http://127.0.0.1:8000
    .venv/bin/python scripts/w3c_suites.py --suites /work/w3c --base-url http://127.0.0.1:8000 \\
        --only eddsa --issuer eddsa-rdfc-2022=did:key:z6Mk... \\
        --issuer eddsa-jcs-2022=did:key:z6Mk...

Exit status: 0 when every selected suite ran without failures, 1 when a test or hook failed,
2 when a suite could not be set up or run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_MARKER = "// generated by microcred scripts/w3c_suites.py"
VC_VERSIONS = ["1.1", "2.0"]


@dataclass(frozen=True)
class Slot:
    """One issuer endpoint: a route under the base URL, its suite tag and key type."""

    name: str
    tag: str
    key_type: str  # "Ed25519", "P-256" or "P-384"


@dataclass(frozen=True)
class Suite:
    """A checked-out W3C suite and the endpoints its ``localConfig.cjs`` names."""

    key: str
    directory: str
    slots: tuple[Slot, ...]
    verifier_tags: tuple[str, ...]
    vp_verifier: bool = False
    ecdsa: bool = False
    extra_settings: dict[str, Any] = field(default_factory=dict)


SUITES: dict[str, Suite] = {
    "vc2.0": Suite(
        key="vc2.0",
        directory="vc-data-model-2.0-test-suite",
        slots=(Slot("vc2.0", "vc2.0", "Ed25519"),),
        verifier_tags=("vc2.0",),
        vp_verifier=True,
    ),
    "eddsa": Suite(
        key="eddsa",
        directory="vc-di-eddsa-test-suite",
        slots=(
            Slot("eddsa-rdfc-2022", "eddsa-rdfc-2022", "Ed25519"),
            Slot("eddsa-jcs-2022", "eddsa-jcs-2022", "Ed25519"),
        ),
        verifier_tags=("eddsa-rdfc-2022", "eddsa-jcs-2022"),
    ),
    "ecdsa": Suite(
        key="ecdsa",
        directory="vc-di-ecdsa-test-suite",
        slots=(
            Slot("ecdsa-rdfc-2019-p256", "ecdsa-rdfc-2019", "P-256"),
            Slot("ecdsa-rdfc-2019-p384", "ecdsa-rdfc-2019", "P-384"),
            Slot("ecdsa-jcs-2019-p256", "ecdsa-jcs-2019", "P-256"),
            Slot("ecdsa-jcs-2019-p384", "ecdsa-jcs-2019", "P-384"),
            Slot("ecdsa-sd-2023", "ecdsa-sd-2023", "P-256"),
        ),
        verifier_tags=("ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023"),
        ecdsa=True,
    ),
}


class SetupError(Exception):
    """A suite cannot be configured or run (missing checkout, issuer DID, node, ...)."""


def build_config(suite: Suite, base_url: str, issuers: dict[str, str]) -> dict[str, Any]:
    """Return the object that ``localConfig.cjs`` exports for ``suite``."""
    base = base_url.rstrip("/")
    issuer_entries: list[dict[str, Any]] = []
    for slot in suite.slots:
        entry: dict[str, Any] = {
            "id": issuers[slot.name],
            "endpoint": f"{base}/{slot.name}/credentials/issue",
            "supports": {"vc": VC_VERSIONS},
            "tags": [slot.tag],
        }
        if suite.ecdsa:
            entry["supportedEcdsaKeyTypes"] = [slot.key_type]
        issuer_entries.append(entry)
    verifier: dict[str, Any] = {
        "id": f"{base}/credentials/verify",
        "endpoint": f"{base}/credentials/verify",
        "supports": {"vc": VC_VERSIONS},
        "tags": list(suite.verifier_tags),
    }
    if suite.ecdsa:
        verifier["supportedEcdsaKeyTypes"] = ["P-256", "P-384"]
    implementation: dict[str, Any] = {
        "name": "microcred",
        "implementation": "microcred serve",
        "issuers": issuer_entries,
        "verifiers": [verifier],
    }
    if suite.vp_verifier:
        implementation["vpVerifiers"] = [
            {
                "id": f"{base}/presentations/verify",
                "endpoint": f"{base}/presentations/verify",
                "tags": list(suite.verifier_tags),
            }
        ]
    settings = {"enableInteropTests": False, "testAllImplementations": False}
    settings.update(suite.extra_settings)
    return {"settings": settings, "implementations": [implementation]}


def write_config(suite_dir: Path, config: dict[str, Any]) -> Path:
    """Write ``localConfig.cjs``; keep a hand-written one as ``localConfig.cjs.bak``."""
    path = suite_dir / "localConfig.cjs"
    if path.exists() and not path.read_text(encoding="utf-8").startswith(CONFIG_MARKER):
        backup = path.with_name("localConfig.cjs.bak")
        shutil.copy2(path, backup)
        print(f"note: kept the existing {path.name} as {backup}", file=sys.stderr)
    body = json.dumps(config, indent=2)
    path.write_text(f"{CONFIG_MARKER}\nmodule.exports = {body};\n", encoding="utf-8")
    return path


def fetch_issuers(base_url: str, timeout: float) -> dict[str, str]:
    """Ask the server under test for its issuer DIDs: ``GET {base}/issuers`` answers
    ``{"issuers": [{"route": ..., "issuer": ...}, ...]}``; returns route -> DID."""
    url = base_url.rstrip("/") + "/issuers"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SetupError(f"GET {url} failed ({exc}); give the DIDs with --issuer") from exc
    entries = data.get("issuers") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("route"), str) and isinstance(e.get("issuer"), str)
        for e in entries
    ):
        raise SetupError(f"GET {url}: expected {{'issuers': [{{'route', 'issuer'}}, ...]}}")
    return {e["route"]: e["issuer"] for e in entries}


def resolve_issuers(
    selected: list[Suite], given: dict[str, str], base_url: str, timeout: float
) -> dict[str, str]:
    """Return slot -> issuer DID for every slot of the selected suites."""
    needed = [slot.name for suite in selected for slot in suite.slots]
    issuers = dict(given)
    if any(name not in issuers for name in needed):
        served = fetch_issuers(base_url, timeout)
        issuers = {**served, **given}
    missing = [name for name in needed if not issuers.get(name)]
    if missing:
        raise SetupError("no issuer DID for slot(s): " + ", ".join(missing))
    for name in needed:
        if not issuers[name].startswith("did:"):
            raise SetupError(f"issuer for {name} is not a DID: {issuers[name]!r}")
    return issuers


def run_mocha(
    suite_dir: Path, report: Path, timeout_ms: int, grep: str | None, node: str
) -> subprocess.CompletedProcess[str]:
    """Run the suite's mocha (not ``npm test``) with the JSON reporter writing ``report``."""
    mocha = suite_dir / "node_modules" / "mocha" / "bin" / "mocha.js"
    if not mocha.is_file():
        raise SetupError(f"{mocha} is missing: run npm install in {suite_dir}")
    command = [
        node,
        str(mocha),
        "tests/",
        "--timeout",
        str(timeout_ms),
        "--preserve-symlinks",
        "--reporter",
        "json",
        "--reporter-option",
        f"output={report}",
    ]
    if grep:
        command += ["--grep", grep]
    # cwd matters: the suites read config/runner.json relative to it.
    return subprocess.run(command, cwd=suite_dir, capture_output=True, text=True, check=False)


def summarise(suite: Suite, report: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Return the counts and the failure lines of one mocha JSON report."""
    stats = report.get("stats", {})
    failures = report.get("failures", [])
    hooks = [f for f in failures if '"before all" hook' in f.get("title", "")]
    counts = {
        "suite": suite.directory,
        "tests": stats.get("tests", 0),
        "passes": stats.get("passes", 0),
        "failures": stats.get("failures", 0),
        "pending": stats.get("pending", 0),
        "hook_failures": len(hooks),
    }
    lines = []
    for failure in failures:
        message = str(failure.get("err", {}).get("message", "")).strip().splitlines()
        first = message[0] if message else ""
        lines.append(f"  FAIL {failure.get('fullTitle', '?')}\n       {first[:200]}")
    return counts, lines


#: Routes of the server ``--serve`` starts: slot -> (suite, key type, envelope).
SERVED_ROUTES: dict[str, tuple[str, str, bool]] = {
    "vc2.0": ("eddsa-rdfc-2022", "Ed25519", False),
    "eddsa-rdfc-2022": ("eddsa-rdfc-2022", "Ed25519", True),
    "eddsa-jcs-2022": ("eddsa-jcs-2022", "Ed25519", True),
    "ecdsa-rdfc-2019-p256": ("ecdsa-rdfc-2019", "P-256", True),
    "ecdsa-rdfc-2019-p384": ("ecdsa-rdfc-2019", "P-384", True),
    "ecdsa-jcs-2019-p256": ("ecdsa-jcs-2019", "P-256", True),
    "ecdsa-jcs-2019-p384": ("ecdsa-jcs-2019", "P-384", True),
    "ecdsa-sd-2023": ("ecdsa-sd-2023", "P-256", True),
}
#: The W3C VC 2.0 examples context, which no registry package carries; its content is given by
#: the VC 2.0 specification, and ``microcred serve`` checks it against the published hash.
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_V2_CONTENT = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}


#: The ECDSA specification's test vectors are issued by https issuers and signed with
#: did:keys; microcred verifies the issuer's binding to the key, so the run trusts controller
#: documents for those issuers naming the vector keys (facts from the vc-di-ecdsa vectors:
#: the rdfc/jcs vectors' issuer with its P-256 and P-384 keys, the ecdsa-sd-2023 one with its
#: P-256 key).
_P256_VECTOR_KEY = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
_P384_VECTOR_KEY = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"
VECTOR_ISSUERS = [
    {
        "id": "https://vc.example/issuers/5678",
        "assertionMethod": [f"did:key:{k}#{k}" for k in (_P256_VECTOR_KEY, _P384_VECTOR_KEY)],
    },
    {
        "id": "https://vc.example/windsurf/racecommittee",
        "assertionMethod": [f"did:key:{_P256_VECTOR_KEY}#{_P256_VECTOR_KEY}"],
    },
]


def start_server(folder: Path) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """Start ``microcred serve`` on a free loopback port with fresh keys and the routes of
    :data:`SERVED_ROUTES`; return the process, its base URL and slot -> issuer DID."""
    from microcred import keys

    folder.mkdir(parents=True, exist_ok=True)
    pairs = {kind: keys.generate(kind) for kind in ("Ed25519", "P-256", "P-384")}
    for kind, pair in pairs.items():
        (folder / f"{kind}.json").write_text(json.dumps(pair.private_jwk()), "utf-8")
    (folder / "examples-v2.jsonld").write_text(json.dumps(EXAMPLES_V2_CONTENT), "utf-8")
    documents = []
    for number, issuer in enumerate(VECTOR_ISSUERS):
        name = f"vector-issuer-{number}.json"
        (folder / name).write_text(json.dumps(issuer), "utf-8")
        documents.append(name)
    config = {
        "issuers": [
            {"route": slot, "suite": suite, "key": f"{kind}.json", "envelope": envelope}
            for slot, (suite, kind, envelope) in SERVED_ROUTES.items()
        ],
        "contexts": {EXAMPLES_V2: "examples-v2.jsonld"},
        "controller_documents": documents,
        # the VC 2.0 suite's fixtures embed context objects it expects to be accepted
        "allow_inline_contexts": True,
        "page": False,
    }
    (folder / "serve.json").write_text(json.dumps(config, indent=2), "utf-8")
    command = [sys.executable, "-m", "microcred.cli", "serve", "--port", "0"]
    log = (folder / "serve.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [*command, "--config", str(folder / "serve.json")],
        stderr=subprocess.PIPE,
        stdout=log,
        text=True,
    )
    assert process.stderr is not None
    url = None
    for line in process.stderr:
        log.write(line)
        try:
            entry = json.loads(line)
        except ValueError:
            raise SetupError(f"microcred serve: {line.strip()}") from None
        if entry.get("event") == "listening":
            url = entry["url"]
            break
    if url is None:
        raise SetupError(f"microcred serve did not start; see {folder / 'serve.log'}")

    def drain(stream: Any) -> None:
        for line in stream:
            log.write(line)
        log.close()

    threading.Thread(target=drain, args=(process.stderr,), daemon=True).start()
    issuers = {slot: pairs[kind].did for slot, (_, kind, _) in SERVED_ROUTES.items()}
    return process, url, issuers


def parse_issuer_options(values: list[str]) -> dict[str, str]:
    """Parse repeated ``--issuer SLOT=DID`` options."""
    known = {slot.name for suite in SUITES.values() for slot in suite.slots}
    issuers: dict[str, str] = {}
    for value in values:
        slot, sep, did = value.partition("=")
        if not sep or slot not in known:
            raise SetupError(f"--issuer {value!r}: expected SLOT=DID, SLOT one of {sorted(known)}")
        issuers[slot] = did
    return issuers


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Run the W3C VC suites against a local microcred serve.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--suites", type=Path, required=True, help="folder of the checkouts")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--base-url", help="a running server, e.g. http://127.0.0.1:8000")
    target.add_argument(
        "--serve",
        action="store_true",
        help="start microcred serve with fresh keys for the run (files in OUT/server)",
    )
    parser.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="SLOT=DID",
        help="issuer DID of one slot (default: read from GET {base}/issuers)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SUITES),
        help="comma-separated suites to run: vc2.0, eddsa, ecdsa (default: all)",
    )
    parser.add_argument("--out", type=Path, help="report folder (default: SUITES/results)")
    parser.add_argument("--grep", help="run only tests whose title matches (mocha --grep)")
    parser.add_argument("--timeout-ms", type=int, default=15000, help="mocha per-test timeout")
    parser.add_argument(
        "--config-only", action="store_true", help="write localConfig.cjs files and stop"
    )
    args = parser.parse_args(argv)
    out_dir: Path = args.out or (args.suites / "results")
    server: subprocess.Popen[str] | None = None

    try:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        unknown = [k for k in keys if k not in SUITES]
        if unknown or not keys:
            raise SetupError(f"--only: unknown suite(s) {unknown}; choose from {list(SUITES)}")
        selected = [SUITES[k] for k in keys]
        for suite in selected:
            if not (args.suites / suite.directory / "package.json").is_file():
                raise SetupError(f"{args.suites / suite.directory} is not a suite checkout")
        given = parse_issuer_options(args.issuer)
        if args.serve:
            server, args.base_url, served = start_server(out_dir / "server")
            given = {**served, **given}
        issuers = resolve_issuers(selected, given, args.base_url, timeout=10.0)
        node = shutil.which("node")
        if node is None and not args.config_only:
            raise SetupError("node is not on PATH")
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if server is not None:
            server.send_signal(signal.SIGINT)
        return 2

    try:
        return _run(args, selected, issuers, node, out_dir)
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


def _run(
    args: argparse.Namespace,
    selected: list[Suite],
    issuers: dict[str, str],
    node: str | None,
    out_dir: Path,
) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    status = 0
    summary: list[dict[str, Any]] = []
    for suite in selected:
        suite_dir = args.suites / suite.directory
        config_path = write_config(suite_dir, build_config(suite, args.base_url, issuers))
        print(f"== {suite.key}: wrote {config_path}")
        if args.config_only:
            continue
        report_path = (out_dir / f"{suite.directory}.json").resolve()
        report_path.unlink(missing_ok=True)
        try:
            assert node is not None
            proc = run_mocha(suite_dir, report_path, args.timeout_ms, args.grep, node)
        except SetupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        (out_dir / f"{suite.directory}.log").write_text(proc.stdout + proc.stderr, "utf-8")
        if not report_path.is_file():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
            print(f"error: mocha wrote no report (exit {proc.returncode}):\n{tail}")
            status = 2
            continue
        counts, lines = summarise(suite, json.loads(report_path.read_text("utf-8")))
        summary.append({"key": suite.key, **counts})
        print(
            f"{suite.key}: {counts['tests']} tests, {counts['passes']} passed, "
            f"{counts['failures']} failed, {counts['pending']} pending"
            + (
                f" ({counts['hook_failures']} 'before all' hook failures: their tests did not run)"
                if counts["hook_failures"]
                else ""
            )
        )
        for line in lines:
            print(line)
        if counts["failures"] and status == 0:
            status = 1
    if not args.config_only:
        (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
        print(f"reports in {out_dir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
