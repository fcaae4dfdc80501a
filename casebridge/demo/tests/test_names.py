"""The demo name data is written correctly and is accepted by registration as it is."""

from __future__ import annotations

import datetime
import random
import unicodedata

import pytest

from casebridge.demo import fake
from casebridge.demo import names as n
from casebridge.lib.text import spelling_key
from casebridge.people.actions import clean_identity

KHMER = [*n.KHMER_GIVEN_FEMALE, *n.KHMER_GIVEN_MALE, *n.KHMER_FAMILY, *n.KHMER_NICKNAMES]
VIETNAMESE = [
    *n.VIETNAMESE_FAMILY,
    *n.VIETNAMESE_MIDDLE_FEMALE,
    *n.VIETNAMESE_MIDDLE_MALE,
    *n.VIETNAMESE_GIVEN_FEMALE,
    *n.VIETNAMESE_GIVEN_MALE,
]


def test_it_has_enough_names():
    assert len({x.script for x in (*n.KHMER_GIVEN_FEMALE, *n.KHMER_GIVEN_MALE)}) >= 40
    assert len({x.script for x in n.KHMER_FAMILY}) >= 25
    assert len({x.written for x in n.VIETNAMESE_FAMILY}) >= 20
    given = (
        *n.VIETNAMESE_MIDDLE_FEMALE,
        *n.VIETNAMESE_MIDDLE_MALE,
        *n.VIETNAMESE_GIVEN_FEMALE,
        *n.VIETNAMESE_GIVEN_MALE,
    )
    assert len({x.written for x in given}) >= 30


@pytest.mark.parametrize("name", KHMER, ids=lambda x: x.usual_latin)
def test_it_writes_khmer_names_in_khmer_script(name):
    assert name.script
    assert all(unicodedata.name(c).startswith("KHMER") for c in name.script), name.script
    assert unicodedata.is_normalized("NFC", name.script)
    for spelling in name.latin:
        assert spelling and spelling.isascii() and all(c.isalpha() or c == " " for c in spelling), spelling


def test_it_writes_vietnamese_names_with_and_without_diacritics():
    for name in VIETNAMESE:
        assert unicodedata.is_normalized("NFC", name.written)
        assert name.plain.isascii() and name.plain.isalpha()
        assert len(name.plain) == len(name.written)
    assert n.undiacritise("Nguyễn Thị Hồng") == "Nguyen Thi Hong"
    assert n.undiacritise("Đặng") == "Dang"


def test_it_keeps_spelling_variants_close_for_search():
    # The variants search must absorb (Srey Pov / Srei Pov / Sreypov, Sokha / Sokhar) share a
    # spelling key.
    pov = next(x for x in n.KHMER_GIVEN_FEMALE if x.script == "ស្រីពៅ")
    assert pov.latin[:3] == ("Srey Pov", "Srei Pov", "Sreypov")
    assert len({spelling_key(s.lower().replace(" ", "")) for s in pov.latin}) == 1
    sokha = next(x for x in n.KHMER_GIVEN_FEMALE if x.script == "សុខា")
    assert len({spelling_key(s.lower()) for s in sokha.latin}) == 1


def test_it_makes_survivors_registration_accepts():
    rng = random.Random(11)
    today = datetime.date(2026, 1, 15)
    ages = []
    nationalities = []
    for _ in range(400):
        opened_on = today - datetime.timedelta(days=rng.randint(0, 1000))
        survivor = fake.survivor(rng, opened_on)
        identity = clean_identity(survivor.identity, today=today)
        assert identity["given_name"] or identity["given_name_latin"]
        ages.append(survivor.age)
        nationalities.append(survivor.nationality)
    minors = sum(1 for a in ages if 12 <= a <= 17)
    assert minors / len(ages) > 0.6
    assert any(a >= 18 for a in ages)
    assert nationalities.count("KH") > nationalities.count("VN") > 0
