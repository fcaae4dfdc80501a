"""Her care in the API, under ``/api/v1/cases/{id}/``: ``care-plan/`` (with ``goals/``,
``services/``, ``reviews/``, ``close/``), ``medical/``, ``counselling/`` and ``education/``
(with ``enrolments/`` and ``livelihood/``). Each answers 404 unless the caller reaches the
section the records belong to; every read is audited; every create takes an Idempotency-Key.
A partner the reader may not learn of is shown as null; counselling notes only to the
counsellor's own agency."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.api import acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.lib.errors import Conflict
from casebridge.restoration import care
from casebridge.restoration.models import (
    CarePlan,
    CounsellingSession,
    Enrolment,
    Goal,
    Instrument,
    Livelihood,
    MedicalRecord,
    Review,
    ServiceDelivery,
)


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class ShownAgencyField(serializers.Field):  # type: ignore[type-arg]
    """The agency's code, or null for a partner the reader may not learn serves her."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row: Any) -> str | None:
        access: CaseAccess = self.parent.context["access"]
        return row.agency.code if access.sees_agency(row.agency_id) else None


def _nullable(*names: str) -> dict[str, Any]:
    return {name: {"allow_null": True} for name in names}


class GoalSerializer(ModelSerializer):
    agency = ShownAgencyField()

    class Meta:
        model = Goal
        fields = ["id", "domain", "text", "target_on", "agency", "person", "status", "created_at", "changed_at"]


class ServiceSerializer(ModelSerializer):
    agency = ShownAgencyField()
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = ServiceDelivery
        fields = ["id", "goal", "domain", "delivered_on", "agency", "kind", "minutes", "note", "recorded_at"]


class ReviewSerializer(ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "held_on", "she_took_part", "summary", "next_review_on", "recorded_at"]


class CarePlanSerializer(ModelSerializer):
    her_participation = serializers.CharField(read_only=True, allow_null=True)
    goals = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "her_participation",
            "review_every_days",
            "next_review_on",
            "closed_at",
            "created_at",
            "goals",
            "services",
            "reviews",
        ]

    def _rows(self, name: str) -> list[Any]:
        return list(self.context.get(name, []))

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, plan: CarePlan) -> Any:
        return GoalSerializer(self._rows("goals"), many=True, context=self.context).data

    @extend_schema_field(ServiceSerializer(many=True))
    def get_services(self, plan: CarePlan) -> Any:
        return ServiceSerializer(self._rows("services"), many=True, context=self.context).data

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, plan: CarePlan) -> Any:
        return ReviewSerializer(self._rows("reviews"), many=True, context=self.context).data


class MedicalSerializer(ModelSerializer):
    agency = ShownAgencyField()
    clinic = serializers.CharField(read_only=True)
    result = serializers.CharField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = MedicalRecord
        fields = ["id", "kind", "on", "clinic", "test", "result", "note", "agency", "recorded_at"]


class SessionSerializer(ModelSerializer):
    agency = ShownAgencyField()
    instrument: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = CounsellingSession
        fields = ["id", "held_on", "kind", "minutes", "instrument", "score", "notes", "agency", "recorded_at"]

    def get_notes(self, session: CounsellingSession) -> str | None:
        """Null unless the reader is of the counsellor's agency (the notes are restricted)."""
        return session.notes if care.reads_notes(self.context["access"], session) else None


class EnrolmentSerializer(ModelSerializer):
    institution = serializers.CharField(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "kind", "institution", "started_on", "attendance", "status", "ended_on", "changed_at"]
        extra_kwargs = _nullable("attendance", "ended_on")


class LivelihoodSerializer(ModelSerializer):
    work = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Livelihood
        fields = ["id", "month", "work", "income", "savings", "currency", "recorded_at"]


class EducationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    enrolments = EnrolmentSerializer(many=True)
    livelihood = LivelihoodSerializer(many=True)


# Input ------------------------------------------------------------------------------------------


class PlanInput(StrictSerializer):
    her_participation = serializers.CharField(max_length=2000, help_text="How she took part in building her plan.")
    review_every_days = serializers.IntegerField(required=False, min_value=7, max_value=366)


class GoalInput(StrictSerializer):
    domain = serializers.ChoiceField(choices=care.CareDomain.choices)
    text = serializers.CharField(max_length=1000)
    target_on = serializers.DateField()
    agency = AgencyCodeField()
    person = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GoalStatusInput(StrictSerializer):
    status = serializers.ChoiceField(choices=care.GoalStatus.choices)


class ServiceInput(StrictSerializer):
    delivered_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=care.Service.choices)
    minutes = serializers.IntegerField(min_value=1, max_value=care.MAX_MINUTES)
    domain = serializers.ChoiceField(choices=care.CareDomain.choices, required=False)
    goal = serializers.UUIDField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviewInput(StrictSerializer):
    held_on = serializers.DateField()
    summary = serializers.CharField(max_length=4000)
    she_took_part = serializers.BooleanField(required=False, default=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class PlanCloseInput(StrictSerializer):
    reason = serializers.CharField(max_length=1000)


class MedicalInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=care.MedicalKind.choices)
    on = serializers.DateField()
    clinic = serializers.CharField(max_length=200)
    test = serializers.ChoiceField(choices=care.MedicalTest.choices, required=False, allow_blank=True)
    result = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SessionInput(StrictSerializer):
    held_on = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=care.MAX_MINUTES)
    kind = serializers.ChoiceField(choices=care.SessionKind.choices, required=False)
    instrument = serializers.SlugRelatedField(
        slug_field="code", queryset=Instrument.objects.filter(active=True), required=False, allow_null=True
    )
    score = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class EnrolmentInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=care.EnrolmentKind.choices)
    institution = serializers.CharField(max_length=200)
    started_on = serializers.DateField()
    attendance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class EnrolmentUpdateInput(StrictSerializer):
    attendance = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=care.EnrolmentStatus.choices, required=False)
    ended_on = serializers.DateField(required=False, allow_null=True)


class LivelihoodInput(StrictSerializer):
    month = serializers.DateField(help_text="Any day of the month; stored as its first day.")
    income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    savings = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.ChoiceField(choices=care.Currency.choices, required=False)
    work = serializers.CharField(max_length=200, required=False, allow_blank=True)


# Views ------------------------------------------------------------------------------------------


class CaseArea(GenericAPIView):  # type: ignore[type-arg]
    """A section of one case: 404 unless the caller reaches ``section`` of it."""

    section: ClassVar[Section]

    def found(self) -> tuple[Case, CaseAccess]:
        user = acting_user(self.request)
        case = Case.objects.visible_to(user, self.section).filter(pk=self.kwargs["case_id"]).first()
        if case is None:
            raise Http404
        return case, case_access(user, case)

    def plan(self, case: Case) -> CarePlan:
        plan = CarePlan.objects.visible_to(acting_user(self.request)).filter(case=case).first()
        if plan is None:
            raise Conflict(_("She has no care plan yet: make it first."))
        return plan

    def seen(self, access: CaseAccess, rows: list[Any], action: str = Action.LIST) -> None:
        record(acting_user(self.request), action, [care.item(access, row) for row in rows])


class Records(mixins.ListModelMixin, CaseArea):
    """One kind of record of a section: GET lists them, newest first; POST adds one through
    ``write`` (idempotent with a key)."""

    model: ClassVar[type[Any]]
    input_class: ClassVar[type[Any]]
    related: ClassVar[tuple[str, ...]] = ()

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def rows(self, case: Case) -> Any:
        return self.model.objects.visible_to(acting_user(self.request)).filter(case=case).select_related(*self.related)

    def get(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        page = list(self.paginate_queryset(self.rows(case)) or [])
        self.seen(access, page)
        return self.get_paginated_response(self.get_serializer(page, many=True, context={"access": access}).data)

    def post(self, request: Request, case_id: str) -> Response:
        case, access = self.found()

        def make() -> Any:
            payload = self.input_class(data=request.data)
            payload.is_valid(raise_exception=True)
            return self.write(case, access, dict(payload.validated_data))

        out = self.get_serializer_class()
        return create_scoped(
            request,
            resource_type=care.KIND[self.model],
            create=make,
            rows=self.rows(case),
            seen=lambda row: self.seen(access, [row], Action.VIEW),
            serializer=lambda row: out(row, context={"access": access}),  # type: ignore[arg-type,return-value]
        )


def _records_schema(out: Any, payload: Any) -> Any:
    return extend_schema_view(
        post=extend_schema(request=payload, responses={201: out}, parameters=[schema_header()]),
    )


@_records_schema(GoalSerializer, GoalInput)
class GoalsView(Records):
    """Her plan's goals, by domain and target date."""

    section, model, input_class, serializer_class = Section.CARE_PLAN, Goal, GoalInput, GoalSerializer
    related = ("agency",)

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_add_goal(self.plan(case), actor=acting_user(self.request), **data)


@_records_schema(ServiceSerializer, ServiceInput)
class ServicesView(Records):
    """Services delivered to her. A partner's first one puts its accepted referral in service."""

    section, model, input_class, serializer_class = Section.CARE_PLAN, ServiceDelivery, ServiceInput, ServiceSerializer
    related = ("agency",)

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        plan = self.plan(case)
        goal_id = data.pop("goal", None)
        goal = None
        if goal_id is not None:
            goal = Goal.objects.visible_to(acting_user(self.request)).filter(plan=plan, pk=goal_id).first()
            if goal is None:
                raise serializers.ValidationError({"goal": [_("Choose a goal of her plan.")]})
        return care.do_record_service(plan, actor=acting_user(self.request), goal=goal, **data)


@_records_schema(ReviewSerializer, ReviewInput)
class ReviewsView(Records):
    """Reviews of her plan; each sets the date of the next one."""

    section, model, input_class, serializer_class = Section.CARE_PLAN, Review, ReviewInput, ReviewSerializer

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_review(self.plan(case), actor=acting_user(self.request), **data)


@_records_schema(MedicalSerializer, MedicalInput)
class MedicalView(Records):
    """Her medical care: visits, tests and results, treatments, appointments. Only for those who
    reach the medical section (medical staff, and those granted it)."""

    section, model, input_class, serializer_class = Section.MEDICAL, MedicalRecord, MedicalInput, MedicalSerializer
    related = ("agency",)

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_record_medical(case, actor=acting_user(self.request), **data)


@_records_schema(SessionSerializer, SessionInput)
class CounsellingView(Records):
    """Counselling sessions with her wellbeing score; notes only for the counsellor's agency."""

    section, model, input_class = Section.COUNSELLING, CounsellingSession, SessionInput
    serializer_class = SessionSerializer
    related = ("agency", "instrument")

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_record_session(case, actor=acting_user(self.request), **data)


@_records_schema(EnrolmentSerializer, EnrolmentInput)
class EnrolmentsView(Records):
    """Her schooling: school, vocational course, literacy, life skills."""

    section, model, input_class, serializer_class = Section.CARE_PLAN, Enrolment, EnrolmentInput, EnrolmentSerializer

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_enrol(case, actor=acting_user(self.request), **data)


@_records_schema(LivelihoodSerializer, LivelihoodInput)
class LivelihoodView(Records):
    """Her work, income and savings, month by month."""

    section, model, input_class = Section.CARE_PLAN, Livelihood, LivelihoodInput
    serializer_class = LivelihoodSerializer

    def write(self, case: Case, access: CaseAccess, data: dict[str, Any]) -> Any:
        return care.do_record_livelihood(case, actor=acting_user(self.request), **data)


def plan_answer(user: Any, plan: CarePlan, access: CaseAccess) -> Response:
    """The plan with its goals, services and reviews as ``user`` may see them, every row audited."""
    parts = {
        "goals": list(Goal.objects.visible_to(user).filter(plan=plan).select_related("agency")),
        "services": list(ServiceDelivery.objects.visible_to(user).filter(plan=plan).select_related("agency")),
        "reviews": list(Review.objects.visible_to(user).filter(plan=plan)),
    }
    items = [care.item(access, row) for rows in parts.values() for row in rows]
    record(user, Action.VIEW, [care.item(access, plan), *items])
    return Response(CarePlanSerializer(plan, context={"access": access, **parts}).data)


class CarePlanView(CaseArea):
    """Her care plan with its goals, services and reviews (GET; 404 until there is one), or
    make it (POST, her lead agency's case staff)."""

    section = Section.CARE_PLAN
    serializer_class = CarePlanSerializer

    def get(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        plan = CarePlan.objects.visible_to(acting_user(request)).filter(case=case).first()
        if plan is None:
            raise Http404
        return plan_answer(acting_user(request), plan, access)

    @extend_schema(request=PlanInput, responses={201: CarePlanSerializer}, parameters=[schema_header()])
    def post(self, request: Request, case_id: str) -> Response:
        case, access = self.found()

        def make() -> Any:
            payload = PlanInput(data=request.data)
            payload.is_valid(raise_exception=True)
            return care.do_make_plan(case, actor=acting_user(request), **payload.validated_data)

        return create_scoped(
            request,
            resource_type="care_plan",
            create=make,
            rows=CarePlan.objects.visible_to(acting_user(request)).filter(case=case),
            seen=lambda plan: None,  # the answer below audits what it shows
            serializer=lambda plan: _Answer(plan_answer(acting_user(request), plan, access)),  # type: ignore[arg-type,return-value]
        )


class _Answer:
    """A response already made, in the shape ``create_scoped`` reads from a serializer."""

    def __init__(self, response: Response) -> None:
        self.data = response.data


class GoalView(CaseArea):
    """Change a goal's status."""

    section = Section.CARE_PLAN
    serializer_class = GoalSerializer

    @extend_schema(request=GoalStatusInput, responses=GoalSerializer, operation_id="cases_care_plan_goal_status")
    def post(self, request: Request, case_id: str, goal_id: str) -> Response:
        case, access = self.found()
        goal = Goal.objects.visible_to(acting_user(request)).filter(case=case, pk=goal_id).first()
        if goal is None:
            raise Http404
        payload = GoalStatusInput(data=request.data)
        payload.is_valid(raise_exception=True)
        goal = care.do_set_goal_status(goal, actor=acting_user(request), **payload.validated_data)
        self.seen(access, [goal], Action.VIEW)
        return Response(GoalSerializer(goal, context={"access": access}).data)


class ClosePlanView(CaseArea):
    """Close her plan, with the reason (her lead agency's case staff)."""

    section = Section.CARE_PLAN
    serializer_class = CarePlanSerializer

    @extend_schema(request=PlanCloseInput, responses=CarePlanSerializer)
    def post(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        payload = PlanCloseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = care.do_close_plan(self.plan(case), actor=acting_user(request), **payload.validated_data)
        return plan_answer(acting_user(request), plan, access)


class EnrolmentView(CaseArea):
    """Record her attendance, or how an enrolment ended."""

    section = Section.CARE_PLAN
    serializer_class = EnrolmentSerializer

    @extend_schema(
        request=EnrolmentUpdateInput, responses=EnrolmentSerializer, operation_id="cases_education_enrolment_update"
    )
    def post(self, request: Request, case_id: str, enrolment_id: str) -> Response:
        case, access = self.found()
        enrolment = Enrolment.objects.visible_to(acting_user(request)).filter(case=case, pk=enrolment_id).first()
        if enrolment is None:
            raise Http404
        payload = EnrolmentUpdateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        enrolment = care.do_update_enrolment(enrolment, actor=acting_user(request), **payload.validated_data)
        self.seen(access, [enrolment], Action.VIEW)
        return Response(EnrolmentSerializer(enrolment, context={"access": access}).data)


class EducationView(CaseArea):
    """Her schooling and livelihood together."""

    section = Section.CARE_PLAN
    serializer_class = EducationSerializer

    def get(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        user = acting_user(request)
        enrolments = list(Enrolment.objects.visible_to(user).filter(case=case))
        livelihood = list(Livelihood.objects.visible_to(user).filter(case=case))
        self.seen(access, enrolments + livelihood)
        data = {"enrolments": enrolments, "livelihood": livelihood}
        return Response(EducationSerializer(data, context={"access": access}).data)
