from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class IndicatorsConfig(AppConfig):
    name = "casebridge.indicators"
    label = "indicators"

    def ready(self) -> None:
        """A saved or deleted record gives its source a new stamp, so that no indicator is read
        from the cache after its numbers changed (``lib.measures``), and marks the case,
        proceeding or suspect it belongs to for the tallies (``tally``)."""
        from casebridge.agencies.models import Agency
        from casebridge.cases.models import Case
        from casebridge.crisis import models as crisis
        from casebridge.investigations import models as rescue
        from casebridge.legal import models as legal
        from casebridge.restoration import models as restore
        from casebridge.training.models import Participant, TrainingEvent

        sources: list[tuple[Any, tuple[str, ...]]] = [
            (Case, ("cases",)),
            (Participant, ("training",)),
            (TrainingEvent, ("training",)),
            # an agency's type (government-led), code and name
            (Agency, ("cases", "training", "rescue", "crisis", "restore", "justice")),
        ]
        sources += [(m, ("rescue",)) for m in (rescue.Screening, rescue.Operation, rescue.Arrest, rescue.CaseLink)]
        sources += [(m, ("crisis",)) for m in (crisis.Episode, crisis.Incident, restore.Placement)]
        sources += [
            (m, ("restore",))
            for m in (
                restore.Goal,
                restore.Reintegration,
                restore.ReintegrationStep,
                restore.Enrolment,
                restore.Livelihood,
                restore.Outcome,
            )
        ]
        sources += [
            (m, ("justice",))
            for m in (
                legal.Proceeding,
                legal.ProceedingCase,
                legal.Defendant,
                legal.Charge,
                legal.Judgment,
                legal.Compensation,
                legal.Payment,
                legal.Hearing,
                legal.Attendance,
                legal.TestimonySession,
            )
        ]
        sources += [(m, ("rescue",)) for m in (rescue.Encounter,)]
        for model, names in sources:

            def changed(sender: Any, instance: Any, names: tuple[str, ...] = names, **kwargs: Any) -> None:
                from casebridge.indicators import tally
                from casebridge.lib.measures import changed

                changed(*names)
                if sender._meta.label in tally.MARKED:
                    tally.mark(tally.keys(instance))
                elif getattr(instance, "_tallied_facts_changed", False):
                    tally.mark([tally.ALL])  # (an agency's code or type: in every case's facts)

            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"measures-{model.__name__}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"measures-del-{model.__name__}")
        pre_save.connect(_agency_facts, sender=Agency, weak=False, dispatch_uid="measures-agency-facts")


def _agency_facts(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Whether a saved agency's code or type changes (the tallies count by both)."""
    if instance.pk and not instance._state.adding:
        before = sender.objects.filter(pk=instance.pk).values_list("code", "org_type").first()
        instance._tallied_facts_changed = before is not None and before != (instance.code, instance.org_type)
