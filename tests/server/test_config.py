"""Server configuration: routes per key and suite, the configuration file, loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the [server] extra is not installed")

import microcred as mc
from microcred.server import ConfigError, IssuerRoute, ServerConfig, is_loopback, load_config


def test_routes_per_suite_and_key_type() -> None:
    ed, p256, p384 = (mc.keys.generate(t) for t in ("Ed25519", "P-256", "P-384"))
    config = ServerConfig.from_keys([ed, p256, p384])
    by_name = {route.name: route for route in config.issuers}
    assert by_name["eddsa-rdfc-2022"].key is ed
    assert by_name["ecdsa-rdfc-2019"].key is p256  # the first key that fits
    assert by_name["ecdsa-rdfc-2019/p-384"].key is p384
    assert by_name["ecdsa-jcs-2019/p-256"].key is p256
    assert config.issuers[0].name == "eddsa-rdfc-2022"
    assert "Ed25519Signature2020" in by_name  # legacy suites come after the current ones
    assert [r.name for r in config.issuers].index("Ed25519Signature2020") > 1


def test_routes_refuse_keys_that_do_not_fit_and_odd_names() -> None:
    ed = mc.keys.generate("Ed25519")
    with pytest.raises(ConfigError, match="cannot sign ecdsa-rdfc-2019"):
        IssuerRoute("x", "ecdsa-rdfc-2019", ed)
    with pytest.raises(ConfigError, match="not a suite microcred signs with"):
        IssuerRoute("x", "eddsa-2022", ed)
    assert IssuerRoute("vc2.0", "eddsa-rdfc-2022", ed).name == "vc2.0"
    for name in ("", "/x", "x/", "a//b", "a b", "å", "a/../b", "./a"):
        with pytest.raises(ConfigError):
            IssuerRoute(name, "eddsa-rdfc-2022", ed)
    public_only = mc.keys.KeyPair.from_jwk(ed.public_jwk())
    with pytest.raises(ConfigError, match="no private part"):
        IssuerRoute("x", "eddsa-rdfc-2022", public_only)
    with pytest.raises(ConfigError, match="used twice"):
        ServerConfig(issuers=(IssuerRoute("a", "eddsa-rdfc-2022", ed),) * 2)


def test_configuration_file(tmp_path: Path) -> None:
    ed, p384 = mc.keys.generate("Ed25519"), mc.keys.generate("P-384")
    (tmp_path / "ed.json").write_text(json.dumps(ed.private_jwk()))
    (tmp_path / "p384.json").write_text(json.dumps(p384.private_jwk()))
    (tmp_path / "did.json").write_text(json.dumps({"id": "did:web:example.org"}))
    (tmp_path / "serve.json").write_text(
        json.dumps(
            {
                "issuers": [
                    {"route": "university", "suite": "eddsa-jcs-2022", "key": "ed.json"},
                    {
                        "route": "bare",
                        "suite": "eddsa-jcs-2022",
                        "key": "ed.json",
                        "envelope": False,
                    },
                ],
                "keys": ["p384.json"],
                "controller_documents": ["did.json"],
                "max_request_bytes": 4096,
                "page": False,
            }
        )
    )
    config = load_config(tmp_path / "serve.json")
    assert [r.name for r in config.issuers][:3] == ["university", "bare", "ecdsa-rdfc-2019"]
    assert config.route("bare") is not None
    assert config.route("bare").envelope is False  # type: ignore[union-attr]
    assert config.max_request_bytes == 4096
    assert config.page is False
    assert config.controller_documents[0]["id"] == "did:web:example.org"
    (tmp_path / "empty.json").write_text("{}")
    assert load_config(tmp_path / "empty.json").ephemeral_keys
    (tmp_path / "bad.json").write_text('{"issuers": [{"route": "u", "suite": "eddsa-rdfc-2022"}]}')
    with pytest.raises(ConfigError, match="needs route, suite and key"):
        load_config(tmp_path / "bad.json")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.2", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_status_lists_and_inline_contexts_in_the_configuration_file(tmp_path: Path) -> None:
    key = mc.keys.generate("Ed25519")
    url = "https://issuer.example/status/1"
    unsigned = mc.status.status_list_credential(key.did, url, mc.status.Bitstring.new())
    listed = mc.issue(unsigned, key)
    _write(tmp_path, "list.json", listed)
    _write(tmp_path, "list.jwt", mc.issue(unsigned, key, format="jwt"))
    lists = {url: "list.json", url + "-jwt": "list.jwt"}
    members = {"status_lists": lists, "allow_inline_contexts": True}
    config = load_config(_write(tmp_path, "serve.json", members))
    assert config.allow_inline_contexts is True
    assert config.status_lists == (
        (url, tmp_path / "list.json"),
        (url + "-jwt", tmp_path / "list.jwt"),
    )
    fetcher = config.status_fetcher()
    assert fetcher is not None
    assert fetcher.fetch(url + "#5") == listed  # the fragment names an entry, not the list
    assert isinstance(fetcher.fetch(url + "-jwt"), str)  # a compact JWT, verified when used
    with pytest.raises(mc.errors.FetchError, match="no status list"):
        fetcher.fetch("https://issuer.example/status/2")
    defaults = load_config(_write(tmp_path, "defaults.json", {}))
    assert defaults.allow_inline_contexts is False
    assert defaults.status_fetcher() is None


def _write(folder: Path, name: str, content: object) -> Path:
    (folder / name).write_text(json.dumps(content) if not isinstance(content, str) else content)
    return folder / name


@pytest.mark.parametrize(
    ("members", "files", "message"),
    [
        ({"status_lists": ["list.json"]}, {}, "status_lists must map status-list URLs"),
        ({"status_lists": {"https://x.example/s": 1}}, {}, "status_lists must map"),
        ({"status_lists": {"status-1": "list.json"}}, {}, "'status-1' is not an absolute URL"),
        (
            {"status_lists": {"https://x.example/s": "missing.json"}},
            {},
            r"cannot read status list file .*missing\.json for https://x\.example/s",
        ),
        (
            {"status_lists": {"https://x.example/s": "list.json"}},
            {"list.json": "{not json"},
            r"status list file .*list\.json for https://x\.example/s: .*JSON",
        ),
        ({"allow_inline_contexts": "yes"}, {}, "allow_inline_contexts must be true or false"),
    ],
)
def test_bad_status_lists_and_inline_contexts_are_config_errors(
    tmp_path: Path, members: dict[str, object], files: dict[str, str], message: str
) -> None:
    for name, content in files.items():
        _write(tmp_path, name, content)
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, "serve.json", members))
