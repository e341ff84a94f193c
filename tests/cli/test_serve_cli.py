"""``microcred serve`` as a process: where it binds, what it logs, and the size limit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

pytest.importorskip("uvicorn", reason="the [server] extra is not installed")

import microcred as mc


def _read_event(stream: IO[str], event: str, limit: int = 50) -> dict[str, Any]:
    for _ in range(limit):
        line = stream.readline()
        if not line:
            break
        entry: dict[str, Any] = json.loads(line)  # every log line is JSON
        if entry["event"] == event:
            return entry
    raise AssertionError(f"no {event!r} log line")


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "microcred.cli", "serve", "--port", "0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    process = _start()
    assert process.stderr is not None
    try:
        yield process, _read_event(process.stderr, "listening")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def _post(url: str, data: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_binds_to_loopback_by_default_and_logs_json(
    server: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    process, listening = server
    assert listening["url"].startswith("http://127.0.0.1:")
    assert not listening["url"].endswith(":0")
    routes = {entry["route"] for entry in listening["issuers"]}
    assert {"eddsa-rdfc-2022", "ecdsa-rdfc-2019/p-384", "eddsa-jcs-2022"} <= routes
    status, body = _post(listening["url"] + "/credentials/verify", b'{"verifiableCredential": {}}')
    assert status == 400
    assert body["outcome"] == "invalid"
    assert process.stderr is not None
    logged = _read_event(process.stderr, "request")
    assert logged["path"] == "/credentials/verify"
    assert logged["status"] == 400
    assert logged["worker"] in range(os.cpu_count() or 1)  # which worker answered
    assert "verifiableCredential" not in json.dumps(logged)  # bodies are never logged


def test_a_10_mb_request_is_refused_with_413(
    server: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    _, listening = server
    status, body = _post(listening["url"] + "/credentials/verify", b" " * 10_000_000)
    assert status == 413
    assert body["title"] == "Request too large"


def test_another_host_is_bound_only_when_asked_and_warned_about() -> None:
    process = _start("--host", "0.0.0.0")
    assert process.stderr is not None
    try:
        warning = _read_event(process.stderr, "not loopback")
        assert warning["level"] == "warning"
        assert _read_event(process.stderr, "listening")["url"].startswith("http://0.0.0.0:")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_keys_config_and_contexts_are_checked_before_listening(tmp_path: Path) -> None:
    key = mc.keys.generate("P-384")
    key_file = tmp_path / "p384.json"
    key_file.write_text(json.dumps(key.private_jwk()))
    config = tmp_path / "serve.json"
    config.write_text(
        json.dumps(
            {
                "issuers": [{"route": "uni", "suite": "ecdsa-jcs-2019", "key": "p384.json"}],
                "bogus": 1,
            }
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "serve", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "unknown member(s) bogus" in result.stderr
    bad_context = subprocess.run(
        [
            sys.executable,
            "-m",
            "microcred.cli",
            "serve",
            "--key",
            str(key_file),
            "--context",
            "nonsense",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad_context.returncode == 2
    assert "URL=FILE" in bad_context.stderr


def _events(stream: IO[str], wanted: dict[str, int], limit: int = 100) -> dict[str, list[Any]]:
    """The log lines of the ``wanted`` events, read until there are as many as wanted."""
    found: dict[str, list[Any]] = {name: [] for name in wanted}
    for _ in range(limit):
        if all(len(found[name]) >= count for name, count in wanted.items()):
            return found
        line = stream.readline()
        if not line:
            break
        entry = json.loads(line)
        if entry["event"] in found:
            found[entry["event"]].append(entry)
    raise AssertionError(f"missing log lines: wanted {wanted}, found {found}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_share_start_up_keys_a_dead_worker_is_restarted_and_sigterm_stops_all() -> None:
    process = _start("--workers", "2")
    assert process.stderr is not None
    try:
        listening = _read_event(process.stderr, "listening")
        assert listening["workers"] == 2
        dids = sorted({entry["issuer"] for entry in listening["issuers"]})
        events = _events(process.stderr, {"worker started": 2, "worker ready": 2})
        assert sorted(e["worker"] for e in events["worker started"]) == [0, 1]
        for ready in events["worker ready"]:
            # the ephemeral keys were made once, before the workers: the same in each
            assert ready["issuers"] == dids
            assert ready["worker"] in (0, 1)
        pids = {e["worker"]: e["pid"] for e in events["worker started"]}

        os.kill(pids[0], signal.SIGKILL)
        again = _events(process.stderr, {"worker exited": 1, "worker started": 1})
        exited = again["worker exited"][0]
        assert (exited["level"], exited["worker"], exited["pid"]) == ("error", 0, pids[0])
        assert exited["signal"] == "SIGKILL"
        restarted = again["worker started"][0]
        assert restarted["worker"] == 0
        assert restarted["pid"] != pids[0]
        pids[0] = restarted["pid"]
        status, body = _post(listening["url"] + "/credentials/verify", b"{}")
        assert status == 400  # still answering
        assert body["title"] == "Malformed request"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=40)
    assert code == 0
    rest = process.stderr.read().splitlines()
    stopped = [json.loads(line) for line in rest if '"worker stopped"' in line]
    assert sorted(entry["worker"] for entry in stopped) == [0, 1]
    assert json.loads(rest[-1])["event"] == "stopped"
    assert not any(_alive(pid) for pid in pids.values())


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--workers", "--workers 0: needs at least 1"),
        ("--max-pending", "--max-pending 0: needs at least 1"),
    ],
)
def test_workers_and_max_pending_must_be_positive(flag: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "serve", "--port", "0", flag, "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
