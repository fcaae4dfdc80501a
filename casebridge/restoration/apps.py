from django.apps import AppConfig


class RestorationConfig(AppConfig):
    name = "casebridge.restoration"
    label = "restoration"

    def ready(self) -> None:
        from casebridge.restoration import due  # noqa: F401  (registers the home page's due items)
