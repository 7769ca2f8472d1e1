"""Whether the endpoint can listen where it is asked to, checked before the minute of building."""

from __future__ import annotations

import socket

from ..core.errors import MigkgError


def check_can_listen(host: str, port: int) -> None:
    """Raise a MigkgError naming the problem if `host:port` cannot be bound now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise MigkgError(f"--host {host!r} is not an address this machine knows: {e}", hint="use 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as e:
            raise MigkgError(f"cannot listen on {host}:{port}: {e.strerror}", hint="choose another --port") from None
