"""Render a report: ``ReportData`` in, the bytes of a Decree 30/2020/NĐ-CP .docx out.

A pure function: no database, no clock, no settings (the letterhead arrives in the data), and the
same data gives the same bytes. Layout (FORMATS.md): A4 portrait, the Decree's margins, Times New
Roman; the header block as a borderless two-column table (bodies and number | national title,
motto, place and date); "BÁO CÁO" and the summary line; the body in the official outline (I–V);
the recipients and signature as a second borderless table; page numbers in the top margin from
page 2; then one landscape section per appendix, each numbered on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from core.text import format_int
from models.dossiers.stats import Figures
from reports import wording
from reports.charts import dossier_outcome_chart, task_completion_chart
from reports.data import ReportData, TaskCounts, TaskLine, TaskState
from reports.document import IssueInfo, Section, as_issued
from reports.docx_kit import (
    TEXT_WIDTH_MM,
    add_run,
    add_table,
    block,
    body,
    broken_into_lines,
    cell_width_mm,
    detach_row,
    document_bytes,
    keep_row_whole,
    new_document,
    new_page_section,
    page_number_header,
    placeholder,
    repeat_as_header,
    rule_under,
    setup_section,
    short_rule_mm,
    stamp_row,
    text_width_mm,
)
from reports.outline import APPENDICES, ROMAN_NUMERALS, AppendixItem

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = "BÁO CÁO"

# Sizes in points, each within the Decree 30 range for its part.
TITLE_SIZE = 12  # national title, 12–13
MOTTO_SIZE = 13  # 13–14
BODY_NAME_SIZE = 13  # supervising and issuing body, 12–13
NUMBER_SIZE = 13
DATE_SIZE = 14  # place and date, 13–14
DOCUMENT_TYPE_SIZE = 14
SUMMARY_SIZE = 14
TEXT_SIZE = 14  # "Kính gửi", body, signer
PAGE_NUMBER_SIZE = 14
RECIPIENTS_TITLE_SIZE = 12
RECIPIENTS_SIZE = 11
SIGNER_SIZE = 14
APPENDIX_TITLE_SIZE = 14
TABLE_SIZE = 12
CAPTION_SIZE = 13

LETTERHEAD_COLUMNS_MM = (65, 100)  # left: bodies and number; right: title, motto, place and date
SIGNATURE_COLUMNS_MM = (80, 85)  # left: Nơi nhận; right: the signer
SIGNATURE_SPACE_PT = 72  # room for the signature and the seal
CHART_WIDTH_CM = 15
DRAFT_MARK_SIZE = 14


def render_report(data: ReportData, sections: Sequence[Section], issue: IssueInfo | None) -> bytes:
    """The report as .docx bytes: ``sections`` as composed or edited by staff; ``issue`` None
    prints a draft ("DỰ THẢO", number and date left blank, what staff are still to write marked).
    An issued report prints ``reports.document.as_issued``: what was not written is left out
    (issuing with placeholders left takes a reason, reports.runs), never "[Nội dung do chuyên
    viên …]" nor a heading with nothing under it."""
    if issue is not None and issue.profile_key != data.issuer.key:
        raise ValueError(f"issued as {issue.profile_key!r} but written for {data.issuer.key!r}")
    document = new_document(data.title, data.issuer.issuing_body, data.period_end)
    section = document.sections[0]
    setup_section(section, landscape=False, restart_numbering=False)
    page_number_header(section, PAGE_NUMBER_SIZE)
    if issue is None:
        block(document, wording.DRAFT_MARK, size=DRAFT_MARK_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _letterhead(document, data, issue)
    _title_block(document, data)
    if issue is not None:
        sections = as_issued(sections)
    charts = itertools.count(1)
    for index, part in enumerate(sections):
        _section(document, data, part, charts, closing=index == len(sections) - 1)
    _signature(document, data, issue)
    printed = [item for item in APPENDICES if APPENDIX_SOURCES[item.writer](data)]
    for numeral, item in zip(appendix_numerals(len(printed)), printed, strict=False):
        _appendix(document, data, issue, numeral, item)
    return document_bytes(document)


# --- page 1 ----------------------------------------------------------------------------------------


def _letterhead(document: DocumentObject, data: ReportData, issue: IssueInfo | None) -> None:
    head = data.issuer
    left_mm, right_mm = LETTERHEAD_COLUMNS_MM
    table = add_table(document, 2, LETTERHEAD_COLUMNS_MM, ruled=False)
    (bodies, title), (number, dated) = table.rows[0].cells, table.rows[1].cells
    room = cell_width_mm(left_mm)
    if head.supervising_body:
        supervising = broken_into_lines(head.supervising_body.upper(), BODY_NAME_SIZE, False, room)
        block(bodies, supervising, size=BODY_NAME_SIZE)
    issuer = broken_into_lines(head.issuing_body.upper(), BODY_NAME_SIZE, True, room)
    issuing = block(bodies, issuer, size=BODY_NAME_SIZE, bold=True)
    rule_under(issuing, short_rule_mm(issuer, BODY_NAME_SIZE, True, room), room)
    block(title, NATIONAL_TITLE, size=TITLE_SIZE, bold=True)
    motto = block(title, MOTTO, size=MOTTO_SIZE, bold=True)
    rule_under(motto, text_width_mm(MOTTO, MOTTO_SIZE, True), cell_width_mm(right_mm))
    number_line = wording.number_line(head, issue.number if issue else None)
    block(number, number_line, size=NUMBER_SIZE, space_before=6)
    place_and_date = wording.place_and_date(head, issue.issued_on if issue else None)
    block(dated, place_and_date, size=DATE_SIZE, italic=True, space_before=6)


def _title_block(document: DocumentObject, data: ReportData) -> None:
    block(document, DOCUMENT_TYPE, size=DOCUMENT_TYPE_SIZE, bold=True, space_before=18)
    title = broken_into_lines(data.title, SUMMARY_SIZE, True, TEXT_WIDTH_MM)
    summary = block(document, title, size=SUMMARY_SIZE, bold=True)
    rule = rule_under(summary, short_rule_mm(title, SUMMARY_SIZE, True, TEXT_WIDTH_MM), TEXT_WIDTH_MM)
    rule.paragraph_format.space_after = Pt(12)
    if addressee := wording.addressee_line(data.issuer):
        block(document, addressee, size=TEXT_SIZE, space_after=12)


def _signature(document: DocumentObject, data: ReportData, issue: IssueInfo | None) -> None:
    head = data.issuer
    table = add_table(document, 1, SIGNATURE_COLUMNS_MM, ruled=False)
    keep_row_whole(table.rows[0]._tr)  # "Nơi nhận" and the signature on one page
    recipients, signer = table.rows[0].cells
    left = WD_ALIGN_PARAGRAPH.LEFT
    block(
        recipients,
        "Nơi nhận:",
        size=RECIPIENTS_TITLE_SIZE,
        bold=True,
        italic=True,
        align=left,
        space_before=12,
    )
    for line in wording.recipient_lines(head):
        block(recipients, line, size=RECIPIENTS_SIZE, align=left)
    for index, line in enumerate(head.signer_authority):
        block(signer, line.upper(), size=SIGNER_SIZE, bold=True, space_before=12 if index == 0 else 0)
    name = issue.signer_name if issue else head.signer_name
    block(signer, name, size=SIGNER_SIZE, bold=True, space_before=SIGNATURE_SPACE_PT)


# --- the body, in the official outline -------------------------------------------------------------


def _heading(document: DocumentObject, text: str, level: int) -> None:
    add_run(document.add_paragraph(style=f"Heading {level}"), text)


def appendix_numerals(count: int) -> Sequence[str]:
    """Decree 30 numbers appendices with Roman numerals when there are several; a single one is
    just "Phụ lục"."""
    return ("",) if count == 1 else ROMAN_NUMERALS[:count]


def _section(
    document: DocumentObject, data: ReportData, part: Section, charts: Iterator[int], closing: bool
) -> None:
    """One outline section: its heading, then its paragraphs (placeholders marked), and the
    chart that follows a paragraph it illustrates (numbered from ``charts``). The closing
    section is kept on the page of the signature block that follows it."""
    if part.heading:
        _heading(document, part.heading, part.level)
    for paragraph in part.paragraphs:
        printed = (placeholder if paragraph.placeholder else body)(document, paragraph.text)
        printed.paragraph_format.keep_with_next = closing or None
        chart = _CHARTS.get(paragraph.key)
        if chart and (drawn := chart(data)):
            _chart(document, *drawn, next(charts))


def _chart(document: DocumentObject, png: bytes, caption: str, number: int) -> None:
    picture = block(document, space_before=6)
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(BytesIO(png), width=Cm(CHART_WIDTH_CM))
    block(document, wording.chart_caption(number, caption), size=CAPTION_SIZE, italic=True, space_after=6)


def _tasks_chart(data: ReportData) -> tuple[bytes, str] | None:
    if data.plan is None or not any(area.total for area in data.plan.areas):
        return None
    return task_completion_chart(data.plan.areas), wording.TASKS_CHART_CAPTION


def _dossiers_chart(data: ReportData) -> tuple[bytes, str] | None:
    if data.dossiers is None or not data.dossiers.by_month:
        return None
    return dossier_outcome_chart(data.dossiers.by_month), wording.DOSSIERS_CHART_CAPTION


# The chart (its picture and caption, or None without data) that follows a paragraph, by key.
_CHARTS: dict[str, Callable[[ReportData], tuple[bytes, str] | None]] = {
    "I.1.overview": _tasks_chart,
    "II.2.dossiers.resolved": _dossiers_chart,
}


# --- appendices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    title: str
    width_mm: float
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER


_LEFT = WD_ALIGN_PARAGRAPH.LEFT
_RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def _appendix(
    document: DocumentObject, data: ReportData, issue: IssueInfo | None, numeral: str, item: AppendixItem
) -> None:
    """A new landscape section, numbered from 1, headed "Phụ lục I" (or "Phụ lục" alone), its name
    and reference (and, drawn up before the cut-off, the days its figures cover)."""
    section = new_page_section(document)
    setup_section(section, landscape=True, restart_numbering=True)
    block(document, f"Phụ lục {numeral}".rstrip(), size=APPENDIX_TITLE_SIZE, bold=True)
    block(document, item.title.upper(), size=APPENDIX_TITLE_SIZE, bold=True)
    reference = wording.appendix_reference(
        data.issuer, issue.number if issue else None, issue.issued_on if issue else None
    )
    lines = [
        block(document, line, size=APPENDIX_TITLE_SIZE, italic=True)
        for line in (reference, wording.appendix_figures_date(data, item.writer))
        if line
    ]
    lines[-1].paragraph_format.space_after = Pt(12)
    APPENDIX_WRITERS[item.writer](document, data)


def _table_heading(document: DocumentObject, text: str) -> None:
    block(document, text, size=APPENDIX_TITLE_SIZE, bold=True, align=_LEFT, space_before=6, space_after=6)


PLAIN, GROUP, BOLD = "plain", "group", "bold"
_Row = tuple[str, Sequence[str]]  # (PLAIN | GROUP | BOLD, the cells' texts; one text for a GROUP)


def _data_table(
    document: DocumentObject,
    columns: Sequence[_Column],
    rows: Sequence[_Row],
    groups: Sequence[tuple[str | None, int]] = (),
    size: float = TABLE_SIZE,
) -> None:
    """A ruled table whose header rows repeat on every page and whose rows never split across
    pages. A GROUP row is one bold cell across the table, kept with the row after it; a BOLD row
    is a subtotal or total, and one that ends the table is kept with the row before it (a total
    alone on a page reads as a table of its own). ``groups`` (title, span) adds a header row
    over the column titles (title None: the column's own title spans both rows). Body rows are
    stamped from formatted prototypes (a 500-task list would take seconds cell by cell)."""
    widths = tuple(column.width_mm for column in columns)
    table = add_table(document, 2 if groups else 1, widths, ruled=True)
    _header_rows(table, columns, groups, size)
    prototypes = {kind: _prototype_row(table, columns, kind, size) for kind in (PLAIN, GROUP, BOLD)}
    for kind, values in rows:
        stamp_row(table, prototypes[kind], values)
    if len(rows) > 1 and rows[-1][0] == BOLD:
        for cell in table.rows[-2].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _header_rows(
    table, columns: Sequence[_Column], groups: Sequence[tuple[str | None, int]], size: float
) -> None:
    for row in table.rows:
        repeat_as_header(row)
        keep_row_whole(row._tr)
    top, bottom = table.rows[0].cells, table.rows[-1].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    if not groups:
        for cell, column in zip(top, columns, strict=True):
            _cell(cell, column.title, center, True, size)
        return
    first = 0
    for title, span in groups:
        last = first + span - 1
        if title is None:
            _cell(top[first].merge(bottom[first]), columns[first].title, center, True, size)
        else:
            _cell(top[first].merge(top[last]), title, center, True, size)
            for index in range(first, last + 1):
                _cell(bottom[index], columns[index].title, center, True, size)
        first = last + 1


def _prototype_row(table, columns: Sequence[_Column], kind: str, size: float):
    """A formatted row to copy: PLAIN, BOLD or GROUP (one bold cell across the table, kept on
    the page of the row after it)."""
    cells = table.add_row().cells
    if kind == GROUP:
        _cell(cells[0].merge(cells[-1]), "#", _LEFT, True, size).paragraph_format.keep_with_next = True
    else:
        for cell, column in zip(cells, columns, strict=True):
            _cell(cell, "#", column.align, True if kind == BOLD else None, size)
    row = table.rows[-1]
    keep_row_whole(row._tr)
    return detach_row(row)


def _cell(cell, text: str, align: WD_ALIGN_PARAGRAPH, bold: bool | None, size: float) -> Paragraph:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return block(cell, text, size=size, bold=bold, align=align)


def _rate_cell(rate: float | None) -> str:
    return wording.NONE_CELL if rate is None else wording.percent(rate)


# Appendix I: tasks by area and by lead unit, by state.
_STATE_COLUMNS = tuple(
    _Column(wording.TASK_STATE_LABELS[state], 24)
    for state in (
        TaskState.COMPLETED_ON_TIME,
        TaskState.COMPLETED_LATE,
        TaskState.IN_PROGRESS,
        TaskState.NOT_STARTED,
        TaskState.OVERDUE,
    )
)


def _counts_cells(label: str, counts: TaskCounts) -> list[str]:
    states = (counts.completed_on_time, counts.completed_late, counts.in_progress, counts.not_started)
    values = (counts.total, *states, counts.overdue)
    return [label, *map(format_int, values), _rate_cell(wording.share(counts.completed, counts.total))]


def _appendix_progress(document: DocumentObject, data: ReportData) -> None:
    plan = data.plan
    for heading, label, named_counts in (
        ("1. Theo lĩnh vực", "Lĩnh vực", [(area.label, area.counts) for area in plan.areas]),
        ("2. Theo đơn vị chủ trì", "Đơn vị chủ trì", [(unit.unit, unit.counts) for unit in plan.by_unit]),
    ):
        _table_heading(document, heading)
        columns = [
            _Column("STT", 12),
            _Column(label, 76, _LEFT),
            _Column("Tổng số nhiệm vụ", 20),
            *_STATE_COLUMNS,
            _Column("Tỷ lệ hoàn thành", 24),
        ]
        rows: list[_Row] = [
            (PLAIN, [str(i), *_counts_cells(name, counts)])
            for i, (name, counts) in enumerate(named_counts, 1)
        ]
        rows.append((BOLD, ["", *_counts_cells(wording.TOTAL, plan.counts)]))
        _data_table(document, columns, rows)


_TASK_COLUMNS = (
    _Column("STT", 12),
    _Column("Mã", 22),
    _Column("Nhiệm vụ", 92, _LEFT),
    _Column("Đơn vị chủ trì", 45, _LEFT),
    _Column("Thời hạn", 24),
    _Column("Tình trạng", 37),
    _Column("Tiến độ", 20),
)


def _appendix_tasks(document: DocumentObject, data: ReportData) -> None:
    plan = data.plan
    rows: list[_Row] = []
    number = 0
    for area in plan.areas:
        tasks = [task for task in plan.tasks if task.area == area.key]
        rows.extend([(GROUP, [area.label])] if tasks else [])
        for task in tasks:  # numbered on across the areas
            number += 1
            rows.append((PLAIN, _task_row(number, task)))
    _data_table(document, _TASK_COLUMNS, rows)


def _task_row(number: int, task: TaskLine) -> list[str]:
    return [
        str(number),
        task.code,
        task.title,
        task.lead_unit,
        wording.deadline_text(task),
        wording.TASK_STATE_LABELS[task.state],
        f"{task.progress}%",
    ]


# Appendix III: form Biểu 06/VPCP/KSTT (Circular 01/2020/TT-VPCP), plus returned and withdrawn.
BIEU_06_SIZE = 10
_DOSSIER_COLUMNS = (
    _Column("STT", 10),  # "STT" on one line in the 10 pt header
    _Column("Cấp, đơn vị", 40, _LEFT),  # most unit names on one line
    _Column("Tổng số", 18, _RIGHT),
    _Column("Trực tuyến", 17, _RIGHT),
    _Column("Trực tiếp, bưu chính", 18, _RIGHT),
    _Column("Từ kỳ trước", 15, _RIGHT),
    _Column("Tổng số", 18, _RIGHT),
    _Column("Trước hạn", 17, _RIGHT),
    _Column("Đúng hạn", 17, _RIGHT),
    _Column("Quá hạn", 14, _RIGHT),
    _Column("Tổng số", 17, _RIGHT),
    _Column("Trong hạn", 16, _RIGHT),
    _Column("Quá hạn", 14, _RIGHT),
    _Column("Trả lại, rút", 15, _RIGHT),
)
_DOSSIER_GROUPS = (
    (None, 1),
    (None, 1),
    ("Số hồ sơ nhận giải quyết", 4),
    ("Số hồ sơ đã giải quyết", 4),
    ("Số hồ sơ đang giải quyết", 3),
    (None, 1),
)


def _appendix_dossiers(document: DocumentObject, data: ReportData) -> None:
    section = data.dossiers
    rows: list[_Row] = []
    for numeral, level in zip(ROMAN_NUMERALS, section.by_level, strict=False):
        rows.append((BOLD, _dossier_row(numeral, level.label, level.figures)))
        units = [row for row in section.by_unit if row.level == level.level]
        rows += [(PLAIN, _dossier_row(str(i), row.label, row.figures)) for i, row in enumerate(units, 1)]
    rows.append((BOLD, _dossier_row("", wording.dossier_total(data.scope_unit), section.current)))
    _data_table(document, _DOSSIER_COLUMNS, rows, _DOSSIER_GROUPS, size=BIEU_06_SIZE)
    body(document, wording.balance_sentence(section.current))


def _dossier_row(number: str, label: str, f: Figures) -> list[str]:
    counts = (
        f.carried_over + f.received, f.received_online, f.received_direct + f.received_postal, f.carried_over,
        f.resolved, f.resolved_early, f.resolved_on_time, f.resolved_late,
        f.open, f.open_within_deadline, f.open_overdue,
        f.returned + f.withdrawn,
    )  # fmt: skip
    return [number, label, *map(format_int, counts)]


def _appendix_indices(document: DocumentObject, data: ReportData) -> None:
    columns = [
        _Column("STT", 12),
        _Column("Chỉ số", 90, _LEFT),
        _Column("Năm đánh giá", 24),
        _Column("Ngày công bố", 28),
        _Column("Kết quả", 32),
        _Column("Xếp hạng", 24),
        _Column("So với năm trước", 42),
    ]
    rows: list[_Row] = [
        (PLAIN, [str(i), *wording.index_cells(line)]) for i, line in enumerate(data.indices, 1)
    ]
    _data_table(document, columns, rows)


def _appendix_rounds(document: DocumentObject, data: ReportData) -> None:
    """Every indicator of the period's round with the province figure from the accepted
    submissions and how many units gave one."""
    section = data.rounds
    body(document, wording.round_coverage(section))
    columns = [
        _Column(title, width, align)
        for title, width, align in zip(
            wording.ROUND_APPENDIX_HEADER,
            (12, 22, 110, 36, 40, 32),
            (
                WD_ALIGN_PARAGRAPH.CENTER,
                WD_ALIGN_PARAGRAPH.CENTER,
                _LEFT,
                _LEFT,
                _RIGHT,
                WD_ALIGN_PARAGRAPH.CENTER,
            ),
            strict=True,
        )
    ]
    rows: list[_Row] = [
        (PLAIN, [str(number), *wording.round_cells(figure)])
        for number, figure in enumerate(section.figures, 1)
    ]
    _data_table(document, columns, rows)


_Writer = Callable[[DocumentObject, ReportData], None]
# What each appendix prints: it is printed only when the report has it.
APPENDIX_SOURCES: dict[str, Callable[[ReportData], object]] = {
    "progress": lambda data: data.plan and data.plan.total,  # a scope leading no task: no table of 0
    "tasks": lambda data: data.plan and data.plan.total,
    "dossiers": lambda data: data.dossiers,
    "indices": lambda data: data.indices,
    "rounds": lambda data: data.rounds,
}
APPENDIX_WRITERS: dict[str, _Writer] = {
    "progress": _appendix_progress,
    "tasks": _appendix_tasks,
    "dossiers": _appendix_dossiers,
    "indices": _appendix_indices,
    "rounds": _appendix_rounds,
}
