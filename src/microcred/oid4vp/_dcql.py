"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 (§6): the query model, its
validation, and the check that a verified presentation answers its credential query.

What is checked of an answer (§6.4, §7): every credential query of a required credential set
is answered (all of them when the query has no ``credential_sets``); ``multiple: false``
queries have exactly one presentation; each presentation has the query's format and type
(``meta.vct_values`` for ``dc+sd-jwt``, ``meta.type_values`` for ``ldp_vc`` /
``jwt_vc_json``); every requested claim is there (one claim set of ``claim_sets`` when it
has them) with one of its ``values`` when given; and, for SD-JWT, no claim was disclosed that
the query did not ask for ("the Wallet MUST NOT return claims that were not requested",
§6.4.1: a disclosure outside every requested path is refused).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import OAuthError

__all__ = [
    "FORMATS",
    "MICRO_CREDENTIAL_QUERY",
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSet",
    "DcqlQuery",
    "claim_problems",
]

#: The credential formats microcred verifies (OpenID4VP 1.0 Appendix B).
FORMATS = ("dc+sd-jwt", "ldp_vc", "jwt_vc_json")
#: Bounds of one query (a hostile relying party or a typo never makes a huge request).
MAX_CREDENTIALS = 16
MAX_CLAIMS = 64
MAX_PATH = 16
MAX_VALUES = 32
MAX_SETS = 16
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")

PathElement = str | int | None

#: The EU micro-credential SD-JWT VC type microcred issues (``MicroCredential.to_sd_jwt_vc``).
MICRO_CREDENTIAL_VCT = "https://microcred.dev/vct/eu-micro-credential/1"
#: A query for an EU micro-credential that discloses its title, ECTS credits and issuer
#: (what the verifier page asks for, and the service's default).
MICRO_CREDENTIAL_QUERY: dict[str, Any] = {
    "credentials": [
        {
            "id": "micro_credential",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [MICRO_CREDENTIAL_VCT]},
            "claims": [
                {"path": ["credentialSubject", "achievement", "name"]},
                {"path": ["credentialSubject", "achievement", "ECTS"]},
                {"path": ["issuer", "name"]},
            ],
        }
    ]
}


def _bad(message: str) -> OAuthError:
    return OAuthError("invalid_request", f"dcql_query: {message}")


def _members(obj: Any, what: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise _bad(f"{what} must be a JSON object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _bad(f"{what} has unsupported member(s): {', '.join(map(str, unknown))[:200]}")
    missing = sorted(required - set(obj))
    if missing:
        raise _bad(f"{what} needs {', '.join(missing)}")
    return obj


def _array(value: Any, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _bad(f"{what} must be a non-empty array")
    if len(value) > limit:
        raise _bad(f"{what} has more than {limit} entries")
    return value


def _flag(obj: Mapping[str, Any], name: str, default: bool, what: str) -> bool:
    value = obj.get(name, default)
    if not isinstance(value, bool):
        raise _bad(f"{what}.{name} must be true or false")
    return value


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = _array(value, what, MAX_VALUES)
    if not all(isinstance(v, str) and 0 < len(v) <= 512 for v in items):
        raise _bad(f"{what} must hold non-empty strings")
    return tuple(items)


@dataclass(frozen=True)
class ClaimQuery:
    """One requested claim (§6.3): ``path`` into the credential (strings name members,
    integers index arrays, ``None`` selects every element); ``values``: the accepted values."""

    path: tuple[PathElement, ...]
    id: str | None = None
    values: tuple[Any, ...] | None = None

    @classmethod
    def parse(cls, obj: Any, what: str) -> ClaimQuery:
        """The claims query ``obj`` (JSON), validated.

        Raises:
            OAuthError: ``invalid_request``, naming what is wrong.
        """
        obj = _members(obj, what, {"id", "path", "values"}, {"path"})
        path = _array(obj["path"], f"{what}.path", MAX_PATH)
        for element in path:
            ok = element is None or (isinstance(element, str) and 0 < len(element) <= 256)
            ok = ok or (type(element) is int and 0 <= element < 1 << 31)
            if not ok:
                raise _bad(f"{what}.path holds strings, non-negative integers or null")
        claim_id = obj.get("id")
        if claim_id is not None and (not isinstance(claim_id, str) or not _ID.match(claim_id)):
            raise _bad(f"{what}.id must be letters, digits, '_' or '-'")
        values = None
        if "values" in obj:
            values = tuple(_array(obj["values"], f"{what}.values", MAX_VALUES))
            if not all(isinstance(v, (str, int, bool)) and v is not None for v in values):
                raise _bad(f"{what}.values hold strings, integers or booleans")
        return cls(tuple(path), claim_id, values)

    def to_json(self) -> dict[str, Any]:
        """The claims query as JSON."""
        data: dict[str, Any] = {"path": list(self.path)}
        if self.id is not None:
            data["id"] = self.id
        if self.values is not None:
            data["values"] = list(self.values)
        return data


@dataclass(frozen=True)
class CredentialQuery:
    """One credential query (§6.1): ``id``, ``format``, ``meta`` (the type it must have),
    ``claims`` (``()``: no selectively disclosable claim is requested), ``claim_sets``."""

    id: str
    format: str
    meta: Mapping[str, Any]
    claims: tuple[ClaimQuery, ...] = ()
    claim_sets: tuple[tuple[str, ...], ...] = ()
    multiple: bool = False
    require_cryptographic_holder_binding: bool = True

    @classmethod
    def parse(cls, obj: Any, what: str) -> CredentialQuery:
        """The credential query ``obj`` (JSON), validated.

        Raises:
            OAuthError: ``invalid_request``, naming what is wrong or unsupported.
        """
        allowed = {
            "id",
            "format",
            "meta",
            "claims",
            "claim_sets",
            "multiple",
            "require_cryptographic_holder_binding",
            "trusted_authorities",
        }
        obj = _members(obj, what, allowed, {"id", "format", "meta"})
        if not isinstance(obj["id"], str) or not _ID.match(obj["id"]):
            raise _bad(f"{what}.id must be 1-64 letters, digits, '_' or '-'")
        if obj["format"] not in FORMATS:
            raise _bad(f"{what}.format must be one of {', '.join(FORMATS)}")
        if "trusted_authorities" in obj:
            raise _bad(f"{what}.trusted_authorities is not supported (use the trust list)")
        meta = _meta(obj["format"], obj["meta"], f"{what}.meta")
        claims: tuple[ClaimQuery, ...] = ()
        if "claims" in obj:
            entries = _array(obj["claims"], f"{what}.claims", MAX_CLAIMS)
            claims = tuple(
                ClaimQuery.parse(c, f"{what}.claims[{i}]") for i, c in enumerate(entries)
            )
        sets: tuple[tuple[str, ...], ...] = ()
        if "claim_sets" in obj:
            ids = {c.id for c in claims}
            if not claims or None in ids or len(ids) != len(claims):
                raise _bad(f"{what}.claim_sets needs claims that each have a distinct id")
            entries = _array(obj["claim_sets"], f"{what}.claim_sets", MAX_SETS)
            sets = tuple(_strings(s, f"{what}.claim_sets[{i}]") for i, s in enumerate(entries))
            if not all(set(s) <= ids for s in sets):
                raise _bad(f"{what}.claim_sets names a claim id that is not in claims")
        return cls(
            obj["id"],
            obj["format"],
            meta,
            claims,
            sets,
            _flag(obj, "multiple", False, what),
            _flag(obj, "require_cryptographic_holder_binding", True, what),
        )

    def to_json(self) -> dict[str, Any]:
        """The credential query as JSON (defaults left out)."""
        data: dict[str, Any] = {"id": self.id, "format": self.format, "meta": dict(self.meta)}
        if self.claims:
            data["claims"] = [c.to_json() for c in self.claims]
        if self.claim_sets:
            data["claim_sets"] = [list(s) for s in self.claim_sets]
        if self.multiple:
            data["multiple"] = True
        if not self.require_cryptographic_holder_binding:
            data["require_cryptographic_holder_binding"] = False
        return data


def _meta(fmt: str, value: Any, what: str) -> dict[str, Any]:
    if fmt == "dc+sd-jwt":
        obj = _members(value, what, {"vct_values"}, {"vct_values"})
        return {"vct_values": list(_strings(obj["vct_values"], f"{what}.vct_values"))}
    obj = _members(value, what, {"type_values"}, {"type_values"})
    entries = _array(obj["type_values"], f"{what}.type_values", MAX_VALUES)
    return {
        "type_values": [
            list(_strings(t, f"{what}.type_values[{i}]")) for i, t in enumerate(entries)
        ]
    }


@dataclass(frozen=True)
class CredentialSet:
    """A credential set (§6.2): ``options`` (each a list of credential query ids that
    together satisfy it) and whether it is ``required``."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def to_json(self) -> dict[str, Any]:
        """The credential set as JSON."""
        data: dict[str, Any] = {"options": [list(o) for o in self.options]}
        if not self.required:
            data["required"] = False
        return data


@dataclass(frozen=True)
class DcqlQuery:
    """A DCQL query: ``credentials`` and the optional ``credential_sets``."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSet, ...] = ()

    @classmethod
    def parse(cls, obj: Any) -> DcqlQuery:
        """The query ``obj`` (the ``dcql_query`` JSON), validated.

        Raises:
            OAuthError: ``invalid_request``: not a DCQL query, an unsupported format or
                member, ids used twice or unknown, more than the bounds allow.
        """
        obj = _members(obj, "the query", {"credentials", "credential_sets"}, {"credentials"})
        entries = _array(obj["credentials"], "credentials", MAX_CREDENTIALS)
        credentials = tuple(
            CredentialQuery.parse(c, f"credentials[{i}]") for i, c in enumerate(entries)
        )
        ids = [c.id for c in credentials]
        if len(set(ids)) != len(ids):
            raise _bad("credential query ids must be distinct")
        sets: list[CredentialSet] = []
        if "credential_sets" in obj:
            for i, entry in enumerate(_array(obj["credential_sets"], "credential_sets", MAX_SETS)):
                what = f"credential_sets[{i}]"
                entry = _members(entry, what, {"options", "required", "purpose"}, {"options"})
                options = tuple(
                    _strings(o, f"{what}.options[{j}]")
                    for j, o in enumerate(_array(entry["options"], f"{what}.options", MAX_SETS))
                )
                if not all(set(o) <= set(ids) for o in options):
                    raise _bad(f"{what} names a credential query id that is not in credentials")
                sets.append(CredentialSet(options, _flag(entry, "required", True, what)))
        return cls(credentials, tuple(sets))

    def to_json(self) -> dict[str, Any]:
        """The query as JSON (what goes in ``dcql_query``)."""
        data: dict[str, Any] = {"credentials": [c.to_json() for c in self.credentials]}
        if self.credential_sets:
            data["credential_sets"] = [s.to_json() for s in self.credential_sets]
        return data

    def query(self, query_id: str) -> CredentialQuery | None:
        """The credential query ``query_id``, if there is one."""
        return next((c for c in self.credentials if c.id == query_id), None)

    def unanswered(self, answered: set[str]) -> list[str]:
        """What is missing for the answered credential query ids ``answered`` to satisfy the
        query: ``[]`` when they do, else a description of each unmet requirement."""
        if not self.credential_sets:
            return [
                f"no verified presentation for {c.id}"
                for c in self.credentials
                if c.id not in answered
            ]
        missing = []
        for i, entry in enumerate(self.credential_sets):
            if entry.required and not any(set(o) <= answered for o in entry.options):
                choices = " or ".join("+".join(o) for o in entry.options)
                missing.append(f"credential set {i} needs {choices}")
        return missing


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _element_matches(element: PathElement, token: str) -> bool:
    if element is None:
        return token.isdigit()
    if isinstance(element, int):
        return token == str(element)
    return token == element


def _related(path: Sequence[PathElement], tokens: Sequence[str]) -> bool:
    """Whether the claim at ``tokens`` is on the claims path ``path``: the claim itself, a
    claim inside it, or one it is inside (needed to reach it)."""
    return all(_element_matches(e, t) for e, t in zip(path, tokens, strict=False))


def _select(node: Any, path: Sequence[PathElement]) -> list[Any]:
    """The values ``path`` selects in ``node`` (§7: ``None`` selects every element)."""
    found = [node]
    for element in path:
        step: list[Any] = []
        for value in found:
            if isinstance(element, str) and isinstance(value, Mapping) and element in value:
                step.append(value[element])
            elif element is None and isinstance(value, list):
                step.extend(value)
            elif isinstance(element, int) and isinstance(value, list) and element < len(value):
                step.append(value[element])
        found = step
    return found


def _present(claim: ClaimQuery, document: Mapping[str, Any]) -> bool:
    found = _select(document, claim.path)
    if claim.values is None:
        return bool(found)
    return any(v in claim.values and type(v) in {type(w) for w in claim.values} for v in found)


def claim_problems(
    query: CredentialQuery, document: Mapping[str, Any], disclosed: Sequence[str] | None
) -> list[str]:
    """What is wrong with a verified credential ``document`` as an answer to ``query``
    (``[]``: nothing); ``disclosed``: the RFC 6901 pointers of the claims an SD-JWT disclosed
    (``None`` for a format without selective disclosure).

    The problems name the claim path: ``requested claim ... not disclosed``, ``claim ...
    was not requested``, ``type ... not requested``.
    """
    problems = _type_problems(query, document)
    if query.claim_sets:
        by_id = {c.id: c for c in query.claims}
        if not any(all(_present(by_id[i], document) for i in s) for s in query.claim_sets):
            problems.append("no claim set of the query is disclosed in full")
    else:
        for claim in query.claims:
            if not _present(claim, document):
                problems.append(f"requested claim {_show(claim.path)} is not disclosed")
    for pointer in disclosed or ():
        tokens = _tokens(pointer)
        if not any(_related(c.path, tokens) for c in query.claims):
            problems.append(f"claim {pointer} was disclosed but not requested")
    return problems


def _type_problems(query: CredentialQuery, document: Mapping[str, Any]) -> list[str]:
    if query.format == "dc+sd-jwt":
        vct = document.get("vct")
        if vct not in query.meta["vct_values"]:
            return [f"vct {str(vct)[:100]!r} is not one the query asks for"]
        return []
    types = document.get("type")
    have = {types} if isinstance(types, str) else set(types) if isinstance(types, list) else set()
    if not any(set(t) <= have for t in query.meta["type_values"]):
        return ["the credential's type is not one the query asks for"]
    return []


def _show(path: Sequence[PathElement]) -> str:
    return "[" + ", ".join("null" if p is None else repr(p) for p in path) + "]"
