from __future__ import annotations

from rest_framework import serializers

from casebridge.agencies.models import Agency
from casebridge.api.serializers import ModelSerializer, StrictSerializer
from casebridge.consents.models import ConsentRecord, Decision, GivenBy, Purpose


class ConsentSerializer(ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = ConsentRecord
        fields = [
            "id", "purpose", "shared_with", "decision", "given_by", "child_assent", "decided_on", "language",
            "note", "recorded_by", "recorded_at",
        ]  # fmt: skip


class ConsentInputSerializer(StrictSerializer):
    purpose = serializers.ChoiceField(Purpose.choices)
    shared_with = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    decision = serializers.ChoiceField(Decision.choices)
    given_by = serializers.ChoiceField(GivenBy.choices)
    child_assent = serializers.BooleanField(required=False, allow_null=True, default=None)
    decided_on = serializers.DateField()
    language = serializers.CharField(max_length=3)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
