"""Khmer personal names in Latin letters, as people write them.

The romanisation is khmer-latin-name-transformer's finite-state transducer (pynini), built for
Khmer personal names: ស្រីពៅ → SREYPOV, SREYPEOU, SREYPAO; រតនា → RATANA, RATHANA, ROTHANA.
A name is romanised several ways (the transducer's best paths), because one Khmer name is
written several ways in Latin letters and the record and the query need not agree on one.

About 30 ms a name on this hardware: callers cache (``people.romanisation`` keeps every stored
name's romanisations, encrypted, so a query in Khmer script is not slowed by it). Decision and
comparison with anyascii and khmer-nltk: docs/decisions/0008-khmer-romanisation.md.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

KHMER_RUN = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]+")
# The transducer's best paths read; the variants kept among them.
PATHS = 24
VARIANTS = 4
# How much less likely than the best a spelling may be (the transducer's weights, -log p).
REACH = 3.0
_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=1)
def _transducer() -> Any:
    import khmer_latin_name_transformer

    return khmer_latin_name_transformer.km_latin_names_fst


@lru_cache(maxsize=65536)
def romanise(run: str) -> tuple[str, ...]:
    """The usual Latin spellings of one run of Khmer letters (a name or names written without
    spaces), most likely first, lower case; words are separated by spaces where the transducer
    separates them (សុខស្រីពៅ → "sok sreypov"). Empty for a run it cannot read."""
    import pynini

    if not KHMER_RUN.fullmatch(run):
        return ()
    try:
        lattice = pynini.accep(run, token_type="utf8") @ _transducer()  # noqa: S106
        paths = pynini.shortestpath(lattice, nshortest=PATHS, unique=False).paths(output_token_type="utf8")  # noqa: S106
    except pynini.FstOpError:  # type: ignore[attr-defined]
        return ()
    weights: dict[str, float] = {}
    while not paths.done():
        spelling = " ".join(paths.ostring().lower().split())
        weights[spelling] = min(float(paths.weight()), weights.get(spelling, float("inf")))
        paths.next()
    if not weights:
        return ()
    # Paths come in no particular order: by weight (lower is likelier), within reach of the best.
    best = min(weights.values())
    spellings = sorted((s for s, w in weights.items() if w <= best + REACH), key=lambda s: (weights[s], s))
    # A path without a vowel in a word ("prm" for ព្រហ្ម) or much shorter than the likeliest (a
    # letter cluster dropped) is the transducer's noise, not a spelling anyone writes.
    readable = [s for s in spellings if s and all(_VOWEL.search(w) for w in s.split())] or spellings[:1]
    first = readable[0]
    return (first, *[s for s in readable[1:] if len(s) >= 0.7 * len(first)][: VARIANTS - 1])
