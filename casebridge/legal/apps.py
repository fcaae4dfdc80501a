from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "casebridge.legal"
    label = "legal"
