"""Participants from a spreadsheet (.xlsx): one row each under a header row. Read completely and
checked before anything is written (``actions.do_add_participants``)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from casebridge.agencies.models import Agency
from casebridge.training.actions import MAX_PARTICIPANTS, ParticipantData
from casebridge.training.models import OfficialRole, Sex

COLUMNS = {
    "name": "Name",
    "sex": "Sex",
    "role": "Role",
    "agency": "Agency code",
    "organisation": "Organisation",
    "attended": "Attended",
    "pre_score": "Score before",
    "post_score": "Score after",
}
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
MAX_COLUMNS = 50
MAX_BLANK = 500
YES = {"yes", "y", "true", "1", "x", "✓", "បាទ", "ចាស", "có"}
NO = {"", "no", "n", "false", "0", "ទេ", "không"}


def _lookup(choices: Any) -> dict[str, str]:
    """Each value, by its code and by its label in every language, lower-cased."""
    table: dict[str, str] = {}
    for code, label in choices:
        table[code.lower()] = code
        for language in ("en", "km", "vi"):
            with translation.override(language):
                table[_folded(label)] = code
    return table


def template() -> bytes:
    """An empty participant list with its header row and the allowed values as drop-downs."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Participants"
    sheet.append(list(COLUMNS.values()))
    for column, choices in (("B", Sex.values), ("C", OfficialRole.values), ("F", ["yes", "no"])):
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        check.add(f"{column}2:{column}{MAX_PARTICIPANTS + 1}")
        sheet.add_data_validation(check)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes) -> list[ParticipantData]:
    """The rows of an uploaded list; a ValidationError saying what is wrong with the file itself
    (a row's own problems are found by the action, all at once)."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 2 MB.")})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError({"file": _("This is not an .xlsx spreadsheet.")}) from None
    if unpacked > MAX_UNPACKED:
        raise ValidationError({"file": _("The spreadsheet is too large once opened (more than 20 MB).")})
    try:
        return _rows(data)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError({"file": _("This is not an .xlsx spreadsheet.")}) from None


def _rows(data: bytes) -> list[ParticipantData]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    header = [_folded(h) for h in first]
    names = {label.lower(): key for key, label in COLUMNS.items()} | {key: key for key in COLUMNS}
    where = {names[h]: i for i, h in enumerate(header) if h in names}
    missing = [COLUMNS[k] for k in ("name", "sex", "role") if k not in where]
    if missing:
        raise ValidationError(
            {"file": _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}}
        )
    sexes, roles = _lookup(Sex.choices), _lookup(OfficialRole.choices)
    agencies = {a.code.lower(): a for a in Agency.objects.filter(is_active=True)}
    found: list[ParticipantData] = []
    # Rows are read only as far as the columns named, and blank rows count towards the limit:
    # a small file cannot make the server walk millions of empty rows or cells.
    for number, values in enumerate(
        sheet.iter_rows(
            min_row=2, max_row=MAX_PARTICIPANTS + 1 + MAX_BLANK, max_col=max(where.values()) + 1, values_only=True
        ),
        2,
    ):
        cell = {k: values[i] if i < len(values) else None for k, i in where.items()}
        if all(v is None or str(v).strip() == "" for v in cell.values()):
            continue
        if len(found) >= MAX_PARTICIPANTS:
            raise ValidationError(
                {"file": _("A list has at most %(count)s participants.") % {"count": MAX_PARTICIPANTS}}
            )

        def text(key: str, cell: dict[str, Any] = cell) -> str:
            value = cell.get(key)
            return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()

        attended = text("attended").lower()
        code = text("agency").lower()
        found.append(
            ParticipantData(
                name=text("name"),
                sex=sexes.get(text("sex").lower(), text("sex") or "?"),
                role=roles.get(text("role").lower(), text("role") or "?"),
                agency=agencies.get(code) if code else None,
                organisation=text("organisation"),
                unknown_agency=text("agency") if code and code not in agencies else "",
                attended=True if attended in YES else False if attended in NO else None,
                pre_score=cell.get("pre_score"),
                post_score=cell.get("post_score"),
                row=number,
            )
        )
    if not found:
        raise ValidationError({"file": _("The spreadsheet lists nobody under its header row.")})
    return found


def _folded(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip().lower()
