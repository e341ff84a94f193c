"""The OpenID4VCI issuer: offers, the token endpoint (pre-authorized code), the nonce endpoint
and the credential endpoint with its key proof checks, framework-free.

State lives in a :class:`microcred._store.Store` (the service's), so that an offer made by one
worker is redeemed at another and survives a restart. Every value is JSON with an ``expires``
member (Unix seconds); an expired row is treated as absent. Namespaces:

- ``oid4vci.code``: a pre-authorized code (keyed by its SHA-256, never the code itself):
  the Annex I form, the offered configurations, the transaction code's hash, wrong attempts.
  Taken (atomic get+delete) at the token endpoint: single use.
- ``oid4vci.offer``: an offer served by reference (``GET /oid4vci/offers/{id}``), removed when
  its code is redeemed.
- ``oid4vci.token``: an access token (by its SHA-256): the form and the configurations not
  issued yet; each configuration is issued once per token.
- ``oid4vci.nonce``: the ``c_nonce`` values used. A ``c_nonce`` is stateless (its expiry and a
  MAC under a secret derived from the issuer's key: the nonce endpoint writes nothing, so it
  cannot be used to fill the store); it is recorded here when a key proof uses it, and a second
  use is refused.
- ``oid4vci.rate``: failed token requests per client address in the current minute.

Every refusal is an :class:`~microcred.errors.OAuthError` with the error code OpenID4VCI 1.0
specifies (§6.3 token errors, §8.3.1.2 credential errors, RFC 6750 §3.1 ``invalid_token``);
what was refused never changes state (a refused proof leaves its nonce unused, a refused token
request leaves its code redeemable unless the transaction code was wrong too often).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._store import Store
from ..errors import MicrocredError, OAuthError
from ..jose import KEY_ALGORITHMS
from ..jose._jwt import _read_compact, _signing_input
from ..keys import DidJwkResolver, DidKeyResolver, KeyPair, dereference, public_key_of_method
from ..model.eu import MicroCredential, check_form
from ._metadata import (
    CONFIGURATIONS,
    PROOF_ALGORITHMS,
    PROOF_TYP,
    IssuerConfig,
    authorization_server_metadata,
    issuer_metadata,
)
from ._offer import PRE_AUTHORIZED_GRANT, Offer, offer_uri

__all__ = ["NAMESPACES", "HolderKey", "Issuer"]

#: The store namespaces the issuer keeps its state in.
NAMESPACES = ("oid4vci.offer", "oid4vci.code", "oid4vci.token", "oid4vci.nonce", "oid4vci.rate")
#: The longest key proof JWT read.
MAX_PROOF_BYTES = 8 * 1024
#: The longest code, token or transaction code read.
MAX_SECRET_CHARS = 512
#: The members of a Credential Request (OpenID4VCI 1.0 §8.2) this issuer reads.
_REQUEST_MEMBERS = frozenset(
    {"credential_configuration_id", "credential_identifier", "proof", "proofs"}
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _dump(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class HolderKey:
    """The key a wallet proved possession of: the key itself and its DID (``did:jwk`` for a
    ``jwk`` header, the DID of a ``did:key`` / ``did:jwk`` ``kid``)."""

    key: KeyPair
    did: str


def _text(form: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = form.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_SECRET_CHARS:
        raise OAuthError("invalid_request", f"{name} is missing or not a short string")
    return value


class Issuer:
    """An OpenID4VCI 1.0 credential issuer with the pre-authorized code flow.

    Args:
        config: what it issues, with which key, at which URL.
        store: where its state lives (shared by every worker of the service).
        clock: the current time in Unix seconds (tests move it).
    """

    def __init__(
        self, config: IssuerConfig, store: Store, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.store = store
        self._clock = clock
        secret = json.dumps(config.key.private_jwk(), sort_keys=True).encode("utf-8")
        self._nonce_key = hmac.new(b"microcred oid4vci c_nonce", secret, hashlib.sha256).digest()

    # ------------------------------------------------------------------ state helpers

    def _now(self) -> int:
        return int(self._clock())

    def _live(self, raw: bytes | None) -> dict[str, Any] | None:
        if raw is None:
            return None
        value = json.loads(raw)
        if not isinstance(value, dict) or value.get("expires", 0) <= self._now():
            return None
        return value

    # ------------------------------------------------------------------ metadata

    def metadata(self) -> dict[str, Any]:
        """The Credential Issuer Metadata (``/.well-known/openid-credential-issuer``)."""
        return issuer_metadata(self.config)

    def authorization_server_metadata(self) -> dict[str, Any]:
        """The OAuth 2.0 Authorization Server Metadata
        (``/.well-known/oauth-authorization-server``)."""
        return authorization_server_metadata(self.config)

    # ------------------------------------------------------------------ offers

    def create_offer(
        self,
        prepared: MicroCredential | Mapping[str, Any],
        *,
        tx_code: bool = False,
        by_reference: bool = False,
        ttl: int | None = None,
        configurations: tuple[str, ...] | list[str] | None = None,
    ) -> Offer:
        """A Credential Offer of ``prepared`` (an Annex I form with its learner) with a fresh
        pre-authorized code, single use, redeemable for ``ttl`` seconds.

        Args:
            prepared: the micro-credential to issue (the form's JSON or the model).
            tx_code: ask the wallet for a transaction code (``Offer.tx_code``, numeric, of
                ``config.tx_code_length`` digits), to send the learner by another channel.
            by_reference: the URI carries the offer's URL (``{url}/oid4vci/offers/{id}``).
            ttl: seconds the offer stays redeemable (default ``config.offer_ttl``).
            configurations: the credential configurations offered (default: all configured).

        Returns:
            The :class:`Offer`.

        Raises:
            ValueError: the form is not a valid Annex I form with its learner, lacks a
                mandatory element, or a configuration is not one this issuer offers.
        """
        form = self._checked_form(prepared)
        offered = list(configurations or self.config.configurations)
        unknown = [c for c in offered if c not in self.config.configurations]
        if unknown or len(set(offered)) != len(offered):
            raise ValueError(
                "credential configurations are distinct ids of "
                f"{', '.join(self.config.configurations)}"
            )
        lifetime = self.config.offer_ttl if ttl is None else ttl
        if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
            raise ValueError("ttl must be a positive number of seconds")
        expires = self._now() + lifetime
        code = secrets.token_urlsafe(32)
        offer_id = secrets.token_urlsafe(24)
        pin = None
        grant: dict[str, Any] = {"pre-authorized_code": code}
        if tx_code:
            length = self.config.tx_code_length
            pin = "".join(secrets.choice("0123456789") for _ in range(length))
            grant["tx_code"] = {
                "input_mode": "numeric",
                "length": length,
                "description": "Ange koden du fick per e-post / Enter the code you were e-mailed",
            }
        offer = {
            "credential_issuer": self.config.url,
            "credential_configuration_ids": offered,
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }
        record = {
            "expires": expires,
            "form": form,
            "configurations": offered,
            "tx": _digest(pin) if pin else None,
            "attempts": 0,
            "offer": offer_id if by_reference else None,
        }
        self.store.put("oid4vci.code", _digest(code), _dump(record))
        if by_reference:
            self.store.put("oid4vci.offer", offer_id, _dump({"expires": expires, "offer": offer}))
            uri = offer_uri(reference=f"{self.config.endpoint('offers')}/{offer_id}")
        else:
            uri = offer_uri(offer)
        return Offer(offer_id, offer, uri, pin, expires, by_reference)

    def create_offer_for_row(
        self, template: Mapping[str, Any], row: Mapping[str, Any], **options: Any
    ) -> Offer:
        """:meth:`create_offer` for one roster row (a mapping such as ``csv.DictReader``
        yields) of the course ``template`` (the Annex I form without ``learner``), read as
        ``microcred batch-issue`` reads it (:mod:`microcred.batch`).

        Raises:
            ValueError: the row does not make a valid form, or its result is not a pass.
        """
        from .. import batch
        from ..model.eu import now_iso

        form = batch._form_for(template, batch._cells(row), now_iso())
        if batch._grade(form) is False:
            raise ValueError("the row's result is not a pass: no offer is made")
        return self.create_offer(form, **options)

    def _checked_form(self, prepared: MicroCredential | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(prepared, MicroCredential):
            form = prepared.to_json()
        elif isinstance(prepared, Mapping):
            check_form(prepared)
            form = dict(prepared)
        else:
            raise TypeError("prepared is an Annex I form (a mapping) or a MicroCredential")
        credential = MicroCredential.model_validate(form)
        if credential.learner is None:
            raise ValueError("the form has no learner: an offer is made for one learner")
        credential.require_complete(self.config.identity)
        return credential.to_json()

    def offer_by_reference(self, offer_id: str) -> dict[str, Any]:
        """The Credential Offer served at ``{url}/oid4vci/offers/{offer_id}``.

        Raises:
            OAuthError: (``invalid_request``, 404) unknown, expired or already redeemed.
        """
        record = None
        if isinstance(offer_id, str) and 0 < len(offer_id) <= MAX_SECRET_CHARS:
            row = self.store.get("oid4vci.offer", offer_id)
            record = self._live(row.value if row else None)
        if record is None:
            raise OAuthError(
                "invalid_request", "no such offer (expired or already redeemed)", status=404
            )
        offer: dict[str, Any] = record["offer"]
        return offer

    # ------------------------------------------------------------------ token endpoint

    def _count_failure(self, client: str | None) -> None:
        if client is None:
            return
        window = self._now() // 60
        key = client[:MAX_SECRET_CHARS]
        current = self.store.get("oid4vci.rate", key)
        count = 0
        if current is not None:
            value = json.loads(current.value)
            count = value["count"] if value.get("window") == window else 0
        record = {"window": window, "count": count + 1, "expires": (window + 1) * 60}
        self.store.put("oid4vci.rate", key, _dump(record))

    def _check_rate(self, client: str | None) -> None:
        if client is None:
            return
        current = self.store.get("oid4vci.rate", client[:MAX_SECRET_CHARS])
        if current is None:
            return
        value = json.loads(current.value)
        if value.get("window") == self._now() // 60 and value["count"] >= self.config.token_rate:
            raise OAuthError(
                "slow_down", "too many failed token requests; try again in a minute", status=429
            )

    def token(self, form: Mapping[str, Any], *, client: str | None = None) -> dict[str, Any]:
        """The token endpoint (OpenID4VCI 1.0 §6): a Token Request's form parameters in, the
        Token Response out. ``client`` (the caller's address) counts failures for the rate
        limit.

        Raises:
            OAuthError: ``unsupported_grant_type``; ``invalid_request`` (a parameter missing,
                a transaction code missing or not expected); ``invalid_grant`` (the code is
                unknown, expired or used, or the transaction code is wrong); ``slow_down``
                (429) after ``config.token_rate`` failures in a minute from ``client``.
        """
        self._check_rate(client)
        try:
            return self._token(form)
        except OAuthError:
            self._count_failure(client)
            raise

    def _token(self, form: Mapping[str, Any]) -> dict[str, Any]:
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise OAuthError(
                "unsupported_grant_type",
                f"this issuer supports the grant type {PRE_AUTHORIZED_GRANT} only",
            )
        code = _text(form, "pre-authorized_code")
        assert code is not None
        given = _text(form, "tx_code", required=False)
        key = _digest(code)
        record = self._live(self.store.take("oid4vci.code", key))
        if record is None:
            raise OAuthError(
                "invalid_grant", "the pre-authorized code is unknown, expired or already used"
            )
        expected = record.get("tx")
        problem = None
        if expected is not None and given is None:
            problem = OAuthError(
                "invalid_request", "this offer needs its transaction code (tx_code)"
            )
        elif expected is None and given is not None:
            problem = OAuthError("invalid_request", "this offer has no transaction code (tx_code)")
        elif expected is not None and not hmac.compare_digest(expected, _digest(given or "")):
            record["attempts"] += 1
            left = self.config.tx_code_attempts - record["attempts"]
            problem = OAuthError(
                "invalid_grant",
                "the transaction code is wrong"
                + (f" ({left} attempt(s) left)" if left > 0 else "; the offer is spent"),
            )
            if left <= 0:
                raise problem
        if problem is not None:
            self.store.add("oid4vci.code", key, _dump(record))  # redeemable again
            raise problem
        if record.get("offer"):
            self.store.take("oid4vci.offer", record["offer"])
        token = secrets.token_urlsafe(32)
        ttl = self.config.token_ttl
        value = {
            "expires": self._now() + ttl,
            "form": record["form"],
            "offered": record["configurations"],
            "remaining": record["configurations"],
        }
        self.store.put("oid4vci.token", _digest(token), _dump(value))
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}

    # ------------------------------------------------------------------ nonce endpoint

    def nonce(self) -> dict[str, Any]:
        """The nonce endpoint (OpenID4VCI 1.0 §7): ``{"c_nonce": ...}``, valid for
        ``config.nonce_ttl`` seconds and for one key proof."""
        expires = self._now() + self.config.nonce_ttl
        body = f"{expires}.{secrets.token_urlsafe(16)}"
        mac = hmac.new(self._nonce_key, body.encode("ascii"), hashlib.sha256).digest()[:16]
        return {"c_nonce": f"{body}.{_b64(mac)}"}

    def _check_nonce(self, nonce: str) -> int:
        """The nonce's expiry, if it is one of this issuer's and live.

        Raises:
            OAuthError: ``invalid_nonce``.
        """
        parts = nonce.split(".")
        if len(parts) == 3 and parts[0].isdigit() and len(nonce) <= 128:
            body = f"{parts[0]}.{parts[1]}"
            mac = hmac.new(self._nonce_key, body.encode("ascii"), hashlib.sha256).digest()[:16]
            if hmac.compare_digest(_b64(mac), parts[2]):
                expires = int(parts[0])
                if expires > self._now():
                    return expires
                raise OAuthError("invalid_nonce", "the c_nonce has expired; get a new one")
        raise OAuthError("invalid_nonce", "the c_nonce is not one this issuer gave")

    # ------------------------------------------------------------------ credential endpoint

    def _token_record(self, access_token: str | None) -> tuple[str, Any, dict[str, Any]]:
        if not isinstance(access_token, str) or not 0 < len(access_token) <= MAX_SECRET_CHARS:
            raise OAuthError("invalid_token", "a Bearer access token is required", status=401)
        key = _digest(access_token)
        row = self.store.get("oid4vci.token", key)
        record = self._live(row.value if row else None)
        if row is None or record is None:
            raise OAuthError(
                "invalid_token", "the access token is unknown or has expired", status=401
            )
        return key, row, record

    def credential(self, access_token: str | None, body: Mapping[str, Any]) -> dict[str, Any]:
        """The credential endpoint (OpenID4VCI 1.0 §8): the Credential Request (its JSON) with
        the access token of the ``Authorization: Bearer`` header in, the Credential Response
        ``{"credentials": [{"credential": ...}]}`` out.

        Raises:
            OAuthError: ``invalid_token`` (401); ``invalid_credential_request`` (malformed,
                or more than one key proof); ``unknown_credential_configuration`` (not
                offered with this token); ``unknown_credential_identifier``;
                ``credential_request_denied`` (already issued with this token);
                ``invalid_proof`` (a key proof is missing, or its ``typ``, ``alg``, key,
                signature, ``aud``, ``iat`` or ``nonce`` claim is wrong); ``invalid_nonce``
                (the ``c_nonce`` is not this issuer's, expired, or used before).
        """
        key, row, record = self._token_record(access_token)
        if not isinstance(body, Mapping):
            raise OAuthError("invalid_credential_request", "the body must be a JSON object")
        configuration = self._requested_configuration(body, record)
        proof = _one_proof(body)
        holder, nonce = self._verify_proof(proof)
        expires = self._check_nonce(nonce)
        if not self.store.add("oid4vci.nonce", nonce, _dump({"expires": expires})):
            raise OAuthError("invalid_nonce", "the c_nonce was used before; get a new one")
        remaining = [c for c in record["remaining"] if c != configuration]
        if not self.store.compare_and_set(
            "oid4vci.token", key, row.version, _dump({**record, "remaining": remaining})
        ):
            raise OAuthError(
                "credential_request_denied", "this access token was used at the same time"
            )
        issued = self._issue(configuration, record["form"], holder)
        return {"credentials": [{"credential": issued}]}

    def _requested_configuration(self, body: Mapping[str, Any], record: Mapping[str, Any]) -> str:
        if "credential_identifier" in body:
            raise OAuthError(
                "unknown_credential_identifier",
                "this issuer gives no credential identifiers; use credential_configuration_id",
            )
        if "format" in body:
            raise OAuthError(
                "invalid_credential_request",
                "format is not a Credential Request parameter in OpenID4VCI 1.0; "
                "use credential_configuration_id",
            )
        if "credential_response_encryption" in body:
            raise OAuthError(
                "invalid_encryption_parameters", "this issuer does not encrypt responses"
            )
        wanted = body.get("credential_configuration_id")
        if not isinstance(wanted, str) or not wanted:
            raise OAuthError(
                "invalid_credential_request", "credential_configuration_id is required"
            )
        if wanted not in CONFIGURATIONS or wanted not in self.config.configurations:
            raise OAuthError(
                "unknown_credential_configuration", f"no credential configuration {wanted[:80]!r}"
            )
        if wanted not in record["offered"]:
            raise OAuthError(
                "unknown_credential_configuration", f"{wanted} is not offered with this token"
            )
        if wanted not in record["remaining"]:
            raise OAuthError(
                "credential_request_denied", f"{wanted} was issued with this access token already"
            )
        return wanted

    def _verify_proof(self, proof: str) -> tuple[HolderKey, str]:
        """The holder's key and the ``nonce`` of a ``jwt`` key proof (OpenID4VCI 1.0
        Appendix F.1, F.4).

        Raises:
            OAuthError: ``invalid_proof`` naming the claim or header that is wrong.
        """
        try:
            header, payload, segments = _read_compact(proof, max_bytes=MAX_PROOF_BYTES)
            signing_input = _signing_input(proof, segments, header)
        except MicrocredError as exc:
            raise OAuthError(
                "invalid_proof", f"the key proof is not a compact JWS: {exc}"
            ) from None
        if header.get("typ") != PROOF_TYP:
            raise OAuthError("invalid_proof", f"the key proof's typ must be {PROOF_TYP}")
        alg = header.get("alg")
        if alg not in PROOF_ALGORITHMS:
            raise OAuthError(
                "invalid_proof",
                f"the key proof's alg must be one of {', '.join(PROOF_ALGORITHMS)}",
            )
        if "crit" in header:
            raise OAuthError(
                "invalid_proof", "the key proof has critical headers this issuer lacks"
            )
        holder = _holder_key(header)
        if alg not in KEY_ALGORITHMS[holder.key.key_type]:
            raise OAuthError(
                "invalid_proof", f"alg {alg} does not fit the {holder.key.key_type} key"
            )
        if not holder.key.verifier(alg).verify(signing_input, segments[2]):
            raise OAuthError("invalid_proof", "the key proof's signature does not verify")
        self._check_proof_claims(payload)
        return holder, payload["nonce"]

    def _check_proof_claims(self, payload: Mapping[str, Any]) -> None:
        aud = payload.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.config.url not in audiences and f"{self.config.url}/" not in audiences:
            raise OAuthError(
                "invalid_proof", f"the key proof's aud must be the issuer, {self.config.url}"
            )
        iat = payload.get("iat")
        now = self._now()
        skew = max(1, self.config.proof_max_age // 10)
        if isinstance(iat, bool) or not isinstance(iat, (int, float)):
            raise OAuthError("invalid_proof", "the key proof has no iat")
        if iat < now - self.config.proof_max_age or iat > now + skew:
            raise OAuthError(
                "invalid_proof",
                f"the key proof's iat is outside the accepted window "
                f"({self.config.proof_max_age} s old at most)",
            )
        exp = payload.get("exp")
        if exp is not None and (not isinstance(exp, (int, float)) or exp < now - skew):
            raise OAuthError("invalid_proof", "the key proof has expired")
        nonce = payload.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise OAuthError(
                "invalid_proof", "the key proof has no nonce (get a c_nonce at the nonce endpoint)"
            )

    def _issue(self, configuration: str, form: Mapping[str, Any], holder: HolderKey) -> Any:
        from .. import _issue

        credential = MicroCredential.model_validate(form)
        fmt = CONFIGURATIONS[configuration].format
        key = self.config.key
        if fmt == "dc+sd-jwt":
            return credential.to_sd_jwt_vc(
                key, holder_jwk=holder.key.public_jwk(), identity=self.config.identity
            )
        document = credential.to_ob3(issuer_id=key.did, identity=self.config.identity).to_json()
        subject = document.get("credentialSubject")
        if isinstance(subject, dict):
            subject["id"] = holder.did
        if fmt == "jwt_vc_json":
            return _issue.issue(document, key, format="jwt", jwt_form="ob3")
        return _issue.issue(document, key)


def _one_proof(body: Mapping[str, Any]) -> str:
    """The one ``jwt`` key proof of a Credential Request (``proofs.jwt[0]``; ``proof`` of
    drafts up to 14 is read too).

    Raises:
        OAuthError: ``invalid_proof`` (none, or another proof type);
            ``invalid_credential_request`` (malformed, both forms, or several proofs: this
            issuer does not issue batches).
    """
    if "proof" in body and "proofs" in body:
        raise OAuthError("invalid_credential_request", "give proofs or proof, not both")
    if "proof" in body:
        single = body["proof"]
        if not isinstance(single, Mapping) or single.get("proof_type") != "jwt":
            raise OAuthError("invalid_proof", "the proof must be of proof_type jwt")
        found = single.get("jwt")
    elif "proofs" in body:
        proofs = body["proofs"]
        if not isinstance(proofs, Mapping) or len(proofs) != 1:
            raise OAuthError(
                "invalid_credential_request", "proofs is an object with one proof type"
            )
        if "jwt" not in proofs:
            raise OAuthError("invalid_proof", "this issuer accepts key proofs of type jwt only")
        listed = proofs["jwt"]
        if not isinstance(listed, list) or not listed:
            raise OAuthError("invalid_credential_request", "proofs.jwt must be a non-empty array")
        if len(listed) > 1:
            raise OAuthError(
                "invalid_credential_request", "this issuer issues one credential per request"
            )
        found = listed[0]
    else:
        raise OAuthError("invalid_proof", "the Credential Request needs a key proof (proofs.jwt)")
    if not isinstance(found, str) or not found:
        raise OAuthError("invalid_proof", "a jwt key proof is a compact JWS string")
    return found


def _holder_key(header: Mapping[str, Any]) -> HolderKey:
    """The key a proof's header names: a public ``jwk``, or a ``kid`` that is a ``did:key`` or
    ``did:jwk`` DID URL (exactly one of them; ``x5c`` and ``trust_chain`` are not supported).

    Raises:
        OAuthError: ``invalid_proof``.
    """
    named = [m for m in ("jwk", "kid", "x5c", "trust_chain") if m in header]
    if len(named) != 1 or named[0] not in ("jwk", "kid"):
        raise OAuthError(
            "invalid_proof", "the key proof's header names its key by exactly one of jwk and kid"
        )
    try:
        if named[0] == "jwk":
            jwk = header["jwk"]
            if not isinstance(jwk, Mapping) or any(m in jwk for m in ("d", "p", "q", "k")):
                raise OAuthError("invalid_proof", "the key proof's jwk is not a public key")
            key = KeyPair.from_jwk({k: v for k, v in jwk.items() if k != "kid"}, did_method="jwk")
            return HolderKey(key, key.did)
        kid = header["kid"]
        if (
            not isinstance(kid, str)
            or not kid.startswith(("did:key:", "did:jwk:"))
            or "#" not in kid
        ):
            raise OAuthError(
                "invalid_proof", "the key proof's kid must be a did:key or did:jwk DID URL"
            )
        resolver = DidKeyResolver() if kid.startswith("did:key:") else DidJwkResolver()
        method, _ = dereference(kid, resolver)
        key = public_key_of_method(method)
        return HolderKey(key, kid.partition("#")[0])
    except MicrocredError as exc:
        if isinstance(exc, OAuthError):
            raise
        raise OAuthError("invalid_proof", f"the key proof's key is unusable: {exc}") from None
