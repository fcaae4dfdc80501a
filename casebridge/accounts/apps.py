from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casebridge.accounts"
    label = "accounts"

    def ready(self) -> None:
        # allauth registers second-factor records in the admin; an administrator who could delete
        # someone's authenticator and reset their password could sign in as them.
        from allauth.mfa.models import Authenticator
        from django.contrib import admin
        from django.contrib.auth.models import Group

        from casebridge.accounts import signals  # noqa: F401  (connects the receivers)

        for model in (Authenticator, Group):  # groups would carry permissions past the rules
            if admin.site.is_registered(model):
                admin.site.unregister(model)
