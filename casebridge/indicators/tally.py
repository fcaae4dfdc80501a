"""The indicators' tallies (decision 0012): each measure summed by the dashboard's groups and
kept in the database, so that reading the indicators over a million cases is a lookup, not a
pass over the records.

What every survivor's case, proceeding and suspect adds to each measure (its ``Contribution``)
is kept beside the sums (``Tally``). A saved or deleted record marks the one it belongs to
(``Pending``, in the write's own transaction); a reader adds what the marked ones add now in
place of what they added when last taken in, so that it reads the figures as the records stand;
the background worker (``tasks.refresh``) then folds them into the sums. Each month the worker
counts everything again as of the new month (the month rule: what was entered in the month
just over counts from now), while readers read the month before's.

Only coarse facts are kept (the quarter; province, lead agency, age band, sex, nationality,
days, care domain; counts), never a name or a note; nothing here is shown as it is: the
indicators publish it through their disclosure control."""

from __future__ import annotations

import datetime
import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.module_loading import import_string

from casebridge.cases.measures import Row, Within
from casebridge.indicators.models import Contribution, Pending, Tally, TallyState

# A measure's sums: (facet, group, days) → period → count name → number (0 if absent). The
# facet "" is all, by quarter; a group of a facet is by year; so is any count by days.
Key = tuple[str, str, str]
Marg = dict[Key, dict[datetime.date, Counter[str]]]

ALL = "all:"  # a pending mark that changes every contribution (an agency's code or type)
PENDING_AT_MOST = 1000  # more marked than this: readers read the sums as they are meanwhile
CHUNK = 20_000  # entities counted at once when everything is counted again
LIVE_AT_MOST = 50_000  # never counted, and more cases than this: readers wait for the worker


class NotCounted(Exception):
    """The tallies were never counted, and there are too many records to count while a reader
    waits."""


@dataclass(frozen=True)
class Source:
    """A measure function (``before``, ``within``) of an app, the kind of entity its rows are
    by, and the measures it gives (one: its rows; several: a dict of them)."""

    app: str
    path: str
    kind: str
    names: tuple[str, ...]


SOURCES = (
    Source("casebridge.cases", "casebridge.cases.measures.government_led", "case", ("led",)),
    Source("casebridge.investigations", "casebridge.investigations.measures.identified", "case", ("identified",)),
    Source("casebridge.investigations", "casebridge.investigations.measures.arrested", "subject", ("arrested",)),
    Source("casebridge.crisis", "casebridge.crisis.measures.windows", "case", ("windows",)),
    Source("casebridge.crisis", "casebridge.crisis.measures.incidents", "case", ("incidents",)),
    Source("casebridge.crisis", "casebridge.crisis.measures.days_to_placement", "case", ("placement",)),
    Source("casebridge.restoration", "casebridge.restoration.measures.goals", "case", ("goals",)),
    Source("casebridge.restoration", "casebridge.restoration.measures.reintegrated", "case", ("reintegrated",)),
    Source("casebridge.legal", "casebridge.legal.measures.participation", "case", ("participation",)),
    Source("casebridge.legal", "casebridge.legal.measures.compensation", "case", ("compensation",)),
    Source(
        "casebridge.legal", "casebridge.legal.measures.defendants", "proceeding", ("charged", "to_charge", "to_verdict")
    ),
)
ENTITIES = {"case": "cases.Case", "proceeding": "legal.Proceeding", "subject": "investigations.Subject"}


def _sources(kind: str | None = None) -> list[Source]:
    return [s for s in SOURCES if apps.is_installed(s.app) and kind in (None, s.kind)]


def _source(name: str) -> Source:
    return next(s for s in SOURCES if name in s.names)


def _rows(source: Source, before: datetime.date, within: Within) -> dict[str, list[Row]]:
    found = import_string(source.path)(before, within)
    return found if isinstance(found, dict) else {source.names[0]: found}


def _sex(value: str) -> str:
    """A recorded sex or gender as the filter's group (definitions.SEXES)."""
    return {"female": "female", "Feminine": "female", "male": "male", "Masculine": "male"}.get(value, "other")


def grouped(name: str, value: Any) -> str:
    """A recorded fact as the filter's group."""
    if name == "sex":
        return _sex(value)
    if name == "age_band":
        return value or "unknown"
    return str(value)


def marginalise(rows: Iterable[Row], into: Marg | None = None, sign: int = 1) -> Marg:
    """Rows of a measure summed into ``into``: for all (by quarter) and for the group of each
    fact they carry (by year), by their days if they count days."""
    found: Marg = {} if into is None else into
    for q, facts, counts in rows:
        extra = str(facts["days"]) if "days" in facts else ""
        year = datetime.date(q.year, 1, 1)
        keys = [("", "")] + [(f, grouped(f, v)) for f, v in facts.items() if f not in ("entity", "days")]
        for f, g in keys:
            periods = found.setdefault((f, g, extra), {})
            period = q if not f and not extra else year
            if (cell := periods.get(period)) is None:
                cell = periods[period] = Counter()
            for name, n in counts.items():
                cell[name] += sign * n
    return found


def _stored(rows: list[list[Any]]) -> Iterable[Row]:
    return ((datetime.date.fromisoformat(q), facts, counts) for q, facts, counts in rows)


def contributions(kind: str, before: datetime.date, within: Within) -> dict[str, dict[str, list[list[Any]]]]:
    """What each entity of ``kind`` (those ``within``) adds to each measure, as stored."""
    found: dict[str, dict[str, list[list[Any]]]] = {}
    for source in _sources(kind):
        for name, rows in _rows(source, before, within).items():
            for q, facts, counts in rows:
                key = f"{kind}:{facts.pop('entity')}"
                found.setdefault(key, {}).setdefault(name, []).append([q.isoformat(), facts, counts])
    return found


def _add(into: dict[str, Marg], added: dict[str, list[list[Any]]], sign: int) -> None:
    for name, rows in added.items():
        marginalise(_stored(rows), into.setdefault(name, {}), sign)


def _changes(keys: list[str], before: datetime.date) -> tuple[dict[str, Marg], dict[str, Any]]:
    """What the entities ``keys`` add now less what they added when last taken in, by measure;
    and what they add now."""
    ids: dict[str, list[str]] = {}
    for key in keys:
        kind, _colon, id_ = key.partition(":")
        ids.setdefault(kind, []).append(id_)
    now: dict[str, Any] = {}
    for kind, found in ids.items():
        for start in range(0, len(found), 500):
            now |= contributions(kind, before, found[start : start + 500])
    delta: dict[str, Marg] = {}
    for rows in Contribution.objects.filter(key__in=keys).values_list("rows", flat=True):
        _add(delta, _unpacked(rows), -1)
    for rows in now.values():
        _add(delta, rows, 1)
    return delta, now


def _lock() -> TallyState:
    state, _created = TallyState.objects.select_for_update().get_or_create(pk=1)
    return state


def month() -> datetime.date | None:
    """The first day the tallies do not count (None: never counted)."""
    return TallyState.objects.filter(pk=1).values_list("month", flat=True).first()


def _write(delta: dict[str, Marg]) -> None:
    """The sums changed by ``delta`` (cells that come to nothing removed)."""
    table = connection.ops.quote_name(Tally._meta.db_table)
    rows = [
        (name, f, g, extra, period.isoformat(), count, n)
        for name, marg in delta.items()
        for (f, g, extra), periods in marg.items()
        for period, counts in periods.items()
        for count, n in counts.items()
        if n
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (measure, facet, grp, extra, period, name, value) "  # noqa: S608 (names only)
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (measure, facet, grp, extra, period, name) "
            f"DO UPDATE SET value = {table}.value + excluded.value",
            rows,
        )
    Tally.objects.filter(value=0).delete()


def _packed(rows: dict[str, list[list[Any]]]) -> dict[str, Any]:
    """An entity's rows as stored: the facts all its rows share (her case's intake facts) once."""
    facts = [set(f.items()) for each in rows.values() for _q, f, _c in each]
    shared = dict(set.intersection(*facts)) if facts else {}
    own = {m: [[q, {k: v for k, v in f.items() if k not in shared}, c] for q, f, c in each] for m, each in rows.items()}
    return {"facts": shared, "rows": own}


def _unpacked(stored: dict[str, Any]) -> dict[str, list[list[Any]]]:
    shared = stored["facts"]
    return {m: [[q, shared | f, c] for q, f, c in each] for m, each in stored["rows"].items()}


def _store(found: dict[str, Any]) -> None:
    """Contributions written (by COPY on PostgreSQL: a million of them each month)."""
    if connection.vendor != "postgresql":
        Contribution.objects.bulk_create(
            [Contribution(key=k, rows=_packed(v)) for k, v in found.items()], batch_size=2000
        )
        return
    table = connection.ops.quote_name(Contribution._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} (key, rows) FROM STDIN") as copy:
        for key, rows in found.items():
            copy.write_row((key, json.dumps(_packed(rows), separators=(",", ":"))))


def _entities(kind: str) -> Iterable[tuple[Any, Any]]:
    """The ids of every entity of ``kind``, as (first, last) of chunks in their order."""
    model: type[Model] = apps.get_model(ENTITIES[kind])
    last = None
    while True:
        page = model.objects.order_by("pk")  # type: ignore[attr-defined]
        found = list((page.filter(pk__gt=last) if last else page).values_list("pk", flat=True)[:CHUNK])
        if not found:
            return
        yield found[0], found[-1]
        last = found[-1]


def rebuild(before: datetime.date) -> int:
    """Everything counted again as of ``before`` (the worker, once a month; after a bulk load);
    returns how many entities add something. Readers read the sums before it until it commits."""
    from casebridge.lib.measures import changed

    with transaction.atomic():
        state = _lock()
        Contribution.objects.all().delete()
        Tally.objects.all().delete()
        sums: dict[str, Marg] = {}
        added = 0
        for kind in ENTITIES:
            if not _sources(kind):
                continue
            for within in _entities(kind):
                found = contributions(kind, before, within)
                _store(found)
                for rows in found.values():
                    _add(sums, rows, 1)
                added += len(found)
        _write(sums)
        state.month, state.version = before, state.version + 1
        state.save()
        changed(*SOURCE_STAMPS)
    return added


def fold() -> int:
    """The marked entities taken into the sums (the worker); returns how many marks."""
    with transaction.atomic():
        state = _lock()
        if state.month is None:
            return 0
        marks = list(Pending.objects.order_by("pk").values_list("pk", "key")[:10_000])
        if not marks:
            return 0
        keys = sorted({k for _id, k in marks if k != ALL})
        if any(k == ALL for _id, k in marks):
            rebuild(state.month)
        else:
            delta, now = _changes(keys, state.month)
            Contribution.objects.filter(key__in=keys).delete()
            _store(now)
            _write(delta)
            state.version += 1
            state.save()
        taken = [pk for pk, _key in marks]  # (those marked since stay, for the next fold)
        for start in range(0, len(taken), 500):
            Pending.objects.filter(pk__in=taken[start : start + 500]).delete()
        return len(marks)


def mark(keys: Iterable[str]) -> None:
    """Entities whose records changed, in the writer's transaction (``ALL``: every one)."""
    now = timezone.now()
    found = [Pending(key=_canonical(k), marked_at=now) for k in set(keys)]
    if found:
        Pending.objects.bulk_create(found)


def _canonical(key: str) -> str:
    """ "case:<id>" with the id as Django writes a UUID (a hex id given would be another key)."""
    if key == ALL:
        return key
    kind, _colon, id_ = key.partition(":")
    return f"{kind}:{uuid.UUID(str(id_))}"


def _read(name: str) -> Marg:
    found: Marg = {}
    for f, g, extra, period, count, n in Tally.objects.filter(measure=name).values_list(
        "facet", "grp", "extra", "period", "name", "value"
    ):
        found.setdefault((f, g, extra), {}).setdefault(period, Counter())[count] = n
    return found


def _plus(marg: Marg, delta: Marg) -> Marg:
    for key, periods in delta.items():
        for period, counts in periods.items():
            mine = marg.setdefault(key, {})
            if (cell := mine.get(period)) is None:
                cell = mine[period] = Counter()
            for count, n in counts.items():
                cell[count] += n
    return marg


_CHANGES: dict[Any, dict[str, Marg]] = {}


@dataclass
class Sums:
    """A measure's sums as read: ``before``, the first day they do not count; ``current``,
    whether they are the records as they stand (else the month before's, or without the marked:
    not to be kept in the cache); ``ask``, whether the worker has work to do."""

    marg: Marg
    before: datetime.date
    current: bool
    ask: bool


def marginals(name: str, before: datetime.date) -> Sums:
    """A measure's sums as its records stand (the marked ones counted afresh). Never counted
    yet: counted here, over every record (or, over too many, ``NotCounted``)."""
    source = _source(name)
    for _attempt in range(3):
        state = TallyState.objects.filter(pk=1).values_list("month", "version").first()
        counted, version = state or (None, 0)
        if counted is None:
            if apps.get_model(ENTITIES["case"]).objects.count() > LIVE_AT_MOST:
                raise NotCounted
            return Sums(marginalise(_rows(source, before, None)[name]), before, True, True)
        sums = _read(name)
        marks = list(Pending.objects.order_by("pk").values_list("pk", "key")[: PENDING_AT_MOST + 1])
        current = counted == before and len(marks) <= PENDING_AT_MOST and all(k != ALL for _id, k in marks)
        if current and any(k.startswith(f"{source.kind}:") for _id, k in marks):
            signature = (counted, version, tuple(marks))
            if (changes := _CHANGES.get(signature)) is None:
                changes = _changes(sorted({k for _id, k in marks}), counted)[0]
                _CHANGES.clear()  # (what the marked add is worked out once for every measure)
                _CHANGES[signature] = changes
            _plus(sums, changes.get(name, {}))
        if TallyState.objects.filter(pk=1, version=version).exists():  # (not folded meanwhile)
            return Sums(sums, counted, current, bool(marks) or counted != before)
    return Sums(sums, counted or before, False, True)


# Every source stamp (lib.measures) that a change of the tallies renews.
SOURCE_STAMPS = ("cases", "rescue", "crisis", "restore", "justice")


def _cases_of(model: str, **where: Any) -> list[str]:
    return [f"case:{c}" for c in apps.get_model(model).objects.filter(**where).values_list("case_id", flat=True)]


def _proceedings_of(cases: Iterable[Any]) -> list[str]:
    found = apps.get_model("legal.ProceedingCase").objects.filter(case_id__in=list(cases))
    return [f"proceeding:{p}" for p in found.values_list("proceeding_id", flat=True)]


def _of_operation(operation: Any) -> list[str]:
    """An operation's time and agency: the cases screened in it, the proceedings of the cases
    linked to it, the suspects arrested in it."""
    found = _cases_of("investigations.Screening", encounter__operation=operation.pk, case__isnull=False)
    linked = apps.get_model("investigations.CaseLink").objects.filter(operation=operation.pk)
    found += _proceedings_of(linked.values_list("case_id", flat=True))
    arrests = apps.get_model("investigations.Arrest").objects.filter(operation=operation.pk)
    return found + [f"subject:{s}" for s in arrests.values_list("subject_id", flat=True)]


def _of_payment(payment: Any) -> list[str]:
    found = apps.get_model("legal.Compensation").objects.filter(pk=payment.compensation_id)
    return [f"case:{c}" for c in found.values_list("case_id", flat=True)]


# What a saved or deleted record of each model marks (``keys``).
MARKED: dict[str, Any] = {
    "cases.Case": lambda r: [f"case:{r.pk}"],
    "investigations.Screening": lambda r: [f"case:{r.case_id}"] if r.case_id else [],
    "investigations.Encounter": lambda r: _cases_of("investigations.Screening", encounter=r.pk, case__isnull=False),
    "investigations.Operation": _of_operation,
    "investigations.Arrest": lambda r: [f"subject:{r.subject_id}"],
    "investigations.CaseLink": lambda r: _proceedings_of([r.case_id]),
    "crisis.Episode": lambda r: [f"case:{r.case_id}"],
    "crisis.Incident": lambda r: _cases_of("crisis.Episode", pk=r.episode_id),
    "restoration.Placement": lambda r: [f"case:{r.case_id}"],
    "restoration.Goal": lambda r: [f"case:{r.case_id}"],
    "restoration.Reintegration": lambda r: [f"case:{r.case_id}"],
    "restoration.ReintegrationStep": lambda r: [f"case:{r.case_id}"],
    "restoration.Enrolment": lambda r: [f"case:{r.case_id}"],
    "restoration.Livelihood": lambda r: [f"case:{r.case_id}"],
    "restoration.Outcome": lambda r: [f"case:{r.case_id}"],
    "legal.Proceeding": lambda r: [f"proceeding:{r.pk}"],
    "legal.ProceedingCase": lambda r: [f"case:{r.case_id}", f"proceeding:{r.proceeding_id}"],
    "legal.Defendant": lambda r: [f"proceeding:{r.proceeding_id}"],
    "legal.Charge": lambda r: [f"proceeding:{r.proceeding_id}"],
    "legal.Judgment": lambda r: [f"proceeding:{r.proceeding_id}"],
    "legal.Compensation": lambda r: [f"case:{r.case_id}"],
    "legal.Payment": _of_payment,
    "legal.Hearing": lambda r: _cases_of("legal.Attendance", hearing=r.pk),
    "legal.Attendance": lambda r: [f"case:{r.case_id}"],
    "legal.TestimonySession": lambda r: [f"case:{r.case_id}"],
}


def keys(record: Model) -> list[str]:
    """What a saved or deleted record marks: the case, proceeding or suspect it belongs to."""
    return list(MARKED[record._meta.label](record))
