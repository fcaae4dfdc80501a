"""A person's coded facts (HTCDS gender, ISO countries and languages) read in the reader's language."""

from __future__ import annotations

from django.utils import translation

from casebridge.lib.codes import language_choices
from casebridge.people.models import Person


def _person(**facts: object) -> Person:
    return Person(**{"gender": "Feminine", "nationalities": ["KH", "ID"], "languages": ["khm", "fra"], **facts})


def test_it_names_codes_in_english():
    person = _person()
    with translation.override("en"):
        assert person.gender_label() == "Feminine"
        assert person.nationality_names() == ["Cambodia", "Indonesia"]
        assert person.language_names() == ["Khmer (ខ្មែរ)", "French"]


def test_it_names_codes_in_khmer_and_vietnamese():
    person = _person()
    with translation.override("km"):
        assert person.gender_label() == "ស្រី"
        assert person.nationality_names() == ["កម្ពុជា", "ឥណ្ឌូណេស៊ី"]
        assert _person(languages=["khm", "tha"]).language_names() == ["ខ្មែរ", "ថៃ (ไทย)"]
    with translation.override("vi"):
        assert person.gender_label() == "Nữ"
        assert person.nationality_names()[0] == "Căm Bốt"
        assert person.language_names() == ["Tiếng Khmer (ខ្មែរ)", "Tiếng Pháp"]


def test_it_shows_an_unknown_code_as_it_is():
    person = _person(gender="Other", nationalities=["XX"], languages=["qqq"])
    assert (person.gender_label(), person.nationality_names(), person.language_names()) == ("Other", ["XX"], ["qqq"])


def test_it_offers_the_common_languages_first_in_the_pages_language_and_their_own_script():
    with translation.override("vi"):
        choices = language_choices()
    assert choices[:2] == [("khm", "Tiếng Khmer (ខ្មែរ)"), ("vie", "Tiếng Việt")]
    assert ("fra", "Tiếng Pháp") in choices
