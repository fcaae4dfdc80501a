"""``manage.py bench_legal``: one large proceeding (20 defendants with two charges and their
custody, 100 items of evidence with two confirmed hand-offs each, 50 hearings a survivor attends):
server time (p50/p95, in-process through the full middleware) and SQL statements of the lawyer's
proceeding page, the API's evidence and defendants, the calendar feed, and the court bundle in
Khmer and English. Everything it writes is rolled back."""

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

D = datetime.timedelta


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a large proceeding's page, API, calendar feed and court bundle (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--items", type=int, default=100, help="Items of evidence (default 100).")
        parser.add_argument("--runs", type=int, default=20, help="Timed requests per path (default 20).")

    def handle(self, *args: Any, items: int, runs: int, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(items, runs)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count: int, runs: int) -> None:
        from casebridge.agencies.models import Role
        from casebridge.consents.actions import do_record_consent
        from casebridge.legal import actions, calendar, judgment
        from casebridge.legal import evidence as chain
        from casebridge.legal.models import ChargeCode
        from casebridge.lib.testing import build_world, make_user

        started = time.perf_counter()
        world = build_world()
        lawyer = world.lawyer
        colleague = make_user("colleague", world.agencies["JPC"], Role.LAWYER)[0]
        ChargeCode.objects.get_or_create(article="34", defaults={"title": "Purchase of child prostitution"})
        opened = timezone.localdate() - D(days=300)
        proceeding = actions.do_open_proceeding(
            actor=lawyer, agency=world.agencies["JPC"], cases=[world.case], opened_on=opened, court="Phnom Penh"
        )
        do_record_consent(
            world.case,
            actor=world.social_worker,
            purpose="testimony",
            decision="given",
            given_by="guardian",
            child_assent=True,
            decided_on=timezone.localdate(),
            language="khm",
        )
        for n in range(20):
            defendant = actions.do_add_defendant(proceeding, actor=lawyer, name=f"Bench Defendant {n}", sex="male")
            for _ in range(2):
                actions.do_charge(proceeding, actor=lawyer, defendant=defendant, article="34", filed_on=opened)
            arrested = timezone.now() - D(days=290)
            judgment.do_custody(defendant, actor=lawyer, status="police", since=arrested)
            judgment.do_custody(defendant, actor=lawyer, status="detention", since=arrested + D(days=1))
        for n in range(count):
            item = chain.do_register(
                proceeding,
                actor=lawyer,
                kind="digital",
                description=f"Bench item {n}",
                sha256=f"{n:064x}",
                collected_by="AHTJP",
                collected_on=opened,
                location="JPC safe",
            )
            chain.do_confirm(
                chain.do_hand_off(item, actor=lawyer, receiver=colleague, location="Registry"), actor=colleague
            )
            chain.do_confirm(
                chain.do_hand_off(item, actor=colleague, receiver=lawyer, location="JPC safe"), actor=lawyer
            )
        hearings = []
        for n in range(50):
            hearing = actions.do_schedule_hearing(
                proceeding, actor=lawyer, at=timezone.now() + D(days=n + 1), court="Phnom Penh", kind="trial"
            )
            actions.do_summon(hearing, actor=lawyer, case=world.case, granted=["screen"])
            hearings.append(hearing)
        token = calendar.new_feed(lawyer)
        self.stdout.write(
            f"one proceeding, {count} items of evidence, 50 hearings made in {time.perf_counter() - started:.0f} s"
        )
        gc.collect()
        gc.freeze()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(lawyer)
        api = f"/api/v1/legal/proceedings/{proceeding.pk}/"
        bundle = f"{api}hearings/{hearings[0].pk}/bundle/"
        paths = [
            (f"/legal/{proceeding.pk}/", runs),
            (f"{api}evidence/", runs),
            (f"{api}defendants/", runs),
            (f"/api/v1/legal/calendar/{token}.ics", runs),
            (f"{bundle}?language=en", 3),
            (f"{bundle}?language=km", 3),
        ]
        self.stdout.write(f"{'path':44} {'bytes':>8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for url, n in paths:
            client.get(url)
            times = []
            for _ in range(n):
                began = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            p95 = statistics.quantiles(times, n=20)[-1] if n >= 4 else max(times)
            label = (
                url.replace(str(proceeding.pk), "{id}").replace(str(hearings[0].pk), "{h}").replace(token, "{token}")
            )
            size = len(response.content)
            self.stdout.write(
                f"{label[-44:]:44} {size:>8} {len(queries):>7} {statistics.median(times):>8.1f} {p95:>8.1f}"
            )
