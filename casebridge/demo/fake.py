"""Fictional survivors, places and notes, drawn from a seeded ``random.Random`` so that a run
with the same seed makes the same data. Shared by ``load_demo`` and ``generate_data``.

The shapes follow the casework: most survivors are Khmer girls of 12 to 17, some are young
adults, some are Vietnamese (a few Thai or Lao); an age is usually estimated (from appearance or
a medical assessment) because documents are often missing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from casebridge.demo import names as n
from casebridge.lib.places import PROVINCES

NATIONALITIES = [("KH", 80), ("VN", 14), ("TH", 3), ("LA", 3)]
GENDERS = [("Feminine", 88), ("Masculine", 9), ("TransgenderFeminine", 1), ("NonSpecifiedUnknown", 2)]
# Where cases are opened: the capital and the tourist, border and port provinces dominate.
CASE_PROVINCES = [
    ("KH-12", 45),
    ("KH-17", 14),
    ("KH-18", 10),
    ("KH-1", 8),
    ("KH-2", 7),
    ("KH-9", 5),
    ("KH-20", 4),
    ("KH-7", 4),
    ("KH-8", 3),
]
LANGUAGE_OF = {"KH": "khm", "VN": "vie", "TH": "tha", "LA": "lao"}
_PROVINCE_NAME = {code: en for code, en, _ in PROVINCES}


def weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def spelling(rng: random.Random, name: n.Name) -> str:
    """The usual spelling most of the time, a variant otherwise (as real records do)."""
    if len(name.latin) == 1 or rng.random() < 0.6:
        return name.usual_latin
    return rng.choice(name.latin[1:])


@dataclass(frozen=True)
class Survivor:
    """A fictional survivor: identity fields ready for ``clean_identity`` and their age when the
    case was opened."""

    identity: dict[str, Any]
    age: int
    nationality: str
    language: str


def survivor(rng: random.Random, opened_on: datetime.date) -> Survivor:
    nationality = weighted(rng, NATIONALITIES)
    gender = weighted(rng, GENDERS)
    feminine = gender in ("Feminine", "TransgenderFeminine") or (gender != "Masculine" and rng.random() < 0.8)
    age = _age(rng)
    identity: dict[str, Any] = {"gender": gender, "nationalities": [nationality]}
    identity.update(_names(rng, nationality, feminine))
    identity.update(_age_fields(rng, age, opened_on))
    language = LANGUAGE_OF[nationality]
    identity["languages"] = [language, "khm"] if nationality == "VN" and rng.random() < 0.3 else [language]
    if rng.random() < 0.5:
        identity["phone"] = phone(rng, nationality)
    if rng.random() < 0.7:
        identity["address"] = address(rng, nationality)
    return Survivor(identity=identity, age=age, nationality=nationality, language=language)


def _age(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.03:
        return rng.randint(9, 11)
    if roll < 0.80:
        return rng.choices(range(12, 18), weights=[6, 10, 14, 18, 20, 18])[0]
    return rng.randint(18, 25)


def _age_fields(rng: random.Random, age: int, opened_on: datetime.date) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.25:
        # A birth certificate or identity card: an exact date consistent with the age.
        born = opened_on - datetime.timedelta(days=365 * age + rng.randint(1, 360))
        return {"birth_date": born, "age_method": "document"}
    method = weighted(rng, [("appearance", 45), ("medical", 25), ("self", 18), ("family", 12)])
    return {"estimated_age": age, "age_estimated_on": opened_on, "age_method": method}


def _names(rng: random.Random, nationality: str, feminine: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if nationality == "KH":
        given = rng.choice(n.KHMER_GIVEN_FEMALE if feminine else n.KHMER_GIVEN_MALE)
        family = rng.choice(n.KHMER_FAMILY)
        roll = rng.random()
        if roll < 0.9:
            out.update(given_name=given.script, family_name=family.script)
        if roll > 0.1:
            out.update(given_name_latin=spelling(rng, given), family_name_latin=spelling(rng, family))
        if rng.random() < 0.25:
            out["aliases"] = [spelling(rng, rng.choice(n.KHMER_NICKNAMES))]
    elif nationality == "VN":
        family_vn = rng.choice(n.VIETNAMESE_FAMILY)
        middles = n.VIETNAMESE_MIDDLE_FEMALE if feminine else n.VIETNAMESE_MIDDLE_MALE
        middle = middles[0] if rng.random() < 0.6 else rng.choice(middles[1:])
        given_vn = rng.choice(n.VIETNAMESE_GIVEN_FEMALE if feminine else n.VIETNAMESE_GIVEN_MALE)
        # Forms filled in Cambodia often lose the diacritics: then only the plain form is known.
        if rng.random() < 0.7:
            out.update(given_name=f"{middle.written} {given_vn.written}", family_name=family_vn.written)
        out.update(given_name_latin=f"{middle.plain} {given_vn.plain}", family_name_latin=family_vn.plain)
    else:
        given_pool, family_pool = (
            (n.THAI_GIVEN_FEMALE, n.THAI_FAMILY) if nationality == "TH" else (n.LAO_GIVEN_FEMALE, n.LAO_FAMILY)
        )
        out.update(
            given_name_latin=spelling(rng, rng.choice(given_pool)),
            family_name_latin=spelling(rng, rng.choice(family_pool)) if rng.random() < 0.8 else None,
        )
    return out


_KH_MOBILE_PREFIXES = ["10", "11", "12", "15", "16", "17", "61", "69", "70", "77", "78", "85", "89", "92", "96", "97"]


def phone(rng: random.Random, nationality: str = "KH") -> str:
    """A phone number in E.164 form with a plausible mobile prefix for the country."""
    if nationality == "VN":
        return f"+849{rng.randint(0, 9)}{rng.randint(0, 9_999_999):07d}"
    if nationality == "TH":
        return f"+668{rng.randint(0, 9)}{rng.randint(0, 9_999_999):07d}"
    if nationality == "LA":
        return f"+85620{rng.randint(0, 99_999_999):08d}"
    prefix = rng.choice(_KH_MOBILE_PREFIXES)
    digits = 7 if prefix in ("96", "97", "78") else 6
    return f"+855{prefix}{rng.randint(0, 10**digits - 1):0{digits}d}"


_VILLAGES = ["Thmei", "Kandal", "Chrey", "Prek Chik", "Tuol Sangke", "Boeung Thom", "Ou Ta Ki", "Kouk Trach"]
_COMMUNES = ["Prey Sala", "Kraing Thnong", "Svay Pak", "Kampong Luong", "Chrouy Changvar", "Phsar Kandal"]
_VN_PLACES = ["Ấp Phú Hòa, Xã Tân Lộc, An Giang", "Ấp 3, Xã Vĩnh Mỹ, Đồng Tháp", "Tổ 7, Phường 2, Kiên Giang"]


def address(rng: random.Random, nationality: str = "KH") -> str:
    """A fictional address: a village and commune in a Cambodian province, a numbered house and
    street in Phnom Penh, or a home address across the border."""
    if nationality == "VN" and rng.random() < 0.6:
        return f"{rng.choice(_VN_PLACES)}, Việt Nam"
    if nationality in ("TH", "LA") and rng.random() < 0.6:
        return f"Village {rng.randint(1, 20)}, {'Thailand' if nationality == 'TH' else 'Lao PDR'}"
    province = weighted(rng, CASE_PROVINCES)
    if province == "KH-12":
        return f"House {rng.randint(1, 250)}, Street {rng.randint(100, 600)}, Phnom Penh"
    return (
        f"Phum {rng.choice(_VILLAGES)}, Khum {rng.choice(_COMMUNES)}, {_PROVINCE_NAME[province]} Province"
        if rng.random() < 0.8
        else f"Near the market, {_PROVINCE_NAME[province]}"
    )


def case_province(rng: random.Random) -> str:
    return str(weighted(rng, CASE_PROVINCES))


# Short, generic notes in the languages the teams write in. Nothing here describes a real person.
NOTES: dict[str, list[str]] = {
    "crisis_care": [
        "Stayed with her at the station through the night; food, clean clothes and a quiet room. No cell used.",
        "Interview held in a child-friendly room with a female officer; an interpreter was present throughout.",
        "She slept most of the first day. Will stay close for the full 48 hours.",
        "ជនរងគ្រោះបានទទួលអាហារ និងសម្លៀកបំពាក់ ហើយសម្រាកនៅបន្ទប់ស្ងាត់។",
        "បានជួបពិភាក្សាជាមួយគ្រួសារតាមទូរស័ព្ទ។",
        "Em đã được ăn uống và nghỉ ngơi. Phiên dịch viên tiếng Việt có mặt suốt buổi.",
    ],
    "care_plan": [
        "Needs assessment done. Priorities: health check, school re-enrolment, family assessment.",
        "Placement at the shelter agreed with her; she asked to share a room with a friend.",
        "Wants to train as a hairdresser; vocational programme contacted.",
        "នាងចង់រៀនកាត់ដេរ។",
        "Đã liên lạc với gia đình qua điện thoại; em muốn học nghề may.",
        "Home visit planned with the provincial social worker before any reintegration decision.",
    ],
    "counselling": [
        "First counselling session: built rapport, agreed on a weekly time.",
        "Sleeping better; nightmares less frequent. Continue weekly sessions.",
        "Group art therapy session; participated willingly.",
    ],
    "medical": [
        "General health check done; follow-up visit in two weeks.",
        "Routine tests taken with consent; results recorded in the restricted medical record.",
        "ការពិនិត្យសុខភាពបានធ្វើរួចរាល់។",
        "Khám sức khỏe tổng quát đã hoàn tất; hẹn tái khám sau hai tuần.",
    ],
    "legal": [
        "Explained the court process and her choices; she will decide about testifying after talking to family.",
        "Victim statement reviewed; asked the court for a screened room so she will not see the accused.",
        "Hearing postponed by the court; she was told the same day.",
    ],
    "investigation": [
        "Statement taken once, with the social worker present, to avoid repeat interviews.",
        "Establishment identified from her description; intelligence passed to the operations team.",
        "Phone numbers she remembered were handed to the investigators.",
    ],
}
