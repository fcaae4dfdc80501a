"""The caller's notifications: ``GET /api/v1/notifications/``, ``POST /api/v1/notifications/read/``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.serializers import ModelSerializer
from casebridge.notifications.models import Notification


class NotificationSerializer(ModelSerializer):
    message = serializers.CharField(read_only=True)
    case = serializers.UUIDField(source="case_id", allow_null=True, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "case", "data", "link", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    marked = serializers.IntegerField()


class NotificationViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Your notifications, newest first. Nobody else's are ever listed."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        return Notification.objects.visible_to(self.request.user)  # type: ignore[arg-type]

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request: Request) -> Response:
        marked = self.get_queryset().unread().update(read_at=timezone.now())
        return Response({"marked": marked})
