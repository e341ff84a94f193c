"""The benchmark's CLI figures run (a smoke run on tiny sizes; no timing asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_cli_benchmark_smoke_run() -> None:
    spec = importlib.util.spec_from_file_location(
        "benchmark_run_cli", ROOT / "benchmarks" / "run.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run_cli"] = module
    spec.loader.exec_module(module)
    results = module.cli_results([30], 12, repeats=1, dask_rows=0)
    by_op = {r["op"]: r for r in results}
    assert by_op["cli verify --jobs 1"]["exit"] == 0
    batch = next(r for r in results if r["op"].startswith("cli batch-issue"))
    assert batch["exit"] == 0
    assert batch["size"] == "30 rows"
    assert batch["peak_rss_mib"] > 0
    assert batch["output_bytes"] > 0
    assert by_op["cold start microcred --version"]["median_s"] > 0
