"""A placement as the API shows it (to those who reach her whereabouts)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from casebridge.api.serializers import ModelSerializer
from casebridge.restoration.models import Placement


class PlacementSerializer(ModelSerializer):
    agency: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    place = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Placement
        fields = ["id", "agency", "place", "started_at", "ended_at", "reason", "decided_at"]
