"""``manage.py load_demo``: fictional agencies, accounts and cases for trying casebridge out."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casebridge.agencies.models import Agency
from casebridge.demo import accounts, loader, totp
from casebridge.lib.measures import changed


class Command(BaseCommand):
    help = (
        "Load fictional demo data into an empty database: agencies, one account per role (shared password "
        "and TOTP secret, printed at the end) and cases made through the normal actions. Demo mode only "
        "(CASEBRIDGE_DEMO=1) unless --force; never in production. Does nothing if agencies exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=300, help="How many cases to make (default 300).")
        parser.add_argument("--seed", type=int, default=2015, help="Random seed; the same seed makes the same data.")
        parser.add_argument(
            "--force", action="store_true", help="Load even without CASEBRIDGE_DEMO (still refused in production)."
        )

    def handle(self, *args: Any, cases: int, seed: int, force: bool, **options: Any) -> None:
        # Demo accounts share a printed password and second factor: in production they would be
        # a way in for anyone who has read the README.
        if settings.PRODUCTION:
            raise CommandError("load_demo never runs in production: demo accounts share a published password.")
        if not settings.DEMO and not force:
            raise CommandError(
                "load_demo runs only in demo mode (set CASEBRIDGE_DEMO=1), or with --force on a scratch database."
            )
        if cases < 0:
            raise CommandError("--cases must be 0 or more.")
        if Agency.objects.exists():
            self.stdout.write("Demo data already loaded (agencies exist): nothing changed.")
            self._sign_in_help()
            return

        started = time.monotonic()
        step = max(1, cases // 10)

        def progress(done: int) -> None:
            if done % step == 0 or done == cases:
                self.stderr.write(f"  {done}/{cases} cases")

        with transaction.atomic():
            world = loader.load(cases=cases, seed=seed, progress=progress)
            changed("cases", "training")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Demo data loaded: {len(world.agencies)} agencies, {len(world.users)} accounts, "
            f"{len(world.cases)} cases (seed {seed}) in {elapsed:.1f} s."
        )
        self._sign_in_help()

    def _sign_in_help(self) -> None:
        rows = accounts.account_rows()
        if rows:
            self.stdout.write("")
            self.stdout.write(accounts.table(rows))
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Open http://127.0.0.1:{port}/ and sign in with any account above.",
                    f"  password:     {loader.DEMO_PASSWORD}",
                    f"  TOTP secret:  {totp.DEMO_TOTP_SECRET}  (the same for every account)",
                    f"  otpauth URI:  {totp.otpauth_uri()}",
                    "  current code: make totp",
                ]
            )
        )
