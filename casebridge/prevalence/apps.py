from django.apps import AppConfig


class PrevalenceConfig(AppConfig):
    name = "casebridge.prevalence"
    label = "prevalence"
