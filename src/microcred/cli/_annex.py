"""``microcred inspect`` and ``microcred convert``: the Annex I elements of a micro-credential.

Both read any form microcred knows: the Annex I form (JSON), an OB 3.0 credential (JSON, JWT,
or a baked image) or an ELM European Digital Credential.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._input import read_input as read_document
from ..errors import MicrocredError
from ..limits import DEFAULT_LIMITS
from ..model.elements import SourceKind, element_rows, source_kind
from ._common import EXIT_INVALID, EXIT_OK, CliError, add_output_arguments, write_new_file
from ._identity import add_identity_arguments, identity_policy, reporting_identity_warnings
from ._io import read_input, read_key

if TYPE_CHECKING:
    from ..model.eu import MicroCredential

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``inspect`` and ``convert`` sub-commands."""
    inspect = sub.add_parser(
        "inspect",
        help="show the Annex I elements of a micro-credential and what is missing",
        description="Read PATH (Annex I form, OB 3.0 credential as JSON/JWT/baked image, or ELM) "
        "and print its EU micro-credential elements. Signatures are not checked (see verify).",
        epilog="Exit codes: 0 every mandatory element present, 1 some missing, 2 unreadable.",
    )
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=run_inspect)

    convert = sub.add_parser(
        "convert",
        help="convert between the Annex I form, Open Badges 3.0 and ELM",
        description="Convert PATH (Annex I form, OB 3.0 or ELM) to OB 3.0 or ELM. With "
        "--issuer-key the OB 3.0 credential is signed (eddsa-rdfc-2022 for Ed25519 keys). "
        "The learner's personal identity number and e-mail address are left out of every "
        "output unless --include-national-id / --include-email (OB 3.0 only) ask for them.",
    )
    convert.add_argument("path", metavar="PATH")
    convert.add_argument("--to", required=True, choices=["ob3", "elm", "annex-i"])
    convert.add_argument("--issuer-key", metavar="KEY.json", help="sign the OB 3.0 result")
    add_identity_arguments(convert)
    add_output_arguments(convert)
    convert.set_defaults(handler=run_convert)


def _load_with_kind(path: str) -> tuple[MicroCredential, SourceKind]:
    from ..model.eu import read_any

    try:
        value, _ = read_document(read_input(path), limits=DEFAULT_LIMITS)
        if isinstance(value, str):
            from ..jose import credential_unverified

            value = credential_unverified(value, max_bytes=DEFAULT_LIMITS.max_jwt_bytes)
        return read_any(value), source_kind(value)
    except (MicrocredError, ValueError) as exc:
        raise CliError(f"{path}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.splitlines()[:3]) if text else type(exc).__name__


def run_inspect(args: argparse.Namespace) -> int:
    """Print the Annex I table; exit 1 when a mandatory element is missing."""
    m, kind = _load_with_kind(args.path)
    rows = element_rows(m, kind)
    missing = m.missing
    if args.json:
        record = {
            "input": args.path,
            "complete": not missing,
            "missing": missing,
            "elements": {row.element: row.value for row in rows},
            "where": {row.element: row.where for row in rows},
        }
        print(json.dumps(record, ensure_ascii=False))
        return EXIT_INVALID if missing else EXIT_OK
    print(f"{args.path}: EU micro-credential (Council Recommendation 2022/C 243/02, Annex I)")
    if kind == "ob3":
        print("  (ext = credentialSubject.achievement.euMicroCredential, microcred's extension)")
    width = max(len(row.element) for row in rows)
    red = sys.stdout.isatty()
    for row in rows:
        name, mandatory, value = row.element, row.mandatory, row.value
        mark = "ok  " if value else ("MISSING" if mandatory else "-   ")
        if red and mark == "MISSING":
            mark = "\033[31mMISSING\033[0m"
        need = "mandatory" if mandatory else "optional "
        shown = (value[:50] + "…") if len(value) > 51 else value
        print(f"  {mark:<7} {need} {name:<{width}}  {shown:<52} [{row.where}]")
    if missing:
        print(f"missing mandatory element(s): {', '.join(missing)}")
    return EXIT_INVALID if missing else EXIT_OK


def run_convert(args: argparse.Namespace) -> int:
    """Convert and write the result."""
    from ..model.eu import IncompleteMicroCredentialError

    if args.to != "ob3" and (args.include_national_id or args.include_email or args.identity_key):
        raise CliError(
            "--include-national-id, --include-email and --identity-key apply to --to ob3 only "
            "(ELM and the Annex I output never carry the national id or e-mail)"
        )
    policy = identity_policy(args)
    m, _ = _load_with_kind(args.path)
    key = read_key(args.issuer_key) if args.issuer_key else None
    if args.to == "ob3" and key is None and not (m.issuer and m.issuer.id):
        raise CliError("the form names no issuer id: give --issuer-key KEY.json (its DID is used)")
    try:
        if args.to == "annex-i":
            result: Any = _without_personal_data(m.to_json())
        elif args.to == "elm":
            issuer = key.did if key else None
            result = m.to_elm(issuer_id=issuer)
        else:
            with reporting_identity_warnings():
                unsigned = m.to_ob3(issuer_id=key.did if key else None, identity=policy)
            credential = unsigned.to_json()
            if key is not None:
                from .._issue import issue

                credential = issue(credential, key)
            result = credential
    except IncompleteMicroCredentialError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    except (MicrocredError, ValueError) as exc:
        raise CliError(_first_line(exc)) from None
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_new_file(Path(args.output), text.encode("utf-8"), force=args.force)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _without_personal_data(form: dict[str, Any]) -> dict[str, Any]:
    """The Annex I form without the learner's national id and e-mail (written nowhere by
    default, this output included); a form left with no learner loses the learner."""
    learner = form.get("learner")
    if isinstance(learner, dict):
        kept = {k: v for k, v in learner.items() if k not in ("national_id", "email")}
        if kept:
            form["learner"] = kept
        else:
            form.pop("learner")
    return form
