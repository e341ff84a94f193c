"""``microcred demo``: the whole story in one minute, offline, in a temporary folder."""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
import time
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ._common import EXIT_INVALID, EXIT_OK

__all__ = ["demo_form", "register"]


def register(sub: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="issue, verify, tamper with, bake and export a Swedish micro-credential (offline)",
        description="Walk through microcred offline: an issuer key, a university course as an "
        "EU micro-credential (all Annex I elements), signed as Data Integrity and as JWT, "
        "verified, tampered with, baked into a badge image and exported to ELM.",
    )
    parser.add_argument(
        "--dir", metavar="DIR", help="write the files here (default: a temporary folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.set_defaults(handler=run)


def demo_form() -> dict[str, Any]:
    """The Annex I form of the demo (a fictitious Swedish course result)."""
    text = resources.files(__package__).joinpath("demo_form.json").read_text(encoding="utf-8")
    form: dict[str, Any] = json.loads(text)
    return form


def _say(step: int, text: str) -> None:
    print(f"\n{step}. {text}")


def _show(label: str, value: str) -> None:
    print(f"   {label:<40} {value}")


def run(args: argparse.Namespace) -> int:
    """Run the demo; exit 0 when every step behaved as it should."""
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        temporary = False
    else:
        folder = Path(tempfile.mkdtemp(prefix="microcred-demo-"))
        temporary = not args.keep
    try:
        ok = _story(folder)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    if temporary:
        print(f"\n(the files were in {folder}, now removed; use --keep or --dir to keep them)")
    return EXIT_OK if ok else EXIT_INVALID


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _in_clear(form: dict[str, Any], texts: tuple[str, ...] | list[str]) -> bool:
    """Whether any text holds the learner's personal number (any spelling) or e-mail."""
    personal = form["learner"]["national_id"]["value"].replace("-", "")
    needles = (personal, personal[2:], form["learner"]["email"])
    return any(needle in text for needle in needles for text in texts)


def _story(folder: Path) -> bool:
    import microcred as mc
    from microcred import baking
    from microcred.model import MicroCredential
    from microcred.model.elements import element_rows
    from microcred.model.eu import MANDATORY_ELEMENTS

    started = time.monotonic()
    print("microcred demo: a Swedish university issues a course as an EU micro-credential.")
    print(f"Everything happens offline, in {folder}.")

    _say(1, "Exempeluniversitetet creates its issuer key (Ed25519, a did:key).")
    key = mc.keys.generate("Ed25519")
    _write(folder, "issuer-key.json", json.dumps(key.private_jwk(), indent=2))
    _show("issuer", key.did[:60] + "…")

    _say(2, "The registrar describes the course result in the Recommendation's own terms.")
    form = demo_form()
    micro = MicroCredential.model_validate(form)
    written = copy.deepcopy(form)  # the personal number and e-mail are written nowhere
    for member in ("national_id", "email"):
        written["learner"].pop(member, None)
    _write(folder, "annex-i.json", json.dumps(written, indent=2, ensure_ascii=False))
    for row in element_rows(micro):
        name, mandatory, value = row.element, row.mandatory, row.value
        marker = "*" if mandatory else " "
        _show(f"{marker} {name}", (value[:60] + "…") if len(value) > 61 else value)
    print(
        f"   (* = one of the {len(MANDATORY_ELEMENTS)} mandatory elements; 7.5 hp read as 7.5 "
        "ECTS, grundnivå as EQF 6)"
    )

    _say(3, "microcred turns it into an Open Badges 3.0 credential and signs it twice.")
    unsigned = micro.to_ob3(issuer_id=key.did, today=date.today()).to_json()
    signed = mc.issue(unsigned, key)
    token = mc.issue(unsigned, key, format="jwt")
    _write(folder, "credential.json", json.dumps(signed, indent=2, ensure_ascii=False))
    _write(folder, "credential.jwt", token + "\n")
    _show("Data Integrity", f"credential.json ({signed['proof'][0]['cryptosuite']})")
    _show("JWT (VC-JWT)", f"credential.jwt ({len(token)} characters)")
    kinds = {i["identityType"] for i in signed["credentialSubject"].get("identifier", [])}
    leaked = bool(kinds & {"nationalIdentityNumber", "emailAddress"}) or _in_clear(
        form, (json.dumps(signed), token)
    )
    _show(
        "personal number and e-mail",
        "left out (no hash either)" if not leaked else "IN THE CREDENTIAL (bug!)",
    )
    _show("the learner is identified by", "name, Ladok UID, ESI")
    print(
        "   (an issuer who must include the number opts in: --include-national-id hmac, a keyed\n"
        "    hash only the issuer's secret can test; 'salted' is reversible by anyone in seconds)"
    )

    _say(4, "A verifier checks both, offline.")
    reports = {"credential.json": mc.verify(signed), "credential.jwt": mc.verify(token)}
    for name, report in reports.items():
        passed = sum(c.status == "passed" for c in report.checks)
        _show(name, f"{report.outcome.upper()} ({passed} checks passed)")
    profile = mc.validate(signed, "eu-microcredential")
    _show(
        "EU micro-credential profile",
        "valid" if profile.valid else f"INVALID: {profile.problems[:2]}",
    )

    _say(5, "Someone upgrades the grade from VG to … well, tampers with it.")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["result"][0]["value"] = "A"
    _write(folder, "tampered.json", json.dumps(tampered, indent=2, ensure_ascii=False))
    caught = mc.verify(tampered)
    failed = ", ".join(f"{c.id}: {c.message}" for c in caught.failed)
    _show("tampered.json", f"{caught.outcome.upper()} ({failed})")

    _say(6, "The credential is baked into a badge image, which verifies on its own.")
    badge = baking.bake(baking.tiny_png(), signed)
    _write(folder, "badge.png", badge)
    from_image = mc.verify(badge)
    _show("badge.png", f"{from_image.outcome.upper()} ({len(badge)} bytes)")

    _say(7, "The same micro-credential exported to ELM (European Digital Credentials).")
    elm = micro.to_elm(issuer_id=key.did)
    _write(folder, "credential.elm.json", json.dumps(elm, indent=2, ensure_ascii=False))
    elm_report = mc.validate(elm, "elm")
    _show("credential.elm.json", "valid ELM EDC credential" if elm_report.valid else "INVALID")
    files = [p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.iterdir())]
    leaked = leaked or _in_clear(form, files)

    ok = (
        all(r.verified for r in reports.values())
        and profile.valid
        and caught.outcome == "invalid"
        and from_image.verified
        and elm_report.valid
        and not leaked
    )
    elapsed = time.monotonic() - started
    print(
        f"\n{'Done' if ok else 'Something went wrong'} in {elapsed:.1f} s. Next: "
        "'microcred verify credential.json', 'microcred inspect credential.json', "
        "'microcred batch-issue --help'."
    )
    if not ok:
        print("microcred demo: a step did not behave as expected", file=sys.stderr)
    return ok
