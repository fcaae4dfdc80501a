"""Registering people and keeping their search tokens."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib.codes import country_codes, language_code
from casebridge.lib.text import normalise_phone, scripts, strip_invisible
from casebridge.people.index import person_words, ways_words, with_ways
from casebridge.people.models import AgeMethod, Gender, Person, PersonKind, SearchEntry, visible_q
from casebridge.people.romanisation import remember

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")
IDENTITY_FIELDS = (
    *NAME_FIELDS,
    "aliases",
    "birth_date",
    "estimated_age",
    "age_estimated_on",
    "age_method",
    "gender",
    "nationalities",
    "languages",
    "phone",
    "address",
)


def clean_identity(data: dict[str, Any], *, today: datetime.date | None = None) -> dict[str, Any]:
    """Check and normalise identity fields; raise ValidationError naming each bad field."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in NAME_FIELDS:
        value = strip_invisible(data.get(field) or "").strip()
        if not value:
            out[field] = None
            continue
        if len(value) > 100:
            fail(field, _("At most 100 characters."))
        found = scripts(value)
        if field.endswith("_latin") and found - {"LATIN"}:
            fail(field, _("Use Latin letters only here; write the original script in the other name fields."))
        elif len(found) > 1:
            fail(
                field,
                _(
                    "This name mixes scripts (%(scripts)s). "
                    "Write it in one script; the Latin spelling has its own fields."
                )
                % {"scripts": ", ".join(sorted(s.title() for s in found))},
            )
        elif not found:
            fail(field, _("A name needs at least one letter."))
        out[field] = value

    aliases = data.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in (part.strip() for part in aliases.split(",")) if a]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        fail("aliases", _("Give aliases as a list of names."))
        aliases = []
    aliases = [strip_invisible(a).strip() for a in aliases if strip_invisible(a).strip()]
    if len(aliases) > 10 or any(len(a) > 100 for a in aliases):
        fail("aliases", _("At most 10 aliases of at most 100 characters each."))
    out["aliases"] = aliases or None
    if not any(out[f] for f in NAME_FIELDS) and not aliases:
        fail("given_name", _("Give at least one name or alias (a nickname is enough)."))

    birth_date = data.get("birth_date")
    age = data.get("estimated_age")
    if birth_date is not None and not isinstance(birth_date, datetime.date):
        fail("birth_date", _("Enter a valid date."))
        birth_date = None
    if birth_date and birth_date > today:
        fail("birth_date", _("The birth date cannot be in the future."))
    elif birth_date and birth_date.year < 1900:
        fail("birth_date", _("The birth date is too far in the past."))
    if age is not None and (not isinstance(age, int) or not 0 <= age <= 120):
        fail("estimated_age", _("The estimated age must be between 0 and 120."))
    if birth_date and age is not None:
        fail("estimated_age", _("Give a birth date or an estimated age, not both."))
    method = data.get("age_method") or None
    if (birth_date or age is not None) and not method:
        fail("age_method", _("Say how the age was established."))
    if method and method not in AgeMethod.values:
        fail("age_method", _("Choose one of the listed ways."))
    out.update(
        birth_date=birth_date or None,
        estimated_age=age,
        age_estimated_on=(data.get("age_estimated_on") or today) if age is not None else None,
        age_method=method,
    )

    gender = data.get("gender") or None
    if gender and gender not in Gender.values:
        fail("gender", _("Choose one of the listed values."))
    out["gender"] = gender

    nationalities = [str(c).strip().upper() for c in (data.get("nationalities") or [])]
    bad = [c for c in nationalities if c not in country_codes()]
    if bad:
        fail(
            "nationalities",
            _("Unknown country code: %(codes)s (use ISO 3166 two-letter codes).") % {"codes": ", ".join(bad)},
        )
    out["nationalities"] = sorted(set(nationalities)) or None

    languages: list[str] = []
    for raw in data.get("languages") or []:
        code = language_code(str(raw))
        if code is None:
            fail("languages", _("Unknown language code: %(code)s (use ISO 639).") % {"code": raw})
        else:
            languages.append(code)
    out["languages"] = list(dict.fromkeys(languages)) or None

    raw_phone = (data.get("phone") or "").strip()
    phone = normalise_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        fail("phone", _("Write the phone number in international form, e.g. +85512345678."))
    out["phone"] = phone

    address = strip_invisible(data.get("address") or "").strip()
    if len(address) > 500:
        fail("address", _("At most 500 characters."))
    out["address"] = address or None

    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return out


def ways_of(person_ids: list[Any]) -> dict[Any, set[str]]:
    """The ways-in words of each person: of every case they are the survivor of or take part in."""
    from casebridge.cases.models import Case, CaseParticipant, Reach

    cases: dict[Any, set[Any]] = {}
    for case_id, person_id in Case.objects.filter(survivor_id__in=person_ids).values_list("pk", "survivor_id"):
        cases.setdefault(case_id, set()).add(person_id)
    for case_id, person_id in CaseParticipant.objects.filter(person_id__in=person_ids).values_list(
        "case_id", "person_id"
    ):
        cases.setdefault(case_id, set()).add(person_id)
    ways: dict[Any, set[str]] = {pk: set() for pk in person_ids}
    for row in Reach.objects.filter(case_id__in=list(cases)):
        for person_id in cases[row.case_id]:
            ways[person_id] |= ways_words([row])
    return ways


def search_words(people: list[Person]) -> dict[Any, str]:
    """Each person's index text afresh: their names' and phone number's words and the ways into
    their cases (and the romanisations search reads are kept)."""
    ways = ways_of([p.pk for p in people])
    words = {}
    for person in people:
        remember(person.name_fields())
        words[person.pk] = with_ways(person_words(person.name_fields(), person.phone), ways[person.pk])
    return words


def write_search_entry(person: Person) -> None:
    """Index the person afresh (``search_words``)."""
    SearchEntry.objects.update_or_create(person=person, defaults={"words": search_words([person])[person.pk]})


def refresh_ways(case_id: Any) -> None:
    """After the ways into a case changed (``cases.access.sync_reach``): its people's index words
    for them. Their names' words stay as they are."""
    from casebridge.cases.models import Case, CaseParticipant

    people = list(Case.objects.filter(pk=case_id).values_list("survivor_id", flat=True))
    people += CaseParticipant.objects.filter(case_id=case_id).values_list("person_id", flat=True)
    ways = ways_of(people)
    for entry in SearchEntry.objects.filter(person_id__in=people):
        words = with_ways(entry.words, ways[entry.person_id])
        if words != entry.words:
            SearchEntry.objects.filter(pk=entry.pk).update(words=words)


def do_register_person(*, actor: User, agency: Agency, kind: str, identity: dict[str, Any]) -> Person:
    """Create a person from already cleaned identity fields; index their names; audit it."""
    if kind not in PersonKind.values:
        raise ValidationError({"kind": _("Unknown kind of person.")})
    person = Person(kind=kind, registered_by_agency=agency, created_by=actor, **identity)
    person.save()
    write_search_entry(person)
    record(actor, Action.CREATE, [Item("person", str(person.pk), sections=["identity"])])
    return person


def matches_elsewhere(user: User, identity: dict[str, Any]) -> list[Any] | None:
    """At intake: the cases, among those whose survivor's identity the user may not see, whose
    survivor strongly matches ``identity`` (name, and age and sex where known). The one search
    outside the user's scope: what it finds is never shown to the user, only told to the lead
    agencies of those cases if the user asks (``cases.actions.do_request_contact``). Every check
    is audited (a match on the matching cases); past the daily limit the answer is None (not
    checked), so that asking name after name, age after age, soon stops answering."""
    from django.conf import settings
    from django.utils import timezone

    from casebridge.audit.models import AuditEvent
    from casebridge.cases.actions import intake_agencies
    from casebridge.cases.models import Case
    from casebridge.cases.sections import Section
    from casebridge.people.search import ELSEWHERE_CANDIDATES, STRONG, ranked_for_intake, same_facts

    if not intake_agencies(user):  # only those who register survivors ask
        return None
    since = timezone.now() - datetime.timedelta(hours=24)
    checks = AuditEvent.objects.filter(actor=user, object_type="intake_check", at__gte=since).count()
    if checks >= settings.INTAKE_CHECKS_PER_DAY:
        return None
    survivors = Person.objects.filter(kind=PersonKind.SURVIVOR).exclude(visible_q(user))
    today = timezone.localdate()
    # The facts first: of many with her name, those whose age and sex agree are the ones ranked.
    hits = ranked_for_intake(
        identity, survivors, STRONG, ELSEWHERE_CANDIDATES, lambda person: same_facts(person, identity, today)
    )
    cases = list(
        Case.objects.filter(survivor_id__in=[h.person.pk for h in hits])
        .exclude(pk__in=Case.objects.visible_to(user, Section.IDENTITY).values("pk"))
        .order_by("pk")
    )
    # The check itself (counted for the limit), and, where it matched, on those cases' access
    # logs: who was told that a record may exist.
    items = [Item("intake_check", ""), *(Item("case", str(c.pk), c.pk) for c in cases)]
    record(user, Action.SEARCH, items, via=["intake_check"])
    return cases
