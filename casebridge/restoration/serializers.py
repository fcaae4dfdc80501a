"""A placement as the API shows it (to those who reach her whereabouts)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from casebridge.api.serializers import AgencyCodeField, DateTimeField, ModelSerializer, StrictSerializer
from casebridge.restoration.models import Placement


class PlacementSerializer(ModelSerializer):
    agency: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    place = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Placement
        fields = ["id", "agency", "place", "started_at", "ended_at", "reason", "decided_at"]


class MoveInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False, allow_null=True, help_text="Where she moves; none: she leaves care.")
    at = DateTimeField()
    reason = serializers.CharField(max_length=1000)
    place = serializers.CharField(max_length=500, required=False, allow_blank=True)
