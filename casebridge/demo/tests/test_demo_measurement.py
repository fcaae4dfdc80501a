"""The demo's measurement data: two prevalence studies reproduce the published pattern from
synthetic visits, and the training records hold the workshop of 130."""

from __future__ import annotations

import io

from django.core.management import call_command

from casebridge.accounts.models import User
from casebridge.prevalence.actions import read_estimate
from casebridge.prevalence.models import Study


def test_the_demo_studies_reproduce_the_published_pattern(settings, db):
    settings.DEMO = True
    call_command("load_demo", "--cases", "0", stdout=io.StringIO(), stderr=io.StringIO())
    baseline = Study.objects.get(title__endswith="(baseline)")
    follow_up = Study.objects.get(title__endswith="2015")
    manager = User.objects.get(username="manager.kosal")
    result = read_estimate(follow_up, actor=manager, baseline=baseline)
    assert (result["establishments"], result["persons"], result["minors_observed"]) == (287, 2014, 38)
    assert round(result["unweighted"]["estimate"] * 100, 1) == 1.9
    assert round(result["minors"]["estimate"] * 100, 1) == 2.2
    assert round(result["under_16"]["estimate"] * 100, 1) == 0.1
    assert round(result["baseline"]["minors"]["estimate"] * 100, 2) == 8.16
    assert round(result["change"]["relative"] * 100) == -73
    assert result["change"]["ci_high"] < 0  # the fall is larger than its uncertainty
    assert result["agreement"]["pairs"] == 29 and result["agreement"]["agreed"] == 27
    assert result["minors"]["ci_low"] > 0 and result["lonely_strata"] == [] and result["strata_not_visited"] == []


def test_the_demo_has_the_workshop_of_130(settings, db):
    from casebridge.training.figures import figures
    from casebridge.training.models import TrainingEvent

    settings.DEMO = True
    call_command("load_demo", "--cases", "0", stdout=io.StringIO(), stderr=io.StringIO())
    workshop = TrainingEvent.objects.get(title__startswith="Working together")
    assert workshop.participants.count() == 130
    trainer = User.objects.get(username="trainer.lina")
    roles = {r["role"] for r in figures(trainer, TrainingEvent.objects.filter(pk=workshop.pk))["by_role"]}
    assert roles == {"police", "social_worker", "ngo_staff"}
    result = figures(trainer, TrainingEvent.objects.all())
    assert result["events"] == 3 and result["scores"]["mean_change"] > 10
