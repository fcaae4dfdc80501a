"""``manage.py demo_totp``: the current second-factor code of the shared demo secret."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casebridge.demo import totp


class Command(BaseCommand):
    help = (
        "Print the current six-digit TOTP code for the demo accounts' shared secret (demo mode only). "
        "The code alone goes to standard output; how long it stays valid goes to standard error."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Outside demo mode an account holding the demo secret would be an account anyone can enter.
        if not settings.DEMO:
            raise CommandError("demo_totp works only in demo mode (CASEBRIDGE_DEMO=1).")
        self.stdout.write(totp.current_code())
        self.stderr.write(f"(valid for {totp.seconds_left()} more seconds)")
