"""Shared serializer pieces."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


def _json_type_error(field: serializers.Field, value: Any) -> Any:  # type: ignore[type-arg]
    """The field's own error when a JSON value is not of the type the schema gives the field.
    DRF would turn 5 into "5" for a text field, "5" into 5 for a number or an agency, and "yes"
    into true; form data (all text) is left to DRF, which reads it as before."""
    if value is None:
        return None  # null is the field's own business (allow_null)
    if isinstance(field, serializers.ListField):
        for item in value if isinstance(value, list) else ():  # ListField refuses a non-list itself
            error = _json_type_error(field.child, item)
            if error is not None:
                return error
        return None
    if isinstance(field, serializers.DictField):
        for item in value.values() if isinstance(value, dict) else ():
            error = _json_type_error(field.child, item)
            if error is not None:
                return error
        return None
    if isinstance(field, serializers.BooleanField):
        valid, key = isinstance(value, bool), "invalid"
    elif isinstance(field, serializers.IntegerField):
        valid, key = isinstance(value, int) and not isinstance(value, bool), "invalid"
    elif isinstance(field, serializers.PrimaryKeyRelatedField):
        valid, key = isinstance(value, int) and not isinstance(value, bool), "incorrect_type"
    elif isinstance(field, serializers.CharField):
        valid, key = isinstance(value, str), "invalid"
    else:
        return None
    if valid:
        return None
    try:
        field.fail(key, data_type=type(value).__name__)
    except serializers.ValidationError as error:
        return error.detail
    return None  # pragma: no cover - fail() always raises


class ModelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """DRF's ModelSerializer, working out its fields from the model once per class instead of
    once per instance: a page of 25 cases makes a serializer for each case's survivor and team,
    and the model introspection cost more than the rest of the request. Each instance gets fresh
    copies of the fields, as DRF gives it of declared fields."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        template = cls.__dict__.get("_fields_once")
        if template is None:
            template = super().get_fields()
            cls._fields_once = template  # type: ignore[attr-defined]
        return copy.deepcopy(template)


_WHEN = serializers.DateTimeField()


def when(value: Any, zone: Any = None) -> str | None:
    """A datetime as DRF writes it (in the current time zone, ISO 8601). ``zone``: that time zone,
    from a caller that writes many (looking it up costs more than the rest)."""
    if value is None:
        return None
    if (
        zone is None
        or getattr(value, "tzinfo", None) is None
        or api_settings.DATETIME_FORMAT != ISO_8601
        or not settings.USE_TZ
    ):
        return _WHEN.to_representation(value)
    text: str = value.astimezone(zone).isoformat()  # as DRF's enforce_timezone and to_representation
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


class StrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Refuses fields it does not know instead of ignoring them silently, and, in JSON, a value
    of another type than the field's (5 for a text, "5" for a number) instead of converting it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            errors = {}
            for name, value in data.items():
                error = _json_type_error(self.fields[name], value)
                if error is not None:
                    errors[name] = error
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializerSchema(OpenApiSerializerExtension):  # type: ignore[misc]
    """The schema says what StrictSerializer does: no properties but the listed ones."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


def check_filters(request: Any, form: Any) -> None:
    """A list's filters (a form of ``request.query_params``) as the API takes them: a bad value,
    or a parameter given empty, is a 400 that names it."""
    blank = {
        name: [_("Give a value, or leave the parameter out.")]
        for name in form.base_fields
        if request.query_params.get(name, None) == ""
    }
    if blank or not form.is_valid():
        errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        raise serializers.ValidationError({**errors, **blank})


class AgencyCodeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """An active agency given by its code. A value no code can be (a NUL, which PostgreSQL
    refuses in a query, or anything too long) is refused as an unknown code, before any query."""

    def __init__(self, **kwargs: Any) -> None:
        from casebridge.agencies.models import Agency

        super().__init__(slug_field="code", queryset=Agency.objects.filter(is_active=True), **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        from casebridge.agencies.models import Agency

        longest = Agency._meta.get_field("code").max_length or 0
        if not isinstance(data, str) or "\x00" in data or not 0 < len(data) <= longest:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:longest])
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """DRF's, refusing as invalid a moment it cannot place in time (year 1 without a time zone
    overflows when the deployment's is applied) instead of failing with a server error."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            return super().to_internal_value(value)
        except (OverflowError, ValueError):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
