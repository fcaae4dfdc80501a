"""The legal compartment in the API, under ``/api/v1/legal/``: ``proceedings/`` (list, open,
read) with ``defendants/``, ``charges/`` (and ``charges/{id}/`` to amend or drop one) and
``stage/`` (POST a transition or a closure); ``charge-codes/``. Every proceeding is reached
through its ``visible_to``: out of reach answers 404, as if it did not exist; every read and
write is audited; creates take an ``Idempotency-Key``."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, DateTimeField, ModelSerializer, StrictSerializer
from casebridge.audit.models import Action
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.legal import actions, bundle, calendar
from casebridge.legal import evidence as chain
from casebridge.legal import judgment as rulings
from casebridge.legal.access import get_visible, practises
from casebridge.legal.actions import audited
from casebridge.legal.models import (
    AppealResult,
    Attendance,
    Charge,
    ChargeCode,
    Closure,
    Compensation,
    Counsel,
    Custody,
    CustodyStep,
    Defendant,
    Evidence,
    EvidenceKind,
    Handoff,
    Hearing,
    HearingKind,
    Judgment,
    Measure,
    PartyRole,
    Payment,
    Proceeding,
    ProceedingCase,
    SessionKind,
    Stage,
    StageStep,
    TestimonySession,
    Verdict,
)


class ChargeCodeSerializer(ModelSerializer):
    class Meta:
        model = ChargeCode
        fields = ["article", "title", "title_km", "penalty", "minor_aggravates"]


NULLABLE = {"allow_null": True}


class JudgmentSerializer(ModelSerializer):
    class Meta:
        model = Judgment
        fields = ["verdict", "on", "years", "months", "fine", "appealed_on", "appeal_result", "appeal_decided_on"]
        extra_kwargs = {name: NULLABLE for name in ("years", "months", "fine", "appealed_on", "appeal_decided_on")}


class ChargeSerializer(ModelSerializer):
    article = serializers.CharField(source="code.article", read_only=True)
    note = serializers.CharField(read_only=True, allow_null=True)
    judgment = serializers.SerializerMethodField()

    class Meta:
        model = Charge
        fields = ["id", "defendant", "article", "filed_on", "amended_on", "dropped_on", "note", "judgment"]
        extra_kwargs = {"amended_on": NULLABLE, "dropped_on": NULLABLE}

    @extend_schema_field(JudgmentSerializer(allow_null=True))
    def get_judgment(self, charge: Charge) -> Any:
        found = getattr(charge, "judgment", None)
        return JudgmentSerializer(found).data if found is not None else None


class CustodySerializer(ModelSerializer):
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = CustodyStep
        fields = ["status", "since", "until", "extended", "note"]
        extra_kwargs = {"until": NULLABLE}


class PaymentSerializer(ModelSerializer):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on"]


class CompensationSerializer(ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    number = serializers.CharField(source="case.number", read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    paid = serializers.IntegerField(read_only=True)

    class Meta:
        model = Compensation
        fields = ["id", "case", "number", "amount", "ordered_on", "paid", "payments"]


class DefendantSerializer(ModelSerializer):
    name = serializers.CharField(read_only=True)
    custody = CustodySerializer(many=True, read_only=True)
    custody_overdue = serializers.SerializerMethodField(help_text="Held by the police past 48 hours or the extension.")
    compensation = CompensationSerializer(many=True, read_only=True)

    class Meta:
        model = Defendant
        fields = [
            "id",
            "name",
            "sex",
            "birth_year",
            "added_at",
            "custody",
            "custody_overdue",
            "compensation",
        ]
        extra_kwargs = {"birth_year": NULLABLE}

    def get_custody_overdue(self, defendant: Defendant) -> bool:
        steps = list(defendant.custody.all())
        return bool(steps) and steps[-1].overdue()


class CounselSerializer(ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Counsel
        fields = ["id", "user", "granted_at", "expires_at", "revoked_at"]
        extra_kwargs = {"expires_at": NULLABLE, "revoked_at": NULLABLE}


class CounselInput(StrictSerializer):
    user = serializers.CharField(max_length=150, help_text="The username of a lawyer of another agency.")
    expires_at = DateTimeField(required=False, allow_null=True)


class HandoffSerializer(ModelSerializer):
    giver = serializers.CharField(source="giver.username", read_only=True)
    receiver = serializers.CharField(source="receiver.username", read_only=True)
    location = serializers.CharField(read_only=True)
    purpose = serializers.CharField(read_only=True, allow_null=True)
    confirmed_at = serializers.SerializerMethodField()

    class Meta:
        model = Handoff
        fields = ["id", "giver", "receiver", "location", "purpose", "at", "confirmed_at"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_confirmed_at(self, handoff: Handoff) -> Any:
        receipt = getattr(handoff, "receipt", None)
        return serializers.DateTimeField().to_representation(receipt.at) if receipt is not None else None


class EvidenceSerializer(ModelSerializer):
    description = serializers.CharField(read_only=True)
    collected_by = serializers.CharField(read_only=True)
    location = serializers.CharField(read_only=True)
    seized = serializers.UUIDField(source="seized_id", read_only=True, allow_null=True)
    custodian = serializers.SerializerMethodField(help_text="Who holds it: the last confirmed receiver.")
    awaiting = serializers.SerializerMethodField(help_text="Whose confirmation a hand-off awaits, if one does.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "reference",
            "kind",
            "description",
            "sha256",
            "collected_by",
            "collected_on",
            "location",
            "seized",
            "registered_at",
            "custodian",
            "awaiting",
        ]

    def _custody(self, item: Evidence) -> Any:
        if not hasattr(item, "_custody"):
            holder, pending = chain.custody_of(item, list(item.handoffs.all()))
            item._custody = (holder.username, pending.receiver.username if pending else None)  # type: ignore[attr-defined]
        return item._custody  # type: ignore[attr-defined]

    def get_custodian(self, item: Evidence) -> str:
        return str(self._custody(item)[0])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_awaiting(self, item: Evidence) -> Any:
        return self._custody(item)[1]


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


class CustodyInput(StrictSerializer):
    status = serializers.ChoiceField(choices=Custody.choices, required=False, help_text="Where he is held from now.")
    since = DateTimeField(required=False, help_text="Since when (for police custody: the arrest).")
    extend_until = DateTimeField(required=False, help_text="Or: police custody extended by the prosecutor to.")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class JudgmentInput(StrictSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    on = serializers.DateField()
    years = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)
    months = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=11)
    fine = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**12, help_text="Riel.")


class AppealInput(StrictSerializer):
    appealed_on = serializers.DateField(required=False, allow_null=True)
    result = serializers.ChoiceField(choices=AppealResult.choices, required=False)
    decided_on = serializers.DateField(required=False, allow_null=True)


class CompensationInput(StrictSerializer):
    case = serializers.UUIDField(help_text="A survivor's case linked to the proceeding.")
    amount = serializers.IntegerField(min_value=1, max_value=10**12, help_text="Riel.")
    ordered_on = serializers.DateField()


class PaymentInput(StrictSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=10**12, help_text="Riel.")
    paid_on = serializers.DateField()


class EvidenceInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    description = serializers.CharField(max_length=500)
    sha256 = serializers.CharField(max_length=64, required=False, allow_blank=True)
    collected_by = serializers.CharField(max_length=200)
    collected_on = serializers.DateField()
    location = serializers.CharField(max_length=200)
    seized = serializers.UUIDField(required=False, help_text="An item seized in an operation you reach.")


class HandoffInput(StrictSerializer):
    receiver = serializers.CharField(max_length=150, help_text="The username of who receives it.")
    location = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=500, required=False, allow_blank=True)


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
    name = serializers.CharField(max_length=200, required=False, help_text="Required unless a subject is given.")
    subject = serializers.UUIDField(
        required=False, help_text="A subject of the investigations compartment you are granted: his name is taken."
    )
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


# What each part's answer reads along with it, in one query per relation.
RELATED: dict[Any, Any] = {
    Defendant: lambda rows: rows.prefetch_related("custody", "compensation__payments", "compensation__case"),
    Charge: lambda rows: rows.select_related("code", "judgment"),
    Evidence: lambda rows: rows.select_related("registered_by").prefetch_related(
        "handoffs__receipt", "handoffs__receiver"
    ),
    Handoff: lambda rows: rows.select_related("giver", "receiver", "receipt"),
    Counsel: lambda rows: rows.select_related("user"),
}


def _part(user: Any, model: Any, proceeding: Proceeding, pk: str | None) -> Any:
    """One part of the proceeding the user reaches, as its answer reads it; 404 otherwise."""
    rows = model.objects.visible_to(user).filter(proceeding=proceeding, pk=pk)
    found = RELATED.get(model, lambda rows: rows)(rows).first()
    if found is None:
        raise Http404
    return found


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
        rows = RELATED.get(model, lambda rows: rows)(model.objects.visible_to(user).filter(proceeding=proceeding))
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
            from casebridge.investigations.models import Subject

            payload = DefendantInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            if "subject" in data:
                data["subject"] = Subject.objects.visible_to(user).filter(pk=data["subject"]).first()
                if data["subject"] is None:
                    raise serializers.ValidationError({"subject": [_("Choose a subject you are granted.")]})
            return actions.do_add_defendant(proceeding, actor=user, **data)

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

    @extend_schema(request=CustodyInput, responses=DefendantSerializer, operation_id="legal_proceedings_custody")
    @action(detail=True, methods=["post"], url_path=f"defendants/(?P<defendant_id>{UUID_RE})/custody")
    def custody(self, request: Request, pk: str | None = None, defendant_id: str | None = None) -> Response:
        """Where the defendant is held from a moment on (``status``, ``since``), or his police
        custody extended by the prosecutor (``extend_until``, with a note of the authorisation)."""
        proceeding = self._record()
        user = acting_user(request)
        defendant = _part(user, Defendant, proceeding, defendant_id)
        payload = CustodyInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        note = data.pop("note", "")
        if "extend_until" in data:
            if "status" in data or "since" in data:
                raise serializers.ValidationError({"extend_until": [_("Extend his custody, or change it: not both.")]})
            rulings.do_extend_custody(defendant, actor=user, until=data["extend_until"], note=note)
        else:
            if "status" not in data or "since" not in data:
                raise serializers.ValidationError({"status": [_("Give where he is held and since when.")]})
            rulings.do_custody(defendant, actor=user, note=note, **data)
        found = _part(user, Defendant, proceeding, defendant_id)
        audited(user, Action.VIEW, [found], "defendant")
        return Response(DefendantSerializer(found).data)

    @extend_schema(
        request=CompensationInput,
        responses={201: CompensationSerializer},
        parameters=[schema_header()],
        operation_id="legal_proceedings_compensation",
    )
    @action(detail=True, methods=["post"], url_path=f"defendants/(?P<defendant_id>{UUID_RE})/compensation")
    def compensation(self, request: Request, pk: str | None = None, defendant_id: str | None = None) -> Response:
        """Compensation a convicted defendant is ordered to pay a survivor of the proceeding."""
        proceeding = self._record()
        user = acting_user(request)
        defendant = _part(user, Defendant, proceeding, defendant_id)

        def make() -> Compensation:
            payload = CompensationInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            link = ProceedingCase.objects.visible_to(user).filter(proceeding=proceeding, case_id=data.pop("case"))
            found = link.select_related("case").first()
            if found is None:
                raise serializers.ValidationError(
                    {"case": [_("Choose a survivor whose case is linked to this proceeding.")]}
                )
            return rulings.do_order_compensation(defendant, actor=user, case=found.case, **data)

        return create_scoped(
            request,
            resource_type="legal_compensation",
            create=make,
            rows=Compensation.objects.visible_to(user).filter(proceeding=proceeding),
            seen=lambda found: audited(user, Action.VIEW, [found], "compensation"),
            serializer=CompensationSerializer,
        )

    @extend_schema(
        request=PaymentInput,
        responses={201: PaymentSerializer},
        parameters=[schema_header()],
        operation_id="legal_proceedings_compensation_payment",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"defendants/(?P<defendant_id>{UUID_RE})/compensation/(?P<compensation_id>{UUID_RE})/payments",
    )
    def payments(
        self,
        request: Request,
        pk: str | None = None,
        defendant_id: str | None = None,
        compensation_id: str | None = None,
    ) -> Response:
        """A payment of ordered compensation, up to what remains owed."""
        proceeding = self._record()
        user = acting_user(request)
        found = _part(user, Compensation, proceeding, compensation_id)
        if str(found.defendant_id) != defendant_id:
            raise Http404

        def make() -> Payment:
            payload = PaymentInput(data=request.data)
            payload.is_valid(raise_exception=True)
            return rulings.do_pay(found, actor=user, **payload.validated_data)

        return create_scoped(
            request,
            resource_type="legal_payment",
            create=make,
            rows=Payment.objects.visible_to(user).filter(proceeding=proceeding),
            seen=lambda row: audited(user, Action.VIEW, [row], "payment"),
            serializer=PaymentSerializer,
        )

    @extend_schema(request=JudgmentInput, responses=ChargeSerializer, operation_id="legal_proceedings_judgment")
    @action(detail=True, methods=["post"], url_path=f"charges/(?P<charge_id>{UUID_RE})/judgment")
    def judgment(self, request: Request, pk: str | None = None, charge_id: str | None = None) -> Response:
        """The judgment on a charge, once the proceeding has reached its verdict: convicted (with
        the sentence) or acquitted (with none)."""
        proceeding = self._record()
        user = acting_user(request)
        found = _part(user, Charge, proceeding, charge_id)
        payload = JudgmentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        rulings.do_judge(found, actor=user, **payload.validated_data)
        found = _part(user, Charge, proceeding, charge_id)
        audited(user, Action.VIEW, [found], "charge")
        return Response(ChargeSerializer(found).data)

    @extend_schema(request=AppealInput, responses=ChargeSerializer, operation_id="legal_proceedings_appeal")
    @action(detail=True, methods=["post"], url_path=f"charges/(?P<charge_id>{UUID_RE})/appeal")
    def appeal(self, request: Request, pk: str | None = None, charge_id: str | None = None) -> Response:
        """An appeal filed against the judgment on a charge (``appealed_on``); later its
        ``result`` and ``decided_on``."""
        proceeding = self._record()
        user = acting_user(request)
        found = _part(user, Charge, proceeding, charge_id)
        decided = getattr(found, "judgment", None)
        if decided is None:
            raise serializers.ValidationError({"appealed_on": [_("This charge has not been judged.")]})
        payload = AppealInput(data=request.data)
        payload.is_valid(raise_exception=True)
        rulings.do_appeal(decided, actor=user, **payload.validated_data)
        found = _part(user, Charge, proceeding, charge_id)
        audited(user, Action.VIEW, [found], "charge")
        return Response(ChargeSerializer(found).data)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=EvidenceInput, responses={201: EvidenceSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """The evidence register: each item, who holds it now, and whose confirmation a hand-off
        awaits. A digital file is registered by its SHA-256; an item seized in an operation you
        reach, by its id (``seized``)."""

        def make(proceeding: Proceeding, user: Any) -> Evidence:
            from casebridge.investigations.models import SeizedItem

            payload = EvidenceInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            if "seized" in data:
                data["seized"] = SeizedItem.objects.visible_to(user).filter(pk=data["seized"]).first()
                if data["seized"] is None:
                    raise serializers.ValidationError(
                        {"seized": [_("Choose an item seized in an operation you reach.")]}
                    )
            return chain.do_register(proceeding, actor=user, **data)

        return self._parts(request, Evidence, "evidence", EvidenceSerializer, make)

    @extend_schema(methods=["GET"], responses=HandoffSerializer(many=True), operation_id="legal_proceedings_handoffs")
    @extend_schema(
        methods=["POST"],
        request=HandoffInput,
        responses={201: HandoffSerializer},
        parameters=[schema_header()],
        operation_id="legal_proceedings_handoff",
    )
    @action(detail=True, methods=["get", "post"], url_path=f"evidence/(?P<evidence_id>{UUID_RE})/handoffs")
    def handoffs(self, request: Request, pk: str | None = None, evidence_id: str | None = None) -> Response:
        """An item's chain of custody, oldest first (append-only); POST: its holder hands it to
        someone who works on the proceeding, who then confirms it (``{id}/confirm/``)."""
        proceeding = self._record()
        user = acting_user(request)
        item = _part(user, Evidence, proceeding, evidence_id)
        rows = RELATED[Handoff](Handoff.objects.visible_to(user).filter(evidence=item))
        if request.method == "GET":
            page = list(self.paginate_queryset(rows) or [])
            audited(user, Action.LIST, page, "handoff")
            return self.get_paginated_response(HandoffSerializer(page, many=True).data)

        def make() -> Handoff:
            from casebridge.accounts.models import User

            payload = HandoffInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            receiver = User.objects.filter(username=data.pop("receiver"), is_active=True).first()
            if receiver is None:
                raise serializers.ValidationError(
                    {"receiver": [_("Hand it only to someone who works on this proceeding.")]}
                )
            return chain.do_hand_off(item, actor=user, receiver=receiver, **data)

        return create_scoped(
            request,
            resource_type="legal_handoff",
            create=make,
            rows=rows,
            seen=lambda found: audited(user, Action.VIEW, [found], "handoff"),
            serializer=HandoffSerializer,
        )

    @extend_schema(request=None, responses=HandoffSerializer, operation_id="legal_proceedings_handoff_confirm")
    @action(
        detail=True,
        methods=["post"],
        url_path=f"evidence/(?P<evidence_id>{UUID_RE})/handoffs/(?P<handoff_id>{UUID_RE})/confirm",
    )
    def confirm(
        self, request: Request, pk: str | None = None, evidence_id: str | None = None, handoff_id: str | None = None
    ) -> Response:
        """The receiver confirms the item reached them (only they can)."""
        proceeding = self._record()
        user = acting_user(request)
        found = _part(user, Handoff, proceeding, handoff_id)
        if str(found.evidence_id) != evidence_id:
            raise Http404
        chain.do_confirm(found, actor=user)
        found = _part(user, Handoff, proceeding, handoff_id)
        return Response(HandoffSerializer(found).data)

    @extend_schema(methods=["GET"], responses=CounselSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=CounselInput, responses={201: CounselSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def counsel(self, request: Request, pk: str | None = None) -> Response:
        """Lawyers of other agencies granted this proceeding (a legal-aid lawyer for a civil
        party); POST grants one, until revoked or ``expires_at``."""

        def make(proceeding: Proceeding, user: Any) -> Counsel:
            from casebridge.accounts.models import User

            payload = CounselInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            lawyer = User.objects.filter(username=data.pop("user"), is_active=True).first()
            if lawyer is None:
                raise serializers.ValidationError({"user": [_("Only a lawyer is granted a proceeding.")]})
            return actions.do_grant_counsel(proceeding, actor=user, user=lawyer, **data)

        return self._parts(request, Counsel, "counsel", CounselSerializer, make)

    @extend_schema(request=None, responses=CounselSerializer, operation_id="legal_proceedings_counsel_revoke")
    @action(detail=True, methods=["post"], url_path="counsel/(?P<counsel_id>[0-9]{1,9})/revoke")
    def revoke_counsel(self, request: Request, pk: str | None = None, counsel_id: str | None = None) -> Response:
        """The granted lawyer no longer reaches the proceeding."""
        proceeding = self._record()
        user = acting_user(request)
        found = actions.do_revoke_counsel(_part(user, Counsel, proceeding, counsel_id), actor=user)
        return Response(CounselSerializer(found).data)

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


class CalendarAddressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.CharField(help_text="Shown once: subscribe to it in a calendar app; keep it secret.")


class CalendarFeedView(APIView):
    """Your hearings as a calendar feed at a secret address (lawyers only)."""

    def _lawyer(self, request: Request) -> Any:
        user = acting_user(request)
        if not practises(user):
            raise Http404
        return user

    @extend_schema(request=None, responses={201: CalendarAddressSerializer}, operation_id="legal_calendar_new")
    def post(self, request: Request) -> Response:
        """A new secret address (the old one stops working). It carries no survivor's or
        defendant's name: references, case numbers, kinds of hearing and places."""
        token = calendar.new_feed(self._lawyer(request))
        url = request.build_absolute_uri(reverse("legal-calendar-feed", args=[token]))
        return Response({"url": url}, status=201)

    @extend_schema(request=None, responses={204: None}, operation_id="legal_calendar_revoke")
    def delete(self, request: Request) -> Response:
        """The address stops working."""
        calendar.revoke_feed(self._lawyer(request))
        return Response(status=204)


class FileView(APIView):
    """An endpoint that answers with a file (a calendar, a PDF) as it is, and an error in JSON,
    whatever the client says it accepts."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)


class CalendarFeedFile(FileView):
    """The feed itself, read by a calendar app without signing in: the secret address is the key."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR}, operation_id="legal_calendar_feed", auth=[])
    def get(self, request: Request, token: str) -> HttpResponse:
        user = calendar.feed_user(token)
        if user is None:
            raise Http404
        return HttpResponse(calendar.feed(user), content_type="text/calendar; charset=utf-8")


class StageFigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    stage = serializers.ChoiceField(choices=Stage.choices)
    proceedings = serializers.IntegerField(
        allow_null=True, help_text="Proceedings that went through the stage or are in it (None: one or two)."
    )
    in_stage_now = serializers.IntegerField(allow_null=True, help_text="None: one or two.")
    median_days = serializers.IntegerField(allow_null=True, help_text="None for fewer than three proceedings.")
    p90_days = serializers.IntegerField(allow_null=True, help_text="Nine in ten spent at most this many days.")


class ClosureFigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    closed_as = serializers.ChoiceField(choices=Closure.choices)
    proceedings = serializers.IntegerField(allow_null=True, help_text="None: one or two.")


class StageDurationsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    proceedings = serializers.IntegerField()
    stages = StageFigureSerializer(many=True)
    closures = ClosureFigureSerializer(many=True)


class StageDurationsView(APIView):
    """How long each stage of criminal procedure takes across the proceedings your agencies lead
    (programme managers and lawyers): aggregates only, never a proceeding."""

    @extend_schema(responses=StageDurationsSerializer, operation_id="legal_stage_durations")
    def get(self, request: Request) -> Response:
        from casebridge.audit.log import Item, record
        from casebridge.legal.measures import measured_agencies, stage_durations

        user = acting_user(request)
        agencies = measured_agencies(user)
        if not agencies:
            raise Http404
        record(user, Action.VIEW, [Item("legal_stage_durations", ",".join(map(str, sorted(agencies))))])
        return Response(StageDurationsSerializer(stage_durations(agencies)).data)


class TestimonySessionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    on = serializers.DateField()
    hearing_at = serializers.DateTimeField(
        allow_null=True, help_text="The hearing she was accompanied to, for those who reach her attendance."
    )
    court = serializers.CharField(allow_null=True)
    staff = serializers.CharField(allow_null=True, help_text="Only when you may learn the recording agency.")
    agency = serializers.CharField(allow_null=True, help_text="The recording agency's code, when you may learn it.")
    readiness = serializers.CharField(allow_null=True, help_text="Only for the recording agency's staff.")


class TestimonyInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    on = serializers.DateField()
    attendance_hearing = serializers.UUIDField(required=False, help_text="Accompanied: the hearing she attended.")
    staff = serializers.CharField(max_length=300)
    readiness = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _session(session: Any) -> dict[str, Any]:
    hearing, agency = session.shown_hearing, session.shown_agency
    return {
        "id": session.pk,
        "kind": session.kind,
        "on": session.on,
        "hearing_at": hearing.at if hearing else None,
        "court": hearing.court if hearing else None,
        "staff": session.shown_staff,
        "agency": agency.code if agency else None,
        "readiness": session.shown_readiness,
    }


class TestimonyView(APIView):
    """Her testimony: sessions preparing her (only while her consent to take part is current) and
    her accompaniments to hearings she attended; for those who work on her care plan or her legal
    case (404 otherwise). Readiness notes only for the recording agency's staff."""

    def _case(self, request: Request, case_id: Any) -> tuple[Any, Any]:
        from casebridge.cases.access import case_access

        user = acting_user(request)
        rows = Case.objects.visible_to(user, Section.CARE_PLAN) | Case.objects.visible_to(user, Section.LEGAL)
        case = rows.filter(pk=case_id).first()
        if case is None:
            raise Http404
        return case, case_access(user, case)

    def _answer(self, request: Request, case: Any, access: Any, rows: list[TestimonySession]) -> list[Any]:
        from casebridge.audit.log import Item, record

        user = acting_user(request)
        section = Section.CARE_PLAN if access.can(Section.CARE_PLAN) else Section.LEGAL
        record(user, Action.LIST, [Item.on(access, "legal_testimony", s.pk, case.pk, [section]) for s in rows])
        return [TestimonySessionSerializer(_session(s)).data for s in actions.as_read(user, access, rows)]

    def _rows(self, request: Request, case: Any) -> Any:
        rows = TestimonySession.objects.visible_to(acting_user(request)).filter(case=case)
        return rows.select_related("attendance__hearing", "agency")

    @extend_schema(responses=TestimonySessionSerializer(many=True), operation_id="case_testimony_list")
    def get(self, request: Request, case_id: Any) -> Response:
        case, access = self._case(request, case_id)
        return Response(self._answer(request, case, access, list(self._rows(request, case))))

    @extend_schema(
        request=TestimonyInput,
        responses={201: TestimonySessionSerializer},
        parameters=[schema_header()],
        operation_id="case_testimony_record",
    )
    def post(self, request: Request, case_id: Any) -> Response:
        from casebridge.api.idempotency import idempotent_create

        case, access = self._case(request, case_id)
        user = acting_user(request)

        def make() -> TestimonySession:
            payload = TestimonyInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            attendance = None
            if "attendance_hearing" in data:
                attendance = (
                    Attendance.objects.visible_to(user)
                    .filter(case=case, hearing_id=data.pop("attendance_hearing"), hearing__cancelled_at__isnull=True)
                    .select_related("hearing")
                    .first()
                )
                if attendance is None:
                    raise serializers.ValidationError({"attendance_hearing": [_("Choose a hearing she attended.")]})
            return actions.do_record_session(case, actor=user, attendance=attendance, **data)

        def refetch(pk: str) -> TestimonySession:
            found = self._rows(request, case).filter(pk=pk).first()
            if found is None:
                raise Http404
            return cast(TestimonySession, found)

        return idempotent_create(
            request,
            resource_type="legal_testimony",
            create=make,
            refetch=refetch,
            respond=lambda row, status: Response(
                self._answer(request, case, access, [cast(TestimonySession, row)])[0], status=status
            ),
        )


class BundleView(FileView):
    """The court bundle for a hearing, as a PDF in Khmer or English, of the parts chosen; for the
    proceeding's lawyers (404 otherwise), its making audited."""

    @extend_schema(
        parameters=[
            OpenApiParameter("language", str, enum=list(bundle.LANGUAGES), description="km (default) or en"),
            OpenApiParameter(
                "parts", str, description=f"Comma-separated, among: {', '.join(bundle.PARTS)} (default: all)"
            ),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        operation_id="legal_proceedings_hearing_bundle",
    )
    def get(self, request: Request, pk: Any, hearing_id: Any) -> HttpResponse:
        user = acting_user(request)
        proceeding = get_visible(user, Proceeding, pk)
        hearing = _part(user, Hearing, proceeding, hearing_id)
        language = request.query_params.get("language", "km")
        parts = [p for p in request.query_params.get("parts", "").split(",") if p]
        errors = {}
        if language not in bundle.LANGUAGES:
            errors["language"] = [_("Choose one of the options.")]
        if not set(parts) <= set(bundle.PARTS):
            errors["parts"] = [_("Choose among: %(parts)s.") % {"parts": ", ".join(bundle.PARTS)}]
        if errors:
            raise serializers.ValidationError(errors)
        response = HttpResponse(
            bundle.bundle_pdf(user, proceeding, hearing, parts, language), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{proceeding.reference}-bundle-{language}.pdf"'
        return response
