"""Page numbers: a page that is not a whole number from 1 is bad input (400), as the schema says;
a page past the last one is not found (404)."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import pagination, serializers
from rest_framework.request import Request

_PAGE = re.compile(r"[1-9][0-9]{0,8}", re.ASCII)


class PageNumberPagination(pagination.PageNumberPagination):
    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Paginator) -> Any:
        page = request.query_params.get(self.page_query_param)
        if page is None:
            return 1
        if not _PAGE.fullmatch(page):
            raise serializers.ValidationError({self.page_query_param: [_("Give the page as a whole number from 1.")]})
        return int(page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
        return parameters
