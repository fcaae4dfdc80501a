"""Text normalisation for names written in Khmer, Vietnamese or Latin letters.

Search compares names in Latin letters. ``name_forms`` gives the ways a name reads in them: Khmer
script romanised by the Khmer name transducer (several spellings, ``lib/khmer``), Vietnamese and
other Latin text case-folded with diacritics removed (đ → d), other scripts by anyascii.
``spelling_key`` folds the spellings people write for one Khmer sound (ou/u/ov, ea/ia, y/i/ey,
aspirated th/t, ph/p, doubled letters, ch/j...) to one key. ``name_keys`` gives the keys a stored
name is found under (spelling keys, and the keys one letter away), ``query_clauses`` the ways a
query finds them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from anyascii import anyascii

from casebridge.lib.khmer import KHMER_RUN, romanise

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A name's forms in Latin letters: Khmer spellings are combined word by word up to this many.
FORMS = 6

Romaniser = Callable[[str], tuple[str, ...]]

# Zero-width space, non-joiner and joiner: Khmer writing uses them between words and inside them.
_KEPT_INVISIBLE = frozenset("\u200b\u200c\u200d")


def strip_invisible(text: str) -> str:
    """``text`` without control characters and invisible format characters (bidi overrides and
    isolates, marks, the BOM...), which can make one name display like another; keeps the
    zero-width characters Khmer needs, and ordinary spaces."""
    return "".join(
        char
        for char in text
        if char in _KEPT_INVISIBLE or char == " " or unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")
    )


def script_of(char: str) -> str | None:
    """The Unicode script of a letter ("LATIN", "KHMER", ...), or None for digits, spaces, marks
    and punctuation."""
    if not char.isalpha():
        return None
    try:
        return unicodedata.name(char).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def scripts(text: str) -> set[str]:
    return {s for s in map(script_of, text) if s}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Latin text as lower-case ASCII words, single-spaced: diacritics dropped (Nguyễn → nguyen,
    Đặng → dang), punctuation a space; letters of other scripts by anyascii."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", anyascii(stripped).lower()).strip()


def as_written(text: str) -> str:
    """A name as written, only case and spacing made uniform: diacritics and script kept, so an
    exact match in the query's own script can rank above a transliterated one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _spellings(chunk: str, romaniser: Romaniser) -> tuple[str, ...]:
    """The Latin spellings of one space-free piece of a name: its Khmer runs romanised (each
    several ways), the rest folded."""
    parts: list[tuple[str, ...]] = []
    last = 0
    for match in KHMER_RUN.finditer(chunk):
        if match.start() > last:
            parts.append((fold(chunk[last : match.start()]),))
        parts.append(romaniser(match.group(0)) or (fold(match.group(0)),))
        last = match.end()
    if last < len(chunk):
        parts.append((fold(chunk[last:]),))
    return tuple(dict.fromkeys(" ".join(p for p in combo if p) for combo in _best_combinations(parts, FORMS)))


def _best_combinations(choices: list[tuple[str, ...]], limit: int) -> list[tuple[str, ...]]:
    """Up to ``limit`` combinations of one choice per position, those of the best-ranked choices
    first (the first of each, then one second choice, ...)."""
    ranked = sorted(itertools.product(*(range(len(c)) for c in choices)), key=lambda idx: (sum(idx), idx))
    return [tuple(c[i] for c, i in zip(choices, idx, strict=True)) for idx in ranked[:limit]]


@lru_cache(maxsize=65536)
def _forms_cached(text: str, romaniser: Romaniser) -> tuple[tuple[str, ...], ...]:
    chunks = [_spellings(chunk, romaniser) for chunk in strip_invisible(text).replace("\u200b", " ").split()]
    chunks = [c for c in chunks if any(c)]
    if not chunks:
        return ()
    combos = _best_combinations(chunks, FORMS)
    return tuple(dict.fromkeys(tuple(" ".join(combo).split()) for combo in combos))


def name_forms(text: str, romaniser: Romaniser = romanise) -> tuple[tuple[str, ...], ...]:
    """The ways a name reads in Latin letters, as word tuples, most likely first: one for Latin or
    Vietnamese text, several for Khmer script (ស្រីពៅ → ("sreypov",), ("sreypeou",), ...)."""
    return _forms_cached(text, romaniser)


def normalise(text: str) -> str:
    """One ASCII, lower-case, single-spaced form of a name in any of the supported scripts (the
    most likely reading)."""
    forms = name_forms(text)
    return " ".join(forms[0]) if forms else ""


# Ordered: aspirated and digraph consonants first, then vowel groups.
_SPELLING_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<=[aeiouy])[vw]$"), "u"),  # Pov / Peou / Pao, Keo / Kev
    (re.compile(r"(?<=[aeiouy])[hr]+$"), ""),  # Sokhar / Sokha, Sokh / Sok (final h after a vowel)
    (re.compile(r"chh|ch|j|tch"), "c"),
    (re.compile(r"kh|gh|ck|q"), "k"),
    (re.compile(r"ph|f|bh|b"), "p"),
    (re.compile(r"th|dh|d"), "t"),
    (re.compile(r"sh|x|z"), "s"),
    (re.compile(r"nh|gn|ny(?=[aeiou])"), "n"),  # Kanha / Kagna / Kannha
    (re.compile(r"w"), "v"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(?<=[aeiou])h(?![aeiou])"), ""),  # a vowel's h (Sokhar, Ratha before a consonant)
    (re.compile(r"([bcdfgjklmnpqrstvxz])\1+"), r"\1"),  # doubled consonants
]
_VOWELS = re.compile(r"[aeiou]+")
# Vowels before the last one that spellings write many ways: the inherent vowel (Kunthea /
# Kanthea / Konthea) and the o-series "ea" (Veasal / Visal, Reaksmey / Raksmey, Sotheary /
# Sothiry).
_UNSTRESSED = frozenset({"a", "o", "u", "e", "i", "ea", "ia"})


@lru_cache(maxsize=65536)
def spelling_key(word: str) -> str:
    """One key for the Latin spellings people write for one Khmer (or Vietnamese) word:
    Sreypov, Srei Pov (joined), Sreypeou → "srepo"; Thida, Thyda, Theda → "teta"; Kunthea,
    Konthea, Kanthea → "kanta".

    Vowel groups keep three distinctions Khmer spellings keep: rounded (o, u, ou, eou, ao...),
    open (a, ea...) and front (e, i, ei, ey...); a final "ai"/"ay" (Chhay) stays apart from "ea"
    (Chea). A lone a, o or u before the last vowel is the inherent vowel, which spellings write
    any of the three ways (Kunthea / Kanthea, Samnang / Somnang, Ratha / Rotha)."""
    for pattern, replacement in _SPELLING_RULES:
        word = pattern.sub(replacement, word)
    groups = list(_VOWELS.finditer(word))
    out, last = [], 0
    for number, match in enumerate(groups):
        group, final = match.group(0), number == len(groups) - 1
        if not final and group in _UNSTRESSED:
            kind = "a"
        elif final and match.end() == len(word) and group.endswith("i") and "a" in group:
            kind = "ai"
        elif "o" in group or "u" in group:
            kind = "o"
        else:
            kind = "a" if "a" in group else "e"
        out += [word[last : match.start()], kind]
        last = match.end()
    return "".join([*out, word[last:]])


@lru_cache(maxsize=65536)
def words_key(words: tuple[str, ...]) -> str:
    """The spelling keys of a name's words, run together (for comparing names)."""
    return "".join(spelling_key(w) for w in words)


E164 = re.compile(r"\+[1-9]\d{7,14}")
_PHONE = re.compile(r"\+?[\d\s\-().]{8,30}")
# Numbers written the national way (012 345 678) are Cambodian: the platform's country.
NATIONAL_CALLING_CODE = "855"


def normalise_phone(text: str) -> str | None:
    """A phone number in E.164 form (+85512345678) from how people write it: with spaces, dashes
    or brackets, 00 for +, or nationally with a leading 0 (a Cambodian number); None when it is
    not a phone number."""
    text = text.strip()
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        number = "+" + digits
    elif digits.startswith("00"):
        number = "+" + digits[2:]
    elif digits.startswith("0"):
        number = "+" + NATIONAL_CALLING_CODE + digits[1:]
    elif digits.startswith(NATIONAL_CALLING_CODE) and len(digits) >= 11:
        number = "+" + digits
    else:
        return None
    return number if E164.fullmatch(number) else None


# A word this long or longer is also indexed with each of its letters left out (then folded to
# its spelling key), so that a name one letter away is found: a typo, a letter more or less, one
# letter for another. A shorter word's would match most names.
DELETION_MIN = 4
# Longer words are not names: looked for as they are, never one letter away nor split in two
# (a 200-letter word would otherwise cost seconds of keys).
WORD_MAX = 24
# Query forms (Khmer spellings, orders) turned into clauses, most likely first, and the words of
# each that count (a name has a few; the ways of joining them grow fast with their number).
QUERY_FORMS = 4
QUERY_WORDS = 6

Key = tuple[str, str]
# One way a query can match: every group has a key the person has (an AND of ORs).
Clause = frozenset[frozenset[Key]]


def near_keys(word: str) -> set[str]:
    """The spelling keys of ``word`` with one of its letters left out."""
    if not DELETION_MIN <= len(word) <= WORD_MAX:
        return set()
    return {spelling_key(word[:i] + word[i + 1 :]) for i in range(len(word))}


def index_keys(words: Iterable[str]) -> set[Key]:
    """(kind, key) pairs under which one form of a stored name is found: ``k`` the spelling key of
    each word and of two neighbouring words joined (Srey Pov is often written Sreypov), ``d``
    the keys of each of those with one letter left out."""
    words = list(words)
    keys: set[Key] = set()
    for word in [*words, *("".join(pair) for pair in itertools.pairwise(words))]:
        keys.add(("k", spelling_key(word)))
        keys.update(("d", d) for d in near_keys(word))
    return keys


def name_keys(text: str, romaniser: Romaniser = romanise) -> set[Key]:
    """The (kind, key) pairs of every form of a stored name."""
    return {key for form in name_forms(text, romaniser) for key in index_keys(form)}


def _segmentations(words: list[str]) -> Iterable[tuple[str, ...]]:
    """The words, and the ways of joining neighbours two by two (a name may be stored either way)."""
    if len(words) <= 1:
        yield tuple(words)
        return
    for rest in _segmentations(words[1:]):
        yield (words[0], *rest)
    for rest in _segmentations(words[2:]):
        yield (words[0] + words[1], *rest)


def _group(word: str, near: bool) -> frozenset[Key]:
    """The keys that find a stored word like ``word``: its spelling key, and with ``near`` the
    keys one letter away (either side with a letter left out, or both)."""
    key = spelling_key(word)
    if not near:
        return frozenset({("k", key)})
    return frozenset((kind, k) for k in {key, *near_keys(word)} for kind in ("k", "d"))


def _splits(word: str) -> Iterable[tuple[str, str]]:
    """A word as two (family and given name typed as one: ប៊ុនកញ្ញា, Bunkanha)."""
    return ((word[:i], word[i:]) for i in range(2, len(word) - 1)) if len(word) <= WORD_MAX else ()


def _one_near(segments: tuple[str, ...]) -> list[Clause]:
    """Every segment by its key but one, which may be one letter away (a typo is in one word;
    the others, required as they are, keep the clause selective)."""
    exact = [_group(s, False) for s in segments]
    return [frozenset([*exact[:i], _group(s, True), *exact[i + 1 :]]) for i, s in enumerate(segments)]


def query_clauses(text: str, romaniser: Romaniser = romanise) -> list[list[Clause]]:
    """The ways a query finds people, in three tiers to try in turn: every word's spelling key;
    every word but one by key and that one one letter away (or a single word as two: family and
    given name typed as one); all words but one (a missing middle name, a family name spelled
    beyond recognition), those longer than four letters one letter away (a four-letter word's
    keys one letter away are three letters long, shared by most names: Linh, Minh, Dinh, Vinh).
    Order does not count; one-letter words are not required. Each tier's clauses come most
    likely form first, each once."""
    exact: dict[Clause, None] = {}
    near: dict[Clause, None] = {}
    fewer: dict[Clause, None] = {}
    for form in name_forms(text, romaniser)[:QUERY_FORMS]:
        words = ([w for w in form if len(w) > 1] or list(form))[:QUERY_WORDS]
        for segments in _segmentations(words):
            exact[frozenset(_group(s, False) for s in segments)] = None
            near.update(dict.fromkeys(_one_near(segments)))
        if len(words) > 1:
            for left_out in range(len(words)):
                for segments in _segmentations(words[:left_out] + words[left_out + 1 :]):
                    fewer[frozenset(_group(s, len(s) > DELETION_MIN) for s in segments)] = None
        elif words:
            for pair in _splits(words[0]):
                near.update(dict.fromkeys(_one_near(pair)))
    return [list(exact), [c for c in near if c not in exact], [c for c in fewer if c not in near and c not in exact]]
