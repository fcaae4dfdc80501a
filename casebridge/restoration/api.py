"""The partner directory in the API: ``/api/v1/partners/``, filtered by ``service``,
``language`` and ``province``; with ``case`` (a case whose survivor's identity you reach), the
partners that fit her best first, with the reasons. Other cases answer 404."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.agencies.models import Agency, Service
from casebridge.api.serializers import ModelSerializer
from casebridge.cases.api import acting_user
from casebridge.restoration import directory


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
            "services",
            "staff_languages",
            "min_age",
            "max_age",
            "sexes",
            "nationalities",
            "special_needs",
            "capacity",
            "occupancy",
            "phone",
            "email",
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


def survivor_facts(user: Any, case_id: object) -> tuple[Any, list[str]]:
    """The case (reached with its identity section) and the languages its survivor speaks, the
    read audited; 404 otherwise."""
    from casebridge.audit.log import Item, record
    from casebridge.audit.models import Action
    from casebridge.cases.access import case_access
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section

    try:
        key = UUID(str(case_id))
    except ValueError:
        raise Http404 from None
    case = Case.objects.visible_to(user, Section.IDENTITY).filter(pk=key).select_related("survivor").first()
    if case is None:
        raise Http404
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
            case, languages = survivor_facts(acting_user(request), params["case"])
            fits = directory.match(case, languages, found, service=service)
        else:
            taken = directory.occupancy(found)
            fits = [directory.Fit(agency, taken.get(agency.pk, 0)) for agency in found]
        context = {"fits": {fit.agency.pk: fit for fit in fits}, "matched": "case" in params}
        page: list[Agency] = self.paginate_queryset(cast(Any, [fit.agency for fit in fits])) or []
        return self.get_paginated_response(PartnerSerializer(page, many=True, context=context).data)
