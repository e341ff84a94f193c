"""``microcred issue``: sign a credential as given (Data Integrity, JWT, or SD-JWT: an SD-JWT
VC or a VC 2.0 ``vc+sd-jwt``)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import issue as issue_credential
from ..proofs import SIGNING_SUITES
from ._common import EXIT_OK, CliError, add_output_arguments, datetime_option, write_output
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
        choices=["di", "jwt", "sd-jwt-vc", "vc+sd-jwt"],
        default="di",
        help="embedded proof (di, default), compact JWS (jwt), an SD-JWT VC of CRED.json's "
        "claims (sd-jwt-vc, typ dc+sd-jwt; needs --vct) or a VC 2.0 credential secured with "
        "SD-JWT (vc+sd-jwt)",
    )
    parser.add_argument(
        "--vct", metavar="VCT", help="with --format sd-jwt-vc: the credential type (vct claim)"
    )
    parser.add_argument(
        "--disclosable",
        action="append",
        default=[],
        metavar="POINTER",
        help="with --format sd-jwt-vc/vc+sd-jwt: a JSON pointer (RFC 6901) to a claim made "
        "selectively disclosable (repeatable), e.g. /credentialSubject/grade",
    )
    parser.add_argument(
        "--holder-jwk",
        metavar="H.json",
        help="with --format sd-jwt-vc/vc+sd-jwt: the holder's key (a JWK; only its public "
        "part is used), bound as cnf.jwk for key binding",
    )
    parser.add_argument(
        "--decoys",
        type=int,
        default=0,
        metavar="N",
        help="with --format sd-jwt-vc/vc+sd-jwt: decoy digests added beside each set of "
        "disclosable claims (default 0)",
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
    if args.created is not None:
        datetime_option(args.created, "--created")  # checked here; the string is signed as given
    if args.format != "di" and (args.suite or args.mandatory_pointer or args.proof_form):
        raise CliError("--suite, --mandatory-pointer and --proof-form apply to --format di only")
    sd_jwt = args.format in ("sd-jwt-vc", "vc+sd-jwt")
    if not sd_jwt and (args.vct or args.disclosable or args.holder_jwk or args.decoys):
        raise CliError(
            "--vct, --disclosable, --holder-jwk and --decoys apply to --format sd-jwt-vc or "
            "vc+sd-jwt only"
        )
    if args.format == "vc+sd-jwt" and args.vct:
        raise CliError("--vct applies to --format sd-jwt-vc only")
    if sd_jwt:
        text = _issue_sd_jwt(args, document, key) + "\n"
        write_output(text, args.output, force=args.force)
        return EXIT_OK
    try:
        if args.format == "jwt":
            token = issue_credential(
                document,
                key,
                format="jwt",
                jwt_form=args.jwt_form,
                algorithm=args.alg,
                allow_issuer_mismatch=args.issuer_mismatch_ok,
                allow_inline_contexts=args.allow_inline_contexts,
            )
            text = token + "\n"
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


def _holder_jwk(path: str | None) -> dict[str, Any] | None:
    """The public JWK of the holder key file (a public JWK, or a private key file)."""
    if path is None:
        return None
    from ..errors import MicrocredError
    from ..keys import KeyPair

    jwk = read_json_object(path, "holder key")
    try:
        return KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}).public_jwk()
    except MicrocredError as exc:
        raise CliError(f"holder key {path}: {exc}") from None


def _issue_sd_jwt(args: argparse.Namespace, document: dict[str, Any], key: Any) -> str:
    """An SD-JWT VC of the claims, or a VC 2.0 credential secured with SD-JWT."""
    from .._vc import issuer_id
    from ..errors import MicrocredError
    from ..sdjwt import issue_sd_jwt_vc, issue_vc_sd_jwt

    holder = _holder_jwk(args.holder_jwk)
    if args.decoys < 0:
        raise CliError("--decoys must be 0 or more")
    try:
        if args.format == "sd-jwt-vc":
            if not args.vct:
                raise CliError("--format sd-jwt-vc needs --vct VCT (the credential type)")
            iss = document.get("iss", key.controller)
            if iss != key.controller and not args.issuer_mismatch_ok:
                raise CliError(
                    f"iss {str(iss)[:120]!r} is not the key's controller {key.controller} "
                    "(--issuer-mismatch-ok signs anyway)"
                )
            return issue_sd_jwt_vc(
                document,
                key,
                vct=args.vct,
                disclosable=args.disclosable,
                holder_jwk=holder,
                decoys=args.decoys,
                algorithm=args.alg,
            )
        if issuer_id(document) != key.controller and not args.issuer_mismatch_ok:
            raise CliError(
                f"the credential's issuer is not the key's controller {key.controller} "
                "(--issuer-mismatch-ok signs anyway)"
            )
        return issue_vc_sd_jwt(
            document,
            key,
            disclosable=args.disclosable,
            holder_jwk=holder,
            decoys=args.decoys,
            algorithm=args.alg,
            allow_inline_contexts=args.allow_inline_contexts,
        )
    except (ValueError, MicrocredError) as exc:
        raise CliError(str(exc)) from None
