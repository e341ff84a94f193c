"""The verifier page's "request from a wallet" mode in a real browser (Debian's chromium,
headless, selenium) against a ``microcred serve`` with the OpenID4VP verifier: the page shows
the request's QR code, a wallet (microcred's holder helper) answers it, and the page shows
the verified result, in English and Swedish.

The screenshots of both steps are written to ``build/screenshots/`` (``ask-a-wallet-qr.png``,
``ask-a-wallet-result.png``); ``docs/images/`` has copies for ``docs/ask-a-wallet.md``.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")
pytest.importorskip("uvicorn", reason="the [server] extra is not installed")
pytest.importorskip("selenium", reason="selenium (the browser test driver) is not installed")

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from tests.oid4vp._fixtures import HOLDER, SD_JWT_VC

from microcred.oid4vp import answer_request, read_request
from microcred.server import ServerConfig, bind
from microcred.server._oid4vp import ephemeral_settings

from .conftest import serving
from .test_page_browser import ROOT, SCREENSHOTS, WAIT, _chromium, _open

DOC_IMAGES = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    sock = bind("127.0.0.1", 0)
    base = f"http://localhost:{sock.getsockname()[1]}"
    with serving(ServerConfig.ephemeral(oid4vp=ephemeral_settings(base)), sock=sock):
        yield base


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with _chromium(tmp_path / "chromium-profile") as driver:
        yield driver


def _shot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    """A screenshot of the wallet section, to tmp_path and build/screenshots."""
    section = driver.find_element(By.ID, "wallet-section")
    driver.execute_script("arguments[0].scrollIntoView()", section)
    attached = tmp_path / f"{name}.png"
    assert section.screenshot(str(attached))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kept = SCREENSHOTS / f"{name}.png"
    kept.write_bytes(attached.read_bytes())
    print(f"screenshot: {kept}")
    return kept


def _wallet_answers(uri: str) -> None:
    """What a wallet does with the scanned URI: fetch the signed request, present the
    EU micro-credential, post the answer."""

    def fetch(url: str) -> str:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return str(answer.read().decode())

    params = read_request(uri, fetch=fetch)
    form = answer_request(params, {"micro_credential": SD_JWT_VC}, HOLDER)
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(
        urllib.request.Request(params["response_uri"], data=data), timeout=30
    ) as answer:
        assert answer.status == 200


def test_the_page_asks_a_wallet_shows_the_qr_code_then_the_result(
    browser: WebDriver, base_url: str, tmp_path: Path
) -> None:
    _open(browser, base_url)
    section = WebDriverWait(browser, WAIT).until(
        lambda d: (
            d.find_element(By.ID, "wallet-section").is_displayed()
            and d.find_element(By.ID, "wallet-section")
        )
    )
    assert section.find_element(By.TAG_NAME, "h2").text == "Request from a wallet"
    browser.find_element(By.ID, "wallet-button").click()
    qr = WebDriverWait(browser, WAIT).until(
        lambda d: (
            d.find_element(By.ID, "wallet-qr").is_displayed() and d.find_element(By.ID, "wallet-qr")
        )
    )
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.get_attribute("alt") == "QR code of the request to the wallet"
    assert browser.find_element(By.ID, "wallet-live").text == "Waiting for the wallet…"
    _shot(browser, tmp_path, "ask-a-wallet-qr")
    uri = browser.find_element(By.ID, "wallet-link").get_attribute("href")
    assert uri.startswith("openid4vp://?client_id=x509_san_dns%3Alocalhost&request_uri=")
    _wallet_answers(uri)
    verdict = WebDriverWait(browser, WAIT).until(
        lambda d: (
            d.find_elements(By.ID, "wallet-verdict") and d.find_element(By.ID, "wallet-verdict")
        )
    )
    assert verdict.get_attribute("data-status") == "verified"
    assert verdict.find_element(By.CLASS_NAME, "wallet-verdict-title").text.startswith("✓ Verified")
    terms = [dt.text for dt in verdict.find_elements(By.TAG_NAME, "dt")]
    values = [dd.text for dd in verdict.find_elements(By.TAG_NAME, "dd")]
    assert terms[:3] == ["Title", "ECTS credits", "Issuer"]
    assert values[0] == "Grundläggande maskininlärning"
    assert values[2] == "Exempeluniversitetet"
    assert not browser.find_element(By.ID, "wallet-qr").is_displayed()  # used up: hidden
    browser.find_element(By.CSS_SELECTOR, ".lang-button[data-lang='sv']").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.CLASS_NAME, "wallet-verdict-title").text.startswith(
            "✓ Verifierat"
        )
    )
    assert [dt.text for dt in browser.find_elements(By.CSS_SELECTOR, "#wallet-verdict dt")][:3] == [
        "Titel",
        "ECTS-poäng",
        "Utfärdare",
    ]
    browser.find_element(By.CSS_SELECTOR, ".lang-button[data-lang='en']").click()
    _shot(browser, tmp_path, "ask-a-wallet-result")


def test_the_docs_have_the_screenshots() -> None:
    for name in ("ask-a-wallet-qr.png", "ask-a-wallet-result.png"):
        assert (DOC_IMAGES / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
