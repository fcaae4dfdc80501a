"""Crisis care in the API, under ``/api/v1/crisis/``: ``episodes/`` (list, create, detail,
``close/``, ``guardian/``), ``episodes/{id}/shifts/``, ``incidents/``, ``assessments/``,
``care-items/``, ``interviews/``, ``coverage/``, ``placement-suggestion/``, ``placement-rules/``
and ``board/``. Reached
through the case's crisis-care section: out of reach answers 404, as if it did not exist."""

from __future__ import annotations

from typing import Any, cast
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
from casebridge.agencies.models import Agency
from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import DateTimeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access, case_accesses
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.crisis import actions
from casebridge.crisis.board import Row, rows
from casebridge.crisis.coverage import GAP_REASONS, gaps
from casebridge.crisis.models import (
    RULE_FIELDS,
    Assessment,
    CareItem,
    CareItemKind,
    Episode,
    EpisodeOutcome,
    GuardianDecision,
    Incident,
    IncidentKind,
    Interview,
    PlaceKind,
    PlacementRule,
    Shift,
    StaffRole,
)
from casebridge.crisis.placement import suggest


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


def seen(user: User, episode: Episode, access: Any = None, action_: str = Action.VIEW) -> None:
    """Audit a read of the episode as the API shows it: its crisis care, and the place where she
    is held (her whereabouts) where the reader reaches them."""
    from casebridge.audit.log import Item

    access = access or case_access(user, episode.case)
    shown = [Section.CRISIS_CARE, *([Section.WHEREABOUTS] if access.can(Section.WHEREABOUTS) else [])]
    record(user, action_, [Item.on(access, "crisis_episode", episode.pk, episode.case_id, shown)])


def _access(serializer: Any, case_id: Any) -> Any:
    accesses = serializer.context.get("accesses") or {}
    return accesses.get(case_id)


class EpisodeSerializer(ModelSerializer):
    """An episode as its reader may see it: the place only with her whereabouts, the agency and
    supervisor only where the reader may learn that agency serves her (``accesses`` in the
    context, by case)."""

    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    agency = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    supervisor = serializers.SerializerMethodField()
    window_ends_at = serializers.DateTimeField(read_only=True)
    outcome_note = serializers.CharField(read_only=True, allow_null=True)
    guardian_reason = serializers.CharField(read_only=True, allow_null=True)

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
            "guardian",
            "guardian_reason",
        ]

    def get_agency(self, episode: Episode) -> str | None:
        access = _access(self, episode.case_id)
        return episode.agency.code if access is not None and access.sees_agency(episode.agency_id) else None

    def get_place(self, episode: Episode) -> str | None:
        access = _access(self, episode.case_id)
        return str(episode.place) if access is not None and access.can(Section.WHEREABOUTS) else None

    def get_supervisor(self, episode: Episode) -> str | None:
        access = _access(self, episode.case_id)
        return episode.supervisor.username if access is not None and access.sees_agency(episode.agency_id) else None


class EpisodeInputSerializer(StrictSerializer):
    case = serializers.UUIDField()
    place_kind = serializers.ChoiceField(PlaceKind.choices)
    place = serializers.CharField(max_length=200)
    starts_at = DateTimeField()
    window_hours = serializers.IntegerField(min_value=1, max_value=actions.MAX_WINDOW_HOURS, required=False)
    language = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    interpreter = serializers.BooleanField(required=False, default=False)
    supervisor = serializers.CharField(max_length=150, required=False, help_text="A username; you by default.")


class CloseInputSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(EpisodeOutcome.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    agency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="The partner she is placed with (its code), when placed.",
    )
    placement = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Where, at that partner."
    )
    override_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why, when the partner is not among those suggested.",
    )


class AssessmentSerializer(ModelSerializer):
    emotional = serializers.CharField(read_only=True, allow_null=True)
    physical = serializers.CharField(read_only=True, allow_null=True)
    translation = serializers.CharField(read_only=True, allow_null=True)
    safety_risks = serializers.CharField(read_only=True, allow_null=True)
    family_contact = serializers.CharField(read_only=True, allow_null=True)
    immediate_needs = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Assessment
        fields = ["id", "version", *actions.ASSESSED, "urgent_medical", "family_risk", "recorded_at"]


class AssessmentInputSerializer(StrictSerializer):
    emotional = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    physical = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    urgent_medical = serializers.BooleanField(required=False, default=False)
    translation = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    safety_risks = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    family_risk = serializers.BooleanField(required=False, default=False)
    family_contact = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    immediate_needs = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CareItemSerializer(ModelSerializer):
    class Meta:
        model = CareItem
        fields = ["id", "kind", "quantity", "note", "handed_at"]


class CareItemInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(CareItemKind.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=100)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    handed_at = DateTimeField()


class InterviewSerializer(ModelSerializer):
    interviewer = serializers.CharField(read_only=True)
    present = serializers.CharField(read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "held_at", "minutes", "interviewer", "present", "female_officer", "policy_met"]


class InterviewInputSerializer(StrictSerializer):
    held_at = DateTimeField()
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    interviewer = serializers.CharField(max_length=200)
    present = serializers.CharField(max_length=500)
    female_officer = serializers.BooleanField(required=False, default=False)


class GuardianInputSerializer(StrictSerializer):
    decision = serializers.ChoiceField(GuardianDecision.choices)
    reason = serializers.CharField(max_length=1000)


class PlacementRuleSerializer(ModelSerializer):
    agency: Any = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="A named partner's code, if any."
    )

    class Meta:
        model = PlacementRule
        fields = ["id", *RULE_FIELDS]


SuggestionSerializer = inline_serializer(
    "PlacementSuggestion",
    {
        "rules": inline_serializer(
            "FiredRule", {"id": serializers.IntegerField(), "name": serializers.CharField()}, many=True
        ),
        "met": serializers.ListField(child=serializers.IntegerField()),
        "partners": inline_serializer(
            "SuggestedPartner", {"code": serializers.CharField(), "name": serializers.CharField()}, many=True
        ),
    },
)


def suggestion_json(found: Any) -> dict[str, Any]:
    return {
        "rules": found.rules_json(),
        "met": [rule.pk for rule in found.met],
        "partners": [{"code": a.code, "name": a.name} for a in found.partners],
    }


class ShiftSerializer(ModelSerializer):
    """A shift: its staff member's username only where the reader may learn their agency serves
    her (else null, with the role)."""

    staff = serializers.SerializerMethodField()

    class Meta:
        model = Shift
        fields = ["id", "staff", "role", "starts_at", "ends_at", "languages", "cancelled_at"]

    def get_staff(self, shift: Shift) -> str | None:
        access = _access(self, shift.episode.case_id)
        return shift.staff.username if access is not None and access.sees_agency(shift.agency_id) else None


class ShiftInputSerializer(StrictSerializer):
    staff = serializers.CharField(max_length=150, help_text="A username.")
    role = serializers.ChoiceField(StaffRole.choices)
    starts_at = DateTimeField()
    ends_at = DateTimeField()


class IncidentSerializer(ModelSerializer):
    note = serializers.CharField(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "kind", "occurred_at", "note", "reported_at"]


class IncidentInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(IncidentKind.choices)
    occurred_at = DateTimeField()
    note = serializers.CharField(max_length=2000)


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


def _colleague(username: str, people: list[User], field: str) -> User:
    """One of ``people`` by username; the same answer for anyone else, existing or not."""
    found = next((person for person in people if person.username == username), None)
    if found is None:
        raise serializers.ValidationError({field: [_("You cannot put this person on her roster.")]})
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
        accesses = case_accesses(user, [episode.case for episode in page])
        for episode in page:
            seen(user, episode, accesses[episode.case_id], Action.LIST)
        return self.get_paginated_response(EpisodeSerializer(page, many=True, context={"accesses": accesses}).data)

    def _out(self, episode: Episode, status: int = 200) -> Response:
        user = acting_user(self.request)
        context = {"accesses": {episode.case_id: case_access(user, episode.case)}}
        return Response(EpisodeSerializer(episode, context=context).data, status=status)

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
            supervisor = None
            if "supervisor" in data:
                people = actions.staff_for(case, case_access(user, case))
                supervisor = _colleague(data.pop("supervisor"), people, "supervisor")
            return actions.do_open_episode(case, actor=user, supervisor=supervisor, **data)

        return create_scoped(
            request,
            resource_type="crisis_episode",
            create=make,
            rows=self.get_queryset(),
            seen=lambda episode: seen(user, episode),
            serializer=cast(
                Any,
                lambda episode: EpisodeSerializer(
                    episode, context={"accesses": {episode.case_id: case_access(user, episode.case)}}
                ),
            ),
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        episode = get_episode(acting_user(request), pk)
        seen(acting_user(request), episode)
        return self._out(episode)

    @extend_schema(request=CloseInputSerializer, responses=EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """End her crisis care: placed (where) or another outcome with its reason."""
        episode = get_episode(acting_user(request), pk)
        payload = CloseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        episode = actions.do_close_episode(episode, actor=acting_user(request), **payload.validated_data)
        return self._out(episode)

    @extend_schema(methods=["GET"], responses=ShiftSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ShiftInputSerializer, responses={201: ShiftSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def shifts(self, request: Request, pk: str | None = None) -> Response:
        """The duty roster: who is with her, when, speaking which languages."""
        user = acting_user(request)
        episode = get_episode(user, pk)
        rows_ = Shift.objects.visible_to(user).filter(episode=episode).select_related("staff", "episode")
        access = case_access(user, episode.case)
        context = {"accesses": {episode.case_id: access}}
        if request.method == "GET":
            page = list(self.paginate_queryset(rows_) or [])
            seen(user, episode, access, Action.LIST)
            record(user, Action.LIST, [actions.item(access, s, "shift", episode.case_id) for s in page])
            return self.get_paginated_response(ShiftSerializer(page, many=True, context=context).data)

        def make() -> Shift:
            payload = ShiftInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            staff = _colleague(data.pop("staff"), actions.staff_for(episode.case, access), "staff")
            return actions.do_add_shift(episode, actor=user, staff=staff, **data)

        return create_scoped(
            request,
            resource_type="crisis_shift",
            create=make,
            rows=rows_,
            seen=lambda shift: record(user, Action.VIEW, [actions.item(access, shift, "shift", episode.case_id)]),
            serializer=cast(Any, lambda shift: ShiftSerializer(shift, context=context)),
        )

    def _records(
        self, request: Request, pk: str | None, model: Any, kind: str, out: Any, payload: Any, write: Any
    ) -> Response:
        """An episode's records of one kind: GET lists them (audited), POST adds one through
        ``write(episode, actor, **validated)`` (idempotent with a key)."""
        user = acting_user(request)
        episode = get_episode(user, pk)
        access = case_access(user, episode.case)
        found = model.objects.visible_to(user).filter(episode=episode)
        if request.method == "GET":
            page = list(self.paginate_queryset(found) or [])
            seen(user, episode, access, Action.LIST)
            record(user, Action.LIST, [actions.item(access, row, kind, episode.case_id) for row in page])
            return self.get_paginated_response(out(page, many=True).data)

        def make() -> Any:
            data = payload(data=request.data)
            data.is_valid(raise_exception=True)
            return write(episode, actor=user, **data.validated_data)

        return create_scoped(
            request,
            resource_type=f"crisis_{kind}",
            create=make,
            rows=found,
            seen=lambda row: record(user, Action.VIEW, [actions.item(access, row, kind, episode.case_id)]),
            serializer=out,
        )

    @extend_schema(methods=["GET"], responses=IncidentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=IncidentInputSerializer,
        responses={201: IncidentSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def incidents(self, request: Request, pk: str | None = None) -> Response:
        """Safeguards broken: held in a cell, in sight or hearing of a suspect. Reporting one
        alerts the supervisor and the lead agency's privacy officers at once."""
        return self._records(
            request, pk, Incident, "incident", IncidentSerializer, IncidentInputSerializer, actions.do_report_incident
        )

    @extend_schema(methods=["GET"], responses=AssessmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AssessmentInputSerializer,
        responses={201: AssessmentSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def assessments(self, request: Request, pk: str | None = None) -> Response:
        """Her needs assessment, every version, newest first; POST records a new version."""
        return self._records(
            request, pk, Assessment, "assessment", AssessmentSerializer, AssessmentInputSerializer, actions.do_assess
        )

    @extend_schema(methods=["GET"], responses=CareItemSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=CareItemInputSerializer,
        responses={201: CareItemSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"], url_path="care-items")
    def care_items(self, request: Request, pk: str | None = None) -> Response:
        """The care package: items handed to her, with quantities."""
        return self._records(
            request, pk, CareItem, "care_item", CareItemSerializer, CareItemInputSerializer, actions.do_hand_item
        )

    @extend_schema(methods=["GET"], responses=InterviewSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=InterviewInputSerializer,
        responses={201: InterviewSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def interviews(self, request: Request, pk: str | None = None) -> Response:
        """Interviews she went through: when, how long, by whom, who was present, and whether
        the agency's policy (a female officer for girls) was met."""
        return self._records(
            request,
            pk,
            Interview,
            "interview",
            InterviewSerializer,
            InterviewInputSerializer,
            actions.do_record_interview,
        )

    @extend_schema(request=GuardianInputSerializer, responses=EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def guardian(self, request: Request, pk: str | None = None) -> Response:
        """Decide whether her parents or guardian are told, with the reason."""
        episode = get_episode(acting_user(request), pk)
        payload = GuardianInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        episode = actions.do_guardian_decision(episode, actor=acting_user(request), **payload.validated_data)
        seen(acting_user(request), episode)  # the answer shows the episode as a read does
        return self._out(episode)

    @extend_schema(responses=SuggestionSerializer)
    @action(detail=True, methods=["get"], url_path="placement-suggestion")
    def placement_suggestion(self, request: Request, pk: str | None = None) -> Response:
        """The placement rules she meets and the partners that satisfy them (best first)."""
        user = acting_user(request)
        episode = get_episode(user, pk)
        # For those who decide where she goes (her whereabouts), while she has not gone.
        if episode.ended_at is not None or not case_access(user, episode.case).can_write_in(Section.WHEREABOUTS):
            raise Http404
        seen(user, episode)
        return Response(suggestion_json(suggest(episode, user)))

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
        "on_shift": row.on_shift_labels(),
        "next_gap": row.gap.as_json() if row.gap else None,
    }


class BoardView(APIView):
    """Every open crisis care you reach: hours elapsed of the minimum window, who is on shift
    now, and the gap under way or next."""

    @extend_schema(responses=BoardSerializer)
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        found = rows(user, names=False)
        record(user, Action.LIST, [row.audit_item() for row in found])
        return Response([board_row(row) for row in found])


class PlacementRuleViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The placement rules, by priority (administrators change them in the administration)."""

    serializer_class = PlacementRuleSerializer
    queryset = PlacementRule.objects.filter(is_active=True).select_related("agency")

    def get_queryset(self) -> Any:
        from casebridge.crisis.access import works_in_crisis_care

        if not works_in_crisis_care(acting_user(self.request)):
            return PlacementRule.objects.none()
        return super().get_queryset()
