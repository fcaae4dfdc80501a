from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from casebridge.accounts.models import User
from casebridge.api.serializers import ModelSerializer, StrictSerializer, check_filters, day
from casebridge.audit.log import record
from casebridge.audit.models import Action
from casebridge.cases.forms import LIST_PARAMETERS, CaseFilterForm
from casebridge.people.models import AgeMethod, Gender, Person
from casebridge.people.search import MAX_QUERY, SEARCH_FILTERS, hit_items, query_problem, search_with_cases


def acting_user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class PersonSerializer(ModelSerializer):
    """A person's identity, shown only to those who reach the identity section; the address and
    phone (how to find or reach her) only to those who also reach the whereabouts section
    (``context["whereabouts"]``), else null."""

    display_name = serializers.CharField()
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    aliases = serializers.ListField(child=serializers.CharField(), allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    nationalities = serializers.ListField(child=serializers.CharField(), allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id", "kind", "display_name", "given_name", "family_name", "given_name_latin", "family_name_latin",
            "aliases", "birth_date", "estimated_age", "age_method", "gender", "nationalities", "languages",
            "phone", "address",
        ]  # fmt: skip

    def get_address(self, person: Person) -> str | None:
        return person.address if self.context.get("whereabouts") else None

    def get_phone(self, person: Person) -> str | None:
        return person.phone if self.context.get("whereabouts") else None

    def to_representation(self, person: Person) -> dict[str, Any]:
        # What DRF would write (a test holds the two equal), without its per-field machinery:
        # a survivor is written on every row of a case list.
        def texts(values: list[str] | None) -> list[str] | None:
            return None if values is None else [str(v) for v in values]

        return {
            "id": str(person.pk),
            "kind": person.kind,
            "display_name": person.display_name(),
            "given_name": person.given_name,
            "family_name": person.family_name,
            "given_name_latin": person.given_name_latin,
            "family_name_latin": person.family_name_latin,
            "aliases": texts(person.aliases),
            "birth_date": day(person.birth_date),
            "estimated_age": person.estimated_age,
            "age_method": person.age_method,
            "gender": person.gender,
            "nationalities": texts(person.nationalities),
            "languages": texts(person.languages),
            "phone": self.get_phone(person),
            "address": self.get_address(person),
        }


class IdentityInputSerializer(StrictSerializer):
    # Not trimmed here: clean_identity strips, and a length checked after trimming would let
    # through more than the documented maximum.
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100, trim_whitespace=False)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100, trim_whitespace=False)
    given_name_latin = serializers.CharField(required=False, allow_blank=True, max_length=100, trim_whitespace=False)
    family_name_latin = serializers.CharField(required=False, allow_blank=True, max_length=100, trim_whitespace=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=100, trim_whitespace=False), required=False, max_length=10
    )
    birth_date = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    age_method = serializers.ChoiceField(AgeMethod.choices, required=False, allow_blank=True)
    gender = serializers.ChoiceField(Gender.choices, required=False, allow_blank=True)
    nationalities = serializers.ListField(child=serializers.CharField(max_length=2), required=False, max_length=10)
    languages = serializers.ListField(child=serializers.CharField(max_length=3), required=False, max_length=10)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, trim_whitespace=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500, trim_whitespace=False)


class SearchHitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    display_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField(help_text="survivor, family (guardian or relative) or witness.")
    age = serializers.IntegerField(allow_null=True, help_text="Today, from the birth date or the dated estimate.")
    sex = serializers.CharField(help_text="HTCDS prs_Gender, or empty.")
    score = serializers.FloatField()
    cases = serializers.ListField(child=serializers.UUIDField())


@extend_schema_serializer(many=False)  # one object holding the hits, though the action is "list"
class SearchResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = SearchHitSerializer(many=True)


class PeopleViewSet(viewsets.ViewSet):
    """Search people by name in Khmer, Vietnamese or Latin script."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": MAX_QUERY},
                required=True,
                description="A name, any script, or a case number (JPC-2026-000123).",
            ),
            *[p for p in LIST_PARAMETERS if p.name in SEARCH_FILTERS],
        ],
        responses=SearchResultsSerializer,
    )
    def list(self, request: Request) -> Response:
        raw = request.query_params.get("q", "")
        query = raw.strip()
        if not query:
            return Response(
                {"detail": _("Give a name to search for in the q parameter."), "code": "invalid"}, status=400
            )
        problem = query_problem(raw)
        if problem:
            return Response({"detail": problem, "code": "invalid", "errors": {"q": [problem]}}, status=400)
        form = CaseFilterForm(request.query_params, user=acting_user(request))
        check_filters(request, form)
        results = search_with_cases(acting_user(request), query, form.filters())
        cases = {hit.person.pk: [c.pk for c in found] for hit, found in results}
        record(acting_user(request), Action.SEARCH, hit_items([hit for hit, _found in results], cases))
        return Response({"results": hit_rows(results)})


def hit_rows(results: list[tuple[Any, list[Any]]]) -> Any:
    """Search hits with their cases, as the API writes them (``SearchHitSerializer``)."""
    data = [
        {
            "id": h.person.pk,
            "display_name": h.person.display_name(),
            "aliases": h.person.aliases or [],
            "kind": h.person.kind,
            "age": h.person.age_now(),
            "sex": h.person.gender or "",
            "score": round(h.score, 1),
            "cases": [c.pk for c in found],
        }
        for h, found in results
    ]
    return SearchHitSerializer(data, many=True).data
