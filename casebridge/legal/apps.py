from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "casebridge.legal"
    label = "legal"

    def ready(self) -> None:
        from casebridge.consents.signals import consent_recorded
        from casebridge.legal import due, panels  # noqa: F401  (register the home page's items, the case panel)
        from casebridge.legal.actions import consent_changed

        consent_recorded.connect(consent_changed, dispatch_uid="legal-consent")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from casebridge.agencies.models import Membership
        from casebridge.legal.calendar import access_changed

        post_save.connect(access_changed, sender=Membership, dispatch_uid="legal-calendar-membership")
        post_save.connect(access_changed, sender=get_user_model(), dispatch_uid="legal-calendar-user")
