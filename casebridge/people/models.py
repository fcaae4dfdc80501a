"""People in a case: survivors, family members and guardians, suspects, witnesses.

Identity fields are encrypted at field level; name search goes through keyed blind-index
words (:class:`SearchEntry`, ``people/index.py``), never through the ciphertext.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.lib.codes import country_name, language_name
from casebridge.lib.compiled import Compiled, fill
from casebridge.lib.fields import (
    EncryptedDateField,
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedTextField,
)
from casebridge.people.index import Query, SearchWordsField

if TYPE_CHECKING:
    from casebridge.accounts.models import User


class PersonKind(models.TextChoices):
    SURVIVOR = "survivor", _("Survivor")
    FAMILY = "family", _("Family member or guardian")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")


class Gender(models.TextChoices):
    """HTCDS ``prs_Gender`` values."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class AgeMethod(models.TextChoices):
    """How a birth date or age was established (matters for deciding who is a minor)."""

    DOCUMENT = "document", _("Identity or birth document")
    FAMILY = "family", _("Stated by family")
    SELF = "self", _("Stated by the person")
    MEDICAL = "medical", _("Medical age assessment")
    APPEARANCE = "appearance", _("Estimated from appearance and interview")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> PersonQuerySet:
        """People whose identity the user may see: the survivor or a linked person of a case
        where the user reaches the identity section."""
        return self.filter(visible_q(user))


def visible_q(user: User) -> models.Q:
    """The filter of ``Person.objects.visible_to``, to negate where the question is who the user
    may not see. Correlated: a search asks it of its few candidates, never of everyone."""
    from casebridge.cases.access import reach_q
    from casebridge.cases.sections import Section

    return _visible_rule(reach_q(user, Section.IDENTITY))


def _visible_rule(ways_in: models.Q) -> models.Q:
    """People with a case (as its survivor or taking part) with one of ``ways_in`` (a filter on
    ``Reach``: ``cases.access.reach_rule``)."""
    from casebridge.cases.models import Case, Reach

    reached = models.Exists(Reach.objects.filter(ways_in, case_id=models.OuterRef("pk")))
    cases = Case.objects.filter(reached)
    return models.Q(models.Exists(cases.filter(survivor_id=models.OuterRef("pk")))) | models.Q(
        models.Exists(cases.filter(participants__person_id=models.OuterRef("pk")))
    )


def _build_visible_people(shape: tuple[Any, int]) -> models.QuerySet[Person]:
    from casebridge.cases.access import compiled_rule
    from casebridge.lib.compiled import slots

    kinds, count = shape
    return Person.objects.filter(_visible_rule(compiled_rule(kinds)), pk__in=slots("id", count, models.UUIDField()))


def visible_people(user: User, ids: list[Any]) -> list[Person]:
    """The people of ``ids`` the user may see (``Person.objects.visible_to``), in the order of
    ``ids``: one query compiled once per shape of the user's ways in (``lib.compiled``), for
    a search's candidates."""
    from casebridge.cases.access import rule_values
    from casebridge.cases.sections import Section

    count, values = fill("id", list(dict.fromkeys(ids)))
    kinds, rule = rule_values(user, Section.IDENTITY)
    if not count or not kinds:
        return []
    order = {pk: at for at, pk in enumerate(ids)}
    people = _visible_people((kinds, count), **rule, **values)
    return sorted(people, key=lambda person: order[person.pk])


def found_by_words(user: User, wanted: Query, known: list[Any], most: int) -> list[Person]:
    """At most ``most`` people the user may see whose index words match ``wanted`` (with the
    user's ways-in words, ``people.index.user_ways``), not among ``known``. The index picks
    them, then the exact rule checks those few. The ways-in words are a superset of the rule (an
    ended emergency access or referral stays until the case's ways in are rebuilt): whom the
    rule turns down is passed over and more are read, so that nobody the user may not see takes
    the place of someone they may."""
    found: list[Person] = []
    read = list(known)
    passed_over = 0
    while len(found) < most:
        # Each round reads as many more as were passed over so far (a few rounds, however many).
        asked = most - len(found) + passed_over
        entries = SearchEntry.objects.filter(words__matches=wanted).exclude(person_id__in=read)
        ids = list(entries.values_list("person_id", flat=True)[:asked])
        seen = visible_people(user, ids)
        passed_over += len(ids) - len(seen)
        found += seen[: most - len(found)]
        read += ids
        if len(ids) < asked:
            break
    return found


class Person(models.Model):
    """A person known to casebridge. Everything that identifies them is encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=PersonKind.choices)
    registered_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="registered_people"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    given_name = EncryptedTextField(_("given name (original script)"), max_length=100, blank=True, null=True)
    family_name = EncryptedTextField(_("family name (original script)"), max_length=100, blank=True, null=True)
    given_name_latin = EncryptedTextField(_("given name (Latin letters)"), max_length=100, blank=True, null=True)
    family_name_latin = EncryptedTextField(_("family name (Latin letters)"), max_length=100, blank=True, null=True)
    aliases = EncryptedJSONField(_("aliases"), blank=True, null=True)
    birth_date = EncryptedDateField(_("birth date"), blank=True, null=True)
    estimated_age = EncryptedIntegerField(_("estimated age (years)"), blank=True, null=True)
    age_estimated_on = EncryptedDateField(_("age estimated on"), blank=True, null=True)
    age_method = EncryptedTextField(_("how the age was established"), max_length=20, blank=True, null=True)
    gender = EncryptedTextField(_("sex / gender"), max_length=30, blank=True, null=True)
    nationalities = EncryptedJSONField(_("nationalities"), blank=True, null=True)
    languages = EncryptedJSONField(_("languages"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), max_length=16, blank=True, null=True)
    address = EncryptedTextField(_("address"), max_length=500, blank=True, null=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        # Never the name: str() ends up in admin pages, logs and error reports, none of which
        # go through the scoping and audit path.
        return f"person {self.pk}"

    def display_name(self) -> str:
        """The name as written, with the Latin form after it when both are known."""
        original = " ".join(n for n in (self.family_name, self.given_name) if n)
        latin = " ".join(n for n in (self.family_name_latin, self.given_name_latin) if n)
        if original and latin and original != latin:
            return f"{original} ({latin})"
        return original or latin or ", ".join(self.aliases or []) or str(_("(name unknown)"))

    def gender_label(self) -> str:
        return str(Gender(self.gender).label) if self.gender in Gender.values else (self.gender or "")

    def nationality_names(self) -> list[str]:
        return [country_name(code) for code in self.nationalities or []]

    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.languages or []]

    def name_variants(self) -> list[str]:
        names = [
            " ".join(n for n in (self.family_name, self.given_name) if n),
            " ".join(n for n in (self.given_name, self.family_name) if n),
            " ".join(n for n in (self.family_name_latin, self.given_name_latin) if n),
            " ".join(n for n in (self.given_name_latin, self.family_name_latin) if n),
            *(self.aliases or []),
        ]
        return [n for n in dict.fromkeys(names) if n]

    def name_fields(self) -> list[str]:
        """The person's names as stored, one per field and alias: what the blind index covers."""
        return [n for n in (self.family_name, self.given_name, self.family_name_latin, self.given_name_latin) if n] + [
            a for a in self.aliases or [] if a
        ]

    def age_now(self) -> int | None:
        from django.utils import timezone

        return self.age_on(timezone.localdate())

    def age_on(self, day: object) -> int | None:
        """Age in whole years on ``day``, from the birth date or the dated estimate."""
        import datetime

        assert isinstance(day, datetime.date)
        if self.birth_date:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.estimated_age is not None:
            since = self.age_estimated_on or self.created_at.date()
            return self.estimated_age + max(0, (day - since).days // 365)
        return None


class SearchEntry(models.Model):
    """The index words under which one person is found (``people/index.py``): keyed, so they do
    not reveal the name, but people who share a name piece share its word (docs/THREAT_MODEL.md,
    known limits). Indexed by the database's full-text index (migration 0005); found only
    through ``Person.objects.visible_to(user).filter(search__words__matches=...)``."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="search")
    words = SearchWordsField()


class Romanisation(models.Model):
    """The Latin spellings of one Khmer name as stored in a record (``lib.khmer.romanise``), kept
    so that a search in Khmer script does not run the transducer: keyed by the name's blind index
    (the name itself is not stored), the spellings encrypted."""

    key = models.BigIntegerField(primary_key=True)
    spellings = EncryptedJSONField()


# A search's candidates checked against the exact rule: compiled once per shape (lib.compiled).
_visible_people: Compiled[Person] = Compiled(_build_visible_people)
