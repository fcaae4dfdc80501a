"""Cambodia's provinces (ISO 3166-2:KH) with their common English and Khmer names."""

from __future__ import annotations

from django.utils.translation import get_language

PROVINCES: list[tuple[str, str, str]] = [
    ("KH-1", "Banteay Meanchey", "បន្ទាយមានជ័យ"),
    ("KH-2", "Battambang", "បាត់ដំបង"),
    ("KH-3", "Kampong Cham", "កំពង់ចាម"),
    ("KH-4", "Kampong Chhnang", "កំពង់ឆ្នាំង"),
    ("KH-5", "Kampong Speu", "កំពង់ស្ពឺ"),
    ("KH-6", "Kampong Thom", "កំពង់ធំ"),
    ("KH-7", "Kampot", "កំពត"),
    ("KH-8", "Kandal", "កណ្ដាល"),
    ("KH-9", "Koh Kong", "កោះកុង"),
    ("KH-10", "Kratie", "ក្រចេះ"),
    ("KH-11", "Mondulkiri", "មណ្ឌលគិរី"),
    ("KH-12", "Phnom Penh", "ភ្នំពេញ"),
    ("KH-13", "Preah Vihear", "ព្រះវិហារ"),
    ("KH-14", "Prey Veng", "ព្រៃវែង"),
    ("KH-15", "Pursat", "ពោធិ៍សាត់"),
    ("KH-16", "Ratanakiri", "រតនគិរី"),
    ("KH-17", "Siem Reap", "សៀមរាប"),
    ("KH-18", "Preah Sihanouk", "ព្រះសីហនុ"),
    ("KH-19", "Stung Treng", "ស្ទឹងត្រែង"),
    ("KH-20", "Svay Rieng", "ស្វាយរៀង"),
    ("KH-21", "Takeo", "តាកែវ"),
    ("KH-22", "Oddar Meanchey", "ឧត្ដរមានជ័យ"),
    ("KH-23", "Kep", "កែប"),
    ("KH-24", "Pailin", "ប៉ៃលិន"),
    ("KH-25", "Tbong Khmum", "ត្បូងឃ្មុំ"),
]
_BY_CODE = {code: (en, km) for code, en, km in PROVINCES}
PROVINCE_CODES = [code for code, _, _ in PROVINCES]
# Stored choices: the code with its common English name (the display follows the language).
PROVINCE_CHOICES = [(code, en) for code, en, _ in PROVINCES]


def province_name(code: str) -> str:
    """The province's name in the active language (Khmer for km, the common English name else)."""
    en, km = _BY_CODE.get(code, (code, code))
    return km if (get_language() or "en").startswith("km") else en


def province_choices() -> list[tuple[str, str]]:
    return [(code, province_name(code)) for code in PROVINCE_CODES]
