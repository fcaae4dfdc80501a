"""``manage.py demo_accounts``: who can sign in, with which agency and role."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casebridge.demo import accounts


class Command(BaseCommand):
    help = (
        "List active accounts that have an agency membership: username, agency codes and roles (one line per "
        "account). --json prints a JSON list of {username, agency, agency_name, role}, one per membership."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON (and nothing else) on standard output."
        )

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        rows = accounts.account_rows()
        if as_json:
            self.stdout.write(json.dumps(accounts.as_dicts(rows), ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No accounts with an agency membership yet (manage.py load_demo creates demo accounts).")
            return
        self.stdout.write(accounts.table(rows))
