"""``GET /api/v1/indicators/``: every indicator with the dashboard's filters and the same
disclosure control (no cell under 11)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.indicators.access import reads_indicators
from casebridge.indicators.compute import Result
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
    OpenApiParameter("starts", str, description="From this day (YYYY-MM-DD)."),
    OpenApiParameter("ends", str, description="Until this day (YYYY-MM-DD)."),
    OpenApiParameter("province", str, description="An ISO 3166-2 province code, such as KH-12."),
    OpenApiParameter("agency", str, description="An agency's code."),
    OpenApiParameter("age_band", str, description="An age band at intake, such as 15-17."),
    OpenApiParameter("sex", str, description="An HTCDS gender value, such as Feminine."),
    OpenApiParameter("nationality", str, description="An ISO 3166-1 alpha-2 country code."),
]


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
