"""The indicators computed afresh in the background, once their sources changed: the readers
meanwhile see the month's last figures (``compute.kept``)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh() -> int:
    """Every cached indicator of the month, computed afresh; returns how many."""
    from casebridge.indicators import compute
    from casebridge.indicators.definitions import INDICATORS
    from casebridge.indicators.pillars import COMPUTE

    token = compute.REFRESHING.set(True)
    try:
        done = 0
        for indicator in INDICATORS:
            # (the prevalence estimates are read per reader, from the studies each may see)
            if indicator.code in COMPUTE and indicator.needs != "prevalence":
                compute.result(indicator, (None, None), None, None)  # type: ignore[arg-type]
                done += 1
        return done
    finally:
        compute.REFRESHING.reset(token)
