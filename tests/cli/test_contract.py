"""The CLI contract (DESIGN §3) checked from outside: exit codes on a mixed batch, JSON Lines,
standard input, and no traceback (or internal error) whatever the input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred as mc
from microcred import keys
from microcred.cli import main

VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _credential(key: keys.KeyPair, n: int) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": f"did:example:learner{n}", "name": f"Learner {n}"},
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """50 files: 20 verified (JSON and JWT), 20 invalid (tampered), 10 unreadable."""
    folder = tmp_path_factory.mktemp("batch")
    key = keys.generate("Ed25519")
    groups: dict[str, list[Path]] = {"verified": [], "invalid": [], "unreadable": []}
    for n in range(20):
        path = folder / f"good-{n}.{'jwt' if n % 2 else 'json'}"
        if n % 2:
            path.write_text(mc.issue(_credential(key, n), key, format="jwt"))
        else:
            path.write_text(json.dumps(mc.issue(_credential(key, n), key)))
        groups["verified"].append(path)
    for n in range(20):
        signed = mc.issue(_credential(key, 100 + n), key)
        signed["credentialSubject"]["name"] = "Someone else"
        path = folder / f"tampered-{n}.json"
        path.write_text(json.dumps(signed))
        groups["invalid"].append(path)
    for n in range(10):
        path = folder / f"unreadable-{n}.json"
        path.write_bytes([b"{", b"\xff\xfe", b"[1,2]", b"", b'{"a":1,"a":2}'][n % 5])
        groups["unreadable"].append(path)
    return groups


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err, captured.err
    assert "internal error" not in captured.err, captured.err
    return code, captured.out, captured.err


def test_mixed_batch_of_50_exit_codes_and_json_lines(
    batch: dict[str, list[Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    everything = [p for group in batch.values() for p in group]
    assert len(everything) == 50
    code, out, _ = _run(["verify", "--json", *map(str, everything)], capsys)
    assert code == 2  # unreadable inputs dominate
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["input"] for r in records] == [str(p) for p in everything]
    outcome = {r["input"]: r["outcome"] for r in records}
    assert all(outcome[str(p)] == "verified" for p in batch["verified"])
    assert all(outcome[str(p)] == "invalid" for p in batch["invalid"])
    assert all(set(r) >= {"input", "verified", "outcome", "format", "checks"} for r in records)
    assert _run(["verify", "--json", *map(str, batch["verified"])], capsys)[0] == 0
    assert _run(["verify", *map(str, batch["verified"] + batch["invalid"])], capsys)[0] == 1


def test_verify_reads_standard_input(batch: dict[str, list[Path]]) -> None:
    good = batch["verified"][0].read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "verify", "--json", "-"],
        input=good,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(mc.__file__).parents[1])},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["input"] == "-"


def test_validate_exit_codes(
    batch: dict[str, list[Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["validate", "--json", str(batch["unreadable"][0])], capsys)
    assert code == 2
    assert json.loads(out)["valid"] is False
    code, out, _ = _run(["validate", "--profile", "ob3", str(batch["verified"][0])], capsys)
    assert code == 1  # a plain VC is not an OB 3.0 credential
    assert "INVALID" in out


_FUZZ = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.slow  # one CLI subprocess per random input
@_FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    for command in (["verify", "--json"], ["validate", "--json"]):
        code, out, _ = _run([*command, str(path)], capsys)
        assert code in (1, 2)
        assert json.loads(out)["input"] == str(path)


@pytest.mark.slow  # one CLI subprocess per random JSON value
@_FUZZ
@given(value=_json_values)
def test_random_json_values_never_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(value))
    for command in (["verify", "--json"], ["validate", "--json"], ["inspect", "--json"]):
        code, _, _ = _run([*command, str(path)], capsys)
        assert code in (1, 2)
