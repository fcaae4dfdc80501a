from django.apps import AppConfig


class RestorationConfig(AppConfig):
    name = "casebridge.restoration"
    label = "restoration"
