"""ISO codes: countries (ISO 3166-1 alpha-2) and languages (ISO 639-2, three letters, as HTCDS)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language, pgettext_lazy

# The languages most survivors here speak, named in their own script: whoever speaks one can
# find it whatever language the page is in.
AUTONYMS = {
    "khm": "ខ្មែរ",
    "vie": "Tiếng Việt",
    "eng": "English",
    "tha": "ไทย",
    "lao": "ລາວ",
    "mya": "မြန်မာ",
    "zho": "中文",
}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def clean_country_filter(value: str) -> str:
    """A nationality filter as typed: empty, or a two-letter ISO code (upper-cased)."""
    from django import forms
    from django.utils.translation import gettext as _

    code = value.strip().upper()
    if code and code not in country_codes():
        raise forms.ValidationError(_("Give a country as its two-letter ISO code, such as KH or VN."))
    return code


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


@lru_cache(maxsize=8)
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry's own translations of ISO names (English when it has none for the language)."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str) -> str:
    """The country's ISO name in the current language; the code itself if it is unknown."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _catalogue("iso3166-1", get_language() or "en").gettext(country.name)


# The same languages named in the page's language (pycountry has no Khmer language names).
LOCAL_NAMES = {
    "khm": pgettext_lazy("language", "Khmer"),
    "vie": pgettext_lazy("language", "Vietnamese"),
    "eng": pgettext_lazy("language", "English"),
    "tha": pgettext_lazy("language", "Thai"),
    "lao": pgettext_lazy("language", "Lao"),
    "mya": pgettext_lazy("language", "Burmese"),
    "zho": pgettext_lazy("language", "Chinese"),
}


def language_name(code: str) -> str:
    """For the common languages, the name in the page's language with the language's own name
    ("ថៃ (ไทย)"); else the ISO name in the page's language where pycountry has it."""
    if code in AUTONYMS:
        local, own = str(LOCAL_NAMES[code]), AUTONYMS[code]
        return own if local == own else f"{local} ({own})"
    name = _languages().get(code)
    if name is None:
        return code
    return _catalogue("iso639-3", get_language() or "en").gettext(name)


def language_choices() -> list[tuple[str, str]]:
    rest = sorted((code for code in _languages() if code not in AUTONYMS), key=language_name)
    return [(code, language_name(code)) for code in [*AUTONYMS, *rest]]
