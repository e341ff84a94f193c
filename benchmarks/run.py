#!/usr/bin/env python3
"""microcred's benchmark: sign, verify and validate timings, with the reference JavaScript
stack measured in the same run when it is available.

Usage (from the project root)::

    python benchmarks/run.py                 # JSON Lines on stdout, a summary on stderr
    python benchmarks/run.py --no-node       # without the Node comparison
    python benchmarks/run.py --quick         # fewer, shorter batches (a smoke run)
    python benchmarks/run.py --cli           # also the CLI, batch and cold-start figures
    python benchmarks/run.py --cli --batch-rows 100000 1000000 --verify-files 10000

Method: a warm-up, then batches auto-ranged to at least 0.2 s, 7 batches, the median time per
operation (``--quick``: 3 batches of at least 0.05 s). Inputs: the project's example
micro-credential, and ``small``/``medium``/``large`` from the team's benchmark folder
(``../shared/bench/data``) when it is there. The Node baseline (``../shared/bench/bench_node.mjs``)
is installed into ``benchmarks/.node/`` (ignored by git) with npm, and run on the same inputs.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
NODE_DIR = ROOT / "benchmarks" / ".node"


def timed(operation: Callable[[], Any], *, batches: int, minimum: float) -> float:
    """Median seconds per call over ``batches`` batches of at least ``minimum`` seconds."""
    operation()
    count = 1
    while True:
        started = time.perf_counter()
        for _ in range(count):
            operation()
        if time.perf_counter() - started >= minimum:
            break
        count *= 2
    samples = []
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(count):
            operation()
        samples.append((time.perf_counter() - started) / count)
    return statistics.median(samples)


def _inputs(issuer: str) -> dict[str, dict[str, Any]]:
    from microcred.model import MicroCredential

    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    micro = MicroCredential.model_validate(form)
    found = {
        "microcredential": micro.to_ob3(
            issuer_id=issuer, salt="benchmark", today=date(2026, 11, 25)
        ).to_json()
    }
    for name in ("small", "medium", "large"):
        path = BENCH / "data" / f"{name}.json"
        if path.exists():
            document = json.loads(path.read_text())
            document.pop("proof", None)
            issuer_value = document["issuer"]
            document["issuer"] = (
                {**issuer_value, "id": issuer} if isinstance(issuer_value, dict) else issuer
            )
            found[name] = document
    return found


def _bench_resolver() -> Any:
    from microcred import keys
    from microcred.testing import controller_document

    path = BENCH / "data" / "test-vector-key.json"
    if not path.exists():
        return None
    key = json.loads(path.read_text())
    return keys.StaticResolver(
        [controller_document(key["verificationMethod"], key["publicKeyMultibase"])]
    )


def python_results(batches: int, minimum: float) -> list[dict[str, Any]]:
    """Every timed operation of microcred, as JSON records."""
    import microcred as mc

    results: list[dict[str, Any]] = []
    ed25519 = mc.keys.generate("Ed25519")
    p256 = mc.keys.generate("P-256")
    resolver = _bench_resolver()

    def record(op: str, size: str, operation: Callable[[], Any]) -> None:
        seconds = timed(operation, batches=batches, minimum=minimum)
        results.append({"impl": "python", "op": op, "size": size, "median_s": seconds})
        print(f"  {op:<34} {size:<16} {seconds * 1000:9.3f} ms", file=sys.stderr)

    for size, document in _inputs(ed25519.did).items():
        suites = ["eddsa-rdfc-2022"]
        if size in ("microcredential", "medium"):
            suites += ["eddsa-jcs-2022", "Ed25519Signature2020"]
        for suite in suites:
            _suite(record, mc, size, document, ed25519, suite, resolver)
        _jsonld(record, size, document)
        if size in ("microcredential", "medium"):
            _others(record, mc, size, document, ed25519, p256)
    _sd_jwt_vc(record, mc, ed25519, p256)
    return results


def _sd_jwt_vc(record: Any, mc: Any, issuer: Any, holder: Any) -> None:
    """The example micro-credential as an EU SD-JWT VC (microcred's type, its default
    selectively disclosable claims, the holder's P-256 key bound): issued, presented with
    only the title, ECTS and issuer disclosed under a Key Binding JWT, and verified with the
    nonce and audience (beside the eddsa-rdfc-2022 figures of the same credential)."""
    from microcred.model import MicroCredential
    from microcred.sdjwt import present_sd_jwt

    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    micro = MicroCredential.model_validate(form)
    shown_claims = [
        "/credentialSubject/achievement/name",
        "/credentialSubject/achievement/ECTS",
        "/issuer",
    ]
    holder_jwk = holder.public_jwk()
    issued = micro.to_sd_jwt_vc(issuer, holder_jwk=holder_jwk, today=date(2026, 11, 25))
    shown = present_sd_jwt(
        issued, shown_claims, holder_key=holder, nonce="n-1", audience="https://v.example"
    )
    assert mc.verify(shown, nonce="n-1", audience="https://v.example").verified
    size = "microcredential"
    record(
        "issue SD-JWT VC",
        size,
        lambda: micro.to_sd_jwt_vc(issuer, holder_jwk=holder_jwk, today=date(2026, 11, 25)),
    )
    record(
        "present SD-JWT VC (KB-JWT)",
        size,
        lambda: present_sd_jwt(
            issued, shown_claims, holder_key=holder, nonce="n-1", audience="https://v.example"
        ),
    )
    record(
        "verify SD-JWT VC (KB-JWT)",
        size,
        lambda: mc.verify(shown, nonce="n-1", audience="https://v.example"),
    )


def _with_issuer(document: dict[str, Any], issuer: str) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    value = copied["issuer"]
    copied["issuer"] = {**value, "id": issuer} if isinstance(value, dict) else issuer
    return copied


def _suite(
    record: Any, mc: Any, size: str, document: dict[str, Any], key: Any, suite: str, resolver: Any
) -> None:
    unsigned = copy.deepcopy(document)
    if suite == "Ed25519Signature2020":
        legacy = "https://w3id.org/security/suites/ed25519-2020/v1"
        unsigned["@context"] = [*unsigned["@context"], legacy]
    signed = mc.issue(unsigned, key, suite=suite)
    assert mc.verify(signed, resolver=resolver).verified
    record(f"sign {suite}", size, lambda: mc.issue(unsigned, key, suite=suite))
    record(f"verify {suite}", size, lambda: mc.verify(signed, resolver=resolver))


def _jsonld(record: Any, size: str, document: dict[str, Any]) -> None:
    """JSON-LD to RDF quads (the safe-mode expansion every verification runs): microcred's
    fast path, and the pyld path it falls back to (same quads)."""
    from microcred.jsonld import _processor, to_quads

    record("jsonld to_quads (fast path)", size, lambda: to_quads(document))
    _processor.FAST_PATH = False
    try:
        record("jsonld to_quads (pyld)", size, lambda: to_quads(document))
    finally:
        _processor.FAST_PATH = True


def _others(
    record: Any, mc: Any, size: str, document: dict[str, Any], ed25519: Any, p256: Any
) -> None:
    from microcred.jsonld import canonize

    ecdsa = _with_issuer(document, p256.did)
    signed = mc.issue(ecdsa, p256, suite="ecdsa-rdfc-2019")
    record(
        "sign ecdsa-rdfc-2019 P-256", size, lambda: mc.issue(ecdsa, p256, suite="ecdsa-rdfc-2019")
    )
    record("verify ecdsa-rdfc-2019 P-256", size, lambda: mc.verify(signed))
    # selective disclosure: issuer, holder (reveal the subject), verifier
    mandatory = ["/issuer"]
    base = mc.issue(ecdsa, p256, suite="ecdsa-sd-2023", mandatory_pointers=mandatory)
    shown = mc.derive(base, ["/credentialSubject"])
    record(
        "sign ecdsa-sd-2023 (base) P-256",
        size,
        lambda: mc.issue(ecdsa, p256, suite="ecdsa-sd-2023", mandatory_pointers=mandatory),
    )
    record("derive ecdsa-sd-2023", size, lambda: mc.derive(base, ["/credentialSubject"]))
    record("verify ecdsa-sd-2023 (derived)", size, lambda: mc.verify(shown))
    # a presentation of three credentials that differ only in id (one issuer, one course)
    similar = []
    for number in range(3):
        copied = copy.deepcopy(document)
        copied["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{number}"
        similar.append(mc.issue(copied, ed25519))
    presented = mc.present(similar, ed25519, challenge="c", domain="d")
    assert mc.verify(presented, challenge="c", domain="d").verified
    record(
        "present 3 similar eddsa-rdfc-2022",
        size,
        lambda: mc.present(similar, ed25519, challenge="c", domain="d"),
    )
    record(
        "verify presentation of 3 similar",
        size,
        lambda: mc.verify(presented, challenge="c", domain="d"),
    )
    token = mc.issue(document, ed25519, format="jwt")
    assert mc.verify(token).verified
    record("sign JWT EdDSA", size, lambda: mc.issue(document, ed25519, format="jwt"))
    record("verify JWT EdDSA", size, lambda: mc.verify(token))
    es256 = mc.issue(ecdsa, p256, format="jwt")
    assert mc.verify(es256).verified
    record("verify JWT ES256 P-256", size, lambda: mc.verify(es256))
    record("validate ob3", size, lambda: mc.validate(document, "ob3"))
    # the cryptographic floor: SHA-256 of the canonical form twice, then Ed25519
    canonical = canonize(document).nquads.encode()
    signer = ed25519.signer()
    verifier = mc.keys.verifier_for_method(
        {
            "id": ed25519.verification_method,
            "type": "Multikey",
            "controller": ed25519.did,
            "publicKeyMultibase": ed25519.public_multikey(),
        }
    )

    def digest() -> bytes:
        return hashlib.sha256(canonical).digest() + hashlib.sha256(canonical).digest()

    signature = signer.sign(digest())
    record("floor sign (2x sha256 + Ed25519)", size, lambda: signer.sign(digest()))
    # the floor with the verifier microcred uses (libsodium when PyNaCl is installed), and
    # with OpenSSL's (cryptography), the floor without the [speed] extra
    record("floor verify (2x sha256 + Ed25519)", size, lambda: verifier.verify(digest(), signature))
    openssl = ed25519.to_cryptography().public_key()
    record(
        "floor verify OpenSSL (2x sha256 + Ed25519)",
        size,
        lambda: openssl.verify(signature, digest()),
    )


def node_results() -> list[dict[str, Any]]:
    """The reference stack's timings, or [] when Node or the baseline script is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("node: not installed, no comparison", file=sys.stderr)
        return []
    if not (BENCH / "bench_node.mjs").exists():
        print("node: the baseline script is not beside the project, no comparison", file=sys.stderr)
        return []
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(BENCH / "package.json", NODE_DIR / "package.json")
    if not (NODE_DIR / "node_modules").is_dir():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True
        )
    out = NODE_DIR / "out"
    out.mkdir(exist_ok=True)
    environment = {
        **os.environ,
        "BENCH_NODE_MODULES": str(NODE_DIR / "node_modules"),
        "BENCH_OUT": str(out),
    }
    completed = subprocess.run(
        ["node", str(BENCH / "bench_node.mjs"), "small", "medium", "large"],
        cwd=BENCH, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def _summary(results: list[dict[str, Any]]) -> None:
    """The JSON-LD fast path against pyld, and the JCS suite against the cryptographic floor."""
    ours = {(r["op"], r["size"]): r["median_s"] for r in results if "median_s" in r}
    print("\nJSON-LD to quads, pyld / fast path:", file=sys.stderr)
    for (op, size), seconds in ours.items():
        pyld = ours.get(("jsonld to_quads (pyld)", size))
        if op == "jsonld to_quads (fast path)" and pyld:
            print(f"  {size:<16} x{pyld / seconds:.1f}", file=sys.stderr)
    print("eddsa-jcs-2022 / cryptographic floor:", file=sys.stderr)
    for size in ("microcredential", "medium"):
        for verb in ("sign", "verify"):
            jcs = ours.get((f"{verb} eddsa-jcs-2022", size))
            floor = ours.get((f"floor {verb} (2x sha256 + Ed25519)", size))
            if jcs and floor:
                print(f"  {verb:<6} {size:<16} x{jcs / floor:.1f}", file=sys.stderr)


#: What one verification of the medium credential may cost (docs/performance.md): an upper
#: bound in seconds, or for ``eddsa-jcs-2022`` a multiple of the cryptographic floor (the
#: floor with OpenSSL's Ed25519, the base install's).
VERIFY_TARGETS: tuple[tuple[str, float], ...] = (
    ("verify eddsa-rdfc-2022", 0.45e-3),
    ("verify JWT EdDSA", 0.40e-3),
)
JCS_FLOOR_TARGET = 3.0


def _verify_targets(results: list[dict[str, Any]]) -> None:
    """The per-verification targets against this run's figures (medium credential)."""
    ours = {(r["op"], r["size"]): r["median_s"] for r in results}
    if ("verify eddsa-rdfc-2022", "medium") not in ours:
        return
    print("per-verification targets (medium):", file=sys.stderr)
    for op, bound in VERIFY_TARGETS:
        seconds = ours.get((op, "medium"))
        if seconds is not None:
            verdict = "met" if seconds <= bound else "over"
            line = f"  {op:<34} {seconds * 1000:7.3f} ms (at most {bound * 1000:.2f} ms)"
            print(f"{line}: {verdict}", file=sys.stderr)
    jcs = ours.get(("verify eddsa-jcs-2022", "medium"))
    from microcred.keys import _sodium

    ed25519 = "libsodium" if _sodium.available() else "OpenSSL"
    # the target was set against the floor of the base install, OpenSSL's Ed25519 (before
    # libsodium, the [speed] extra, halved the cryptography); the ratio to libsodium's floor
    # is shown beside it
    floors = [("floor (OpenSSL)", "floor verify OpenSSL (2x sha256 + Ed25519)", True)]
    if ed25519 != "OpenSSL":
        floors.append(("floor (libsodium)", "floor verify (2x sha256 + Ed25519)", False))
    for label, op, target in floors:
        floor = ours.get((op, "medium"))
        if jcs and floor:
            line = f"  {'verify eddsa-jcs-2022 / ' + label:<34} x{jcs / floor:6.2f}"
            if target:
                verdict = "met" if jcs <= JCS_FLOOR_TARGET * floor else "over"
                line += f"    (at most x{JCS_FLOOR_TARGET:.0f}): {verdict}"
            print(line, file=sys.stderr)
    print(f"  (Ed25519 signatures verified by {ed25519})", file=sys.stderr)


# --- the CLI, batch-issue and cold start (--cli): whole processes, measured from outside ---


def _command() -> list[str]:
    """How the ``microcred`` console script is started (the one beside this Python)."""
    script = Path(sys.executable).with_name("microcred")
    return [str(script)] if script.exists() else [sys.executable, "-m", "microcred.cli"]


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += _tree(int(child))
    return found


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, from /proc (0, 0 when it is gone)."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def measured(command: list[str], **options: Any) -> dict[str, Any]:
    """Run ``command``; its wall time and the peak RSS and PSS summed over its whole process
    tree (every worker), sampled every 0.2 s from /proc. PSS shares pages the processes have
    in common among them; RSS counts them in each."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               **options)  # fmt: skip
    peak_rss = peak_pss = processes = 0
    while process.poll() is None:
        pids = _tree(process.pid)
        sizes = [_memory_kib(pid) for pid in pids]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        processes = max(processes, len(pids))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    _, err = process.communicate()
    return {
        "exit": process.returncode,
        "seconds": seconds,
        "peak_rss_mib": peak_rss / 1024,
        "peak_pss_mib": peak_pss / 1024,
        "processes": processes,
        "stderr_tail": err.decode(errors="replace").splitlines()[-1:],
    }


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _wall(command: list[str], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _batch(folder: Path, rows: int, key: Path, workers: int) -> tuple[Path, dict[str, Any]]:
    roster = folder / f"roster-{rows}.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_roster.py"), "--rows",
                    str(rows), "--seed", "19", "-o", str(roster)], check=True,
                   capture_output=True)  # fmt: skip
    out = folder / f"out-{rows}"
    figures = measured([*_command(), "batch-issue", str(roster), "--template",
                        str(ROOT / "examples" / "data" / "template-da123a.json"), "--key",
                        str(key), "--out-dir", str(out), "--workers", str(workers)])  # fmt: skip
    files = [entry for entry in os.scandir(out) if entry.is_file()]
    figures["output_bytes"] = sum(entry.stat().st_size for entry in files)
    figures["output_disk_bytes"] = sum(entry.stat().st_blocks * 512 for entry in files)
    figures["rows_per_s"] = rows / figures["seconds"]
    roster.unlink()
    return out, figures


def _compile_package() -> None:
    """Write the bytecode of the microcred package the ``microcred`` command runs (an
    editable install has none until a module is first imported)."""
    import microcred

    package = Path(microcred.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True,
                   capture_output=True)  # fmt: skip


def cli_results(
    batch_rows: list[int], verify_files: int, *, repeats: int = 7, dask_rows: int = 4000
) -> list[dict[str, Any]]:
    """Cold start, CLI verify of many files (one process against every core), batch-issue
    of large rosters (time, peak memory of all processes, output size), and the Dask path
    against the process pool."""
    import tempfile

    results: list[dict[str, Any]] = []
    cores = _cores()

    def record(op: str, size: str, **figures: Any) -> None:
        results.append({"impl": "python", "op": op, "size": size, **figures})
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                          for k, v in figures.items() if k != "stderr_tail")  # fmt: skip
        print(f"  {op:<34} {size:<16} {shown}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="microcred-bench-") as name:
        folder = Path(name)
        key = folder / "key.json"
        subprocess.run([*_command(), "keygen", "--type", "Ed25519", "-o", str(key)],
                       check=True, capture_output=True)  # fmt: skip
        # cold start: whole processes, the median of several, of the package as installed
        # (its bytecode compiled, as pip compiles it when installing and Python when it first
        # imports a module, unless PYTHONDONTWRITEBYTECODE is set, as on some machines)
        _compile_package()
        out, _ = _batch(folder, max(verify_files, 1), key, cores)
        files = sorted(str(p) for p in out.iterdir() if p.suffix == ".json")
        record("cold start python -c pass", "process",
               median_s=_wall([sys.executable, "-c", "pass"], repeats))  # fmt: skip
        record("cold start import microcred", "process",
               median_s=_wall([sys.executable, "-c", "import microcred"], repeats))  # fmt: skip
        record("cold start microcred --version", "process",
               median_s=_wall([*_command(), "--version"], repeats))  # fmt: skip
        record("cold start microcred verify one", "process",
               median_s=_wall([*_command(), "verify", files[0]], repeats))  # fmt: skip
        # verify of many files: one process, then every core (interleaved, best of two)
        one, every = [], []
        for _ in range(2):
            one.append(measured([*_command(), "verify", "--json", "--jobs", "1", *files]))
            every.append(measured([*_command(), "verify", "--json", "--jobs", str(cores),
                                   *files]))  # fmt: skip
        best_one = min(one, key=lambda r: r["seconds"])
        best_every = min(every, key=lambda r: r["seconds"])
        size = f"{len(files)} files"
        record("cli verify --jobs 1", size, **best_one,
               per_s=len(files) / best_one["seconds"])  # fmt: skip
        record(f"cli verify --jobs {cores}", size, **best_every,
               per_s=len(files) / best_every["seconds"],
               speedup=best_one["seconds"] / best_every["seconds"])  # fmt: skip
        shutil.rmtree(out)
        for rows in batch_rows:
            out, figures = _batch(folder, rows, key, cores)
            record(f"cli batch-issue --workers {cores}", f"{rows} rows", **figures)
            shutil.rmtree(out)
    if dask_rows:
        dask_results(rows=dask_rows, workers=cores, record=record)
    return results


def dask_results(rows: int, workers: int, record: Callable[..., None]) -> None:
    """issue_many on a process pool against issue_many_dask on a local cluster of worker
    processes (both warm, interleaved, best of three), the same rows and cores; with the CPU
    seconds of every process of each path (steadier than the times on a shared machine)."""
    try:
        import distributed
    except ImportError:
        print("dask: the dask extra is not installed, no comparison", file=sys.stderr)
        return
    import resource

    import microcred as mc
    from microcred.batch import issue_many, issue_many_dask

    template = json.loads((ROOT / "examples" / "data" / "template-da123a.json").read_text())
    key = mc.keys.generate("Ed25519")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_roster

    roster = make_roster.rows(rows, 0, 19)

    def cpu(who: int) -> float:
        used = resource.getrusage(who)
        return used.ru_utime + used.ru_stime

    pool_s, dask_s, pool_cpu, dask_cpu = [], [], [], []
    with (
        distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip

        def cluster_cpu() -> float:
            return float(sum(client.run(cpu, resource.RUSAGE_SELF).values()))

        # warm: the cluster's workers, and this process, whose forks the pool's workers are
        # (the contexts processed and the signing modules imported before the pool starts)
        list(issue_many_dask(roster[:64], template, key, client=client))
        list(issue_many(roster[:8], template, key))
        for _ in range(3):
            before = cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            assert all(r.ok for r in issue_many(roster, template, key, workers=workers))
            pool_s.append(time.perf_counter() - started)
            pool_cpu.append(cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN) - before)
            before = cpu(resource.RUSAGE_SELF) + cluster_cpu()
            started = time.perf_counter()
            assert all(r.ok for r in issue_many_dask(roster, template, key, client=client))
            dask_s.append(time.perf_counter() - started)
            dask_cpu.append(cpu(resource.RUSAGE_SELF) + cluster_cpu() - before)
    record(f"issue_many process pool x{workers}", f"{rows} rows", seconds=min(pool_s),
           cpu_s=min(pool_cpu))  # fmt: skip
    record(f"issue_many_dask local cluster x{workers}", f"{rows} rows", seconds=min(dask_s),
           cpu_s=min(dask_cpu), ratio_to_pool=min(pool_s) / min(dask_s))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print JSON Lines and a summary with the ratios to Node."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-node", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cli", action="store_true", help="also the CLI and batch figures")
    parser.add_argument("--cli-only", action="store_true", help="only the CLI and batch figures")
    parser.add_argument("--batch-rows", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--verify-files", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.cli_only:
        print("microcred CLI and batch:", file=sys.stderr)
        for record in cli_results(args.batch_rows, args.verify_files):
            print(json.dumps(record))
        return 0
    batches, minimum = (3, 0.05) if args.quick else (7, 0.2)
    print("microcred:", file=sys.stderr)
    results = python_results(batches, minimum)
    if args.cli:
        print("microcred CLI and batch:", file=sys.stderr)
        results += cli_results(args.batch_rows, args.verify_files)
    node = [] if args.no_node else node_results()
    for record in results + node:
        print(json.dumps(record))
    _summary(results)
    _verify_targets(results)
    if node:
        print("\nratio Node / microcred (higher is better for microcred):", file=sys.stderr)
        ours = {(r["op"], r["size"]): r["median_s"] for r in results if "median_s" in r}
        for record in node:
            op = {"rdfc_sign": "sign eddsa-rdfc-2022", "rdfc_verify": "verify eddsa-rdfc-2022"}.get(
                str(record.get("op", ""))
            )
            key = (op, record.get("size"))
            if op and key in ours:
                ratio = record["median_s"] / ours[key]
                node_ms, our_ms = record["median_s"] * 1000, ours[key] * 1000
                line = f"  {op:<26} {record['size']:<8} node {node_ms:8.2f} ms  "
                print(f"{line}microcred {our_ms:8.2f} ms  x{ratio:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
