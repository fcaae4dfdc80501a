from django.db.backends.sqlite3 import base

from casebridge.audit.backends import AuditedConnection


class DatabaseWrapper(AuditedConnection, base.DatabaseWrapper):  # type: ignore[misc]
    """Django's sqlite3 backend, sealing a request's audit events as its transaction ends."""
