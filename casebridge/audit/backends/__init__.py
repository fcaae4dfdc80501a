"""Database backends that seal a request's audit events into the chain as its transaction ends.

``CASEBRIDGE_DATABASE_URL`` selects ``casebridge.audit.backends.postgresql`` or ``.sqlite3``:
Django's own backends with :class:`AuditedConnection` mixed in. The request middleware marks the
transaction depth the request starts at (``audit_defer_depth``); ``audit.log.record`` then keeps
events on the connection, and they are written when the request's own transaction (the block one
level deeper) ends: at ``commit`` in production, at the savepoint's release in a test. Events
recorded inside a savepoint that rolls back are dropped with it.
"""

from __future__ import annotations

from typing import Any


class AuditedConnection:
    """Mixed into a Django DatabaseWrapper (see the module's docstring)."""

    audit_defer_depth: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audit_pending: list[tuple[set[str], list[Any]]] = []

    def _flush_audit(self) -> None:
        if self.audit_pending:
            from casebridge.audit.log import flush

            flush(self)

    def commit(self) -> None:
        self._flush_audit()
        super().commit()  # type: ignore[misc]

    def savepoint_commit(self, sid: str) -> None:
        if self.audit_pending and len(self.atomic_blocks) == self.audit_defer_depth:  # type: ignore[attr-defined]
            self._flush_audit()
        super().savepoint_commit(sid)  # type: ignore[misc]

    def savepoint_rollback(self, sid: str) -> None:
        super().savepoint_rollback(sid)  # type: ignore[misc]
        self.audit_pending = [(sids, events) for sids, events in self.audit_pending if sid not in sids]

    def rollback(self) -> None:
        self.audit_pending = []
        super().rollback()  # type: ignore[misc]

    def close(self) -> None:
        self.audit_pending = []
        super().close()  # type: ignore[misc]
