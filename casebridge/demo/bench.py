"""``manage.py bench``: the core's speed at a national deployment's size, against its targets.

On the configured database it builds (or reuses) the generated cases, then measures, for the
generated capital's social affairs office (``generator.BENCH_USER``, whose reach is its own cases
and the NGOs' cases it is on the team of):

* in-process server time (Django's test client: the whole middleware, DRF, token auth and
  ATOMIC_REQUESTS; the loaded application frozen for the garbage collector, as gunicorn's
  workers freeze it) of the case detail, its timeline, the case list's first page and a later one,
  as p50/p95/max over the requests after a warm-up;
* the audit's cost: the same requests with the audit write replaced by nothing, interleaved
  with the real ones; and, beside it for reference, the cost of the smallest durable write (the
  case detail with the audit write replaced by one row inserted into a bare table: the commit
  must then reach the disk, as with the audit);
* name search (the API, names as people type them), and on PostgreSQL beside it the raw pg_trgm
  similarity query over a plaintext copy of the generated names, and the two indexes' sizes;
* on PostgreSQL, the throughput of 4 clients against 1 over HTTP with gunicorn (4 workers);
* the machine's load while it ran.

Each figure is printed with its target and whether it was met, and written as JSON to the
output file under the database's vendor, beside what the other database's run wrote.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.api.authentication import issue_token
from casebridge.audit import log
from casebridge.cases.models import Case, Reach
from casebridge.demo import fake, generator
from casebridge.people import index

# Targets (issue: "a core that stays fast at a million cases").
TARGETS = {
    "postgresql": {
        "case detail p95 ms": 5.0,
        "timeline p95 ms": 10.0,
        "case list page 1 p95 ms": 10.0,
        "case list later page p95 ms": 10.0,
        "audit cost p50 ms": 0.5,
        "4 clients / 1 client throughput": 1.6,
        "generation of 1,000,000 cases s": 600.0,
        # Issue: "Find the right child", speed at a million.
        "name search p95 ms": 50.0,
        "name search / pg_trgm reference p95": 2.0,
        "search index / trigram index size": 3.0,
        # Issue: "Strengthen and measure": the whole dashboard uncached, then cached by period.
        "indicators dashboard first request ms": 1000.0,
        "indicators dashboard uncached p95 ms": 1000.0,
        "indicators dashboard after a change p95 ms": 1000.0,
        "indicators dashboard one province uncached ms": 1000.0,
        "indicators dashboard cached p95 ms": 100.0,
    },
    "sqlite": {
        "case detail p95 ms": 25.0,
        "case list page 1 p95 ms": 25.0,
        "name search p95 ms": 150.0,
    },
}
AT_LEAST = {"4 clients / 1 client throughput"}  # the others are "at most"
# Printed beside the audit's cost, without a target: what any durable write costs here.
ONE_ROW = "one-row durable write cost p50 ms"


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)  # milliseconds

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.samples)
        return {
            "n": len(ordered),
            "p50": round(statistics.median(ordered), 3),
            "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
            "max": round(ordered[-1], 3),
        }


def generated_cases() -> int:
    codes = [a.code for a in generator.AGENCIES if a.weight]
    return Reach.objects.filter(path="lead", agency__code__in=codes).count()


def bench_user() -> tuple[User, str]:
    """The benchmark's user, with a second factor (tokens need one) and a fresh API token."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = User.objects.get(username=generator.BENCH_USER)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user, issue_token(user)


DASHBOARD_REQUESTS = 20


def manager_token() -> str:
    """A programme manager of the first generated agency (the indicators' reader), with a second
    factor and a fresh API token."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from casebridge.agencies.models import Agency, Membership, Role

    user, _created = User.objects.get_or_create(username="bench.manager")
    Membership.objects.get_or_create(
        user=user,
        agency=Agency.objects.order_by("pk").first(),
        role=Role.PROGRAMME_MANAGER,
        defaults={"approved_at": timezone.now()},
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return issue_token(user)


def dashboard(say: Callable[[str], None]) -> dict[str, Any]:
    """The whole indicators dashboard through the API, over the tallies (``indicators.tally``):
    counted again as the worker does at the start of each month (when not counted for this
    month yet); read with nothing in the cache (once the server has loaded its modules; then
    each of ``DASHBOARD_REQUESTS`` with the cache cleared); read after a change (twenty cases
    marked as writes mark them, their records counted afresh by the reader; then folded in, as
    the worker does); for one province; and cached. Returns the figures and the timings."""
    from django.core.cache import cache

    from casebridge.demo.generated_history import has_history, write_history
    from casebridge.indicators import compute, tally
    from casebridge.indicators.models import Pending
    from casebridge.indicators.tasks import refresh
    from casebridge.lib.measures import changed

    client = Client()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {manager_token()}"}
    url = "/api/v1/indicators/"

    def cold(url: str) -> float:
        cache.clear()
        return _time(client, url, headers)

    if not has_history():
        say("The programme's records behind the generated cases, for the indicators...")
        started = time.monotonic()
        read = write_history(generator.ensure_cast(), progress=lambda n: say(f"  {n:,} cases read"))
        say(f"  written for {read:,} cases in {time.monotonic() - started:.0f} s")
    figures: dict[str, float] = {}
    if tally.month() != compute.through() or Pending.objects.filter(key=tally.ALL).exists():
        say("The indicators' tallies counted again, as the worker does each month...")
        started = time.monotonic()
        refresh.call()
        figures["indicators tallies counted again s"] = round(time.monotonic() - started, 1)
    say(f"The indicators dashboard, {3 * DASHBOARD_REQUESTS + 3} requests...")
    cold(url)  # (the server's first request: its modules loaded)
    figures["indicators dashboard first request ms"] = round(cold(url), 1)
    uncached = Timing("indicators dashboard uncached")
    uncached.samples.extend(cold(url) for _ in range(DASHBOARD_REQUESTS))
    cases = list(Case.objects.order_by("?").values_list("pk", flat=True)[: DASHBOARD_REQUESTS * 20])
    changed_ = Timing("indicators dashboard after a change")
    folds = Timing("indicators fold of 20 marked cases")
    for i in range(DASHBOARD_REQUESTS):
        tally.mark(f"case:{pk}" for pk in cases[i * 20 : (i + 1) * 20])  # (as twenty writes do)
        changed("cases")  # (as their commits do)
        changed_.samples.append(_time(client, url, headers))
        started = time.perf_counter()
        tally.fold()  # (the worker, asked by the reading)
        folds.samples.append((time.perf_counter() - started) * 1000)
    figures["indicators dashboard one province uncached ms"] = round(cold(url + "?province=KH-12"), 1)
    _time(client, url, headers)  # (the whole dashboard in the cache)
    cached = Timing("indicators dashboard cached")
    cached.samples.extend(_time(client, url, headers) for _ in range(DASHBOARD_REQUESTS))
    timings = {}
    for board in (uncached, changed_, folds, cached):
        timings[board.name] = board.summary()
        figures[f"{board.name} p95 ms"] = timings[board.name]["p95"]
    return {"figures": figures, "timings": timings}


def sample_cases(user: User, count: int, rng: random.Random) -> list[str]:
    """Ids of cases the user reaches, drawn from across the whole table (its own agency's)."""
    agency_id = user.active_memberships()[0].agency_id
    ways_in = Reach.objects.filter(agency_id=agency_id, path="lead").order_by("case_id")
    total = ways_in.count()
    picks = sorted(rng.randrange(total) for _ in range(count))
    return [str(ways_in.values_list("case_id", flat=True)[i]) for i in picks]


def search_queries(rng: random.Random, count: int) -> list[str]:
    """Names as people type them when looking for a survivor: family and given name of a fresh
    fictional survivor (the pools the generated people come from), in Khmer script for some
    Khmer names, some with one letter wrong."""
    queries = []
    for _ in range(count):
        identity = fake.survivor(rng, timezone.localdate()).identity
        latin = " ".join(n for n in (identity.get("family_name_latin"), identity.get("given_name_latin")) if n)
        script = " ".join(n for n in (identity.get("family_name"), identity.get("given_name")) if n)
        query = script if script and rng.random() < 0.3 else latin or script
        if rng.random() < 0.2 and script != query:
            at = rng.randrange(len(query))
            query = query[:at] + rng.choice("aeioustnk") + query[at + 1 :]
        queries.append(query)
    return queries


def trigram_reference(queries: list[str], requests: int, warmup: int) -> tuple[Timing, dict[str, int]] | None:
    """The raw pg_trgm similarity query over the plaintext copy of the generated names (same
    queries), and the sizes of its index and of the search index; None without the copy."""
    table = generator.PLAIN_NAMES
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_trgm ON {table} USING gin (name gin_trgm_ops)")
        cursor.execute(f"ANALYZE {table}")
        timing = Timing("pg_trgm reference")
        for i in range(warmup + requests):
            started = time.perf_counter()
            # The table name is the generator's constant; the query is a parameter.
            cursor.execute(
                f"SELECT person_id FROM {table} WHERE name %% %s ORDER BY similarity(name, %s) DESC LIMIT 20",  # noqa: S608
                [queries[i], queries[i]],
            )
            cursor.fetchall()
            if i >= warmup:
                timing.samples.append((time.perf_counter() - started) * 1000)
        cursor.execute(
            "SELECT pg_relation_size(%s), pg_relation_size(%s)", [f"{table}_trgm", index.POSTGRESQL_INDEX_NAME]
        )
        trigram, search = cursor.fetchone()
    return timing, {"trigram index bytes": trigram, "search index bytes": search}


def _time(client: Client, url: str, headers: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


@contextmanager
def _no_audit_write() -> Iterator[None]:
    """The audit write replaced by nothing: events are made as usual but not chained or stored."""
    with mock.patch.object(log, "_append", lambda conn, events: None):
        yield


FLOOR_TABLE = "bench_one_row_write"


@contextmanager
def _one_row_write() -> Iterator[None]:
    """The audit write replaced by the smallest durable write: one row into a bare table."""

    def write(conn: Any, events: list[Any]) -> None:
        with conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FLOOR_TABLE} (at) VALUES (%s)", [timezone.now()])  # noqa: S608

    with mock.patch.object(log, "_append", write):
        yield


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[Any]]] = {
    "audited": contextlib.nullcontext,
    "without": _no_audit_write,
    "one row": _one_row_write,
}


def in_process(
    urls: dict[str, Callable[[int], str]], token: str, requests: int, warmup: int
) -> dict[str, dict[str, Timing]]:
    """Each URL ``requests`` times after ``warmup``, with and without the audit write (and the case
    detail with a one-row write instead), interleaved, in every order in turn (the first of them
    meets colder caches: a name search's pages, above all, which must not count as the audit's)."""
    from casebridge.gunicorn_conf import post_worker_init

    post_worker_init(None)  # (as each of the server's workers does once it has loaded the application)
    client = Client()
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token}"}
    timings: dict[str, dict[str, Timing]] = {variant: {} for variant in VARIANTS}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (at TIMESTAMP)")
    try:
        for name, url in urls.items():
            variants = list(VARIANTS) if name == "case detail" else ["audited", "without"]
            orders = list(itertools.permutations(variants))  # each goes first, and before each other, as often
            for variant in variants:
                timings[variant][name] = Timing(name)
            for i in range(warmup):
                _time(client, url(i), headers)
            for i in range(requests):
                for variant in orders[i % len(orders)]:
                    with VARIANTS[variant]():
                        timings[variant][name].samples.append(_time(client, url(i), headers))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
    return timings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(workers: int) -> Iterator[int]:
    """A gunicorn on this database and keys, bound to 127.0.0.1; its port."""
    port = _free_port()
    env = {**os.environ, "CASEBRIDGE_BIND": f"127.0.0.1:{port}", "CASEBRIDGE_WORKERS": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "-c", "casebridge/gunicorn_conf.py", "casebridge.wsgi"]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def throughput(port: int, token: str, paths: list[str], clients: int, seconds: float) -> float:
    """Requests per second that ``clients`` keep-alive clients get, each waiting for its answer."""
    done = [0] * clients
    stop = time.monotonic() + seconds
    errors: list[str] = []

    def run(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = index
        while time.monotonic() < stop:
            conn.request("GET", paths[i % len(paths)], headers={"Authorization": f"Token {token}"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status}")
                return
            done[index] += 1
            i += clients
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"the server answered {errors[:3]}")
    return sum(done) / (time.monotonic() - started)


@dataclass
class Report:
    vendor: str
    cases: int
    figures: dict[str, float]
    timings: dict[str, dict[str, float]]
    machine: dict[str, Any]
    generation: dict[str, Any] | None
    at: str = field(default_factory=lambda: timezone.now().isoformat(timespec="seconds"))

    def verdicts(self) -> list[tuple[str, float | None, float, bool | None]]:
        rows = []
        for name, target in TARGETS[self.vendor].items():
            value = self.figures.get(name)
            met = None if value is None else (value >= target if name in AT_LEAST else value <= target)
            rows.append((name, value, target, met))
        return rows


def machine() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version(), pg_database_size(current_database())")
            version, size = cursor.fetchone()
        else:
            cursor.execute("SELECT sqlite_version()")
            (version,) = cursor.fetchone()
            size = Path(settings.DATABASES["default"]["NAME"]).stat().st_size
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "database": str(version).split(" on ")[0],
        "database_bytes": size,
        "python": sys.version.split()[0],
    }


def run(
    *,
    cases: int,
    requests: int,
    warmup: int,
    seconds: float,
    generate: Callable[[int], dict[str, Any]],
    previous_generation: dict[str, Any] | None,
    say: Callable[[str], None],
) -> Report:
    have = generated_cases()
    generation = previous_generation
    if have < cases:
        say(f"Generating {cases - have:,} cases (there are {have:,})...")
        generation = generate(cases - have)
    rng = random.Random(7)
    user, token = bench_user()
    reach = Case.objects.visible_to(user).count()
    say(f"{generator.BENCH_USER} reaches {reach:,} of {generated_cases():,} generated cases.")
    ids = sample_cases(user, requests + warmup, rng)
    later_page = max(2, min(200, reach // 25))
    urls = {
        "case detail": lambda i: f"/api/v1/cases/{ids[i]}/",
        "timeline": lambda i: f"/api/v1/cases/{ids[i]}/timeline/",
        "case list page 1": lambda i: "/api/v1/cases/",
        "case list later page": lambda i: f"/api/v1/cases/?page={later_page}",
    }
    queries = search_queries(rng, requests + warmup)
    urls["name search"] = lambda i: "/api/v1/people/?" + urlencode({"q": queries[i]})
    if connection.vendor == "sqlite":
        urls = {name: urls[name] for name in ("case detail", "case list page 1", "name search")}
    say(f"In-process: {requests} requests each after {warmup} warm-up, with and without the audit write...")
    measured = in_process(urls, token, requests, warmup)
    with_audit, without = measured["audited"], measured["without"]
    figures: dict[str, float] = {}
    timings: dict[str, dict[str, float]] = {}
    for name in urls:
        timings[name] = with_audit[name].summary()
        timings[f"{name} without the audit write"] = without[name].summary()
        figures[f"{name} p95 ms"] = timings[name]["p95"]
    timings["case detail with a one-row write instead"] = measured["one row"]["case detail"].summary()
    if connection.vendor == "postgresql":
        board = dashboard(say)
        figures |= board["figures"]
        timings |= board["timings"]

    def cost(variant: str) -> float:
        pairs = zip(measured[variant]["case detail"].samples, without["case detail"].samples, strict=True)
        return round(statistics.median(a - b for a, b in pairs), 3)

    figures["audit cost p50 ms"] = cost("audited")
    figures[ONE_ROW] = cost("one row")
    if connection.vendor == "postgresql":
        say("The raw pg_trgm reference over the plaintext copy of the names, the same queries...")
        reference = trigram_reference(queries, requests, warmup)
        if reference is None:
            say(f"  (no {generator.PLAIN_NAMES}: generate the data afresh for the reference)")
        else:
            timing, sizes = reference
            timings[timing.name] = timing.summary()
            figures["name search / pg_trgm reference p95"] = round(
                timings["name search"]["p95"] / timings[timing.name]["p95"], 2
            )
            figures.update(sizes)
            figures["search index / trigram index size"] = round(
                sizes["search index bytes"] / sizes["trigram index bytes"], 2
            )
        say(f"Over HTTP with gunicorn (4 workers), {seconds:.0f} s each: 1 client, then 4...")
        connection.close()  # the server's workers open their own
        paths = [f"/api/v1/cases/{i}/" for i in ids]
        with gunicorn(4) as port:
            throughput(port, token, paths, 4, 3)  # warm every worker
            one = throughput(port, token, paths, 1, seconds)
            four = throughput(port, token, paths, 4, seconds)
        figures["1 client requests/s"] = round(one, 1)
        figures["4 clients requests/s"] = round(four, 1)
        figures["4 clients / 1 client throughput"] = round(four / one, 2)
    if generation and generation.get("cases", 0) >= 1_000_000:
        figures["generation of 1,000,000 cases s"] = round(generation["seconds"] * 1_000_000 / generation["cases"], 1)
    return Report(connection.vendor, generated_cases(), figures, timings, machine(), generation)


def write(report: Report, output: Path) -> None:
    """Put this run's report in ``output`` under its vendor, keeping the other vendor's."""
    output.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(output.read_text()) if output.exists() else {}
    data[report.vendor] = {**asdict(report), "verdicts": report.verdicts()}
    output.write_text(json.dumps(data, indent=2, default=str) + "\n")


def table(report: Report) -> str:
    lines = [f"casebridge bench — {report.vendor}, {report.cases:,} generated cases, {report.at}", ""]
    for name, timing in report.timings.items():
        lines.append(
            f"  {name:<42} p50 {timing['p50']:8.2f} ms   p95 {timing['p95']:8.2f} ms   max {timing['max']:8.2f} ms"
        )
    lines.append("")
    for name, rate in report.figures.items():
        if name.endswith(("requests/s", "bytes")):
            lines.append(f"  {name:<42} {rate:10.1f}")
        elif name == ONE_ROW:
            lines.append(f"  {name:<42} {rate:10.2f}   (the floor under the audit cost: its commit reaches the disk)")
    lines.append("")
    for name, value, target, met in report.verdicts():
        sign = "≥" if name in AT_LEAST else "≤"
        verdict = "not measured" if met is None else ("MET" if met else "MISSED")
        shown = "—" if value is None else f"{value:.2f}"
        lines.append(f"  {name:<42} {shown:>10}   target {sign} {target:<8g} {verdict}")
    lines.append("")
    lines.append(f"  machine: {json.dumps(report.machine)}")
    if report.generation:
        lines.append(f"  generation: {json.dumps(report.generation, default=str)}")
    return "\n".join(lines)


def timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
