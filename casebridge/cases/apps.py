from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casebridge.cases"
    label = "cases"

    def ready(self) -> None:
        from casebridge.cases import signals  # noqa: F401  (connects the receivers)
