"""Shared test configuration.

Reference data from the specifications lives in ``../shared/standards`` beside the project
(not part of the project). Tests that need it use the ``shared_standards`` fixture, which skips
with a stated reason when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from tests._postgres import postgres_server, postgres_url, unused_port

__all__ = ["postgres_server", "postgres_url", "unused_port"]  # fixtures for every test

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
STANDARDS = SHARED / "standards"

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("ci")


@pytest.fixture
def shared_standards() -> Path:
    """``../shared/standards``, or skip the test when it is not there."""
    if not STANDARDS.is_dir():
        pytest.skip("reference data not present: ../shared/standards (outside the project)")
    return STANDARDS


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class NetworkBlockedError(AssertionError):
    """A test tried to reach beyond loopback: microcred must be offline by default."""


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with sockets to anything but loopback refused (and name lookups of
    anything but loopback names), proving the offline default across the suite."""
    import socket

    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in _LOOPBACK:
            raise NetworkBlockedError(f"test tried to connect to {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host not in _LOOPBACK and not _is_literal(host):
            raise NetworkBlockedError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


def _is_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
