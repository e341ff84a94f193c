"""The verifier page without a browser: its files, their headers, what the script knows about
every check id and Annex I element, and the report the page is given."""

from __future__ import annotations

import ast
import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.baking import bake, tiny_png
from microcred.model import MicroCredential
from microcred.model.eu import MANDATORY_ELEMENTS, OPTIONAL_ELEMENTS
from microcred.server import ServerConfig, create_app
from microcred.server._http import SECURITY_HEADERS
from microcred.server._page import STATIC_FILES

SRC = Path(mc.__file__).resolve().parent
STATIC = resources.files("microcred.server").joinpath("static")
FORM = Path(__file__).resolve().parents[2] / "examples" / "data" / "annex-i-da123a.json"
STATUSES = {"passed", "failed", "skipped", "error"}
LANGUAGES = ("en", "sv")
KEY = mc.keys.generate("Ed25519")


def _signed() -> dict[str, Any]:
    form = json.loads(FORM.read_text(encoding="utf-8"))
    unsigned = MicroCredential.model_validate(form).to_ob3(issuer_id=KEY.did).to_json()
    return mc.issue(unsigned, KEY)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServerConfig.from_keys([KEY])), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    return _signed()


def _script() -> str:
    return STATIC.joinpath("verifier.js").read_text(encoding="utf-8")


def _block(name: str) -> Any:
    """The JSON literal the script keeps between ``/* BEGIN:name */`` and ``/* END:name */``."""
    match = re.search(rf"/\* BEGIN:{name} \*/(.*?)/\* END:{name} \*/", _script(), flags=re.DOTALL)
    assert match, f"verifier.js has no {name} block"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- serving the files


@pytest.mark.parametrize("name", sorted(STATIC_FILES))
def test_static_files_are_served_with_their_media_type_and_the_csp(
    client: TestClient, name: str
) -> None:
    path = "/" if name == "index.html" else f"/static/{name}"
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == STATIC_FILES[name]
    assert (
        response.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == STATIC.joinpath(name).read_bytes()
    assert response.content.strip() != b"placeholder"


def test_the_csp_forbids_inline_code_and_other_origins() -> None:
    policy = dict(
        part.strip().split(" ", 1)
        for part in SECURITY_HEADERS["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"


def test_only_the_page_files_are_served(client: TestClient) -> None:
    shipped = {entry.name for entry in STATIC.iterdir() if entry.is_file()}
    assert shipped == set(STATIC_FILES)
    for path in ("/static/index.html", "/static/nothing.js", "/static/..%2F_page.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"


class _Page(HTMLParser):
    """Every tag with its attributes, and whether a script or style element has content."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.inline.append(self._open)


def _page() -> _Page:
    page = _Page()
    page.feed(STATIC.joinpath("index.html").read_text(encoding="utf-8"))
    return page


def test_index_refers_only_to_the_static_files() -> None:
    page = _page()
    references = [
        (tag, value)
        for tag, attrs in page.tags
        for name, value in attrs.items()
        if name in ("src", "href", "action", "srcset", "poster", "data") and value is not None
    ]
    assert ("script", "/static/verifier.js") in references
    assert ("link", "/static/verifier.css") in references
    for tag, value in references:
        if value.startswith("#"):  # the skip link
            continue
        assert value.startswith("/static/"), (tag, value)
        assert value.removeprefix("/static/") in STATIC_FILES, (tag, value)


def test_index_has_no_inline_script_or_style() -> None:
    page = _page()
    assert page.inline == []
    assert "style" not in {tag for tag, _ in page.tags}
    for tag, attrs in page.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], tag
        if tag == "script":
            assert attrs.get("src"), "every script comes from a file"


def test_index_labels_every_control() -> None:
    page = _page()
    labelled = {attrs.get("for") for tag, attrs in page.tags if tag == "label"}
    controls = [
        attrs for tag, attrs in page.tags if tag in ("input", "textarea", "select") and attrs
    ]
    assert {c.get("type") for c in controls} >= {"file"}
    for attrs in controls:
        assert attrs.get("id") in labelled, attrs
    tags = [tag for tag, _ in page.tags]
    assert tags.count("h1") == 1
    html = dict(page.tags[0][1]) if page.tags[0][0] == "html" else {}
    assert html.get("lang") == "en"
    live = [attrs for _, attrs in page.tags if attrs.get("aria-live")]
    assert [attrs.get("id") for attrs in live] == ["wallet-live", "result-live"]
    buttons = [attrs for tag, attrs in page.tags if tag == "button" and attrs.get("data-lang")]
    assert sorted(b["data-lang"] or "" for b in buttons) == list(LANGUAGES)
    assert all(b.get("aria-pressed") in ("true", "false") for b in buttons)


# -------------------------------------------------------------- the script's texts


def _strings(node: ast.AST) -> set[str]:
    """The strings an expression can evaluate to: a constant, either branch of a conditional,
    the items of a literal tuple or list (what a ``for`` loop binds)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_strings(item) for item in node.elts))
    return set()


def _bindings(function: ast.AST, name: str) -> set[str]:
    """The string constants a variable can be bound to inside ``function``."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= _strings(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                found |= _strings(node.value)
        elif (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            found |= _strings(node.iter)
    return found


def _error_check_ids() -> set[str]:
    """The check ids an error carries in its ``check`` attribute: the first argument of
    every ``SdJwtError("<id>", ...)`` in the source (``report.add(exc.check, ...)``)."""
    found: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(call, ast.Call)
                and getattr(call.func, "id", getattr(call.func, "attr", "")) == "SdJwtError"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            ):
                found.add(call.args[0].value)
    return found


def _check_id_values(function: ast.AST, node: ast.expr) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Attribute) and node.attr == "check":
        return _error_check_ids()  # ``exc.check`` of an SdJwtError
    if isinstance(node, ast.IfExp):
        body, orelse = (
            _check_id_values(function, node.body),
            _check_id_values(function, node.orelse),
        )
        return body | orelse if body and orelse else set()
    if isinstance(node, ast.Name):
        return _bindings(function, node.id)
    if isinstance(node, ast.JoinedStr):
        parts: list[set[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append({str(value.value)})
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                parts.append(_bindings(function, value.value.id))
            else:
                return set()
        return {"".join(combination) for combination in itertools.product(*parts)}
    return set()


#: The report's own methods, which pass on the check id their callers give (the callers are
#: scanned): ``VerificationReport.warn(check_id, ...)`` makes ``Check(check_id, "skipped", ...)``.
FORWARDERS = {"add", "add_error", "warn"}


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    return {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}


def _scan(kind: str) -> set[str]:
    """The check ids of ``kind`` microcred's source can put into a report, with variables and
    f-strings resolved from their bindings in the same function:

    * ``"checks"``: the first argument of ``report.add(id, status, ...)``,
      ``result._add(id, status, ...)`` and ``Check(id, status, ...)`` with a literal status,
      and of ``report.add_error(id, exc, ...)``;
    * ``"warnings"``: the first argument of ``report.warn(id, message, ...)``.
    """
    ids: set[str] = set()
    unresolved: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or len(call.args) < 2:
                    continue
                func = call.func
                named = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                status = call.args[1]
                if kind == "warnings":
                    # report.warn(...), not warnings.warn / logger.warn
                    if named != "warn" or not isinstance(func, ast.Attribute):
                        continue
                    if isinstance(func.value, ast.Name) and func.value.id in ("warnings", "LOG"):
                        continue
                elif named != "add_error" and (
                    named not in ("add", "_add", "Check")
                    or not (isinstance(status, ast.Constant) and status.value in STATUSES)
                ):
                    continue
                first = call.args[0]
                if (
                    function.name in FORWARDERS
                    and isinstance(first, ast.Name)
                    and first.id in _parameters(function)
                ):
                    continue  # the report's own method: its callers are scanned
                values = _check_id_values(function, first)
                if not values:
                    unresolved.append(f"{path.relative_to(SRC)}:{call.lineno}")
                ids |= values
    assert not unresolved, f"{kind} ids this test cannot work out: {unresolved}"
    return ids


def emitted_check_ids() -> set[str]:
    """Every check id microcred's source can put into a report's checks (see :func:`_scan`)."""
    return _scan("checks")


def emitted_warning_ids() -> set[str]:
    """Every check id microcred's source can put into a report's warnings."""
    return _scan("warnings")


def test_the_check_id_scan_finds_the_known_ids() -> None:
    known = {
        "parse", "format", "contexts", "proof", "proof.suite", "proof.method", "proof.purpose",
        "proof.signature", "proof.challenge", "issuer", "holder", "validity.valid_from",
        "validity.valid_until", "status", "schema", "profile", "jwt.header", "jwt.alg",
        "jwt.key", "jwt.signature", "jwt.claims", "jwt.exp", "jwt.nbf", "internal",
    }  # fmt: skip
    assert emitted_check_ids() >= known
    assert emitted_warning_ids() >= {"status", "schema", "proof.suite", "proof.challenge", "holder"}


def test_every_check_id_is_explained_in_both_languages() -> None:
    explained = _block("CHECKS")
    missing = sorted(emitted_check_ids() - set(explained))
    assert not missing, f"verifier.js has no explanation for check ids {missing}"
    for check_id, texts in explained.items():
        assert set(texts) == set(LANGUAGES), check_id
        for language in LANGUAGES:
            assert texts[language]["name"].strip(), (check_id, language)
            why = texts[language]["why"]
            assert why.strip().endswith("."), (check_id, language)  # a sentence
        assert texts["en"]["why"] != texts["sv"]["why"], check_id


def test_every_warning_is_said_in_plain_words_in_both_languages() -> None:
    explained = _block("WARNINGS")
    missing = sorted(emitted_warning_ids() - set(explained))
    assert not missing, f"verifier.js has no plain words for the warnings of {missing}"
    checks = _block("CHECKS")
    for check_id, texts in explained.items():
        assert check_id in checks, check_id  # a warning names a check
        assert set(texts) == set(LANGUAGES), check_id
        for language in LANGUAGES:
            name = texts[language]["name"]
            assert name.strip(), (check_id, language)
            assert "." not in name, (check_id, language)  # words, not an id like proof.suite
            assert texts[language]["why"].strip().endswith("."), (check_id, language)
        assert texts["en"]["why"] != texts["sv"]["why"], check_id
    # revocation that was not checked is named so, in so many words
    assert explained["status"]["en"]["name"] == "Revocation was not checked"
    assert explained["status"]["sv"]["name"] == "Återkallelse kontrollerades inte"


def test_a_verified_summary_with_warnings_never_says_every_check_passed() -> None:
    strings = _block("STRINGS")
    everything = {"en": "every check passed", "sv": "alla kontroller godkändes"}
    for language in LANGUAGES:
        texts = strings[language]
        assert everything[language] in texts["summary.verified"]  # only without warnings
        one, many = texts["summary.verified.warnings.one"], texts["summary.verified.warnings.many"]
        for summary in (one, many):
            assert everything[language] not in summary, (language, summary)
            assert summary.endswith(":"), summary  # the list of what was not checked follows
        assert "1" in one
        assert "{n}" in many
        assert "{n}" in texts["warningsHeading.count"]
        assert "{name}" in texts["warning.unknown"]
    assert strings["en"]["summary.verified.warnings.one"] == (
        "The signature is valid and the checks that ran passed, but 1 thing was not checked:"
    )
    assert strings["sv"]["summary.verified.warnings.many"] == (
        "Signaturen är giltig och de kontroller som gjordes godkändes, men {n} saker "
        "kontrollerades inte:"
    )


def test_the_internal_and_jwt_header_checks_are_explained() -> None:
    checks = _block("CHECKS")
    assert checks["internal"]["en"]["name"] == "Internal error of the verifier"
    assert "not necessarily in the credential" in checks["internal"]["en"]["why"]
    assert checks["internal"]["sv"]["name"] == "Internt fel i verifieraren"
    assert "declared type" in checks["jwt.header"]["en"]["why"]
    assert "angivna typ" in checks["jwt.header"]["sv"]["why"]


def test_every_annex_i_element_has_an_english_and_a_swedish_label() -> None:
    labels = _block("ELEMENTS")
    assert set(labels) == set(MANDATORY_ELEMENTS) | set(OPTIONAL_ELEMENTS)
    for element, texts in labels.items():
        assert texts["en"].strip(), element
        assert texts["sv"].strip(), element
    assert labels["learning outcomes"]["sv"] == "Läranderesultat"


def test_the_ui_strings_exist_in_both_languages() -> None:
    strings = _block("STRINGS")
    assert set(strings) == set(LANGUAGES)
    assert set(strings["en"]) == set(strings["sv"])
    verdicts = {
        language: [
            strings[language][f"verdict.{o}"] for o in ("verified", "invalid", "indeterminate")
        ]
        for language in LANGUAGES
    }
    assert verdicts["en"] == ["Verified", "Invalid", "Could not be determined"]
    assert verdicts["sv"] == ["Verifierad", "Ogiltig", "Kunde inte avgöras"]
    keys = set(re.findall(r'\bt\("([\w.]+)"[,)]', _script())) | set(
        re.findall(r'data-i18n="([\w.]+)"', STATIC.joinpath("index.html").read_text("utf-8"))
    )
    assert keys - set(strings["en"]) == set()


def test_the_script_never_parses_data_as_markup() -> None:
    script = _script()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    assert "new Function" not in script
    assert "textContent" in script


# ------------------------------------------------------------------ the page's report


def test_page_report_of_a_micro_credential_has_the_sixteen_rows(
    client: TestClient, signed: dict[str, Any]
) -> None:
    response = client.post("/verifier/report", content=json.dumps(signed).encode())
    assert response.status_code == 200
    page = response.json()
    assert page["report"]["outcome"] == "verified"
    assert page["issuer"]["id"] == KEY.did
    assert page["name"] == signed["name"]
    micro = page["microCredential"]
    assert micro["complete"] is True
    assert micro["missing"] == []
    rows = micro["elements"]
    assert len(rows) == 16
    assert [row["element"] for row in rows] == [*MANDATORY_ELEMENTS, *OPTIONAL_ELEMENTS]
    assert [row["mandatory"] for row in rows] == [True] * 11 + [False] * 5
    assert all(row["value"] for row in rows)
    assert all(row["values"]["en"] == row["value"] for row in rows)
    assert all(set(row["values"]) == set(LANGUAGES) for row in rows)


def test_page_report_gives_the_written_values_in_both_languages(
    client: TestClient, signed: dict[str, Any]
) -> None:
    rows = client.post("/verifier/report", content=json.dumps(signed).encode()).json()
    values = {row["element"]: row["values"] for row in rows["microCredential"]["elements"]}
    assert values["notional workload"] == {
        "en": "7.5 ECTS + 200 hours",
        "sv": "7,5 hp (ECTS) + 200 timmar",
    }
    assert values["level"] == {
        "en": "EQF 6, cycle 1",
        "sv": "EQF-nivå 6, första cykeln (grundnivå)",
    }
    assert values["form of participation"] == {"en": "online", "sv": "på distans (online)"}
    assert values["supervision and identity verification"] == {
        "en": "supervised-with-id",
        "sv": "övervakad med identitetskontroll",
    }
    assert values["integration and stackability"]["sv"].startswith("kan ingå i ")
    assert values["learning outcomes"]["sv"] == values["learning outcomes"]["en"]


def test_the_script_shows_a_row_value_in_the_page_language() -> None:
    script = _script()
    body = script[script.index("function rowValue(row)") :]
    body = body[: body.index("\n  }\n") + 4]
    assert "values[language]" in body
    assert "asText(row.value)" in body  # a server without "values": the English value
    render = script[script.index("function renderAnnex(") :]
    assert "const value = rowValue(row);" in render[: render.index("\n  }\n")]


def test_page_report_of_a_baked_png_and_of_a_tampered_copy(
    client: TestClient, signed: dict[str, Any]
) -> None:
    baked = bake(tiny_png(), json.dumps(signed))
    page = client.post("/verifier/report", content=baked).json()
    assert page["report"]["outcome"] == "verified"
    assert "PNG" in page["input"]
    assert len(page["microCredential"]["elements"]) == 16
    tampered = {**signed, "name": "Avancerad maskininlärning"}
    page = client.post("/verifier/report", content=json.dumps(tampered).encode()).json()
    assert page["report"]["outcome"] == "invalid"
    failed = [c["id"] for c in page["report"]["checks"] if c["status"] == "failed"]
    assert failed == ["proof.signature"]
    assert page["name"] == "Avancerad maskininlärning"


def test_page_report_errors_are_problems(client: TestClient) -> None:
    response = client.post("/verifier/report", content=b"  ")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert {"title", "status", "detail"} <= set(response.json())


UNKNOWN_SCHEMA = {"id": "https://schemas.example/alumni.json", "type": "JsonSchema"}


def _with_unknown_schema() -> dict[str, Any]:
    return mc.issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": KEY.did,
            "credentialSubject": {"id": "did:example:learner"},
            "credentialSchema": UNKNOWN_SCHEMA,
        },
        KEY,
    )


def test_page_report_lists_the_warnings(client: TestClient) -> None:
    page = client.post("/verifier/report", content=json.dumps(_with_unknown_schema()).encode())
    assert page.status_code == 200
    body = page.json()
    assert body["report"]["outcome"] == "verified"  # warnings never change the outcome
    assert body["warnings"] == [
        {
            "id": "schema",
            "message": f"the credential's declared schema {UNKNOWN_SCHEMA['id']} is not known "
            "offline; not applied",
            "path": "$.credentialSchema",
        }
    ]
    assert body["report"]["warnings"] == body["warnings"]


def test_page_report_says_which_credential_of_a_set_a_warning_belongs_to(
    client: TestClient, signed: dict[str, Any]
) -> None:
    holder = mc.keys.generate("Ed25519")
    presentation = mc.present([signed, _with_unknown_schema()], holder)  # no challenge
    body = client.post("/verifier/report", content=json.dumps(presentation).encode()).json()
    assert body["report"]["outcome"] == "verified"
    assert [(w["id"], w.get("credential")) for w in body["warnings"]] == [
        ("proof.challenge", None),
        ("schema", 2),
    ]


def test_page_warnings_flattens_nested_reports() -> None:
    from microcred.report import VerificationReport
    from microcred.server._page import page_warnings

    inner, innermost = VerificationReport(), VerificationReport()
    innermost.warn("status", "not checked", "$.credentialStatus")
    inner.warn("schema", "unknown schema")
    inner.credentials.append(innermost)
    outer = VerificationReport()
    outer.warn("holder", "no holder")
    outer.credentials += [VerificationReport(), inner]
    assert page_warnings(outer) == [
        {"id": "holder", "message": "no holder"},
        {"id": "schema", "message": "unknown schema", "credential": 2},
        {"id": "status", "message": "not checked", "path": "$.credentialStatus", "credential": 2},
    ]
