from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 2) -> str:
    """A share as a percentage in the reader's number format; a dash when there is none."""
    if value is None:
        return "—"
    return f"{number_format(round(value * 100, digits), decimal_pos=digits)}%"  # rounded: number_format cuts
