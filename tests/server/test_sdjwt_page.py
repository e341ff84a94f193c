"""The service and the verifier page with an EU micro-credential SD-JWT VC: the verify
endpoint takes one (as issued, or presented with a Key Binding JWT), and the page shows what the
holder disclosed and how many claims stayed hidden; the hidden claims are in neither (issue 20,
acceptance 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient

import microcred as mc
from microcred.model import MicroCredential
from microcred.model._sdjwt_mapping import to_sd_jwt_vc_claims
from microcred.sdjwt import issue_sd_jwt_vc, present_sd_jwt
from microcred.server import ServerConfig, create_app

from .conftest import serving

FORM = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "data" / "annex-i-da123a.json").read_text()
)
KEY = mc.keys.generate("Ed25519")
HOLDER = mc.keys.generate("P-256")
TITLE_ECTS_ISSUER = [
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/creditsAvailable",
    "/credentialSubject/achievement/ECTS",
    "/issuer",
]
#: what the holder kept back: the learner's name and identifiers, the grade, the dates
HIDDEN = ("Tolvan", "8f0f7c3e", '"value": "VG"', "2026-06-12", "2026-06-10")
ISSUED = MicroCredential.model_validate(FORM).to_sd_jwt_vc(KEY, holder_jwk=HOLDER.public_jwk())
SHOWN = present_sd_jwt(ISSUED, TITLE_ECTS_ISSUER)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServerConfig.from_keys([KEY])), raise_server_exceptions=False) as c:
        yield c


def _verify(client: TestClient, value: str, **options: Any) -> Any:
    body: dict[str, Any] = {"verifiableCredential": value}
    if options:
        body["options"] = options
    return client.post("/credentials/verify", json=body)


def test_the_verify_endpoint_takes_a_presentation_and_returns_only_what_was_disclosed(
    client: TestClient,
) -> None:
    response = _verify(client, SHOWN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["format"] == "sd-jwt-vc"
    assert body["hidden_count"] == 6
    assert set(body["disclosed"]) == set()  # the shown claims are all in clear
    text = response.text
    for secret in HIDDEN:
        assert secret not in text, secret


def test_the_verify_endpoint_checks_the_key_binding_against_challenge_and_domain(
    client: TestClient,
) -> None:
    """RFC 9901 §7.3: the KB-JWT's ``nonce`` and ``aud`` are the verifier's; the VC API's
    ``options.challenge`` and ``options.domain`` give them."""
    bound = present_sd_jwt(
        ISSUED,
        [*TITLE_ECTS_ISSUER, "/credentialSubject/result"],
        holder_key=HOLDER,
        nonce="c-1",
        audience="https://verifier.example",
    )
    good = _verify(client, bound, challenge="c-1", domain="https://verifier.example")
    assert good.status_code == 200, good.text
    assert good.json()["disclosed"] == ["/credentialSubject/result"]
    bad = _verify(client, bound, challenge="c-2", domain="https://verifier.example")
    assert bad.status_code == 400
    failed = {e["id"] for e in bad.json()["errors"]}
    assert "sdjwt.kb" in failed
    wrong_type = _verify(client, bound, challenge=5)
    assert wrong_type.status_code == 400
    assert wrong_type.json()["title"] == "Malformed request"


def test_a_tampered_disclosure_is_refused(client: TestClient) -> None:
    head, *disclosures, tail = ISSUED.split("~")
    forged = "~".join([head, *disclosures[:-1], disclosures[-1][:-2] + "AA", tail])
    response = _verify(client, forged)
    assert response.status_code == 400
    assert {e["id"] for e in response.json()["errors"]} & {"sdjwt.digest", "sdjwt.disclosures"}


def test_page_report_shows_what_was_disclosed_and_counts_what_stayed_hidden(
    client: TestClient,
) -> None:
    response = client.post("/verifier/report", content=SHOWN.encode())
    assert response.status_code == 200
    page = response.json()
    assert page["report"]["outcome"] == "verified"
    assert page["issuer"] == {
        "id": KEY.did,
        "name": "Exempeluniversitetet",
        "url": FORM["issuer"]["url"],
    }
    assert page["disclosure"]["hidden"] == 6
    assert page["disclosure"]["disclosed"] == []
    micro = page["microCredential"]
    assert micro["notDisclosed"] == [
        "identification of the learner",
        "date of issuing",
        "grade",
    ]
    assert micro["missing"] == []  # not disclosed is not missing
    rows = {row["element"]: row for row in micro["elements"]}
    assert len(rows) == 16
    assert rows["title of the micro-credential"]["value"].startswith("Grundläggande")
    assert rows["notional workload"]["values"]["sv"].startswith("7,5 hp")
    for element in micro["notDisclosed"]:
        assert rows[element]["hidden"] is True
        assert rows[element]["value"] == ""
    assert "hidden" not in rows["title of the micro-credential"]
    for secret in HIDDEN:
        assert secret not in response.text, secret


def test_page_report_labels_the_disclosed_claims_in_both_languages(client: TestClient) -> None:
    shown = present_sd_jwt(ISSUED, ["/credentialSubject/result", "/validFrom"])
    page = client.post("/verifier/report", content=shown.encode()).json()
    disclosed = {d["pointer"]: d for d in page["disclosure"]["disclosed"]}
    assert disclosed["/credentialSubject/result"]["label"] == {"sv": "Betyg", "en": "Grade"}
    assert disclosed["/validFrom"]["label"]["en"] == "Date of issuing"
    assert page["disclosure"]["hidden"] == 4
    rows = {row["element"]: row for row in page["microCredential"]["elements"]}
    assert rows["grade"]["value"] == "VG (U/G/VG)"
    assert rows["identification of the learner"]["hidden"] is True
    assert "Tolvan" not in json.dumps(page, ensure_ascii=False)


def test_page_report_of_everything_disclosed_has_no_hidden_row(client: TestClient) -> None:
    page = client.post("/verifier/report", content=ISSUED.encode()).json()
    assert page["disclosure"]["hidden"] == 0
    assert len(page["disclosure"]["disclosed"]) == 6
    micro = page["microCredential"]
    assert micro["complete"] is True
    assert micro["notDisclosed"] == []
    assert all(row["value"] for row in micro["elements"])


def test_the_page_names_the_signer_not_an_issuer_claim(client: TestClient) -> None:
    """SD-JWT VC: the issuer is ``iss`` (whose key signed); an ``issuer`` claim naming another
    DID does not change who the page says issued it."""
    claims = to_sd_jwt_vc_claims(FORM, issuer_id="did:web:famous-university.example")
    token = issue_sd_jwt_vc(claims, KEY, vct="https://microcred.dev/vct/eu-micro-credential/1")
    page = client.post("/verifier/report", content=token.encode()).json()
    assert page["issuer"]["id"] == KEY.did
    report = mc.verify(token)
    assert isinstance(report.document, dict)
    back = MicroCredential.from_sd_jwt_vc(report.document)
    assert back.issuer is not None
    assert back.issuer.id == KEY.did


# --------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    pytest.importorskip("uvicorn", reason="the [server] extra is not installed")
    with serving(ServerConfig.from_keys([KEY])) as url:
        yield url


def test_the_page_in_a_browser_shows_the_disclosure_and_never_the_hidden_claims(
    base_url: str, tmp_path: Path
) -> None:
    """The rendered page (Debian's headless chromium): the holder's disclosure section, the
    Annex I rows that were not disclosed, in English and Swedish, and none of the hidden
    values anywhere in the page's HTML."""
    import os

    chromium, driver_path = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
    if not (chromium.exists() and driver_path.exists()):
        reason = "Debian's chromium and chromedriver are not installed"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    pytest.importorskip("selenium", reason="selenium (the browser test driver) is not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    options.binary_location = str(chromium)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--lang=en-GB",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    try:
        driver.set_window_size(1280, 1000)
        driver.get(base_url + "/")
        area = driver.find_element(By.ID, "credential-text")
        driver.execute_script("arguments[0].value = arguments[1];", area, SHOWN)
        driver.find_element(By.ID, "verify-button").click()
        verdict = WebDriverWait(driver, 20).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, "#result-live #verdict-title"))
        )
        assert verdict.text == "Verified"
        hidden = driver.find_element(By.ID, "hidden-count").text
        assert "6 claim(s) stayed hidden" in hidden
        assert driver.find_element(By.CSS_SELECTOR, "#disclosure h3").text == (
            "What the holder disclosed"
        )
        row = driver.find_element(By.CSS_SELECTOR, "#annex-table tr[data-element='grade'] td")
        assert row.text.endswith("Not disclosed")
        assert "Missing" not in driver.find_element(By.ID, "annex-table").text
        html = driver.page_source
        for secret in ("Tolvan", "8f0f7c3e", "2026-06-12", "2026-06-10"):
            assert secret not in html, secret
        driver.find_element(By.CSS_SELECTOR, ".lang-button[data-lang='sv']").click()
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "sv"
        )
        assert "förblev dolda" in driver.find_element(By.ID, "hidden-count").text
        row = driver.find_element(By.CSS_SELECTOR, "#annex-table tr[data-element='grade'] td")
        assert row.text.endswith("Inte visat")
        # the grade disclosed: named in the page's language, with its pointer
        with_grade = present_sd_jwt(ISSUED, [*TITLE_ECTS_ISSUER, "/credentialSubject/result"])
        area = driver.find_element(By.ID, "credential-text")
        driver.execute_script("arguments[0].value = arguments[1];", area, with_grade)
        driver.find_element(By.ID, "verify-button").click()
        WebDriverWait(driver, 20).until(
            lambda d: "5 uppgift(er)" in d.find_element(By.ID, "hidden-count").text
        )
        listed = driver.find_element(By.ID, "disclosed-list").text
        assert listed == "Betyg (/credentialSubject/result)"
        row = driver.find_element(By.CSS_SELECTOR, "#annex-table tr[data-element='grade'] td")
        assert row.text == "VG (U/G/VG)"
        shots = Path(__file__).resolve().parents[2] / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(int(height) + 140, 8000))
        assert driver.save_screenshot(str(shots / "sd-jwt-vc-sv.png"))
        print(f"screenshot: {shots / 'sd-jwt-vc-sv.png'}")
    finally:
        driver.quit()


@pytest.mark.parametrize(
    "body",
    [
        "a.b.c~",
        "eyJhbGciOiJub25lIn0.eyJ2Y3QiOiJ4In0.~",
        ISSUED.split("~")[0] + "~WyJhIiwiYiJd~",  # a disclosure that matches no digest
        ISSUED.split("~")[0] + "~" + "~".join(["WyJhIiwiYiIsMV0"] * 5000) + "~",
        ISSUED.replace("~", "~~", 1),
        ISSUED + "not-a-kb-jwt",
    ],
    ids=["garbage", "alg-none", "unmatched", "many", "empty-disclosure", "bad-kb"],
)
def test_a_hostile_sd_jwt_gets_a_report_or_a_problem_never_a_500(
    client: TestClient, body: str
) -> None:
    for response in (
        client.post("/verifier/report", content=body.encode()),
        _verify(client, body),
    ):
        assert response.status_code in (200, 400, 413), response.text
        answer = response.json()
        assert "Traceback" not in response.text
        if "report" in answer:
            assert answer["report"]["verified"] is False
            assert answer["microCredential"] is None
        elif "verified" in answer:
            assert answer["verified"] is False
