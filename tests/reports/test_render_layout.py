"""Every Decree 30/2020/NĐ-CP layout rule of FORMATS.md, read back from the rendered .docx."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from io import BytesIO
from zipfile import ZipFile

import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from reports import wording
from reports.document import compose
from reports.docx_kit import broken_into_lines, text_width_mm
from reports.render import BODY_NAME_SIZE, MOTTO, NATIONAL_TITLE, render_report
from tests.reports import sample
from tests.reports.docx_read import (
    bottom_border,
    cell_padding_mm,
    field_codes,
    following,
    font_value,
    load,
    mm,
    paragraph,
    repeats_as_header,
    runs_with_text,
    section_blocks,
    size_pt,
    style_value,
    table_borders,
    tables,
    twips_mm,
    uniform,
)

FONT = "Times New Roman"
SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def assert_times(fonts) -> None:
    assert fonts is not None
    assert [fonts.get(qn(slot)) for slot in SLOTS] == [FONT] * 4
    assert all(fonts.get(qn(attribute)) is None for attribute in THEME)


def rule_length_mm(rule, available_mm: float) -> float:
    fmt = rule.paragraph_format
    return available_mm - mm(fmt.left_indent) - mm(fmt.right_indent)


def assert_rule(rule) -> None:
    border = bottom_border(rule)
    assert border is not None and border.get(qn("w:val")) == "single"
    assert border.get(qn("w:color")) == "000000"
    assert not rule.text
    assert rule.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert rule.paragraph_format.line_spacing <= Pt(4)


# --- page ------------------------------------------------------------------------------------------


def test_body_is_a4_portrait_and_each_appendix_a4_landscape_with_the_decree_margins(document):
    sections = document.sections
    assert len(sections) == 5  # the report, then appendices I to IV
    assert sections[0].orientation == WD_ORIENT.PORTRAIT
    assert (round(mm(sections[0].page_width)), round(mm(sections[0].page_height))) == (210, 297)
    for section in sections[1:]:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.start_type == WD_SECTION.NEW_PAGE
        assert (round(mm(section.page_width)), round(mm(section.page_height))) == (297, 210)
    for section in sections:
        assert round(mm(section.top_margin)) == 20 and 20 <= mm(section.top_margin) <= 25
        assert round(mm(section.bottom_margin)) == 20 and 20 <= mm(section.bottom_margin) <= 25
        assert round(mm(section.left_margin)) == 30 and 30 <= mm(section.left_margin) <= 35
        assert round(mm(section.right_margin)) == 15 and 15 <= mm(section.right_margin) <= 20
        assert mm(section.header_distance) < mm(section.top_margin)  # the number sits in the top margin


def test_every_style_and_every_run_is_times_new_roman_black_and_vietnamese(document, sample_docx):
    styles = document.styles.element
    all_fonts = list(styles.iter(qn("w:rFonts")))
    assert all_fonts
    for fonts in all_fonts:
        assert_times(fonts)
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert_times(default.find(qn("w:rFonts")))
    assert default.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    normal = document.styles["Normal"]
    assert normal.font.name == FONT
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    for color in styles.iter(qn("w:color")):
        assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
    with ZipFile(BytesIO(sample_docx)) as package:
        assert "word/stylesWithEffects.xml" not in package.namelist()  # Word 2010's copy, theme fonts
        for name in package.namelist():
            if re.fullmatch(r"word/(styles|document|header\d+)\.xml", name):
                xml = package.read(name).decode()
                assert not any(attribute in xml for attribute in THEME), name
    for part in (document, *(s.header for s in document.sections), document.sections[0].first_page_header):
        for run in part._element.iter(qn("w:r")):
            if run.find(qn("w:t")) is not None:
                assert_times(run.rPr.find(qn("w:rFonts")))


# --- page 1: header block --------------------------------------------------------------------------


@pytest.fixture
def letterhead_table(document):
    return tables(section_blocks(document)[0])[0]


def test_the_header_block_is_a_borderless_two_column_table_first_on_page_one(document, letterhead_table):
    first = document.element.body[0]
    assert first.tag == qn("w:tbl") and first is letterhead_table._tbl
    assert set(table_borders(letterhead_table).values()) == {"nil"}
    assert len(letterhead_table.columns) == 2 and len(letterhead_table.rows) == 2
    assert sum(mm(column.width) for column in letterhead_table.columns) <= 165.5


def test_issuing_bodies_and_number_on_the_left(letterhead_table):
    bodies, number = letterhead_table.rows[0].cells[0], letterhead_table.rows[1].cells[0]
    supervising, issuing, rule = bodies.paragraphs
    assert supervising.text == "UBND TỈNH QUẢNG NINH" == supervising.text.upper()
    assert 12 <= size_pt(supervising) <= 13 and not uniform(supervising, "bold")
    assert issuing.text == "SỞ NỘI VỤ" == issuing.text.upper()
    assert 12 <= size_pt(issuing) <= 13 and uniform(issuing, "bold") is True
    assert_rule(rule)
    room = mm(letterhead_table.columns[0].width) - 2 * cell_padding_mm(letterhead_table)
    text = text_width_mm(issuing.text, size_pt(issuing), bold=True)
    assert text / 3 - 0.5 <= rule_length_mm(rule, room) <= text / 2 + 0.5  # a short rule: 1/3–1/2
    (line,) = number.paragraphs
    assert line.text == "Số: 15/BC-SNV" and size_pt(line) == 13 and not uniform(line, "bold")
    for part in (supervising, issuing, rule, line):
        assert part.paragraph_format.alignment == CENTER


def test_national_title_motto_and_place_date_on_the_right(letterhead_table):
    heading, dated = letterhead_table.rows[0].cells[1], letterhead_table.rows[1].cells[1]
    title, motto, rule = heading.paragraphs
    assert title.text == NATIONAL_TITLE == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert 12 <= size_pt(title) <= 13 and uniform(title, "bold") is True
    assert motto.text == MOTTO == "Độc lập - Tự do - Hạnh phúc"
    assert 13 <= size_pt(motto) <= 14 and uniform(motto, "bold") is True
    assert_rule(rule)
    room = mm(letterhead_table.columns[1].width) - 2 * cell_padding_mm(letterhead_table)
    assert rule_length_mm(rule, room) == pytest.approx(
        text_width_mm(MOTTO, size_pt(motto), bold=True), rel=0.02
    )
    (line,) = dated.paragraphs
    assert line.text == "Quảng Ninh, ngày 19 tháng 6 năm 2023"
    assert 13 <= size_pt(line) <= 14 and uniform(line, "italic") is True and not uniform(line, "bold")
    for part in (title, motto, rule, line):
        assert part.paragraph_format.alignment == CENTER


def test_place_and_date_pad_days_below_ten_and_january_february():
    data = sample.report()  # with every appendix
    issue = replace(sample.ISSUE, number="5", issued_on=date(2025, 1, 5))
    document = load(render_report(data, compose(data), issue))
    assert paragraph(document, "Quảng Ninh, ").text == "Quảng Ninh, ngày 05 tháng 01 năm 2025"
    assert paragraph(document, "Số: ").text == "Số: 05/BC-SNV"
    references = [p.text for p in document.paragraphs if p.text.startswith("(Kèm theo")]
    assert references == ["(Kèm theo Báo cáo số 05/BC-SNV ngày 05 tháng 01 năm 2025)"] * 4


COUNTED = "(Số liệu tính từ ngày 15/12/2022 đến ngày 13/06/2023, trước ngày chốt số liệu 14/06/2023)"
ON_THE_DAY = "(Số liệu tính từ ngày 15/12/2022 đến thời điểm lập báo cáo trong ngày chốt số liệu 14/06/2023)"


@pytest.mark.parametrize(
    ("drawn_up", "under_each_reference"),
    [
        (None, [[], [], [], []]),
        (date(2023, 6, 13), [[COUNTED], [COUNTED], [COUNTED], ["(Kết quả công bố đến ngày 13/06/2023)"]]),
        (
            date(2023, 6, 14),
            [[ON_THE_DAY], [ON_THE_DAY], [ON_THE_DAY], ["(Kết quả công bố đến ngày 14/06/2023)"]],
        ),
    ],
)
def test_each_appendix_of_a_report_drawn_up_early_says_to_which_day(drawn_up, under_each_reference):
    """A table forwarded alone must not pass for the whole period's: the tasks (I, II) and the
    dossiers (III) are counted to that day, the indices (IV) are those published by then."""
    data = sample.report(drawn_up_before_cut_off=drawn_up)  # with every appendix
    paragraphs = load(render_report(data, compose(data), None)).paragraphs
    starts = [i for i, p in enumerate(paragraphs) if p.text.startswith("(Kèm theo")]
    assert len(starts) == len(under_each_reference)
    for start, expected in zip(starts, under_each_reference, strict=True):
        under = [
            p.text for p in paragraphs[start + 1 : start + 2] if p.text.startswith(("(Số liệu", "(Kết quả"))
        ]
        assert under == expected
        assert paragraphs[start + len(under)].paragraph_format.space_after == Pt(12)


@pytest.mark.parametrize("drawn_up", [None, date(2023, 6, 13)])
def test_the_units_own_figures_carry_no_day(drawn_up):
    """The units report their figures for the period in the round: no day of the report's."""
    data = sample.report(drawn_up_before_cut_off=drawn_up)
    assert wording.appendix_figures_date(data, "rounds") == ""


def test_a_draft_says_so_and_leaves_number_and_date_blank():
    data = sample.report(plan=None, dossiers=None)
    document = load(render_report(data, compose(data), None))
    assert document.paragraphs[0].text == "DỰ THẢO"
    assert paragraph(document, "Số: ").text == "Số:      /BC-SNV"
    assert paragraph(document, "Quảng Ninh, ").text == "Quảng Ninh, ngày    tháng    năm 20.."
    reference = paragraph(document, "(Kèm theo")
    assert reference.text == "(Kèm theo Báo cáo số      /BC-SNV ngày    tháng    năm 20..)"


LEFT_COLUMN_MM = 63  # the letterhead's left column, less its cell margins


@pytest.mark.parametrize(
    ("text", "bold", "room_mm", "lines"),
    [
        ("SỞ NỘI VỤ", True, LEFT_COLUMN_MM, ["SỞ NỘI VỤ"]),  # fits: left alone
        ("SỞ GIAO THÔNG VẬN TẢI", True, LEFT_COLUMN_MM, ["SỞ GIAO THÔNG VẬN TẢI"]),
        ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", True, LEFT_COLUMN_MM, ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", True, LEFT_COLUMN_MM, ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", True, LEFT_COLUMN_MM, ["SỞ VĂN HÓA,", "THỂ THAO VÀ DU LỊCH"]),
        (
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            True,
            LEFT_COLUMN_MM,
            ["SỞ LAO ĐỘNG -", "THƯƠNG BINH VÀ XÃ HỘI"],
        ),
        ("ỦY BAN NHÂN DÂN THỊ TRẤN CÔ TÔ", True, LEFT_COLUMN_MM, ["ỦY BAN NHÂN DÂN", "THỊ TRẤN CÔ TÔ"]),
        # short enough to halve evenly ("ỦY BAN NHÂN / DÂN XÃ BA CHẼ"), in either spelling of "Ủy"
        ("ỦY BAN NHÂN DÂN XÃ BA CHẼ", True, LEFT_COLUMN_MM, ["ỦY BAN NHÂN DÂN", "XÃ BA CHẼ"]),
        ("UỶ BAN NHÂN DÂN PHƯỜNG 12", True, LEFT_COLUMN_MM, ["UỶ BAN NHÂN DÂN", "PHƯỜNG 12"]),
        # no part boundary: as even as it goes
        (
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",
            True,
            LEFT_COLUMN_MM,
            ["TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG TỈNH"],
        ),
        ("UBND THÀNH PHỐ HẠ LONG", False, LEFT_COLUMN_MM, ["UBND THÀNH PHỐ HẠ LONG"]),  # 62,2 mm of 63
        ("UBND THÀNH PHỐ HẠ LONG", False, 62, ["UBND", "THÀNH PHỐ HẠ LONG"]),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", True, 30, ["SỞ KHOA", "HỌC VÀ", "CÔNG NGHỆ"]),  # three lines
        ("UBND THÀNH PHỐ HẠ LONG", True, LEFT_COLUMN_MM, ["UBND", "THÀNH PHỐ HẠ LONG"]),  # bold is wider
        # after a semicolon; three lines as even as they go, not "PHỤ" alone
        ("KẾT QUẢ TỔNG HỢP; PHỤ LỤC SỐ LIỆU NĂM", True, 50, ["KẾT QUẢ TỔNG HỢP;", "PHỤ LỤC SỐ", "LIỆU NĂM"]),
        # no part boundary, several ways into three lines: the widest line narrowest
        (
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",
            True,
            45,
            ["TRUNG TÂM PHỤC", "VỤ HÀNH CHÍNH", "CÔNG TỈNH"],
        ),
        # measured in bold: in regular type "BAN QUẢN LÝ / KHU KINH TẾ TỈNH" looks the more even
        ("BAN QUẢN LÝ KHU KINH TẾ TỈNH", True, 44, ["BAN QUẢN LÝ KHU", "KINH TẾ TỈNH"]),
        ("MMMM MMMM MMMM MMMM", True, 30, ["MMMM MMMM MMMM MMMM"]),  # would take four: left alone
        ("NGHIÊNG", True, 5, ["NGHIÊNG"]),  # one word too wide: the word processor's to break
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", True, 20, ["SỞ KHOA HỌC VÀ CÔNG NGHỆ"]),  # four lines: left alone
    ],
)
def test_names_and_titles_break_between_their_parts(text, bold, room_mm, lines):
    assert broken_into_lines(text, BODY_NAME_SIZE, bold, room_mm).split("\n") == lines


def test_a_long_name_is_left_to_the_word_processor_at_once():
    """A name typed by an administrator may run to hundreds of words: its breaks are not searched
    (trying them all would hang the report), it is left whole."""
    name = " ".join(["SỞ KHOA HỌC VÀ CÔNG NGHỆ"] * 60)
    assert broken_into_lines(name, BODY_NAME_SIZE, True, LEFT_COLUMN_MM) == name


def test_document_type_summary_line_with_its_rule_and_the_addressee(document, sample_data):
    kind = paragraph(document, "BÁO CÁO")
    assert kind.text == "BÁO CÁO" and size_pt(kind) == 14 and uniform(kind, "bold") is True
    summary = following(kind)
    assert summary.text.split("\n") == [  # broken where the phrases meet, not where room runs out
        "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023",
        "và nhiệm vụ trọng tâm 6 tháng cuối năm 2023",
    ]
    assert summary.text.replace("\n", " ") == sample_data.title
    assert 13 <= size_pt(summary) <= 14 and uniform(summary, "bold") is True
    rule = following(summary)
    assert_rule(rule)
    length = rule_length_mm(rule, 165)
    longest = max(text_width_mm(line, 14, bold=True) for line in summary.text.split("\n"))
    assert longest / 3 - 0.5 <= length <= longest / 2 + 0.5
    for part in (kind, summary, rule):
        assert part.paragraph_format.alignment == CENTER
    addressee = paragraph(document, "Kính gửi:")
    assert addressee.text == "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh."
    assert 13 <= size_pt(addressee) <= 14 and not uniform(addressee, "bold")


def test_no_addressee_means_no_kinh_gui_line():
    data = sample.report(issuer=sample.issuer(addressee=""), plan=None, dossiers=None)
    document = load(render_report(data, compose(data), sample.ISSUE))
    assert not any(p.text.startswith("Kính gửi") for p in document.paragraphs)


# --- body ------------------------------------------------------------------------------------------


def body_paragraphs(document):
    """Paragraphs of the report's own section in the Normal style without direct alignment."""
    blocks = section_blocks(document)[0]
    return [
        block
        for block in blocks
        if hasattr(block, "runs")
        and block.text
        and block.style.name == "Normal"
        and block.paragraph_format.alignment is None
    ]


def test_body_paragraphs_are_14pt_justified_indented_spaced(document):
    found = body_paragraphs(document)
    assert len(found) > 30
    for block in found:
        assert style_value(block, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert style_value(block, "first_line_indent") in (Cm(1), Cm(1.27))
        assert style_value(block, "space_after") >= Pt(6)
        assert 1.15 <= style_value(block, "line_spacing") <= 1.3
        for run in runs_with_text(block):
            assert font_value(run, block, "size") == Pt(14)
            assert font_value(run, block, "name") == FONT


def test_headings_by_level(draft):
    document = draft  # every heading of the outline
    level1 = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.text.split(".")[0] for p in level1] == ["I", "II", "III", "IV", "V"]
    for heading in level1:
        assert heading.text == heading.text.upper()
    checks = {"Heading 1": True, "Heading 2": True}
    for name, bold in checks.items():
        found = [p for p in document.paragraphs if p.style.name == name]
        assert found, name
        for heading in found:
            assert bool(uniform(heading, "bold")) is bold, heading.text
            assert not uniform(heading, "italic")
            assert size_pt(heading) == 14
            assert style_value(heading, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY
        style = document.styles[name]
        assert style.font.color.rgb == (0, 0, 0) and style.font.name == FONT
    assert re.fullmatch(r"\d+\. .+", paragraph(document, "1. Cải cách thể chế").text)


# --- page numbers ----------------------------------------------------------------------------------


def test_page_numbers_centred_in_the_top_margin_from_page_two(document):
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert not first.first_page_header.is_linked_to_previous
    assert (
        field_codes(first.first_page_header) == []
        and not first.first_page_header._element.xpath("string(.)").strip()
    )
    assert not first.header.is_linked_to_previous
    assert [code.strip() for code in field_codes(first.header)] == ["PAGE"]
    kinds = [node.get(qn("w:fldCharType")) for node in first.header._element.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    (number,) = first.header.paragraphs  # no empty line above the number
    assert number.paragraph_format.alignment == CENTER
    assert {run.font.size for run in number.runs} == {Pt(14)}
    assert {run.font.italic for run in number.runs} == {None}  # upright
    assert first._sectPr.find(qn("w:pgNumType")) is None


def test_each_appendix_is_numbered_on_its_own(document):
    for section in document.sections[1:]:
        number_type = section._sectPr.find(qn("w:pgNumType"))
        assert number_type is not None
        assert number_type.get(qn("w:start")) == "1" and number_type.get(qn("w:fmt")) == "decimal"
        assert section.different_first_page_header_footer
        assert section.header.is_linked_to_previous  # the same centred PAGE field


# --- appendices ------------------------------------------------------------------------------------


@pytest.mark.parametrize("index, numeral", [(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
def test_appendix_titles(document, index, numeral):
    label, name, reference = [b for b in section_blocks(document)[index] if hasattr(b, "runs")][:3]
    assert label.text == f"Phụ lục {numeral}"
    assert size_pt(label) == 14 and uniform(label, "bold") is True
    assert name.text == name.text.upper() and uniform(name, "bold") is True and 13 <= size_pt(name) <= 14
    assert reference.text == "(Kèm theo Báo cáo số 15/BC-SNV ngày 19 tháng 6 năm 2023)"
    assert uniform(reference, "italic") is True
    for part in (label, name, reference):
        assert part.paragraph_format.alignment == CENTER


def appendix_tables(document):
    return [table for blocks in section_blocks(document)[1:] for table in tables(blocks)]


def test_appendix_tables_are_ruled_with_repeating_header_rows_that_never_split(document):
    found = appendix_tables(document)
    assert len(found) == 5  # I: by area, by unit; II: tasks; III: Biểu 06; IV: indices
    for index, table in enumerate(found):
        assert set(table_borders(table).values()) == {"single"}
        assert repeats_as_header(table.rows[0])
        assert sum(mm(column.width) for column in table.columns) <= 252.5
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            for cell in row.cells:
                for block in cell.paragraphs:
                    if block.text:
                        assert size_pt(block) == (10 if index == 3 else 12)
    dossiers = found[3]
    assert repeats_as_header(dossiers.rows[1]) and not repeats_as_header(dossiers.rows[2])


def _kept_with_next(row) -> bool:
    return all(p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs)


def test_a_closing_total_stays_on_the_page_of_the_row_before_it(document):
    """LibreOffice and Word move the row before a total to the total's page rather than leave
    "Tổng cộng" alone on one; no other plain row is held (page breaks fall where they must)."""
    found = appendix_tables(document)
    closing_totals = [any(c.text.startswith("Tổng cộng") for c in t.rows[-1].cells) for t in found]
    assert closing_totals == [True, True, False, True, False]
    for table, closes_with_total in zip(found, closing_totals, strict=True):
        assert _kept_with_next(table.rows[-2]) is closes_with_total
        assert not _kept_with_next(table.rows[-1])
    tasks = found[2]
    plain = [row for row in tasks.rows[1:] if len({c._tc for c in row.cells}) == 7]
    assert not any(_kept_with_next(row) for row in plain)


def test_task_list_appendix_columns_and_states(document):
    table = appendix_tables(document)[2]
    headers = [cell.text for cell in table.rows[0].cells]
    assert headers == ["STT", "Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tình trạng", "Tiến độ"]
    task_rows = [row for row in table.rows[1:] if len({c._tc for c in row.cells}) == 7]
    assert len(task_rows) == 32
    assert [row.cells[0].text for row in task_rows] == [str(n) for n in range(1, 33)]
    for row in task_rows:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}|Thường xuyên", row.cells[4].text)
        assert re.fullmatch(r"\d{1,3}%", row.cells[6].text)
    ongoing = next(row for row in task_rows if row.cells[1].text == "CT-03")
    assert ongoing.cells[4].text == "Thường xuyên" and ongoing.cells[5].text == "Đang thực hiện trong hạn"
    overdue = next(row for row in task_rows if row.cells[1].text == "TC-02")
    assert overdue.cells[4].text == "30/04/2023" and overdue.cells[5].text == "Quá hạn chưa hoàn thành"


def test_the_dossier_appendix_is_form_bieu_06_grouped_by_level_and_balanced(document):
    table = appendix_tables(document)[3]
    top = [cell.text for cell in table.rows[0].cells]
    assert top[2:6] == ["Số hồ sơ nhận giải quyết"] * 4
    assert top[6:10] == ["Số hồ sơ đã giải quyết"] * 4 and top[10:13] == ["Số hồ sơ đang giải quyết"] * 3
    assert [cell.text for cell in table.rows[1].cells][2:] == [
        "Tổng số", "Trực tuyến", "Trực tiếp, bưu chính", "Từ kỳ trước",
        "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
        "Tổng số", "Trong hạn", "Quá hạn", "Trả lại, rút",
    ]  # fmt: skip
    labels = [(row.cells[0].text, row.cells[1].text) for row in table.rows[2:]]
    assert labels == [
        ("I", "Cấp tỉnh"),
        ("1", "Công an tỉnh"),
        ("2", "Sở Tài nguyên và Môi trường"),
        ("3", "Sở Xây dựng"),
        ("II", "Cấp huyện"),
        ("1", "UBND thành phố Cẩm Phả"),
        ("2", "UBND thành phố Hạ Long"),
        ("", "Tổng cộng toàn tỉnh"),
    ]
    total = [cell.text for cell in table.rows[-1].cells]
    assert total[2:] == [
        "1.212.576", "412.118", "778.918", "21.540",
        "1.126.219", "506.606", "616.726", "2.887",
        "85.153", "84.990", "163", "1.204",
    ]  # fmt: skip
    balance = following_block(table)
    assert balance.text == (
        "Cân đối số liệu: số hồ sơ nhận giải quyết (1.212.576) = đã giải quyết (1.126.219) + đang giải quyết "
        "(85.153) + trả lại, rút (1.204)."
    )


def following_block(table):
    return Paragraph(table._tbl.getnext(), table._parent)


# --- signature -------------------------------------------------------------------------------------


@pytest.fixture
def signature_table(document):
    return tables(section_blocks(document)[0])[-1]


def test_recipients_block(signature_table):
    assert set(table_borders(signature_table).values()) == {"nil"}
    title, *lines = signature_table.rows[0].cells[0].paragraphs
    assert title.text == "Nơi nhận:" and size_pt(title) == 12
    assert uniform(title, "bold") is True and uniform(title, "italic") is True
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert [line.text for line in lines] == [
        "- Như trên;",
        "- Bộ Nội vụ (b/c);",
        "- Các sở, ban, ngành;",
        "- Lưu: VT, CCHC.",
    ]
    for line in lines:
        assert size_pt(line) == 11 and not uniform(line, "bold") and not uniform(line, "italic")


def test_signer_block(signature_table):
    *authority, name = signature_table.rows[0].cells[1].paragraphs
    assert [line.text for line in authority] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    for line in authority:
        assert line.text == line.text.upper() and 13 <= size_pt(line) <= 14 and uniform(line, "bold") is True
    assert name.text == "Nguyễn Văn A" and uniform(name, "bold") is True and 13 <= size_pt(name) <= 14
    assert name.paragraph_format.space_before >= Pt(48)  # room for the signature and the seal
    assert {p.paragraph_format.alignment for p in (*authority, name)} == {CENTER}


def test_the_signature_follows_the_last_section_of_the_body(document):
    blocks = section_blocks(document)[0]
    headings = [b for b in blocks if hasattr(b, "style") and b.style.name == "Heading 1"]
    assert blocks.index(headings[-1]) < blocks.index(tables(blocks)[-1])


def test_cell_padding_is_what_the_widths_assume(letterhead_table):
    margins = letterhead_table._tbl.tblPr.find(qn("w:tblCellMar"))
    assert twips_mm(margins.find(qn("w:right")).get(qn("w:w"))) == pytest.approx(
        cell_padding_mm(letterhead_table)
    )


def test_a_section_break_takes_no_room(document):
    """The empty paragraph that ends the body before an appendix is 1 pt high: a signature
    block filling its page to the bottom does not push it onto a blank page of its own."""
    breaks = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.sectPr is not None]
    assert breaks  # the sample has appendices
    for section_break in breaks:
        fmt = section_break.paragraph_format
        assert (fmt.line_spacing_rule, fmt.line_spacing) == (WD_LINE_SPACING.EXACTLY, Pt(1))
        assert fmt.space_before == fmt.space_after == Pt(0)
