"""``scripts/vendor_contexts.py`` offline: its JavaScript-module converter and its pin tables.

Nothing here downloads anything; ``python scripts/vendor_contexts.py --check`` is the online
check against the registry packages.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "vendor_contexts.py"
CONTEXTS = PROJECT_ROOT / "contexts"


@pytest.fixture(scope="module")
def vendor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_contexts_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = json.loads((CONTEXTS / "manifest.json").read_bytes())
    assert isinstance(data, dict)
    return data


HEADER = "/* eslint-disable */\n/*!\n * Copyright (c) 2024 Someone.\n */\n'use strict';\n\n"


# ------------------------------------------------------------------------------------------
# js_module_to_json
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (HEADER + 'module.exports = {"@context": {"id": "@id"}};\n', {"@context": {"id": "@id"}}),
        (HEADER + 'module.exports = {"@context": {"id": "@id"}}', {"@context": {"id": "@id"}}),
        (
            HEADER + 'module.exports = {\n  "@context": {\n    id: "@id",\n    $x_1: "y"\n  }\n}\n',
            {"@context": {"id": "@id", "$x_1": "y"}},
        ),
        (
            "module.exports = {'@context': {'a': 'it\\'s \\u00e9', \"b\": [1.1, -2, true, null]}};",
            {"@context": {"a": "it's é", "b": [1.1, -2, True, None]}},
        ),
        ('"use strict";\nmodule.exports = {"@context": []};', {"@context": []}),
        ('// line comment\nmodule.exports = {"@context": {}};\n', {"@context": {}}),
        ('module.exports = {"a": "\\"q\\" \\\\ \\n"}', {"a": '"q" \\ \n'}),
        ("module.exports = {a: '\\ud83d\\ude00'}", {"a": "\U0001f600"}),
    ],
)
def test_js_module_subset_is_converted(vendor: ModuleType, source: str, expected: Any) -> None:
    assert vendor.js_module_to_json(source.encode("utf-8"), "test.js") == expected


@pytest.mark.parametrize(
    "source",
    [
        'module.exports = {"a": 1,};',  # trailing comma
        'module.exports = {"a": [1,]};',  # trailing comma in array
        'module.exports = {"a": [1,,2]};',  # array hole
        'module.exports = {"a": 1 /* comment */};',  # comment inside the literal
        "module.exports = {a: b};",  # identifier as value
        "module.exports = {a: `template`};",  # template string
        "module.exports = {...other};",  # spread
        "module.exports = {[k]: 1};",  # computed key
        "module.exports = {1: 'x'};",  # numeric key
        "module.exports = {a: 0x10};",  # hex number
        "module.exports = {a: +1};",  # explicit plus
        "module.exports = {a: .5};",  # leading dot
        "module.exports = {a: 1, a: 2};",  # duplicate key
        "module.exports = {a: 'line\nbreak'};",  # raw newline in string
        "module.exports = {a: '\\x41'};",  # unsupported escape
        "module.exports = {a: '\\ud83d'};",  # lone surrogate
        'module.exports = {"a": "\\q"};',  # invalid JSON escape
        "module.exports = {a: require('x')};",  # call
        "module.exports = [1, 2];",  # not an object literal
        'module.exports = {"a": 1};\nmodule.exports.b = 2;',  # more statements
        'const x = 1;\nmodule.exports = {"a": 1};',  # statement before
        'exports.a = {"a": 1};',  # other export form
    ],
)
def test_anything_else_fails_loudly(vendor: ModuleType, source: str) -> None:
    with pytest.raises(vendor.VendorError):
        vendor.js_module_to_json(source.encode("utf-8"), "test.js")


def test_error_names_file_and_position(vendor: ModuleType) -> None:
    with pytest.raises(vendor.VendorError, match=r"^ctx\.js:2:8: expected a JSON value"):
        vendor.js_module_to_json(b'module.exports = {\n  "a": b\n};', "ctx.js")


def test_dump_json_form(vendor: ModuleType) -> None:
    assert vendor.dump_json({"@context": {"é": 1.1}}) == (
        b'{\n  "@context": {\n    "\xc3\xa9": 1.1\n  }\n}\n'
    )


def test_strict_json_rejects_duplicates_and_constants(vendor: ModuleType) -> None:
    with pytest.raises(vendor.VendorError):
        vendor.parse_json_strict(b'{"a": 1, "a": 2}', "x")
    with pytest.raises(vendor.VendorError):
        vendor.parse_json_strict(b'{"a": NaN}', "x")
    with pytest.raises(vendor.VendorError):
        vendor.parse_json_strict(b"\xef\xbb\xbf{}", "x")


# ------------------------------------------------------------------------------------------
# the script's pin tables agree with the manifest it wrote
# ------------------------------------------------------------------------------------------


def test_tables_are_consistent(vendor: ModuleType) -> None:
    vendor.check_uniqueness()
    for item in vendor.VENDORED:
        assert item.package in vendor.PACKAGES, item.package


def test_manifest_matches_the_script_tables(vendor: ModuleType, manifest: dict[str, Any]) -> None:
    entries = {e["revision"]: e for e in manifest["contexts"]}
    expected = (
        [v.revision for v in vendor.VENDORED]
        + [o.revision for o in vendor.OWN]
        + [k.revision for k in vendor.KNOWN]
    )
    assert list(entries) == expected, "manifest out of date: run scripts/vendor_contexts.py"
    for item in vendor.VENDORED:
        entry = entries[item.revision]
        package = vendor.PACKAGES[item.package]
        assert entry["url"] == item.url
        assert entry["file"] == item.file
        assert entry["default"] is item.default
        assert entry["licence"] == package.licence
        assert entry["source"] == {
            "registry": package.registry,
            "package": package.name,
            "version": package.version,
            "archive_sha256": package.archive_sha256,
            "path": item.path,
            "form": item.form,
            "extracted_sha256": item.extracted_sha256,
        }
    for known in vendor.KNOWN:
        entry = entries[known.revision]
        assert entry["url"] == known.url
        assert entry["file"] is None
        assert entry["jcs_sha256"] == known.jcs_sha256


def test_converted_files_are_in_the_written_form(vendor: ModuleType) -> None:
    for item in vendor.VENDORED:
        if item.form != "js-module":
            continue
        data = (CONTEXTS / item.file).read_bytes()
        assert vendor.dump_json(json.loads(data)) == data, item.file


def test_licence_preference(vendor: ModuleType) -> None:
    """The LGPL package is used only for revisions that no other package carries."""
    lgpl = {v.revision for v in vendor.VENDORED if "LGPL" in vendor.PACKAGES[v.package].licence}
    assert lgpl == {"ob-3.0.3-amended", "clr-2.0.1"}
