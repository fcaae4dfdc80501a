from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.agencies.actions import awaiting_approval, do_approve_membership, do_refuse_membership
from casebridge.agencies.models import Agency, Membership
from casebridge.api.serializers import ModelSerializer, StrictSerializer


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "name_km", "name_vi", "org_type", "province", "parent"]

    def to_representation(self, agency: Agency) -> dict[str, Any]:
        # What DRF would write, field by field (a test holds the two equal), without its
        # per-field machinery: an agency is written on every row of a case list.
        return {
            "id": agency.pk,
            "code": agency.code,
            "name": agency.name,
            "name_km": agency.name_km,
            "name_vi": agency.name_vi,
            "org_type": agency.org_type,
            "province": agency.province,
            "parent": agency.parent_id,
        }


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Agencies taking part in casework (not case data: every signed-in user may list them)."""

    queryset = Agency.objects.filter(is_active=True)
    serializer_class = AgencySerializer


class PendingMembershipSerializer(ModelSerializer):
    user = serializers.CharField(source="user.username")
    agency = serializers.CharField(source="agency.code")
    changed_by = serializers.CharField(source="changed_by.username", allow_null=True, default=None)

    class Meta:
        model = Membership
        fields = ["id", "user", "agency", "role", "team", "changed_by", "changed_at", "approved_at"]


class DecisionSerializer(StrictSerializer):
    changed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="The membership's changed_at as you saw it: if it has changed since, the answer is 409.",
    )


class MembershipViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Memberships waiting for the caller's approval (privacy officers). A membership with a role
    that reaches case data takes effect only once approved by someone other than who set it up."""

    serializer_class = PendingMembershipSerializer
    queryset = Membership.objects.none()  # for the schema; get_queryset is what answers

    def get_queryset(self) -> Any:
        return awaiting_approval(self.request.user)  # type: ignore[arg-type]

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PendingMembershipSerializer(page, many=True).data)

    def _seen(self, request: Request) -> Any:
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data["changed_at"]

    @extend_schema(request=DecisionSerializer, responses=PendingMembershipSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        done = do_approve_membership(membership, actor=request.user, seen=self._seen(request))  # type: ignore[arg-type]
        return Response(PendingMembershipSerializer(done).data)

    @extend_schema(request=DecisionSerializer, responses=PendingMembershipSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        done = do_refuse_membership(membership, actor=request.user, seen=self._seen(request))  # type: ignore[arg-type]
        return Response(PendingMembershipSerializer(done).data)
