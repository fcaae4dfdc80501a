"""The legal compartment in the API, under ``/api/v1/legal/``: ``proceedings/`` (list, open,
read) with ``defendants/``, ``charges/`` (and ``charges/{id}/`` to amend or drop one) and
``stage/`` (POST a transition or a closure); ``charge-codes/``. Every proceeding is reached
through its ``visible_to``: out of reach answers 404, as if it did not exist; every read and
write is audited; creates take an ``Idempotency-Key``."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, DateTimeField, ModelSerializer, StrictSerializer
from casebridge.audit.models import Action
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.legal import actions
from casebridge.legal.access import get_visible, practises
from casebridge.legal.actions import audited
from casebridge.legal.models import (
    Attendance,
    Charge,
    ChargeCode,
    Closure,
    Defendant,
    Hearing,
    HearingKind,
    Measure,
    PartyRole,
    Proceeding,
    ProceedingCase,
    Stage,
    StageStep,
)


class ChargeCodeSerializer(ModelSerializer):
    class Meta:
        model = ChargeCode
        fields = ["article", "title", "title_km", "penalty", "minor_aggravates"]


class ChargeSerializer(ModelSerializer):
    article = serializers.CharField(source="code.article", read_only=True)
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Charge
        fields = ["id", "defendant", "article", "filed_on", "amended_on", "dropped_on", "note"]
        extra_kwargs = {"amended_on": {"allow_null": True}, "dropped_on": {"allow_null": True}}


class DefendantSerializer(ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Defendant
        fields = ["id", "name", "sex", "birth_year", "added_at"]
        extra_kwargs = {"birth_year": {"allow_null": True}}


class ProceedingStepSerializer(ModelSerializer):
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = StageStep
        fields = ["stage", "closed_as", "on", "note"]


class LinkedCaseSerializer(ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = ProceedingCase
        fields = ["case", "number", "role"]


class StageDaysSerializer(serializers.Serializer):  # type: ignore[type-arg]
    stage = serializers.ChoiceField(choices=Stage.choices)
    days = serializers.IntegerField()


class ProceedingSerializer(ModelSerializer):
    lead_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    police_file = serializers.CharField(read_only=True, allow_null=True)
    court_reference = serializers.CharField(read_only=True, allow_null=True)
    prosecutor = serializers.CharField(read_only=True, allow_null=True)
    investigating_judge = serializers.CharField(read_only=True, allow_null=True)
    cases = LinkedCaseSerializer(many=True, read_only=True)
    steps = ProceedingStepSerializer(many=True, read_only=True)
    stage_days = serializers.SerializerMethodField()

    class Meta:
        model = Proceeding
        fields = [
            "id",
            "reference",
            "lead_agency",
            "police_file",
            "court_reference",
            "court",
            "prosecutor",
            "investigating_judge",
            "stage",
            "stage_since",
            "closed_as",
            "closed_on",
            "cases",
            "steps",
            "stage_days",
        ]
        extra_kwargs = {"closed_on": {"allow_null": True}}

    @extend_schema_field(StageDaysSerializer(many=True))
    def get_stage_days(self, proceeding: Proceeding) -> Any:
        days = actions.stage_days(proceeding, list(proceeding.steps.all()))
        return [{"stage": stage, "days": n} for stage, n in days]


class AttendanceSerializer(ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    number = serializers.CharField(source="case.number", read_only=True)
    requested = serializers.ListField(child=serializers.ChoiceField(choices=Measure.choices), read_only=True)
    granted = serializers.ListField(child=serializers.ChoiceField(choices=Measure.choices), read_only=True)

    class Meta:
        model = Attendance
        fields = ["case", "number", "requested", "granted", "confrontation", "cancelled_at", "cancelled_reason"]
        extra_kwargs = {"cancelled_at": {"allow_null": True}}


class HearingSerializer(ModelSerializer):
    note = serializers.CharField(read_only=True, allow_null=True)
    survivors = AttendanceSerializer(source="attendances", many=True, read_only=True)

    class Meta:
        model = Hearing
        fields = ["id", "at", "court", "room", "kind", "defendants_attend", "note", "cancelled_at", "survivors"]
        extra_kwargs = {"cancelled_at": {"allow_null": True}}


class HearingInput(StrictSerializer):
    at = DateTimeField()
    court = serializers.CharField(max_length=200)
    room = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=HearingKind.choices)
    defendants_attend = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class SummonInput(StrictSerializer):
    case = serializers.UUIDField(help_text="A survivor's case linked to the proceeding.")
    requested = serializers.ListField(
        child=serializers.ChoiceField(choices=Measure.choices), required=False, max_length=5
    )
    granted = serializers.ListField(
        child=serializers.ChoiceField(choices=Measure.choices), required=False, max_length=5
    )


class ProceedingInput(StrictSerializer):
    agency = AgencyCodeField(help_text="The lead legal agency: one of yours.")
    cases = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=20)
    role = serializers.ChoiceField(choices=PartyRole.choices, required=False)
    opened_on = serializers.DateField()
    court = serializers.CharField(max_length=200, required=False, allow_blank=True)
    police_file = serializers.CharField(max_length=100, required=False, allow_blank=True)
    court_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    prosecutor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    investigating_judge = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DefendantInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    sex = serializers.ChoiceField(choices=[("male", "male"), ("female", "female")], required=False)
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)


class ChargeInput(StrictSerializer):
    defendant = serializers.UUIDField()
    article = serializers.CharField(max_length=10)
    filed_on = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ChargeChangeInput(StrictSerializer):
    amended_on = serializers.DateField(required=False, allow_null=True)
    dropped_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ProceedingStageInput(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, help_text="The stage it moves to.")
    closed_as = serializers.ChoiceField(choices=Closure.choices, required=False, help_text="Or how it ends.")
    on = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ProceedingViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Proceedings of your legal agency, and those granted to you. Anyone else gets 404."""

    serializer_class = ProceedingSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        rows = Proceeding.objects.visible_to(acting_user(self.request)).select_related("lead_agency")
        return rows.prefetch_related("steps", "cases__case")

    def _record(self) -> Proceeding:
        found = get_visible(acting_user(self.request), Proceeding, self.kwargs["pk"])
        return cast(Proceeding, self.get_queryset().get(pk=found.pk))

    def list(self, request: Request) -> Response:
        user = acting_user(request)
        if not practises(user):
            raise Http404
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        audited(user, Action.LIST, page, "proceeding")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        found = self._record()
        audited(acting_user(request), Action.VIEW, [found], "proceeding")
        return Response(self.get_serializer(found).data)

    @extend_schema(request=ProceedingInput, responses={201: ProceedingSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        if not practises(user):
            raise Http404

        def make() -> Proceeding:
            payload = ProceedingInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            wanted = set(data.pop("cases"))
            cases = list(Case.objects.visible_to(user, Section.LEGAL).filter(pk__in=wanted))
            if len(cases) != len(wanted):
                raise serializers.ValidationError({"cases": [_("Link cases whose legal section you reach.")]})
            return actions.do_open_proceeding(actor=user, cases=cases, **data)

        return create_scoped(
            request,
            resource_type="legal_proceeding",
            create=make,
            rows=self.get_queryset(),
            seen=lambda found: audited(user, Action.VIEW, [found], "proceeding"),
            serializer=cast(Any, self.get_serializer),
        )

    def _parts(self, request: Request, model: Any, kind: str, out: Any, make: Any) -> Response:
        proceeding = self._record()
        user = acting_user(request)
        rows = model.objects.visible_to(user).filter(proceeding=proceeding)
        if request.method == "GET":
            page = list(self.paginate_queryset(rows) or [])
            audited(user, Action.LIST, page, kind)
            return self.get_paginated_response(out(page, many=True).data)
        return create_scoped(
            request,
            resource_type=f"legal_{kind}",
            create=lambda: make(proceeding, user),
            rows=rows,
            seen=lambda found: audited(user, Action.VIEW, [found], kind),
            serializer=out,
        )

    @extend_schema(methods=["GET"], responses=DefendantSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=DefendantInput, responses={201: DefendantSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def defendants(self, request: Request, pk: str | None = None) -> Response:
        def make(proceeding: Proceeding, user: Any) -> Defendant:
            payload = DefendantInput(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_defendant(proceeding, actor=user, **payload.validated_data)

        return self._parts(request, Defendant, "defendant", DefendantSerializer, make)

    @extend_schema(methods=["GET"], responses=ChargeSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ChargeInput, responses={201: ChargeSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def charges(self, request: Request, pk: str | None = None) -> Response:
        """Charges by article of the 2008 law, per defendant."""

        def make(proceeding: Proceeding, user: Any) -> Charge:
            payload = ChargeInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            defendant = (
                Defendant.objects.visible_to(user).filter(proceeding=proceeding, pk=data.pop("defendant")).first()
            )
            if defendant is None:
                raise serializers.ValidationError({"defendant": [_("Choose a defendant of this proceeding.")]})
            return actions.do_charge(proceeding, actor=user, defendant=defendant, **data)

        return self._parts(request, Charge, "charge", ChargeSerializer, make)

    @extend_schema(methods=["GET"], responses=HearingSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=HearingInput, responses={201: HearingSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def hearings(self, request: Request, pk: str | None = None) -> Response:
        """Hearings of the proceeding, soonest first, with the survivors summoned and their
        protective measures; a survivor facing the defendant unshielded is flagged."""

        def make(proceeding: Proceeding, user: Any) -> Hearing:
            payload = HearingInput(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_schedule_hearing(proceeding, actor=user, **payload.validated_data)

        return self._parts(request, Hearing, "hearing", HearingSerializer, make)

    @extend_schema(request=SummonInput, responses=HearingSerializer, operation_id="legal_proceedings_hearing_summon")
    @action(detail=True, methods=["post"], url_path=f"hearings/(?P<hearing_id>{UUID_RE})/survivors")
    def summon(self, request: Request, pk: str | None = None, hearing_id: str | None = None) -> Response:
        """Summon a survivor of the proceeding to a hearing still to come, or change her
        protective measures: only while her consent to take part is current."""
        proceeding = self._record()
        user = acting_user(request)
        hearing = Hearing.objects.visible_to(user).filter(proceeding=proceeding, pk=hearing_id).first()
        if hearing is None:
            raise Http404
        payload = SummonInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        link = ProceedingCase.objects.visible_to(user).filter(proceeding=proceeding, case_id=data.pop("case")).first()
        if link is None:
            raise serializers.ValidationError(
                {"case": [_("Choose a survivor whose case is linked to this proceeding.")]}
            )
        actions.do_summon(hearing, actor=user, case=link.case, **data)
        audited(user, Action.VIEW, [hearing], "hearing")
        return Response(HearingSerializer(hearing).data)

    @extend_schema(
        request=ChargeChangeInput, responses=ChargeSerializer, operation_id="legal_proceedings_charge_change"
    )
    @action(detail=True, methods=["post"], url_path=f"charges/(?P<charge_id>{UUID_RE})")
    def charge(self, request: Request, pk: str | None = None, charge_id: str | None = None) -> Response:
        """Amend a charge (the note says how) or drop it."""
        proceeding = self._record()
        user = acting_user(request)
        found = Charge.objects.visible_to(user).filter(proceeding=proceeding, pk=charge_id).first()
        if found is None:
            raise Http404
        payload = ChargeChangeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        found = actions.do_change_charge(found, actor=user, **payload.validated_data)
        return Response(ChargeSerializer(found).data)

    @extend_schema(request=ProceedingStageInput, responses=ProceedingSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str | None = None) -> Response:
        """Move it on (``stage``: one the 2007 Code allows from the current one; 409 otherwise)
        or close it (``closed_as``)."""
        proceeding = self._record()
        user = acting_user(request)
        payload = ProceedingStageInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if ("stage" in data) == ("closed_as" in data):
            raise serializers.ValidationError({"stage": [_("Give the stage it moves to, or how it ends.")]})
        if "stage" in data:
            actions.do_move_stage(proceeding, actor=user, **data)
        else:
            actions.do_close(proceeding, actor=user, **data)
        found = self._record()
        audited(user, Action.VIEW, [found], "proceeding")
        return Response(self.get_serializer(found).data)


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("article", str, OpenApiParameter.PATH, description="e.g. 34")])
)
class ChargeCodeViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The articles of the 2008 law in use as charges (configuration, no case data): for lawyers."""

    serializer_class = ChargeCodeSerializer
    lookup_field = "article"

    def get_queryset(self) -> Any:
        if not practises(acting_user(self.request)):
            raise Http404  # 404 on every legal path for anyone but a lawyer
        return ChargeCode.objects.filter(active=True)
