"""``manage.py bench``: build or reuse the generated cases, measure the core, report each target."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from casebridge.demo import bench


class Command(BaseCommand):
    help = (
        "Benchmark the core on this database: generate cases up to --cases if there are fewer, then time the "
        "case detail, timeline and case list (in-process, with and without the audit write) and, on "
        "PostgreSQL, 4 clients against 1 over HTTP with gunicorn. Prints each figure against its target and "
        "writes them as JSON to --output. Refused in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = 1_000_000 if connection.vendor == "postgresql" else 100_000
        parser.add_argument(
            "--cases", type=int, default=default, help=f"Generated cases to have (default {default:,})."
        )
        parser.add_argument("--requests", type=int, default=200, help="Timed requests per measure (default 200).")
        parser.add_argument("--warmup", type=int, default=20, help="Untimed requests first (default 20).")
        parser.add_argument("--seconds", type=float, default=15.0, help="Length of each throughput run.")
        parser.add_argument("--output", default="var/bench.json", help="Where the figures go (JSON).")

    def handle(self, *args: Any, cases: int, requests: int, warmup: int, seconds: float, output: str, **o: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("bench writes fictional cases and never runs in production.")
        if requests < 20:
            raise CommandError("--requests must be at least 20 for a p95 to mean anything.")
        path = Path(output)
        previous = json.loads(path.read_text()).get(connection.vendor, {}) if path.exists() else {}

        def generate(count: int) -> dict[str, Any]:
            started = time.monotonic()
            call_command(
                "generate_data", "--cases", str(count), "--plain-names", stdout=io.StringIO(), stderr=self.stderr
            )
            elapsed = time.monotonic() - started
            return {
                "cases": count,
                "seconds": round(elapsed, 1),
                "cases_per_second": round(count / elapsed),
                "at": bench.timestamp(),
            }

        report = bench.run(
            cases=cases,
            requests=requests,
            warmup=warmup,
            seconds=seconds,
            generate=generate,
            previous_generation=previous.get("generation"),
            say=lambda text: self.stderr.write(text),
        )
        bench.write(report, path)
        self.stdout.write(bench.table(report))
        self.stdout.write(f"\nWritten to {path}.")
