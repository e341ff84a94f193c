"""Verify whatever you are given (JSON, JWT, baked PNG/SVG) and explain the answer.

Run: python examples/verify_anything.py FILE...
"""

from __future__ import annotations

import sys
from pathlib import Path

import microcred as mc


def explain(path: Path) -> str:
    report = mc.verify(path.read_bytes())  # offline; never raises for a bad credential
    lines = [f"{path.name}: {report.outcome} ({report.format} {report.kind})"]
    for check in report.checks:
        if check.status in ("failed", "error"):
            lines.append(f"  {check.id}: {check.message}")
    for number, inner in enumerate(report.credentials, 1):
        lines.append(f"  credential {number} inside: {inner.outcome}")
    return "\n".join(lines)


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(explain(Path(argument)))
