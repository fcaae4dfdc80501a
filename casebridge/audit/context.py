"""Where the current action comes from: the request's IP and id, or the command line."""

from __future__ import annotations

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
