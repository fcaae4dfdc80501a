"""Training in the API: ``/api/v1/training/events/`` (with participants and scores) and
``/api/v1/training/figures/``. Out of reach answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.training import actions
from casebridge.training.access import get_event, training_agencies
from casebridge.training.figures import figures
from casebridge.training.forms import PeriodForm
from casebridge.training.models import EventKind, OfficialRole, Participant, Sex, Topic, TrainingEvent
from casebridge.training.views import in_period


class TrainingParticipantSerializer(ModelSerializer):
    name = serializers.CharField(read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Participant
        fields = [
            "id",
            "number",
            "name",
            "sex",
            "role",
            "agency",
            "organisation",
            "attended",
            "pre_score",
            "post_score",
        ]


class TrainingEventSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    topics = serializers.SerializerMethodField()

    class Meta:
        model = TrainingEvent
        fields = ["id", "agency", "title", "kind", "starts_on", "ends_on", "place", "facilitators", "topics"]

    def get_topics(self, event: TrainingEvent) -> list[str]:
        return [t.topic for t in event.topics.all()]


class TrainingEventDetailSerializer(TrainingEventSerializer):
    participants = TrainingParticipantSerializer(many=True, read_only=True)

    class Meta(TrainingEventSerializer.Meta):
        fields = [*TrainingEventSerializer.Meta.fields, "participants"]


class TrainingEventInputSerializer(StrictSerializer):
    agency = AgencyCodeField()
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(EventKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    facilitators = serializers.CharField(max_length=500)
    topics = serializers.ListField(child=serializers.ChoiceField(Topic.choices), min_length=1, max_length=len(Topic))


class TrainingParticipantInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, trim_whitespace=False)
    sex = serializers.ChoiceField(Sex.choices)
    role = serializers.ChoiceField(OfficialRole.choices)
    agency = AgencyCodeField(required=False, allow_null=True, default=None)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attended = serializers.BooleanField(required=False, default=False)
    pre_score = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True, default=None
    )
    post_score = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True, default=None
    )


class TrainingScoresInputSerializer(StrictSerializer):
    attended = serializers.BooleanField()
    pre_score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100, allow_null=True)
    post_score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100, allow_null=True)


_SCORES: dict[str, Any] = {
    "tested": serializers.IntegerField(),
    "mean_before": serializers.FloatField(allow_null=True),
    "mean_after": serializers.FloatField(allow_null=True),
    "mean_change": serializers.FloatField(allow_null=True),
}
FiguresSerializer = inline_serializer(
    "TrainingFigures",
    {
        "events": serializers.IntegerField(),
        "trained": serializers.IntegerField(),
        "scores": inline_serializer("TrainingScores", _SCORES),
        "by_agency": serializers.ListField(child=serializers.DictField()),
        "by_role": serializers.ListField(child=serializers.DictField()),
        "by_sex": serializers.ListField(child=serializers.DictField()),
        "by_topic": serializers.ListField(child=serializers.DictField()),
    },
)
PERIOD = [
    OpenApiParameter("starts", str, description="Events ending on or after this day (YYYY-MM-DD)."),
    OpenApiParameter("ends", str, description="Events starting on or before this day (YYYY-MM-DD)."),
]


class EventViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Training events of your agency, if you are one of its trainers or programme managers."""

    serializer_class = TrainingEventSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        return (
            TrainingEvent.objects.visible_to(acting_user(self.request))
            .select_related("agency")
            .prefetch_related("topics")
        )

    def _event(self) -> TrainingEvent:
        try:
            return get_event(acting_user(self.request), UUID(str(self.kwargs["pk"])))
        except ValueError:
            raise Http404 from None

    @extend_schema(parameters=PERIOD)
    def list(self, request: Request) -> Response:
        user = acting_user(request)
        period = PeriodForm(request.query_params)
        if not period.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in period.errors.items()})
        page = list(self.paginate_queryset(in_period(self.get_queryset(), period)) or [])
        record(user, Action.LIST, [actions.item(user, e, "training_event", e.pk) for e in page])
        return self.get_paginated_response(TrainingEventSerializer(page, many=True).data)

    @extend_schema(
        request=TrainingEventInputSerializer, responses={201: TrainingEventSerializer}, parameters=[schema_header()]
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)

        def make() -> TrainingEvent:
            payload = TrainingEventInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_create_event(actor=user, **payload.validated_data)

        return create_scoped(
            request,
            resource_type="training_event",
            create=make,
            rows=self.get_queryset(),
            seen=lambda event: record(user, Action.VIEW, [actions.item(user, event, "training_event", event.pk)]),
            serializer=TrainingEventSerializer,
        )

    @extend_schema(responses=TrainingEventDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        event = self._event()
        user = acting_user(request)
        people = list(event.participants.select_related("agency"))
        record(
            user,
            Action.VIEW,
            [actions.item(user, event, "training_event", event.pk)]
            + [actions.item(user, event, "training_participant", p.pk) for p in people],
        )
        data = TrainingEventSerializer(event).data | {
            "participants": TrainingParticipantSerializer(people, many=True).data
        }
        return Response(data)

    @extend_schema(methods=["GET"], responses=TrainingParticipantSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=TrainingParticipantInputSerializer,
        responses={201: TrainingParticipantSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def participants(self, request: Request, pk: str | None = None) -> Response:
        event = self._event()
        user = acting_user(request)
        rows = Participant.objects.visible_to(user).filter(event=event).select_related("agency")
        if request.method == "GET":
            page = list(self.paginate_queryset(rows) or [])
            record(user, Action.LIST, [actions.item(user, event, "training_participant", p.pk) for p in page])
            return self.get_paginated_response(TrainingParticipantSerializer(page, many=True).data)

        def make() -> Participant:
            payload = TrainingParticipantInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_participants(
                event, actor=user, rows=[actions.ParticipantData(**payload.validated_data)]
            )[0]

        return create_scoped(
            request,
            resource_type="training_participant",
            create=make,
            rows=rows,
            seen=lambda found: record(user, Action.VIEW, [actions.item(user, event, "training_participant", found.pk)]),
            serializer=TrainingParticipantSerializer,
        )

    @extend_schema(request=TrainingScoresInputSerializer, responses=TrainingParticipantSerializer)
    @action(detail=True, methods=["patch"], url_path=r"participants/(?P<participant_id>[0-9a-fA-F-]{32,36})")
    def scores(self, request: Request, pk: str | None = None, participant_id: str | None = None) -> Response:
        """Attendance and the two scores of one participant."""
        event = self._event()
        user = acting_user(request)
        try:
            found = Participant.objects.visible_to(user).filter(event=event, pk=UUID(str(participant_id))).first()
        except ValueError:
            found = None
        if found is None:
            raise Http404
        payload = TrainingScoresInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = actions.do_record_scores(event, actor=user, rows=[actions.ScoreRow(found, **payload.validated_data)])
        found.refresh_from_db()
        if not changed:  # nothing written, but the participant is shown: a read
            record(user, Action.VIEW, [actions.item(user, event, "training_participant", found.pk)])
        return Response(TrainingParticipantSerializer(found).data)


class FiguresView(APIView):
    """Officials trained by agency, role, topic and sex, and how scores moved, over the events
    of your agencies in the period."""

    @extend_schema(parameters=PERIOD, responses=FiguresSerializer)
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not training_agencies(user):
            raise Http404
        period = PeriodForm(request.query_params)
        if not period.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in period.errors.items()})
        events = in_period(TrainingEvent.objects.visible_to(user), period)
        record(user, Action.VIEW, [actions.item(user, e, "training_figures", e.pk) for e in events])
        result = figures(user, events)
        if not result["trained"]:
            result["message"] = _("No training recorded in this period.")
        return Response(result)
