"""``manage.py bench_crisis``: the supervisor's crisis-care board with 200 open episodes and
their rosters (three shifts each, one gap, a Vietnamese girl in four needing an interpreter):
server time (p50/p95, in-process through the full middleware) and SQL statements, of the page
and of the API. Everything it writes is rolled back."""

from __future__ import annotations

import datetime
import gc
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

H = datetime.timedelta(hours=1)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the crisis-care board with 200 open episodes and their rosters (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--episodes", type=int, default=200)
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per path (default 30).")
        parser.add_argument("--profile", action="store_true", help="Print where the page's time goes.")

    def handle(self, *args: Any, episodes: int, runs: int, profile: bool, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(episodes, runs, profile)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count: int, runs: int, profile: bool) -> None:
        from casebridge.agencies.models import Role
        from casebridge.cases.actions import do_open_case
        from casebridge.crisis import actions
        from casebridge.lib.testing import build_world, make_user
        from casebridge.people.actions import clean_identity

        started = time.perf_counter()
        world = build_world()
        supervisor = world.social_worker
        worker = make_user("night_worker", world.agencies["JPC"], Role.AFTERCARE_SOCIAL_WORKER)[0]
        supervisor.spoken_languages, worker.spoken_languages = ["khm", "vie"], ["khm"]
        supervisor.save()
        worker.save()
        start = timezone.now().replace(microsecond=0) - 20 * H
        for n in range(count):
            vietnamese = n % 4 == 3
            identity = clean_identity(
                {
                    "given_name_latin": f"Girl {n}",
                    "family_name_latin": "Bench",
                    "estimated_age": 15,
                    "age_method": "appearance",
                    "gender": "Feminine",
                }
            )
            case = do_open_case(
                actor=supervisor,
                agency=world.agencies["JPC"],
                identity=identity,
                province="KH-12",
                opened_on=timezone.localdate(),
            )
            episode = actions.do_open_episode(
                case,
                actor=supervisor,
                place_kind="police_station",
                place="AHTJP station",  # one station: the same two workers stay with every girl
                starts_at=start,
                language="vie" if vietnamese else "khm",
                interpreter=vietnamese,
            )
            for person, begins, hours in ((supervisor, 0, 12), (worker, 12, 12), (supervisor, 25, 12)):
                actions.do_add_shift(
                    episode,
                    actor=supervisor,
                    staff=person,
                    role="social_worker",
                    starts_at=start + begins * H,
                    ends_at=start + (begins + hours) * H,
                )
        self.stdout.write(f"{count} episodes with their rosters made in {time.perf_counter() - started:.0f} s")
        # As a server worker does once the application is loaded (casebridge/gunicorn_conf.py): what
        # exists now is kept out of the garbage collector's way, so its pauses stay short.
        gc.collect()
        gc.freeze()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(supervisor)
        self.stdout.write(f"{'path':28} {'rows':>5} {'queries':>7} {'p50 ms':>7} {'p95 ms':>7}")
        paths: list[tuple[str, dict[str, str]]] = [
            ("/crisis/", {}),
            ("/crisis/ (htmx poll)", {"HX-Request": "true"}),
            ("/api/v1/crisis/board/", {}),
        ]
        for path, headers in paths:
            url = path.split(" ")[0]
            client.get(url, headers=headers)
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                client.get(url, headers=headers)
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
            rows = len(response.json()) if url.startswith("/api/") else response.content.decode().count("<tr") - 1
            p95 = statistics.quantiles(times, n=20)[-1]
            self.stdout.write(f"{path:28} {rows:>5} {len(queries):>7} {statistics.median(times):>7.1f} {p95:>7.1f}")
        if profile:
            with CaptureQueriesContext(connection) as queries:
                client.get("/crisis/")
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                self.stdout.write(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
            import cProfile
            import pstats

            with cProfile.Profile() as profiler:
                for _ in range(5):
                    client.get("/crisis/")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
