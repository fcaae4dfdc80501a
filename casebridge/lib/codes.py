"""ISO codes: countries (ISO 3166-1 alpha-2) and languages (ISO 639-2, three letters, as HTCDS)."""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _languages() -> dict[str, str]:
    """Three-letter code -> English name, for languages that also have a two-letter code (the
    living, widely used ones), plus the two-letter aliases."""
    table: dict[str, str] = {}
    for lang in pycountry.languages:
        if hasattr(lang, "alpha_2"):
            table[lang.alpha_3] = lang.name
    return table


def language_code(value: str) -> str | None:
    """Normalise "km", "khm" or "KHM" to "khm"; None if it is not a known language code."""
    value = value.strip().lower()
    if len(value) == 2:
        lang = pycountry.languages.get(alpha_2=value)
        return lang.alpha_3 if lang else None
    return value if value in _languages() else None


def language_choices() -> list[tuple[str, str]]:
    preferred = ["khm", "vie", "eng", "tha", "lao", "zho", "mya"]
    names = _languages()
    rest = sorted((code for code in names if code not in preferred), key=names.__getitem__)
    return [(code, names[code]) for code in preferred + rest]
