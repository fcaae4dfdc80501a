"""The investigations compartment in the API, under ``/api/v1/investigations/``: establishments,
subjects, identifiers, links, intelligence, operations (with their encounters, arrests, seized
items and ``screenings/``), and ``network/?node=<type>:<id>&depth=2``. Every record is reached
through its ``visible_to``: out of reach answers 404, as if it did not exist; every read and
write is audited; creates take an ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casebridge.agencies.models import Agency
from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, DateTimeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.api import (
    UUID_RE,
    CaseCreateSerializer,
    PossibleExistingSerializer,
    acting_user,
    known_already,
    leading_agency,
    survivor_identity,
)
from casebridge.investigations import actions
from casebridge.investigations.access import get_visible, investigates, subject_people
from casebridge.investigations.actions import audited
from casebridge.investigations.models import (
    SCREENING_OUTCOMES,
    Arrest,
    Credibility,
    DecidedBy,
    Encounter,
    Establishment,
    EstablishmentStatus,
    EstablishmentType,
    Handling,
    Identifier,
    IdentifierKind,
    IntelligenceReport,
    Link,
    LinkKind,
    LinkSource,
    Minor,
    NodeType,
    NotVictimReason,
    Operation,
    Outcome,
    Reliability,
    Screening,
    SeizedItem,
    Sex,
    Subject,
    SubjectRole,
    TraffickingStatus,
)
from casebridge.investigations.network import neighbourhood, node_items, node_url, parse_node, reachable_links
from casebridge.lib.errors import NotAllowed

# The links a list reads at most before keeping those whose both ends the reader reaches.
MOST_LISTED = 5000


def _not_here() -> str:
    return _("This person was not encountered in this operation.")


def _agency(user: Any, data: dict[str, Any]) -> Agency:
    """The agency a record is for: the one given, else the caller's only investigating agency."""
    from casebridge.investigations.access import investigating_agencies

    agency = data.pop("agency", None)
    if agency is not None:
        return agency  # type: ignore[no-any-return]
    mine = investigating_agencies(user)
    if len(mine) != 1:
        raise serializers.ValidationError({"agency": [_("Say which of your agencies this is for.")]})
    return Agency.objects.get(pk=next(iter(mine)))


class PlaceSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    name = serializers.CharField(read_only=True)
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True, allow_null=True)
    address = serializers.CharField(read_only=True, allow_null=True)
    latitude = serializers.CharField(read_only=True, allow_null=True)
    longitude = serializers.CharField(read_only=True, allow_null=True)
    notes = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Establishment
        fields = [
            "id",
            "agency",
            "kind",
            "name",
            "aliases",
            "address",
            "province",
            "district",
            "commune",
            "latitude",
            "longitude",
            "status",
            "notes",
            "created_at",
        ]


class PlaceInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False)
    kind = serializers.ChoiceField(EstablishmentType.choices)
    name = serializers.CharField(max_length=200)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=10)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    province = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    district = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    commune = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    latitude = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    longitude = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(EstablishmentStatus.choices, required=False, default=EstablishmentStatus.OPERATING)
    status_since = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    different_place = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Record it although an establishment with the same address or coordinates exists (409 same_place).",
    )


class StatusInputSerializer(StrictSerializer):
    status = serializers.ChoiceField(EstablishmentStatus.choices)
    since = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SubjectSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    name = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    notes = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Subject
        fields = ["id", "agency", "name", "aliases", "roles", "notes", "created_at"]

    def get_name(self, subject: Subject) -> str:
        return subject.person.display_name()

    def get_aliases(self, subject: Subject) -> list[str]:
        return list(subject.person.aliases or [])


class SubjectInputSerializer(StrictSerializer):
    from casebridge.people.api import IdentityInputSerializer

    agency = AgencyCodeField(required=False)
    identity = IdentityInputSerializer()
    roles = serializers.ListField(child=serializers.ChoiceField(SubjectRole.choices), required=False, default=list)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class IdentifierSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    value = serializers.CharField(read_only=True)

    class Meta:
        model = Identifier
        fields = ["id", "agency", "kind", "value", "created_at"]


class IdentifierInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False)
    kind = serializers.ChoiceField(IdentifierKind.choices)
    value = serializers.CharField(max_length=200)


class LinkSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    a = serializers.SerializerMethodField()
    b = serializers.SerializerMethodField()
    note = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Link
        fields = ["id", "agency", "a", "kind", "b", "starts_on", "ends_on", "source", "note", "created_at"]

    def get_a(self, link: Link) -> str:
        return f"{link.a_type}:{link.a_id}"

    def get_b(self, link: Link) -> str:
        return f"{link.b_type}:{link.b_id}"


class LinkInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False)
    a = serializers.CharField(max_length=60, help_text="<type>:<id>")
    kind = serializers.ChoiceField(LinkKind.choices)
    b = serializers.CharField(max_length=60, help_text="<type>:<id>")
    source = serializers.ChoiceField(LinkSource.choices)  # type: ignore[assignment]
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReportSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    source = serializers.CharField(read_only=True, allow_null=True)  # type: ignore[assignment]
    summary = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = IntelligenceReport
        fields = [
            "id",
            "agency",
            "received_on",
            "reliability",
            "credibility",
            "handling",
            "source",
            "summary",
            "body",
            "created_at",
        ]


class ReportInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False)
    received_on = serializers.DateField()
    reliability = serializers.ChoiceField(Reliability.choices)
    credibility = serializers.ChoiceField(Credibility.choices)
    handling = serializers.ChoiceField(Handling.choices)
    summary = serializers.CharField(max_length=300)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    mentions = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        default=list,
        max_length=50,
        help_text="The entities the report mentions, each as <type>:<id>.",
    )


class OperationSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.code", read_only=True)
    standby = serializers.CharField(source="standby.code", read_only=True, allow_null=True)
    participants = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    authorisation = serializers.CharField(read_only=True, allow_null=True)
    debrief = serializers.CharField(read_only=True, allow_null=True)
    encountered = serializers.SerializerMethodField()
    removed = serializers.SerializerMethodField()
    arrested = serializers.SerializerMethodField()

    class Meta:
        model = Operation
        fields = [
            "id",
            "agency",
            "name",
            "state",
            "planned_for",
            "lead_unit",
            "participants",
            "standby",
            "targets",
            "authorisation",
            "authorised_on",
            "carried_out_at",
            "debrief",
            "closed_at",
            "encountered",
            "removed",
            "arrested",
        ]

    def get_participants(self, operation: Operation) -> list[str]:
        return sorted(a.code for a in operation.participants.all())

    def get_targets(self, operation: Operation) -> list[str]:
        """The targets the reader reaches (a participating agency's investigators do not reach
        the owning agency's establishments)."""
        request = self.context.get("request")
        if request is None:
            return []
        reached = Establishment.objects.visible_to(acting_user(request)).filter(operations=operation)
        return [str(pk) for pk in reached.values_list("pk", flat=True)]

    def get_encountered(self, operation: Operation) -> int:
        return operation.encounters.count()

    def get_removed(self, operation: Operation) -> int:
        return operation.encounters.filter(removed=True).count()

    def get_arrested(self, operation: Operation) -> int:
        return operation.arrests.count()


class OperationInputSerializer(StrictSerializer):
    agency = AgencyCodeField(required=False)
    name = serializers.CharField(max_length=100)
    planned_for = DateTimeField()
    lead_unit = AgencyCodeField()
    participants = serializers.ListField(child=AgencyCodeField(), required=False, default=list, max_length=20)
    standby = AgencyCodeField(required=False, allow_null=True, default=None)
    targets = serializers.ListField(child=serializers.UUIDField(), required=False, default=list, max_length=50)
    basis = serializers.ListField(child=serializers.UUIDField(), required=False, default=list, max_length=50)


class StepInputSerializer(StrictSerializer):
    """One step of an operation: ``authorise`` (reference, authorised_on), ``carry_out``
    (carried_out_at, debrief), ``close`` (debrief), ``cancel`` (reason)."""

    step = serializers.ChoiceField(["authorise", "carry_out", "close", "cancel"])
    reference = serializers.CharField(max_length=100, required=False, default="")
    authorised_on = serializers.DateField(required=False, allow_null=True, default=None)
    carried_out_at = DateTimeField(required=False, allow_null=True, default=None)
    debrief = serializers.CharField(max_length=10000, required=False, allow_blank=True, allow_null=True, default=None)
    reason = serializers.CharField(max_length=1000, required=False, default="")


class EncounterSerializer(ModelSerializer):
    description = serializers.CharField(read_only=True, allow_null=True)
    label = serializers.CharField(source="__str__", read_only=True)  # type: ignore[assignment]
    screening = serializers.SerializerMethodField()

    class Meta:
        model = Encounter
        fields = ["id", "number", "label", "description", "sex", "removed", "screening"]

    def get_screening(self, encounter: Encounter) -> str | None:
        screening = getattr(encounter, "screening", None)
        return None if screening is None else str(screening.pk)


class EncounterInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(Sex.choices, required=False, default=Sex.UNKNOWN)
    removed = serializers.BooleanField(required=False, default=False)


class ArrestSerializer(ModelSerializer):
    subject = serializers.UUIDField(source="subject_id", read_only=True)
    encounter = serializers.UUIDField(source="encounter_id", read_only=True, allow_null=True)

    class Meta:
        model = Arrest
        fields = ["id", "subject", "encounter", "recorded_at", "withdrawn_at"]


class SeizedSerializer(ModelSerializer):
    description = serializers.CharField(read_only=True)

    class Meta:
        model = SeizedItem
        fields = ["id", "description", "quantity", "recorded_at"]


class WithdrawInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500)


class ArrestInputSerializer(StrictSerializer):
    subject = serializers.UUIDField()
    encounter = serializers.UUIDField(required=False, allow_null=True, default=None)


class SeizedInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=500)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=1)


class HistorySerializer(StrictSerializer):
    type = serializers.ChoiceField(actions.HISTORY_TYPES)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None)


def _codes(values: Any) -> Any:
    return serializers.ListField(child=serializers.ChoiceField(values), required=False, default=list)


class ScreeningSerializer(ModelSerializer):
    encounter = serializers.UUIDField(source="encounter_id", read_only=True)
    case = serializers.SerializerMethodField()
    history = serializers.JSONField(read_only=True, allow_null=True)
    notes = serializers.CharField(read_only=True, allow_null=True)
    reason_note = serializers.CharField(read_only=True, allow_null=True)
    assessment_centre = serializers.BooleanField(source="is_minor", read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "encounter",
            "indicators",
            "age_methods",
            "minor",
            "age_low",
            "age_high",
            "status",
            "decided_by",
            "exploitation",
            "sexual_exploitation",
            "control",
            "recruitment",
            "relationship",
            "forced_criminality",
            "history",
            "languages",
            "interpreter",
            "notes",
            "outcome",
            "reason",
            "reason_note",
            "case",
            "assessment_centre",
            "screened_at",
        ]

    def get_case(self, screening: Screening) -> str | None:
        """The survivor case opened from it, for a reader who reaches that case."""
        from casebridge.investigations.access import reachable_cases

        request = self.context.get("request")
        if screening.case_id is None or request is None:
            return None
        reached = reachable_cases(acting_user(request)).filter(pk=screening.case_id).exists()
        return str(screening.case_id) if reached else None


class ScreeningInputSerializer(StrictSerializer):
    encounter = serializers.UUIDField()
    indicators = _codes(actions.INDICATORS)
    age_methods = _codes(actions.AGE_METHODS)
    minor = serializers.ChoiceField(Minor.choices)
    age_low = serializers.IntegerField(min_value=0, max_value=99, required=False, allow_null=True, default=None)
    age_high = serializers.IntegerField(min_value=0, max_value=99, required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(TraffickingStatus.choices)
    decided_by = serializers.ChoiceField(DecidedBy.choices)
    exploitation = _codes(actions.EXPLOITATION)
    sexual_exploitation = _codes(actions.SEXUAL_EXPLOITATION)
    control = _codes(actions.CONTROL)
    recruitment = _codes(actions.RECRUITMENT)
    relationship = serializers.ChoiceField(actions.RELATIONSHIP, required=False, allow_blank=True, default="")
    forced_criminality = _codes(actions.FORCED_CRIMINALITY)
    history = HistorySerializer(many=True, required=False, default=list)
    languages = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)
    interpreter = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        SCREENING_OUTCOMES,
        required=False,
        default=Outcome.PENDING,
    )
    reason = serializers.ChoiceField(NotVictimReason.choices, required=False, allow_blank=True, default="")
    reason_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ScreeningCaseInputSerializer(CaseCreateSerializer):
    """The survivor case opened from a screening: the intake's fields, and her (or her
    guardian's) decision on receiving services."""

    consent_decision = serializers.ChoiceField(["given", "refused"])
    consent_given_by = serializers.ChoiceField(["survivor", "guardian"])
    child_assent = serializers.BooleanField(required=False, allow_null=True, default=None)
    consent_language = serializers.CharField(max_length=3)


class _Compartment(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A model of the compartment: list (a page, audited), retrieve (audited), create (audited,
    idempotent). Anyone without an investigation role or a grant gets 404 on all of it."""

    model: Any = None
    kind = ""
    input: Any = None
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        return self.model.objects.visible_to(acting_user(self.request)).select_related("agency")

    def _record(self) -> Any:
        return get_visible(acting_user(self.request), self.model, self.kwargs["pk"])

    def _filter(self, rows: Any) -> Any:
        return rows

    def list(self, request: Request) -> Response:
        user = acting_user(request)
        if not investigates(user) and not self.get_queryset().exists():
            raise Http404
        page = list(self.paginate_queryset(self._filter(self.get_queryset())) or [])
        audited(user, Action.LIST, page, self.kind)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        found = self._record()
        audited(acting_user(request), Action.VIEW, [found], self.kind)
        return Response(self.get_serializer(found).data)

    def _create(self, make: Callable[[dict[str, Any]], Any]) -> Response:
        user = acting_user(self.request)
        if not investigates(user):
            raise Http404

        def create() -> Any:
            payload = self.input(data=self.request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            data["agency"] = _agency(user, data)
            return make(data)

        return create_scoped(
            self.request,
            resource_type=f"investigation_{self.kind}",
            create=create,
            rows=self.get_queryset(),
            seen=lambda found: audited(user, Action.VIEW, [found], self.kind),
            serializer=cast(Any, self.get_serializer),  # with the request in its context
        )


class EstablishmentViewSet(_Compartment):
    """Establishments of your agency's investigations."""

    model, kind, input = Establishment, "establishment", PlaceInputSerializer
    serializer_class = PlaceSerializer

    @extend_schema(request=PlaceInputSerializer, responses={201: PlaceSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        return self._create(lambda data: actions.do_create_establishment(actor=user, **data))

    @extend_schema(request=StatusInputSerializer, responses=PlaceSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        """A dated change of status (its history is kept)."""
        establishment = self._record()
        payload = StatusInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_change_status(establishment, actor=acting_user(request), **payload.validated_data)
        establishment.refresh_from_db()
        return Response(PlaceSerializer(establishment).data)


class SubjectViewSet(_Compartment):
    """Subjects (suspects and other players). ``?q=`` finds them by name in any script (the
    people search), ``?identifier=`` by a phone, plate, handle or account linked to them."""

    model, kind, input = Subject, "subject", SubjectInputSerializer
    serializer_class = SubjectSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("person")

    def _filter(self, rows: Any) -> Any:
        user = acting_user(self.request)
        query = self.request.query_params.get("q")
        if query is not None:
            from casebridge.people.search import best_matches, query_problem

            problem = query_problem(query)
            if problem:
                raise serializers.ValidationError({"q": [problem]})
            hits = best_matches(query, subject_people(user), 20)
            order = [hit.person.pk for hit in hits]
            found = {s.person_id: s for s in rows.filter(person_id__in=order)}
            return [found[pk] for pk in order if pk in found]
        value = self.request.query_params.get("identifier")
        if value is not None:
            identifiers = actions.find_identifier(user, "", value)
            linked = Link.objects.visible_to(user).filter(
                a_type=NodeType.SUBJECT, b_type=NodeType.IDENTIFIER, b_id__in=[i.pk for i in identifiers]
            )
            return rows.filter(pk__in=linked.values("a_id"))
        return rows

    @extend_schema(
        parameters=[
            OpenApiParameter("q", description="A name, in any script."),
            OpenApiParameter("identifier", description="A phone, plate, handle or account, however written."),
        ]
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(request=SubjectInputSerializer, responses={201: SubjectSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        from casebridge.people.actions import clean_identity

        user = acting_user(request)

        def make(data: dict[str, Any]) -> Subject:
            identity = clean_identity(data.pop("identity"))
            return actions.do_create_subject(actor=user, identity=identity, **data)

        return self._create(make)


class IdentifierViewSet(_Compartment):
    """Identifiers: one per value however it was typed (the same phone written two ways is one).
    ``?value=`` finds one."""

    model, kind, input = Identifier, "identifier", IdentifierInputSerializer
    serializer_class = IdentifierSerializer

    def _filter(self, rows: Any) -> Any:
        value = self.request.query_params.get("value")
        if value is None:
            return rows
        return rows.filter(pk__in=[i.pk for i in actions.find_identifier(acting_user(self.request), "", value)])

    @extend_schema(parameters=[OpenApiParameter("value", description="The identifier, however written.")])
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        request=IdentifierInputSerializer, responses={201: IdentifierSerializer}, parameters=[schema_header()]
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        return self._create(lambda data: actions.do_add_identifier(actor=user, **data)[0])


class LinkViewSet(_Compartment):
    """Links between nodes (``<type>:<id>``); ``?node=`` lists a node's links."""

    model, kind, input = Link, "link", LinkInputSerializer
    serializer_class = LinkSerializer

    def _filter(self, rows: Any) -> Any:
        from django.db.models import Q

        wanted = self.request.query_params.get("node")
        if wanted is None:
            return rows
        node = parse_node(wanted)
        if node is None:
            raise serializers.ValidationError({"node": [_("Give a node as <type>:<id>.")]})
        return rows.filter(Q(a_type=node[0], a_id=node[1]) | Q(b_type=node[0], b_id=node[1]))

    @extend_schema(parameters=[OpenApiParameter("node", description="<type>:<id>: only this node's links.")])
    def list(self, request: Request) -> Response:
        """Links whose both ends you reach (a link names what it joins), newest first."""
        user = acting_user(request)
        if not investigates(user):
            raise Http404
        rows = self._filter(self.get_queryset()).order_by("-created_at")[:MOST_LISTED]
        page: list[Link] = list(self.paginate_queryset(cast(Any, reachable_links(user, list(rows)))) or [])
        audited(user, Action.LIST, page, self.kind)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        found = self._record()
        if not reachable_links(acting_user(request), [found]):
            raise Http404
        return super().retrieve(request, pk)

    @extend_schema(request=LinkInputSerializer, responses={201: LinkSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)

        def make(data: dict[str, Any]) -> Link:
            a, b = parse_node(data.pop("a")), parse_node(data.pop("b"))
            errors = {}
            if a is None:
                errors["a"] = [_("Give a node as <type>:<id>.")]
            if b is None:
                errors["b"] = [_("Give a node as <type>:<id>.")]
            if errors or a is None or b is None:
                raise serializers.ValidationError(errors)
            return actions.do_link(actor=user, a_type=a[0], a_id=a[1], b_type=b[0], b_id=b[1], **data)

        return self._create(make)


class IntelligenceViewSet(_Compartment):
    """Intelligence reports, graded (source A-F, information 1-6), read only by their agency's
    investigators."""

    model, kind, input = IntelligenceReport, "intelligence", ReportInputSerializer
    serializer_class = ReportSerializer

    @extend_schema(request=ReportInputSerializer, responses={201: ReportSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)

        def make(data: dict[str, Any]) -> IntelligenceReport:
            mentions = []
            for text in data.pop("mentions"):
                node = parse_node(text)
                if node is None:
                    raise serializers.ValidationError({"mentions": [_("Give a node as <type>:<id>.")]})
                mentions.append(node)
            return actions.do_create_report(actor=user, mentions=mentions, **data)

        return self._create(make)


class OperationViewSet(_Compartment):
    """Operations: planned → authorised → carried out → closed (or cancelled), with the people
    encountered, arrests, items seized and ``screenings/``."""

    model, kind, input = Operation, "operation", OperationInputSerializer
    serializer_class = OperationSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("lead_unit", "standby").prefetch_related("participants")

    @extend_schema(request=OperationInputSerializer, responses={201: OperationSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        from casebridge.investigations.models import Establishment as Place

        user = acting_user(request)

        def make(data: dict[str, Any]) -> Operation:
            targets = list(Place.objects.visible_to(user).filter(pk__in=data["targets"]))
            basis = list(IntelligenceReport.objects.visible_to(user).filter(pk__in=data["basis"]))
            if len(targets) != len(set(data.pop("targets"))):
                raise Http404
            if len(basis) != len(set(data.pop("basis"))):
                raise Http404
            return actions.do_plan_operation(actor=user, targets=targets, basis=basis, **data)

        return self._create(make)

    @extend_schema(request=StepInputSerializer, responses=OperationSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None) -> Response:
        """Move the operation on: authorise, carry_out, close or cancel. Steps out of order are
        refused (409)."""
        operation = self._record()
        user = acting_user(request)
        payload = StepInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        step = data["step"]
        if step == "authorise":
            if data["authorised_on"] is None:
                raise serializers.ValidationError({"authorised_on": [_("Give the date of the authorisation.")]})
            operation = actions.do_authorise(
                operation, actor=user, reference=data["reference"], authorised_on=data["authorised_on"]
            )
        elif step == "carry_out":
            operation = actions.do_carry_out(
                operation,
                actor=user,
                carried_out_at=data["carried_out_at"] or timezone.now(),
                debrief=data["debrief"] or "",
            )
        elif step == "close":
            operation = actions.do_close(operation, actor=user, debrief=data["debrief"])
        else:
            operation = actions.do_cancel(operation, actor=user, reason=data["reason"])
        return Response(OperationSerializer(operation, context={"request": request}).data)

    def _in_operation(self, serializer: Any, rows: Any, kind: str) -> Response:
        user = acting_user(self.request)
        page = list(self.paginate_queryset(rows) or [])
        operation = self._record()
        audited(user, Action.LIST, [actions.on_operation(r, operation) for r in page], kind)
        return self.get_paginated_response(serializer(page, many=True, context={"request": self.request}).data)

    def _sub_create(self, kind: str, make: Callable[[], Any], rows: Any, out: Any) -> Response:
        """A record of the operation created once per Idempotency-Key (a retry answers the first)."""
        user = acting_user(self.request)
        operation = self._record()
        return create_scoped(
            self.request,
            resource_type=f"investigation_{kind}",
            create=make,
            rows=rows,
            seen=lambda found: audited(user, Action.VIEW, [actions.on_operation(found, operation)], kind),
            serializer=cast(Any, lambda obj: out(obj, context={"request": self.request})),
        )

    @extend_schema(methods=["GET"], responses=EncounterSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=EncounterInputSerializer,
        responses={201: EncounterSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def encounters(self, request: Request, pk: str | None = None) -> Response:
        """The people the operation encountered, each numbered (P-1, P-2, ...)."""
        operation = self._record()
        rows = Encounter.objects.visible_to(acting_user(request)).filter(operation=operation)
        if request.method == "GET":
            return self._in_operation(EncounterSerializer, rows.select_related("screening"), "encounter")

        def make() -> Encounter:
            payload = EncounterInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_encounter(operation, actor=acting_user(request), **payload.validated_data)

        return self._sub_create("encounter", make, rows, EncounterSerializer)

    @extend_schema(request=ArrestInputSerializer, responses={201: ArrestSerializer}, parameters=[schema_header()])
    @action(detail=True, methods=["post"])
    def arrests(self, request: Request, pk: str | None = None) -> Response:
        """A subject arrested in the operation (never a person screened as a minor)."""
        operation = self._record()
        user = acting_user(request)

        def make() -> Arrest:
            payload = ArrestInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            subject = Subject.objects.visible_to(user).filter(pk=payload.validated_data["subject"]).first()
            if subject is None:
                raise Http404
            encounter = None
            if payload.validated_data["encounter"] is not None:
                encounter = (
                    Encounter.objects.visible_to(user)
                    .filter(pk=payload.validated_data["encounter"], operation=operation)
                    .first()
                )
                if encounter is None:
                    raise serializers.ValidationError({"encounter": [_not_here()]})
            return actions.do_record_arrest(operation, actor=user, subject=subject, encounter=encounter)

        rows = Arrest.objects.visible_to(user).filter(operation=operation)
        return self._sub_create("arrest", make, rows, ArrestSerializer)

    @extend_schema(request=WithdrawInputSerializer, responses=ArrestSerializer)
    @action(detail=True, methods=["post"], url_path=r"arrests/(?P<arrest_id>[0-9a-fA-F-]{32,36})/withdraw")
    def withdraw(self, request: Request, pk: str | None = None, arrest_id: str | None = None) -> Response:
        """Withdraw an arrest recorded in error (a child arrested before her screening, the wrong
        person), with the reason: it stays on record and no longer counts."""
        operation = self._record()
        user = acting_user(request)
        arrest = get_visible(user, Arrest, arrest_id)
        if arrest.operation_id != operation.pk:
            raise Http404
        payload = WithdrawInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arrest = actions.do_withdraw_arrest(arrest, actor=user, reason=payload.validated_data["reason"])
        return Response(ArrestSerializer(arrest).data)

    @extend_schema(request=SeizedInputSerializer, responses={201: SeizedSerializer}, parameters=[schema_header()])
    @action(detail=True, methods=["post"])
    def seized(self, request: Request, pk: str | None = None) -> Response:
        """Something seized in the operation (the justice capability makes it evidence)."""
        operation = self._record()

        def make() -> SeizedItem:
            payload = SeizedInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_seized(operation, actor=acting_user(request), **payload.validated_data)

        rows = SeizedItem.objects.visible_to(acting_user(request)).filter(operation=operation)
        return self._sub_create("seized_item", make, rows, SeizedSerializer)

    @extend_schema(methods=["GET"], responses=ScreeningSerializer(many=True))
    @extend_schema(methods=["POST"], request=ScreeningInputSerializer, responses={201: ScreeningSerializer})
    @action(detail=True, methods=["get", "post"])
    def screenings(self, request: Request, pk: str | None = None) -> Response:
        """The screening of each person encountered. POST records one (again, to correct it,
        until a case is opened from it): outcome ``pending`` or ``not_a_victim`` with its reason."""
        operation = self._record()
        user = acting_user(request)
        rows = Screening.objects.visible_to(user).filter(encounter__operation=operation)
        if request.method == "GET":
            return self._in_operation(ScreeningSerializer, rows, "screening")
        payload = ScreeningInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        encounter = Encounter.objects.visible_to(user).filter(pk=data.pop("encounter"), operation=operation).first()
        if encounter is None:
            raise serializers.ValidationError({"encounter": [_not_here()]})
        data["history"] = [
            {**row, "date": row["date"].isoformat() if row.get("date") else ""} for row in data["history"]
        ]
        screening = actions.do_screen(encounter, actor=user, data=data)
        return Response(ScreeningSerializer(screening, context={"request": request}).data, status=201)

    @extend_schema(
        request=ScreeningCaseInputSerializer,
        responses={201: ScreeningSerializer, 409: PossibleExistingSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["post"], url_path=r"screenings/(?P<screening_id>[0-9a-fA-F-]{32,36})/case")
    def screening_case(self, request: Request, pk: str | None = None, screening_id: str | None = None) -> Response:
        """Open the survivor case of a person screened, through the intake: the same check of
        people already known (409 possible_existing_people until ``different_person``), her
        decision on receiving services, and the case's pseudonymous link to this operation."""
        from casebridge.cases.actions import do_open_case, intake_agencies

        operation = self._record()
        user = acting_user(request)
        screening = get_visible(user, Screening, screening_id)
        if screening.encounter.operation_id != operation.pk:
            raise Http404
        if not intake_agencies(user):
            raise NotAllowed(_("Your role does not allow opening cases."))
        payload = ScreeningCaseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        identity = actions.with_screening_age(survivor_identity(data), screening)
        known = known_already(request, user, identity, data)
        if known is not None:
            return known
        agency = leading_agency(user, data)

        def make() -> Screening:
            with transaction.atomic():
                case = do_open_case(
                    actor=user,
                    agency=agency,
                    identity=identity,
                    province=data["province"],
                    opened_on=data.get("opened_on") or timezone.localdate(),
                    different_person=data["different_person"],
                )
                consent = {key: data[f"consent_{key}"] for key in ("decision", "given_by", "language")}
                actions.do_open_case_for(
                    screening, case, actor=user, consent={**consent, "child_assent": data["child_assent"]}
                )
            screening.refresh_from_db()
            return screening

        rows = Screening.objects.visible_to(user).filter(pk=screening.pk)
        return self._sub_create("screening", make, rows, ScreeningSerializer)


NetworkSerializer = inline_serializer(
    "Network",
    {
        "centre": serializers.CharField(),
        "nodes": inline_serializer(
            "NetworkNode",
            {
                "id": serializers.CharField(),
                "type": serializers.CharField(),
                "label": serializers.CharField(),
                "url": serializers.CharField(),
            },
            many=True,
        ),
        "links": LinkSerializer(many=True),
        "truncated": serializers.BooleanField(),
    },
)


class NetworkView(APIView):
    """The network of a node: its neighbours to ``depth`` (1 to 3) links, among the records you
    reach; a node out of reach answers 404."""

    @extend_schema(
        parameters=[
            OpenApiParameter("node", required=True, description="<type>:<id>, e.g. subject:<uuid>."),
            OpenApiParameter("depth", int, description="1 to 3 (2 by default)."),
        ],
        responses=NetworkSerializer,
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        if not investigates(user):
            raise Http404
        node = parse_node(request.query_params.get("node", ""))
        if node is None:
            raise serializers.ValidationError({"node": [_("Give a node as <type>:<id>.")]})
        try:
            depth = int(request.query_params.get("depth", "2"))
        except ValueError:
            depth = 0
        if not 1 <= depth <= 3:
            raise serializers.ValidationError({"depth": [_("A depth from 1 to 3.")]})
        network = neighbourhood(user, node, depth)
        if network is None:
            raise Http404
        links = network.links()
        record(user, Action.VIEW, node_items(user, network.records))
        audited(user, Action.VIEW, links, "link")
        nodes = [
            {"id": f"{kind}:{pk}", "type": kind, "label": network.labels[(kind, pk)], "url": node_url((kind, pk))}
            for kind, pk in network.graph.nodes
        ]
        return Response(
            {
                "centre": f"{node[0]}:{node[1]}",
                "nodes": nodes,
                "links": LinkSerializer(links, many=True).data,
                "truncated": network.truncated,
            }
        )
