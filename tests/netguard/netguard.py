"""A socket guard: connections to anything but loopback (or a Unix socket) raise."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
attempts: list[str] = []


class NetworkBlocked(OSError):
    """Raised instead of reaching the internet."""


def _allowed(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", "") or str(host).startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _connect(self: socket.socket, address: Any) -> None:
    if not _allowed(address):
        attempts.append(repr(address))
        raise NetworkBlocked(f"network blocked in tests: {address!r}")
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    if not _allowed(address):
        attempts.append(repr(address))
        raise NetworkBlocked(f"network blocked in tests: {address!r}")
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost") and not _is_ip(name):
        attempts.append(f"dns:{name}")
        raise NetworkBlocked(f"DNS lookups blocked in tests: {name!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def install() -> None:
    """Patch the socket module process-wide."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]


def uninstall() -> None:
    """Restore the real socket functions."""
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo
