#!/usr/bin/env python3
"""Load on ``microcred serve``: requests/s, p50 and p99 latency and errors, on loopback.

Usage (from the project root)::

    python benchmarks/service.py                       # the full run (about 4 minutes)
    python benchmarks/service.py --seconds 1 --long-requests 5000   # a smoke run
    python benchmarks/service.py --workers 1 --concurrency 1 64 --no-node

For each ``--workers`` count it starts ``microcred serve`` on a free port with a fresh Ed25519
key, issues the medium OB 3.0 credential of the team's benchmark folder once (the example
micro-credential without it), and then drives, for ``--seconds`` per point, a closed loop of
``c`` kept-alive HTTP/1.1 connections for each ``c`` of ``--concurrency``, on three loads:
``verify`` (``POST /credentials/verify`` of the signed credential: 200), ``tampered`` (the
same with a changed subject name: 400) and ``issue`` (``POST /credentials/issue`` of the
unsigned credential: 201). A response with another status, a broken connection or one slower
than ``--timeout`` counts as an error. Then, with one worker, ``--long-requests`` verifications
at c=8, with the resident memory of the service (all its processes) after the first tenth and
at the end.

When Node and the reference stack are there (``benchmarks/.node/node_modules``, as
``benchmarks/run.py`` installs it, or ``BENCH_NODE_MODULES``), the reference verifier
service (``benchmarks/node_service.mjs``, one Node process) gets the same ``verify`` and
``tampered`` loads, on the medium credential signed with the benchmark folder's test key.

The client is asyncio (on uvloop when installed) on raw sockets in this process: it shares the
machine's cores with the service, so the figures are for the pair. Prints one JSON object per
point on stdout and a table on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
NODE_DIR = ROOT / "benchmarks" / ".node"


@dataclass
class Point:
    """What one load point measured."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def _request(path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


class _Client(asyncio.Protocol):
    """One kept-alive connection sending the same request again as soon as each answer is
    complete."""

    def __init__(self, request: bytes, expect: int, point: Point, stop_at: float) -> None:
        self.request, self.expect, self.point, self.stop_at = request, expect, point, stop_at
        self.buffer = b""
        self.sent = 0.0
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's: no subclass
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        match = _LENGTH.search(self.buffer, 0, end + 2)
        length = int(match.group(1)) if match else 0
        if len(self.buffer) < end + 4 + length:
            return
        status = int(self.buffer[9:12])
        self.buffer = self.buffer[end + 4 + length :]
        now = time.perf_counter()
        self.point.latencies.append(now - self.sent)
        self.point.statuses[status] = self.point.statuses.get(status, 0) + 1
        if status != self.expect:
            self.point.errors += 1
        if now >= self.stop_at:
            assert self.transport is not None
            self.transport.close()
        else:
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _run(coroutine: Any) -> Any:
    """Run the client on uvloop when it is installed (the ``[bench]`` extra brings it): the
    client shares the cores with the service, and the less it takes, the more the figures
    are the service's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


async def _load(
    port: int, request: bytes, expect: int, concurrency: int, seconds: float, timeout: float
) -> Point:
    loop = asyncio.get_running_loop()
    point = Point()
    stop_at = time.perf_counter() + seconds
    clients: list[_Client] = []

    async def one() -> None:
        try:
            _, client = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Client(request, expect, point, stop_at), "127.0.0.1", port
                ),
                timeout,
            )
        except (OSError, asyncio.TimeoutError):
            point.errors += 1
            return
        clients.append(client)
        try:
            await asyncio.wait_for(asyncio.shield(client.done), seconds + timeout)
        except asyncio.TimeoutError:
            point.errors += 1  # an answer that never came
            if client.transport is not None:
                client.transport.abort()

    await asyncio.gather(*(one() for _ in range(concurrency)))
    return point


def _measure(
    port: int,
    request: bytes,
    expect: int,
    concurrency: int,
    seconds: float,
    timeout: float,
    pid: int | None = None,
) -> dict[str, Any]:
    cpu = _cpu_seconds(pid) if pid else 0.0
    started, own = time.perf_counter(), time.process_time()
    point = _run(_load(port, request, expect, concurrency, seconds, timeout))
    elapsed, own = time.perf_counter() - started, time.process_time() - own
    cpu = _cpu_seconds(pid) - cpu if pid else 0.0
    lat = sorted(point.latencies)

    def pct(q: float) -> float | None:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else None

    return {
        "requests": len(lat),
        "rps": len(lat) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "errors": point.errors,
        "statuses": {str(k): v for k, v in sorted(point.statuses.items())},
        # the service's CPU per request: unlike the rates, little moved by other load
        "cpu_ms_per_request": cpu * 1000 / len(lat) if lat and pid else None,
        # the load generator's own CPU per request (it runs on the same cores)
        "client_cpu_ms_per_request": own * 1000 / len(lat) if lat else None,
    }


def _pids(pid: int) -> list[int]:
    try:
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return [pid]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for p in _pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its children, KiB (Linux /proc)."""
    total = 0
    for p in _pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# ------------------------------------------------------------------- the services


def _credential(issuer: str) -> dict[str, Any]:
    path = BENCH / "data" / "medium.json"
    if path.exists():
        document: dict[str, Any] = json.loads(path.read_text())
        document.pop("proof", None)
        value = document["issuer"]
        document["issuer"] = {**value, "id": issuer} if isinstance(value, dict) else issuer
        return document
    sys.path.insert(0, str(ROOT / "src"))
    from microcred.model import MicroCredential

    form = json.loads((ROOT / "examples" / "data" / "annex-i-da123a.json").read_text())
    micro = MicroCredential.model_validate(form)
    return dict(
        micro.to_ob3(issuer_id=issuer, salt="benchmark", today=date(2026, 11, 25)).to_json()
    )


def _loads(signed: dict[str, Any], unsigned: dict[str, Any]) -> list[tuple[str, bytes, int]]:
    """The three loads (name, request, expected status) run against each service."""
    verify = json.dumps({"verifiableCredential": signed}).encode()
    tampered = json.dumps({"verifiableCredential": _tamper(signed)}).encode()
    return [
        ("verify", _request("/credentials/verify", verify), 200),
        ("tampered", _request("/credentials/verify", tampered), 400),
        (
            "issue",
            _request("/credentials/issue", json.dumps({"credential": unsigned}).encode()),
            201,
        ),
    ]


def _tamper(signed: dict[str, Any]) -> dict[str, Any]:
    tampered = json.loads(json.dumps(signed))
    subject = tampered["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    subject["name"] = str(subject.get("name", "")) + " (changed)"
    return tampered


def _post(port: int, path: str, body: Any) -> tuple[int, Any]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


def _wait_port(process: subprocess.Popen[str], pattern: str) -> int:
    assert process.stderr is not None
    for _ in range(200):
        line = process.stderr.readline()
        if not line:
            break
        found = re.search(pattern, line)
        if found:
            return int(found.group(1))
    raise RuntimeError("the service did not say where it listens")


def _drain(process: subprocess.Popen[str]) -> None:
    """Read the service's log in the background so that it never blocks on a full pipe."""
    import threading

    def run() -> None:
        assert process.stderr is not None
        for _ in process.stderr:
            pass

    threading.Thread(target=run, daemon=True).start()


def _start_microcred(workers: int, key_file: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "microcred.cli",
            "serve",
            "--port",
            "0",
            "--no-page",
            "--key",
            str(key_file),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1"},
    )
    port = _wait_port(process, r'"event": "listening".*?"url": "http://127\.0\.0\.1:(\d+)"')
    _drain(process)
    time.sleep(1.0 + 0.5 * workers)  # the workers load the library
    return process, port


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()


def _node_modules() -> Path | None:
    if shutil.which("node") is None:
        return None
    env = os.environ.get("BENCH_NODE_MODULES")
    for candidate in ([Path(env)] if env else []) + [NODE_DIR / "node_modules"]:
        if (candidate / "@digitalbazaar" / "vc").is_dir():
            return candidate
    return None


def _start_node(modules: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        ["node", str(ROOT / "benchmarks" / "node_service.mjs")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BENCH_NODE_MODULES": str(modules), "BENCH_DATA": str(BENCH / "data")},
    )
    port = _wait_port(process, r'"listening".*?"port":\s*(\d+)')
    _drain(process)
    return process, port


# ------------------------------------------------------------------------ the run


def _report(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)
    p50 = "-" if record["p50_ms"] is None else f"{record['p50_ms']:8.2f}"
    p99 = "-" if record["p99_ms"] is None else f"{record['p99_ms']:8.2f}"
    print(
        f"  {record['impl']:<10} w={record['workers']} {record['load']:<9} "
        f"c={record['c']:<4} {record['rps']:8.0f} req/s  p50 {p50} ms  p99 {p99} ms  "
        f"errors {record['errors']}"
        + (
            f"  cpu {record['cpu_ms_per_request']:.2f} ms/req"
            if record["cpu_ms_per_request"]
            else ""
        )
        + (
            f" (client {record['client_cpu_ms_per_request']:.2f})"
            if record.get("client_cpu_ms_per_request")
            else ""
        ),
        file=sys.stderr,
        flush=True,
    )


def _run_loads(
    impl: str,
    workers: int,
    pid: int,
    port: int,
    loads: list[tuple[str, bytes, int]],
    args: argparse.Namespace,
) -> list[dict[str, Any]]:
    records = []
    for name, request, expect in loads:
        _measure(port, request, expect, 4, 0.5, args.timeout)  # warm-up
        for c in args.concurrency:
            result = _measure(port, request, expect, c, args.seconds, args.timeout, pid)
            record = {"impl": impl, "workers": workers, "load": name, "c": c, **result}
            _report(record)
            records.append(record)
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per point (default 5)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64, 256])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=10.0, help="per request (default 10 s)")
    parser.add_argument(
        "--long-requests", type=int, default=100_000, help="memory run (0: none; default 100,000)"
    )
    parser.add_argument("--no-node", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import microcred as mc

    print(
        f"{date.today()} {os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}",
        file=sys.stderr,
    )
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        key = mc.keys.generate("Ed25519")
        key_file = Path(tmp) / "issuer.json"
        key_file.write_text(json.dumps(key.private_jwk()))
        unsigned = _credential(key.did)
        for workers in args.workers:
            process, port = _start_microcred(workers, key_file)
            try:
                status, answer = _post(port, "/credentials/issue", {"credential": unsigned})
                if status != 201:
                    raise RuntimeError(f"issue: {status} {answer}")
                signed = answer["verifiableCredential"]
                loads = _loads(signed, unsigned)
                records += _run_loads("microcred", workers, process.pid, port, loads, args)
                if workers == 1 and args.long_requests:
                    records.append(_long_run(process, port, loads[0][1], args))
            finally:
                _stop(process)
        modules = None if args.no_node else _node_modules()
        if modules is None and not args.no_node:
            print("node: the reference stack is not installed, no comparison", file=sys.stderr)
        if modules is not None:
            records += _node(modules, args)
    _summary(records)
    return 0


def _long_run(
    process: subprocess.Popen[str], port: int, request: bytes, args: argparse.Namespace
) -> dict[str, Any]:
    tenth = max(1, args.long_requests // 10)
    point = Point()

    async def run(count: int) -> None:
        loop = asyncio.get_running_loop()
        remaining = [count]

        class Counted(_Client):
            def _send(self) -> None:
                if remaining[0] <= 0:
                    assert self.transport is not None
                    self.transport.close()
                    return
                remaining[0] -= 1
                super()._send()

        clients = [
            (
                await loop.create_connection(
                    lambda: Counted(request, 200, point, float("inf")), "127.0.0.1", port
                )
            )[1]
            for _ in range(8)
        ]
        await asyncio.gather(*(client.done for client in clients))

    _run(run(tenth))
    first = _rss_kib(process.pid)
    started = time.perf_counter()
    _run(run(args.long_requests - tenth))
    elapsed = time.perf_counter() - started
    last = _rss_kib(process.pid)
    record = {
        "impl": "microcred",
        "workers": 1,
        "load": "memory",
        "requests": len(point.latencies),
        "errors": point.errors,
        "rss_after_tenth_kib": first,
        "rss_end_kib": last,
        "rss_change": (last - first) / first if first else None,
        "rps": (args.long_requests - tenth) / elapsed,
    }
    print(json.dumps(record), flush=True)
    print(
        f"  memory: {record['requests']} verifications at c=8, RSS {first / 1024:.1f} MiB after "
        f"{tenth}, {last / 1024:.1f} MiB at the end ({record['rss_change']:+.1%}), errors "
        f"{point.errors}",
        file=sys.stderr,
        flush=True,
    )
    return record


def _node(modules: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    process, port = _start_node(modules)
    try:
        signed_path = BENCH / "data" / "medium.json"
        unsigned = json.loads(signed_path.read_text())
        status, answer = _post(port, "/credentials/issue", {"credential": unsigned})
        if status != 201:
            raise RuntimeError(f"node issue: {status} {answer}")
        signed = answer["verifiableCredential"]
        loads = _loads(signed, unsigned)
        return _run_loads("node", 1, process.pid, port, loads, args)
    finally:
        _stop(process)


def _summary(records: list[dict[str, Any]]) -> None:
    def rps(impl: str, workers: int, load: str, c: int) -> float | None:
        for r in records:
            if (r["impl"], r["workers"], r["load"], r.get("c")) == (impl, workers, load, c):
                return float(r["rps"])
        return None

    lines = []
    one_c1, node_c1 = rps("microcred", 1, "verify", 1), rps("node", 1, "verify", 1)
    one_c64, node_c64 = rps("microcred", 1, "verify", 64), rps("node", 1, "verify", 64)
    two_c64, one_c256 = rps("microcred", 2, "verify", 64), rps("microcred", 1, "verify", 256)
    if one_c1 and node_c1:
        lines.append(f"verify c=1, one worker / node: x{one_c1 / node_c1:.2f}")
    if one_c64 and node_c64:
        lines.append(f"verify c=64, one worker / node: x{one_c64 / node_c64:.2f}")
    if one_c64 and two_c64:
        lines.append(f"verify c=64, two workers / one: x{two_c64 / one_c64:.2f}")
    if one_c64 and one_c256:
        lines.append(f"verify one worker, c=256 / c=64: {one_c256 / one_c64:.0%}")
    cpu = {
        r["impl"]: r["cpu_ms_per_request"]
        for r in records
        if r.get("load") == "verify" and r.get("c") == 64 and r["workers"] == 1
    }
    if cpu.get("microcred") and cpu.get("node"):
        lines.append(
            f"verify c=64, CPU per request node / microcred: x{cpu['node'] / cpu['microcred']:.2f}"
        )
    for line in lines:
        print("  " + line, file=sys.stderr)
    if lines:
        print(json.dumps({"summary": lines}), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
