"""Fictional names for demo and generated data: Khmer names in Khmer script with the Latin
spellings people actually write (several per name, most common first), Vietnamese names with
and without diacritics, and a few Thai and Lao names in Latin letters.

The names are common given and family names; the people made from them are invented. Real
records spell one name many ways (Srey Pov, Srei Pov, Sreypov), which is exactly what name
search has to absorb, so the generators pick a spelling at random.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    """One name: how it is written in its own script (empty when only Latin letters are used)
    and its Latin spellings, most common first."""

    script: str
    latin: tuple[str, ...]

    @property
    def usual_latin(self) -> str:
        return self.latin[0]


def _khmer(rows: list[tuple[str, str]]) -> tuple[Name, ...]:
    """``(Khmer script, "Spelling / Variant / Variant")`` rows to names."""
    return tuple(Name(script, tuple(v.strip() for v in spellings.split("/"))) for script, spellings in rows)


def _latin(rows: list[str]) -> tuple[Name, ...]:
    return tuple(Name("", tuple(v.strip() for v in row.split("/"))) for row in rows)


# Most survivors in the casework this serves are girls of 12 to 17, so most given names are girls'.
KHMER_GIVEN_FEMALE = _khmer(
    [
        ("ស្រីពៅ", "Srey Pov / Srei Pov / Sreypov / Srey Pao"),
        ("សុខា", "Sokha / Sokhar"),
        ("ធីតា", "Thida / Theda / Thyda"),
        ("ចន្ធូ", "Chanthou / Chanthu / Chantou"),
        ("ស្រីនាង", "Srey Neang / Sreyneang / Srei Neang"),
        ("ស្រីមុំ", "Srey Mom / Sreymom"),
        ("ស្រីលីន", "Srey Lin / Sreylin / Srei Lin"),
        ("ស្រីនិច", "Srey Nich / Sreynich"),
        ("ស្រីល័ក្ខ", "Srey Leak / Sreyleak / Srei Leak"),
        ("សុភា", "Sophea / Sopha"),
        ("សុភាព", "Sopheap / Sophiep"),
        ("ចាន់ណារី", "Channary / Chanary / Channarie"),
        ("បុប្ផា", "Bopha / Bophea / Boppha"),
        ("ម៉ាលីស", "Malis / Maliss"),
        ("រស្មី", "Reaksmey / Raksmey / Rasmey"),
        ("ពិសី", "Pisey / Pisei / Pisy"),
        ("ចរិយា", "Chariya / Cheareya / Chareya"),
        ("សុខលី", "Sokly / Sokley / Sokli"),
        ("គន្ធា", "Kunthea / Kanthea / Konthea"),
        ("ធារី", "Theary / Thearie / Teary"),
        ("សុជាតា", "Socheata / Socheatta / Sochata"),
        ("ម៉ានី", "Many / Manee / Mani"),
        ("លីដា", "Lida / Leda / Lyda"),
        ("នារី", "Neary / Nary / Neari"),
        ("រ៉ានី", "Rany / Ranee"),
        ("ស្រីអូន", "Srey Oun / Sreyoun / Srey Aun"),
        ("ស៊ីថា", "Sitha / Seetha"),
        ("ស្រីពេជ្រ", "Srey Pich / Sreypich / Srey Pech"),
        ("ចិន្តា", "Chenda / Chinda"),
        ("សុធារី", "Sotheary / Sothearie / Sothiry"),
        ("កញ្ញា", "Kanha / Kagna / Kannha"),
        ("ចាន់ធា", "Chantha / Chanthea"),
        ("វិច្ឆិកា", "Vichika / Vicheka / Vichhika"),
        ("ស្រីស្រស់", "Srey Sros / Sreysros"),
        ("ដាវី", "Davy / Davi / Davey"),
        ("រតនា", "Ratana / Rattana / Rathana"),
        ("សុវណ្ណារី", "Sovannary / Sovanary"),
        ("ស៊ីណេត", "Sinet / Sineth"),
        ("ស្រីនី", "Srey Ny / Sreyny / Srey Nee"),
        ("ស្រីរ័ត្ន", "Srey Roth / Srey Rath / Sreyrath"),
        ("កល្យាណ", "Kalyan / Kalyann"),
        ("ចន្ទ្រា", "Chantrea / Chanthra / Chantra"),
        ("ស្រីតូច", "Srey Toch / Sreytoch"),
        ("ផល្លា", "Phalla / Phala"),
        ("មករា", "Makara / Makkara"),
    ]
)
KHMER_GIVEN_MALE = _khmer(
    [
        ("ដារ៉ា", "Dara / Darra"),
        ("វណ្ណៈ", "Vannak / Vannack / Vanak"),
        ("ពិសិដ្ឋ", "Piseth / Pisith / Piset"),
        ("សុខុម", "Sokhom / Sokhum"),
        ("បូរី", "Borey / Bory / Borei"),
        ("វិសាល", "Visal / Veasal"),
        ("រិទ្ធិ", "Rith / Ritthy / Reth"),
        ("កុសល", "Kosal / Kusal / Kosol"),
        ("សុវណ្ណ", "Sovann / Sovan"),
        ("សំណាង", "Samnang / Somnang"),
        ("វុទ្ធី", "Vuthy / Vutthy / Vuthi"),
        ("រដ្ឋា", "Ratha / Rotha"),
        ("សុផល", "Sophal / Sophall"),
        ("បញ្ញា", "Panha / Pagna / Banha"),
        ("សុគុណ", "Sokun / Sokunn"),
        ("វណ្ណា", "Vanna / Vana"),
    ]
)
KHMER_FAMILY = _khmer(
    [
        ("សុខ", "Sok / Sokh"),
        ("ចាន់", "Chan"),
        ("កែវ", "Keo / Kev / Kaev"),
        ("លី", "Ly / Lee / Li"),
        ("ហេង", "Heng"),
        ("ម៉ៅ", "Mao"),
        ("ជា", "Chea"),
        ("ពេជ្រ", "Pich / Pech"),
        ("ឈឹម", "Chhim / Chim"),
        ("សែម", "Sem / Saem"),
        ("យឹម", "Yim / Yem"),
        ("ឈុន", "Chhun / Chun"),
        ("ប៊ុន", "Bun / Boun"),
        ("ស៊ុន", "Sun / Soun"),
        ("ទេព", "Tep / Teb"),
        ("នួន", "Nuon / Noun / Nuan"),
        ("អ៊ុក", "Ouk / Uk"),
        ("ស្រេង", "Sreng"),
        ("ខៀវ", "Khiev / Khieu / Kheav"),
        ("ហួត", "Huot / Hout / Hut"),
        ("មាស", "Meas / Mias"),
        ("សួន", "Suon / Suan"),
        ("តាំង", "Taing / Tang"),
        ("លឹម", "Lim / Leum"),
        ("គង់", "Kong / Kung"),
        ("ឡុង", "Long"),
        ("អ៊ឹង", "Ung / Eung"),
        ("សេង", "Seng"),
        ("ណុប", "Nop / Nob"),
        ("ប្រាក់", "Prak / Brak"),
        ("រស់", "Ros / Ruos"),
        ("ឆាយ", "Chhay / Chay / Chhai"),
        ("ទូច", "Touch / Toch"),
    ]
)
# Nicknames are often all a child gives at first ("the youngest", "little one").
KHMER_NICKNAMES = _khmer(
    [
        ("ពៅ", "Pov / Pao"),
        ("តូច", "Toch"),
        ("អូន", "Oun / Aun"),
        ("មុំ", "Mom"),
        ("ណា", "Na"),
        ("លីន", "Lin"),
        ("ស្រីស", "Srey Sar / Sreysar"),
    ]
)

KHMER_POOLS = (KHMER_GIVEN_FEMALE, KHMER_GIVEN_MALE, KHMER_FAMILY, KHMER_NICKNAMES)


@dataclass(frozen=True)
class VietnameseName:
    """A Vietnamese name part with diacritics and as commonly written without them."""

    written: str
    plain: str


def _vietnamese(rows: str) -> tuple[VietnameseName, ...]:
    return tuple(VietnameseName(w, undiacritise(w)) for w in rows.split())


def undiacritise(text: str) -> str:
    """Vietnamese as typed on a keyboard without diacritics (Nguyễn → Nguyen, Đặng → Dang)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


VIETNAMESE_FAMILY = _vietnamese(
    "Nguyễn Trần Lê Phạm Huỳnh Võ Hoàng Phan Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Mai Tô Châu Đoàn Cao Lưu"
)
# The first middle name is by far the most common (generators weight it).
VIETNAMESE_MIDDLE_FEMALE = _vietnamese("Thị Ngọc Thanh Kim Hoài Mỹ")
VIETNAMESE_MIDDLE_MALE = _vietnamese("Văn Minh Quốc Đức Hữu")
VIETNAMESE_GIVEN_FEMALE = _vietnamese(
    "Hồng Lan Mai Hoa Hương Linh Trang Thảo Ngọc Yến Phương Hạnh Nhung Vy Nga Diễm Thủy Hằng Loan Tuyết Oanh "
    "Nhi Quyên Hà Anh Trinh Tâm My Dung Huyền"
)
VIETNAMESE_GIVEN_MALE = _vietnamese("Nam Hùng Tuấn Long Bảo Dũng Khang Phúc")

THAI_GIVEN_FEMALE = _latin(
    ["Siriporn / Siriphon", "Kanya", "Malai", "Ratchanee / Rachanee", "Ploy", "Nok", "Wassana / Wasana", "Nittaya"]
)
THAI_FAMILY = _latin(["Srisuk / Srisook", "Wongsa", "Boonmee / Bunmi", "Kaewmanee / Kaewmani", "Chaiyaporn"])
LAO_GIVEN_FEMALE = _latin(["Manivone / Manivong", "Souksavanh / Souksavan", "Vilay", "Noy / Noi", "Phonsavanh"])
LAO_FAMILY = _latin(["Phommachanh / Phommachan", "Sisouphanh", "Vongsa", "Keomany / Keomani", "Inthavong"])

# Staff of the demo agencies, so the accounts have names (first name, family name).
STAFF_NAMES: dict[str, tuple[str, str]] = {
    "dara": ("Dara", "Sok"),
    "sovann": ("Sovann", "Chhim"),
    "piseth": ("Piseth", "Keo"),
    "sophea": ("Sophea", "Chan"),
    "kanha": ("Kanha", "Heng"),
    "sokun": ("Sokun", "Mao"),
    "channary": ("Channary", "Ly"),
    "sreymom": ("Srey Mom", "Tep"),
    "nary": ("Nary", "Ouk"),
    "hong": ("Hồng", "Trần"),
    "bopha": ("Bopha", "Chea"),
    "visal": ("Visal", "Sem"),
    "vannak": ("Vannak", "Pich"),
    "ratha": ("Ratha", "Meas"),
    "kosal": ("Kosal", "Yim"),
    "lina": ("Lina", "Seng"),
    "rith": ("Rith", "Long"),
    "malis": ("Malis", "Nuon"),
    "chenda": ("Chenda", "Kong"),
    "dalin": ("Dalin", "Prak"),
}
