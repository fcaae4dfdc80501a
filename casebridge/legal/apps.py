from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "casebridge.legal"
    label = "legal"

    def ready(self) -> None:
        from casebridge.consents.signals import consent_recorded
        from casebridge.legal import due, panels  # noqa: F401  (register the home page's items, the case panel)
        from casebridge.legal.actions import consent_changed

        consent_recorded.connect(consent_changed, dispatch_uid="legal-consent")
