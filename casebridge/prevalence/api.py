"""Prevalence studies in the API: ``/api/v1/prevalence/studies/`` with ``strata/``,
``establishments/``, ``sample/`` (POST draws), ``sample/replace/``, ``visits/`` and ``estimate/``.
Every study is reached through its scope: out of reach answers 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.api.idempotency import create_scoped, schema_header
from casebridge.api.serializers import AgencyCodeField, ModelSerializer, StrictSerializer
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.api import UUID_RE, acting_user
from casebridge.prevalence import actions
from casebridge.prevalence.access import get_study, sees_whole_frame, study_people
from casebridge.prevalence.models import (
    Establishment,
    EstablishmentType,
    Selection,
    SelectionStatus,
    Stratum,
    Study,
    Visit,
)


class StudySerializer(ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    drawn = serializers.BooleanField(source="is_drawn", read_only=True)

    class Meta:
        model = Study
        fields = ["id", "agency", "title", "areas", "starts_on", "ends_on", "method_notes", "seed", "drawn", "drawn_at"]


class StudyInputSerializer(StrictSerializer):
    agency = AgencyCodeField()
    title = serializers.CharField(max_length=200)
    areas = serializers.CharField(max_length=500)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    method_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StratumSerializer(ModelSerializer):
    class Meta:
        model = Stratum
        fields = ["id", "establishment_type", "area", "frame_size", "sample_size"]


class StratumInputSerializer(StrictSerializer):
    establishment_type = serializers.ChoiceField(EstablishmentType.choices)
    area = serializers.CharField(max_length=100)
    frame_size = serializers.IntegerField(min_value=0, max_value=actions.MAX_FRAME)
    sample_size = serializers.IntegerField(min_value=0, max_value=actions.MAX_FRAME)


class EstablishmentSerializer(ModelSerializer):
    stratum = serializers.IntegerField(source="stratum_id", read_only=True)
    name = serializers.CharField(read_only=True)
    location = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Establishment
        fields = ["id", "stratum", "code", "name", "location"]


class EstablishmentInputSerializer(StrictSerializer):
    stratum = serializers.IntegerField()
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SelectionSerializer(ModelSerializer):
    establishment = serializers.UUIDField(source="establishment_id", read_only=True)
    code = serializers.CharField(source="establishment.code", read_only=True)
    stratum = serializers.IntegerField(source="stratum_id", read_only=True)
    replaces = serializers.IntegerField(source="replaces_id", read_only=True, allow_null=True)
    replaced_reason = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Selection
        fields = ["id", "establishment", "code", "stratum", "rank", "status", "replaces", "replaced_reason"]


class DrawInputSerializer(StrictSerializer):
    """Nothing to give: the server chooses the seed (and records it), so nobody can choose a
    seed that leaves out a place they want left out."""


class ReplaceInputSerializer(StrictSerializer):
    selection = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class VisitSerializer(ModelSerializer):
    establishment = serializers.UUIDField(source="establishment_id", read_only=True)
    checks = serializers.UUIDField(source="checks_id", read_only=True, allow_null=True)
    investigator = serializers.CharField(source="investigator.username", read_only=True)
    notes = serializers.CharField(read_only=True, allow_null=True)
    void_reason = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id", "establishment", "kind", "checks", "investigator", "visited_on", "from_time", "to_time",
            "persons", "minors", "under_16", "borderline", "notes", "recorded_at", "voided_at", "void_reason",
        ]  # fmt: skip


class VisitInputSerializer(StrictSerializer):
    establishment = serializers.UUIDField()
    checks = serializers.UUIDField(required=False, allow_null=True, default=None)
    visited_on = serializers.DateField()
    from_time = serializers.TimeField()
    to_time = serializers.TimeField()
    persons = serializers.IntegerField(min_value=0, max_value=actions.MAX_PERSONS)
    minors = serializers.IntegerField(min_value=0, max_value=actions.MAX_PERSONS)
    under_16 = serializers.IntegerField(min_value=0, max_value=actions.MAX_PERSONS)
    borderline = serializers.IntegerField(min_value=0, max_value=actions.MAX_PERSONS, required=False, default=0)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    investigator = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        default=None,
        help_text="The username of who made the visit, when a research lead records it for them.",
    )


class VoidInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500)


_RATIO: dict[str, Any] = {
    "estimate": serializers.FloatField(),
    "se": serializers.FloatField(),
    "ci_low": serializers.FloatField(),
    "ci_high": serializers.FloatField(),
    "deff": serializers.FloatField(allow_null=True),
}
_SHARE: dict[str, Any] = {
    "estimate": serializers.FloatField(),
    "ci_low": serializers.FloatField(),
    "ci_high": serializers.FloatField(),
}


def _ratio(name: str) -> Any:
    return inline_serializer(name, _RATIO, allow_null=True)


EstimateSerializer = inline_serializer(
    "PrevalenceEstimate",
    {
        "minors": _ratio("WeightedMinors"),
        "under_16": _ratio("WeightedUnder16"),
        "borderline": _ratio("WeightedBorderline"),
        "unweighted": inline_serializer("UnweightedMinors", _SHARE, allow_null=True),
        "unweighted_under_16": inline_serializer("UnweightedUnder16", _SHARE, allow_null=True),
        "persons": serializers.IntegerField(),
        "minors_observed": serializers.IntegerField(),
        "under_16_observed": serializers.IntegerField(),
        "borderline_observed": serializers.IntegerField(),
        "establishments": serializers.IntegerField(),
        "agreement": inline_serializer(
            "ObserverAgreement",
            {
                "agreed": serializers.IntegerField(),
                "pairs": serializers.IntegerField(),
                "rate": serializers.FloatField(allow_null=True),
            },
        ),
        "lonely_strata": serializers.ListField(child=serializers.CharField()),
        "strata_not_visited": serializers.ListField(child=serializers.CharField()),
        "message": serializers.CharField(required=False),
        "baseline": inline_serializer(
            "EstimateBaseline",
            {"id": serializers.UUIDField(), "title": serializers.CharField(), "minors": _ratio("BaselineMinors")},
            required=False,
        ),
        "change": inline_serializer(
            "ChangeAgainstBaseline",
            {
                "absolute": serializers.FloatField(),
                "relative": serializers.FloatField(allow_null=True),
                "ci_low": serializers.FloatField(),
                "ci_high": serializers.FloatField(),
                "relative_ci_low": serializers.FloatField(allow_null=True),
                "relative_ci_high": serializers.FloatField(allow_null=True),
            },
            required=False,
            allow_null=True,
        ),
    },
)


class StudyViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Prevalence studies of your agency, if you are one of its programme managers (research
    leads) or investigators. Anything else answers 404."""

    serializer_class = StudySerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self) -> Any:
        return Study.objects.visible_to(acting_user(self.request)).select_related("agency")

    def _study(self) -> Study:
        try:
            return get_study(acting_user(self.request), UUID(str(self.kwargs["pk"])))
        except ValueError:
            raise Http404 from None

    def _page(self, rows: QuerySet[Any], study: Study, kind: str, serializer: type[Any]) -> Response:
        user = acting_user(self.request)
        page = list(self.paginate_queryset(rows) or [])
        record(user, Action.LIST, [actions.item(user, study, kind, r.pk) for r in page])
        return self.get_paginated_response(serializer(page, many=True).data)

    def _create(
        self, study: Study, kind: str, make: Callable[[], Model], rows: QuerySet[Any], out: type[Any]
    ) -> Response:
        user = acting_user(self.request)
        return create_scoped(
            self.request,
            resource_type=kind,
            create=make,
            rows=rows,
            seen=lambda found: record(user, Action.VIEW, [actions.item(user, study, kind, found.pk)]),
            serializer=out,
        )

    def list(self, request: Request) -> Response:
        user = acting_user(request)
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        record(user, Action.LIST, [actions.item(user, s, "prevalence_study", s.pk) for s in page])
        return self.get_paginated_response(StudySerializer(page, many=True).data)

    @extend_schema(request=StudyInputSerializer, responses={201: StudySerializer}, parameters=[schema_header()])
    def create(self, request: Request) -> Response:
        user = acting_user(request)

        def make() -> Study:
            payload = StudyInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_create_study(actor=user, **payload.validated_data)

        return create_scoped(
            request,
            resource_type="prevalence_study",
            create=make,
            rows=self.get_queryset(),
            seen=lambda study: record(user, Action.VIEW, [actions.item(user, study, "prevalence_study", study.pk)]),
            serializer=StudySerializer,
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        study = self._study()
        user = acting_user(request)
        record(user, Action.VIEW, [actions.item(user, study, "prevalence_study", study.pk)])
        return Response(StudySerializer(study).data)

    @extend_schema(methods=["GET"], responses=StratumSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=StratumInputSerializer,
        responses={201: StratumSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def strata(self, request: Request, pk: str | None = None) -> Response:
        study = self._study()
        rows = Stratum.objects.visible_to(acting_user(request)).filter(study=study)
        if request.method == "GET":
            return self._page(rows, study, "prevalence_stratum", StratumSerializer)

        def make() -> Stratum:
            payload = StratumInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            return actions.do_add_stratum(study, actor=acting_user(request), **payload.validated_data)

        return self._create(study, "prevalence_stratum", make, rows, StratumSerializer)

    @extend_schema(methods=["GET"], responses=EstablishmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=EstablishmentInputSerializer,
        responses={201: EstablishmentSerializer},
        parameters=[schema_header()],
    )
    @action(detail=True, methods=["get", "post"])
    def establishments(self, request: Request, pk: str | None = None) -> Response:
        study = self._study()
        user = acting_user(request)
        rows = Establishment.objects.visible_to(user).filter(study=study)
        if request.method == "GET":
            # Investigators see the names of the places they are to visit, not the whole frame.
            shown = rows if sees_whole_frame(user, study) else rows.filter(selection__status=SelectionStatus.SELECTED)
            return self._page(shown, study, "prevalence_establishment", EstablishmentSerializer)

        def make() -> Establishment:
            payload = EstablishmentInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            stratum = Stratum.objects.visible_to(user).filter(study=study, pk=data.pop("stratum")).first()
            if stratum is None:
                raise serializers.ValidationError({"stratum": [_("Choose one of this study's strata.")]})
            return actions.do_add_establishment(study, actor=user, stratum=stratum, **data)

        return self._create(study, "prevalence_establishment", make, rows, EstablishmentSerializer)

    @extend_schema(methods=["GET"], responses=SelectionSerializer(many=True))
    @extend_schema(methods=["POST"], request=DrawInputSerializer, responses={201: SelectionSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def sample(self, request: Request, pk: str | None = None) -> Response:
        """GET: the drawn order of every stratum (sample, reserves, replacements). POST: draw it,
        with a seed of your own or a random one; the study's design is fixed from then on."""
        study = self._study()
        user = acting_user(request)
        rows = Selection.objects.visible_to(user).filter(study=study).select_related("establishment")
        if request.method == "GET":
            return self._page(rows, study, "prevalence_selection", SelectionSerializer)
        payload = DrawInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actions.do_draw_sample(study, actor=user)
        drawn = list(rows.order_by("stratum", "rank"))
        return Response(SelectionSerializer(drawn, many=True).data, status=201)

    @extend_schema(request=ReplaceInputSerializer, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="sample/replace")
    def replace(self, request: Request, pk: str | None = None) -> Response:
        """Replace an establishment of the sample that cannot be visited by its stratum's next
        reserve; answers the reserve now in the sample."""
        study = self._study()
        user = acting_user(request)
        payload = ReplaceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        selection = (
            Selection.objects.visible_to(user).filter(study=study, pk=payload.validated_data["selection"]).first()
        )
        if selection is None:
            raise serializers.ValidationError({"selection": [_("Choose an establishment of this study's sample.")]})
        reserve = actions.do_replace(selection, actor=user, reason=payload.validated_data["reason"])
        return Response(SelectionSerializer(reserve).data)

    @extend_schema(methods=["GET"], responses=VisitSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=VisitInputSerializer, responses={201: VisitSerializer}, parameters=[schema_header()]
    )
    @action(detail=True, methods=["get", "post"])
    def visits(self, request: Request, pk: str | None = None) -> Response:
        study = self._study()
        user = acting_user(request)
        rows = Visit.objects.visible_to(user).filter(study=study).select_related("investigator")
        if request.method == "GET":
            return self._page(rows, study, "prevalence_visit", VisitSerializer)

        def make() -> Visit:
            payload = VisitInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            establishment = (
                Establishment.objects.visible_to(user).filter(study=study, pk=data.pop("establishment")).first()
            )
            if establishment is None:
                raise serializers.ValidationError(
                    {"establishment": [_("Choose an establishment in this study's sample.")]}
                )
            checks = data.pop("checks")
            observer = None
            username = data.pop("investigator")
            if username is not None:
                observer = study_people(study).filter(username=username).first()
                if observer is None:
                    raise serializers.ValidationError(
                        {"investigator": [_("Choose one of the study's investigators or research leads.")]}
                    )
            checked = None
            if checks is not None:
                checked = Visit.objects.visible_to(user).filter(study=study, pk=checks).first()
                if checked is None:
                    raise serializers.ValidationError(
                        {"checks": [_("An audit visit checks a visit to the same establishment.")]}
                    )
            return actions.do_record_visit(
                study, actor=user, establishment=establishment, checks=checked, investigator=observer, **data
            )

        return self._create(study, "prevalence_visit", make, rows, VisitSerializer)

    @extend_schema(request=VoidInputSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path=r"visits/(?P<visit_id>[0-9a-fA-F-]{32,36})/void")
    def void(self, request: Request, pk: str | None = None, visit_id: str | None = None) -> Response:
        """Take a visit (and its audit visits) out of the estimate, with the reason."""
        study = self._study()
        user = acting_user(request)
        try:
            visit = Visit.objects.visible_to(user).filter(study=study, pk=UUID(str(visit_id))).first()
        except ValueError:
            visit = None
        if visit is None:
            raise Http404
        payload = VoidInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(VisitSerializer(actions.do_void_visit(visit, actor=user, **payload.validated_data)).data)

    @extend_schema(
        parameters=[OpenApiParameter("baseline", str, description="Another study's id: adds the change against it.")],
        responses=EstimateSerializer,
    )
    @action(detail=True, methods=["get"])
    def estimate(self, request: Request, pk: str | None = None) -> Response:
        """The weighted share of minors (and of 15-and-under, and of borderline minors) with its
        standard error, 95% interval and design effect; the unweighted share with a Wilson
        interval; with ``?baseline=<id>``, the change against that study."""
        study = self._study()
        user = acting_user(request)
        baseline = None
        wanted = request.query_params.get("baseline")
        if wanted is not None:
            try:
                baseline = Study.objects.visible_to(user).exclude(pk=study.pk).filter(pk=UUID(wanted)).first()
            except ValueError:
                baseline = None
            if baseline is None:
                raise serializers.ValidationError(
                    {"baseline": [_("Choose a baseline among the other studies you can see.")]}
                )
        result = actions.read_estimate(study, actor=user, baseline=baseline)
        if result["minors"] is None:
            result["message"] = _("No estimate yet: nobody has been observed in a visit.")
        return Response(result)
