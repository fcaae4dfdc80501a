from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "casebridge.investigations"
    label = "investigations"
