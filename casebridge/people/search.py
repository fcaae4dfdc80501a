"""Name search over encrypted identities: blind-index tokens find candidates, decryption and
rapidfuzz re-rank them. Only people the user may see are ever candidates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from rapidfuzz import fuzz

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
    hits = []
    for person in visible.filter(pk__in=candidates):
        score = max(
            (fuzz.token_set_ratio(wanted, normalise(name)) for name in person.name_variants()),
            default=0.0,
        )
        if score >= MIN_SCORE:
            hits.append(Hit(person, score))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
