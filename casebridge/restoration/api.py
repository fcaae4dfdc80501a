"""The partner directory in the API: ``/api/v1/partners/``, filtered by ``service``,
``language`` and ``province``; with ``case`` (a case whose survivor's identity you reach), the
partners that fit her best first, with the reasons. Other cases answer 404."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.agencies.models import DIRECTORY_FIELDS, Agency, Service
from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import ModelSerializer, StrictSerializer
from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.cases.access import case_access, case_accesses
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.cases.models import Case
from casebridge.cases.sections import Section
from casebridge.restoration import actions, directory
from casebridge.restoration.actions import shared_sections
from casebridge.restoration.models import Referral, ReferralState


class PartnerSerializer(ModelSerializer):
    occupancy = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    fits = serializers.SerializerMethodField()
    misfits = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "name_km",
            "name_vi",
            "org_type",
            "province",
            *DIRECTORY_FIELDS,
            "occupancy",
            "score",
            "fits",
            "misfits",
        ]

    def _fit(self, agency: Agency) -> directory.Fit:
        return self.context["fits"][agency.pk]

    def get_occupancy(self, agency: Agency) -> int:
        return self._fit(agency).occupancy

    def get_score(self, agency: Agency) -> int | None:
        return self._fit(agency).score if self.context.get("matched") else None

    def get_fits(self, agency: Agency) -> list[str]:
        return self._fit(agency).fits

    def get_misfits(self, agency: Agency) -> list[str]:
        return self._fit(agency).misfits


def survivor_facts(user: Any, **lookup: object) -> tuple[Any, list[str]] | None:
    """The case found by ``lookup`` among those whose survivor's identity the user reaches, and
    the languages she speaks, the read audited; None when there is none."""
    from casebridge.audit.log import Item, record
    from casebridge.audit.models import Action
    from casebridge.cases.access import case_access
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section

    case = Case.objects.visible_to(user, Section.IDENTITY).filter(**lookup).select_related("survivor").first()
    if case is None:
        return None
    access = case_access(user, case)
    record(user, Action.VIEW, [Item.on(access, "case", case.pk, case.pk, [Section.IDENTITY])], reason="partner match")
    return case, list(case.survivor.languages or [])


class PartnerViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The partners that serve survivors: services, whom they take, places and how many are
    taken now. With ``case``, ranked for her survivor, with the reasons."""

    serializer_class = PartnerSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return Agency.objects.none()  # the directory is computed (directory.partners)

    @extend_schema(
        parameters=[
            OpenApiParameter("service", enum=Service.values, description="A service it offers."),
            OpenApiParameter("language", description="A language its staff speak (ISO 639-3)."),
            OpenApiParameter("province", description="Its province (ISO 3166-2:KH)."),
            OpenApiParameter("case", type=UUID, description="Rank for this case's survivor (with the reasons)."),
        ]
    )
    def list(self, request: Request) -> Response:
        from casebridge.cases.access import can_hold_content

        if not can_hold_content(acting_user(request)):
            raise Http404
        params = request.query_params
        service = params.get("service", "")
        if service and service not in Service.values:
            raise serializers.ValidationError({"service": [_("Unknown service.")]})
        found = directory.partners(
            service=service, language=params.get("language", ""), province=params.get("province", "")
        )
        if "case" in params:
            try:
                UUID(params["case"])
            except ValueError:
                raise serializers.ValidationError({"case": [_("Enter a valid case id.")]}) from None
            facts = survivor_facts(acting_user(request), pk=params["case"])
            if facts is None:
                raise Http404
            case, languages = facts
            fits = directory.match(case, languages, found, service=service)
        else:
            taken = directory.occupancy(found)
            fits = [directory.Fit(agency, taken.get(agency.pk, 0)) for agency in found]
        context = {"fits": {fit.agency.pk: fit for fit in fits}, "matched": "case" in params}
        page: list[Agency] = self.paginate_queryset(cast(Any, [fit.agency for fit in fits])) or []
        return self.get_paginated_response(PartnerSerializer(page, many=True, context=context).data)


class ReferralSerializer(ModelSerializer):
    """A referral as its reader may see it: the agency that sent it where the reader may learn
    it, the sections shared, and its history."""

    case = serializers.UUIDField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    from_agency = serializers.SerializerMethodField()
    to_agency = serializers.CharField(source="to_agency.code", read_only=True)
    sections = serializers.SerializerMethodField()
    note = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True, allow_null=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_number",
            "from_agency",
            "to_agency",
            "services",
            "sections",
            "note",
            "state",
            "reason",
            "answer_by",
            "steps",
            "created_at",
        ]

    def get_from_agency(self, referral: Referral) -> str:
        return str(referral.from_agency.code)

    def get_sections(self, referral: Referral) -> list[str]:
        return [str(s) for s in shared_sections(referral)]

    @extend_schema_field(
        inline_serializer(
            "ReferralStep",
            {
                "state": serializers.ChoiceField(ReferralState.choices),
                "at": serializers.DateTimeField(),
                "by": serializers.CharField(allow_null=True),
            },
            many=True,
        )
    )
    def get_steps(self, referral: Referral) -> list[dict[str, Any]]:
        return [
            {"state": step.state, "at": step.at.isoformat(), "by": step.by.username if step.by else None}
            for step in referral.steps.all()
        ]


class ReferralInputSerializer(StrictSerializer):
    case = serializers.UUIDField()
    to_agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.filter(is_active=True))
    services = serializers.ListField(child=serializers.ChoiceField(Service.choices), min_length=1)
    sections = serializers.ListField(child=serializers.ChoiceField(Section.choices), min_length=1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReferralViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Referrals your agency made, and those made to it while they are open. Out of reach: 404."""

    serializer_class = ReferralSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        return (
            Referral.objects.visible_to(acting_user(self.request))
            .select_related("case", "from_agency", "to_agency")
            .prefetch_related("steps__by")
        )

    def _seen(self, referral: Referral, action: str = Action.VIEW) -> None:
        user = acting_user(self.request)
        record(user, action, [Item.on(case_access(user, referral.case), "referral", referral.pk, referral.case_id)])

    def _get(self, pk: object) -> Referral:
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def list(self, request: Request) -> Response:
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        user = acting_user(request)
        accesses = case_accesses(user, [r.case for r in page])
        record(user, Action.LIST, [Item.on(accesses[r.case_id], "referral", r.pk, r.case_id) for r in page])
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        referral = self._get(pk)
        self._seen(referral)
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        """A draft: to which partner (its code), for which services, with which sections."""
        user = acting_user(request)

        def make() -> Referral:
            payload = ReferralInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            case = Case.objects.visible_to(user).filter(pk=data.pop("case")).first()
            if case is None:
                raise Http404
            return actions.do_create_referral(case, actor=user, **data)

        return create_scoped(
            request,
            resource_type="referral",
            create=make,
            rows=self.get_queryset(),
            seen=self._seen,
            serializer=ReferralSerializer,
        )

    def _act(self, pk: str | None, move: Any, payload: Any = None) -> Response:
        referral = self._get(pk)
        data = {}
        if payload is not None:
            checked = payload(data=self.request.data)
            checked.is_valid(raise_exception=True)
            data = dict(checked.validated_data)
        moved = move(referral, actor=acting_user(self.request), **data)
        # After an ending the partner no longer reaches it: answer with what was done.
        return Response(ReferralSerializer(moved).data)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """Send it (her consent to share with the partner in force): the partner reaches the
        sections shared until the referral ends."""
        return self._act(pk, actions.do_send)

    @extend_schema(request=NoteSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The partner accepts (beyond its places, with a note saying why)."""
        return self._act(pk, actions.do_accept, NoteSerializer)

    @extend_schema(request=ReasonSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """The partner declines, with the reason; its grant ends."""
        return self._act(pk, actions.do_decline, ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """The lead agency withdraws it; the partner's grant ends."""
        return self._act(pk, actions.do_revoke, ReasonSerializer)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """The services were given; the partner's grant ends."""
        return self._act(pk, actions.do_complete)
