"""The period report: the dashboard's indicators, charts, definitions and small-number rules as
a PDF (WeasyPrint; Khmer shaped by Pango with the Khmer OS fonts) and a spreadsheet (openpyxl),
made by the background worker with its progress saved as it goes."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from openpyxl import Workbook

from casebridge.indicators import compute
from casebridge.indicators.charts import bars
from casebridge.indicators.definitions import DISAGGREGATIONS, INDICATORS, PILLARS
from casebridge.indicators.forms import IndicatorFilterForm
from casebridge.indicators.models import Report, ReportStatus


def _progress(report: Report, done: int) -> None:
    Report.objects.filter(pk=report.pk).update(progress=done)


def _results(report: Report) -> tuple[IndicatorFilterForm, list[compute.Result]]:
    form = IndicatorFilterForm(report.filters or None)
    if report.filters and not form.is_valid():
        raise ValueError("filters no longer valid")
    results = []
    for n, indicator in enumerate(INDICATORS, 1):
        results.append(compute.result(indicator, form.years(), form.facet(), report.requested_by))
        _progress(report, 80 * n // len(INDICATORS))
    return form, results


def _pdf(form: IndicatorFilterForm, results: list[compute.Result]) -> bytes:
    from casebridge.lib.pdf import render_pdf

    pillars = [
        {
            "name": name,
            "items": [
                {"r": r, "chart": bars(str(r.indicator.name), r.quarters or r.years) if r.quarters or r.years else ""}
                for r in results
                if r.indicator.pillar == key
            ],
        }
        for key, name in PILLARS.items()
    ]
    return render_pdf("indicators/report.html", {"form": form, "pillars": pillars, "made": timezone.localtime()})


def _xlsx(form: IndicatorFilterForm, results: list[compute.Result]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Indicators")[:31]
    sheet.append([_("Pillar"), _("Code"), _("Indicator"), _("Value"), _("Note")])
    for r in results:
        sheet.append([str(PILLARS[r.indicator.pillar]), r.indicator.code, str(r.indicator.name), r.text, r.message])
    series = book.create_sheet(_("Series")[:31])
    series.append([_("Code"), _("Table"), _("Period or group"), _("Value")])
    for r in results:
        tables = [(_("By quarter"), r.quarters), (_("By year"), r.years), *r.breakdowns.items()]
        for name, points in tables:
            for label, _value, text in points:
                series.append([r.indicator.code, str(name), label, text])
    definitions = book.create_sheet(_("Definitions")[:31])
    definitions.append([_("Code"), _("Indicator"), _("Counts"), _("Out of"), _("Source"), _("Broken down by")])
    for i in INDICATORS:
        by = ", ".join(str(DISAGGREGATIONS[d]) for d in i.disaggregations)
        definitions.append([i.code, str(i.name), str(i.counts), str(i.over or ""), str(i.source), by])
    rules = book.create_sheet(_("Small numbers")[:31])
    rules.append([_(RULE)])
    for name, value in _filters_shown(form):
        rules.append([name, value])
    # A text cell never starts a formula: every value here is ours, but a title typed by a user
    # (a prevalence study's) could start with "=".
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
                    cell.value = "'" + cell.value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Also in the dashboard template, which is where makemessages finds it.
RULE = "A number of fewer than 11 people shows as <11, and a number that would let one be worked out is withheld (·)."


def _filters_shown(form: IndicatorFilterForm) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    shown = []
    for name, value in form.cleaned_data.items():
        if value not in (None, ""):
            choices = dict(getattr(form.fields[name], "choices", ()))
            shown.append((str(form.fields[name].label), str(choices.get(value, value))))
    return shown


@task()
def make_report(report_id: str) -> str:
    report = Report.objects.select_related("requested_by").filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.QUEUED:
        return "nothing to make"
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    try:
        with translation.override(report.language):
            form, results = _results(report)
            pdf = _pdf(form, results)
            _progress(report, 95)
            xlsx = _xlsx(form, results)
    except Exception:
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, finished_at=timezone.now())
        raise
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.DONE, progress=100, pdf=pdf, xlsx=xlsx, finished_at=timezone.now()
        )
    return ReportStatus.DONE


def period_label(filters: dict[str, Any]) -> str:
    starts, ends = filters.get("year_from") or "…", filters.get("year_to") or "…"
    return (
        _("%(starts)s to %(ends)s") % {"starts": starts, "ends": ends}
        if (starts, ends) != ("…", "…")
        else _("All years")
    )
