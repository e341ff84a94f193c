"""``microcred inspect`` and ``microcred convert``: the Annex I elements of a micro-credential.

Both read any form microcred knows: the Annex I form (JSON), an OB 3.0 credential (JSON, JWT,
or a baked image), an ELM European Digital Credential, or an EU micro-credential SD-JWT VC (as
issued, or a presentation of it: only what is disclosed is read, and ``inspect`` says how many
claims stayed hidden). ``convert --to sd-jwt-vc`` makes the SD-JWT VC.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._input import read_input as read_document
from ..errors import MicrocredError
from ..limits import DEFAULT_LIMITS
from ..model.elements import ElementRow, SourceKind, element_rows, source_kind
from ._common import EXIT_INVALID, EXIT_OK, CliError, add_output_arguments, write_new_file
from ._identity import add_identity_arguments, identity_policy, reporting_identity_warnings
from ._io import read_input, read_json_object, read_key

if TYPE_CHECKING:
    from ..model.eu import MicroCredential
    from ..report import SealInfo

#: The Annex I elements an EU micro-credential SD-JWT VC of microcred's (or DC4EU's) type may
#: hold in Disclosures (``DEFAULT_DISCLOSABLE``); every other element is always in clear.
_DISCLOSABLE_ELEMENTS = ("identification of the learner", "date of issuing", "grade")

__all__ = ["register"]

#: What ``inspect`` says of the issuer: it checks no signature, so nothing confirms who
#: issued the credential (``microcred verify --trusted-issuers / --registry`` does).
INSPECT_TRUST: dict[str, Any] = {
    "issuer": "unconfirmed",
    "by": None,
    "name": None,
    "source": None,
    "reason": "nothing was verified: inspect does not check the signature, so the issuer's "
    "name is what the credential says of itself",
}
INSPECT_TRUST_LINE = (
    "issuer: not confirmed (self-asserted): nothing was verified; inspect does not check the "
    "signature (microcred verify PATH --trusted-issuers FILE / --registry FILE confirms it)"
)


def register(sub: Any) -> None:
    """Add the ``inspect`` and ``convert`` sub-commands."""
    inspect = sub.add_parser(
        "inspect",
        help="show the Annex I elements of a micro-credential and what is missing",
        description="Read PATH (Annex I form, OB 3.0 credential as JSON/JWT/baked image, ELM, "
        "or an SD-JWT VC and its presentations) and print its EU micro-credential elements; for "
        "an SD-JWT VC, what was disclosed and how many claims stayed hidden. Signatures are not "
        "checked (see verify), so the issuer is never confirmed: the awarding body is the name "
        "the credential gives itself (self-asserted).",
        epilog="Exit codes: 0 every mandatory element present (or not disclosed), 1 some "
        "missing, 2 unreadable.",
    )
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(handler=run_inspect)

    convert = sub.add_parser(
        "convert",
        help="convert between the Annex I form, Open Badges 3.0, ELM and SD-JWT VC",
        description="Convert PATH (Annex I form, OB 3.0, ELM or SD-JWT VC) to OB 3.0, ELM, the "
        "Annex I form or an EU micro-credential SD-JWT VC. With --issuer-key the OB 3.0 "
        "credential is signed (eddsa-rdfc-2022 for Ed25519 keys); --to sd-jwt-vc needs it "
        "(typ dc+sd-jwt, kid = the key's verification method; the learner's identities, DID, "
        "grade and dates selectively disclosable). The learner's personal identity number and "
        "e-mail address are left out of every output unless --include-national-id / "
        "--include-email (OB 3.0 and SD-JWT VC only) ask for them.",
    )
    convert.add_argument("path", metavar="PATH")
    convert.add_argument("--to", required=True, choices=["ob3", "elm", "annex-i", "sd-jwt-vc"])
    convert.add_argument(
        "--issuer-key", metavar="KEY.json", help="sign the OB 3.0 result (needed for sd-jwt-vc)"
    )
    convert.add_argument(
        "--holder-jwk",
        metavar="H.json",
        help="with --to sd-jwt-vc: the holder's JWK (a public JWK, or a key file of which the "
        "public part is used), written as cnf.jwk for key binding",
    )
    add_identity_arguments(convert)
    add_output_arguments(convert)
    convert.set_defaults(handler=run_convert)


@dataclass(frozen=True)
class _Disclosure:
    """What an SD-JWT VC input disclosed: its ``vct``, the pointers of the disclosed claims,
    and how many digests no Disclosure matched (withheld claims and decoys)."""

    vct: str | None
    disclosed: list[str]
    hidden: int


def _load(path: str) -> tuple[MicroCredential, SourceKind, _Disclosure | None, SealInfo | None]:
    from ..model.eu import MicroCredential, read_any

    try:
        value, description = read_document(read_input(path), limits=DEFAULT_LIMITS)
        seal = None
        if isinstance(value, dict) and "payload" in value:
            from ..edc import looks_like_jades, read_sealed

            if looks_like_jades(value):  # a sealed EDC: its payload, and who the seal names
                value, seal = read_sealed(value, limits=DEFAULT_LIMITS)
        if isinstance(value, str) and description.startswith("SD-JWT"):
            from ..sdjwt import decode_sd_jwt

            token = decode_sd_jwt(
                value, max_bytes=DEFAULT_LIMITS.max_jwt_bytes, limits=DEFAULT_LIMITS
            )
            processed = token.process()
            vct = processed.claims.get("vct")
            shown = _Disclosure(
                vct if isinstance(vct, str) else None, processed.disclosed, processed.hidden
            )
            # the claims are OB 3.0's (credentialSubject.achievement...): located as for OB 3.0
            return MicroCredential.from_sd_jwt_vc(processed.claims), "ob3", shown, None
        if isinstance(value, str):
            from ..jose import credential_unverified

            value = credential_unverified(value, max_bytes=DEFAULT_LIMITS.max_jwt_bytes)
        return read_any(value), source_kind(value), None, seal
    except (MicrocredError, ValueError) as exc:
        raise CliError(f"{path}: {_first_line(exc)}") from None


def _load_with_kind(path: str) -> tuple[MicroCredential, SourceKind]:
    m, kind, _, _ = _load(path)
    return m, kind


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.splitlines()[:3]) if text else type(exc).__name__


def _not_disclosed(rows: list[ElementRow], shown: _Disclosure | None) -> list[str]:
    """The absent elements an SD-JWT VC may be keeping in its hidden claims."""
    from ..model._sdjwt_mapping import DC4EU_MICRO_CREDENTIAL_VCT, SD_JWT_VC_TYPE

    if shown is None or not shown.hidden:
        return []
    absent = [row.element for row in rows if not row.value]
    if shown.vct in (SD_JWT_VC_TYPE, DC4EU_MICRO_CREDENTIAL_VCT):
        return [name for name in absent if name in _DISCLOSABLE_ELEMENTS]
    return absent  # a type of its own: any claim may be in a Disclosure


def _seal_record(seal: SealInfo | None) -> dict[str, Any]:
    """``{"seal": ...}`` for ``inspect --json`` of a sealed credential (never verified)."""
    return {} if seal is None else {"seal": {**seal.to_json(), "verified": False}}


def _print_seal(seal: SealInfo | None) -> None:
    """The lines ``inspect`` prints of a sealed credential's seal, marked not verified."""
    if seal is None:
        return
    print(f"  JAdES seal (not verified; see verify): {seal.summary()}")
    print(f"    certificate: {seal.certificate_subject} (serial {seal.certificate_serial})")
    print(f"    signing time: {seal.signing_time or 'not given'}")


def run_inspect(args: argparse.Namespace) -> int:
    """Print the Annex I table; exit 1 when a mandatory element is missing (an SD-JWT VC's
    element that may be in its hidden claims is *not disclosed*, not missing). Nothing is
    verified, so the issuer is said to be unconfirmed (``trust`` in ``--json``, the
    ``issuer:`` line and the awarding body marked self-asserted in the text)."""
    m, kind, shown, seal = _load(args.path)
    rows = element_rows(m, kind)
    hidden = _not_disclosed(rows, shown)
    missing = [name for name in m.missing if name not in hidden]
    if args.json:
        record: dict[str, Any] = {
            "input": args.path,
            "complete": not missing,
            "missing": missing,
            "elements": {row.element: row.value for row in rows},
            "where": {row.element: row.where for row in rows},
            "trust": dict(INSPECT_TRUST),
        }
        record.update(_seal_record(seal))
        if shown is not None:
            record["sd_jwt_vc"] = {
                "vct": shown.vct,
                "disclosed": shown.disclosed,
                "hidden": shown.hidden,
                "not_disclosed": hidden,
            }
        print(json.dumps(record, ensure_ascii=False))
        return EXIT_INVALID if missing else EXIT_OK
    print(f"{args.path}: EU micro-credential (Council Recommendation 2022/C 243/02, Annex I)")
    _print_seal(seal)
    if shown is not None:
        print(
            f"  SD-JWT VC, vct {shown.vct}: {len(shown.disclosed)} claim(s) disclosed, "
            f"{shown.hidden} hidden (not disclosed, or decoys)"
        )
    if kind == "ob3":
        print("  (ext = credentialSubject.achievement.euMicroCredential, microcred's extension)")
    width = max(len(row.element) for row in rows)
    red = sys.stdout.isatty()
    for row in rows:
        name, mandatory, value = row.element, row.mandatory, row.value
        mark = "ok  " if value else ("MISSING" if mandatory else "-   ")
        if not value and name in hidden:
            mark = "hidden"
        if red and mark == "MISSING":
            mark = "\033[31mMISSING\033[0m"
        need = "mandatory" if mandatory else "optional "
        shown_value = (value[:50] + "…") if len(value) > 51 else value
        if value and name == "awarding body":  # never shown as if it were confirmed
            shown_value += " (self-asserted)"
        print(f"  {mark:<7} {need} {name:<{width}}  {shown_value:<52} [{row.where}]")
    print(INSPECT_TRUST_LINE)
    if shown is not None and shown.disclosed:
        print("disclosed: " + ", ".join(shown.disclosed))
    if hidden:
        print(
            f"not disclosed (may be among the {shown.hidden if shown else 0} hidden claims): "
            + ", ".join(hidden)
        )
    if missing:
        print(f"missing mandatory element(s): {', '.join(missing)}")
    return EXIT_INVALID if missing else EXIT_OK


def _holder_jwk(path: str) -> dict[str, Any]:
    """The holder's public JWK from ``path`` (a public JWK, or a key file: its public part)."""
    from ..keys import KeyPair

    value = read_json_object(path, "holder JWK")
    try:
        if "d" in value:
            return KeyPair.from_private_jwk_bytes(read_input(path)).public_jwk()
        return KeyPair.from_jwk(value).public_jwk()
    except (MicrocredError, ValueError) as exc:
        raise CliError(f"holder JWK {path}: {_first_line(exc)}") from None


def run_convert(args: argparse.Namespace) -> int:
    """Convert and write the result."""
    from ..model.eu import IncompleteMicroCredentialError

    if args.to not in ("ob3", "sd-jwt-vc") and (
        args.include_national_id or args.include_email or args.identity_key
    ):
        raise CliError(
            "--include-national-id, --include-email and --identity-key apply to --to ob3 only, "
            "and to sd-jwt-vc (ELM and the Annex I output never carry the national id or e-mail)"
        )
    if args.holder_jwk and args.to != "sd-jwt-vc":
        raise CliError("--holder-jwk applies to --to sd-jwt-vc only")
    if args.to == "sd-jwt-vc" and not args.issuer_key:
        raise CliError("--to sd-jwt-vc signs the credential: give --issuer-key KEY.json")
    policy = identity_policy(args)
    m, _ = _load_with_kind(args.path)
    key = read_key(args.issuer_key) if args.issuer_key else None
    holder = _holder_jwk(args.holder_jwk) if args.holder_jwk else None
    if args.to == "ob3" and key is None and not (m.issuer and m.issuer.id):
        raise CliError("the form names no issuer id: give --issuer-key KEY.json (its DID is used)")
    try:
        if args.to == "annex-i":
            result: Any = _without_personal_data(m.to_json())
        elif args.to == "elm":
            issuer = key.did if key else None
            result = m.to_elm(issuer_id=issuer)
        elif args.to == "sd-jwt-vc":
            assert key is not None
            with reporting_identity_warnings():
                result = m.to_sd_jwt_vc(key, holder_jwk=holder, identity=policy)
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
    if isinstance(result, str):
        text = result + "\n"
    else:
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
