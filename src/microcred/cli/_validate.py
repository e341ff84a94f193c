"""``microcred validate``: check documents against a profile's JSON Schemas; exit 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._validate import PROFILES, ValidationReport, validate
from ._common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, CliError
from ._io import display_path, read_input

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``validate`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="validate documents against the OB 3.0, CLR 2.0, EU micro-credential or ELM profile",
        description="Validate each PATH (JSON, a file holding a compact JWT, a baked PNG/SVG, or "
        "'-' for standard input) against a profile. Signatures are not checked (see verify).",
        epilog="Exit codes: 0 all valid, 1 any invalid, 2 usage or unreadable input.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="auto",
        help="the profile to apply (default: auto, chosen from type and @context)",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per input (JSON Lines)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate every input; print the reports; return the contract's exit code."""
    worst = EXIT_OK
    for path in args.paths:
        name = display_path(path)
        try:
            report = validate(read_input(path), args.profile)
        except CliError as exc:
            report = ValidationReport(profile=args.profile)
            from .._schemas import SchemaProblem

            report.problems.append(SchemaProblem("$", "input", str(exc)))
        unreadable = report.document is None
        _print(name, report, as_json=args.json)
        if unreadable:
            print(f"microcred validate: {name}: unreadable input", file=sys.stderr)
            worst = max(worst, EXIT_USAGE)
        elif not report.valid:
            worst = max(worst, EXIT_INVALID)
    return worst


def _print(name: str, report: ValidationReport, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"input": name, **report.to_json()}, ensure_ascii=False))
        return
    verdict = "VALID" if report.valid else "INVALID"
    against = ", ".join(report.schemas) or "no schema"
    print(f"{name}: {verdict} (profile {report.profile}; {against})")
    for problem in report.problems:
        print(f"  FAIL {problem.path}: {problem.message}  [{problem.rule}]")
