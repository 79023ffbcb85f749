"""A reporting round from opening to the report, on both engines (issue 15, "Done means"):
four units are asked; three submit (one through the XLSX form, after an error by cell is
fixed), one is returned and resubmits, one never submits. The generated report quotes the
consolidated figures, names the missing unit, its appendix table reconciles with the
submissions, and the units' answers are offered to the draft with the unit named."""

from __future__ import annotations

import dataclasses
import io

import pytest
from openpyxl import load_workbook

from core.errors import InvalidInput
from core.settings import get_settings
from models.rounds import submissions as subs
from models.rounds.forms_xlsx import form_workbook, upload_form
from models.rounds.submissions import Changes
from models.units.service import UnitData, create_unit_unchecked
from reports import drafts
from reports.collect import collect_report
from reports.document import compose
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report
from reports.runs import coverage
from tests.reports.docx_read import full_text, load, section_blocks, tables
from tests.rounds_world import open_test_round
from tests.world import build_world

pytestmark = pytest.mark.anyio

SETTINGS = dataclasses.replace(get_settings().report, calendar=Calendar.CALENDAR.value)
PERIOD = period_for(PeriodKind.HALF_YEAR, 2024, Calendar.CALENDAR)


def filled(content: bytes, figures: dict[str, object]) -> tuple[bytes, dict[str, int]]:
    book = load_workbook(io.BytesIO(content))
    rows = {}
    for row in book.active.iter_rows(min_row=2):
        rows[row[0].value] = row[0].row
        if row[0].value in figures:
            row[4].value = figures[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


async def run_the_round():
    """Four units asked; Sở Công Thương never submits."""
    world = await build_world()
    never = await create_unit_unchecked(UnitData("SCT", "Sở Công Thương", "department", "province"))
    rounds = await open_test_round(world, also_asked=(never["id"],))
    sid = {
        unit: await subs.submission_id_for(world.staff, rounds.round_id, unit)
        for unit in (world.unit_a, world.unit_b, rounds.commune)
    }

    # Unit A: through the web form's domain calls, returned once and sent again.
    await subs.submit(
        world.head_a,
        sid[world.unit_a],
        Changes(
            figures={"CD01": 3, "CD02": 2, "TC01": 12, "TT03": 1000, "TT04": 50},
            answers={
                "II.1": "Rà soát 40 văn bản, kiến nghị bãi bỏ 3 văn bản.",
                "V": "Đề nghị tập huấn nghiệp vụ rà soát.",
            },
        ),
    )
    await subs.return_submission(world.staff, sid[world.unit_a], {"figures.TC01": "Số văn bản chưa khớp."})
    await subs.submit(rounds.reporter_a, sid[world.unit_a], Changes(figures={"TC01": 10}))
    await subs.accept(world.staff, sid[world.unit_a])

    # Unit B: through the XLSX form, an error by cell fixed.
    content = await form_workbook(world.head_b, sid[world.unit_b])
    bad, rows = filled(
        content,
        {"CD01": 1, "CD02": 1, "TC01": "tám", "TT03": 3000, "TT04": 90, "II.1": "Ban hành 8 văn bản."},
    )
    with pytest.raises(InvalidInput) as refused:
        await upload_form(world.head_b, sid[world.unit_b], "b.xlsx", bad, None)
    assert [e.message.split(":")[0] for e in refused.value.errors] == [f"Ô E{rows['TC01']}"]
    good, _ = filled(
        content, {"CD01": 1, "CD02": 1, "TC01": 8, "TT03": 3000, "TT04": 90, "II.1": "Ban hành 8 văn bản."}
    )
    await upload_form(world.head_b, sid[world.unit_b], "b.xlsx", good, None)
    await subs.submit(world.head_b, sid[world.unit_b])
    await subs.accept(world.staff, sid[world.unit_b])

    # The commune: straight through.
    await subs.submit(rounds.head_c, sid[rounds.commune], Changes(figures={"CD01": 2, "CD02": 1, "TC01": 1}))
    await subs.accept(world.staff, sid[rounds.commune])
    return rounds


async def test_a_round_from_opening_to_the_report(db, today):
    rounds = await run_the_round()
    data = await collect_report(PERIOD, SETTINGS)
    assert data.rounds is not None and data.rounds.missing == ("Sở Công Thương",)
    text = full_text(load(render_report(data, compose(data), None)))
    assert "đã tiếp nhận báo cáo của 3/4 đơn vị; chưa có báo cáo của Sở Công Thương." in text
    assert "- Số văn bản quy phạm pháp luật đã ban hành: 19 (số liệu của 3/4 đơn vị)." in text  # 10 + 8 + 1
    assert (
        "- Tỷ lệ hồ sơ tiếp nhận trực tuyến: 80,00% (số liệu của 2/4 đơn vị)" in text
    )  # (50×1000 + 90×3000) / 4000

    document = load(render_report(data, compose(data), None))
    appendix = section_blocks(document)[-1]
    assert any(getattr(block, "text", "").startswith("Phụ lục ") for block in appendix)
    assert "TỔNG HỢP SỐ LIỆU BÁO CÁO CỦA CÁC ĐƠN VỊ" in [getattr(block, "text", "") for block in appendix]
    [table] = tables(appendix)
    body = {row.cells[1].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    submitted = [
        sub["figures"] for sub in await subs.round_submissions(rounds.round_id) if sub["status"] == "accepted"
    ]
    for code in ("CD01", "CD02", "TC01", "TT03"):
        total = sum(figures.get(code, 0) for figures in submitted)
        reported = sum(code in figures for figures in submitted)
        assert body[code][4] == f"{int(total):,}".replace(",", ".")
        assert body[code][5] == f"{reported}/4"
    assert body["CDS03"][4] == "—"  # nobody reported it: no figure, not a zero

    statement = coverage(data)[-1]
    assert (statement.source, statement.available) == ("Báo cáo của các đơn vị", True)
    assert "chưa có báo cáo của Sở Công Thương" in statement.statement  # on the draft page, before generating

    offered = drafts.unit_answers(data, {})
    assert offered["II.1"] == [
        "Sở Tư pháp: Rà soát 40 văn bản, kiến nghị bãi bỏ 3 văn bản.",
        "Sở Y tế: Ban hành 8 văn bản.",
    ]
    assert offered["V"] == ["Sở Tư pháp: Đề nghị tập huấn nghiệp vụ rà soát."]


async def test_a_report_without_a_round_prints_no_round_figures(db, today):
    await build_world()
    data = await collect_report(PERIOD, SETTINGS)
    assert data.rounds is None
    assert [c.source for c in coverage(data)] == ["Kế hoạch CCHC", "Hồ sơ TTHC", "Chỉ số CCHC"]
    document = load(render_report(data, compose(data), None))
    text = full_text(document)
    assert (
        "TỔNG HỢP SỐ LIỆU BÁO CÁO CỦA CÁC ĐƠN VỊ" not in text
        and "theo báo cáo của các đơn vị" not in text.lower()
    )


def test_every_section_a_round_asks_about_is_in_the_report_outline():
    from models.rounds.rules import INDICATOR_SECTIONS, QUESTION_SECTIONS
    from reports.outline import OUTLINE

    keys = {item.key for item in OUTLINE}
    assert set(QUESTION_SECTIONS) <= keys and set(INDICATOR_SECTIONS) <= keys


# A staff paragraph quoting a consolidated figure (19 documents issued; 80,00% filed online):
# flagged unless it agrees. Round indicators are the province's data, not FIGURE_TERMS: their
# figures are named by the words before them in their generated item ("… đã ban hành: 19").
ROUND_CONTRADICTIONS = [
    ("II.1", "Các đơn vị đã ban hành 25 văn bản quy phạm pháp luật.", 1),
    ("II.1", "Các đơn vị đã ban hành 19 văn bản quy phạm pháp luật.", 0),
    ("II.1", "Tổ chức 3 đoàn kiểm tra tại 15 đơn vị.", 0),
]


@pytest.mark.parametrize(("section", "text", "flagged"), ROUND_CONTRADICTIONS)
async def test_a_staff_paragraph_contradicting_a_round_figure_is_flagged(db, today, section, text, flagged):
    await run_the_round()
    composed = compose(await collect_report(PERIOD, SETTINGS))
    _, warnings = drafts.apply_draft(composed, {section: (drafts.Item(drafts.STAFF, "staff:a", text),)})
    assert [w.kind for w in warnings if w.paragraph_key == "staff:a"] == ["contradiction"] * flagged
