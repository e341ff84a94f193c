"""The service and the verifier page with a JAdES-sealed European Digital Credential: the
verify endpoint's answer carries the seal (holder, country, qualified or not) and the JAdES
level, and the page shows the seal holder's name and country, qualified or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("httpx2", reason="httpx2 (the ASGI test client's HTTP library) is absent")

from starlette.testclient import TestClient
from tests.edc._samples import ANNEX

import microcred as mc
from microcred.server import ServerConfig, create_app

KEY = mc.keys.generate("Ed25519")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServerConfig.from_keys([KEY])), raise_server_exceptions=False) as c:
        yield c


def test_the_verify_endpoint_answers_with_the_seal(
    client: TestClient, shared_standards: Path
) -> None:
    """The service is given no trust anchors: the seal cannot be anchored (indeterminate, a
    400 problem), and the answer still says who the certificate names."""
    sealed = (shared_standards / ANNEX).read_text(encoding="utf-8")
    response = client.post("/credentials/verify", json={"verifiableCredential": json.loads(sealed)})
    assert response.status_code == 400
    body = response.json()
    report = body.get("report", body)
    assert report["format"] == "jades"
    assert report["outcome"] == "indeterminate"
    assert report["jades_level"] == "B-B"
    assert report["seal"]["holder"] == "ORGANIZACION TEST"
    assert report["seal"]["country"] == "ES"
    assert report["seal"]["qualified"] is True
    assert "jades.chain" in {e["id"] for e in report["errors"]}


def test_the_page_report_carries_the_seal_and_the_annex_table(
    client: TestClient, shared_standards: Path
) -> None:
    response = client.post("/verifier/report", content=(shared_standards / ANNEX).read_bytes())
    assert response.status_code == 200
    page = response.json()
    assert page["report"]["seal"]["holder"] == "ORGANIZACION TEST"
    rows = {row["element"]: row for row in page["microCredential"]["elements"]}
    assert rows["title of the micro-credential"]["value"] == "Digital micro-credential creation"


# --------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    pytest.importorskip("uvicorn", reason="the [server] extra is not installed")
    from .conftest import serving

    with serving(ServerConfig.from_keys([KEY])) as url:
        yield url


@pytest.mark.parametrize(
    ("language", "holder", "country", "qualified"),
    [
        ("en-GB", "Sealed by ORGANIZACION TEST", "Country: ES", "Qualified certificate: yes"),
        ("sv-SE", "Stämplat av ORGANIZACION TEST", "Land: ES", "Kvalificerat certifikat: ja"),
    ],
)
def test_the_page_shows_the_seal_holder_country_and_qualified(
    base_url: str,
    shared_standards: Path,
    tmp_path: Path,
    language: str,
    holder: str,
    country: str,
    qualified: str,
) -> None:
    page_browser = pytest.importorskip("tests.server.test_page_browser")
    from selenium.webdriver.common.by import By

    if not (page_browser.CHROMIUM.exists() and page_browser.CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromedriver are not installed")
    sealed = (shared_standards / ANNEX).read_text(encoding="utf-8")
    with page_browser._chromium(tmp_path / "profile", language) as driver:
        page_browser._open(driver, base_url)
        page_browser._paste(driver, sealed)
        page_browser._verdict(driver)
        box = driver.find_element(By.ID, "seal")
        assert driver.find_element(By.CSS_SELECTOR, "#seal-holder strong").text == holder
        assert driver.find_element(By.ID, "seal-country").text == country
        found = driver.find_element(By.ID, "seal-qualified")
        assert found.text.startswith(qualified)
        assert found.get_attribute("data-qualified") == "yes"
        assert "B-B" in driver.find_element(By.ID, "seal-level").text
        assert box.is_displayed()
