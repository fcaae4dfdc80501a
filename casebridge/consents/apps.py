from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "casebridge.consents"
    label = "consents"
