"""``manage.py generate_data``: bulk fictional cases for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.accounts.models import User
from casebridge.demo import generator
from casebridge.demo.generated_history import write_history
from casebridge.indicators.tally import ALL, mark
from casebridge.lib.measures import changed


class Command(BaseCommand):
    help = (
        "Generate fictional cases in bulk for benchmarks (e.g. --cases 1000000): people with encrypted "
        "identities and name tokens, numbered cases led by many generated agencies and shared with partners, "
        "their ways in and 'case opened' entries, one transaction per batch (two processes at once on "
        f"PostgreSQL). Each generated agency has an account '{generator.USER_PREFIX}<code>' (no password). "
        "Each batch writes one audit event, not one per row. Refused in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="How many cases to add.")
        parser.add_argument("--batch", type=int, default=5000, help="Cases per transaction (default 5000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed for the fictional content.")
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="USERNAME",
            help="Also give this existing account an aftercare role at every generated lead agency, so it can "
            "browse the generated cases (repeatable).",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="Writing processes (default: 2 on PostgreSQL for big runs)."
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also write the programme's records behind the generated cases (operations, crisis care, care "
            "plans, reintegration, prosecutions), once, for the indicators' benchmark.",
        )
        parser.add_argument(
            "--plain-names",
            action="store_true",
            help="PostgreSQL: also keep a plaintext copy of the generated names (the benchmark's pg_trgm reference).",
        )

    def handle(
        self,
        *args: Any,
        cases: int,
        batch: int,
        seed: int,
        member: list[str],
        workers: int | None,
        plain_names: bool,
        history: bool,
        **options: Any,
    ) -> None:
        # A million fictional survivors must never mix with real ones.
        if settings.PRODUCTION:
            raise CommandError("generate_data writes fictional cases and never runs in production.")
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        missing = [u for u in member if not User.objects.filter(username=u).exists()]
        if missing:
            raise CommandError(f"No account named {', '.join(missing)}.")

        def progress(p: generator.Progress) -> None:
            self.stderr.write(
                f"  {p.done:>9,}/{p.total:,} cases  {p.elapsed:7.1f} s  {p.rate:8,.0f} cases/s  (last {p.last_number})"
            )

        result = generator.generate(
            cases=cases,
            batch=batch,
            seed=seed,
            members=member,
            workers=workers,
            progress=progress,
            plain_names=plain_names,
        )
        changed("cases")  # written in bulk, past the signals: the indicators' cache starts again,
        mark([ALL])  # and their tallies are counted again (by the worker, when asked)
        self.stdout.write(
            f"Generated {result.cases:,} cases in {result.elapsed:.1f} s: {result.rate:,.0f} cases/second."
        )
        if history:
            started = time.monotonic()
            read = write_history(
                generator.ensure_cast(member), progress=lambda n: self.stderr.write(f"  history: {n:,} cases")
            )
            self.stdout.write(f"Wrote the records behind {read:,} cases in {time.monotonic() - started:.1f} s.")
