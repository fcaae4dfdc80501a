"""``manage.py set_platform_agency CODE``: name the agency that operates this casebridge.

Its privacy officers approve memberships and review emergency access where an agency has no
privacy officer of its own; its administrators manage every agency. Only one agency is the
platform; naming another moves the role. Set from the command line, never in the admin, because
it widens who may approve access to survivors."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casebridge.agencies.models import Agency
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action


class Command(BaseCommand):
    help = "Name the agency that operates the platform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The agency's code, e.g. OPS.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["code"].upper(), is_active=True).first()
        if agency is None:
            raise CommandError(f"No active agency has the code {options['code']!r}.")
        Agency.objects.exclude(pk=agency.pk).filter(is_platform=True).update(is_platform=False)
        Agency.objects.filter(pk=agency.pk).update(is_platform=True)
        record(None, Action.UPDATE, [Item("agency", str(agency.pk))], reason="set as the platform agency")
        self.stdout.write(f"{agency.code} ({agency.name}) now operates the platform.")
