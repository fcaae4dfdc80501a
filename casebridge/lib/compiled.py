"""Querysets compiled once per process, for the few queries every request runs.

Django compiles a queryset to SQL each time it runs it; for the queries on every request (the
token, the memberships, the ways into a case with the case, its team) that compiling costs more
than the database's answer (decision 0013). :class:`Compiled` compiles a queryset once per
database and *shape*, and later runs the same SQL with new values, building the model instances
as the ORM would (related rows, annotations, field converters such as decryption on access).

The queryset is built by a function that takes only the shape (for instance the length of an
``__in`` list). Every value that differs between calls must be a :class:`Slot`, never a Python
value captured at build time: that value would be kept in the compiled query. Constants (a role,
``is_active=True``) may be written as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=Model)


class _Value:
    """Where a slot's value goes among a compiled query's parameters."""

    __slots__ = ("field", "name")

    def __init__(self, name: str, field: Field) -> None:  # type: ignore[type-arg]
        self.name, self.field = name, field


class Slot(Expression):
    """A value given when the compiled query runs: ``filter(pk=Slot("pk", models.UUIDField()))``.
    The field prepares the value for the database as a lookup's own field would."""

    def __init__(self, name: str, output_field: Field) -> None:  # type: ignore[type-arg]
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Value(self.name, self.output_field)]


class _Plan:
    """One compiled query: its SQL, where the values go, and (``count=False``) how rows become
    instances. ``count=True``: the number of rows the queryset holds."""

    def __init__(self, queryset: QuerySet[Any], alias: str, *, count: bool = False) -> None:
        self.alias, self.count = alias, count
        self.empty = False
        try:
            self._compile(queryset, alias, count)
        except EmptyResultSet:  # (``pk__in=[]``): nothing, whatever the values
            self.empty = True

    def _compile(self, queryset: QuerySet[Any], alias: str, count: bool) -> None:
        if count:
            compiler = queryset.order_by().values("pk").query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            self.sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 (SQL the ORM compiled)
        else:
            compiler = queryset.query.get_compiler(using=alias)
            self.sql, params = compiler.as_sql()
            select, klass_info = compiler.select, compiler.klass_info
            assert klass_info is not None, "a model queryset"
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, select, alias)
            self.annotations = dict(compiler.annotation_col_map or {})
            self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
            self.compiler = compiler
        self.params = list(params)
        self.slots = [i for i, p in enumerate(self.params) if isinstance(p, _Value)]

    def _query(self, values: dict[str, Any], limit: int | None, offset: int) -> tuple[str, list[Any]]:
        connection = connections[self.alias]
        params = list(self.params)
        for i in self.slots:
            slot: _Value = params[i]
            params[i] = slot.field.get_db_prep_value(values[slot.name], connection, prepared=False)
        if limit is None:
            return self.sql, params
        return f"{self.sql} LIMIT %s OFFSET %s", [*params, limit, offset]

    def run(self, values: dict[str, Any], limit: int | None = None, offset: int = 0) -> Any:
        if self.empty:
            return 0 if self.count else []
        with connections[self.alias].cursor() as cursor:
            rows: Any = execute_prepared(cursor, *self._query(values, limit, offset))
        if self.count:
            return int(rows[0][0])
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        found = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for attr, at in self.annotations.items():
                setattr(obj, attr, row[at])
            found.append(obj)
        return found


# Beyond this many values a statement is not prepared: the server takes at most 65,535 values
# bound to one statement, and a statement that long is rarely run twice.
PREPARED_VALUES = 10_000


def execute_prepared(cursor: Any, sql: str, params: list[Any]) -> list[Any]:
    """Run ``sql`` on ``cursor`` (a Django cursor) and return its rows (none for a statement that
    returns none). On PostgreSQL as a prepared statement, planned once per connection: Django's
    own cursors bind values on the client, which makes every query text new to the server. The
    query still goes through Django's wrappers (the transaction's checks, query counts in tests)."""
    connection = cursor.db
    if connection.vendor != "postgresql" or len(params) > PREPARED_VALUES:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
    import psycopg

    raw = connection.connection
    server = psycopg.Cursor(raw)  # binds values on the server
    rows: list[Any] = []

    def execute(sql: str, params: Any, many: bool, context: Any) -> None:
        connection.validate_no_broken_transaction()
        # psycopg prepares only while its threshold is a number; it stays None (Django's
        # default) otherwise, so that it keeps no count of Django's own query texts.
        raw.prepare_threshold = 0
        try:
            with connection.wrap_database_errors:
                server.execute(sql, params, prepare=True)
                result = server.pgresult  # (``description`` would build every column's object)
                if result is not None and result.status == psycopg.pq.ExecStatus.TUPLES_OK:
                    rows.extend(server.fetchall())
        finally:
            raw.prepare_threshold = None

    with server:
        if hasattr(cursor, "debug_sql"):  # (a test or DEBUG counting queries)
            with cursor.debug_sql(sql, params):
                cursor._execute_with_wrappers(sql, params, many=False, executor=execute)
        else:
            cursor._execute_with_wrappers(sql, params, many=False, executor=execute)
    return rows


def slots(prefix: str, count: int, field: Field) -> list[Slot]:  # type: ignore[type-arg]
    """``count`` slots ``prefix0``, ``prefix1``… for an ``__in`` list of a compiled query; their
    values come from :func:`fill` with the same prefix."""
    return [Slot(f"{prefix}{i}", field) for i in range(count)]


def fill(prefix: str, values: Sequence[Any]) -> tuple[int, dict[str, Any]]:
    """``values`` as the slots ``prefix0``, ``prefix1``… of an ``__in`` list whose length is
    rounded up to a power of two, the last value repeated (the list means the same): lists of any
    length make a few shapes, so a few compiled and prepared statements, not one per length."""
    if not values:
        return 0, {}
    size = 1 << (len(values) - 1).bit_length()
    padded = [*values, *[values[-1]] * (size - len(values))]
    return size, {f"{prefix}{i}": value for i, value in enumerate(padded)}


class Compiled(Generic[M]):
    """``build(shape)`` compiled once per database and shape; calling it runs the query with the
    slots' values and returns the instances (``limit`` and ``offset``: a page of them, in the
    queryset's order). ``shape`` must be hashable and decide everything about the SQL but the
    slots' values."""

    def __init__(self, build: Callable[[Any], QuerySet[M]]) -> None:
        self.build = build
        self._plans: dict[tuple[str, Hashable, bool], _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, shape: Hashable, using: str, count: bool) -> _Plan:
        key = (f"{connections[using].vendor}:{using}", shape, count)
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or _Plan(self.build(shape), using, count=count)
                self._plans[key] = plan
        return plan

    def __call__(
        self, shape: Hashable = None, *, limit: int | None = None, offset: int = 0, using: str = "default", **v: Any
    ) -> list[M]:
        return self._plan(shape, using, False).run(v, limit, offset)  # type: ignore[no-any-return]

    def count(self, shape: Hashable = None, *, using: str = "default", **values: Any) -> int:
        return self._plan(shape, using, True).run(values)  # type: ignore[no-any-return]


class Rows(Generic[M]):
    """A compiled query with its values, as a sequence a Paginator pages through (the count, then
    the page's slice), each a compiled query."""

    ordered = True  # (the queryset's own order; Paginator asks)

    def __init__(self, compiled: Compiled[M], shape: Hashable, **values: Any) -> None:
        self.compiled, self.shape, self.values = compiled, shape, values

    def count(self) -> int:
        return self.compiled.count(self.shape, **self.values)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[M]:
        if not isinstance(key, slice) or key.step not in (None, 1) or key.stop is None:
            raise TypeError("Rows are read by slices with an end")
        start = key.start or 0
        return self.compiled(self.shape, limit=max(0, key.stop - start), offset=start, **self.values)
