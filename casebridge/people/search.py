"""Name search over encrypted identities: blind-index tokens find candidates, decryption and
rapidfuzz re-rank them. Only people the user may see are ever candidates."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy
from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from casebridge.audit.log import Item
from casebridge.lib.text import as_written, name_forms, normalise_phone, query_clauses, words_key
from casebridge.people.index import Query, phone_word, user_ways
from casebridge.people.models import Person, found_by_words
from casebridge.people.romanisation import cached

if TYPE_CHECKING:
    from casebridge.accounts.models import User

CANDIDATES = 100
ENOUGH = 5
MIN_SCORE = 60.0
MAX_QUERY = 200
# An alias or nickname is weaker evidence than a name; each word left out of a comparison (a
# missing middle name, a family name not given) costs a little.
ALIAS_WEIGHT = 0.95
LEFT_OUT = 0.96
# Names with the same spelling key score from KEY_EQUAL up; otherwise how alike the keys are
# counts KEY_SHARE against the letters as written.
KEY_EQUAL = 90.0
KEY_SHARE = 0.6
# Candidates re-ranked in full after a first, vectorised pass.
SHORTLIST = 50


@dataclass(frozen=True)
class Hit:
    person: Person
    score: float


@dataclass(frozen=True)
class _Form:
    words: tuple[str, ...]
    written: str
    weight: float


def _person_forms(person: Person) -> list[_Form]:
    """A person's names as comparable forms: family and given name either way round, in their
    own script and in Latin letters (Khmer romanised several ways), then each alias."""
    names = [(n, 1.0) for n in person.name_variants() if n not in (person.aliases or [])]
    names += [(alias, ALIAS_WEIGHT) for alias in person.aliases or [] if alias]
    return [_Form(words, as_written(name), weight) for name, weight in names for words in name_forms(name, cached)]


def _similarity(query: tuple[str, ...], form: tuple[str, ...]) -> float:
    """How alike two word sequences are, 0-100, in this order. The same spelling key (Sreypov /
    Sreypeou, Kunthea / Kanthea) scores at least KEY_EQUAL, closer letters higher; otherwise the
    letters as written (or with the spaces dropped: Srey Pov / Sreypov), helped by how alike the
    keys are, scaled to stay below the same key."""
    plain = max(fuzz.ratio(" ".join(query), " ".join(form)), fuzz.ratio("".join(query), "".join(form)))
    query_key, form_key = words_key(query), words_key(form)
    if query_key == form_key:
        return KEY_EQUAL + (100 - KEY_EQUAL) * plain / 100
    key = fuzz.ratio(query_key, form_key)
    # Scaled below KEY_EQUAL rather than cut at it: two near misses keep their order.
    return max(plain, KEY_SHARE * key + (1 - KEY_SHARE) * plain) * KEY_EQUAL / 100


def _form_score(query: tuple[str, ...], form: tuple[str, ...]) -> float:
    """The best similarity of the query with the form, leaving words out of the longer of the
    two (keeping their order) at a small cost each."""
    best = _similarity(query, form)
    longer, shorter = (form, query) if len(form) > len(query) else (query, form)
    left_out = len(longer) - len(shorter)
    # As many words each side: the only way of keeping them all is the comparison above.
    if shorter and left_out and len(longer) <= 5:
        for kept in itertools.combinations(longer, len(shorter)):
            pair = (kept, shorter) if longer is query else (shorter, kept)
            best = max(best, _similarity(*pair) * LEFT_OUT**left_out)
    return best


def _rank(query: str, people: list[Person]) -> list[tuple[float, float, float, Person]]:
    """(exact, score, closeness as written, person) for each person at or above MIN_SCORE."""
    written = as_written(query)
    query_forms = name_forms(query, cached)
    forms = {person.pk: _person_forms(person) for person in people}
    # First pass, vectorised: the joined forms alone, to shortlist whom to compare word by word.
    flat = [(person, form) for person in people for form in forms[person.pk]]
    coarse: dict[Any, float] = {}
    if flat and query_forms:
        letters = process.cdist(
            ["".join(q) for q in query_forms], ["".join(f.words) for _, f in flat], scorer=fuzz.ratio, workers=1
        )
        keys = process.cdist(
            [words_key(q) for q in query_forms], [words_key(f.words) for _, f in flat], scorer=fuzz.ratio, workers=1
        )
        best = numpy.maximum(letters.max(axis=0), keys.max(axis=0)).tolist()
        for (person, form), value in zip(flat, best, strict=True):
            coarse[person.pk] = max(coarse.get(person.pk, 0.0), value * form.weight)
    shortlist = sorted(people, key=lambda p: -coarse.get(p.pk, 0.0))[:SHORTLIST]
    ranked = []
    # Each form compared once: people share names, and a name's orders and scripts share forms.
    compared: dict[tuple[str, ...], float] = {}
    for person in shortlist:
        score = closeness = exact = 0.0
        for form in forms[person.pk]:
            if form.words not in compared:
                compared[form.words] = max((_form_score(q, form.words) for q in query_forms), default=0.0)
            score = max(score, compared[form.words] * form.weight)
            # Diacritics and script kept: "Đặng Văn Hùng" typed as written is not "Đặng Văn Hưng".
            closeness = max(closeness, fuzz.ratio(written, form.written) * form.weight)
            exact = max(exact, float(written == form.written) * form.weight)
        if score >= MIN_SCORE:
            ranked.append((exact, score, closeness, person))
    return ranked


@dataclass(frozen=True)
class SeenBy:
    """Those ``user`` may see, as a scope to search in: the index reads only people reached by
    one of the user's ways in (``index.user_ways``), and the exact rule checks those it picked
    (``models.found_by_words``): no scope to compile for every tier."""

    user: User
    ways: list[str]

    @classmethod
    def of(cls, user: User) -> SeenBy:
        return cls(user, user_ways(user))


def _candidates(people: Any, query: str, most: int = CANDIDATES) -> list[Person]:
    """Who may be meant, among ``people`` (a Person queryset, or ``SeenBy`` a user): those with
    every word of the query (by spelling key), then those with every word or one letter away,
    then those with all words but one. A later tier is asked only while fewer than ENOUGH are
    found (a common name has many people with every word, and its words alone would be tens of
    thousands); at most ``most`` are taken (in the database's order: of more people with every
    word, which ones is arbitrary), and at most ENOUGH of all but one word (any of them is as
    likely as another). The last tier's clauses are asked one at a time until ENOUGH are found:
    each reads many people, and any will do."""
    seen_by = people if isinstance(people, SeenBy) else None
    found: dict[Any, Person] = {}
    for tier, clauses in enumerate(query_clauses(query, cached)):
        if len(found) >= ENOUGH:
            break
        room = most - len(found) if tier < 2 else ENOUGH
        for part in [clauses] if tier < 2 else [[clause] for clause in clauses]:
            wanted = Query.of(part, seen_by.ways if seen_by else None)
            if not wanted or room <= 0:
                continue
            if seen_by is not None:
                more = found_by_words(seen_by.user, wanted, list(found), room)
            else:
                more = list(people.filter(search__words__matches=wanted).exclude(pk__in=list(found))[:room])
            found.update((p.pk, p) for p in more)
            room -= len(more)
    return list(found.values())


def letters(text: str) -> int:
    """How many letters ``text`` has, in any script (Khmer vowel signs are marks, not letters)."""
    return sum(1 for char in text if char.isalpha())


def query_problem(raw: str) -> str:
    """Why ``raw`` cannot be searched for, or "" when it can (a name or a case number)."""
    query = raw.strip()
    if not query:
        return str(_("Give a name to search for."))
    if len(raw) > MAX_QUERY:
        return str(_("The search text is too long (at most 200 characters)."))
    if not CASE_NUMBER.fullmatch(query) and normalise_phone(query) is None and letters(query) < 2:
        return str(_("Type at least two letters of a name, a phone number or a case number."))
    return ""


def search_people(user: User, query: str, limit: int = 20) -> list[Hit]:
    """People the user may see whose names match ``query`` in any script, best first: an exact
    match as written, then by similarity, then by closeness as written, then by record."""
    return best_matches(query, SeenBy.of(user), limit)


def best_matches(
    query: str,
    people: Any,
    limit: int,
    candidates: int = CANDIDATES,
    keep: Callable[[Person], bool] | None = None,
) -> list[Hit]:
    """``search_people`` over the given scope: ``people`` is those who may be found (a Person
    queryset, or ``SeenBy`` a user), of whom at most ``candidates`` are taken, and of those only
    whom ``keep`` keeps are ranked."""
    query = query[:MAX_QUERY]
    forms = name_forms(query, cached)
    if letters(query) < 2 or not forms:
        return []
    found = _candidates(people, query, candidates)
    ranked = _rank(query, [p for p in found if keep(p)] if keep else found)
    ranked.sort(key=lambda r: (-r[0], -round(r[1], 6), -r[2], str(r[3].pk)))
    return [Hit(r[3], r[1]) for r in ranked[:limit]]


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


def search_phone(user: User, number: str) -> list[Hit]:
    """People with this phone number (E.164) among those the user may see (the cases it leads
    to are narrowed to those whose whereabouts the user reaches, by ``search_with_cases``)."""
    people = Person.objects.visible_to(user).filter(search__words__matches=Query([[[phone_word(number)]]]))
    return [Hit(person, 100.0) for person in people.order_by("pk")[:SHOWN]]


def search_with_cases(user: User, query: str, filters: Any = None) -> list[tuple[Hit, list[Any]]]:
    """The people matching ``query`` with the cases of theirs the user reaches with the identity
    section, best first. With ``filters`` (``cases.access.CaseFilters``) only people with a
    matching case are kept, and only those cases shown."""
    from casebridge.cases.access import case_q, cases_of
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
    phone = normalise_phone(query) if letters(query) == 0 else None
    if phone is not None:
        hits = search_phone(user, phone)
    else:
        hits = search_people(user, query, limit=CANDIDATES if narrowed else SHOWN)
    found_ids = [h.person.pk for h in hits]
    # A survivor's cases, and the cases a guardian, relative or witness is part of (found by
    # their name, the child's case is what was found: it is recorded against that case).
    # Two lists, so that each side of the OR is one index (a subquery there reads every case).
    taking_part = list(CaseParticipant.objects.filter(person_id__in=found_ids).values_list("case_id", flat=True))
    if phone is None and not narrowed:
        linked = cases_of(user, Section.IDENTITY, found_ids, taking_part)
    else:
        cases = Case.objects.visible_to(user, Section.IDENTITY)
        if phone is not None:
            # Who has a number is how to reach her: only where the user also reaches the whereabouts.
            cases = cases.filter(case_q(user, Section.WHEREABOUTS))
        if narrowed:
            cases = cases.filter(filters.as_q())
        linked = list(
            cases.filter(Q(survivor_id__in=found_ids) | Q(pk__in=taking_part)).order_by("-opened_on", "-created_at")
        )
    by_case = {c.pk: c for c in linked}
    by_person: dict[Any, list[Any]] = {}
    for case in by_case.values():
        by_person.setdefault(case.survivor_id, []).append(case)
    for case_id, person_id in CaseParticipant.objects.filter(
        case_id__in=list(by_case), person_id__in=found_ids
    ).values_list("case_id", "person_id"):
        by_person.setdefault(person_id, []).append(by_case[case_id])
    found = [(hit, by_person.get(hit.person.pk, [])) for hit in hits]
    # A person found by phone is shown only with a case whose whereabouts the user reaches.
    return [(hit, shown) for hit, shown in found if shown or not (narrowed or phone)][:SHOWN]


# At intake: how alike a name must be to be shown as possibly the same person, and to count as
# a record that may exist elsewhere (with the age and sex, where both are known, agreeing).
POSSIBLE = 80.0
STRONG = 93.0
AGE_SLACK = 2
# Records elsewhere are checked among this many people with the name (at a million, a common
# name's), not the hundred a search ranks: a survivor known elsewhere must not be missed because
# others share her name.
ELSEWHERE_CANDIDATES = 2000


def identity_names(identity: dict[str, Any]) -> list[str]:
    """The names to look for at intake: as written and in Latin letters (aliases only when
    there is no name: a nickname alone matches too many)."""
    names = [
        " ".join(n for n in (identity.get("family_name"), identity.get("given_name")) if n),
        " ".join(n for n in (identity.get("family_name_latin"), identity.get("given_name_latin")) if n),
    ]
    names = [n for n in dict.fromkeys(names) if n]
    return names or [a for a in identity.get("aliases") or [] if a]


def same_facts(person: Person, identity: dict[str, Any], today: Any) -> bool:
    """Whether what is known of the person does not contradict the identity: the sex, and the
    age within two years, each where both are known."""
    import datetime

    if person.gender and identity.get("gender") and person.gender != identity["gender"]:
        return False
    theirs = person.age_on(today)
    born = identity.get("birth_date")
    ours = (
        today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if isinstance(born, datetime.date)
        else identity.get("estimated_age")
    )
    return theirs is None or ours is None or abs(theirs - ours) <= AGE_SLACK


def ranked_for_intake(
    identity: dict[str, Any],
    people: Any,
    threshold: float,
    candidates: int = CANDIDATES,
    keep: Callable[[Person], bool] | None = None,
) -> list[Hit]:
    """People in scope (``best_matches``) whose name matches one of the identity's names at
    ``threshold`` or better, best first (with ``keep``, among those it keeps)."""
    best: dict[Any, Hit] = {}
    for name in identity_names(identity):
        for hit in best_matches(name, people, SHOWN, candidates, keep):
            if hit.score >= threshold and hit.score > best.get(hit.person.pk, Hit(hit.person, 0.0)).score:
                best[hit.person.pk] = hit
    return sorted(best.values(), key=lambda h: (-h.score, str(h.person.pk)))


def possible_people(user: User, identity: dict[str, Any]) -> list[tuple[Hit, list[Any]]]:
    """At intake, before a survivor is registered: the people the user may see who may be her,
    with the cases of theirs the user reaches (the same facts as a search shows)."""
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section

    hits = ranked_for_intake(identity, SeenBy.of(user), POSSIBLE)
    ids = [h.person.pk for h in hits]
    cases = Case.objects.visible_to(user, Section.IDENTITY).filter(survivor_id__in=ids).order_by("-opened_on")
    by_person: dict[Any, list[Any]] = {}
    for case in cases:
        by_person.setdefault(case.survivor_id, []).append(case)
    return [(hit, by_person[hit.person.pk]) for hit in hits if hit.person.pk in by_person][:5]
