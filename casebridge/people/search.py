"""Name search over encrypted identities: blind-index tokens find candidates, decryption and
rapidfuzz re-rank them. Only people the user may see are ever candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from rapidfuzz import fuzz

from casebridge.audit.log import Item
from casebridge.lib.crypto import blind_index
from casebridge.lib.text import normalise, search_keys
from casebridge.people.models import NameToken, Person

if TYPE_CHECKING:
    from casebridge.accounts.models import User

CANDIDATES = 200
MIN_SCORE = 60.0
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    person: Person
    score: float


def search_people(user: User, query: str, limit: int = 20) -> list[Hit]:
    """People the user may see whose names match ``query`` in any script, best first."""
    wanted = normalise(query[:MAX_QUERY])
    if len(wanted.replace(" ", "")) < 2:
        return []
    tokens = {blind_index(kind, key) for kind, key in search_keys(query[:MAX_QUERY])}
    visible = Person.objects.visible_to(user)
    candidates = list(
        NameToken.objects.visible_to(user)
        .filter(token__in=tokens)
        .values("person_id")
        .annotate(hits=Count("id"))
        .order_by("-hits")
        .values_list("person_id", flat=True)[:CANDIDATES]
    )
    ranked = []
    for person in visible.filter(pk__in=candidates):
        names = [normalise(name) for name in person.name_variants()]
        # token_set_ratio lets "Sokha" match "Chan Sokha" fully; the plain ratio then puts the
        # person called exactly "Sokha" first.
        score = max((fuzz.token_set_ratio(wanted, name) for name in names), default=0.0)
        closeness = max((fuzz.ratio(wanted, name) for name in names), default=0.0)
        if score >= MIN_SCORE:
            ranked.append((score, closeness, Hit(person, score)))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    return [hit for _, _, hit in ranked[:limit]]


def hit_items(hits: list[Hit], cases_by_person: dict[Any, list[Any]]) -> list[Item]:
    """Audit items for search hits: one per hit and case shown, so each hit appears in that
    case's "who has looked" list; a person with no case shown gets one item of their own."""
    items = []
    for hit in hits:
        case_ids = cases_by_person.get(hit.person.pk) or [None]
        items += [Item("person", str(hit.person.pk), case_id, ["identity"]) for case_id in case_ids]
    return items


SHOWN = 20
# A case number as the cases are numbered: agency code, year, sequence (JPC-2026-000123).
CASE_NUMBER = re.compile(r"[A-Za-z][A-Za-z0-9]{1,7}-\d{4}-\d{6}")
# The filters a search offers: the cases list's that fit people found by name.
SEARCH_FILTERS = ("status", "province", "age_band", "sex")


def search_with_cases(user: User, query: str, filters: Any = None) -> list[tuple[Hit, list[Any]]]:
    """The people matching ``query`` with the cases of theirs the user reaches with the identity
    section, best first. With ``filters`` (``cases.access.CaseFilters``) only people with a
    matching case are kept, and only those cases shown."""
    from casebridge.cases.models import Case, CaseParticipant
    from casebridge.cases.sections import Section

    narrowed = filters is not None and filters != type(filters)()
    if CASE_NUMBER.fullmatch(query.strip()):
        # A case number finds its case (the survivor's identity is shown: the section is needed).
        numbered = Case.objects.visible_to(user, Section.IDENTITY).select_related("survivor")
        if narrowed:
            numbered = numbered.filter(filters.as_q())
        case = numbered.filter(number=query.strip().upper()).first()
        return [(Hit(case.survivor, 100.0), [case])] if case is not None else []
    hits = search_people(user, query, limit=CANDIDATES if narrowed else SHOWN)
    found_ids = [h.person.pk for h in hits]
    cases = Case.objects.visible_to(user, Section.IDENTITY)
    if narrowed:
        cases = cases.filter(filters.as_q())
    # A survivor's cases, and the cases a guardian, relative or witness is part of (found by
    # their name, the child's case is what was found: it is recorded against that case).
    linked = cases.filter(Q(survivor_id__in=found_ids) | Q(participants__person_id__in=found_ids)).distinct()
    by_case = {c.pk: c for c in linked.order_by("-opened_on", "-created_at")}
    by_person: dict[Any, list[Any]] = {}
    for case in by_case.values():
        by_person.setdefault(case.survivor_id, []).append(case)
    for case_id, person_id in CaseParticipant.objects.filter(
        case_id__in=list(by_case), person_id__in=found_ids
    ).values_list("case_id", "person_id"):
        by_person.setdefault(person_id, []).append(by_case[case_id])
    found = [(hit, by_person.get(hit.person.pk, [])) for hit in hits]
    return [(hit, shown) for hit, shown in found if shown or not narrowed][:SHOWN]
