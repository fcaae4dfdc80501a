from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casebridge.cases"
    label = "cases"

    def ready(self) -> None:
        from casebridge.cases import checks, signals  # noqa: F401  (registers the check, connects the receivers)
