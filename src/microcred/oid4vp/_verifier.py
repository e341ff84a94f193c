"""The verifier side of OpenID4VP 1.0: create a request, hand out its Request Object, receive
the wallet's response (``direct_post`` or ``direct_post.jwt``) and verify every presentation
in its ``vp_token`` through :func:`microcred.verify.verify`, bound to the request.

What binds a presentation to the request (OpenID4VP 1.0 Appendix B):

- ``dc+sd-jwt``: the Key Binding JWT's ``nonce`` is the request's nonce and its ``aud`` the
  verifier's client identifier (B.3.6);
- ``ldp_vc``: the presentation's proof ``challenge`` is the nonce and its ``domain`` the
  client identifier (B.1.3.2);
- ``jwt_vc_json``: the VP-JWT's ``nonce`` is the nonce and its ``aud`` the client
  identifier (B.1.3.1).

State lives in the store (:mod:`microcred._store`): ``oid4vp.request`` (the request, and the
private key a ``direct_post.jwt`` response is encrypted to), ``oid4vp.nonce`` (the state,
taken once: a second response to the same request is refused) and ``oid4vp.result``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import _json
from .._store import MEMORY, SqliteStore, Store
from ..errors import MicrocredError, OAuthError
from ..keys import KeyPair
from . import _jwe
from ._dcql import CredentialQuery, DcqlQuery, _select, claim_problems
from ._request import (
    PREFIXES,
    RESPONSE_MODES,
    AuthorizationRequest,
    certificate_dns_names,
    host_of,
    new_secret,
    sign_request_object,
)

if TYPE_CHECKING:
    from ..report import VerificationReport

__all__ = ["PresentationResult", "Verifier", "VerifierConfig"]

REQUESTS, NONCES, RESULTS = "oid4vp.request", "oid4vp.nonce", "oid4vp.result"
#: Presentations one response may carry at most.
MAX_PRESENTATIONS = 16
#: The formats this verifier accepts, for ``client_metadata.vp_formats_supported`` (§11.1).
VP_FORMATS = {
    "dc+sd-jwt": {
        "sd-jwt_alg_values": ["ES256", "ES384", "EdDSA"],
        "kb-jwt_alg_values": ["ES256", "ES384", "EdDSA"],
    },
    "jwt_vc_json": {"alg_values": ["ES256", "ES384", "EdDSA"]},
    "ldp_vc": {
        "proof_type_values": ["DataIntegrityProof"],
        "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"],
    },
}


@dataclass(frozen=True)
class VerifierConfig:
    """How the verifier identifies itself and what it accepts.

    Attributes:
        base_url: the service's public URL; the wallet posts to ``{base_url}/oid4vp/response``
            and fetches Request Objects from ``{base_url}/oid4vp/requests/{id}``.
        prefix: the client identifier prefix, ``x509_san_dns`` (signed request by reference)
            or ``redirect_uri`` (unsigned, by value).
        key: the key Request Objects are signed with (``x509_san_dns``).
        certificates: its certificate chain, DER, leaf first; the leaf certifies ``key`` and
            names the host of ``base_url`` as a DNS subject alternative name.
        ttl: seconds a request stays open.
        result_ttl: seconds a result stays readable after the response.
        max_response_bytes: the largest wallet response accepted.
        client_name: the name wallets show (``client_metadata.client_name``).

    Raises:
        ValueError: (at construction) an unknown prefix, a base URL that is not http(s), a
            missing key or certificate, a leaf that does not certify the key or name the host.
    """

    base_url: str
    prefix: str = "x509_san_dns"
    key: KeyPair | None = field(default=None, repr=False)
    certificates: tuple[bytes, ...] = ()
    ttl: int = 300
    result_ttl: int = 3600
    max_response_bytes: int = 1024 * 1024
    client_name: str | None = None

    def __post_init__(self) -> None:
        if self.prefix not in PREFIXES:
            raise ValueError(f"prefix must be one of {', '.join(PREFIXES)}")
        if not self.base_url.startswith(("https://", "http://")) or not host_of(self.base_url):
            raise ValueError("base_url must be the service's public http(s) URL")
        if self.ttl < 10 or self.result_ttl < 10 or self.max_response_bytes < 1024:
            raise ValueError("ttl and result_ttl must be at least 10 s, max_response_bytes 1 KiB")
        if self.prefix == "x509_san_dns":
            self._check_certificate()

    def _check_certificate(self) -> None:
        if self.key is None or not self.certificates:
            raise ValueError("x509_san_dns needs a signing key and its certificate chain")
        from cryptography import x509

        leaf = x509.load_der_x509_certificate(self.certificates[0])
        try:
            public = KeyPair.from_cryptography(leaf.public_key())  # type: ignore[arg-type]
        except (MicrocredError, TypeError, ValueError):
            raise ValueError("the leaf certificate's key is not one microcred signs with") from None
        if public.public_jwk() != self.key.public_jwk():
            raise ValueError("the leaf certificate does not certify the signing key")
        host = host_of(self.base_url)
        if host not in [n.lower() for n in certificate_dns_names(self.certificates[0])]:
            raise ValueError(f"the leaf certificate does not name {host} as a DNS name")

    @classmethod
    def ephemeral(cls, base_url: str, **options: Any) -> VerifierConfig:
        """A verifier at ``base_url`` with a fresh P-256 key and a self-signed certificate
        naming its host (``x509_san_dns``; for trying it and for tests: no wallet trusts
        such a certificate), or, when the host is an IP address, the ``redirect_uri``
        prefix. ``options``: as for the class."""
        host = host_of(base_url)
        if _is_ip(host):
            return cls(base_url, prefix="redirect_uri", **options)
        key, certificate = self_signed(host)
        return cls(base_url, key=key, certificates=(certificate,), **options)

    @property
    def response_uri(self) -> str:
        """Where wallets post their responses."""
        return f"{self.base_url.rstrip('/')}/oid4vp/response"

    @property
    def client_id(self) -> str:
        """The client identifier, with its prefix (§5.9.3)."""
        if self.prefix == "x509_san_dns":
            return f"x509_san_dns:{host_of(self.base_url)}"
        return f"redirect_uri:{self.response_uri}"

    def request_uri(self, request_id: str) -> str:
        """Where the Request Object of ``request_id`` is fetched."""
        return f"{self.base_url.rstrip('/')}/oid4vp/requests/{request_id}"


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def self_signed(host: str, *, days: int = 30) -> tuple[KeyPair, bytes]:
    """A fresh P-256 key and a self-signed certificate (DER) naming ``host`` as its DNS
    subject alternative name, valid for ``days``."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair.from_cryptography(key), cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class PresentationResult:
    """What a request came to, for the relying party.

    Attributes:
        id: the request's id.
        status: ``pending`` (no response yet), ``verified``, ``rejected`` (a response came
            and was refused) or ``error`` (the wallet answered with an error).
        credentials: per credential query id, one entry per presentation: ``verified``,
            ``outcome``, ``format``, ``issuer``, ``claims`` (the requested claims as
            ``{"path": [...], "value": ...}``) and ``errors`` (failed checks by id).
        errors: why the response was refused (``status`` ``rejected`` or ``error``).
    """

    id: str
    status: str
    credentials: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        """Whether every presentation verified and the query is answered."""
        return self.status == "verified"

    def to_json(self) -> dict[str, Any]:
        """The result as JSON (the status endpoint's and the webhook's body)."""
        return {
            "id": self.id,
            "status": self.status,
            "verified": self.verified,
            "credentials": {k: [dict(e) for e in v] for k, v in self.credentials.items()},
            "errors": list(self.errors),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PresentationResult:
        """The result :meth:`to_json` wrote."""
        return cls(data["id"], data["status"], data["credentials"], tuple(data["errors"]))


VerifyFunction = Callable[..., "VerificationReport"]


def _default_verify(value: Any, **options: Any) -> VerificationReport:
    from ..verify import verify

    return verify(value, **options)


class Verifier:
    """The OpenID4VP verifier on a :class:`~microcred._store.Store`.

    Args:
        config: the :class:`VerifierConfig`.
        store: where requests, states and results are kept (default: a private in-memory
            SQLite database: one process, lost at exit).
        verify: verifies one presentation (default :func:`microcred.verify.verify`); called
            with the binding options (``nonce``/``audience`` or ``challenge``/``domain``).
        webhook: called with the result's JSON once a response has been processed (never
            anything else: no network unless the caller's function does it); the result is
            stored first, and an exception the hook raises is not passed on.
        clock: the current time (Unix seconds).
    """

    def __init__(
        self,
        config: VerifierConfig,
        store: Store | None = None,
        *,
        verify: VerifyFunction | None = None,
        webhook: Callable[[dict[str, Any]], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store if store is not None else SqliteStore(MEMORY)
        self._verify = verify or _default_verify
        self._webhook = webhook
        self._clock = clock

    def _now(self) -> int:
        return int(self._clock())

    def _put(self, namespace: str, key: str, value: Mapping[str, Any], ttl: int) -> None:
        self.store.put(namespace, key, json.dumps({**value, "expires": self._now() + ttl}).encode())

    def _load(self, namespace: str, key: str, *, take: bool = False) -> dict[str, Any] | None:
        if take:
            raw = self.store.take(namespace, key)
        else:
            record = self.store.get(namespace, key)
            raw = None if record is None else record.value
        if raw is None:
            return None
        value: dict[str, Any] = json.loads(raw)
        return value if value.get("expires", 0) > self._now() else None

    # ------------------------------------------------------------- the request

    def create_request(
        self, dcql: DcqlQuery | Mapping[str, Any], *, response_mode: str = "direct_post"
    ) -> AuthorizationRequest:
        """A new request for ``dcql`` (a :class:`DcqlQuery` or its JSON), kept in the store.

        Raises:
            OAuthError: ``invalid_request``: the query is not valid DCQL (see
                :meth:`DcqlQuery.parse`) or the response mode is not supported.
        """
        query = dcql if isinstance(dcql, DcqlQuery) else DcqlQuery.parse(dcql)
        if response_mode not in RESPONSE_MODES:
            raise OAuthError(
                "invalid_request", f"response_mode must be {' or '.join(RESPONSE_MODES)}"
            )
        request_id, config = new_secret(), self.config
        metadata: dict[str, Any] = {"vp_formats_supported": VP_FORMATS}
        if config.client_name:
            metadata["client_name"] = config.client_name
        key = None
        if response_mode == "direct_post.jwt":
            key = _jwe.new_key()
            public = {**_jwe.public_jwk(key), "kid": request_id, "use": "enc", "alg": "ECDH-ES"}
            metadata["jwks"] = {"keys": [public]}
            metadata["encrypted_response_enc_values_supported"] = list(_jwe.ENCRYPTION_VALUES)
        by_reference = config.prefix == "x509_san_dns"
        request = AuthorizationRequest(
            id=request_id,
            client_id=config.client_id,
            nonce=new_secret(),
            state=new_secret(),
            dcql=query,
            response_mode=response_mode,
            response_uri=config.response_uri,
            client_metadata=metadata,
            request_uri=config.request_uri(request_id) if by_reference else None,
            expires=self._now() + config.ttl,
        )
        record = {"parameters": request.parameters(), "key": key, "created": self._now()}
        self._put(REQUESTS, request_id, record, config.ttl)
        self._put(NONCES, request.state, {"id": request_id}, config.ttl)
        self._put(
            RESULTS, request_id, PresentationResult(request_id, "pending").to_json(), config.ttl
        )
        return request

    def request_object(self, request_id: str) -> str:
        """The signed Request Object of the open request ``request_id``.

        Raises:
            OAuthError: ``invalid_request_uri`` (404): no such open request; ``invalid_request``
                for a verifier whose requests go by value (``redirect_uri``).
        """
        if self.config.prefix != "x509_san_dns":
            raise OAuthError("invalid_request", "this verifier's requests go by value", status=404)
        record = self._load(REQUESTS, request_id) if _plausible(request_id) else None
        if record is None:
            raise OAuthError("invalid_request_uri", "no open request at this URI", status=404)
        request = _request_of(request_id, record, self.config)
        assert self.config.key is not None  # checked by VerifierConfig
        return sign_request_object(
            request, self.config.key, self.config.certificates, issued_at=self._now()
        )

    def result(self, request_id: str) -> PresentationResult | None:
        """The request's result (``pending`` until the wallet answers), ``None`` when there
        is no such request or it has expired."""
        record = self._load(RESULTS, request_id) if _plausible(request_id) else None
        return None if record is None else PresentationResult.from_json(record)

    # ------------------------------------------------------------ the response

    def receive(self, form: Mapping[str, str]) -> PresentationResult:
        """Process the wallet's Authorization Response (the ``direct_post`` form: ``vp_token``
        and ``state``, or ``response``: the ``direct_post.jwt`` JWE; or an error response).
        The state is used up whatever the outcome; the result is stored and the webhook called.

        Returns:
            The result, ``status`` ``verified``.

        Raises:
            OAuthError: ``invalid_request``: a malformed response, an unknown, expired or
                already answered state, a response mode other than the request's, or a
                presentation that does not verify or does not answer the query (the stored
                result, ``rejected``, says why per presentation).
        """
        payload, request_id = self._payload(form)
        state = payload.get("state")
        if not isinstance(state, str) or not _plausible(state):
            raise OAuthError("invalid_request", "the response has no state")
        pending = self._load(NONCES, state, take=True)  # single use: a replay finds nothing
        if pending is None or (request_id is not None and pending["id"] != request_id):
            raise OAuthError("invalid_request", "unknown, expired or already answered state")
        record = self._load(REQUESTS, pending["id"])
        if record is None:
            raise OAuthError("invalid_request", "the request has expired")
        request = _request_of(pending["id"], record, self.config)
        if "response" not in form and request.response_mode == "direct_post.jwt":
            return self._finish(
                request.id,
                "rejected",
                {},
                ["the request asked for an encrypted response (direct_post.jwt)"],
            )
        if "error" in payload:
            return self._finish(request.id, "error", {}, [_wallet_error(payload)])
        credentials, errors = self._check(request, payload.get("vp_token"))
        return self._finish(request.id, "rejected" if errors else "verified", credentials, errors)

    def _payload(self, form: Mapping[str, str]) -> tuple[dict[str, Any], str | None]:
        """The response's parameters (decrypted for ``direct_post.jwt``) and, for a JWE, the
        request id its ``kid`` names."""
        if not isinstance(form, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in form.items()
        ):
            raise OAuthError("invalid_request", "the response is a form of text parameters")
        if "response" not in form:
            return dict(form), None
        token = form["response"]
        kid = _jwe.header_of(token).get("kid")
        record = self._load(REQUESTS, kid) if isinstance(kid, str) and _plausible(kid) else None
        if record is None or record.get("key") is None:
            raise OAuthError("invalid_request", "the JWE's kid names no open request")
        payload = _jwe.decrypt(token, record["key"], max_bytes=self.config.max_response_bytes)
        if isinstance(payload.get("vp_token"), (dict, list)):
            payload["vp_token"] = json.dumps(payload["vp_token"])
        return payload, kid

    def _finish(
        self,
        request_id: str,
        status: str,
        credentials: Mapping[str, Sequence[Mapping[str, Any]]],
        errors: Sequence[str],
    ) -> PresentationResult:
        result = PresentationResult(request_id, status, credentials, tuple(errors))
        self._put(RESULTS, request_id, result.to_json(), self.config.result_ttl)
        self.store.take(REQUESTS, request_id)  # its key and nonce are of no further use
        if self._webhook is not None:
            with suppress(Exception):  # the caller's hook: the result is stored whatever it does
                self._webhook(result.to_json())
        if status == "verified" or status == "error":
            return result
        raise OAuthError("invalid_request", "; ".join(errors)[:1000])

    def _check(
        self, request: AuthorizationRequest, vp_token: Any
    ) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
        """Verify every presentation of ``vp_token`` (§8.1: a JSON object, credential query
        id → array of presentations) against ``request``."""
        entries, errors = _parse_vp_token(vp_token, request.dcql)
        credentials: dict[str, list[dict[str, Any]]] = {}
        for query_id, presentations in entries.items():
            query = request.dcql.query(query_id)
            assert query is not None  # _parse_vp_token checked
            credentials[query_id] = []
            for i, value in enumerate(presentations):
                entry = self._verify_one(query, value, request)
                credentials[query_id].append(entry)
                errors += [f"{query_id}[{i}]: {e}" for e in entry["errors"]]
        answered = {q for q, v in credentials.items() if v and all(e["verified"] for e in v)}
        errors += request.dcql.unanswered(answered) if entries else []
        return credentials, errors

    def _verify_one(
        self, query: CredentialQuery, value: Any, request: AuthorizationRequest
    ) -> dict[str, Any]:
        """One presentation, verified and checked against its credential query."""
        shape = _shape_problem(query.format, value)
        if shape:
            return {
                "verified": False,
                "outcome": "invalid",
                "format": query.format,
                "errors": [shape],
            }
        if query.format == "dc+sd-jwt":
            options = {
                "nonce": request.nonce,
                "audience": request.client_id,
                "require_key_binding": query.require_cryptographic_holder_binding,
            }
        else:
            options = {"challenge": request.nonce, "domain": request.client_id}
        try:
            report = self._verify(value, **options)
        except (MicrocredError, ValueError, TypeError) as exc:
            return {
                "verified": False,
                "outcome": "invalid",
                "format": query.format,
                "errors": [f"cannot verify: {type(exc).__name__}"],
            }
        return _entry(query, report)


def _plausible(text: Any) -> bool:
    return (
        isinstance(text, str)
        and 0 < len(text) <= 64
        and all(c.isalnum() or c in "-_" for c in text)
    )


def _request_of(
    request_id: str, record: Mapping[str, Any], config: VerifierConfig
) -> AuthorizationRequest:
    params = record["parameters"]
    by_reference = config.prefix == "x509_san_dns"
    return AuthorizationRequest(
        id=request_id,
        client_id=params["client_id"],
        nonce=params["nonce"],
        state=params["state"],
        dcql=DcqlQuery.parse(params["dcql_query"]),
        response_mode=params["response_mode"],
        response_uri=params["response_uri"],
        client_metadata=params["client_metadata"],
        request_uri=config.request_uri(request_id) if by_reference else None,
        expires=int(record["expires"]),
    )


def _wallet_error(payload: Mapping[str, Any]) -> str:
    error = payload.get("error")
    text = error if isinstance(error, str) and error.isascii() and len(error) <= 64 else "error"
    return f"the wallet answered {text}"


def _parse_vp_token(vp_token: Any, dcql: DcqlQuery) -> tuple[dict[str, list[Any]], list[str]]:
    """``vp_token`` read (the form holds it as JSON text): its entries, or why it cannot be."""
    if not isinstance(vp_token, str):
        return {}, ["the response has no vp_token"]
    try:
        value = _json.loads(vp_token)  # bounded in size and depth, no duplicate member
    except (MicrocredError, RecursionError):
        return {}, ["vp_token is not JSON (or too large or deep)"]
    if not isinstance(value, dict) or not value:
        return {}, ["vp_token must be a non-empty JSON object keyed by credential query id"]
    unknown = [k for k in value if dcql.query(k) is None]
    if unknown:
        return {}, [f"vp_token answers {len(unknown)} credential query id(s) the request has not"]
    entries: dict[str, list[Any]] = {}
    for query_id, presentations in value.items():
        query = dcql.query(query_id)
        assert query is not None
        if not isinstance(presentations, list) or not presentations:
            return {}, [f"vp_token.{query_id} must be a non-empty array"]
        if len(presentations) > (MAX_PRESENTATIONS if query.multiple else 1):
            return {}, [f"vp_token.{query_id} has more presentations than the query allows"]
        entries[query_id] = presentations
    return entries, []


def _shape_problem(fmt: str, value: Any) -> str | None:
    if fmt == "ldp_vc":
        return None if isinstance(value, dict) else "an ldp_vc presentation is a JSON object"
    return None if isinstance(value, str) else f"a {fmt} presentation is a string"


def _entry(query: CredentialQuery, report: VerificationReport) -> dict[str, Any]:
    """The result entry of one verified presentation."""
    errors = [f"{c.id}: {c.message}" for c in report.failed]
    credential, disclosed = _credential_of(query, report)
    if credential is None:
        errors.append("format: the presentation is not of the requested format")
    else:
        errors += [f"dcql: {p}" for p in claim_problems(query, credential, disclosed)]
    claims = [
        {"path": list(c.path), "value": v}
        for c in query.claims
        for v in (_select(credential, c.path) if credential is not None and not errors else [])
    ]
    issuer = (
        report.credentials[0] if report.kind == "presentation" and report.credentials else report
    )
    return {
        "verified": report.verified and not errors,
        "outcome": report.outcome if not errors or not report.verified else "invalid",
        "format": query.format,
        "issuer": (issuer.document or {}).get("iss") or _issuer_id(issuer.document),
        "issuer_name": issuer.issuer_name,
        "claims": claims,
        "errors": errors,
    }


def _issuer_id(document: Mapping[str, Any] | None) -> str | None:
    issuer = (document or {}).get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _credential_of(
    query: CredentialQuery, report: VerificationReport
) -> tuple[dict[str, Any] | None, list[str] | None]:
    """The credential a presentation carries, and what an SD-JWT disclosed."""
    if query.format == "dc+sd-jwt":
        if report.format != "sd-jwt-vc" or report.document is None:
            return None, None
        return report.document, list(report.disclosed or [])
    wanted = "data-integrity" if query.format == "ldp_vc" else "jwt"
    if report.kind != "presentation" or report.format != wanted or len(report.credentials) != 1:
        return None, None
    return report.credentials[0].document, None
