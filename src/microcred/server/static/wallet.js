// The verifier page's "request from a wallet" mode: asks the server for an OpenID4VP request
// (POST /verifier/wallet-request), shows its QR code, polls the request's result and shows
// it. Shown only when the service has the verifier (GET /verifier/wallet). What comes from
// the wallet is untrusted and only ever put into the page as text (textContent).
"use strict";

(function () {
  const TEXT = {
    en: {
      heading: "Request from a wallet",
      intro: "Ask the holder's wallet for an EU micro-credential: its title, ECTS credits and issuer, and nothing else. Scan the code with the wallet (OpenID4VP).",
      button: "Ask a wallet",
      again: "Ask again",
      link: "Open in a wallet on this device",
      qr: "QR code of the request to the wallet",
      waiting: "Waiting for the wallet…",
      verified: "Verified: the wallet presented the credential",
      rejected: "Not accepted: the presentation did not verify",
      error: "The wallet declined or failed",
      expired: "The request expired before the wallet answered",
      failed: "The request could not be made",
      "path:credentialSubject.achievement.name": "Title",
      "path:credentialSubject.achievement.ECTS": "ECTS credits",
      "path:issuer.name": "Issuer",
      issuerKey: "Signed by"
    },
    sv: {
      heading: "Begär från en plånbok",
      intro: "Be innehavarens plånbok om ett EU-mikromeritintyg: dess titel, ECTS-poäng och utfärdare, och inget annat. Skanna koden med plånboken (OpenID4VP).",
      button: "Fråga en plånbok",
      again: "Fråga igen",
      link: "Öppna i en plånbok på den här enheten",
      qr: "QR-kod för begäran till plånboken",
      waiting: "Väntar på plånboken …",
      verified: "Verifierat: plånboken visade upp intyget",
      rejected: "Inte godtaget: presentationen kunde inte verifieras",
      error: "Plånboken avböjde eller fick ett fel",
      expired: "Begäran gick ut innan plånboken svarade",
      failed: "Begäran kunde inte skapas",
      "path:credentialSubject.achievement.name": "Titel",
      "path:credentialSubject.achievement.ECTS": "ECTS-poäng",
      "path:issuer.name": "Utfärdare",
      issuerKey: "Signerat av"
    }
  };
  const POLL_MS = 1500;
  let state = null; // {id, expires, result}
  let timer = null;

  function lang() {
    return document.documentElement.lang === "sv" ? "sv" : "en";
  }

  function t(key) {
    return TEXT[lang()][key] || TEXT.en[key] || key;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function shown(value) {
    if (value === null || typeof value !== "object") return String(value);
    return JSON.stringify(value);
  }

  function renderResult(live, result) {
    const good = result.status === "verified";
    const box = el("div", "wallet-status " + (good ? "ok" : "bad"));
    box.id = "wallet-verdict";
    box.setAttribute("data-status", result.status);
    box.appendChild(el("p", "wallet-verdict-title", (good ? "✓ " : "✗ ") + t(result.status)));
    Object.keys(result.credentials || {}).forEach(function (queryId) {
      (result.credentials[queryId] || []).forEach(function (entry) {
        const list = el("dl", "wallet-claims");
        (entry.claims || []).forEach(function (claim) {
          const key = "path:" + (claim.path || []).join(".");
          list.appendChild(el("dt", "", TEXT.en[key] ? t(key) : (claim.path || []).join(".")));
          list.appendChild(el("dd", "", shown(claim.value)));
        });
        if (entry.issuer) {
          list.appendChild(el("dt", "", t("issuerKey")));
          list.appendChild(el("dd", "wallet-issuer", entry.issuer));
        }
        box.appendChild(list);
      });
    });
    if (!good && Array.isArray(result.errors) && result.errors.length) {
      const errors = el("ul", "wallet-errors");
      result.errors.slice(0, 10).forEach(function (message) {
        errors.appendChild(el("li", "", message));
      });
      box.appendChild(errors);
    }
    live.appendChild(box);
  }

  function render() {
    const live = document.getElementById("wallet-live");
    while (live.firstChild) live.removeChild(live.firstChild);
    document.querySelectorAll("[data-wallet-i18n]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-wallet-i18n"));
    });
    document.getElementById("wallet-qr").alt = t("qr");
    if (state === null) return;
    if (state.failed) {
      live.appendChild(el("p", "wallet-status bad", t("failed")));
    } else if (state.result && state.result.status !== "pending") {
      renderResult(live, state.result);
      document.getElementById("wallet-button").textContent = t("again");
    } else if (state.expired) {
      live.appendChild(el("p", "wallet-status bad", t("expired")));
    } else {
      live.appendChild(el("p", "wallet-status busy", t("waiting")));
    }
  }

  function poll() {
    const current = state;
    if (!current || current.result && current.result.status !== "pending") return;
    if (Date.now() / 1000 > current.expires) {
      current.expired = true;
      render();
      return;
    }
    fetch("/oid4vp/requests/" + encodeURIComponent(current.id) + "/result", {cache: "no-store"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (result) {
        if (state !== current) return;
        if (result && result.status !== "pending") {
          current.result = result;
          document.getElementById("wallet-request").hidden = true;
          render();
        } else {
          timer = setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () { timer = setTimeout(poll, POLL_MS); });
  }

  function ask() {
    clearTimeout(timer);
    fetch("/verifier/wallet-request", {method: "POST"})
      .then(function (answer) {
        if (!answer.ok) throw new Error("request refused");
        return answer.json();
      })
      .then(function (created) {
        state = {id: created.id, expires: created.expires, result: null};
        document.getElementById("wallet-qr").src = created.qr_svg;
        document.getElementById("wallet-link").href = created.uri;
        document.getElementById("wallet-request").hidden = false;
        render();
        timer = setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        state = {failed: true};
        render();
      });
  }

  function start() {
    fetch("/verifier/wallet", {cache: "no-store"}).then(function (answer) {
      if (!answer.ok) return;
      document.getElementById("wallet-section").hidden = false;
      document.getElementById("wallet-button").addEventListener("click", ask);
      // the page's language switch sets <html lang>: follow it
      new MutationObserver(render).observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
      render();
    }).catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
