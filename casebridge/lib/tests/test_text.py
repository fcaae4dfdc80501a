"""Name normalisation across Khmer, Vietnamese and Latin spellings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebridge.lib.khmer import romanise
from casebridge.lib.text import as_written, name_forms, name_keys, normalise, query_clauses, scripts, spelling_key

NORMAL_FORM = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")


def _key(name: str) -> str:
    return spelling_key(normalise(name).replace(" ", ""))


def test_it_strips_vietnamese_diacritics() -> None:
    assert normalise("Nguyễn Thị Hồng") == normalise("Nguyen Thi Hong") == "nguyen thi hong"
    assert normalise("Đặng") == "dang"
    assert normalise("  NGUYỄN\u00a0 thị-HỒNG ") == "nguyen thi hong"


def test_it_keeps_what_was_written_for_exact_matches() -> None:
    assert as_written(" Đặng  Văn HÙNG") == "đặng văn hùng" != as_written("Đặng Văn Hưng")


def test_it_romanises_khmer_names_as_people_write_them() -> None:
    # The transducer's spellings, not anyascii's letter-by-letter "vnna", "rtna", "sophl".
    assert normalise("សុខា") == "sokha"
    assert normalise("វណ្ណា") == "vanna"
    assert normalise("សុផល") == "sophal"
    assert romanise("រតនា")[:3] == ("ratana", "rathana", "rothana")
    assert "sreypov" in romanise("ស្រីពៅ") and "sreypeou" in romanise("ស្រីពៅ")
    # A vowel-less path ("prm") is noise: the spellings people write are kept.
    assert romanise("ព្រហ្ម") == ("prum", "prom")
    assert romanise("abc") == ()


def test_it_reads_a_name_several_ways_word_by_word() -> None:
    forms = name_forms("សុខ ស្រីពៅ")
    assert forms[0] == ("sok", "sreypov")
    assert ("sok", "sreypeou") in forms
    assert name_forms("Nguyễn Thị Hồng") == (("nguyen", "thi", "hong"),)
    assert name_forms(" - . ") == ()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Srey Pov", "ស្រីពៅ"),
        ("Srei Pov", "Sreypeou"),
        ("Sokha", "Sokhar"),
        ("សុខា", "Sokha"),
        ("Thida", "Thyda"),
        ("Kanha", "Kagna"),
        ("Khiev", "Khieu"),
        ("Vanna", "Vana"),
        ("Touch", "Toch"),
    ],
)
def test_it_gives_spelling_variants_one_key(one: str, other: str) -> None:
    assert _key(one) in {spelling_key("".join(f)) for f in name_forms(other)}
    assert ("k", _key(one)) in name_keys(other) or ("k", _key(other)) in name_keys(one)


def test_it_keeps_different_names_apart() -> None:
    assert _key("Sokha") != _key("Dara")
    assert _key("Srey Pov") != _key("Srey Mom")
    assert _key("Sophal") != _key("Sophea")


def test_it_indexes_neighbouring_words_joined() -> None:
    assert ("k", spelling_key("sreypov")) in name_keys("Srey Pov")


def test_it_indexes_a_long_word_one_letter_away() -> None:
    keys = name_keys("Sophal")
    assert ("k", _key("Sophal")) in keys
    assert {("d", _key("Sphal")), ("d", _key("Sopal")), ("d", _key("Sopha"))} <= keys
    assert not {kind for kind, key in name_keys("Sok") if kind == "d"}  # a short word's would find most names


def test_a_query_finds_by_every_word_then_one_letter_away_then_all_but_one() -> None:
    exact, near, fewer = query_clauses("Sok Sophal")
    assert frozenset({frozenset({("k", "sok")}), frozenset({("k", _key("Sophal"))})}) in exact
    assert frozenset({frozenset({("k", _key("Soksophal"))})}) in exact  # stored as one word
    # Sophak is one letter from Sophal: both with the letter left out have one key.
    typo = query_clauses("Sok Sophak")[1]
    assert any(("d", _key("Sopha")) in group for clause in typo for group in clause)
    assert ("d", _key("Sopha")) in name_keys("Sophal")
    # All but one: a word of more than four letters one letter away, a shorter one as it is
    # (a four-letter word's keys one letter away are shared by most names).
    assert frozenset({frozenset({("k", "sok")})}) in fewer
    assert any(("d", _key("Sopha")) in group for clause in fewer for group in clause)
    assert all(len(clause) == 1 for clause in fewer)
    linh = query_clauses("Dinh Thanh Linh")[2]
    assert frozenset({frozenset({("k", _key("Dinh"))}), frozenset({("k", _key("Linh"))})}) in linh
    # One word may be two: family and given name typed together.
    joined = query_clauses("Sokdara")[1]
    assert any(frozenset({("k", "sok"), ("d", "sok")}) in clause and len(clause) == 2 for clause in joined)
    assert near


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sokha", {"LATIN"}),
        ("សុខា", {"KHMER"}),
        ("Sokha សុខា", {"LATIN", "KHMER"}),
        ("Nguyễn", {"LATIN"}),
        ("123 -", set()),
    ],
)
def test_it_detects_the_scripts_of_a_name(text: str, expected: set[str]) -> None:
    assert scripts(text) == expected


names = st.text(
    alphabet=st.one_of(
        st.characters(),  # anything, surrogates aside
        st.characters(min_codepoint=0x1780, max_codepoint=0x17FF),  # Khmer
        st.sampled_from("ăâđêôơưĂÂĐÊÔƠƯàảãáạ\u0300\u0301\u0303\u0309\u0323 -'.\u00a0\t"),  # Vietnamese
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)  # the first Khmer input loads the transducer
@given(names)
def test_it_always_gives_lower_case_single_spaced_ascii(text: str) -> None:
    result = normalise(text)
    assert NORMAL_FORM.fullmatch(result), repr(result)
    assert "  " not in result
    assert normalise(result) == result
