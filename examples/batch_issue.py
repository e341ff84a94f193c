"""Issue a whole course roster with the API (what ``microcred batch-issue`` does on the CLI).

Each row is issued, skipped (a result that is not a pass) or failed (a broken roster rule, named
with the row), and counted.

Run: python examples/batch_issue.py ROSTER.csv [OUT_DIR]
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import microcred as mc
from microcred.batch import issue_many

HERE = Path(__file__).resolve().parent


def main(roster: Path, out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    key = mc.keys.generate("Ed25519")
    template = json.loads((HERE / "data" / "template-da123a.json").read_text(encoding="utf-8"))
    with roster.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {"issued": 0, "skipped": 0, "failed": 0}
    for result in issue_many(rows, template, key):
        counts[result.outcome] += 1
        if result.ok:
            (out_dir / f"{result.row:05d}.json").write_bytes(result.serialized())
        else:
            print(f"row {result.row} ({result.reference}): {result.error or result.skipped}")
    print(f"{counts['issued']} issued, {counts['skipped']} skipped, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path("out")))
