"""Where the current action comes from: the request's IP and id, or the command line."""

from __future__ import annotations

import ipaddress
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None
    request_id: str


_current: ContextVar[Origin | None] = ContextVar("casebridge_audit_origin", default=None)


def current_origin() -> Origin:
    origin = _current.get()
    if origin is None:
        origin = Origin(ip=None, request_id=f"cli-{uuid.uuid4()}")
        _current.set(origin)
    return origin


def set_origin(origin: Origin | None) -> object:
    return _current.set(origin)


def reset_origin(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def client_address(remote: str | None) -> str | None:
    """The client's address in the form the database gives back, so that an event's hash still
    matches when it is read again: an IPv4 client of a server listening on IPv6
    (``::ffff:10.0.0.1``) as its IPv4 address, IPv6 in its compressed form; None if none."""
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
