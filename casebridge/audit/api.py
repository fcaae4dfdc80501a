"""Emergency accesses to review: ``GET /api/v1/emergency-access/`` (privacy officers), filtered
as the reviews page is."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.serializers import ModelSerializer, check_filters
from casebridge.audit.forms import ReviewFilterForm
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.api import acting_user
from casebridge.cases.models import BreakGlass


class EmergencyAccessSerializer(ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True, default=None, read_only=True)

    class Meta:
        model = BreakGlass
        fields = [
            "id",
            "case",
            "case_number",
            "username",
            "reason",
            "started_at",
            "expires_at",
            "reviewed_at",
            "reviewed_by",
            "outcome",
            "review_note",
        ]


class EmergencyAccessViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Emergency accesses you review (you are the lead agency's privacy officer, or the
    platform's where the agency has none), waiting ones first. Anyone else gets an empty list."""

    serializer_class = EmergencyAccessSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", enum=[ReviewFilterForm.WAITING, ReviewFilterForm.REVIEWED]),
            OpenApiParameter("person", description="Only emergency accesses by this username."),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Started on or after this day."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Started on or before this day."),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        uses = BreakGlass.objects.reviewable_by(user)
        form = ReviewFilterForm(request.query_params, uses=uses)
        check_filters(request, form)
        narrowed = form.narrow(uses).select_related("case", "user", "reviewed_by")
        page = self.paginate_queryset(narrowed.order_by(F("reviewed_at").desc(nulls_first=True), "-started_at", "-id"))
        record(user, Action.LIST, [Item("break_glass", str(g.pk), g.case_id) for g in page or []])
        return self.get_paginated_response(EmergencyAccessSerializer(page, many=True).data)
