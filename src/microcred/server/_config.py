"""What a ``microcred serve`` instance issues with and trusts: routes, keys, limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import _json
from .._store import StoreError, open_store
from ..errors import ConfigError, MicrocredError
from ..jsonld import StaticLoader
from ..keys import KeyPair, generate
from ..limits import DEFAULT_LIMITS, Limits
from ..proofs import SIGNING_SUITES, suite_by_name
from ..status import MIN_LIST_BITS, ChainStatusLists, StaticStatusLists, StatusListFetcher

if TYPE_CHECKING:
    from ..verify import IssuerRegistry, TrustList
    from ._oid4vp import Oid4vpSettings

__all__ = ["ConfigError", "IssuerRoute", "ServerConfig", "StatusSettings", "load_config"]

#: Requests larger than this are refused with 413 unless the configuration says otherwise.
DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024


#: The status purposes a route can give credentials (1-bit Bitstring Status Lists).
STATUS_PURPOSES = ("revocation", "suspension")
#: The shortest bearer token accepted for ``POST /credentials/status``.
MIN_TOKEN_CHARS = 16
#: The largest list the service keeps (entries): 8 Mi entries, a 1 MiB bitstring.
MAX_LIST_BITS = 8 * 1024 * 1024
#: The SQLite file ``load_config`` keeps the state in when the file names no ``store``.
DEFAULT_STORE_FILE = "microcred-state.sqlite3"


@dataclass(frozen=True)
class StatusSettings:
    """The Bitstring Status Lists the service publishes and updates (``docs/server.md``).

    Attributes:
        base_url: the public URL the service is reached at (``https://issuer.example`` or
            ``https://issuer.example/vc``); each list is published at
            ``{base_url}/status-lists/{id}``, which is the list credential's ``id`` and every
            entry's ``statusListCredential``.
        token: the bearer token ``POST /credentials/status`` requires (at least 16
            characters; never logged nor shown).
        list_size: entries per list (at least 131,072, the specification's minimum for herd
            privacy); a full list is followed by a new one.
        ttl: the lists' ``ttl`` in milliseconds (how long a verifier may cache one), if any.
    """

    base_url: str
    token: str = field(repr=False)
    list_size: int = MIN_LIST_BITS
    ttl: int | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url) if isinstance(self.base_url, str) else None
        if (
            parts is None
            or parts.scheme not in ("https", "http")
            or not parts.netloc
            or parts.query
            or parts.fragment
        ):
            raise ConfigError(
                "status base_url must be the service's public http(s) URL, without a query "
                "or fragment (e.g. https://issuer.example)"
            )
        if not isinstance(self.token, str) or len(self.token) < MIN_TOKEN_CHARS:
            raise ConfigError(f"the status token must be at least {MIN_TOKEN_CHARS} characters")
        if not self.token.isprintable() or self.token != self.token.strip():
            raise ConfigError("the status token must be printable, without surrounding spaces")
        size = self.list_size
        if isinstance(size, bool) or not isinstance(size, int) or size < MIN_LIST_BITS:
            raise ConfigError(f"status list_size must be an integer of at least {MIN_LIST_BITS}")
        if size > MAX_LIST_BITS or size % 8:
            raise ConfigError(
                f"status list_size must be a multiple of 8 of at most {MAX_LIST_BITS}"
            )
        ttl = self.ttl
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0):
            raise ConfigError("status ttl must be a positive number of milliseconds")

    def list_url(self, list_id: str) -> str:
        """Where the list ``list_id`` is published."""
        return f"{self.base_url.rstrip('/')}/status-lists/{list_id}"

    def list_id(self, url: str) -> str | None:
        """The id of the list published at ``url`` (its fragment ignored), if it is one of
        this service's."""
        prefix = f"{self.base_url.rstrip('/')}/status-lists/"
        bare = url.split("#", 1)[0]
        if not bare.startswith(prefix):
            return None
        rest = bare[len(prefix) :]
        if not rest or len(rest) > 64:
            return None
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in rest):
            return None
        return rest


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
        status: the status purposes (``"revocation"``, ``"suspension"``) every credential
            issued on this route gets an entry for, in a list the service publishes
            (:class:`StatusSettings`); a request can ask for more (``options.credentialStatus``).
    """

    name: str
    suite: str
    key: KeyPair
    envelope: bool = True
    status: tuple[str, ...] = ()

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
        if not isinstance(self.status, tuple) or any(p not in STATUS_PURPOSES for p in self.status):
            raise ConfigError(
                f"route {self.name}: status purposes are {' and '.join(STATUS_PURPOSES)}"
            )
        if len(set(self.status)) != len(self.status):
            raise ConfigError(f"route {self.name}: a status purpose is named twice")

    def describe(self) -> dict[str, Any]:
        """The route as ``GET /issuers`` lists it (no key material)."""
        described: dict[str, Any] = {
            "route": self.name,
            "endpoint": f"/{self.name}/credentials/issue",
            "suite": self.suite,
            "issuer": self.key.did,
            "verificationMethod": self.key.verification_method,
            "keyType": self.key.key_type,
            "response": "envelope" if self.envelope else "credential",
        }
        if self.status:
            described["status"] = list(self.status)
        return described


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
        store: where the service keeps its state (the status lists it publishes): a SQLite
            file path, or a ``postgresql://`` URL (the ``[postgres]`` extra); ``None``: a
            private in-memory database, lost at exit and not shared between processes (one
            worker only).
        status: the status lists the service publishes and updates (``None``: none; issuing
            with a status is refused and ``POST /credentials/status`` is not served).
        trusted_issuers: the trust list every verification is given
            (``verify(trusted_issuers=...)``): what :func:`microcred.verify.load_trust_list`
            returns, or a mapping DID-or-domain → name; ``None``: none. An issuer on it is
            ``trust.issuer == "confirmed"`` with ``by: "list"`` and the list's name.
        registries: the issuer registries (DCC format) every verification is given
            (``verify(registries=...)``), as :func:`microcred.verify.load_registry` returns
            them.
        oid4vp: the OpenID4VP verifier (``server/_oid4vp.py``, ``docs/ask-a-wallet.md``):
            its :class:`~microcred.server._oid4vp.Oid4vpSettings`, from the ``oid4vp``
            section or ``serve --oid4vp``; ``None``: no ``/oid4vp`` routes.
        oid4vci: the OpenID4VCI issuer's settings (``server._oid4vci.Oid4vciSettings``, the
            file's ``oid4vci`` section or ``serve --oid4vci``); ``None``: not served.
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
    store: str | None = None
    status: StatusSettings | None = None
    trusted_issuers: Any = None
    registries: tuple[Any, ...] = ()
    oid4vci: Any = None
    oid4vp: Oid4vpSettings | None = None  # the OpenID4VP verifier (server/_oid4vp.py)

    def __post_init__(self) -> None:
        self._load_trust_sources()
        names = [route.name for route in self.issuers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(f"route names used twice: {', '.join(duplicates)}")
        if self.max_request_bytes < 1024:
            raise ConfigError("max_request_bytes must be at least 1024")
        if self.status is None:
            with_status = [r.name for r in self.issuers if r.status]
            if with_status:
                raise ConfigError(
                    f"route {with_status[0]} adds a credentialStatus, but the configuration "
                    "has no status section (status lists to publish)"
                )

    def _load_trust_sources(self) -> None:
        """Read ``trusted_issuers`` and ``registries`` now when given as paths, JSON or
        mappings, so that every verification uses the same objects and a bad source is a
        :class:`ConfigError` at start, never an error answer later."""
        if self.trusted_issuers is None and not self.registries:
            return
        from ..verify import load_registry, load_trust_list

        try:
            if self.trusted_issuers is not None:
                object.__setattr__(self, "trusted_issuers", load_trust_list(self.trusted_issuers))
            if isinstance(self.registries, (str, bytes, bytearray, PathLike, Mapping)):
                object.__setattr__(self, "registries", (self.registries,))
            loaded = tuple(load_registry(source) for source in self.registries)
            object.__setattr__(self, "registries", loaded)
        except (MicrocredError, ValueError, TypeError) as exc:
            raise ConfigError(f"trusted_issuers / registries: {exc}") from None

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

    def trust_options(self) -> dict[str, Any]:
        """The ``verify()`` arguments for the configured trust list and registries (``{}``
        when neither is configured)."""
        options: dict[str, Any] = {}
        if self.trusted_issuers is not None:
            options["trusted_issuers"] = self.trusted_issuers
        if self.registries:
            options["registries"] = list(self.registries)
        return options

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
    "store",
    "status",
    "trusted_issuers",
    "registries",
    "oid4vci",
    "oid4vp",
}
_STATUS_MEMBERS = {"base_url", "token", "token_file", "list_size", "ttl"}


def _status_settings(path: Path, value: Any) -> StatusSettings:
    """The ``status`` member of a configuration file."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: status must be a JSON object")
    unknown = sorted(set(value) - _STATUS_MEMBERS)
    if unknown:
        raise ConfigError(f"{path}: status: unknown member(s) {', '.join(unknown)}")
    if ("token" in value) == ("token_file" in value):
        raise ConfigError(f"{path}: status needs one of token and token_file")
    if "token_file" in value:
        if not isinstance(value["token_file"], str) or not value["token_file"]:
            raise ConfigError(f"{path}: status token_file must be a file name")
        token_path = path.parent / value["token_file"]
        try:
            token = token_path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise ConfigError(f"cannot read status token file {token_path}: {reason}") from None
    else:
        token = value["token"]
        if not isinstance(token, str):
            raise ConfigError(f"{path}: status token must be a string")
    if not isinstance(value.get("base_url"), str):
        raise ConfigError(f"{path}: status needs base_url (the service's public URL)")
    try:
        return StatusSettings(
            value["base_url"],
            token,
            list_size=value.get("list_size", MIN_LIST_BITS),
            ttl=value.get("ttl"),
        )
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _store_location(path: Path, value: Any) -> str:
    """The ``store`` member: a PostgreSQL URL as given, a file path relative to ``path``."""
    if not isinstance(value, str) or not value or "\x00" in value:
        raise ConfigError(f"{path}: store must be a file path or a postgresql:// URL")
    if value.startswith(("postgresql://", "postgres://")):
        return value
    if "://" in value and not value.startswith("sqlite:"):
        raise ConfigError(f"{path}: store must be a file path or a postgresql:// URL")
    if value.startswith("sqlite:"):
        value = urlsplit(value).path
        if not value:
            raise ConfigError(f"{path}: a sqlite store URL names a file (sqlite:///path)")
    return str(path.parent / value)


def _openable(path: Path, what: str) -> None:
    try:
        path.open("rb").close()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} file {path}: {exc.strerror or exc}") from None


def load_trust_list_file(path: Path) -> TrustList:
    """The trust list in ``path`` (``{"name": ..., "issuers": [{"id" | "domain", "name"}]}``,
    see :func:`microcred.verify.load_trust_list`), read and checked now; its ``name`` (else
    the file's name) is the ``source`` of the trust answers it confirms.

    Raises:
        ConfigError: the file is unreadable or is not a trust list (the message names it).
    """
    from ..verify import load_trust_list

    _openable(path, "trusted_issuers")
    try:
        return load_trust_list(path)
    except (MicrocredError, ValueError, TypeError) as exc:
        raise ConfigError(f"trusted_issuers file {path} is not a trust list: {exc}") from None


def load_registry_file(path: Path) -> IssuerRegistry:
    """The issuer registry in ``path`` (the Digital Credentials Consortium's format, see
    :func:`microcred.verify.load_registry`), read and checked now.

    Raises:
        ConfigError: the file is unreadable or is not a registry (the message names it).
    """
    from ..verify import load_registry

    _openable(path, "registry")
    try:
        return load_registry(path)
    except (MicrocredError, ValueError, TypeError) as exc:
        raise ConfigError(f"registry file {path} is not an issuer registry: {exc}") from None


def _protocol_sections(path: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of the file's ``oid4vci`` (docs/deliver-to-wallets.md) and ``oid4vp``
    (docs/ask-a-wallet.md) sections, each parsed by its own module (loaded only when the
    section is there); ``{}`` without them."""
    options: dict[str, Any] = {}
    try:
        if "oid4vci" in data:
            from ._oid4vci import parse_section

            options["oid4vci"] = parse_section(path, data["oid4vci"])
        if "oid4vp" in data:
            from ._oid4vp import parse_section as parse_oid4vp

            options["oid4vp"] = parse_oid4vp(path, data["oid4vp"], read_key=read_key_file)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return options


def _file_names(path: Path, data: Mapping[str, Any], member: str) -> list[Path]:
    """The files a list member names, relative to the configuration file ``path``.

    Raises:
        ConfigError: the member is not a list of strings.
    """
    value = data.get(member, [])
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ConfigError(f"{path}: {member} must be a list of file names")
    return [path.parent / p for p in value]


def _issuer_route(path: Path, entry: Any) -> IssuerRoute:
    """One ``issuers`` entry of the configuration file ``path``, its key file read.

    Raises:
        ConfigError: a missing, unknown or mistyped member, or a bad key file.
    """
    if not isinstance(entry, dict) or not (
        {"route", "suite", "key"} <= set(entry) <= {"route", "suite", "key", "envelope", "status"}
    ):
        raise ConfigError(
            f"{path}: each issuer needs route, suite and key (and may have envelope and status)"
        )
    if not all(isinstance(entry[k], str) for k in ("route", "suite", "key")):
        raise ConfigError(f"{path}: issuer route, suite and key are strings")
    envelope = entry.get("envelope", True)
    if not isinstance(envelope, bool):
        raise ConfigError(f"{path}: issuer envelope must be true or false")
    purposes = entry.get("status", [])
    if not isinstance(purposes, list) or not all(isinstance(p, str) for p in purposes):
        raise ConfigError(f"{path}: issuer status must be a list of status purposes")
    key = read_key_file(path.parent / entry["key"])
    return IssuerRoute(entry["route"], entry["suite"], key, envelope, status=tuple(purposes))


def _routes(
    path: Path, data: Mapping[str, Any], extra_keys: Sequence[KeyPair]
) -> list[IssuerRoute]:
    """The named ``issuers`` routes first, then the routes per suite of ``keys`` and
    ``extra_keys`` whose names are not taken.

    Raises:
        ConfigError: a bad issuer entry, key list or key file.
    """
    entries = data.get("issuers", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: issuers must be a list")
    named = [_issuer_route(path, entry) for entry in entries]
    keys = [read_key_file(p) for p in _file_names(path, data, "keys")] + list(extra_keys)
    taken = {n.name for n in named}
    return named + [r for r in routes_for_keys(keys) if r.name not in taken]


def _controller_documents(path: Path, data: Mapping[str, Any]) -> tuple[Any, ...]:
    """The ``controller_documents`` files, read; each a JSON object with a string ``id``.

    Raises:
        ConfigError: a bad list, an unreadable file or a document without a string id.
    """
    documents = []
    for doc_path in _file_names(path, data, "controller_documents"):
        document = _read_json(doc_path, "controller document")
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise ConfigError(f"controller document {doc_path} needs a string id")
        documents.append(document)
    return tuple(documents)


def _context_files(path: Path, data: Mapping[str, Any]) -> tuple[tuple[str, Path], ...]:
    """``contexts`` as (context URL, file) pairs.

    Raises:
        ConfigError: not a map of URLs to file names.
    """
    contexts = data.get("contexts", {})
    if not isinstance(contexts, dict) or not all(isinstance(v, str) for v in contexts.values()):
        raise ConfigError(f"{path}: contexts must map context URLs to file names")
    return tuple((url, path.parent / name) for url, name in contexts.items())


def _status_list_files(path: Path, data: Mapping[str, Any]) -> tuple[tuple[str, Path], ...]:
    """``status_lists`` as (absolute status-list URL, file) pairs.

    Raises:
        ConfigError: not a map of URLs to file names, or a URL that is not absolute.
    """
    lists = data.get("status_lists", {})
    if not isinstance(lists, dict) or not all(isinstance(v, str) and v for v in lists.values()):
        raise ConfigError(f"{path}: status_lists must map status-list URLs to file names")
    bad_urls = sorted(url for url in lists if ":" not in url)
    if bad_urls:
        raise ConfigError(f"{path}: status_lists: {bad_urls[0]!r} is not an absolute URL")
    return tuple((url, path.parent / name) for url, name in lists.items())


def _max_request_bytes(path: Path, data: Mapping[str, Any]) -> int:
    """``max_request_bytes``, an integer. Raises: ConfigError: anything else."""
    size = data["max_request_bytes"]
    if not isinstance(size, int) or isinstance(size, bool):
        raise ConfigError(f"{path}: max_request_bytes must be an integer")
    return size


def _flag(member: str) -> Callable[[Path, Mapping[str, Any]], bool]:
    """A reader of the true-or-false member ``member`` (raising ConfigError otherwise)."""

    def read(path: Path, data: Mapping[str, Any]) -> bool:
        value = data[member]
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {member} must be true or false")
        return value

    return read


def _trusted_issuers(path: Path, data: Mapping[str, Any]) -> TrustList:
    """``trusted_issuers``: the trust list file it names, read and checked.

    Raises:
        ConfigError: not a file name, or a bad trust list.
    """
    name = data["trusted_issuers"]
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ConfigError(f"{path}: trusted_issuers must be a file name (a trust list)")
    return load_trust_list_file(path.parent / name)


def _registries(path: Path, data: Mapping[str, Any]) -> tuple[IssuerRegistry, ...]:
    """``registries``: the issuer registry files, read and checked.

    Raises:
        ConfigError: a bad list or a bad registry.
    """
    return tuple(load_registry_file(p) for p in _file_names(path, data, "registries"))


def _status(path: Path, data: Mapping[str, Any]) -> StatusSettings:
    """``status``, see :func:`_status_settings`."""
    return _status_settings(path, data["status"])


#: The optional members read only when present, in the order they are checked: member →
#: reader (configuration file, its data) → the :class:`ServerConfig` option of that name.
_OPTIONAL_MEMBERS: dict[str, Callable[[Path, Mapping[str, Any]], Any]] = {
    "max_request_bytes": _max_request_bytes,
    "page": _flag("page"),
    "allow_inline_contexts": _flag("allow_inline_contexts"),
    "trusted_issuers": _trusted_issuers,
    "registries": _registries,
    "status": _status,
}


def _store_option(path: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``store`` option: the member's location, else the default file beside ``path``
    when a feature that keeps state is on, else nothing.

    Raises:
        ConfigError: a bad store location.
    """
    if "store" in data:
        return {"store": _store_location(path, data["store"])}
    if "status" in data or "oid4vci" in data or "oid4vp" in data:
        return {"store": str(path.parent / DEFAULT_STORE_FILE)}
    return {}


def _check_usable(path: Path, config: ServerConfig) -> None:
    """Fail now, not at the first request, on a bad status list file or an unusable store.

    Raises:
        ConfigError: either.
    """
    config.status_fetcher()
    if config.status is not None or config.oid4vci is not None:
        try:
            open_store(config.store).check()
        except (ValueError, StoreError) as exc:
            raise ConfigError(f"{path}: store: {exc}") from None


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
         "store": "state.sqlite3",                       # or "postgresql://..."
         "status": {"base_url": "https://issuer.example", "token_file": "status-token.txt"},
         "trusted_issuers": "trusted-issuers.json",       # a trust list (docs/server.md)
         "registries": ["dcc-registry.json"],            # issuer registries, DCC format
         "oid4vp": {"base_url": "https://verifier.example", ...},  # docs/ask-a-wallet.md
         "max_request_bytes": 2097152,
         "oid4vci": {"base_url": "https://issuer.example"},   # docs/deliver-to-wallets.md
         "page": true}

    ``status_lists`` maps a status-list URL to the file holding that list credential (JSON or a
    compact JWT), read now; ``allow_inline_contexts`` accepts embedded context objects when
    issuing and verifying (default false). ``status`` (see :class:`StatusSettings`; its
    ``token_file`` holds the bearer token) makes the service publish and update status lists,
    kept in ``store`` (default: ``microcred-state.sqlite3`` beside the file); an issuer entry's
    ``"status": ["revocation"]`` gives every credential of that route an entry.

    ``trusted_issuers`` names a trust list file and ``registries`` issuer registry files (the
    DCC's format); both are read and checked now, and passed to every verification the service
    does (``trust`` in its answers).

    ``extra_keys`` (from ``--key``) add routes after the file's. With no key at all the
    configuration is :meth:`ServerConfig.ephemeral`.

    Raises:
        ConfigError: unreadable file, unknown member, a bad key, route, status list, trust
            list or registry.
    """
    data = _read_json(path, "configuration file")
    if not isinstance(data, dict):
        raise ConfigError(f"configuration file {path} must hold a JSON object")
    unknown = sorted(set(data) - _CONFIG_MEMBERS)
    if unknown:
        raise ConfigError(f"{path}: unknown member(s) {', '.join(unknown)}")
    routes = _routes(path, data, extra_keys)
    options: dict[str, Any] = {
        "controller_documents": _controller_documents(path, data),
        "context_files": _context_files(path, data),
        "status_lists": _status_list_files(path, data),
    }
    for member, reader in _OPTIONAL_MEMBERS.items():
        if member in data:
            options[member] = reader(path, data)
    options.update(_protocol_sections(path, data))
    options.update(_store_option(path, data))
    if not routes:
        config = ServerConfig.ephemeral(**options)
    else:
        config = ServerConfig(issuers=tuple(routes), **options)
    _check_usable(path, config)
    return config
