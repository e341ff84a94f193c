"""``microcred issue``: sign a credential as given (Data Integrity or JWT)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import issue as issue_credential
from .._vc import parse_datetime
from ..proofs import SIGNING_SUITES
from ._common import EXIT_OK, CliError, add_output_arguments, write_output
from ._io import read_json_object, read_key

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``issue`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "issue",
        help="sign a credential with a key file",
        description="Sign CRED.json with KEY.json, as the key file's verification method (its "
        "kid: did:key, did:jwk, did:web or an https controller document). The credential's "
        "issuer must be the key's controller, the kid without its '#fragment' "
        "(unless --issuer-mismatch-ok).",
    )
    parser.add_argument("credential", metavar="CRED.json")
    parser.add_argument("--key", required=True, metavar="KEY.json", help="private JWK")
    parser.add_argument(
        "--suite",
        choices=sorted(SIGNING_SUITES),
        help="Data Integrity cryptosuite "
        "(default: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256/P-384)",
    )
    parser.add_argument(
        "--format",
        choices=["di", "jwt"],
        default="di",
        help="embedded proof (di, default) or compact JWS (jwt)",
    )
    parser.add_argument(
        "--jwt-form",
        choices=["ob3", "vc-jwt", "vc+jwt"],
        default=None,
        help="with --format jwt: ob3 (OB 3.0 §8.2: the payload is the credential, with "
        "iss/jti/nbf/sub/exp; the default for OB 3.0 / CLR 2.0 credentials), vc-jwt (VC 1.1: "
        "the credential in the 'vc' claim; the default for others) or vc+jwt (VC JOSE-COSE)",
    )
    parser.add_argument("--alg", help="with --format jwt: JWS algorithm (default by key type)")
    parser.add_argument(
        "--mandatory-pointer",
        action="append",
        metavar="POINTER",
        help="with --suite ecdsa-sd-2023: a JSON pointer every disclosure must reveal "
        "(repeatable), e.g. /issuer",
    )
    parser.add_argument(
        "--created", metavar="ISO-8601", help="the proof's created time (for reproducible output)"
    )
    parser.add_argument(
        "--proof-form",
        choices=["array", "object"],
        help="with --format di: write proof as an array of one proof or as one object "
        "(default: an array for Open Badges 3.0 / CLR 2.0 credentials, whose JSON Schemas "
        "require it, an object otherwise; the OB 3.0 specification's examples use an object)",
    )
    parser.add_argument(
        "--issuer-mismatch-ok",
        action="store_true",
        help="sign even if issuer is not the key's controller",
    )
    parser.add_argument(
        "--allow-inline-contexts",
        action="store_true",
        help="sign a credential with embedded @context objects (that only add terms); "
        "verifiers must allow them too",
    )
    add_output_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Sign and write the result."""
    document = read_json_object(args.credential, "credential")
    key = read_key(args.key)
    if args.created is not None and parse_datetime(args.created) is None:
        raise CliError(f"--created {args.created!r} is not an ISO 8601 date-time")
    if args.format == "jwt" and (args.suite or args.mandatory_pointer or args.proof_form):
        raise CliError("--suite, --mandatory-pointer and --proof-form apply to --format di only")
    try:
        if args.format == "jwt":
            result = issue_credential(
                document,
                key,
                format="jwt",
                jwt_form=args.jwt_form,
                algorithm=args.alg,
                allow_issuer_mismatch=args.issuer_mismatch_ok,
                allow_inline_contexts=args.allow_inline_contexts,
            )
            text = result + "\n"
        else:
            result = issue_credential(
                document,
                key,
                suite=args.suite,
                created=args.created,
                allow_issuer_mismatch=args.issuer_mismatch_ok,
                mandatory_pointers=args.mandatory_pointer,
                allow_inline_contexts=args.allow_inline_contexts,
                proof_array=None if args.proof_form is None else args.proof_form == "array",
            )
            text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    except ValueError as exc:
        message = str(exc).replace(
            "(pass allow_issuer_mismatch=True to sign anyway)",
            "(--issuer-mismatch-ok signs anyway)",
        )
        raise CliError(message) from None
    write_output(text, args.output, force=args.force)
    return EXIT_OK
