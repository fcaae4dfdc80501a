"""The case API: cases, their timeline, notes, consents, team and access log."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.accounts.models import User
from casebridge.agencies.api import AgencySerializer
from casebridge.agencies.models import Agency
from casebridge.api.idempotency import idempotent_create, schema_header
from casebridge.api.models import IdempotencyKey
from casebridge.api.serializers import ModelSerializer, StrictSerializer, check_filters, day, when
from casebridge.audit import words
from casebridge.audit.forms import AccessLogFilterForm
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action, AuditEvent
from casebridge.cases import actions
from casebridge.cases.access import (
    CASE_RELATED,
    CaseAccess,
    ReachableCases,
    case_access,
    get_case,
    timeline_page,
    visible_team,
    visible_teams,
)
from casebridge.cases.contacts import received_requests, sent_requests
from casebridge.cases.forms import LIST_PARAMETERS, CaseFilterForm
from casebridge.cases.models import (
    CONTACT_STATUSES,
    Case,
    CaseParticipant,
    CaseStatus,
    ClosureReason,
    ContactAnswer,
    ContactRequest,
    ParticipantRole,
    TeamMember,
    TimelineEvent,
)
from casebridge.cases.sections import Section
from casebridge.consents.actions import do_record_consent
from casebridge.consents.api import ConsentInputSerializer, ConsentSerializer
from casebridge.consents.models import ConsentRecord
from casebridge.lib.errors import ActionError, NotAllowed
from casebridge.lib.places import PROVINCE_CHOICES
from casebridge.people.actions import clean_identity
from casebridge.people.api import IdentityInputSerializer, PersonSerializer, SearchHitSerializer
from casebridge.people.models import AgeMethod
from casebridge.restoration.serializers import MoveInputSerializer, PlacementSerializer

UUID_RE = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class TeamMemberSerializer(ModelSerializer):
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    sections = serializers.ListField(source="section_list", child=serializers.CharField())

    class Meta:
        model = TeamMember
        fields = ["id", "user", "agency", "sections", "added_at"]

    def to_representation(self, member: TeamMember) -> dict[str, Any]:
        # What DRF would write (a test holds the two equal), without its per-field machinery.
        return {
            "id": member.pk,
            "user": member.user.username if member.user_id else None,  # type: ignore[union-attr]
            "agency": member.agency.code if member.agency_id else None,  # type: ignore[union-attr]
            "sections": [str(s) for s in member.section_list],
            "added_at": when(member.added_at, self.context.get("zone")),
        }


class CaseSerializer(ModelSerializer):
    """A case as the caller may see it: the survivor only with the identity section, the team
    only to those who reach case content or lead it."""

    lead_agency = AgencySerializer()
    case_worker = serializers.CharField(source="owner.username")
    survivor = serializers.SerializerMethodField()
    your_sections = serializers.SerializerMethodField()
    shared_with = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "number", "status", "closure_reason", "opened_on", "closed_on", "province", "lead_agency",
            "case_worker", "survivor", "your_sections", "shared_with", "created_at", "updated_at",
        ]  # fmt: skip

    def _access(self, case: Case) -> CaseAccess:
        accesses: dict[Any, CaseAccess] = self.context.setdefault("accesses", {})
        if case.pk not in accesses:
            accesses[case.pk] = case_access(self.context["request"].user, case)
        return accesses[case.pk]

    def _nested(self, kind: type[serializers.Serializer], **context: Any) -> Any:  # type: ignore[type-arg]
        """One nested serializer per kind and context for the whole page: DRF builds a
        serializer's fields when it is made, which would otherwise happen once per row."""
        made: dict[Any, Any] = self.context.setdefault("nested", {})
        key = (kind, tuple(sorted(context.items())))
        if key not in made:
            made[key] = kind(context=context)
        return made[key]

    def get_survivor(self, case: Case) -> dict[str, Any] | None:
        return self._survivor(case, self._access(case))

    def _survivor(self, case: Case, access: CaseAccess) -> dict[str, Any] | None:
        if not access.can(Section.IDENTITY):
            return None
        person = self._nested(PersonSerializer, whereabouts=access.can(Section.WHEREABOUTS))
        return person.to_representation(case.survivor)  # type: ignore[no-any-return]

    def get_your_sections(self, case: Case) -> list[str]:
        return self._your_sections(self._access(case))

    def _your_sections(self, access: CaseAccess) -> list[str]:
        # (a page's rows share a few sets of sections: each is put in order once)
        named: dict[frozenset[str], list[str]] = self.context.setdefault("your_sections", {})
        if access.sections not in named:
            named[access.sections] = [s.value for s in access.sections_list()]
        return list(named[access.sections])

    def to_representation(self, case: Case) -> dict[str, Any]:
        # What DRF would write (a test holds the two equal), without its per-field machinery:
        # a list page writes 25 of these.
        agency = self._nested(AgencySerializer)
        access = self._access(case)
        if "zone" not in self.context:  # (one request, one time zone)
            self.context["zone"] = timezone.get_current_timezone()
        zone = self.context["zone"]
        return {
            "id": str(case.pk),
            "number": case.number,
            "status": case.status,
            "closure_reason": case.closure_reason,
            "opened_on": day(case.opened_on),
            "closed_on": day(case.closed_on),
            "province": case.province,
            "lead_agency": agency.to_representation(case.lead_agency),
            "case_worker": case.owner.username,
            "survivor": self._survivor(case, access),
            "your_sections": self._your_sections(access),
            "shared_with": self._shared_with(case, access),
            "created_at": when(case.created_at, zone),
            "updated_at": when(case.updated_at, zone),
        }

    def get_shared_with(self, case: Case) -> list[dict[str, Any]] | None:
        return self._shared_with(case, self._access(case))

    def _shared_with(self, case: Case, access: CaseAccess) -> list[dict[str, Any]] | None:
        if not access.sections:
            return None
        teams: dict[Any, list[TeamMember]] = self.context.get("teams") or visible_teams([case], {case.pk: access})
        member = self._nested(TeamMemberSerializer, zone=self.context.get("zone"))
        return [member.to_representation(m) for m in teams[case.pk]]


class CaseCreateSerializer(StrictSerializer):
    lead_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True), required=False)
    province = serializers.ChoiceField(PROVINCE_CHOICES)
    opened_on = serializers.DateField(required=False)
    survivor = IdentityInputSerializer()
    different_person = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Register although possible existing people were found (409 possible_existing_people): "
        "this is a different person. Recorded on the case.",
    )


class PossiblePeopleInputSerializer(StrictSerializer):
    survivor = IdentityInputSerializer()


class PossiblePeopleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    people = SearchHitSerializer(many=True, help_text="People you may see who may be her, best first.")
    elsewhere = serializers.BooleanField(
        allow_null=True,
        help_text="A strong match (name, age and sex) exists in records you may not see; which agency is never "
        "said. Null: not checked (your daily limit of such checks is reached).",
    )


class PossibleExistingSerializer(PossiblePeopleSerializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class ContactRequestInputSerializer(StrictSerializer):
    lead_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="Your agency the request comes from (one of those you register survivors for).",
    )
    survivor = IdentityInputSerializer()
    reason = serializers.CharField(max_length=1000)


class ContactAnswerInputSerializer(StrictSerializer):
    answer = serializers.ChoiceField(ContactAnswer.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class SentContactRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A request you sent: never which agency or case it went to."""

    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(CONTACT_STATUSES)


class ReceivedContactRequestSerializer(ModelSerializer):
    """A request about a person on a case your agency leads."""

    requester = serializers.CharField(source="requester.username")
    requester_agency = serializers.CharField(source="requester_agency.name")
    answered_by = serializers.CharField(source="answered_by.username", allow_null=True, default=None)

    class Meta:
        model = ContactRequest
        fields = ["id", "case", "created_at", "requester", "requester_agency", "reason", "answer", "answer_note",
                  "answered_by", "answered_at"]  # fmt: skip


class ContactRequestListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    received = ReceivedContactRequestSerializer(many=True)
    sent = SentContactRequestSerializer(many=True)


class CaseUpdateSerializer(StrictSerializer):
    status = serializers.ChoiceField(CaseStatus.choices, required=False)
    closure_reason = serializers.ChoiceField(ClosureReason.choices, required=False, allow_blank=True)
    closure_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    case_worker = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="The username of one of the lead agency's case staff.",
    )


class TimelineEventSerializer(ModelSerializer):
    """A timeline entry. ``actor`` and ``agency`` are null when the reader may not learn which
    partner agency wrote it (outside the lead agency, another partner's entry); ``role`` is
    always given."""

    actor = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "kind",
            "section",
            "occurred_at",
            "recorded_at",
            "actor",
            "agency",
            "role",
            "body",
            "data",
            "corrects",
        ]

    def _shown(self, event: TimelineEvent) -> bool:
        access: CaseAccess | None = self.context.get("access")
        return access is not None and access.sees_author(event)

    def get_actor(self, event: TimelineEvent) -> str | None:
        return event.actor.username if self._shown(event) else None

    def get_agency(self, event: TimelineEvent) -> str | None:
        return event.agency.code if event.agency and self._shown(event) else None


class NoteInputSerializer(StrictSerializer):
    section = serializers.ChoiceField(Section.choices)
    body = serializers.CharField(max_length=10000)
    occurred_at = serializers.DateTimeField(required=False)


class IdentityCorrectionSerializer(StrictSerializer):
    # Lengths are checked on the value as sent (clean_identity trims), as the schema says.
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    family_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    given_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=100, trim_whitespace=False), required=False, max_length=20
    )
    birth_date = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    age_method = serializers.ChoiceField(AgeMethod.choices, required=False, allow_blank=True)


class CorrectionInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=10000)


class ParticipantSerializer(ModelSerializer):
    display_name = serializers.CharField(source="person.display_name", read_only=True)

    class Meta:
        model = CaseParticipant
        fields = ["id", "role", "display_name", "added_at"]


class ParticipantInputSerializer(StrictSerializer):
    role = serializers.ChoiceField(ParticipantRole.choices)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    family_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)
    given_name_latin = serializers.CharField(max_length=100, required=False, allow_blank=True, trim_whitespace=False)


class TeamInputSerializer(StrictSerializer):
    username = serializers.CharField(required=False, max_length=150)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True), required=False)
    sections = serializers.ListField(child=serializers.ChoiceField(Section.choices), min_length=1, max_length=7)


class AccessLogSerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    what = serializers.SerializerMethodField(help_text="What was done, in words, in the request's language.")
    how = serializers.SerializerMethodField(help_text="The way in, in words, in the request's language.")

    def get_what(self, event: AuditEvent) -> str:
        return words.describe(event.action, event.object_type, filter(None, event.sections.split(",")))

    def get_how(self, event: AuditEvent) -> str:
        return words.how(event.via)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_username",
            "agency",
            "role",
            "action",
            "object_type",
            "object_id",
            "sections",
            "via",
            "reason",
            "what",
            "how",
        ]


def acting_user(request: Request) -> User:
    """The signed-in caller (IsAuthenticated has run before any handler)."""
    assert isinstance(request.user, User)
    return request.user


def _identity_errors(error: ValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError({f"survivor.{k}": v for k, v in error.error_dict.items()})
    return error


ACCESS_LOG_PARAMETERS = [
    OpenApiParameter("person", description="Only what this username did."),
    OpenApiParameter("agency", description="Only what was done for this agency (its code)."),
    OpenApiParameter("action", enum=Action.values, description="Only this kind of action."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="On or after this day (in your time zone)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="On or before this day (in your time zone)."),
]


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # type: ignore[type-arg]
    """Cases the caller reaches. Anything else answers 404, as if it did not exist."""

    serializer_class = CaseSerializer
    lookup_value_regex = UUID_RE
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return Case.objects.visible_to(acting_user(self.request)).select_related("lead_agency", "survivor", "owner")

    def _case(self, related: tuple[str, ...] = CASE_RELATED) -> tuple[Case, CaseAccess]:
        try:
            case, access = get_case(acting_user(self.request), self.kwargs["pk"], related)
        except (Case.DoesNotExist, ValidationError):
            raise Http404 from None
        self.check_object_permissions(self.request, case)
        return case, access

    def _respond_case(self, case: Model, status: int, access: CaseAccess | None = None) -> Response:
        context = self.get_serializer_context()
        if access is not None:
            context["accesses"] = {case.pk: access}
        return Response(CaseSerializer(case, context=context).data, status=status)

    @extend_schema(parameters=LIST_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if any(name in request.query_params for name in CaseFilterForm.base_fields):
            form = CaseFilterForm(request.query_params, user=acting_user(request))
            check_filters(request, form)
            cases = ReachableCases(acting_user(request), filters=form.filters(), sort=form.ordering())
        else:  # nothing asked, nothing to check (the form would give the same, in about 0.3 ms)
            cases = ReachableCases(acting_user(request))
        rows: list[Case] = list(self.paginate_queryset(cases) or [])  # type: ignore[arg-type]
        accesses = cases.accesses
        context = {**self.get_serializer_context(), "accesses": accesses, "teams": visible_teams(rows, accesses)}
        data = CaseSerializer(rows, many=True, context=context).data
        record(
            acting_user(request),
            Action.LIST,
            [actions.case_item(c, accesses[c.pk].sections, accesses[c.pk]) for c in rows],
        )
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case, access = self._case()
        actions.read_case(acting_user(request), case, access)
        return self._respond_case(case, 200, access)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 409: PossibleExistingSerializer},
        parameters=[schema_header()],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        agencies = actions.intake_agencies(user)
        if not agencies:
            raise NotAllowed(_("Your role does not allow opening cases."))
        payload = CaseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        identity = survivor_identity(data)
        known = known_already(request, user, identity, data)
        if known is not None:
            return known

        def create() -> Case:
            return actions.do_open_case(
                actor=user,  # type: ignore[arg-type]
                agency=leading_agency(user, data),
                identity=identity,
                province=data["province"],
                opened_on=data.get("opened_on") or timezone.localdate(),
                different_person=data["different_person"],
            )

        def refetch(pk: str) -> Case:
            case = self.get_queryset().filter(pk=pk).first()
            if case is None:
                raise Http404
            actions.read_case(user, case, case_access(user, case))
            return case

        return idempotent_create(
            request, resource_type="case", create=create, refetch=refetch, respond=self._respond_case
        )

    @extend_schema(request=PossiblePeopleInputSerializer, responses=PossiblePeopleSerializer)
    @action(detail=False, methods=["post"], url_path="possible-people")
    def possible_people(self, request: Request) -> Response:
        """Before registering a survivor: the people you may see who may be her, and whether a
        strong match exists in records you may not see (then you may send a contact request)."""
        user = acting_user(request)
        if not actions.intake_agencies(user):
            raise NotAllowed(_("Your role does not allow opening cases."))
        payload = PossiblePeopleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(possible_existing(user, survivor_identity(payload.validated_data)))

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case, access = self._case()
        payload = CaseUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        username = data.pop("case_worker", None)
        with transaction.atomic():  # both changes or neither
            if username is not None:
                owner = User.objects.filter(username=username, is_active=True).first()
                case = actions.do_assign_case_worker(case, actor=acting_user(request), owner=owner)
            if data or username is None:  # (an empty change still needs the right to make it)
                case = actions.do_update_case(case, actor=acting_user(request), **data)
        actions.read_case(acting_user(request), case, access)  # the response shows the sections too
        return self._respond_case(case, 200)

    @extend_schema(
        responses=TimelineEventSerializer(many=True),
        parameters=[OpenApiParameter("section", enum=Section.values, description="Only entries of this section.")],
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        """The case's entries you may see, newest first; a corrected note as its newest version."""
        case, access = self._case(related=())
        section = request.query_params.get("section")
        if section is not None and section not in access.sections:
            raise serializers.ValidationError({"section": [_("Give one of the sections you can see.")]})
        page: list[TimelineEvent] | None = self.paginate_queryset(timeline_page(case, access, section))  # type: ignore[arg-type]
        record(
            acting_user(request),
            Action.LIST,
            [Item.on(access, "timeline_event", e.pk, case.pk, [e.section] if e.section else []) for e in page or []],
        )
        return self.get_paginated_response(TimelineEventSerializer(page, many=True, context={"access": access}).data)

    @extend_schema(methods=["GET"], responses=TimelineEventSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=NoteInputSerializer,
        responses={201: TimelineEventSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        case, access = self._case()
        user = acting_user(request)
        notes = TimelineEvent.objects.on_case(case, access).filter(kind="note").select_related("actor", "agency")
        shown = {"access": access}
        if request.method == "GET":
            page = self.paginate_queryset(notes.current())
            record(user, Action.LIST, [Item.on(access, "note", e.pk, case.pk, [e.section]) for e in page or []])
            return self.get_paginated_response(TimelineEventSerializer(page, many=True, context=shown).data)

        def create() -> TimelineEvent:
            payload = NoteInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_note(case, actor=user, **payload.validated_data)

        def refetch(pk: str) -> TimelineEvent:
            note = notes.filter(pk=pk).first()
            if note is None:
                raise Http404
            record(user, Action.VIEW, [Item.on(access, "note", note.pk, case.pk, [note.section])])
            return note

        return idempotent_create(
            request,
            resource_type="note",
            create=create,
            refetch=refetch,
            respond=lambda obj, status: Response(TimelineEventSerializer(obj, context=shown).data, status=status),
        )

    @extend_schema(request=IdentityCorrectionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["patch"], url_path="identity")
    def correct_identity(self, request: Request, pk: str | None = None) -> Response:
        """Correct the survivor's names, other names, birth date or estimated age (the lead agency's
        case staff): only the fields given change; the timeline says which."""
        case, access = self._case()
        if not access.can_manage:  # before the payload: every other reader gets the same answer
            raise NotAllowed(_("Only the lead agency's case staff can correct the survivor's identity."))
        payload = IdentityCorrectionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = actions.do_correct_identity(case, actor=acting_user(request), changes=dict(payload.validated_data))
        actions.read_case(acting_user(request), case, access)
        return self._respond_case(case, 200)

    @extend_schema(request=CorrectionInputSerializer, responses={201: TimelineEventSerializer})
    @action(detail=True, methods=["post"], url_path=r"notes/(?P<note_id>[0-9a-f-]{36})/corrections")
    def correct_note(self, request: Request, pk: str | None = None, note_id: str | None = None) -> Response:
        """Correct one of your notes: the correction is a new entry (``corrects`` names the one it
        replaces on the timeline); the earlier text stays in the note's history."""
        case, access = self._case()
        note = TimelineEvent.objects.on_case(case, access).filter(kind="note", pk=str(note_id)).first()
        if note is None:
            raise Http404
        payload = CorrectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        corrected = actions.do_correct_note(note, actor=acting_user(request), body=payload.validated_data["body"])
        return Response(TimelineEventSerializer(corrected, context={"access": access}).data, status=201)

    @extend_schema(methods=["GET"], responses=ParticipantSerializer(many=True))
    @extend_schema(methods=["POST"], request=ParticipantInputSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=["get", "post"])
    def participants(self, request: Request, pk: str | None = None) -> Response:
        """Guardians, family members and witnesses: seen with the identity section, added by the
        lead agency's case staff (names only)."""
        case, access = self._case()
        user = acting_user(request)
        if request.method == "POST":
            payload = ParticipantInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            role = data.pop("role")
            try:
                identity = clean_identity(data)
            except ValidationError as error:
                raise _identity_errors(error) from None
            participant = actions.do_add_participant(case, actor=user, role=role, identity=identity)
            return Response(ParticipantSerializer(participant).data, status=201)
        if Section.IDENTITY not in access.sections:
            raise NotAllowed(_("You do not reach this case's identity section."))
        page = self.paginate_queryset(case.participants.select_related("person").order_by("role", "added_at", "id"))
        people = list(page or [])
        record(user, Action.LIST, [Item.on(access, "participant", p.pk, case.pk, [Section.IDENTITY]) for p in people])
        return self.get_paginated_response(ParticipantSerializer(people, many=True).data)

    @extend_schema(methods=["GET"], responses=ConsentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ConsentInputSerializer,
        responses={201: ConsentSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def consents(self, request: Request, pk: str | None = None) -> Response:
        case, access = self._case()
        user = acting_user(request)
        records = ConsentRecord.objects.on_case(case, access).select_related("recorded_by")
        if request.method == "GET":
            page = self.paginate_queryset(records)
            record(user, Action.LIST, [Item.on(access, "consent", c.pk, case.pk, ["identity"]) for c in page or []])
            return self.get_paginated_response(ConsentSerializer(page, many=True).data)

        def create() -> ConsentRecord:
            payload = ConsentInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return do_record_consent(case, actor=user, **payload.validated_data)

        def refetch(pk: str) -> ConsentRecord:
            consent = records.filter(pk=pk).first()
            if consent is None:
                raise Http404
            record(user, Action.VIEW, [Item.on(access, "consent", consent.pk, case.pk, ["identity"])])
            return consent

        return idempotent_create(
            request,
            resource_type="consent",
            create=create,
            refetch=refetch,
            respond=lambda obj, status: Response(ConsentSerializer(obj).data, status=status),
        )

    @extend_schema(methods=["GET"], responses=PlacementSerializer(many=True))
    @extend_schema(methods=["POST"], request=MoveInputSerializer, responses={201: PlacementSerializer, 204: None})
    @action(detail=True, methods=["get", "post"])
    def placements(self, request: Request, pk: str | None = None) -> Response:
        """Where she has lived since crisis care, newest first: for those who reach her
        whereabouts (404 otherwise), and, beyond the lead agency's case staff, only her
        placements with the lead agency or the reader's own (who else serves her is theirs).
        POST (her lead agency's case staff): she moves to ``agency`` (201, the new placement),
        or, without one, leaves care (204); each move with its reason."""
        from casebridge.restoration.actions import do_move
        from casebridge.restoration.models import Placement

        case, access = self._case()
        if not access.can(Section.WHEREABOUTS):
            raise Http404
        user = acting_user(request)
        if request.method == "POST":
            payload = MoveInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            moved = do_move(case, actor=user, **payload.validated_data)
            if moved is None:
                return Response(status=204)
            record(user, Action.VIEW, [Item.on(access, "placement", moved.pk, case.pk, [Section.WHEREABOUTS])])
            return Response(PlacementSerializer(moved).data, status=201)
        rows = Placement.objects.visible_to(user).filter(case=case).select_related("agency")
        shown = [p for p in rows if access.sees_agency(p.agency_id)]
        page = self.paginate_queryset(cast(Any, shown)) or []
        record(user, Action.LIST, [Item.on(access, "placement", p.pk, case.pk, [Section.WHEREABOUTS]) for p in page])
        return self.get_paginated_response(PlacementSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=TeamMemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=TeamInputSerializer, responses={201: TeamMemberSerializer})
    @action(detail=True, methods=["get", "post"])
    def team(self, request: Request, pk: str | None = None) -> Response:
        case, access = self._case()
        user = acting_user(request)
        if not access.sections:
            raise Http404
        if request.method == "GET":
            members: list[TeamMember] = self.paginate_queryset(visible_team(case, access)) or []  # type: ignore[arg-type]
            record(user, Action.LIST, [Item.on(access, "team_member", m.pk, case.pk) for m in members])
            return self.get_paginated_response(TeamMemberSerializer(members, many=True).data)
        if not access.can_manage:  # before looking anyone up: no answer about who has an account
            raise NotAllowed(_("Only the lead agency's case staff can change the case team."))
        payload = TeamInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        member_user = None
        if data.get("username"):
            member_user = get_user_model().objects.filter(username=data["username"], is_active=True).first()
            if member_user is None:
                raise serializers.ValidationError({"username": [_("No active account has this username.")]})
        member = actions.do_add_team_member(
            case,
            actor=user,
            user=member_user,
            agency=data.get("agency"),
            sections=data["sections"],  # type: ignore[arg-type]
        )
        return Response(TeamMemberSerializer(member).data, status=201)

    @extend_schema(responses=AccessLogSerializer(many=True), parameters=ACCESS_LOG_PARAMETERS)
    @action(detail=True, methods=["get"], url_path="access-log")
    def access_log(self, request: Request, pk: str | None = None) -> Response:
        case, access = self._case()
        if not access.can_see_access_log:
            raise NotAllowed(_("Only the lead agency sees who has looked at a case."))
        events = AuditEvent.objects.visible_to(acting_user(request)).filter(case_id=case.pk)
        form = AccessLogFilterForm(request.query_params, events=events)
        check_filters(request, form)
        page = self.paginate_queryset(form.narrow(events).select_related("agency").order_by("-at", "-id"))
        record(acting_user(request), Action.VIEW, [Item.on(access, "access_log", case.pk, case.pk)])
        return self.get_paginated_response(AccessLogSerializer(page, many=True).data)


def survivor_identity(data: dict[str, Any]) -> dict[str, Any]:
    try:
        return clean_identity(data["survivor"])
    except ValidationError as error:
        raise _identity_errors(error) from None


def known_already(request: Request, user: User, identity: dict[str, Any], data: dict[str, Any]) -> Response | None:
    """Before a survivor is registered through the API (by the cases endpoint or another
    capability's): 409 ``possible_existing_people`` while people the user may see may be her or a
    record may exist elsewhere, until ``different_person`` (or on a retry of the same request).
    Answered, not raised: the checks' audit must stay (an error answer rolls back)."""
    retry = IdempotencyKey.objects.filter(user_id=user.pk, key=request.headers.get("Idempotency-Key", "")).exists()
    if data["different_person"] or retry:
        return None
    found = possible_existing(user, identity)
    if not (found["people"] or found["elsewhere"]):
        return None
    message = _(
        "She may already be known. Check the people found; to register her anyway, say she is a "
        "different person (different_person)."
    )
    return Response({"detail": message, "code": "possible_existing_people", **found}, status=409)


def leading_agency(user: User, data: dict[str, Any]) -> Agency:
    """The agency that leads a case opened through the API: the one given, or the user's only one."""
    agencies = actions.intake_agencies(user)
    agency = data.get("lead_agency") or (agencies[0] if len(agencies) == 1 else None)
    if agency is None:
        raise serializers.ValidationError({"lead_agency": [_("Say which of your agencies leads the case.")]})
    return agency  # type: ignore[no-any-return]


def possible_existing(user: User, identity: dict[str, Any]) -> dict[str, Any]:
    """Possible existing people (audited as a search) and whether a record may exist elsewhere."""
    from casebridge.people.actions import matches_elsewhere
    from casebridge.people.api import hit_rows
    from casebridge.people.search import hit_items, possible_people

    found = possible_people(user, identity)
    if found:
        shown = {hit.person.pk: [c.pk for c in cases] for hit, cases in found}
        record(user, Action.SEARCH, hit_items([hit for hit, _cases in found], shown))
    checked = matches_elsewhere(user, identity)
    return {"people": hit_rows(found), "elsewhere": None if checked is None else bool(checked)}


class _OneObjectSchema(AutoSchema):
    """The list of contact requests is one object (received and sent), not an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class ContactRequestViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Contact requests: those you sent at intake about a record elsewhere (never saying which
    agency or case), and those about people on cases your agency leads (the latest 100)."""

    serializer_class = ContactRequestListSerializer
    pagination_class = None
    schema = _OneObjectSchema()
    lookup_value_regex = UUID_RE

    @extend_schema(responses=ContactRequestListSerializer)
    def list(self, request: Request) -> Response:
        user = acting_user(request)
        received = list(received_requests(user)[:100])
        if received:
            record(user, Action.LIST, [Item("contact_request", str(r.pk), r.case_id) for r in received])
        return Response(ContactRequestListSerializer({"received": received, "sent": sent_requests(user)}).data)

    @extend_schema(request=ContactRequestInputSerializer, responses={201: SentContactRequestSerializer})
    def create(self, request: Request) -> Response:
        """Ask the lead agency of a record that may be hers, elsewhere, to contact you (only where
        ``possible-people`` says ``elsewhere``). Limited per day."""
        user = acting_user(request)
        payload = ContactRequestInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agencies = actions.intake_agencies(user)
        agency = data.get("lead_agency") or (agencies[0] if len(agencies) == 1 else None)
        if agency is None:
            raise serializers.ValidationError({"lead_agency": [_("Say which of your agencies asks.")]})
        try:
            group = actions.do_request_contact(
                actor=user, agency=agency, identity=survivor_identity(data), reason=data["reason"]
            )
        except ActionError as error:
            # Answered, not raised: a refusal past the daily limit is recorded, and must stay.
            return Response({"detail": error.message, "code": error.code}, status=error.status)
        sent = next(g for g in sent_requests(user) if g["id"] == group)
        return Response(SentContactRequestSerializer(sent).data, status=201)

    @extend_schema(request=ContactAnswerInputSerializer, responses=ReceivedContactRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Answer a request about a person on your agency's case (its case staff only)."""
        user = acting_user(request)
        row = received_requests(user).filter(pk=pk).first()
        if row is None:
            raise Http404
        payload = ContactAnswerInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = actions.do_answer_contact(row, actor=user, answer=data["answer"], note=data.get("note", ""))
        return Response(ReceivedContactRequestSerializer(row).data)
