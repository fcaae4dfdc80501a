"""Database triggers that make a table append-only (PostgreSQL and SQLite): audit events, and
the evidence register and each item's chain of custody (legal hand-offs and their receipts). UPDATE, DELETE and
TRUNCATE are refused by the database itself, whatever the application does."""

from __future__ import annotations

from typing import Any

# (table, the triggers' name) of every append-only table; each is installed by its own migration.
TABLES = [
    ("audit_auditevent", "audit_event"),
    ("legal_handoff", "legal_handoff"),
    ("legal_handoffreceipt", "legal_handoffreceipt"),
    ("legal_evidence", "legal_evidence"),
]


def _pg_install(table: str, name: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name}_no_update ON {table};
DROP TRIGGER IF EXISTS {name}_no_truncate ON {table};
CREATE TRIGGER {name}_no_update BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}_append_only();
CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_append_only();
"""


def _pg_remove(table: str, name: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {name}_no_update ON {table};
DROP TRIGGER IF EXISTS {name}_no_truncate ON {table};
DROP FUNCTION IF EXISTS {name}_append_only();
"""


def _sqlite_install(table: str, name: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only ({op} refused)'); END;"
        for op in ("UPDATE", "DELETE")
    ]


def _sqlite_remove(name: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}_no_{op};" for op in ("update", "delete")]


def install(connection: Any, table: str = "audit_auditevent", name: str = "audit_event") -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_pg_install(table, name))
        elif connection.vendor == "sqlite":
            for statement in _sqlite_install(table, name):
                cursor.execute(statement)


def remove(connection: Any, table: str = "audit_auditevent", name: str = "audit_event") -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_pg_remove(table, name))
        elif connection.vendor == "sqlite":
            for statement in _sqlite_remove(name):
                cursor.execute(statement)


def install_all(connection: Any) -> None:
    for table, name in TABLES:
        install(connection, table, name)


def remove_all(connection: Any) -> None:
    """Only for tests that empty the whole database between runs."""
    for table, name in TABLES:
        remove(connection, table, name)
