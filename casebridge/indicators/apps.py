from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "casebridge.indicators"
    label = "indicators"
