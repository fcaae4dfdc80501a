from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "casebridge.crisis"
    label = "crisis"

    def ready(self) -> None:
        from casebridge.crisis import due  # noqa: F401  (registers the home page's due items)
