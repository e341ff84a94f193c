"""Network access, only when the caller opts in.

Nothing in microcred opens a socket by default. Code that may need the network (did:web,
remote contexts, status lists) takes a :class:`Fetcher`; the only implementation shipped,
:class:`HttpsFetcher`, is constructed explicitly by the caller and enforces https, a host
allowlist, no private/loopback addresses, same-host redirects only, and size/time limits.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Fetcher"]


@runtime_checkable
class Fetcher(Protocol):
    """Fetches the body of one URL.

    Implementations raise :class:`~microcred.errors.NetworkPolicyError` when the URL is not
    allowed and :class:`~microcred.errors.FetchError` when the request fails or the response
    is over ``max_bytes``.
    """

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> bytes: ...
