"""The caller's own settings: ``GET /api/v1/me/`` and ``PATCH /api/v1/me/``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.accounts.actions import do_save_settings
from casebridge.accounts.models import User
from casebridge.api.parsers import JSONParser
from casebridge.api.serializers import StrictSerializer
from casebridge.notifications.actions import email_choices


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(settings.LANGUAGES)
    time_zone = serializers.CharField(
        allow_blank=True, help_text="An IANA time zone; blank for the deployment's (settings.TIME_ZONE)."
    )
    email = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="For each kind of notification you may receive: whether it also comes by e-mail.",
    )
    spoken_languages = serializers.ListField(
        child=serializers.CharField(), help_text="The languages you speak (ISO 639-2), for duty rosters."
    )


class MeUpdateSerializer(StrictSerializer):
    language = serializers.ChoiceField(settings.LANGUAGES, required=False)
    time_zone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    email = serializers.DictField(child=serializers.BooleanField(), required=False)
    spoken_languages = serializers.ListField(child=serializers.CharField(max_length=20), required=False, max_length=20)


def _me(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "language": user.language or settings.LANGUAGE_CODE,
        "time_zone": user.time_zone,
        "email": email_choices(user),
        "spoken_languages": user.spoken_languages,
    }


class MeView(APIView):
    """Your own settings: language, time zone, which notifications also come by e-mail
    (emergency access is always e-mailed to the privacy officers who review it), and the
    languages you speak. JSON only."""

    parser_classes = [JSONParser]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(_me(request.user))

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        payload = MeUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        do_save_settings(
            request.user,
            language=data.get("language"),
            time_zone=data.get("time_zone"),
            emails=data.get("email"),
            spoken_languages=data.get("spoken_languages"),
        )
        return Response(_me(request.user))
