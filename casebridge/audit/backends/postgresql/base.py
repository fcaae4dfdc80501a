from django.db.backends.postgresql import base

from casebridge.audit.backends import AuditedConnection


class DatabaseWrapper(AuditedConnection, base.DatabaseWrapper):  # type: ignore[misc]
    """Django's postgresql backend, sealing a request's audit events as its transaction ends."""
