"""A labelled name-search benchmark: fictional people with look-alike names, and queries whose
intended person is known, in the categories search must handle (``make bench-search``).

The population is made from the demo's name pools (common Khmer and Vietnamese names, several
Latin spellings each) so most people share a family name or a given name with others; each
target's name, as its category reads it, belongs to nobody else. A naive baseline (rapidfuzz's
WRatio on anyascii transliterations, over every person) is scored on the same queries.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz

from casebridge.demo import names as n

CATEGORIES = (
    "khmer_record_latin_query",
    "latin_record_khmer_query",
    "khmer_spelling_variants",
    "vietnamese_with_diacritics",
    "vietnamese_without_diacritics",
    "name_order",
    "missing_middle_name",
    "one_letter_typos",
    "nicknames",
)
PER_CATEGORY = 32
BACKGROUND = 1500
KHMER_GIVEN = (*n.KHMER_GIVEN_FEMALE, *n.KHMER_GIVEN_MALE)
# Nicknames given only to targets (the background's nicknames are the demo's: Pov, Toch, Mom...).
TARGET_NICKNAMES = (
    "Mealea / Mealia",
    "Kolab",
    "Mony / Monny",
    "Dina / Deena",
    "Kanika / Kaneka",
    "Rachana / Reachana",
    "Nitta / Nita",
    "Sreymao / Srey Mao",
    "Touy / Tuy",
    "Chouk / Chuk",
    "Nisay / Nisai",
    "Kiki",
    "Kolthida / Kolthyda",
    "Phary / Pharie",
    "Sreyka / Srey Ka",
    "Lyly / Lili",
    "Bong Srey",
    "Pheap / Pheab",
    "Sophy / Sophie",
    "Lakhena / Leakhena",
    "Mey Mey",
    "Ah Chenda / A Chenda",
    "Sokny / Sokni",
    "Tola / Tolla",
    "Vanny / Vanni",
    "Chiva / Cheva",
    "Nita Nang / Nita Neang",
    "Ah Dara / A Dara",
    "Chamroeun / Chamreun",
    "Sreyneth / Srey Neth",
    "Chhorvy / Chorvy",
    "Kunthy / Kunthi",
)
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


@dataclass
class Person:
    identity: dict[str, Any]
    label: str = ""
    pk: Any = None


@dataclass
class Query:
    category: str
    text: str
    target: Person


@dataclass
class Dataset:
    people: list[Person] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)


def _spelling(rng: random.Random, name: n.Name) -> str:
    return rng.choice(name.latin)


def respell(rng: random.Random, word: str) -> str:
    """Another way people write a romanised Khmer word (Pov → Pou, Sophea → Sophia, Vanna →
    Vana, Thida → Tida...); the word itself when no rule applies."""
    rules = [
        ("ov", "ou"),
        ("ou", "u"),
        ("ea", "ia"),
        ("ey", "ei"),
        ("y", "i"),
        ("i", "y"),
        ("th", "t"),
        ("ph", "p"),
        ("kh", "k"),
        ("ch", "j"),
        ("nn", "n"),
        ("n", "nn"),
        ("ll", "l"),
        ("k", "kh"),
        ("eu", "oe"),
    ]
    rng.shuffle(rules)
    lower = word.lower()
    for old, new in rules:
        at = lower.find(old, 1)
        if at > 0:
            changed = lower[:at] + new + lower[at + len(old) :]
            return changed.capitalize()
    return word


def typo(rng: random.Random, word: str) -> str:
    """``word`` with one letter wrong: replaced, left out, doubled or swapped with the next."""
    at = rng.randint(1, len(word) - 2)
    kind = rng.choice(["replace", "delete", "insert", "swap"])
    if kind == "replace":
        letter = rng.choice([c for c in "aeioumnrstk" if c != word[at].lower()])
        return word[:at] + letter + word[at + 1 :]
    if kind == "delete":
        return word[:at] + word[at + 1 :]
    if kind == "insert":
        return word[:at] + word[at] + word[at:]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _retone(rng: random.Random, text: str) -> str:
    """A Vietnamese name with one tone mark changed (Lan → Lán, Hùng → Húng): another name that
    reads the same without diacritics."""
    decomposed = list(unicodedata.normalize("NFD", text))
    marks = [i for i, c in enumerate(decomposed) if c in _TONES]
    if marks:
        at = rng.choice(marks)
        decomposed[at] = rng.choice([t for t in _TONES if t != decomposed[at]])
    else:
        vowel = next(i for i, c in enumerate(decomposed) if c.lower() in "aeiouy")
        decomposed.insert(vowel + 1, rng.choice(_TONES))
    return unicodedata.normalize("NFC", "".join(decomposed))


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data = Dataset()
        self.taken: set[tuple[str, ...]] = set()

    def add(self, identity: dict[str, Any], *keys: tuple[str, ...], label: str = "") -> Person:
        person = Person({k: v for k, v in identity.items() if v}, label)
        self.data.people.append(person)
        self.taken.update(keys)
        return person

    def khmer(self, *, script: bool, latin: bool, aliases: list[str] | None = None) -> tuple[Any, ...]:
        """A Khmer name nobody has yet: (family, given, identity)."""
        for _ in range(10_000):
            family, given = self.rng.choice(n.KHMER_FAMILY), self.rng.choice(KHMER_GIVEN)
            if ("km", family.script, given.script) not in self.taken:
                break
        identity: dict[str, Any] = {"aliases": aliases}
        if script:
            identity.update(family_name=family.script, given_name=given.script)
        if latin:
            identity.update(family_name_latin=_spelling(self.rng, family), given_name_latin=_spelling(self.rng, given))
        return family, given, identity

    def vietnamese(self) -> tuple[Any, ...]:
        for _ in range(10_000):
            family = self.rng.choice(n.VIETNAMESE_FAMILY)
            middle = self.rng.choice((*n.VIETNAMESE_MIDDLE_FEMALE, *n.VIETNAMESE_MIDDLE_MALE))
            given = self.rng.choice((*n.VIETNAMESE_GIVEN_FEMALE, *n.VIETNAMESE_GIVEN_MALE))
            key = ("vn", family.plain, middle.plain, given.plain)
            if (
                middle.plain != given.plain
                and key not in self.taken
                and ("vn2", family.plain, given.plain) not in self.taken
            ):
                return family, middle, given, key
        raise AssertionError("the Vietnamese name pool is exhausted")

    def background(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            roll = rng.random()
            if roll < 0.75:
                family, given = rng.choice(n.KHMER_FAMILY), rng.choice(KHMER_GIVEN)
                style = rng.random()
                aliases = [_spelling(rng, rng.choice(n.KHMER_NICKNAMES))] if rng.random() < 0.25 else None
                identity: dict[str, Any] = {"aliases": aliases}
                if style < 0.85:
                    identity.update(family_name=family.script, given_name=given.script)
                if style > 0.15:
                    identity.update(family_name_latin=_spelling(rng, family), given_name_latin=_spelling(rng, given))
                self.add(identity, ("km", family.script, given.script))
            elif roll < 0.95:
                family, middle, given, key = self.vietnamese()
                self.add(
                    {
                        "family_name": family.written,
                        "given_name": f"{middle.written} {given.written}",
                        "family_name_latin": family.plain,
                        "given_name_latin": f"{middle.plain} {given.plain}",
                    },
                    key,
                    ("vn2", family.plain, given.plain),
                )
            else:
                given_t, family_t = rng.choice(n.THAI_GIVEN_FEMALE), rng.choice(n.THAI_FAMILY)
                self.add({"given_name_latin": given_t.usual_latin, "family_name_latin": family_t.usual_latin})

    def query(self, category: str, text: str, target: Person) -> None:
        self.data.queries.append(Query(category, text, target))

    def targets(self, per_category: int) -> None:
        rng = self.rng
        nicknames = list(TARGET_NICKNAMES)
        rng.shuffle(nicknames)
        for category in CATEGORIES:
            for _ in range(per_category):
                getattr(self, category)(category, rng, nicknames)

    def khmer_record_latin_query(self, category: str, rng: random.Random, _: Any) -> None:
        family, given, identity = self.khmer(script=True, latin=False)
        person = self.add(identity, ("km", family.script, given.script), label=category)
        self.query(category, f"{_spelling(rng, family)} {_spelling(rng, given)}", person)

    def latin_record_khmer_query(self, category: str, rng: random.Random, _: Any) -> None:
        family, given, identity = self.khmer(script=False, latin=True)
        person = self.add(identity, ("km", family.script, given.script), label=category)
        # Khmer is often typed without a space between the words.
        gap = " " if rng.random() < 0.7 else ""
        self.query(category, f"{family.script}{gap}{given.script}", person)

    def khmer_spelling_variants(self, category: str, rng: random.Random, _: Any) -> None:
        family, given, identity = self.khmer(script=rng.random() < 0.5, latin=True)
        person = self.add(identity, ("km", family.script, given.script), label=category)
        stored = identity["given_name_latin"]
        others = [s for s in given.latin if s != stored]
        spelled = (
            rng.choice(others) if others and rng.random() < 0.5 else " ".join(respell(rng, w) for w in stored.split())
        )
        self.query(category, f"{identity['family_name_latin']} {spelled}", person)

    def _vietnamese_target(self, category: str, *, plain_only: bool = False) -> tuple[Person, Any, Any, Any]:
        family, middle, given, key = self.vietnamese()
        identity = {
            "family_name": None if plain_only else family.written,
            "given_name": None if plain_only else f"{middle.written} {given.written}",
            "family_name_latin": family.plain,
            "given_name_latin": f"{middle.plain} {given.plain}",
        }
        person = self.add(identity, key, ("vn2", family.plain, given.plain), label=category)
        return person, family, middle, given

    def _longer(self, rng: random.Random, identity: dict[str, Any], *, latin: bool = True) -> None:
        """Somebody whose name is the target's with one more given word (Nguyễn Thị Lan Anh for
        Nguyễn Thị Lan, Keo Sokha Dara for Keo Sokha): the shorter, exact name must win."""
        extra = (
            rng.choice(n.VIETNAMESE_GIVEN_FEMALE)
            if "family_name" in identity
            and not any("\u1780" <= c <= "\u17ff" for c in identity.get("family_name") or "")
            else None
        )
        other = dict(identity)
        given = rng.choice(KHMER_GIVEN)
        for key in ("given_name", "given_name_latin"):
            if other.get(key):
                if extra is not None:
                    other[key] += " " + (extra.written if key == "given_name" else extra.plain)
                else:
                    other[key] += " " + (given.script if key == "given_name" else given.usual_latin)
        if not latin:
            other.pop("given_name_latin", None)
            other.pop("family_name_latin", None)
        self.add(other)

    def vietnamese_with_diacritics(self, category: str, rng: random.Random, _: Any) -> None:
        person, family, middle, given = self._vietnamese_target(category)
        self._longer(rng, person.identity, latin=False)
        # Somebody whose name differs only by a tone mark: the exact spelling must win.
        self.add({"family_name": family.written, "given_name": f"{middle.written} {_retone(rng, given.written)}"})
        self.query(category, f"{family.written} {middle.written} {given.written}", person)

    def vietnamese_without_diacritics(self, category: str, rng: random.Random, _: Any) -> None:
        person, family, middle, given = self._vietnamese_target(category, plain_only=rng.random() < 0.3)
        self._longer(rng, person.identity)
        self.query(category, f"{family.plain} {middle.plain} {given.plain}", person)

    def name_order(self, category: str, rng: random.Random, _: Any) -> None:
        if rng.random() < 0.6:
            family, given, identity = self.khmer(script=rng.random() < 0.5, latin=True)
            person = self.add(identity, ("km", family.script, given.script), label=category)
            self._longer(rng, person.identity)
            self.query(category, f"{identity['given_name_latin']} {identity['family_name_latin']}", person)
        else:
            person, family, middle, given = self._vietnamese_target(category)
            self._longer(rng, person.identity)
            written = rng.random() < 0.5
            parts = (
                (middle.written, given.written, family.written)
                if written
                else (middle.plain, given.plain, family.plain)
            )
            self.query(category, " ".join(parts), person)

    def missing_middle_name(self, category: str, rng: random.Random, _: Any) -> None:
        person, family, _middle, given = self._vietnamese_target(category)
        text = f"{family.written} {given.written}" if rng.random() < 0.5 else f"{family.plain} {given.plain}"
        self.query(category, text, person)

    def one_letter_typos(self, category: str, rng: random.Random, _: Any) -> None:
        if rng.random() < 0.7:
            family, given, identity = self.khmer(script=rng.random() < 0.5, latin=True)
            person = self.add(identity, ("km", family.script, given.script), label=category)
            words = [identity["family_name_latin"], identity["given_name_latin"]]
        else:
            person, family, middle, given = self._vietnamese_target(category)
            words = [family.plain, middle.plain, given.plain]
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = typo(rng, words[longest]) if len(words[longest]) >= 4 else words[longest]
        self.query(category, " ".join(words), person)

    def nicknames(self, category: str, rng: random.Random, pool: list[str]) -> None:
        spellings = [s.strip() for s in pool.pop().split("/")]
        family, given, identity = self.khmer(script=True, latin=rng.random() < 0.5, aliases=[spellings[0]])
        person = self.add(identity, ("km", family.script, given.script), label=category)
        self.query(category, rng.choice(spellings), person)


def build(seed: int = 20261201, background: int = BACKGROUND, per_category: int = PER_CATEGORY) -> Dataset:
    builder = _Builder(seed)
    # The world's survivor (Sok Srey Pov) is one of the population.
    builder.taken.add(("km", "សុខ", "ស្រីពៅ"))
    builder.background(background)
    builder.targets(per_category)
    # Registered in no particular order: a tie is not decided by who came first.
    builder.rng.shuffle(builder.data.people)
    return builder.data


def baseline_ranker(people: list[tuple[Any, list[str]]]) -> Callable[[str], list[Any]]:
    """The naive search: every person scored by rapidfuzz's WRatio between the query and each of
    their names, both transliterated by anyascii; ties in the order people were registered."""
    prepared = [(pk, [anyascii(v).lower() for v in variants]) for pk, variants in people]

    def rank(query: str) -> list[Any]:
        q = anyascii(query).lower()
        scored = [
            (max((fuzz.WRatio(q, v) for v in variants), default=0.0), i, pk)
            for i, (pk, variants) in enumerate(prepared)
        ]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [pk for _, _, pk in scored[:10]]

    return rank


@dataclass
class Scores:
    queries: int = 0
    at1: int = 0
    at5: int = 0
    at10: int = 0
    reciprocal: float = 0.0

    def add(self, rank: int | None) -> None:
        self.queries += 1
        if rank is not None:
            self.at1 += rank == 1
            self.at5 += rank <= 5
            self.at10 += rank <= 10
            self.reciprocal += 1 / rank

    def as_dict(self) -> dict[str, float]:
        q = max(self.queries, 1)
        return {
            "queries": self.queries,
            "recall@1": round(self.at1 / q, 3),
            "recall@5": round(self.at5 / q, 3),
            "recall@10": round(self.at10 / q, 3),
            "mrr": round(self.reciprocal / q, 3),
        }


def rank_of(target: Any, found: list[Any]) -> int | None:
    return found.index(target) + 1 if target in found else None
