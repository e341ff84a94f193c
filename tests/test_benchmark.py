"""The benchmark script runs (a smoke run: one tiny batch per operation; no timing asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_smoke_run() -> None:
    spec = importlib.util.spec_from_file_location("benchmark_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run"] = module
    spec.loader.exec_module(module)
    results = module.python_results(batches=1, minimum=0.0)
    ops = {(r["op"], r["size"]) for r in results}
    assert ("sign eddsa-rdfc-2022", "microcredential") in ops
    assert ("verify JWT EdDSA", "microcredential") in ops
    assert ("verify presentation of 3 similar", "microcredential") in ops
    assert all(r["median_s"] > 0 for r in results)
