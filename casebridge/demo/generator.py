"""Bulk fictional cases for benchmarks: the shape of a national deployment at a million cases.

Cases are led by many agencies, as in real use (25 provincial social-affairs offices, 5 police
units, 3 NGOs), and shared with partners (6 shelters, 3 clinics, the police, the province's
office), so that one user's reach is realistic rather than one agency owning everything. Each
generated agency has one generated account, ``gen.<code>`` (no password: nobody signs in as it).

Unlike the demo loader this does not go through the per-case actions: it writes people (their
identities sealed by the encrypted fields themselves), their search index words, numbered cases, their
team places, referral grants and ways in (``Reach``, as ``cases.access.sync_reach`` would make
them) and "case opened" entries, by COPY on PostgreSQL, in batches of one transaction each, from
two processes at once on PostgreSQL. Generated data is not a user's action, so there is no audit
event per row; each batch appends one event naming its range of case numbers.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connection, connections, models, transaction
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, OrgType, Role
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases import access
from casebridge.cases import sections as sec
from casebridge.cases.models import (
    Case,
    CaseNumberSequence,
    CaseStatus,
    ClosureReason,
    EventKind,
    Reach,
    ReferralGrant,
    TeamMember,
    TimelineEvent,
    intake_facets,
)
from casebridge.cases.sections import Section
from casebridge.demo import fake
from casebridge.demo import names as name_pools
from casebridge.lib.fields import EncryptedField
from casebridge.lib.places import PROVINCES
from casebridge.people import index
from casebridge.people.actions import clean_identity
from casebridge.people.index import name_words, phone_word
from casebridge.people.models import Person, PersonKind, SearchEntry
from casebridge.people.romanisation import remember

YEARS = 5  # generated cases are opened over the last five years, oldest first
SQLITE_CACHE_KIB = 256 * 1024
USER_PREFIX = "gen."
CLOSURES = [
    (ClosureReason.REINTEGRATED, 65),
    (ClosureReason.LOST_CONTACT, 12),
    (ClosureReason.DECLINED, 10),
    (ClosureReason.REPATRIATED, 8),
    (ClosureReason.REFERRED, 5),
]
# From this many cases on PostgreSQL, the search index is built once at the end instead of row by
# row.
REBUILD_INDEXES_FROM = 100_000
GRANT_DAYS = 90  # a clinic's referral lasts three months


@dataclass(frozen=True)
class GeneratedAgency:
    code: str
    name: str
    org_type: str
    province: str
    role: str
    weight: int  # share of the cases it leads (0: a partner only)


def _agencies() -> list[GeneratedAgency]:
    provinces = [code for code, _, _ in PROVINCES][:25]
    offices = [
        GeneratedAgency(
            f"GDS{int(code[3:]):02d}",
            f"Generated social affairs office {code}",
            OrgType.LOCAL_GOVERNMENT,
            code,
            Role.GOVERNMENT_SOCIAL_WORKER,
            2,
        )
        for code in provinces
    ]
    police = [
        GeneratedAgency(
            f"GPL{i}", f"Generated police unit {i}", OrgType.LAW_ENFORCEMENT, "KH-12", Role.POLICE_INVESTIGATOR, 3
        )
        for i in range(1, 6)
    ]
    ngos = [
        GeneratedAgency(f"GNG{i}", f"Generated NGO {i}", OrgType.NGO, "KH-12", Role.AFTERCARE_SOCIAL_WORKER, w)
        for i, w in ((1, 20), (2, 10), (3, 5))
    ]
    shelters = [
        GeneratedAgency(f"GSH{i}", f"Generated shelter {i}", OrgType.NGO, "KH-12", Role.PARTNER_CASEWORKER, 0)
        for i in range(1, 7)
    ]
    clinics = [
        GeneratedAgency(f"GCL{i}", f"Generated clinic {i}", OrgType.HEALTH, "KH-12", Role.MEDICAL_STAFF, 0)
        for i in range(1, 4)
    ]
    return offices + police + ngos + shelters + clinics


AGENCIES = _agencies()
SHELTER_MASK = sec.to_mask([Section.IDENTITY, Section.CRISIS_CARE, Section.CARE_PLAN, Section.COUNSELLING])
OFFICE_MASK = sec.to_mask([Section.IDENTITY, Section.CRISIS_CARE, Section.CARE_PLAN])
POLICE_MASK = sec.to_mask([Section.IDENTITY, Section.INVESTIGATION])
CLINIC_MASK = sec.to_mask([Section.IDENTITY, Section.MEDICAL])
# The user whose view the benchmark measures: the capital's social affairs office, which leads
# its own cases and is on the team of many an NGO's case in the capital.
BENCH_USER = f"{USER_PREFIX}gds12"
PRIVACY_OFFICER = f"{USER_PREFIX}privacy"


def username(code: str) -> str:
    return f"{USER_PREFIX}{code.lower()}"


@dataclass(frozen=True)
class Cast:
    """The generated agencies (by code) and each one's account (by code), ids only."""

    agencies: dict[str, int]
    users: dict[str, int]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    elapsed: float
    first_number: str
    last_number: str

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed else 0.0


@dataclass(frozen=True)
class Result:
    cases: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.cases / self.elapsed if self.elapsed else 0.0


@transaction.atomic
def ensure_cast(members: Sequence[str] = ()) -> Cast:
    """The generated agencies and their accounts, made once. ``members`` are existing usernames
    given the lead role at every generated lead agency, so they can browse all the data."""
    now = timezone.now()
    agencies: dict[str, int] = {}
    users: dict[str, int] = {}
    for spec in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "org_type": spec.org_type, "province": spec.province}
        )
        user = User.objects.filter(username=username(spec.code)).first()
        if user is None:
            user = User(username=username(spec.code), first_name="Generated", last_name=spec.code)
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=spec.role, defaults={"approved_at": now})
        agencies[spec.code], users[spec.code] = agency.pk, user.pk
    # One privacy officer reviews emergency access to every generated lead agency's cases.
    officer = User.objects.filter(username=PRIVACY_OFFICER).first()
    if officer is None:
        officer = User(username=PRIVACY_OFFICER, first_name="Generated", last_name="privacy officer")
        officer.set_unusable_password()
        officer.save()
    for spec in AGENCIES:
        if spec.weight:
            Membership.objects.get_or_create(
                user=officer, agency_id=agencies[spec.code], role=Role.PRIVACY_OFFICER, defaults={"approved_at": now}
            )
    for name in members:
        member = User.objects.get(username=name)
        for spec in AGENCIES:
            if spec.weight:
                Membership.objects.get_or_create(
                    user=member,
                    agency_id=agencies[spec.code],
                    role=Role.AFTERCARE_SOCIAL_WORKER,
                    defaults={"approved_at": now},
                )
    return Cast(agencies=agencies, users=users)


class _WordCache:
    """Index words, cached per stored name. A person's words are the union of their names' words
    (``index.name_words`` of ``Person.name_fields``), and the name pool is small, so after a few
    cases no romanisation (slow for Khmer) or HMAC is repeated. A test checks the result equals
    what ``write_search_entry`` stores."""

    def __init__(self) -> None:
        self._cache: dict[str, frozenset[str]] = {}

    def __call__(self, names: Iterable[str], phone: str | None) -> str:
        words: set[str] = {phone_word(phone)} if phone else set()
        for name in names:
            known = self._cache.get(name)
            if known is None:
                known = self._cache[name] = frozenset(name_words([name]))
            words |= known
        return " ".join(sorted(words))


def _status(rng: random.Random, opened_on: datetime.date, today: datetime.date) -> dict[str, Any]:
    if (today - opened_on).days < 120 or rng.random() >= 0.45:
        return {}
    reason = fake.weighted(rng, CLOSURES)
    status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.REFERRED else CaseStatus.CLOSED
    closed_on = min(opened_on + datetime.timedelta(days=rng.randint(90, 720)), today)
    return {"status": status, "closure_reason": reason, "closed_on": closed_on}


class _Rows:
    """Rows for one model in the order of its concrete fields, as the database takes them."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        # Auto-numbered keys are left to the database.
        self.fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        assert values.keys() <= self.defaults.keys(), values.keys() - self.defaults.keys()
        row = {**self.defaults, **values}
        for name in self.json:
            row[name] = json.dumps(row[name])
        self.rows.append(tuple(row[f.attname] for f in self.fields))

    def write(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                prepared = [
                    [
                        value if f.attname in self.json else f.get_db_prep_save(value, connection)
                        for f, value in zip(self.fields, row, strict=True)
                    ]
                    for row in self.rows
                ]
                marks = ", ".join(["%s"] * len(self.fields))
                # Table and column names come from the model and are quoted; the values are parameters.
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", prepared)  # noqa: S608
        self.rows = []


def _reserve_numbers(agency_id: int, year: int, count: int) -> int:
    """Take ``count`` consecutive numbers from the (agency, year) sequence under a row lock, as
    do_open_case takes one; return the first."""
    CaseNumberSequence.objects.get_or_create(agency_id=agency_id, year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(agency_id=agency_id, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return first


@dataclass(frozen=True)
class _Job:
    index: int  # the batch's place in the run
    start: int  # the run's index of its first case
    size: int
    total: int
    seed: int
    today: datetime.date
    cast: Cast
    plain_names: bool


_WORDS = _WordCache()
_SEALED = {f.attname: f for f in Person._meta.concrete_fields if isinstance(f, EncryptedField)}
_NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin", "aliases")


def _write_batch(job: _Job) -> tuple[int, str, str]:
    """Make and write one batch in one transaction; return (cases, first and last number)."""
    rng = random.Random(job.seed * 1_000_003 + job.index)
    today, cast = job.today, job.cast
    start = today - datetime.timedelta(days=365 * YEARS)
    span = (today - start).days
    now = timezone.now()
    leads = [a for a in AGENCIES if a.weight]
    lead_weights = [a.weight for a in leads]
    office_of = {a.province: a.code for a in AGENCIES if a.role == Role.GOVERNMENT_SOCIAL_WORKER}
    shelters = [a.code for a in AGENCIES if a.role == Role.PARTNER_CASEWORKER]
    clinics = [a.code for a in AGENCIES if a.role == Role.MEDICAL_STAFF]
    police = [a.code for a in AGENCIES if a.role == Role.POLICE_INVESTIGATOR]

    people, entries, cases, timeline = _Rows(Person), _Rows(SearchEntry), _Rows(Case), _Rows(TimelineEvent)
    plain: list[tuple[Any, str]] = []
    name_words_of: dict[Any, str] = {}
    person_of: dict[Any, Any] = {}
    team, grants, reach = _Rows(TeamMember), _Rows(ReferralGrant), _Rows(Reach)
    planned: list[dict[str, Any]] = []
    for offset in range(job.size):
        # Dates rise through the run so case numbers follow the calendar, as in real use.
        opened_on = start + datetime.timedelta(days=(job.start + offset) * span // max(job.total, 1))
        lead = rng.choices(leads, lead_weights)[0]
        identity = clean_identity(fake.survivor(rng, opened_on).identity, today=today)
        person_id = uuid.uuid4()
        sealed = {
            name: (field.seal(person_id, identity[name]) if identity.get(name) is not None else None)
            for name, field in _SEALED.items()
            if name in identity
        }
        people.add(
            id=person_id,
            kind=PersonKind.SURVIVOR,
            registered_by_agency_id=cast.agencies[lead.code],
            created_by_id=cast.users[lead.code],
            created_at=now,
            updated_at=now,
            **sealed,
        )
        # name_fields only reads the name attributes: a namespace is enough, no model instance.
        names = SimpleNamespace(**{k: identity.get(k) for k in _NAME_FIELDS})
        stored = Person.name_fields(names)  # type: ignore[arg-type]
        name_words_of[person_id] = _WORDS(stored, identity.get("phone"))
        if job.plain_names:
            plain.append((person_id, " ".join(stored)))
        province = lead.province if lead.role == Role.GOVERNMENT_SOCIAL_WORKER else fake.case_province(rng)
        survivor = SimpleNamespace(
            created_at=now, **{k: identity.get(k) for k in ("birth_date", "estimated_age", "age_estimated_on")}
        )
        survivor.gender, survivor.nationalities = identity.get("gender"), identity.get("nationalities")
        planned.append(
            {
                "facets": intake_facets(survivor, opened_on),
                "lead": lead,
                "person": person_id,
                "opened_on": opened_on,
                "province": province,
                "status": _status(rng, opened_on, today),
                "shelter": rng.choice(shelters) if rng.random() < 0.3 else None,
                "office": office_of.get(province)
                if lead.role == Role.AFTERCARE_SOCIAL_WORKER and rng.random() < 0.2
                else None,
                "police": rng.choice(police) if lead.role != Role.POLICE_INVESTIGATOR and rng.random() < 0.2 else None,
                "clinic": rng.choice(clinics) if rng.random() < 0.25 else None,
            }
        )

    # Numbers are taken in their own short transaction, so two writers queue only for that.
    per_key = Counter((plan["lead"].code, plan["opened_on"].year) for plan in planned)
    with transaction.atomic():
        next_number = {
            key: _reserve_numbers(cast.agencies[key[0]], key[1], count) for key, count in sorted(per_key.items())
        }
    numbers = []
    for plan in planned:
        lead, key = plan["lead"], (plan["lead"].code, plan["opened_on"].year)
        number = f"{lead.code}-{key[1]}-{next_number[key]:06d}"
        next_number[key] += 1
        numbers.append(number)
        case_id = uuid.uuid4()
        person_of[case_id] = plan["person"]
        opened_at = timezone.make_aware(datetime.datetime.combine(plan["opened_on"], datetime.time(9)))
        # entered when she came, as a case is (the indicators count what was on record by then)
        entered = min(opened_at, now)
        cases.add(
            id=case_id,
            number=number,
            lead_agency_id=cast.agencies[lead.code],
            survivor_id=plan["person"],
            province=plan["province"],
            owner_id=cast.users[lead.code],
            opened_on=plan["opened_on"],
            created_by_id=cast.users[lead.code],
            created_at=entered,
            updated_at=entered,
            **plan["status"],
            **plan["facets"],
        )
        timeline.add(
            id=uuid.uuid4(),
            case_id=case_id,
            kind=EventKind.CASE_OPENED,
            occurred_at=opened_at,
            recorded_at=now,
            actor_id=cast.users[lead.code],
            agency_id=cast.agencies[lead.code],
            role=lead.role,
            data={"agency": lead.name},
        )
        order = {"opened_on": plan["opened_on"], "case_created_at": entered}
        reach.add(case_id=case_id, agency_id=cast.agencies[lead.code], path=access.LEAD, sections=sec.ALL_MASK, **order)
        for code, mask in ((plan["shelter"], SHELTER_MASK), (plan["office"], OFFICE_MASK)):
            if code:
                team.add(
                    case_id=case_id, agency_id=cast.agencies[code], sections=mask, added_by_id=cast.users[lead.code],
                    added_at=now,
                )  # fmt: skip
                reach.add(case_id=case_id, agency_id=cast.agencies[code], path=access.TEAM, sections=mask, **order)
        if plan["police"]:
            officer = cast.users[plan["police"]]
            team.add(
                case_id=case_id, user_id=officer, sections=POLICE_MASK, added_by_id=cast.users[lead.code], added_at=now
            )
            reach.add(case_id=case_id, user_id=officer, path=access.TEAM, sections=POLICE_MASK, **order)
        if plan["clinic"]:
            ends = opened_at + datetime.timedelta(days=GRANT_DAYS)
            clinic = cast.agencies[plan["clinic"]]
            grants.add(
                case_id=case_id, agency_id=clinic, sections=CLINIC_MASK, granted_by_id=cast.users[lead.code],
                starts_at=opened_at, expires_at=ends,
            )  # fmt: skip
            if ends > now:  # as sync_reach: ways in that have already ended are left out
                reach.add(
                    case_id=case_id, agency_id=clinic, path=access.REFERRAL, sections=CLINIC_MASK,
                    starts_at=opened_at, expires_at=ends, **order,
                )  # fmt: skip

    # Each person's index words: their names', and the ways into their case (as sync_reach keeps them).
    columns = [f.attname for f in reach.fields]
    ways: dict[Any, set[str]] = {}
    for row in reach.rows:
        way = SimpleNamespace(**dict(zip(columns, row, strict=True)))
        ways.setdefault(person_of[way.case_id], set()).update(index.ways_words([way]))
    for person_id, words in name_words_of.items():
        entries.add(person_id=person_id, words=index.with_ways(words, ways.get(person_id, ())))
    with transaction.atomic():
        for rows in (people, entries, cases, timeline, team, grants, reach):
            rows.write()
        if plain:
            write_plain_names(plain)
        # Last, so the chain head's lock is held only for the commit.
        record(
            None,
            Action.CREATE,
            [Item("generated_batch", f"{numbers[0]}..{numbers[-1]}")],
            reason=f"generate_data: {job.size} fictional cases (seed {job.seed}, batch {job.index})",
        )
    return job.size, numbers[0], numbers[-1]


def _search_index(*, build: bool) -> None:
    """Drop the search index before a big run (PostgreSQL), or build it after it."""
    with connection.cursor() as cursor:
        if build:
            cursor.execute(index.POSTGRESQL_INDEX)
            cursor.execute(index.POSTGRESQL_STATISTICS)
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {index.POSTGRESQL_INDEX_NAME}")


PLAIN_NAMES = "bench_plain_names"


def write_plain_names(rows: list[tuple[Any, str]]) -> None:
    """The benchmark's plaintext copy of the generated names (fictional, never a real record's),
    for the raw pg_trgm reference its name search is measured against."""
    with connection.cursor() as cursor, cursor.copy(f"COPY {PLAIN_NAMES} (person_id, name) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _worker_start() -> None:
    connections.close_all()  # a fresh connection per process, never the parent's


def generate(
    *,
    cases: int,
    batch: int = 5000,
    seed: int = 1,
    members: Sequence[str] = (),
    workers: int | None = None,
    progress: Callable[[Progress], None] | None = None,
    plain_names: bool = False,
) -> Result:
    """Write ``cases`` fictional cases in batches of ``batch``, one transaction each (with
    ``plain_names``, on PostgreSQL, also the benchmark's plaintext copy of their names)."""
    cast = ensure_cast(members)
    postgres = connection.vendor == "postgresql"
    if workers is None:
        workers = 2 if postgres and cases >= 20 * batch else 1
    if not postgres:
        workers = 1  # SQLite has one writer at a time
        with connection.cursor() as cursor:
            # The indexes are keyed on random values: with SQLite's default 2 MB page cache a
            # large run spends its time re-reading index pages. This connection only.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    today = timezone.localdate()
    jobs = [
        _Job(
            index=i,
            start=first,
            size=min(batch, cases - first),
            total=cases,
            seed=seed,
            today=today,
            cast=cast,
            plain_names=plain_names and postgres,
        )
        for i, first in enumerate(range(0, cases, batch))
    ]
    rebuild = postgres and cases >= REBUILD_INDEXES_FROM
    if plain_names and postgres:  # before the writers start, which would race to create it
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {PLAIN_NAMES} (person_id uuid PRIMARY KEY, name text NOT NULL)")
    # Every Khmer name the generator writes is in the pools: their romanisations are kept once,
    # before the batches (which would otherwise insert them concurrently).
    remember(name.script for pool in name_pools.KHMER_POOLS for name in pool)
    started = time.monotonic()
    done = 0

    def report(result: tuple[int, str, str]) -> None:
        nonlocal done
        done += result[0]
        if progress is not None:
            progress(Progress(done, cases, time.monotonic() - started, result[1], result[2]))

    if rebuild:
        _search_index(build=False)
    try:
        if workers == 1:
            for job in jobs:
                report(_write_batch(job))
        else:
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=_worker_start) as pool:
                for result in pool.imap_unordered(_write_batch, jobs):
                    report(result)
    finally:
        if rebuild:
            _search_index(build=True)
            with connection.cursor() as cursor:
                # As autovacuum leaves a table some time after a bulk load: counted for the
                # planner, and on PostgreSQL its pages marked all-visible, so that scans the index
                # answers (a list page's ways in) read no table pages.
                cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    return Result(cases=done, elapsed=time.monotonic() - started)
