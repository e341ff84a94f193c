"""The vendored JSON-LD contexts (``contexts/``) and their manifest.

Offline: checks the files against ``contexts/manifest.json`` and, when the team's reference
copies (``../shared/standards`` beside the project) are present, cross-checks every context URL
against them. ``scripts/vendor_contexts.py --check`` is the (online) check against the registry
packages themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import rfc8785

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = PROJECT_ROOT / "contexts"
STANDARDS = PROJECT_ROOT.parent / "shared" / "standards"
REFERENCE_CONTEXTS = STANDARDS / "contexts"
NOT_CONTEXT_FILES = {"manifest.json", "LICENSES.md"}
HEX64 = re.compile(r"[0-9a-f]{64}")

# Reference copies (relative to ../shared/standards) and the URL each stands for.
REFERENCE_URLS: dict[str, str] = {
    "contexts/credentials-v1.jsonld": "https://www.w3.org/2018/credentials/v1",
    "contexts/credentials-v2.jsonld": "https://www.w3.org/ns/credentials/v2",
    "contexts/data-integrity-v1.jsonld": "https://w3id.org/security/data-integrity/v1",
    "contexts/data-integrity-v2.jsonld": "https://w3id.org/security/data-integrity/v2",
    "contexts/multikey-v1.jsonld": "https://w3id.org/security/multikey/v1",
    "contexts/did-v1.jsonld": "https://www.w3.org/ns/did/v1",
    "contexts/ed25519-signature-2020-v1.jsonld": "https://w3id.org/security/suites/ed25519-2020/v1",
    "contexts/jws-2020-v1.json": "https://w3id.org/security/suites/jws-2020/v1",
    "contexts/status-list-2021-v1.jsonld": "https://w3id.org/vc/status-list/2021/v1",
    "contexts/status-list-2021-v1.w3c-copy.jsonld": "https://w3id.org/vc/status-list/2021/v1",
    "contexts/bitstring-status-list-v1.jsonld": "https://www.w3.org/ns/credentials/status/v1",
    "contexts/ob-v3p0-context-3.0.0.json": "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "contexts/ob-v3p0-context-3.0.1.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
    ),
    "contexts/ob-v3p0-context-3.0.1.validator-copy.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
    ),
    "contexts/ob-v3p0-context-3.0.2.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    ),
    "contexts/ob-v3p0-context-3.0.2.validator-copy.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    ),
    "contexts/ob-v3p0-context-3.0.3.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ),
    "contexts/ob-v3p0-context-3.0.3.validator-copy.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ),
    "contexts/ob-v3p0-extensions.json": "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "contexts/clr-v2p0-context.json": "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "contexts/clr-v2p0-context-2.0.1.json": (
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
    ),
    "vectors/contexts-extra/credentials-examples-v2.jsonld": (
        "https://www.w3.org/ns/credentials/examples/v2"
    ),
    "vectors/contexts-extra/citizenship-v4rc1.jsonld": "https://w3id.org/citizenship/v4rc1",
}


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def _strict_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate JSON members: {duplicates}"
    return dict(pairs)


def _reject_constant(name: str) -> Any:
    raise AssertionError(f"non-standard JSON constant {name}")


def parse(data: bytes) -> Any:
    return json.loads(
        data.decode("utf-8"), object_pairs_hook=_strict_pairs, parse_constant=_reject_constant
    )


def jcs_sha256(document: Any) -> str:
    return hashlib.sha256(rfc8785.dumps(document)).hexdigest()


def describe_difference(ours: Any, theirs: Any, path: str = "$", limit: int = 8) -> list[str]:
    """Up to ``limit`` paths at which two JSON values differ, for assertion messages."""
    out: list[str] = []
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs)):
            if len(out) >= limit:
                break
            sub = f"{path}.{key}"
            if key not in theirs:
                out.append(f"{sub}: only in ours")
            elif key not in ours:
                out.append(f"{sub}: only in the reference copy")
            else:
                out += describe_difference(ours[key], theirs[key], sub, limit - len(out))
    elif isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            if len(out) >= limit:
                break
            out += describe_difference(a, b, f"{path}[{index}]", limit - len(out))
    elif ours != theirs or type(ours) is not type(theirs):
        out.append(f"{path}: ours {ours!r:.80} != reference {theirs!r:.80}")
    return out[:limit]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = parse((CONTEXTS / "manifest.json").read_bytes())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    items = manifest["contexts"]
    assert isinstance(items, list)
    assert items, "manifest lists no contexts"
    return items


@pytest.fixture(scope="module")
def file_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contexts shipped as files and taken from a registry package."""
    return [e for e in entries if e["file"] is not None and "authored" not in (e["source"] or {})]


@pytest.fixture
def authored_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contexts the project writes itself."""
    return [e for e in entries if e["file"] is not None and "authored" in (e["source"] or {})]


def test_authored_contexts_are_ours_and_hashed(authored_entries: list[dict[str, Any]]) -> None:
    assert [e["revision"] for e in authored_entries] == ["microcred-eu-v1"]
    for entry in authored_entries:
        data = (CONTEXTS / entry["file"]).read_bytes()
        assert entry["source"] == {"authored": "microcred"}
        assert entry["licence"] == "Apache-2.0"
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert jcs_sha256(parse(data)) == entry["jcs_sha256"], entry["file"]
        assert entry["url"].startswith("https://microcred.dev/contexts/")


@pytest.fixture
def reference() -> Path:
    if not REFERENCE_CONTEXTS.is_dir():
        pytest.skip(
            "reference copies not present: ../shared/standards/contexts beside the project "
            "(the team's shared folder, not part of the project)"
        )
    return STANDARDS


def _by_url(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        result.setdefault(entry["url"], []).append(entry)
    return result


# ------------------------------------------------------------------------------------------
# the manifest on its own
# ------------------------------------------------------------------------------------------


def test_manifest_format(manifest: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    assert manifest["format"] == 1
    assert set(manifest) == {"format", "contexts"}
    required = {"url", "revision", "file", "default", "sha256", "jcs_sha256", "source", "licence"}
    for entry in entries:
        missing = required - set(entry)
        assert not missing, f"{entry.get('revision')}: missing {sorted(missing)}"
        assert isinstance(entry["url"], str)
        assert entry["url"].startswith("https://"), entry["url"]
        assert isinstance(entry["revision"], str)
        assert entry["revision"]
        assert isinstance(entry["default"], bool)
        assert isinstance(entry["note"], str)
        assert entry["note"]
        assert HEX64.fullmatch(entry["jcs_sha256"]), entry["revision"]


def test_revision_ids_are_unique(entries: list[dict[str, Any]]) -> None:
    revisions = [e["revision"] for e in entries]
    assert len(revisions) == len(set(revisions)), revisions


def test_exactly_one_default_per_url(entries: list[dict[str, Any]]) -> None:
    for url, revisions in _by_url(entries).items():
        defaults = [e["revision"] for e in revisions if e["default"]]
        assert len(defaults) == 1, f"{url}: default revisions {defaults}"


def test_revisions_of_a_url_differ_in_content(entries: list[dict[str, Any]]) -> None:
    for url, revisions in _by_url(entries).items():
        hashes = [e["jcs_sha256"] for e in revisions]
        assert len(hashes) == len(set(hashes)), f"{url}: two revisions with the same content"


def test_file_entries_have_a_registry_source(file_entries: list[dict[str, Any]]) -> None:
    for entry in file_entries:
        source = entry["source"]
        what = entry["revision"]
        assert isinstance(source, dict), what
        assert source["registry"] in {"npm", "pypi"}, what
        assert source["package"], what
        assert source["version"], what
        assert HEX64.fullmatch(source["archive_sha256"]), what
        assert source["path"], what
        assert source["form"] in {"data-file", "js-module"}, what
        assert HEX64.fullmatch(source["extracted_sha256"]), what
        if source["form"] == "data-file":
            assert source["extracted_sha256"] == entry["sha256"], (
                f"{what}: a data file is kept byte for byte, so its hash must equal the "
                "hash of the file inside the package"
            )
        assert entry["licence"], what


def test_entries_without_file_have_no_source(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        if entry["file"] is None:
            assert entry["sha256"] is None, entry["revision"]
            assert entry["source"] is None, entry["revision"]
            assert "StaticLoader.add_file" in entry["note"], entry["revision"]


# ------------------------------------------------------------------------------------------
# the files
# ------------------------------------------------------------------------------------------


def test_files_exist_and_match_sha256(file_entries: list[dict[str, Any]]) -> None:
    for entry in file_entries:
        path = CONTEXTS / entry["file"]
        assert path.is_file(), f"{entry['revision']}: {path} is missing"
        assert Path(entry["file"]).name == entry["file"], "files live directly in contexts/"
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        assert actual == entry["sha256"], (
            f"{entry['file']}: sha256 {actual}, manifest says {entry['sha256']}"
        )


def test_jcs_sha256_matches_file_content(file_entries: list[dict[str, Any]]) -> None:
    for entry in file_entries:
        document = parse((CONTEXTS / entry["file"]).read_bytes())
        actual = jcs_sha256(document)
        assert actual == entry["jcs_sha256"], (
            f"{entry['file']}: JCS sha256 {actual}, manifest says {entry['jcs_sha256']}"
        )


def test_each_file_is_listed_once(
    file_entries: list[dict[str, Any]], authored_entries: list[dict[str, Any]]
) -> None:
    listed = [e["file"] for e in file_entries + authored_entries]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    present = {p.name for p in CONTEXTS.iterdir() if p.is_file()} - NOT_CONTEXT_FILES
    assert not {p.name for p in CONTEXTS.iterdir() if p.is_dir()}, "no subfolders expected"
    unlisted = sorted(present - set(listed))
    assert not unlisted, f"files in contexts/ that the manifest does not list: {unlisted}"


def test_every_context_file_has_top_level_context() -> None:
    files = sorted(p for p in CONTEXTS.iterdir() if p.is_file() and p.name not in NOT_CONTEXT_FILES)
    assert files
    for path in files:
        document = parse(path.read_bytes())
        assert isinstance(document, dict), f"{path.name}: not a JSON object"
        assert "@context" in document, f"{path.name}: no top-level @context"
        assert isinstance(document["@context"], (dict, list)), path.name


def test_licenses_md_lists_every_file(file_entries: list[dict[str, Any]]) -> None:
    text = (CONTEXTS / "LICENSES.md").read_text(encoding="utf-8")
    for entry in file_entries:
        source = entry["source"]
        row = next((line for line in text.splitlines() if f"`{entry['file']}`" in line), None)
        assert row is not None, f"LICENSES.md has no row for {entry['file']}"
        assert entry["url"] in row, entry["file"]
        assert source["package"] in row, entry["file"]
        assert source["version"] in row, entry["file"]
        assert entry["licence"] in row, entry["file"]


def test_ob_303_default_is_the_amended_superset(entries: list[dict[str, Any]]) -> None:
    url = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    revisions = {e["revision"]: e for e in _by_url(entries)[url]}
    assert set(revisions) == {"ob-3.0.3", "ob-3.0.3-amended"}
    assert revisions["ob-3.0.3-amended"]["default"] is True
    spec = parse((CONTEXTS / revisions["ob-3.0.3"]["file"]).read_bytes())["@context"]
    amended = parse((CONTEXTS / revisions["ob-3.0.3-amended"]["file"]).read_bytes())["@context"]
    assert sorted(set(amended) - set(spec)) == ["endorsementJwt", "jti"]
    changed = sorted(term for term in spec if amended.get(term) != spec[term])
    assert not changed, f"the amended revision changes released terms: {changed}"


# ------------------------------------------------------------------------------------------
# cross-check with the team's reference copies (skipped when absent)
# ------------------------------------------------------------------------------------------


def test_reference_map_covers_reference_folder(reference: Path) -> None:
    present = {
        f"contexts/{p.name}"
        for p in (reference / "contexts").iterdir()
        if p.is_file() and p.suffix in {".json", ".jsonld"}
    }
    unmapped = sorted(present - set(REFERENCE_URLS))
    assert not unmapped, f"reference copies this test does not know the URL of: {unmapped}"


def test_reference_copies_equal_a_known_revision(
    reference: Path, entries: list[dict[str, Any]]
) -> None:
    by_url = _by_url(entries)
    problems: list[str] = []
    for name, url in sorted(REFERENCE_URLS.items()):
        path = reference / name
        if not path.is_file():
            problems.append(f"{name}: reference copy missing")
            continue
        if url not in by_url:
            problems.append(f"{name}: the manifest has no entry for {url}")
            continue
        ref_doc = parse(path.read_bytes())
        ref_hash = jcs_sha256(ref_doc)
        known = {e["jcs_sha256"]: e for e in by_url[url]}
        if ref_hash in known:
            continue
        default = next(e for e in by_url[url] if e["default"])
        detail = "no vendored file to compare with"
        if default["file"] is not None:
            ours = parse((CONTEXTS / default["file"]).read_bytes())
            detail = "; ".join(describe_difference(ours, ref_doc)) or "same value, other hash?"
        problems.append(
            f"{name} ({url}): JCS sha256 {ref_hash} matches none of "
            f"{sorted(e['revision'] for e in by_url[url])}; vs {default['revision']}: {detail}"
        )
    assert not problems, "\n".join(problems)


def test_unshipped_revisions_are_pinned_to_the_reference_copy(
    reference: Path, entries: list[dict[str, Any]]
) -> None:
    refs_by_url: dict[str, list[str]] = {}
    for name, url in REFERENCE_URLS.items():
        refs_by_url.setdefault(url, []).append(name)
    for entry in entries:
        if entry["file"] is not None:
            continue
        names = refs_by_url.get(entry["url"])
        assert names, f"{entry['revision']}: no reference copy known for {entry['url']}"
        hashes = {n: jcs_sha256(parse((reference / n).read_bytes())) for n in names}
        assert entry["jcs_sha256"] in hashes.values(), (
            f"{entry['revision']}: pinned {entry['jcs_sha256']}, reference copies hash to {hashes}"
        )


_CLAIM = re.compile(r"(Byte-identical|JSON-equal) to the reference copy standards/(\S+?) ")
_NO_REFERENCE = "No reference copy to compare with"


def test_notes_state_the_relation_to_the_reference_copy(
    reference: Path, file_entries: list[dict[str, Any]]
) -> None:
    for entry in file_entries:
        if _NO_REFERENCE in entry["note"]:
            # a context the reference folder does not hold: pinned by its registry package
            # alone (archive and file SHA-256, checked above), and the note says so
            assert entry["source"]["extracted_sha256"] == entry["sha256"], entry["revision"]
            continue
        claim = _CLAIM.search(entry["note"])
        assert claim, f"{entry['revision']}: the note does not state its relation to a reference"
        relation, name = claim.groups()
        ours = (CONTEXTS / entry["file"]).read_bytes()
        theirs = (reference / name).read_bytes()
        assert REFERENCE_URLS.get(name) == entry["url"], f"{entry['revision']}: {name}"
        if relation == "Byte-identical":
            assert ours == theirs, f"{entry['file']}: claimed byte-identical to {name}"
        else:
            assert ours != theirs, (
                f"{entry['file']}: byte-identical to {name}, note says JSON-equal"
            )
            assert jcs_sha256(parse(ours)) == jcs_sha256(parse(theirs)), (
                f"{entry['file']} vs {name}: "
                + "; ".join(describe_difference(parse(ours), parse(theirs)))
            )
