"""Bulk fictional cases for benchmarks (a million cases on a small server).

Unlike the demo loader this does not go through the per-case actions: it writes people (with
their encrypted fields, sealed in ``pre_save`` as ``bulk_create`` runs), their name tokens, cases
numbered from the agency's sequence, and the "case opened" timeline entries, one transaction per
batch. Generated data is not a user's action, so there is no audit event per row; each batch
appends one event naming the range of case numbers it made, keeping the chain whole.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Membership, OrgType, Role
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import lead_reach
from casebridge.cases.models import (
    Case,
    CaseNumberSequence,
    CaseStatus,
    ClosureReason,
    EventKind,
    Reach,
    TimelineEvent,
)
from casebridge.demo import fake
from casebridge.people.actions import _tokens, clean_identity
from casebridge.people.models import NameToken, Person, PersonKind

AGENCY_CODE = "GEN"
AGENCY_NAME = "Generated Data Agency (benchmarks)"
USERNAME = "generator"
YEARS = 5  # generated cases are opened over the last five years, oldest first
SQLITE_CACHE_KIB = 256 * 1024
CLOSURES = [
    (ClosureReason.REINTEGRATED, 65),
    (ClosureReason.LOST_CONTACT, 12),
    (ClosureReason.DECLINED, 10),
    (ClosureReason.REPATRIATED, 8),
    (ClosureReason.REFERRED, 5),
]


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
    tokens: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.cases / self.elapsed if self.elapsed else 0.0


@transaction.atomic
def ensure_owner(members: Sequence[str] = ()) -> tuple[Agency, User]:
    """The agency that leads generated cases and the account that owns them, made once.
    ``members`` are existing usernames given an aftercare role there, so they can browse the data."""
    agency, _ = Agency.objects.get_or_create(
        code=AGENCY_CODE, defaults={"name": AGENCY_NAME, "org_type": OrgType.NGO, "province": "KH-12"}
    )
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User(username=USERNAME, first_name="Data", last_name="Generator")
        # Nobody signs in as the generator: it only owns the data.
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(
        user=user, agency=agency, role=Role.AFTERCARE_SOCIAL_WORKER, defaults={"approved_at": timezone.now()}
    )
    for username in members:
        member = User.objects.get(username=username)
        Membership.objects.get_or_create(
            user=member, agency=agency, role=Role.AFTERCARE_SOCIAL_WORKER, defaults={"approved_at": timezone.now()}
        )
    return agency, user


class _TokenCache:
    """Name tokens, cached per word of a name. Tokens come from the normalised words of each name
    (``search_keys``), and normalisation never joins words across a space, so a name's tokens are
    the union of its words' tokens; the word pool is small, so after a few cases no normalisation
    (slow for Khmer) or HMAC is repeated. A test checks the result equals ``_tokens``."""

    def __init__(self) -> None:
        self._cache: dict[str, frozenset[int]] = {}

    def __call__(self, person: Person) -> set[int]:
        tokens: set[int] = set()
        for name in person.name_variants():
            for word in name.split():
                known = self._cache.get(word)
                if known is None:
                    known = self._cache[word] = frozenset(_tokens([word]))
                tokens |= known
        return tokens


def _insert_tokens(rows: list[tuple[Any, int]]) -> None:
    """Insert (person id, token) rows. There are about 25 per case, so the ORM's per-object cost
    would dominate a bulk run: COPY on PostgreSQL, one executemany elsewhere."""
    meta = NameToken._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = f"{quote(meta.get_field('person').column)}, {quote(meta.get_field('token').column)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Table and column names come from the model and are quoted; the values are parameters.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s)", rows)  # noqa: S608


def _reserve_numbers(agency: Agency, year: int, count: int) -> int:
    """Take ``count`` consecutive numbers from the (agency, year) sequence under a row lock, as
    do_open_case takes one; return the first."""
    CaseNumberSequence.objects.get_or_create(agency=agency, year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(agency=agency, year=year)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return first


def _status(rng: random.Random, opened_on: datetime.date, today: datetime.date) -> dict[str, Any]:
    if (today - opened_on).days < 120 or rng.random() >= 0.45:
        return {}
    reason = fake.weighted(rng, CLOSURES)
    status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.REFERRED else CaseStatus.CLOSED
    closed_on = min(opened_on + datetime.timedelta(days=rng.randint(90, 720)), today)
    return {"status": status, "closure_reason": reason, "closed_on": closed_on}


def generate(
    *,
    cases: int,
    batch: int = 5000,
    seed: int = 1,
    members: Sequence[str] = (),
    progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Write ``cases`` fictional cases in batches of ``batch``, one transaction each."""
    agency, owner = ensure_owner(members)
    if connection.vendor == "sqlite":
        # The name-token indexes are keyed on random values: with SQLite's default 2 MB page cache
        # a large run spends its time re-reading index pages. This connection only.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    rng = random.Random(seed)
    tokens_of = _TokenCache()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365 * YEARS)
    span = (today - start).days
    opened_at_hour = datetime.time(9)
    token_count = 0
    done = 0
    started = time.monotonic()
    while done < cases:
        size = min(batch, cases - done)
        # Dates rise through the run so case numbers follow the calendar, as in real use.
        dates = [start + datetime.timedelta(days=(done + i) * span // max(cases, 1)) for i in range(size)]
        people: list[Person] = []
        rows: list[tuple[Person, datetime.date, str, dict[str, Any]]] = []
        for opened_on in dates:
            survivor = fake.survivor(rng, opened_on)
            identity = clean_identity(survivor.identity, today=today)
            person = Person(kind=PersonKind.SURVIVOR, registered_by_agency=agency, created_by=owner, **identity)
            people.append(person)
            rows.append((person, opened_on, fake.case_province(rng), _status(rng, opened_on, today)))

        with transaction.atomic():
            Person.objects.bulk_create(people)
            pk = Person._meta.pk
            assert pk is not None
            name_tokens = [(pk.get_db_prep_value(p.pk, connection), token) for p in people for token in tokens_of(p)]
            _insert_tokens(name_tokens)
            token_count += len(name_tokens)

            per_year = Counter(d.year for d in dates)
            next_number = {year: _reserve_numbers(agency, year, n) for year, n in sorted(per_year.items())}
            new_cases: list[Case] = []
            for person, opened_on, province, status in rows:
                sequence = next_number[opened_on.year]
                next_number[opened_on.year] += 1
                new_cases.append(
                    Case(
                        number=f"{agency.code}-{opened_on.year}-{sequence:06d}",
                        lead_agency=agency,
                        survivor=person,
                        province=province,
                        owner=owner,
                        opened_on=opened_on,
                        created_by=owner,
                        **status,
                    )
                )
            Case.objects.bulk_create(new_cases)
            Reach.objects.bulk_create(lead_reach(case) for case in new_cases)
            TimelineEvent.objects.bulk_create(
                TimelineEvent(
                    case=case,
                    kind=EventKind.CASE_OPENED,
                    occurred_at=timezone.make_aware(datetime.datetime.combine(case.opened_on, opened_at_hour)),
                    actor=owner,
                    agency=agency,
                    data={"agency": agency.name},
                )
                for case in new_cases
            )
            first, last = new_cases[0].number, new_cases[-1].number
            record(
                None,
                Action.CREATE,
                [Item("generated_batch", f"{first}..{last}")],
                reason=f"generate_data: {size} fictional cases (seed {seed})",
            )
        done += size
        if progress is not None:
            progress(Progress(done, cases, time.monotonic() - started, first, last))
    return Result(cases=done, tokens=token_count, elapsed=time.monotonic() - started)
