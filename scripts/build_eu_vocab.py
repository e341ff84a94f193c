#!/usr/bin/env python3
"""Build ``src/microcred/model/eu_vocab.json``, the EU vocabulary data read by
:mod:`microcred.model.vocab`.

The file holds facts only (concept URIs, scheme URIs, English labels, code pairs). This script
writes it from these inputs:

1. **ELM code lists.** These are the XSD enumerations of the European Learning Model, LOQ
   profile, 2023-02-08 (``xsd/loq/cv/`` at commit ``fba69946549b`` of
   european-commission-empl/European-Learning-Model). The script reads them from
   ``<reference>/vocabularies/`` (default reference folder: ``../shared/standards/elm`` beside
   the project; see the ``PROVENANCE.md`` there). ``CODE_LISTS`` pins each file by SHA-256.
   From each file it takes:

   * the scheme URI, from ``xs:schema/@targetNamespace`` (checked against the pin);
   * one concept per ``xs:enumeration``: its ``@value`` is the concept URI and its
     ``xs:documentation`` (whitespace collapsed) is the English label. Concepts keep the file's
     order.

   The lists used are EQF, credit systems, assessment types, modes of learning and assessment
   (``europass-modes.xsd``, scheme ``…/snb/learning-assessment/25831c2``), learning settings,
   learning-opportunity types, accreditation types, credential types, ISCED-F and countries
   (the EU country authority, whose codes are alpha-3).
2. **Supervision and identity verification.** No XSD carries this list (scheme
   ``…/snb/supervision-verification/25831c2``). ``SUPERVISION`` pins the two concepts that
   the European Commission's own ELM v3 credentials confirm:

   * ``c598449d64`` "Unsupervised without ID Verification", from the Annex I sample
     ``examples/elm-repo__Sample-MC-Annex1-unsigned.jsonld``. The script checks it there.
   * ``70be69aaf9`` "Supervised with ID Verification", from the European Digital Credentials
     2.0.6 test credential
     ``edci-data-model/src/test/resources/jsonld/credential_shouldValidate.jsonld``
     (european-commission-empl/european-digital-credentials@ec562a4).

   No source available offline gives a URI for the other two Annex I values ("supervised
   without ID verification", "unsupervised with ID verification"). They are written with
   ``"uri": null``, and their labels follow the pattern of the two confirmed ones.
   microcred does not invent URIs.
3. **ISO 3166-1 alpha-2 ↔ alpha-3 pairs.** The country list has no alpha-2 codes, and OB 3.0
   needs them. The pairs come from the registry package ``pycountry`` (PyPI), file
   ``pycountry/databases/iso3166-1.json``. That package is pinned by version, by the SHA-256
   of its wheel, by the SHA-256 of that file, and by the SHA-256 of the extracted table
   (``ISO_TABLE_SHA256``: canonical JSON, sorted keys, no spaces). pycountry is LGPL-2.1-only.
   Only the code pairs (facts) are kept, and pycountry is not a dependency of microcred.

Usage (from the project root)::

    python scripts/build_eu_vocab.py                     # write the file
    python scripts/build_eu_vocab.py --check             # rebuild and compare; exit 1 on drift
    python scripts/build_eu_vocab.py --check --offline   # the same, without the network

Options:

* ``--reference DIR``: the folder holding ``vocabularies/`` and ``examples/``. It is required
  in every mode; exit 2 when it is absent.
* ``--download-dir DIR``: keep the pycountry wheel in DIR, and reuse the copy there if its
  SHA-256 matches the pin.
* ``--offline``: never download. If the wheel is not in ``--download-dir``, the ISO table
  comes from the current output file, and is accepted only if its digest equals
  ``ISO_TABLE_SHA256``. This proves that the table is the one extracted from the pinned wheel.

Exit status: 0 = written or up to date; 1 = the file differs from a fresh build (``--check``);
2 = an input is missing or does not match its pin. Only the standard library is used (plus
``pip`` to download the wheel).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "microcred" / "model" / "eu_vocab.json"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "standards" / "elm"
FORMAT = 1

_XS = "{http://www.w3.org/2001/XMLSchema}"


class BuildError(Exception):
    """An input is missing, malformed, or does not match its pin."""


# --------------------------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------------------------

ELM_ORIGIN = (
    "European Learning Model code lists (XSD enumerations, LOQ profile, 2023-02-08): "
    "european-commission-empl/European-Learning-Model@fba69946549b:xsd/loq/cv/"
)


@dataclass(frozen=True)
class CodeList:
    """One ELM code list: the XSD file it is read from, pinned, and the scheme it must declare."""

    name: str  # key in eu_vocab.json "schemes"
    file: str  # file name in <reference>/vocabularies/
    sha256: str
    scheme: str  # the XSD's targetNamespace must be this
    notation: str | None  # what ELM writes in a concept's "notation" (see the module docstring)


CODE_LISTS: tuple[CodeList, ...] = (
    CodeList(
        "eqf",
        "eqf.xsd",
        "d5a4961f0be160bfc7d38002238587579af352f2061c83dfb0d72885cc919d8d",
        "http://data.europa.eu/snb/eqf/25831c2",
        None,
    ),
    CodeList(
        "credit",
        "credit-points.xsd",
        "60b27ffcb0b7f3ffe6c4f0ce42251e75cc459febdbde7af2e99ae0aa6a659870",
        "http://data.europa.eu/snb/education-credit/25831c2",
        None,
    ),
    CodeList(
        "assessment",
        "europass-learning-assessment-types.xsd",
        "fb17aa85aa04b2fcfe9826ed723048166d0e84eede63f8940c36a02833ead659",
        "http://data.europa.eu/snb/assessment/25831c2",
        None,
    ),
    CodeList(
        "learning_mode",
        "europass-modes.xsd",
        "8c1601a87fe4a5e74a5e3ca858f8816ce8b64c134219d1b617dded00fbdc2752",
        "http://data.europa.eu/snb/learning-assessment/25831c2",
        None,
    ),
    CodeList(
        "learning_setting",
        "europass-learning-setting-types.xsd",
        "6cfac0d2b31853f9b635d2f5bdac46feb44003e0d6cc71dc0fc74220ff754538",
        "http://data.europa.eu/snb/learning-setting/25831c2",
        None,
    ),
    CodeList(
        "learning_opportunity",
        "europass-learning-opportunity-types.xsd",
        "7a8c10863816ff014cac08fc1732a5696f7a2bdefb91c8ffe23d8e1a00c38954",
        "http://data.europa.eu/snb/learning-opportunity/25831c2",
        None,
    ),
    CodeList(
        "accreditation",
        "europass-accreditation-types.xsd",
        "dae11f1e781bb3082119dce41545d6127d0318722b6377fc59e19cd56a2ea2d8",
        "http://data.europa.eu/snb/accreditation/25831c2",
        None,
    ),
    CodeList(
        "credential_type",
        "europass-credential-types.xsd",
        "1e00dd9ad05da86889fd282be3abfe3b121b3e84036052298d17d0457bf75f8a",
        "http://data.europa.eu/snb/credential/25831c2",
        None,
    ),
    CodeList(
        "isced_f",
        "isced-f.xsd",
        "3b61e44d1533e2b76a7761c6cec239e3990ca8fd7c41009c987c28d398969fa7",
        "http://data.europa.eu/snb/isced-f/25831c2",
        None,
    ),
    CodeList(
        "country",
        "country.xsd",
        "a7590b829b0c77da3579cf61b2799b7c343f4a404aefca5a9930398ec6fd468f",
        "http://publications.europa.eu/resource/authority/country",
        # The Commission's ELM 3.1 Annex I sample and the ELM 3.2 EBSI sample both write
        # "notation": "country" on concepts of the EU country authority (the table's name).
        "country",
    ),
)

SUPERVISION_SCHEME = "http://data.europa.eu/snb/supervision-verification/25831c2"
SUPERVISION_SAMPLE = "examples/elm-repo__Sample-MC-Annex1-unsigned.jsonld"
SUPERVISION: tuple[tuple[str | None, str], ...] = (
    (
        "http://data.europa.eu/snb/supervision-verification/70be69aaf9",
        "Supervised with ID Verification",
    ),
    (None, "Supervised without ID Verification"),
    (None, "Unsupervised with ID Verification"),
    (
        "http://data.europa.eu/snb/supervision-verification/c598449d64",
        "Unsupervised without ID Verification",
    ),
)
SUPERVISION_SOURCES = {
    "http://data.europa.eu/snb/supervision-verification/c598449d64": (
        "the Commission's ELM v3 Annex I sample credential (Sample-MC-Annex1-unsigned.jsonld, "
        "European-Learning-Model@e6fa8929c256), checked by this script"
    ),
    "http://data.europa.eu/snb/supervision-verification/70be69aaf9": (
        "European Digital Credentials 2.0.6 test credential "
        "(european-commission-empl/european-digital-credentials@ec562a4:"
        "edci-data-model/src/test/resources/jsonld/credential_shouldValidate.jsonld)"
    ),
}

PYCOUNTRY_VERSION = "26.2.16"
PYCOUNTRY_WHEEL = f"pycountry-{PYCOUNTRY_VERSION}-py3-none-any.whl"
PYCOUNTRY_SHA256 = "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a"
PYCOUNTRY_MEMBER = "pycountry/databases/iso3166-1.json"
PYCOUNTRY_MEMBER_SHA256 = "f01b812b57fba9f31ff621bf33e7c7570a01964dbeb5be2167e94decf538c89f"
PYCOUNTRY_LICENCE = "LGPL-2.1-only"
ISO_TABLE_SHA256 = "378f88e27c1c7c2928b27ed5d993d9f3df93bfbdb75bd34ec5fe66cce1487c60"


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_code_list(vocabularies: Path, code_list: CodeList) -> list[dict[str, Any]]:
    """The concepts of one XSD code list, in file order, after checking its pins.

    Raises:
        BuildError: the file is missing, its SHA-256 or target namespace is not the pinned
            one, or an enumeration lacks a label, repeats a URI or lies outside the scheme.
    """
    path = vocabularies / code_list.file
    if not path.is_file():
        raise BuildError(f"missing input {path}")
    data = path.read_bytes()
    if _sha256(data) != code_list.sha256:
        raise BuildError(f"{path}: sha256 {_sha256(data)} is not the pinned {code_list.sha256}")
    root = ElementTree.fromstring(data)
    if root.get("targetNamespace") != code_list.scheme:
        raise BuildError(
            f"{path}: targetNamespace {root.get('targetNamespace')!r} is not {code_list.scheme!r}"
        )
    # concept URIs sit beside the scheme URI (…/snb/eqf/25831c2 → …/snb/eqf/6) or, for the
    # EU authority tables, below it (…/authority/country → …/authority/country/SWE)
    base = code_list.scheme.rsplit("/", 1)[0] if "/snb/" in code_list.scheme else code_list.scheme
    concepts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in root.iter(f"{_XS}enumeration"):
        uri = item.attrib["value"]
        doc = item.find(f"{_XS}annotation/{_XS}documentation")
        label = " ".join((doc.text or "").split()) if doc is not None else ""
        if not label:
            raise BuildError(f"{path}: {uri} has no English label")
        if uri in seen:
            raise BuildError(f"{path}: {uri} is listed twice")
        if not uri.startswith(base + "/") or uri == code_list.scheme:
            raise BuildError(f"{path}: {uri} is not a concept URI of {code_list.scheme}")
        seen.add(uri)
        concepts.append({"uri": uri, "label": label})
    if not concepts:
        raise BuildError(f"{path}: no xs:enumeration found")
    return concepts


def check_supervision(reference: Path) -> None:
    """Check that the Annex I sample's ``idVerification`` concept is one of ``SUPERVISION``
    and carries the same label and scheme.

    Raises:
        BuildError: the sample is missing or disagrees.
    """
    path = reference / SUPERVISION_SAMPLE
    if not path.is_file():
        raise BuildError(f"missing input {path}")
    sample = json.loads(path.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            concept = node.get("idVerification")
            if isinstance(concept, dict):
                found.append(concept)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(sample)
    if not found:
        raise BuildError(f"{path}: no idVerification concept found")
    pinned = {uri: label for uri, label in SUPERVISION if uri}
    for concept in found:
        uri = concept.get("id")
        if uri not in pinned:
            raise BuildError(f"{path}: idVerification {uri!r} is not in SUPERVISION")
        label = concept.get("prefLabel", {}).get("en")
        if label != pinned[uri] or concept.get("inScheme", {}).get("id") != SUPERVISION_SCHEME:
            raise BuildError(f"{path}: idVerification {uri} disagrees with SUPERVISION")


def iso_table_digest(table: dict[str, str]) -> str:
    """SHA-256 of the alpha-2 → alpha-3 table as canonical JSON (sorted keys, no spaces)."""
    return _sha256(json.dumps(table, sort_keys=True, separators=(",", ":")).encode())


def iso_from_wheel(wheel: Path) -> dict[str, str]:
    """The ISO 3166-1 alpha-2 → alpha-3 table from the pinned pycountry wheel.

    Raises:
        BuildError: the wheel, its data file or the extracted table is not the pinned one.
    """
    digest = _sha256(wheel.read_bytes())
    if digest != PYCOUNTRY_SHA256:
        raise BuildError(f"{wheel}: sha256 {digest} is not the pinned {PYCOUNTRY_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        member = archive.read(PYCOUNTRY_MEMBER)
    if _sha256(member) != PYCOUNTRY_MEMBER_SHA256:
        raise BuildError(f"{wheel}!{PYCOUNTRY_MEMBER}: sha256 {_sha256(member)} is not pinned")
    table: dict[str, str] = {}
    for entry in json.loads(member)["3166-1"]:
        alpha2, alpha3 = entry["alpha_2"], entry["alpha_3"]
        if len(alpha2) != 2 or len(alpha3) != 3 or alpha2 in table:
            raise BuildError(f"{PYCOUNTRY_MEMBER}: unexpected entry {alpha2!r}/{alpha3!r}")
        table[alpha2] = alpha3
    if len(set(table.values())) != len(table):
        raise BuildError(f"{PYCOUNTRY_MEMBER}: an alpha-3 code is listed twice")
    table = dict(sorted(table.items()))
    if iso_table_digest(table) != ISO_TABLE_SHA256:
        raise BuildError(
            f"ISO table digest {iso_table_digest(table)} is not the pinned {ISO_TABLE_SHA256}"
        )
    return table


def iso_from_output(output: Path) -> dict[str, str]:
    """The ISO table already in the output file, accepted only with the pinned digest.

    Raises:
        BuildError: the file is missing or its table is not the pinned one.
    """
    if not output.is_file():
        raise BuildError(f"--offline without the pycountry wheel needs an existing {output}")
    table: dict[str, str] = json.loads(output.read_text(encoding="utf-8"))["iso3166_1"]
    if iso_table_digest(table) != ISO_TABLE_SHA256:
        raise BuildError(f"{output}: the ISO 3166-1 table is not the pinned one; rebuild online")
    return dict(sorted(table.items()))


def find_wheel(download_dir: Path | None, scratch: Path, *, offline: bool) -> Path | None:
    """The pinned wheel: reused from ``download_dir`` when there with the pinned SHA-256,
    else downloaded with pip into ``download_dir`` (or ``scratch``); ``None`` when ``offline``.

    Raises:
        BuildError: pip failed.
    """
    if download_dir is not None:
        cached = download_dir / PYCOUNTRY_WHEEL
        if cached.is_file() and _sha256(cached.read_bytes()) == PYCOUNTRY_SHA256:
            return cached
    if offline:
        return None
    target = download_dir or scratch
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        f"pycountry=={PYCOUNTRY_VERSION}",
        "-d",
        str(target),
    ]
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError(f"pip could not download pycountry=={PYCOUNTRY_VERSION}")
    return target / PYCOUNTRY_WHEEL


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def build(reference: Path, iso_table: dict[str, str]) -> bytes:
    """The bytes of ``eu_vocab.json`` from the reference folder and the ISO table.

    Raises:
        BuildError: an input is missing or does not match its pin.
    """
    if not reference.is_dir():
        raise BuildError(f"reference folder not found: {reference}")
    vocabularies = reference / "vocabularies"
    schemes: dict[str, Any] = {}
    for code_list in CODE_LISTS:
        schemes[code_list.name] = {
            "scheme": code_list.scheme,
            "notation": code_list.notation,
            "source": code_list.file,
            "concepts": read_code_list(vocabularies, code_list),
        }
    check_supervision(reference)
    schemes["supervision"] = {
        "scheme": SUPERVISION_SCHEME,
        "notation": None,
        "source": "pinned in scripts/build_eu_vocab.py (no XSD carries this list)",
        "concepts": [{"uri": uri, "label": label} for uri, label in SUPERVISION],
    }
    alpha3 = {c["uri"].rsplit("/", 1)[1] for c in schemes["country"]["concepts"]}
    if not {"SWE", "DEU", "FRA"} <= alpha3:
        raise BuildError("country list lacks expected alpha-3 codes")
    document = {
        "_provenance": {
            "generator": "scripts/build_eu_vocab.py (run it with --check to verify this file)",
            "elm_code_lists": {
                "origin": ELM_ORIGIN,
                "files_sha256": {c.file: c.sha256 for c in CODE_LISTS},
                "read": "scheme = xs:schema/@targetNamespace; concept uri = xs:enumeration/@value;"
                " label = its xs:documentation, whitespace collapsed; file order kept",
                "notation": "the value ELM writes in a concept's 'notation': 'country' for the "
                "EU country authority, as the Commission's ELM samples do; none for the others",
            },
            "supervision": {
                "confirmed": SUPERVISION_SOURCES,
                "unconfirmed": "no source available gives a URI for 'Supervised without ID "
                "Verification' or 'Unsupervised with ID Verification': their uri is null and "
                "their labels follow the pattern of the two confirmed ones",
            },
            "iso3166_1": {
                "package": f"pypi:pycountry=={PYCOUNTRY_VERSION}",
                "archive": PYCOUNTRY_WHEEL,
                "archive_sha256": PYCOUNTRY_SHA256,
                "member": PYCOUNTRY_MEMBER,
                "member_sha256": PYCOUNTRY_MEMBER_SHA256,
                "table_sha256": ISO_TABLE_SHA256,
                "licence": f"{PYCOUNTRY_LICENCE} (the package); only the ISO 3166-1 alpha-2 → "
                "alpha-3 code pairs are kept here",
            },
        },
        "format": FORMAT,
        "schemes": schemes,
        "iso3166_1": iso_table,
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write ``eu_vocab.json``, or with ``--check`` compare it with a fresh build.

    Returns:
        0 when written or up to date, 1 when ``--check`` finds drift, 2 on an input error.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--download-dir", type=Path, default=None)
    parser.add_argument("--offline", action="store_true", help="never download")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="microcred-vocab-") as scratch:
            wheel = find_wheel(args.download_dir, Path(scratch), offline=args.offline)
            iso_table = iso_from_wheel(wheel) if wheel else iso_from_output(OUTPUT)
        data = build(args.reference, iso_table)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if wheel is None:
        print("offline: ISO 3166-1 table taken from the current file (pinned digest matches)")
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_bytes() != data:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/build_eu_vocab.py")
            return 1
        print(f"ok: {OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
