from django.apps import AppConfig


class RestorationConfig(AppConfig):
    name = "casebridge.restoration"
    label = "restoration"

    def ready(self) -> None:
        from casebridge.cases.models import FACT_LABELS
        from casebridge.restoration import due  # noqa: F401  (registers the home page's due items)
        from casebridge.restoration.models import ReferralState, Stage

        FACT_LABELS.update(state=ReferralState, stage=Stage)  # named on her timeline
