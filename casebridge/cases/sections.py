"""The sections a case's content belongs to, stored as a bit mask on grants. New sections are
added at the end: a section's bit is its position, and stored masks must keep their meaning."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CRISIS_CARE = "crisis_care", _("Crisis care")
    CARE_PLAN = "care_plan", _("Care plan")
    MEDICAL = "medical", _("Medical")
    COUNSELLING = "counselling", _("Counselling")
    LEGAL = "legal", _("Legal")
    INVESTIGATION = "investigation", _("Investigation link")
    # Where the survivor is: current placement, shelter, address, contact arrangements.
    WHEREABOUTS = "whereabouts", _("Whereabouts")


_ORDER = list(Section)
BIT = {section: 1 << index for index, section in enumerate(_ORDER)}
ALL = frozenset(Section)
ALL_MASK = sum(BIT.values())


def to_mask(sections: Iterable[str]) -> int:
    mask = 0
    for name in sections:
        mask |= BIT[Section(name)]
    return mask


def from_mask(mask: int) -> frozenset[Section]:
    return frozenset(section for section in _ORDER if mask & BIT[section])


def ordered(sections: Iterable[str]) -> list[Section]:
    wanted = set(sections)
    return [section for section in _ORDER if section in wanted]
