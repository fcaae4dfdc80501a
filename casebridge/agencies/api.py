from __future__ import annotations

from rest_framework import serializers, viewsets

from casebridge.agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "org_type", "province", "parent"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Agencies taking part in casework (not case data: every signed-in user may list them)."""

    queryset = Agency.objects.filter(is_active=True)
    serializer_class = AgencySerializer
