#!/usr/bin/env python3
"""A course roster delivered to wallets: N learners → N credential offers → N redemptions,
end to end through a running ``microcred serve --oid4vci``.

Usage (from the project root)::

    python benchmarks/oid4vci.py                         # 1,000 learners
    python benchmarks/oid4vci.py --learners 20           # a smoke run
    python benchmarks/oid4vci.py --workers 2 --configurations eu_micro_credential_dc_sd_jwt

It starts ``microcred serve --oid4vci --port 0`` (ephemeral keys, the default configurations,
its state in a SQLite file every worker shares), makes one offer per roster row with a
transaction code (``POST /oid4vci/offers`` with the course template and the row, as
``batch-issue --offers`` does), then redeems each offer as a wallet with its own P-256 key
(:func:`microcred.oid4vci.redeem_offer` over HTTP: the offer, both metadata documents, the
token with the transaction code, then per credential a ``c_nonce``, a key proof and the
credential). Every credential received is checked to be of the offered format; the first ten
learners' credentials are verified with ``microcred.verify`` (outside the timing).

Reports (one JSON object on stdout, a summary on stderr) the wall time of each phase, the time
per learner, and the CPU seconds the service's processes used (from ``/proc``, Linux): the
figure that says what one core does, on a machine whose other cores are busy with the client.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from microcred.keys import generate  # noqa: E402
from microcred.oid4vci import CONFIGURATIONS, UrllibHttp, redeem_offer  # noqa: E402
from microcred.verify import verify  # noqa: E402

FORM = json.loads((ROOT / "src/microcred/cli/demo_form.json").read_text("utf-8"))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        pending += [int(child) for child in children]
    return total


def start_service(workers: int) -> tuple[subprocess.Popen[str], str]:
    """``microcred serve --oid4vci`` on a free loopback port with ``workers`` workers, once
    they are all ready; the process and the service's URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "microcred.cli",
            "serve",
            "--oid4vci",
            "--no-page",
            "--port",
            "0",
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT / "src")},
    )
    assert process.stderr is not None
    for _ in range(200):
        line = process.stderr.readline()
        if not line:
            break
        entry = json.loads(line)
        if entry.get("event") == "listening":
            url = str(entry["url"])
            # the workers log their start on stderr: wait for all, then stop reading
            ready = 0
            while ready < workers:
                if json.loads(process.stderr.readline()).get("event") == "worker ready":
                    ready += 1
            # the service logs a line per request: read them away, or its pipe fills and it
            # blocks
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, url
    process.kill()
    raise SystemExit("microcred serve did not start")


def _roster(learners: int) -> list[dict[str, str]]:
    grades = ["G", "VG"]
    return [
        {
            "name": f"Studerande {i:05d}",
            "ladok_uid": f"00000000-0000-4000-8000-{i:012d}",
            "grade": grades[i % 2],
        }
        for i in range(learners)
    ]


def run(learners: int, workers: int, configurations: list[str] | None) -> dict[str, Any]:
    """One run; what it measured."""
    template = {k: v for k, v in FORM.items() if k != "learner"}
    holders = [generate("P-256") for _ in range(learners)]  # the wallets' keys, made before
    process, url = start_service(workers)
    http = UrllibHttp()
    try:
        cpu_start = _cpu_seconds(process.pid)
        started = time.perf_counter()
        offers = []
        for row in _roster(learners):
            body = json.dumps({"template": template, "row": row, "tx_code": True}).encode()
            status, answer = http(
                "POST",
                f"{url}/oid4vci/offers",
                headers={"Content-Type": "application/json"},
                body=body,
            )
            if status != 201:
                raise SystemExit(f"offer refused ({status}): {answer[:300]!r}")
            offers.append(json.loads(answer))
        offered = time.perf_counter()
        received = []
        for offer, holder in zip(offers, holders, strict=True):
            received.append(
                redeem_offer(
                    offer["uri"],
                    holder,
                    http=http,
                    tx_code=offer["tx_code"],
                    configurations=configurations,
                )
            )
        redeemed = time.perf_counter()
        cpu = _cpu_seconds(process.pid) - cpu_start
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    wanted = configurations or list(CONFIGURATIONS)
    for credentials in received:
        assert [c.configuration for c in credentials] == wanted
    unverified = [
        c.configuration
        for credentials in received[:10]
        for c in credentials
        if not verify(c.credential).verified
    ]
    assert not unverified, unverified
    total = redeemed - started
    return {
        "benchmark": "oid4vci roster",
        "learners": learners,
        "workers": workers,
        "credentials_per_learner": len(wanted),
        "offers_s": round(offered - started, 3),
        "redeem_s": round(redeemed - offered, 3),
        "total_s": round(total, 3),
        "ms_per_learner": round(total / learners * 1000, 2),
        "service_cpu_s": round(cpu, 3),
        "service_cpu_ms_per_learner": round(cpu / learners * 1000, 2),
        "cores": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--configurations",
        nargs="+",
        choices=list(CONFIGURATIONS),
        default=None,
        help="the credentials each learner fetches (default: all three)",
    )
    args = parser.parse_args()
    result = run(args.learners, args.workers, args.configurations)
    print(json.dumps(result))
    print(
        f"{result['learners']} learners, {result['credentials_per_learner']} credentials each: "
        f"offers {result['offers_s']} s, redeemed {result['redeem_s']} s, "
        f"{result['ms_per_learner']} ms per learner end to end; the service used "
        f"{result['service_cpu_ms_per_learner']} ms of CPU per learner",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
