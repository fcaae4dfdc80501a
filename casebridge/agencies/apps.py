from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "casebridge.agencies"
    label = "agencies"
