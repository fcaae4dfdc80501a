"""``GET /api/v1/indicators/``: every indicator with the dashboard's filters and the same
disclosure control (no cell under 11)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.indicators.access import reads_indicators
from casebridge.indicators.actions import do_request_report
from casebridge.indicators.compute import Result
from casebridge.indicators.forms import FACETS, IndicatorFilterForm
from casebridge.indicators.models import Report, ReportStatus
from casebridge.indicators.views import results_for

_POINT = inline_serializer(
    "IndicatorPoint",
    {
        "period": serializers.CharField(),
        "value": serializers.FloatField(allow_null=True),
        "text": serializers.CharField(),
    },
    many=True,
)
IndicatorSerializer = inline_serializer(
    "Indicator",
    {
        "code": serializers.CharField(),
        "pillar": serializers.CharField(),
        "name": serializers.CharField(),
        "available": serializers.BooleanField(),
        "message": serializers.CharField(),
        "value": serializers.FloatField(allow_null=True),
        "text": serializers.CharField(),
        "summary": serializers.CharField(),
        "quarters": _POINT,
        "years": _POINT,
        "breakdowns": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
        "definition": serializers.DictField(),
    },
)
FILTERS = [
    OpenApiParameter("year_from", int, description="Show the years from this one."),
    OpenApiParameter("year_to", int, description="Show the years until this one."),
    OpenApiParameter("province", str, description="Only the cases of this province (its code)."),
    OpenApiParameter("agency", str, description="Only the officials of this agency (its code)."),
    OpenApiParameter(
        "age_band", str, description="Only the survivors of this age band at intake (such as 15-17), or unknown."
    ),
    OpenApiParameter("sex", str, enum=["female", "male", "other"], description="Only this sex or gender."),
    OpenApiParameter("nationality", str, description="Only this nationality (two-letter ISO code)."),
]
# One of province, agency, age_band, sex and nationality at a time: two together make groups too
# small to publish safely.


def _points(points: list[tuple[str, float | None, str]]) -> list[dict[str, Any]]:
    return [{"period": p, "value": v, "text": t} for p, v, t in points]


def _plain(r: Result) -> dict[str, Any]:
    i = r.indicator
    return {
        "code": i.code,
        "pillar": i.pillar,
        "name": str(i.name),
        "available": r.available,
        "message": r.message,
        "value": r.value,
        "text": r.text,
        "summary": r.summary,
        "quarters": _points(r.quarters),
        "years": _points(r.years),
        "breakdowns": {name: _points(points) for name, points in r.breakdowns.items()},
        "definition": {
            "counts": str(i.counts),
            "over": str(i.over) if i.over else None,
            "source": str(i.source),
            "disaggregations": list(i.disaggregations),
            "needs": i.needs,
        },
    }


class IndicatorsView(APIView):
    """Indicators for programme managers: aggregates only, every cell of fewer than 11 people
    shown as "<11" and what would give it away withheld ("·")."""

    @extend_schema(
        parameters=FILTERS,
        responses=inline_serializer("Indicators", {"indicators": serializers.ListField(child=IndicatorSerializer)}),
    )
    def get(self, request: Request) -> Response:
        if not reads_indicators(request.user):  # type: ignore[arg-type]
            raise Http404
        form, results = results_for(request, request.query_params)
        if form.errors:
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        return Response({"indicators": [_plain(r) for r in results]})


ReportSerializer = inline_serializer(
    "IndicatorReport",
    {
        "id": serializers.UUIDField(),
        "status": serializers.CharField(),
        "progress": serializers.IntegerField(),
        "filters": serializers.DictField(),
        "pdf": serializers.CharField(allow_null=True),
        "xlsx": serializers.CharField(allow_null=True),
    },
)


def _report(report: Report) -> dict[str, Any]:
    done = report.status == ReportStatus.DONE
    return {
        "id": str(report.pk),
        "status": report.status,
        "progress": report.progress,
        "filters": report.filters,
        "pdf": reverse("indicators:report_file", args=[report.pk, "pdf"]) if done else None,
        "xlsx": reverse("indicators:report_file", args=[report.pk, "xlsx"]) if done else None,
    }


class ReportsView(APIView):
    """Ask for the period's report (PDF and XLSX) with the dashboard's filters; it is made in
    the background: follow ``GET /api/v1/indicators/reports/{id}/`` until ``status`` is ``done``."""

    @extend_schema(
        request=inline_serializer(
            "IndicatorReportRequest",
            {
                "year_from": serializers.IntegerField(required=False),
                "year_to": serializers.IntegerField(required=False),
                **{f: serializers.CharField(required=False) for f in FACETS},
            },
        ),
        responses={202: ReportSerializer},
    )
    def post(self, request: Request) -> Response:
        if not reads_indicators(request.user):  # type: ignore[arg-type]
            raise Http404
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send the filters as a JSON object."]})
        data = request.data
        unknown = sorted(set(data) - set(IndicatorFilterForm.base_fields))
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        report = do_request_report(actor=request.user, filters={k: str(v) for k, v in data.items()})  # type: ignore[arg-type]
        return Response(_report(report), status=202)


class ReportView(APIView):
    @extend_schema(responses=ReportSerializer)
    def get(self, request: Request, report_id: str) -> Response:
        if not reads_indicators(request.user):  # type: ignore[arg-type]
            raise Http404
        try:
            found = Report.objects.visible_to(request.user).filter(pk=UUID(report_id)).first()  # type: ignore[arg-type]
        except ValueError:
            found = None
        if found is None:
            raise Http404
        record(request.user, Action.VIEW, [Item("indicator_report", str(found.pk), None, (), ("indicators",))])  # type: ignore[arg-type]
        return Response(_report(found))
