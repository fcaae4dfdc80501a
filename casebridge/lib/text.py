"""Text normalisation for names written in Khmer, Vietnamese or Latin letters.

``normalise`` maps every spelling to one lower-case ASCII form: NFKC, case-fold, Khmer words
segmented (khmer-nltk) and romanised (anyascii), Vietnamese diacritics stripped (đ → d).
``search_keys`` then gives the pieces that go into blind-index tokens: whole words, a coarse
phonetic key that absorbs common romanisation variants (Srey/Srei, Pov/Pau, Sokha/Sokhar), and
trigrams for fuzzy matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


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


@lru_cache(maxsize=1)
def _khmer_tokenizer():  # type: ignore[no-untyped-def]
    import logging

    from khmernltk import word_tokenize

    # khmer-nltk sets its logger to DEBUG on import and announces loading its model.
    logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
    return word_tokenize


def _segment_khmer(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) <= 3:
        return f" {run} "
    words = [w for w in _khmer_tokenizer()(run) if w.strip()]
    return " " + " ".join(words) + " "


def _romanise_khmer(text: str) -> str:
    # The bantoc sign shortens the vowel; anyascii would otherwise add one ("chana" for ចាន់).
    return text.replace("\u17cb", "")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """One ASCII, lower-case, single-spaced form of a name in any of the supported scripts."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _romanise_khmer(_KHMER.sub(_segment_khmer, text))
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = anyascii(stripped).lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


_PHONETIC_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<=[aeiou])v$"), "u"),  # Pov / Pau
    (re.compile(r"(?<=[aeiou])r$"), ""),  # Sokhar / Sokha
    (re.compile(r"([kptcsd])h"), r"\1"),  # kh, ph, th, ch, sh, dh
    (re.compile(r"y"), "i"),
    (re.compile(r"d"), "t"),  # Thida / ធីតា (ta is often written d)
    (re.compile(r"b"), "p"),
    (re.compile(r"[aeiou]+"), "a"),
    (re.compile(r"(.)\1+"), r"\1"),
]


def phonetic_key(word: str) -> str:
    """A coarse key that romanisation variants of one Khmer or Vietnamese word share."""
    for pattern, replacement in _PHONETIC_RULES:
        word = pattern.sub(replacement, word)
    return word


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def search_keys(text: str) -> set[tuple[str, str]]:
    """(kind, key) pairs for a name: ``w`` whole word, ``p`` phonetic key, ``t`` trigram."""
    keys: set[tuple[str, str]] = set()
    for word in normalise(text).split():
        keys.add(("w", word))
        keys.add(("p", phonetic_key(word)))
        keys.update(("t", gram) for gram in trigrams(word))
    return keys
