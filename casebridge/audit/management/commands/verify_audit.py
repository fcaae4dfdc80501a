from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casebridge.audit.log import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; print OK or the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.ok:
            self.stdout.write(f"OK: {result.checked} events verified; head {result.head_hash}")
            return
        raise CommandError(
            f"BROKEN at event {result.broken_event_id} (after {result.checked} good events): {result.problem}"
        )
