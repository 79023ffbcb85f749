"""A unit's form as a spreadsheet: downloaded, filled in Excel, uploaded back. The upload goes
through the same validation as the web form (models.rounds.submissions.merged) and names each
error by its cell ("E7"), so the unit finds it in Excel.

Rows: one per indicator of the unit's form (its code, name, measure, last period's figure, the
figure, a note), then one per narrative question (its report section as the code, the answer in
the figure's column)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from core.errors import FieldError, InvalidInput
from core.tabular import Columns, neutralise, read_records, write_workbook
from core.text import identifier
from models.permissions import Principal
from models.rounds import rules
from models.rounds.submissions import Changes, get_submission, save
from models.vocabulary import Measure

COLUMNS: Columns = (
    ("code", "Mã"),
    ("name", "Chỉ tiêu / câu hỏi"),
    ("measure", "Đơn vị tính"),
    ("previous", "Kỳ trước"),
    ("value", "Số liệu / nội dung"),
    ("note", "Ghi chú"),
)
POSITION = {key: index for index, (key, _) in enumerate(COLUMNS)}
MAX_ROWS = 300


async def form_workbook(actor: Principal, submission_id: int) -> bytes:
    """The unit's form with what it holds now (and last period's figures beside)."""
    form = await get_submission(actor, submission_id)
    rows = [
        [
            ind["code"],
            neutralise(ind["name"]),
            Measure(ind["measure"]).label,
            rules.sheet_cell(ind["measure"], form["previous"].get(ind["code"])),
            rules.sheet_cell(ind["measure"], form["figures"].get(ind["code"])),
            neutralise(form["notes"].get(ind["code"], "")),
        ]
        for ind in form["indicators"]
    ]
    rows += [
        [
            q["section"],
            neutralise(q["text"]),
            "Nội dung",
            None,
            neutralise(form["answers"].get(q["section"], "")),
            "",
        ]
        for q in form["round"]["questions"]
    ]
    return write_workbook("Biểu mẫu", [label for _, label in COLUMNS], rows)


def _where(column: str, row: int) -> str:
    return f"{get_column_letter(POSITION[column] + 1)}{row}"


def _cell_error(error: FieldError, rows: dict[str, int]) -> FieldError:
    """A form error (``figures.TC01``) as the cell the unit typed it in."""
    kind, _, key = error.field.partition(".")
    column = "note" if kind == "notes" else "value"
    row = rows.get(key, 1)
    label = dict(COLUMNS)[column]
    return FieldError(
        label, error.reason, f"Ô {_where(column, row)}: {error.message}", row=row, value=error.value
    )


async def upload_form(
    actor: Principal, submission_id: int, filename: str, content: bytes, version: int | None
) -> dict:
    """Save what the uploaded form holds, as a draft; 422 listing each bad cell, nothing written."""
    form = await get_submission(actor, submission_id)
    records = await read_records(filename, content, COLUMNS, {"code", "value"}, MAX_ROWS)
    codes = {ind["code"] for ind in form["indicators"]}
    sections = {q["section"] for q in form["round"]["questions"]}
    figures, notes, answers, rows, errors = {}, {}, {}, {}, []
    for number, cells in records:
        code = identifier(cells["code"])
        if code.upper() in codes:
            code = code.upper()
            figures[code], notes[code], rows[code] = cells["value"], cells["note"], number
        elif code in sections:
            answers[code], rows[code] = cells["value"], number
        elif code:
            errors.append(
                FieldError(
                    dict(COLUMNS)["code"],
                    "not on this unit's form",
                    f"Ô {_where('code', number)}: mã “{code}” không có trong biểu mẫu của đơn vị.",
                    row=number,
                    value=code,
                )
            )
    if errors:
        raise InvalidInput(f"{len(errors)} errors in the file; nothing was saved", errors)
    try:
        return await save(
            actor, submission_id, Changes(figures, notes, answers), expected_version=version, kind="uploaded"
        )
    except InvalidInput as exc:
        cell_errors = [_cell_error(error, rows) for error in exc.errors]
        raise InvalidInput(f"{len(cell_errors)} errors in the file; nothing was saved", cell_errors) from None
