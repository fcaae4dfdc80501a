"""The indicators dashboard: four pillars, each indicator with its trend, definition, table and
one-sentence summary; filters as in the API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.indicators import compute
from casebridge.indicators.access import reads_indicators
from casebridge.indicators.actions import do_request_report
from casebridge.indicators.charts import bars
from casebridge.indicators.definitions import DISAGGREGATIONS, PILLARS
from casebridge.indicators.forms import IndicatorFilterForm
from casebridge.indicators.models import Report
from casebridge.indicators.report import period_label
from casebridge.lib.errors import ActionError
from casebridge.lib.views import AuthedRequest, action_error_page

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_for(request: Any, data: Any) -> tuple[IndicatorFilterForm, list[compute.Result]]:
    form = IndicatorFilterForm(data or None)
    if data and not form.is_valid():
        return form, []
    years, facet = form.years(), form.facet()
    results = compute.dashboard(years, facet, request.user)
    shown = "years %s to %s" % (years[0] or "…", years[1] or "…")  # noqa: UP031 - for the audit's reader
    if facet:
        shown += f", {facet[0]} {facet[1]}"
    record(request.user, Action.VIEW, [Item("indicators", "dashboard", None, (), ("indicators",))], reason=shown)
    return form, results


def records_link(code: str, years: compute.Years, facet: compute.Facet) -> str:
    """Where the records behind an indicator are listed, narrowed as the dashboard is: those
    pages show only what the user may see (each through its ``visible_to`` scope), and say
    nothing to someone without access (404) — so the link is offered to every reader."""
    low, high = years
    if code == "system.government_led_cases":
        params = {"opened_from": f"{low}-01-01" if low else "", "opened_to": f"{high}-12-31" if high else ""}
        if facet and facet[0] in ("province", "age_band", "nationality"):
            params[facet[0]] = facet[1]
        elif facet and facet[0] == "sex" and facet[1] in ("female", "male"):
            params["sex"] = "Feminine" if facet[1] == "female" else "Masculine"
        elif facet and facet[0] == "sex":
            return ""  # "other" is several genders: the case list takes one
        return reverse("cases:list") + "?" + urlencode({k: v for k, v in params.items() if v})
    if code == "system.officials_trained":
        params = {"starts": f"{low}-01-01" if low else "", "ends": f"{high}-12-31" if high else ""}
        return reverse("training:list") + "?" + urlencode({k: v for k, v in params.items() if v})
    if code == "system.prevalence_of_minors":
        return reverse("prevalence:list")
    return ""


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
                    "records": records_link(r.indicator.code, form.years(), form.facet()) if r.available else "",
                }
            )
        pillars.append({"key": key, "name": name, "cards": cards})
    return render(
        request, "indicators/dashboard.html", {"form": form, "pillars": pillars}, status=400 if form.errors else 200
    )


@login_required
def report_new(request: AuthedRequest) -> HttpResponse:
    """POST: ask for the period's report with the dashboard's filters; it is made in the
    background and its page shows how far it has got."""
    if not reads_indicators(request.user):
        raise Http404
    if request.method != "POST":
        return redirect("indicators:dashboard")
    try:
        report = do_request_report(actor=request.user, filters=request.POST.dict())
    except ValidationError as error:
        return render(request, "error.html", {"message": " ".join(error.messages)}, status=400)
    except ActionError as error:
        return action_error_page(request, error)
    return redirect("indicators:report", report_id=report.pk)


def _report(request: AuthedRequest, report_id: UUID) -> Report:
    report = Report.objects.visible_to(request.user).filter(pk=report_id).first()
    if report is None or not reads_indicators(request.user):
        raise Http404
    return report


@login_required
def report(request: AuthedRequest, report_id: UUID) -> HttpResponse:
    found = _report(request, report_id)
    record(request.user, Action.VIEW, [Item("indicator_report", str(found.pk), None, (), ("indicators",))])
    context = {"report": found, "period": period_label(found.filters), "waiting": found.status in ("queued", "running")}
    return render(request, "indicators/report_status.html", context)


@login_required
def report_file(request: AuthedRequest, report_id: UUID, kind: str) -> HttpResponse:
    found = _report(request, report_id)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    content = found.pdf if kind == "pdf" else found.xlsx
    if content is None:
        raise Http404
    record(request.user, Action.DOWNLOAD, [Item("indicator_report", str(found.pk), None, (), ("indicators",))])
    response = HttpResponse(bytes(content), content_type=PDF if kind == "pdf" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="indicators-{found.created_at:%Y-%m-%d}.{kind}"'
    return response
