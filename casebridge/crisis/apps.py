from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "casebridge.crisis"
    label = "crisis"
