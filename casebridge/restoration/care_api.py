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

from casebridge.api.idempotency import create_scoped, idempotent_create, schema_header
from casebridge.api.serializers import AgencyCodeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import CaseAccess, case_access
from casebridge.cases.api import acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section, from_mask, ordered
from casebridge.lib.errors import Conflict
from casebridge.restoration import actions, care
from casebridge.restoration.models import (
    CHECK_LABELS,
    CHECKLIST,
    CarePlan,
    CounsellingSession,
    Enrolment,
    FollowUp,
    Goal,
    Instrument,
    Livelihood,
    MedicalRecord,
    Outcome,
    OutcomeMoment,
    Reintegration,
    ReintegrationCheck,
    ReintegrationStep,
    Review,
    ServiceDelivery,
    Stage,
    Transfer,
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
    person = serializers.SerializerMethodField()

    def get_person(self, goal: Goal) -> str | None:
        """Null with the agency: a partner's staff member would name the partner."""
        return goal.person if self.context["access"].sees_agency(goal.agency_id) else None

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
    institution = serializers.SerializerMethodField()

    def get_institution(self, enrolment: Enrolment) -> str | None:
        """Null unless the reader reaches her whereabouts: her school says where she is every day."""
        return enrolment.institution if care.locates(self.context["access"]) else None

    class Meta:
        model = Enrolment
        fields = ["id", "kind", "institution", "started_on", "attendance", "status", "ended_on", "changed_at"]
        extra_kwargs = _nullable("attendance", "ended_on")


class LivelihoodSerializer(ModelSerializer):
    work = serializers.SerializerMethodField()

    def get_work(self, month: Livelihood) -> str | None:
        """Null unless the reader reaches her whereabouts: where she works locates her."""
        return month.work if care.locates(self.context["access"]) else None

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


# Reintegration ---------------------------------------------------------------------------------


class StepSerializer(ModelSerializer):
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = ReintegrationStep
        fields = ["stage", "on", "note", "at"]


class FollowUpSerializer(ModelSerializer):
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "due_on", "done_on", "note", "cancelled"]
        extra_kwargs = _nullable("done_on")


class OutcomeSerializer(ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "moment", "scored_on", *care.SCORES, "retrafficked"]


class CheckItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    text = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    done_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_null=True)


class ReintegrationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_since = serializers.DateField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What the stage needs before she moves on."
    )
    checklist = CheckItemSerializer(many=True)
    steps = StepSerializer(many=True)
    follow_ups = FollowUpSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)


def reintegration_answer(user: Any, reintegration: Reintegration, access: CaseAccess) -> Response:
    """Her reintegration with its checklist, stages entered, follow-up visits and outcome scores."""
    done = {c.item: c for c in ReintegrationCheck.objects.visible_to(user).filter(reintegration=reintegration)}
    parts: dict[str, list[Any]] = {
        "steps": list(ReintegrationStep.objects.visible_to(user).filter(reintegration=reintegration)),
        "follow_ups": list(FollowUp.objects.visible_to(user).filter(reintegration=reintegration)),
        "outcomes": list(Outcome.objects.visible_to(user).filter(reintegration=reintegration)),
    }
    # What was found at her home says where it is: for those who reach her whereabouts.
    locates = care.locates(access)
    if not locates:
        for visit in parts["follow_ups"]:
            visit.note = None
    shown = [reintegration, *done.values(), *(row for rows in parts.values() for row in rows)]
    record(user, Action.VIEW, [care.item(access, row) for row in shown])
    data = {
        "id": reintegration.pk,
        "stage": reintegration.stage,
        "stage_since": reintegration.stage_since,
        "missing": [] if reintegration.stage == Stage.CLOSURE else care.missing(reintegration),
        "checklist": [
            {
                "key": key,
                "text": str(label),
                "stage": stage,
                "done_on": done[key].done_on if key in done else None,
                "note": done[key].note if key in done and locates else None,
            }
            for stage, items in CHECKLIST.items()
            for key, label in items
        ],
        **parts,
    }
    return Response(ReintegrationSerializer(data).data)


class StartInput(StrictSerializer):
    on = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class StageInput(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class CheckInput(StrictSerializer):
    key = serializers.ChoiceField(choices=[(key, str(label)) for key, label in CHECK_LABELS.items()])
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FollowUpInput(StrictSerializer):
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=2000)


class OutcomeInput(StrictSerializer):
    moment = serializers.ChoiceField(choices=OutcomeMoment.choices)
    scored_on = serializers.DateField()
    safety = serializers.IntegerField(min_value=1, max_value=5)
    wellbeing = serializers.IntegerField(min_value=1, max_value=5)
    education_income = serializers.IntegerField(min_value=1, max_value=5)
    legal_status = serializers.IntegerField(min_value=1, max_value=5)
    retrafficked = serializers.BooleanField(required=False, default=False)


class ReintegrationArea(CaseArea):
    section = Section.CARE_PLAN
    serializer_class = ReintegrationSerializer

    def reintegration(self, case: Case) -> Reintegration:
        found = Reintegration.objects.visible_to(acting_user(self.request)).filter(case=case).first()
        if found is None:
            raise Conflict(_("Her reintegration has not begun."))
        return found

    def act(self, write: Any, payload_class: Any) -> Response:
        """Check the input, write through ``write(reintegration, actor, **data)``, answer the whole."""
        case, access = self.found()
        payload = payload_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        user = acting_user(self.request)
        write(self.reintegration(case), actor=user, **payload.validated_data)
        return reintegration_answer(user, self.reintegration(case), access)

    def create(self, write: Any, payload_class: Any, model: Any, target: Any = None) -> Response:
        """Create a row through ``write(target, actor, **data)`` (``target``: her reintegration
        unless given), idempotent with a key; answer her whole reintegration (201)."""
        case, access = self.found()
        user = acting_user(self.request)

        def make() -> Any:
            payload = payload_class(data=self.request.data)
            payload.is_valid(raise_exception=True)
            return write(target or self.reintegration(case), actor=user, **payload.validated_data)

        def refetch(pk: str) -> Any:
            found = model.objects.visible_to(user).filter(case=case, pk=pk).first()
            if found is None:
                raise Http404
            return found

        def respond(row: Any, status: int) -> Response:
            reintegration = row if isinstance(row, Reintegration) else self.reintegration(case)
            answer = reintegration_answer(user, reintegration, access)
            answer.status_code = status
            return answer

        return idempotent_create(
            self.request, resource_type=care.KIND[model], create=make, refetch=refetch, respond=respond
        )


class ReintegrationView(ReintegrationArea):
    """Her reintegration (GET; 404 until it begins), or begin it at pre-integration (POST, her
    lead agency's case staff)."""

    def get(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        found = Reintegration.objects.visible_to(acting_user(request)).filter(case=case).first()
        if found is None:
            raise Http404
        return reintegration_answer(acting_user(request), found, access)

    @extend_schema(request=StartInput, responses={201: ReintegrationSerializer}, parameters=[schema_header()])
    def post(self, request: Request, case_id: str) -> Response:
        case, _ = self.found()
        return self.create(care.do_start_reintegration, StartInput, Reintegration, target=case)


class StageView(ReintegrationArea):
    """Move her on to the next stage (none skipped), once the current one's checklist is done
    and the outcome measures due are scored."""

    @extend_schema(request=StageInput, responses=ReintegrationSerializer)
    def post(self, request: Request, case_id: str) -> Response:
        return self.act(care.do_advance, StageInput)


class CheckView(ReintegrationArea):
    """An item of her current stage's checklist, done."""

    @extend_schema(request=CheckInput, responses={201: ReintegrationSerializer}, parameters=[schema_header()])
    def post(self, request: Request, case_id: str) -> Response:
        return self.create(care.do_check, CheckInput, ReintegrationCheck)


class OutcomeView(ReintegrationArea):
    """Her outcome measures at intake, at reintegration or at closure."""

    @extend_schema(request=OutcomeInput, responses={201: ReintegrationSerializer}, parameters=[schema_header()])
    def post(self, request: Request, case_id: str) -> Response:
        return self.create(care.do_score, OutcomeInput, Outcome)


class FollowUpView(ReintegrationArea):
    """A follow-up visit held."""

    @extend_schema(request=FollowUpInput, responses=ReintegrationSerializer)
    def post(self, request: Request, case_id: str, follow_up_id: str) -> Response:
        case, access = self.found()
        user = acting_user(request)
        visit = FollowUp.objects.visible_to(user).filter(case=case, pk=follow_up_id).first()
        if visit is None:
            raise Http404
        payload = FollowUpInput(data=request.data)
        payload.is_valid(raise_exception=True)
        care.do_follow_up(visit, actor=user, **payload.validated_data)
        return reintegration_answer(user, self.reintegration(case), access)


# Handing her case over ------------------------------------------------------------------------


class TransferSerializer(ModelSerializer):
    from_agency: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_agency: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reason = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True, allow_null=True)
    keep_sections = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "from_agency",
            "to_agency",
            "reason",
            "keep_sections",
            "keep_days",
            "state",
            "answer",
            "proposed_at",
            "answered_at",
        ]
        extra_kwargs = _nullable("answered_at")

    def get_keep_sections(self, transfer: Transfer) -> list[str]:
        return [str(s) for s in ordered(from_mask(transfer.keep_sections))]


class TransferInput(StrictSerializer):
    to_agency = AgencyCodeField()
    reason = serializers.CharField(max_length=1000)
    keep_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=[(s.value, s.label) for s in Section]), required=False, max_length=8
    )
    keep_days = serializers.IntegerField(required=False, min_value=1, max_value=366)


class AnswerInput(StrictSerializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class TransferArea(GenericAPIView):  # type: ignore[type-arg]
    """Her case, for those who reach some section of it (404 otherwise)."""

    serializer_class = TransferSerializer

    def found(self) -> tuple[Case, CaseAccess]:
        user = acting_user(self.request)
        case = Case.objects.visible_to(user).filter(pk=self.kwargs["case_id"]).first()
        if case is None:
            raise Http404
        access = case_access(user, case)
        if not access.sections:
            raise Http404
        return case, access


class TransfersView(mixins.ListModelMixin, TransferArea):
    """Handovers of her case (GET: proposed, accepted, declined, withdrawn, newest first), or
    propose one (POST, her lead agency's case staff, with her consent to share with the agency)."""

    def get(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        user = acting_user(request)
        page = list(self.paginate_queryset(Transfer.objects.visible_to(user).filter(case=case)) or [])
        record(user, Action.LIST, [Item.on(access, "transfer", t.pk, case.pk) for t in page])
        return self.get_paginated_response(TransferSerializer(page, many=True).data)

    @extend_schema(request=TransferInput, responses={201: TransferSerializer}, parameters=[schema_header()])
    def post(self, request: Request, case_id: str) -> Response:
        case, access = self.found()
        user = acting_user(request)

        def make() -> Any:
            payload = TransferInput(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_propose_transfer(case, actor=user, **payload.validated_data)

        return create_scoped(
            request,
            resource_type="transfer",
            create=make,
            rows=Transfer.objects.visible_to(user).filter(case=case),
            seen=lambda t: record(user, Action.VIEW, [Item.on(access, "transfer", t.pk, case.pk)]),
            serializer=TransferSerializer,
        )


class TransferMoveView(TransferArea):
    """Answer a proposed handover: accept (the receiving agency becomes her lead, you her case
    worker), decline (with the reason), or withdraw it (her lead agency)."""

    MOVES: ClassVar[dict[str, Any]] = {
        "accept": lambda t, user, note: actions.do_accept_transfer(t, actor=user, note=note),
        "decline": lambda t, user, note: actions.do_decline_transfer(t, actor=user, reason=note),
        "withdraw": lambda t, user, note: actions.do_withdraw_transfer(t, actor=user, reason=note),
    }

    @extend_schema(request=AnswerInput, responses=TransferSerializer, operation_id="cases_transfer_move")
    def post(self, request: Request, case_id: str, transfer_id: str, move: str) -> Response:
        case, _ = self.found()
        user = acting_user(request)
        transfer = Transfer.objects.visible_to(user).filter(case=case, pk=transfer_id).first()
        if transfer is None or move not in self.MOVES:
            raise Http404
        payload = AnswerInput(data=request.data)
        payload.is_valid(raise_exception=True)
        transfer = self.MOVES[move](transfer, user, payload.validated_data.get("note", ""))
        record(user, Action.VIEW, [Item.on(case_access(user, case), "transfer", transfer.pk, case.pk)])
        return Response(TransferSerializer(transfer).data)
