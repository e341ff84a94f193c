"""The checks on what a credential says, the same for every route: subject, validity window,
status, ``credentialSchema`` and the caller's profile.

They read the document by member name; the ``contexts`` check of the route has made sure that
what they read is what the signature covers (the strict reading rule).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._vc import VC_V1, parse_datetime, subject_problem
from ..report import VerificationReport
from ._jwt import verify_status_list_token
from ._options import VerifyOptions
from ._schema import JSON_SCHEMA_TYPES, check_json_schema

if TYPE_CHECKING:
    from ..status import ListVerifier

# The status lists, the official schemas and the profiles load with the first credential
# that needs them: most verifications need none of them (the CLI's cold start).

__all__ = ["check_profile", "check_schemas", "check_status", "check_subject", "check_validity"]


def check_subject(report: VerificationReport, document: Mapping[str, Any]) -> None:
    """``subject``: the credential has a ``credentialSubject`` (VC Data Model 1.1 and 2.0)."""
    wrong = subject_problem(document)
    if wrong is None:
        report.add("subject", "passed", "credentialSubject present")
    else:
        report.add("subject", "failed", wrong, "$.credentialSubject")


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    context = document.get("@context")
    return context if isinstance(context, list) else [context]


def check_validity(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """``validity.valid_from`` / ``validity.valid_until``: ``validFrom``/``validUntil``
    (VC 2.0: an ``xsd:dateTimeStamp``, with a time zone) or ``issuanceDate``/
    ``expirationDate`` (VC 1.1: an ``xsd:dateTime``; without a time zone read as UTC)
    against ``options.moment`` with the clock skew."""
    now = options.moment
    skew = options.max_clock_skew
    vc_11 = _contexts(document)[0] == VC_V1
    start_key = "validFrom" if "validFrom" in document or not vc_11 else "issuanceDate"
    end_key = "validUntil" if "validUntil" in document or not vc_11 else "expirationDate"
    for key, is_start in ((start_key, True), (end_key, False)):
        check_id = "validity.valid_from" if is_start else "validity.valid_until"
        if key not in document:
            if is_start and vc_11:
                report.add(check_id, "failed", "VC 1.1 credential without issuanceDate", f"$.{key}")
            else:
                report.add(check_id, "skipped", f"no {key}")
            continue
        value = document[key]
        needs_zone = key in ("validFrom", "validUntil") and not vc_11
        moment = parse_datetime(value, require_timezone=needs_zone)
        if moment is None:
            if needs_zone and parse_datetime(value) is not None:
                message = (
                    f"{key} {value!r} has no time zone; VC Data Model 2.0 §4.9 requires an "
                    "xsd:dateTimeStamp (a date-time with a time zone offset)"
                )
            else:
                message = f"{key} is not a dateTime: {value!r}"
            report.add(check_id, "failed", message, f"$.{key}")
        elif is_start and moment > now + skew:
            report.add(check_id, "failed", f"not valid yet: {key} is {value}", f"$.{key}")
        elif not is_start and moment < now - skew:
            report.add(check_id, "failed", f"expired: {key} was {value}", f"$.{key}")
        else:
            report.add(check_id, "passed", f"{key} {value}")


def _token_reference(document: Mapping[str, Any]) -> bool:
    """The document carries an IETF Token Status List reference (``status.status_list``, as
    an SD-JWT VC or a JWT credential does)."""
    status = document.get("status")
    return isinstance(status, Mapping) and "status_list" in status


def check_status(
    report: VerificationReport,
    document: Mapping[str, Any],
    options: VerifyOptions,
    verify_list: ListVerifier,
) -> None:
    """``status``: every ``credentialStatus`` entry checked against its list (one check
    each, see :func:`microcred.status.check_entries`), and a ``status.status_list`` reference
    (IETF Token Status List) against its Status List Token (one check, see
    :func:`microcred.status.check_token_status`; the token's key is resolved as a JWT's).

    A status that is not checked leaves the credential *indeterminate*: no status list could be
    had (no fetcher), or the method is not implemented. The caller may opt out
    (``check_status=False``): the check is then skipped and the report warns.
    """
    has_token = _token_reference(document)
    where = "$.credentialStatus" if "credentialStatus" in document else "$.status"
    if "credentialStatus" not in document and "status" not in document:
        report.add("status", "skipped", "the credential has no credentialStatus")
        return
    if not options.check_status:
        report.add("status", "skipped", "status not checked: the caller opted out", where)
        report.warn(
            "status",
            "the credential's status (revocation, suspension) was not checked: the caller "
            "opted out (check_status=False, --no-status)",
            where,
        )
        return
    if "status" in document and not has_token:
        # draft-ietf-oauth-status-list §6.1: "status" MUST be a JSON Object that contains at
        # least one reference to a status mechanism; status_list is the one microcred knows
        claim = document["status"]
        if not isinstance(claim, Mapping) or not claim:
            report.add(
                "status", "failed", "status must be an object naming a status mechanism", "$.status"
            )
        else:
            names = ", ".join(sorted(str(k)[:40] for k in claim)[:5])
            report.add(
                "status",
                "error",
                f"status mechanism(s) {names} not supported (only status_list): the status "
                "cannot be checked",
                "$.status",
            )
        if "credentialStatus" not in document:
            return
    if options.status is None:
        report.add(
            "status",
            "error",
            "the credential has a "
            + ("credentialStatus" if where == "$.credentialStatus" else "status (status_list)")
            + ", but no status list was given to check it against (status=..., --status-list "
            "URL=FILE, or --allow-network); to accept it unchecked, opt out with "
            "check_status=False (--no-status)",
            where,
        )
        return
    from ..status import check_entries, check_token_status

    if "credentialStatus" in document:
        check_entries(
            report, document, fetcher=options.status, verify_list=verify_list, limits=options.limits
        )
    if has_token:
        check_token_status(
            report,
            document,
            fetcher=options.status,
            verify_token=lambda token: _verify_status_token(token, options),
            now=options.moment,
            max_clock_skew=options.max_clock_skew.total_seconds(),
            limits=options.limits,
        )


def check_schemas(
    report: VerificationReport,
    document: Mapping[str, Any],
    options: VerifyOptions | None = None,
    verify_credential: Callable[[Any], VerificationReport] | None = None,
) -> None:
    """``schema``: each ``credentialSchema`` entry is applied: one of type ``JsonSchema`` /
    ``JsonSchemaCredential`` with the caller's schema (``options.schemas``, or fetched by
    ``options.schema_fetcher``; :mod:`._schema`), an official one microcred knows offline with
    its equivalent of it; any other is skipped, with a warning. ``verify_credential``
    verifies a ``JsonSchemaCredential`` (the pipeline's own verification)."""
    declared = document.get("credentialSchema")
    if declared is None:
        report.add("schema", "skipped", "the credential declares no credentialSchema")
        return
    from .._schemas import KNOWN_SCHEMA_URLS, schema_names, validate_with

    entries = declared if isinstance(declared, list) else [declared]
    for position, entry in enumerate(entries):
        path = "$.credentialSchema" + (f"[{position}]" if isinstance(declared, list) else "")
        url = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            report.add("schema", "failed", "credentialSchema entry without an id", path)
            continue
        if _caller_schema(report, document, entry, url, path, options, verify_credential):
            continue
        name = KNOWN_SCHEMA_URLS.get(url)
        if name is None or name.partition("#")[0] not in schema_names():
            message = f"schema {url} is not known offline; not applied"
            report.add("schema", "skipped", message, path)
            report.warn("schema", f"the credential's declared {message}", path)
            continue
        problems = validate_with(name, dict(document))
        if not problems:
            report.add("schema", "passed", f"valid against {url}", path)
        for problem in problems[:20]:
            report.add("schema", "failed", f"{problem.message} (at {problem.path})", path)


def _caller_schema(
    report: VerificationReport,
    document: Mapping[str, Any],
    entry: Mapping[str, Any],
    url: str,
    path: str,
    options: VerifyOptions | None,
    verify_credential: Callable[[Any], VerificationReport] | None,
) -> bool:
    """Apply ``entry`` with the caller's schema when there is one: in ``options.schemas``
    (any type), or fetchable for a ``JsonSchema``/``JsonSchemaCredential`` entry that is not
    an official schema microcred ships. ``False``: not applied here."""
    if options is None or verify_credential is None:
        return False
    from .._schemas import KNOWN_SCHEMA_URLS

    if url not in options.schemas and (
        entry.get("type") not in JSON_SCHEMA_TYPES or url in KNOWN_SCHEMA_URLS
    ):
        return False
    return check_json_schema(report, document, entry, path, options, verify_credential)


def check_profile(
    report: VerificationReport, document: Mapping[str, Any], options: VerifyOptions
) -> None:
    """``profile``: with ``options.profile``, the credential is also valid for that profile
    of :func:`microcred.validate`."""
    if options.profile is None:
        return
    from .._validate import validate

    validation = validate(dict(document), options.profile, limits=options.limits)
    if validation.valid:
        report.add("profile", "passed", f"valid for profile {validation.profile}")
    for problem in validation.problems[:20]:
        report.add("profile", "failed", f"{problem.message} ({problem.rule})", problem.path)


def _verify_status_token(token: str, options: VerifyOptions) -> Any:
    """A Status List Token, verified as a JWT (``kid``) or by its ``x5c`` chain (the SD-JWT
    route's X.509 validation, loaded only when a token list is checked)."""
    from ._sdjwt import _x5c_key

    return verify_status_list_token(token, options, x5c_key=_x5c_key)
