"""Crisis care in the API, under ``/api/v1/crisis/``: ``episodes/`` (list, create, detail,
``close/``), ``episodes/{id}/shifts/``, ``episodes/{id}/coverage/`` and ``board/``. Reached
through the case's crisis-care section: out of reach answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.accounts.models import User
from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.crisis import actions
from casebridge.crisis.board import Row, rows
from casebridge.crisis.coverage import GAP_REASONS, gaps
from casebridge.crisis.models import Episode, EpisodeOutcome, PlaceKind, Shift, StaffRole


def get_episode(user: User, pk: object) -> Episode:
    """The episode if the user reaches its case's crisis care; 404 otherwise."""
    try:
        key = UUID(str(pk))
    except ValueError:
        raise Http404 from None
    found = Episode.objects.visible_to(user).filter(pk=key).select_related("case", "supervisor").first()
    if found is None:
        raise Http404
    return found


def seen(user: User, episode: Episode, action_: str = Action.VIEW) -> None:
    record(user, action_, [actions.item(case_access(user, episode.case), episode, "episode", episode.case_id)])


class EpisodeSerializer(ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    place = serializers.CharField(read_only=True)
    supervisor = serializers.CharField(source="supervisor.username", read_only=True)
    window_ends_at = serializers.DateTimeField(read_only=True)
    outcome_note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "case",
            "case_number",
            "agency",
            "place_kind",
            "place",
            "starts_at",
            "window_hours",
            "window_ends_at",
            "language",
            "interpreter",
            "supervisor",
            "ended_at",
            "outcome",
            "outcome_note",
        ]


class EpisodeInputSerializer(StrictSerializer):
    case = serializers.UUIDField()
    place_kind = serializers.ChoiceField(PlaceKind.choices)
    place = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    window_hours = serializers.IntegerField(min_value=1, max_value=actions.MAX_WINDOW_HOURS, required=False)
    language = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    interpreter = serializers.BooleanField(required=False, default=False)
    supervisor = serializers.CharField(max_length=150, required=False, help_text="A username; you by default.")


class CloseInputSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(EpisodeOutcome.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    placement = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Where she is placed."
    )


class ShiftSerializer(ModelSerializer):
    staff = serializers.CharField(source="staff.username", read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "staff", "role", "starts_at", "ends_at", "languages", "cancelled_at"]


class ShiftInputSerializer(StrictSerializer):
    staff = serializers.CharField(max_length=150, help_text="A username.")
    role = serializers.ChoiceField(StaffRole.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


GapSerializer = inline_serializer(
    "CoverageGap",
    {
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "reason": serializers.ChoiceField(GAP_REASONS),
    },
    many=True,
)
CoverageSerializer = inline_serializer(
    "Coverage",
    {"window_start": serializers.DateTimeField(), "window_end": serializers.DateTimeField(), "gaps": GapSerializer},
)
BoardSerializer = inline_serializer(
    "BoardRow",
    {
        "episode": serializers.UUIDField(),
        "case": serializers.UUIDField(),
        "case_number": serializers.CharField(),
        "hours": serializers.FloatField(),
        "window_hours": serializers.IntegerField(),
        "on_shift": serializers.ListField(child=serializers.CharField()),
        "next_gap": inline_serializer(
            "BoardGap",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "reason": serializers.CharField(),
            },
            allow_null=True,
        ),
    },
    many=True,
)


def _user(username: str, field: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise serializers.ValidationError({field: [_("No such person.")]})
    return found


class EpisodeViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Crisis care of the cases whose crisis-care section you reach."""

    serializer_class = EpisodeSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        return Episode.objects.visible_to(acting_user(self.request)).select_related("case", "agency", "supervisor")

    def list(self, request: Request) -> Response:
        user = acting_user(request)
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        for episode in page:
            seen(user, episode, Action.LIST)
        return self.get_paginated_response(EpisodeSerializer(page, many=True).data)

    @extend_schema(request=EpisodeInputSerializer, responses={201: EpisodeSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)

        def make() -> Episode:
            payload = EpisodeInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            case = Case.objects.visible_to(user, Section.CRISIS_CARE).filter(pk=data.pop("case")).first()
            if case is None:
                raise Http404
            supervisor = _user(data.pop("supervisor"), "supervisor") if "supervisor" in data else None
            return actions.do_open_episode(case, actor=user, supervisor=supervisor, **data)

        return create_scoped(
            request,
            resource_type="crisis_episode",
            create=make,
            rows=self.get_queryset(),
            seen=lambda episode: seen(user, episode),
            serializer=EpisodeSerializer,
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        episode = get_episode(acting_user(request), pk)
        seen(acting_user(request), episode)
        return Response(EpisodeSerializer(episode).data)

    @extend_schema(request=CloseInputSerializer, responses=EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """End her crisis care: placed (where) or another outcome with its reason."""
        episode = get_episode(acting_user(request), pk)
        payload = CloseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        episode = actions.do_close_episode(episode, actor=acting_user(request), **payload.validated_data)
        return Response(EpisodeSerializer(episode).data)

    @extend_schema(methods=["GET"], responses=ShiftSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ShiftInputSerializer, responses={201: ShiftSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def shifts(self, request: Request, pk: str | None = None) -> Response:
        """The duty roster: who is with her, when, speaking which languages."""
        user = acting_user(request)
        episode = get_episode(user, pk)
        rows_ = Shift.objects.visible_to(user).filter(episode=episode).select_related("staff")
        access = case_access(user, episode.case)
        if request.method == "GET":
            page = list(self.paginate_queryset(rows_) or [])
            record(user, Action.LIST, [actions.item(access, s, "shift", episode.case_id) for s in page])
            return self.get_paginated_response(ShiftSerializer(page, many=True).data)

        def make() -> Shift:
            payload = ShiftInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            staff = _user(data.pop("staff"), "staff")
            return actions.do_add_shift(episode, actor=user, staff=staff, **data)

        return create_scoped(
            request,
            resource_type="crisis_shift",
            create=make,
            rows=rows_,
            seen=lambda shift: record(user, Action.VIEW, [actions.item(access, shift, "shift", episode.case_id)]),
            serializer=ShiftSerializer,
        )

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        """What the roster leaves uncovered inside the minimum window: no social worker on shift
        (``no_staff``), or nobody who speaks her language when she needs an interpreter
        (``no_language``)."""
        user = acting_user(request)
        episode = get_episode(user, pk)
        shifts = Shift.objects.visible_to(user).filter(episode=episode, cancelled_at__isnull=True)
        seen(user, episode)
        return Response(
            {
                "window_start": episode.starts_at.isoformat(),
                "window_end": episode.window_ends_at.isoformat(),
                "gaps": [gap.as_json() for gap in gaps(episode, shifts)],
            }
        )


def board_row(row: Row) -> dict[str, Any]:
    return {
        "episode": str(row.episode.pk),
        "case": str(row.episode.case_id),
        "case_number": row.episode.case.number,
        "hours": row.hours,
        "window_hours": row.episode.window_hours,
        "on_shift": [shift.staff.username for shift in row.on_shift],
        "next_gap": row.gap.as_json() if row.gap else None,
    }


class BoardView(APIView):
    """Every open crisis care you reach: hours elapsed of the minimum window, who is on shift
    now, and the gap under way or next."""

    @extend_schema(responses=BoardSerializer)
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        found = rows(user)
        record(user, Action.LIST, [row.audit_item() for row in found])
        return Response([board_row(row) for row in found])
