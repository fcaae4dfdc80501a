from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casebridge.api.authentication import issue_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if not is_mfa_enabled(user):
            raise CommandError(f"{username} has no second factor yet: they must set one up before using the API.")
        self.stdout.write(issue_token(user))
