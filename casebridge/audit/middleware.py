from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

from casebridge.audit.context import Origin, client_address, reset_origin, set_origin
from casebridge.audit.log import flush

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed X-Request-ID, else new) and makes the
    id and client address available to audit events written while it runs. It also marks the
    transaction depth the request starts at, so that the request's audit events are sealed into
    the chain as its own transaction ends (casebridge.audit.backends)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else str(uuid.uuid4())
        token = set_origin(Origin(ip=client_address(request.META.get("REMOTE_ADDR")), request_id=request_id))
        marked: list[Any] = [conn for conn in connections.all() if hasattr(conn, "audit_pending")]
        for conn in marked:
            conn.audit_defer_depth = len(conn.atomic_blocks)
        try:
            response = self.get_response(request)
        finally:
            for conn in marked:
                conn.audit_defer_depth = None
                if conn.audit_pending:  # cannot happen: every block deeper than the mark has ended
                    logger.error("audit events left unwritten at the end of request %s; writing them now", request_id)
                    with transaction.atomic(using=conn.alias):
                        flush(conn)
            reset_origin(token)
        response["X-Request-ID"] = request_id
        return response
