"""``manage.py bench_pages``: the daily-work pages' weight, queries and time on this database,
signed in as a demo case worker (in-process, the full middleware). Demo mode only."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print bytes, SQL queries and median milliseconds of the home, lists and case page (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="aftercare.sophea", help="The demo account to sign in as.")
        parser.add_argument("--runs", type=int, default=15, help="Timed requests per page (default 15).")

    def handle(self, *args: Any, user: str, runs: int, **options: Any) -> None:
        from casebridge.accounts.models import User
        from casebridge.cases.models import Case
        from casebridge.investigations.access import investigates
        from casebridge.investigations.models import Operation, Subject

        if not settings.DEMO:
            raise CommandError("bench_pages signs in without a second factor: demo mode only.")
        person = User.objects.filter(username=user).first()
        case = Case.objects.filter(owner=person).order_by("-opened_on").first()
        if person is None or (case is None and not investigates(person)):
            raise CommandError(f"No demo account {user!r} with a case or investigations: run make demo first.")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(person)
        paths = ["/"]
        if investigates(person):
            # The investigator's pages: an operation that found people, a subject and his network.
            subject = Subject.objects.visible_to(person).order_by("created_at").first()
            operation = Operation.objects.visible_to(person).filter(state="closed").order_by("planned_for").first()
            if subject is not None and operation is not None:
                paths += [
                    "/investigations/",
                    f"/investigations/operations/{operation.pk}/",
                    f"/investigations/subjects/{subject.pk}/",
                    f"/investigations/network/?node=subject:{subject.pk}",
                ]
        if case is not None:
            paths += self.case_paths(str(case.pk))
        from casebridge.crisis.access import works_in_crisis_care

        if works_in_crisis_care(person):
            paths.append("/crisis/")  # the supervisor's board
        self.stdout.write(f"{'path':56} {'bytes':>7} {'queries':>7} {'p50 ms':>7}")
        for path in paths:
            client.get(path)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
            shown = path.replace(str(case.pk), "<case>") if case is not None else path
            self.stdout.write(
                f"{shown:56} {len(response.content):>7} {len(queries):>7} {statistics.median(times):>7.1f}"
            )

    @staticmethod
    def case_paths(case: str) -> list[str]:
        return [
            "/cases/",
            "/cases/?sex=Feminine&age_band=15-17&sort=number",
            "/cases/?status=Active&province=KH-12&case_worker=me",
            f"/cases/{case}/",
            f"/cases/{case}/?section=care_plan",
            f"/cases/{case}/care-plan/",
            f"/cases/{case}/counselling/",
            f"/privacy/cases/{case}/access-log/",
            f"/privacy/cases/{case}/access-log/?action=view",
            "/api/v1/cases/?sex=Feminine&sort=number",
        ]
