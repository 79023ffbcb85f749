"""What the report says: the official outline, figures in Vietnamese formats, placeholders, the
sections without data, the charts; and that rendering is a pure function of the data."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm

from models.dossiers.stats import Figures
from reports import wording
from reports.data import TaskCounts, TaskState, UnitTasks
from reports.document import Paragraph, compose, placeholders_where, section_labels
from reports.render import appendix_numerals, render_report
from tests.reports import sample
from tests.reports.docx_read import full_text, load, paragraph, section_blocks, texts

PLACEHOLDER = "[Nội dung do chuyên viên bổ sung:"


AREA_HEADINGS = [  # under II, the six reform areas
    "1. Cải cách thể chế",
    "2. Cải cách thủ tục hành chính",
    "3. Cải cách tổ chức bộ máy hành chính nhà nước",
    "4. Cải cách chế độ công vụ",
    "5. Cải cách tài chính công",
    "6. Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
]


def test_sections_follow_the_official_outline(draft):
    headings = [p.text for p in draft.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2023",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    areas = [p.text for p in draft.paragraphs if p.style.name == "Heading 2"]
    assert areas == [
        "1. Kế hoạch cải cách hành chính",
        "2. Tổ chức chỉ đạo, điều hành cải cách hành chính",
        "3. Kiểm tra công tác cải cách hành chính",
        "4. Tuyên truyền cải cách hành chính",
        "5. Sáng kiến, giải pháp mới trong cải cách hành chính",
        *AREA_HEADINGS,
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "3. Nguyên nhân",
    ]


def test_task_figures_tell_the_states_apart_and_use_the_plans_percentage(document):
    text = full_text(document)
    assert (
        "Tính đến ngày 14 tháng 6 năm 2023, đã hoàn thành 24/32 nhiệm vụ; đang thực hiện trong hạn 5 nhiệm vụ; "
        "quá hạn chưa hoàn thành 3 nhiệm vụ. Tỷ lệ thực hiện kế hoạch (tính theo số nhiệm vụ hoàn thành) "
        "đạt 75,00%."
    ) in text
    assert (
        "- Trình HĐND tỉnh Nghị quyết về phí, lệ phí thuộc thẩm quyền: quá hạn chưa hoàn thành, tiến độ 40%."
        in text
    )
    assert (
        "- Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh: hoàn thành ngày 31 tháng 3 năm 2023;"
        in text
    )


def test_a_task_completed_late_is_said_to_be_late():
    data = sample.report()
    late = replace(data.plan.tasks[5], state=TaskState.COMPLETED_LATE, completed_on=date(2023, 4, 20))
    assert wording.result_item(late) == (
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh: hoàn thành ngày 20 tháng 4 năm 2023, "
        "quá hạn so với thời hạn ngày 31 tháng 3 năm 2023"
    )
    counts = TaskCounts(completed_on_time=22, completed_late=2, in_progress=5, overdue=3)
    assert wording.counts_text(counts) == (
        "đã hoàn thành 24/32 nhiệm vụ (đúng hạn 22, quá hạn 2); đang thực hiện trong hạn 5 nhiệm vụ; "
        "quá hạn chưa hoàn thành 3 nhiệm vụ"
    )


def test_dossier_figures_in_vietnamese_formats(document):
    text = full_text(document)
    assert "có 1.882 thủ tục hành chính đang áp dụng (cấp tỉnh 1.488, cấp huyện 283, cấp xã 111)" in text
    assert "cung cấp dịch vụ công trực tuyến: toàn trình 512, một phần 700 thủ tục." in text
    assert "gồm 21.540 hồ sơ từ kỳ trước chuyển sang và 1.191.036 hồ sơ tiếp nhận mới" in text
    assert "tăng 140.624 hồ sơ so với cùng kỳ năm trước" in text
    assert "(trước hạn 506.606, đúng hạn 616.726, quá hạn 2.887)" in text
    assert "tỷ lệ giải quyết đúng hạn (kể cả trước hạn) đạt 99,74%" in text
    assert "(tăng 0,15 điểm phần trăm so với cùng kỳ năm trước)" in text
    assert "- Cấp tỉnh: tiếp nhận 727.544 hồ sơ" in text
    assert "Có 3.050 hồ sơ quá hạn phải xin lỗi người dân, tổ chức; đã gửi 3.035 phiếu xin lỗi" in text
    assert "còn 15 hồ sơ chưa có phiếu xin lỗi." in text
    assert not re.search(r"\d,\d{3}\b", text)  # no English thousands separators
    assert not re.search(r"\d\.\d{1,2}%", text)  # no English decimal points
    tasks = sample.report().plan.tasks
    for task in tasks:  # titles and "tiến độ 60%" are the tasks' own texts
        text = text.replace(task.title, "")
    shares = set(re.findall(r"\d+(?:,\d+)?%", text)) - {f"{task.progress}%" for task in tasks}
    assert shares and all(re.fullmatch(r"\d+,\d\d%", value) for value in shares), shares


def test_index_lines_say_the_year_scored_and_when_it_was_published(document):
    text = full_text(document)
    assert (
        "- Chỉ số cải cách hành chính (PAR INDEX) năm 2022 (công bố ngày 19 tháng 4 năm 2023): đạt 90,1/100 điểm, "
        "xếp thứ 1/63, giảm 0,8 điểm so với năm trước, chưa đạt mục tiêu đề ra (92/100 điểm);"
    ) in text
    assert (
        "- Chỉ số hài lòng (SIPAS) năm 2022 (công bố ngày 19 tháng 4 năm 2023): đạt 87,59%, xếp thứ 1/63"
        in text
    )
    assert "- Chỉ số cải cách hành chính (PAR INDEX) năm 2022 chưa đạt mục tiêu đề ra;" in text  # section III


def test_section_iv_carries_every_unfinished_task_overdue_first(sample_data, document):
    text = full_text(document)
    assert (
        "Tiếp tục thực hiện 8 nhiệm vụ chưa hoàn thành của kế hoạch, trước hết 3 nhiệm vụ đã quá hạn:" in text
    )
    (section,) = [s for s in compose(sample_data) if s.key == "IV"]
    carried = [p for p in section.paragraphs if p.key.startswith("IV.task.")]
    assert len(carried) == sample_data.plan.counts.unfinished == 8
    assert [p.text.endswith("đã quá hạn);") for p in carried[:3]] == [True] * 3
    assert carried[-1].text.endswith(").")


def test_no_generated_sentence_is_repeated_and_lists_end_with_a_full_stop(sample_data):
    for data in (sample_data, sample.report(dossiers=None, indices=()), sample.report(plan=None)):
        paragraphs = [p for section in compose(data) for p in section.paragraphs]
        texts_ = [p.text for p in paragraphs]
        assert len(texts_) == len(set(texts_))
        for before, after in zip(paragraphs, [*paragraphs[1:], None], strict=True):
            if before.text.startswith("- ") and (after is None or not after.text.startswith("- ")):
                assert before.text.endswith("."), before.text
        assert not any("chưa có số liệu" in text and ("chiếm" in text or "đạt" in text) for text in texts_)


def placeholders(document):
    return [p for p in document.paragraphs if p.text.startswith(PLACEHOLDER)]


def test_placeholders_mark_every_missing_narrative(sample_data):
    draft = load(render_report(sample_data, compose(sample_data), None))
    found = placeholders(draft)
    # I.2–I.5: four topics; II.1–II.6: achievements; III: strengths, limitations, two causes; IV; V
    assert len(found) == 16
    for block in found:
        assert block.text.endswith("]")
        (run,) = block.runs
        assert run.font.italic is True and run.font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_an_issued_report_prints_no_placeholder(document, sample_data):
    """Issuing with placeholders left takes a reason; the signed file leaves them out, and the
    headings left with nothing under them, every generated paragraph kept."""
    assert placeholders(document) == []
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [  # I.2-I.5, III.3 and V had only placeholders: left out, not printed empty
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "1. Kế hoạch cải cách hành chính",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        *AREA_HEADINGS,
        "III. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2023",
    ]
    generated = [p.text for s in compose(sample_data) for p in s.paragraphs if not p.placeholder]
    assert all(paragraph(document, text) for text in generated[:5])


@pytest.mark.parametrize(
    "count, numerals",
    [(1, ("",)), (2, ("I", "II")), (4, ("I", "II", "III", "IV")), (0, ())],
)
def test_appendices_are_numbered_only_when_there_are_several(count, numerals):
    assert tuple(appendix_numerals(count)) == numerals


def test_edited_sections_are_printed_as_given(sample_data):
    """Staff text replaces a generated paragraph in place; a removed one is gone."""
    sections = list(compose(sample_data))
    (index, direction) = next((i, s) for i, s in enumerate(sections) if s.key == "I.2")
    written = Paragraph("staff:1", "Ủy ban nhân dân tỉnh ban hành kế hoạch và chỉ đạo triển khai đồng bộ.")
    sections[index] = replace(direction, paragraphs=(written,))
    document = load(render_report(sample_data, tuple(sections), None))
    assert paragraph(document, written.text)
    assert len(placeholders(document)) == 15  # I.2's placeholder is gone


def test_sections_without_data_say_so_in_one_sentence():
    data = sample.report(plan=None, dossiers=None, indices=())
    document = load(render_report(data, compose(data), sample.ISSUE))
    body = texts(section_blocks(document)[0])
    no_plan = wording.no_plan(data)
    assert no_plan.startswith("Chưa có kế hoạch cải cách hành chính năm 2023")
    assert body.count(no_plan) == 1  # in I; II and IV say nothing more about tasks
    assert "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống." in body
    assert not any("hồ sơ" in line and re.search(r"\d", line) for line in body if not line.startswith("["))
    assert wording.no_indices() in body
    # signed with nothing written by staff: only what the data says is printed, I.1 and area 2
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "1. Kế hoạch cải cách hành chính",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "1. Cải cách thủ tục hành chính",
    ]
    assert len(section_blocks(document)) == 1  # no appendix holding only "no data"
    assert len(document.inline_shapes) == 0


@pytest.mark.parametrize(
    "missing, printed",
    [
        # (the data a report lacks, the appendices it prints, numbered in order)
        ({}, ["I", "II", "III", "IV"]),
        ({"plan": None}, ["III", "IV"]),
        ({"dossiers": None}, ["I", "II", "IV"]),
        ({"indices": ()}, ["I", "II", "III"]),
        ({"plan": None, "indices": ()}, ["III"]),
    ],
)
def test_an_appendix_without_data_is_left_out_and_the_others_numbered_in_order(missing, printed):
    titles = {
        "I": "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH THEO LĨNH VỰC VÀ ĐƠN VỊ",
        "II": "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH VÀ TÌNH HÌNH THỰC HIỆN",
        "III": "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (BIỂU 06/VPCP/KSTT)",
        "IV": "KẾT QUẢ CÁC CHỈ SỐ ĐÁNH GIÁ CẢI CÁCH HÀNH CHÍNH",
    }
    data = sample.report(**missing)
    document = load(render_report(data, compose(data), sample.ISSUE))
    appendices = [texts(blocks)[:2] for blocks in section_blocks(document)[1:]]
    names = (
        [f"Phụ lục {n}" for n in ["I", "II", "III", "IV"][: len(printed)]]
        if len(printed) > 1
        else ["Phụ lục"]
    )
    assert appendices == [[name, titles[was]] for name, was in zip(names, printed, strict=True)]


def test_two_charts_are_embedded_fifteen_centimetres_wide(document):
    shapes = document.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert abs(shape.width - Cm(15)) < Cm(0.01)
    assert paragraph(document, f"Biểu đồ 1. {wording.TASKS_CHART_CAPTION}")
    assert paragraph(document, f"Biểu đồ 2. {wording.DOSSIERS_CHART_CAPTION}")


def test_charts_are_numbered_in_the_order_printed():
    """Without a plan the dossier chart is the first (a review found "Biểu đồ 2" alone)."""
    data = sample.report(plan=None)
    document = load(render_report(data, compose(data), None))
    assert len(document.inline_shapes) == 1
    assert paragraph(document, f"Biểu đồ 1. {wording.DOSSIERS_CHART_CAPTION}")
    assert not any(p.text.startswith("Biểu đồ 2") for p in document.paragraphs)


def test_rendering_is_a_pure_function_of_the_data(sample_data, sample_docx):
    assert render_report(sample_data, compose(sample_data), sample.ISSUE) == sample_docx
    document = load(sample_docx)
    properties = document.core_properties
    assert properties.title == sample_data.title and properties.author == "SỞ NỘI VỤ"
    assert properties.created.date() == sample_data.period_end and properties.language == "vi-VN"


def test_annual_and_other_reports_name_the_next_period():
    data = sample.report()
    assert wording.next_period_label(replace(data, kind="annual")) == "năm 2024"
    assert wording.next_period_label(replace(data, kind="nine_months")) == "quý IV năm 2023"
    assert wording.next_period_label(replace(data, kind="quarter")) == "kỳ tới"


def test_recipient_lines_end_with_semicolons_and_the_archive_line_with_a_full_stop():
    def lines(*recipients, addressee=""):
        return wording.recipient_lines(sample.issuer(recipients=recipients, addressee=addressee))

    assert lines("- Bộ Nội vụ", "UBND tỉnh (b/c).", "Lưu: VT, CCHC;", " ") == [
        "- Bộ Nội vụ;",
        "- UBND tỉnh (b/c);",
        "- Lưu: VT, CCHC.",
    ]
    assert lines("Lưu: VT", "Bộ Nội vụ;") == ["- Bộ Nội vụ;", "- Lưu: VT."]
    assert lines("Bộ Nội vụ;") == ["- Bộ Nội vụ;", "- Lưu: VT."]
    assert lines("Như trên;", "Bộ Nội vụ;", addressee="Ủy ban nhân dân tỉnh") == [
        "- Như trên;",
        "- Bộ Nội vụ;",
        "- Lưu: VT.",
    ]


@pytest.mark.parametrize(
    "recipient, addressee, named",
    [
        ("Ủy ban nhân dân tỉnh (b/c)", "Ủy ban nhân dân tỉnh Quảng Ninh", True),
        ("Ủy ban nhân dân tỉnh Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ninh", True),
        ("ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh Quảng Ninh", True),
        ("Ủy ban nhân dân tỉnh Quảng Trị (b/c)", "Ủy ban nhân dân tỉnh Quảng Ninh", False),
        ("Ủy ban nhân dân huyện (b/c)", "Ủy ban nhân dân tỉnh Quảng Ninh", False),
        ("Bộ Nội vụ (b/c)", "Bộ Nội vụ", True),
        ("Bộ Nội vụ (b/c)", "Ủy ban nhân dân tỉnh Quảng Ninh", False),
        ("Bộ Nội vụ", "", False),
        ("(b/c)", "Bộ Nội vụ", False),
    ],
)
def test_a_recipient_naming_the_addressee_again_is_left_out(recipient, addressee, named):
    assert wording.names_addressee(recipient, addressee) is named
    printed = wording.recipient_lines(sample.issuer(recipients=(recipient,), addressee=addressee))
    assert (f"- {recipient};" not in printed) is named


@pytest.mark.parametrize(
    "days, printed",
    [
        (7.0, "7,0 ngày/hồ sơ"),
        (7.04, "7,0 ngày/hồ sơ"),
        (7.16, "7,2 ngày/hồ sơ"),
        (12.96, "13,0 ngày/hồ sơ"),
        (0.0, "0,0 ngày/hồ sơ"),
        (1234.56, "1.234,6 ngày/hồ sơ"),
    ],
)
def test_average_handling_time_has_one_decimal(days, printed):
    assert wording.handling_days(days) == printed


def test_changes_are_said_in_words():
    assert wording.change(140_624, "hồ sơ") == "tăng 140.624 hồ sơ"
    assert wording.change(-0.69, "điểm") == "giảm 0,69 điểm"
    assert wording.percent(75) == "75,00%" and wording.percent(95.1149) == "95,11%"
    assert wording.percent(1234.5) == "1.234,50%"


@pytest.mark.parametrize(
    "figures, moment, expected",
    [
        (Figures(), "hết kỳ", ""),  # nothing open, returned or withdrawn: no sentence at all
        (Figures(open_within_deadline=5), "hết kỳ", "Đến hết kỳ, đang giải quyết 5 hồ sơ (đều trong hạn)."),
        (
            Figures(open_within_deadline=5, open_overdue=2, withdrawn=1),
            "hết kỳ",
            "Đến hết kỳ, đang giải quyết 7 hồ sơ (trong hạn 5, quá hạn 2); 1 hồ sơ do người dân, tổ chức rút.",
        ),
        (
            Figures(open_overdue=2),
            "ngày 3 tháng 12 năm 2026",
            "Đến ngày 3 tháng 12 năm 2026, đang giải quyết 2 hồ sơ (trong hạn 0, quá hạn 2).",
        ),
    ],
)
def test_open_dossiers_by_situation(figures, moment, expected):
    assert wording.open_sentence(figures, moment) == expected


@pytest.mark.parametrize(
    "drawn_up, moment",
    [
        (None, "hết kỳ"),  # drawn up after the cut-off
        (date(2026, 12, 13), "ngày 13 tháng 12 năm 2026"),  # the day before: that day
        (date(2026, 12, 14), "thời điểm lập báo cáo (ngày 14 tháng 12 năm 2026)"),  # the cut-off day
    ],
)
def test_open_dossiers_are_counted_to_the_moment_the_report_was_drawn_up(drawn_up, moment):
    data = sample.report(period_end=date(2026, 12, 14), drawn_up_before_cut_off=drawn_up)
    assert wording.figures_moment(data) == moment


INTRO_PERIOD = "từ ngày 15 tháng 12 năm 2022 đến ngày 14 tháng 6 năm 2023"


@pytest.mark.parametrize(
    "drawn_up, span",
    [
        (None, f"số liệu tính {INTRO_PERIOD}"),  # after the cut-off
        (
            date(2023, 6, 13),
            f"kỳ báo cáo {INTRO_PERIOD}; báo cáo lập trước ngày chốt số liệu nên số liệu tính đến "
            "ngày 13 tháng 6 năm 2023",
        ),
        (
            date(2023, 6, 14),
            f"kỳ báo cáo {INTRO_PERIOD}; báo cáo lập trong ngày chốt số liệu nên số liệu tính đến "
            "thời điểm lập báo cáo",
        ),
    ],
)
def test_the_opening_says_which_days_the_figures_cover(drawn_up, span):
    data = sample.report(drawn_up_before_cut_off=drawn_up)
    assert wording.intro(data) == (
        "Báo cáo kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023 của "
        f"tỉnh Quảng Ninh ({span}) như sau:"
    )


@pytest.mark.parametrize(
    "current, last_year, expected",
    [
        (  # no comparison without last year's data, no share of nothing
            Figures(received_direct=10),
            None,
            "Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: 10 hồ sơ, đều tiếp nhận mới trong kỳ "
            "(trực tiếp và qua bưu chính 10).",
        ),
        (  # equal to last year: no "không thay đổi"
            Figures(received_online=4, received_direct=6),
            Figures(received_online=4, received_direct=6),
            "Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: 10 hồ sơ, đều tiếp nhận mới trong kỳ "
            "(trực tuyến 4, trực tiếp và qua bưu chính 6); tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 40,00%.",
        ),
        (
            Figures(carried_over=2, received_online=4, received_direct=6),
            Figures(received_direct=7),
            "Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: 12 hồ sơ, gồm 2 hồ sơ từ kỳ trước chuyển sang và 10 "
            "hồ sơ tiếp nhận mới (trực tuyến 4, trực tiếp và qua bưu chính 6); tỷ lệ hồ sơ tiếp nhận trực tuyến "
            "đạt 40,00%; số hồ sơ tiếp nhận mới tăng 3 hồ sơ so với cùng kỳ năm trước.",
        ),
    ],
)
def test_received_dossiers_by_situation(current, last_year, expected):
    section = replace(sample.dossier_section(), current=current, last_year=last_year)
    assert wording.received_sentence(section) == expected


def test_resolved_and_apologies_with_nothing_to_report():
    section = replace(sample.dossier_section(), current=Figures(received_direct=3), late_without_apology=0)
    assert wording.resolved_sentence(section) == "Trong kỳ chưa có hồ sơ được giải quyết xong."
    assert wording.apology_sentence(section) == (
        "Trong kỳ không có hồ sơ quá hạn phải gửi phiếu xin lỗi người dân, tổ chức."
    )
    assert wording.cashless_sentence(section.current) == ""


def test_the_2023_seed_figures_read_as_the_province_reported_them():
    """By 30/6/2023: 532.950 received, 506.890 resolved, 95,11% (seed 000)."""
    current = Figures(
        received_online=200_000,
        received_direct=332_950,
        resolved_early=230_000,
        resolved_on_time=275_876,
        resolved_late=1_014,
    )
    section = replace(sample.dossier_section(), current=current, last_year=None)
    assert "532.950 hồ sơ" in wording.received_sentence(section)
    assert wording.resolved_sentence(section).startswith(
        "Đã giải quyết 506.890 hồ sơ, đạt 95,11% số hồ sơ tiếp nhận giải quyết"
    )


def unit_tasks(name: str, overdue: int) -> UnitTasks:
    return UnitTasks(name, TaskCounts(in_progress=1, overdue=overdue))


@pytest.mark.parametrize(
    "units, expected",
    [
        # (lead units and their overdue tasks, the limitation printed): one unit is named as the
        # one leading them, several each with their count; units without one are left out.
        (
            [unit_tasks("Sở Nội vụ", 0), unit_tasks("Sở Tài chính", 1)],
            "Còn 1 nhiệm vụ quá hạn chưa hoàn thành do Sở Tài chính chủ trì",
        ),
        (
            [unit_tasks("Sở Nội vụ", 3), unit_tasks("Sở Tài chính", 0), unit_tasks("Sở Y tế", 1)],
            "Còn 4 nhiệm vụ quá hạn chưa hoàn thành (Sở Nội vụ chủ trì 3 nhiệm vụ, Sở Y tế chủ trì 1 nhiệm vụ)",
        ),
        ([], "Còn 2 nhiệm vụ quá hạn chưa hoàn thành"),  # no lead unit recorded: no empty brackets
    ],
)
def test_overdue_tasks_are_told_by_lead_unit(units, expected):
    overdue = sum(unit.counts.overdue for unit in units) or 2
    plan = replace(sample.plan_section(), counts=TaskCounts(overdue=overdue), by_unit=tuple(units))
    assert wording.overdue_tasks_fact(plan) == expected


@pytest.mark.parametrize(
    "late, open_overdue, without_apology, expected",
    [
        (0, 0, 0, []),
        (10, 0, 0, ["Vẫn để xảy ra hồ sơ trễ hạn: 10 hồ sơ giải quyết quá hạn"]),
        (0, 33, 0, ["Vẫn để xảy ra hồ sơ trễ hạn: 33 hồ sơ đang giải quyết đã quá hạn"]),
        (
            2_887,
            1_000,
            5,
            [
                "Vẫn để xảy ra hồ sơ trễ hạn: 2.887 hồ sơ giải quyết quá hạn, 1.000 hồ sơ đang giải quyết đã quá hạn",
                "Còn 5 hồ sơ quá hạn chưa được gửi phiếu xin lỗi người dân, tổ chức",
            ],
        ),
    ],
)
def test_late_dossiers_as_limitations(late, open_overdue, without_apology, expected):
    dossiers = replace(
        sample.dossier_section(),
        current=Figures(received_direct=5_000, resolved_late=late, open_overdue=open_overdue),
        late_without_apology=without_apology,
    )
    data = sample.report(plan=None, indices=(), dossiers=dossiers)
    assert wording.limitation_facts(data) == expected


@pytest.mark.parametrize(
    "key, label",
    [
        ("intro", "Phần mở đầu"),
        ("I", "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"),
        ("I.3", "I.3. Kiểm tra công tác cải cách hành chính"),
        ("II.3", "II.3. Cải cách tổ chức bộ máy hành chính nhà nước"),
        ("III.causes", "III.3. Nguyên nhân"),
        ("IV", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2023"),
    ],
)
def test_a_section_is_pointed_to_with_its_roman_numeral(sample_data, key, label):
    """Lists of what is still to write name the section: I, II and III each have a "3."."""
    assert section_labels(compose(sample_data))[key] == label


def test_what_is_still_to_write_says_where():
    where = dict((p.text, label) for label, p in placeholders_where(compose(sample.report())))
    assert where["[Nội dung do chuyên viên bổ sung: nguyên nhân chủ quan]"] == "III.3. Nguyên nhân"
