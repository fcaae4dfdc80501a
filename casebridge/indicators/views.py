"""The indicators dashboard: four pillars, each indicator with its trend, definition, table and
one-sentence summary; filters as in the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.indicators import compute
from casebridge.indicators.access import reads_indicators
from casebridge.indicators.charts import bars
from casebridge.indicators.definitions import DISAGGREGATIONS, PILLARS
from casebridge.indicators.forms import IndicatorFilterForm
from casebridge.lib.views import AuthedRequest


def results_for(request: Any, data: Any) -> tuple[IndicatorFilterForm, list[compute.Result]]:
    form = IndicatorFilterForm(data or None)
    if data and not form.is_valid():
        return form, []
    cleaned = form.cleaned_data if form.is_bound else {}
    facets = form.facets() if form.is_bound else {}
    user = request.user
    results = compute.dashboard(cleaned.get("starts"), cleaned.get("ends"), facets, user)
    record(user, Action.VIEW, [Item("indicators", "dashboard", None, (), ("indicators",))])
    return form, results


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    if not reads_indicators(request.user):
        raise Http404
    form, results = results_for(request, request.GET)
    pillars = []
    for key, name in PILLARS.items():
        cards = []
        for r in results:
            if r.indicator.pillar != key:
                continue
            points = r.quarters or r.years
            cards.append(
                {
                    "r": r,
                    "chart": bars(str(r.indicator.name), points) if r.available and points else "",
                    "by": ", ".join(str(DISAGGREGATIONS[d]) for d in r.indicator.disaggregations),
                }
            )
        pillars.append({"key": key, "name": name, "cards": cards})
    return render(
        request, "indicators/dashboard.html", {"form": form, "pillars": pillars}, status=400 if form.errors else 200
    )
