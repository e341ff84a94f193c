"""What a ``microcred serve`` instance issues with and trusts: routes, keys, limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _json
from ..errors import MicrocredError
from ..jsonld import StaticLoader
from ..keys import KeyPair, generate
from ..limits import DEFAULT_LIMITS, Limits
from ..proofs import SIGNING_SUITES, suite_by_name
from ..status import ChainStatusLists, StaticStatusLists, StatusListFetcher

__all__ = ["ConfigError", "IssuerRoute", "ServerConfig", "load_config"]

#: Requests larger than this are refused with 413 unless the configuration says otherwise.
DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024


class ConfigError(ValueError):
    """The server configuration (file or arguments) is unusable; the message says why."""


@dataclass(frozen=True)
class IssuerRoute:
    """One issuing endpoint: ``POST /{name}/credentials/issue`` signs with ``key`` and ``suite``.

    Attributes:
        name: the route's path segment(s), e.g. ``"eddsa-rdfc-2022"`` or
            ``"ecdsa-rdfc-2019/p-384"`` (ASCII letters, digits, ``-``, ``.``, ``_`` and ``/``).
        suite: the Data Integrity cryptosuite it signs with.
        key: the issuer's key pair; the issuer is the key's controller DID.
        envelope: answer ``{"verifiableCredential": ...}`` as the VC API says (default), or
            the bare credential, for clients that expect that (the W3C VC 2.0 test suite
            does over plain HTTP).
    """

    name: str
    suite: str
    key: KeyPair
    envelope: bool = True

    def __post_init__(self) -> None:
        if not self.name or any(
            not (c.isascii() and (c.isalnum() or c in "-._/")) for c in self.name
        ):
            raise ConfigError(
                f"route name {self.name!r}: use letters, digits, '-', '.', '_' and '/'"
            )
        if any(part in (".", "..") for part in self.name.split("/")):
            raise ConfigError(f"route name {self.name!r}: no '.' or '..' segments")
        if self.name.startswith("/") or self.name.endswith("/") or "//" in self.name:
            raise ConfigError(f"route name {self.name!r} must not start or end with '/'")
        if self.suite not in SIGNING_SUITES:
            raise ConfigError(
                f"route {self.name}: {self.suite!r} is not a suite microcred signs with "
                f"({', '.join(SIGNING_SUITES)})"
            )
        if self.key.key_type not in suite_by_name(self.suite).key_types:
            raise ConfigError(
                f"route {self.name}: a {self.key.key_type} key cannot sign {self.suite}"
            )
        if not self.key.has_private_key:
            raise ConfigError(f"route {self.name}: the key has no private part")

    def describe(self) -> dict[str, str]:
        """The route as ``GET /issuers`` lists it (no key material)."""
        return {
            "route": self.name,
            "endpoint": f"/{self.name}/credentials/issue",
            "suite": self.suite,
            "issuer": self.key.did,
            "verificationMethod": self.key.verification_method,
            "keyType": self.key.key_type,
            "response": "envelope" if self.envelope else "credential",
        }


def suites_for(key: KeyPair) -> list[str]:
    """The suites microcred signs with that take ``key``'s type (legacy suites last)."""
    fitting = [n for n in SIGNING_SUITES if key.key_type in suite_by_name(n).key_types]
    return sorted(fitting, key=lambda n: suite_by_name(n).legacy)


def routes_for_keys(keys: Sequence[KeyPair]) -> list[IssuerRoute]:
    """Routes for ``keys``: ``{suite}`` for the first key that fits each suite, and
    ``{suite}/{key type}`` (``eddsa-rdfc-2022/ed25519``, ``ecdsa-rdfc-2019/p-384``) for the
    first key of each type."""
    routes: list[IssuerRoute] = []
    taken: set[str] = set()
    for key in keys:
        for suite in suites_for(key):
            for name in (suite, f"{suite}/{key.key_type.lower()}"):
                if name not in taken:
                    taken.add(name)
                    routes.append(IssuerRoute(name, suite, key))
    return routes


@dataclass(frozen=True)
class ServerConfig:
    """Everything a server instance needs; build one with :meth:`from_keys`,
    :meth:`ephemeral` or :func:`load_config`.

    Attributes:
        issuers: the issuing routes. The first one also answers ``POST /credentials/issue``.
        controller_documents: DID or controller documents trusted when verifying (for
            ``https:`` and ``did:web`` verification methods, which are never fetched).
        max_request_bytes: larger request bodies are refused with 413.
        limits: processing limits applied to every credential.
        page: serve the verifier page at ``/``.
        ephemeral_keys: the keys were generated at start-up (the issuers change at restart).
        context_files: ``(url, path)`` pairs: JSON-LD contexts microcred does not ship, served
            from these files (a context the manifest knows must match its published hash).
        status_lists: ``(url, path)`` pairs: the status-list credentials (JSON, or a compact
            JWT) published at ``url``, read from ``path``; a credential's ``credentialStatus``
            is checked against them (see :meth:`status_fetcher`). A credential whose status
            list is not among them is *indeterminate* (the service never fetches one).
        allow_inline_contexts: accept embedded JSON-LD context objects (``@context`` entries
            that are objects, and only add terms) when issuing and verifying; off by default
            (the strict reading rule, ``docs/verification.md``).
    """

    issuers: tuple[IssuerRoute, ...] = ()
    controller_documents: tuple[Mapping[str, Any], ...] = ()
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    limits: Limits = field(default=DEFAULT_LIMITS)
    page: bool = True
    ephemeral_keys: bool = False
    context_files: tuple[tuple[str, Path], ...] = ()
    status_lists: tuple[tuple[str, Path], ...] = ()
    allow_inline_contexts: bool = False

    def __post_init__(self) -> None:
        names = [route.name for route in self.issuers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(f"route names used twice: {', '.join(duplicates)}")
        if self.max_request_bytes < 1024:
            raise ConfigError("max_request_bytes must be at least 1024")

    @classmethod
    def from_keys(cls, keys: Iterable[KeyPair], **options: Any) -> ServerConfig:
        """Routes for every suite each key can sign with (see :func:`routes_for_keys`)."""
        return cls(issuers=tuple(routes_for_keys(list(keys))), **options)

    @classmethod
    def ephemeral(cls, **options: Any) -> ServerConfig:
        """Fresh Ed25519, P-256 and P-384 keys (did:key): for trying the service and for
        test suites, never for credentials anyone should keep."""
        keys = [generate("Ed25519"), generate("P-256"), generate("P-384")]
        return cls(issuers=tuple(routes_for_keys(keys)), ephemeral_keys=True, **options)

    def loader(self) -> StaticLoader:
        """A loader serving the vendored contexts plus :attr:`context_files`.

        Raises:
            ConfigError: a context file is unreadable or does not match the known hash.
        """
        loader = StaticLoader()
        for url, path in self.context_files:
            try:
                loader.add_file(url, path)
            except OSError as exc:
                raise ConfigError(f"context file {path}: {exc.strerror or exc}") from None
            except (MicrocredError, ValueError) as exc:
                raise ConfigError(f"context file {path} for {url}: {exc}") from None
        return loader

    def status_fetcher(self) -> StatusListFetcher | None:
        """The status lists of :attr:`status_lists`, read now (``None`` when there are none:
        then every credential with a ``credentialStatus`` is indeterminate).

        Raises:
            ConfigError: a file is unreadable, over ``limits.max_input_bytes``, or neither
                JSON nor a compact JWT (the message names the file and its URL).
        """
        if not self.status_lists:
            return None
        lists: list[StatusListFetcher] = []
        for url, path in self.status_lists:
            try:
                lists.append(StaticStatusLists.from_files({url: path}, limits=self.limits))
            except OSError as exc:
                raise ConfigError(
                    f"cannot read status list file {path} for {url}: {exc.strerror or exc}"
                ) from None
            except (MicrocredError, ValueError) as exc:
                raise ConfigError(f"status list file {path} for {url}: {exc}") from None
        return ChainStatusLists(*lists)

    def route(self, name: str) -> IssuerRoute | None:
        """The issuing route called ``name``, if configured."""
        return next((r for r in self.issuers if r.name == name), None)


def _read_json(path: Path, what: str) -> Any:
    try:
        return _json.loads(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except MicrocredError as exc:
        raise ConfigError(f"{what} {path} is not valid JSON: {exc}") from None


def read_key_file(path: Path) -> KeyPair:
    """A private JWK file, as ``microcred keygen`` writes it."""
    try:
        return KeyPair.from_private_jwk_bytes(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read key file {path}: {exc.strerror or exc}") from None
    except MicrocredError as exc:
        raise ConfigError(f"key file {path}: {exc}") from None


_CONFIG_MEMBERS = {
    "keys",
    "issuers",
    "controller_documents",
    "contexts",
    "max_request_bytes",
    "page",
    "status_lists",
    "allow_inline_contexts",
}


def load_config(path: Path, *, extra_keys: Sequence[KeyPair] = ()) -> ServerConfig:
    """Read a JSON configuration file. Paths in it are relative to the file. Members (all
    optional)::

        {"keys": ["ed25519.json", "p384.json"],          # routes per suite, as --key
         "issuers": [{"route": "university", "suite": "eddsa-rdfc-2022",
                      "key": "ed25519.json",
                      "envelope": true}],               # routes named by you, listed first
         "controller_documents": ["issuer-did.json"],
         "contexts": {"https://www.w3.org/ns/credentials/examples/v2": "examples-v2.jsonld"},
         "status_lists": {"https://example.org/status/1": "status-1.json"},
         "allow_inline_contexts": false,
         "max_request_bytes": 2097152,
         "page": true}

    ``status_lists`` maps a status-list URL to the file holding that list credential (JSON or a
    compact JWT), read now; ``allow_inline_contexts`` accepts embedded context objects when
    issuing and verifying (default false).

    ``extra_keys`` (from ``--key``) add routes after the file's. With no key at all the
    configuration is :meth:`ServerConfig.ephemeral`.

    Raises:
        ConfigError: unreadable file, unknown member, a bad key, route or status list.
    """
    data = _read_json(path, "configuration file")
    if not isinstance(data, dict):
        raise ConfigError(f"configuration file {path} must hold a JSON object")
    unknown = sorted(set(data) - _CONFIG_MEMBERS)
    if unknown:
        raise ConfigError(f"{path}: unknown member(s) {', '.join(unknown)}")
    base = path.parent

    def paths(member: str) -> list[Path]:
        value = data.get(member, [])
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ConfigError(f"{path}: {member} must be a list of file names")
        return [base / p for p in value]

    named: list[IssuerRoute] = []
    entries = data.get("issuers", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: issuers must be a list")
    for entry in entries:
        if not isinstance(entry, dict) or not (
            {"route", "suite", "key"} <= set(entry) <= {"route", "suite", "key", "envelope"}
        ):
            raise ConfigError(
                f"{path}: each issuer needs route, suite and key (and may have envelope)"
            )
        if not all(isinstance(entry[k], str) for k in ("route", "suite", "key")):
            raise ConfigError(f"{path}: issuer route, suite and key are strings")
        envelope = entry.get("envelope", True)
        if not isinstance(envelope, bool):
            raise ConfigError(f"{path}: issuer envelope must be true or false")
        key = read_key_file(base / entry["key"])
        named.append(IssuerRoute(entry["route"], entry["suite"], key, envelope))
    keys = [read_key_file(p) for p in paths("keys")] + list(extra_keys)
    routes = named + [r for r in routes_for_keys(keys) if r.name not in {n.name for n in named}]
    documents = []
    for doc_path in paths("controller_documents"):
        document = _read_json(doc_path, "controller document")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise ConfigError(f"controller document {doc_path} needs a string id")
        documents.append(document)
    contexts = data.get("contexts", {})
    if not isinstance(contexts, dict) or not all(isinstance(v, str) for v in contexts.values()):
        raise ConfigError(f"{path}: contexts must map context URLs to file names")
    lists = data.get("status_lists", {})
    if not isinstance(lists, dict) or not all(isinstance(v, str) and v for v in lists.values()):
        raise ConfigError(f"{path}: status_lists must map status-list URLs to file names")
    bad_urls = sorted(url for url in lists if ":" not in url)
    if bad_urls:
        raise ConfigError(f"{path}: status_lists: {bad_urls[0]!r} is not an absolute URL")
    options: dict[str, Any] = {
        "controller_documents": tuple(documents),
        "context_files": tuple((url, base / name) for url, name in contexts.items()),
        "status_lists": tuple((url, base / name) for url, name in lists.items()),
    }
    if "max_request_bytes" in data:
        size = data["max_request_bytes"]
        if not isinstance(size, int) or isinstance(size, bool):
            raise ConfigError(f"{path}: max_request_bytes must be an integer")
        options["max_request_bytes"] = size
    if "page" in data:
        if not isinstance(data["page"], bool):
            raise ConfigError(f"{path}: page must be true or false")
        options["page"] = data["page"]
    if "allow_inline_contexts" in data:
        if not isinstance(data["allow_inline_contexts"], bool):
            raise ConfigError(f"{path}: allow_inline_contexts must be true or false")
        options["allow_inline_contexts"] = data["allow_inline_contexts"]
    if not routes:
        config = ServerConfig.ephemeral(**options)
    else:
        config = ServerConfig(issuers=tuple(routes), **options)
    config.status_fetcher()  # fail now, not at the first request, on a bad status list file
    return config
