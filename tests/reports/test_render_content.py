"""What the report says: the official outline, figures in Vietnamese formats, placeholders, the
sections without data, the charts; and that rendering is a pure function of the data."""

from __future__ import annotations

import re
from dataclasses import replace

from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm

from reports import wording
from reports.document import Paragraph, compose
from reports.render import render_report
from tests.reports import sample
from tests.reports.docx_read import full_text, load, paragraph, section_blocks, texts

PLACEHOLDER = "[Nội dung do chuyên viên bổ sung:"


def test_sections_follow_the_official_outline(document):
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2023",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    areas = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert areas == [
        "1. Cải cách thể chế",
        "2. Cải cách thủ tục hành chính",
        "3. Cải cách tổ chức bộ máy hành chính nhà nước",
        "4. Cải cách chế độ công vụ",
        "5. Cải cách tài chính công",
        "6. Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "3. Nguyên nhân",
    ]


def test_task_figures_and_the_open_tasks_named_with_their_units(document):
    text = full_text(document)
    assert "Tính đến ngày 14 tháng 6 năm 2023, đã hoàn thành 24/32 nhiệm vụ (75%)" in text
    assert "còn 8 nhiệm vụ chưa hoàn thành, trong đó 3 nhiệm vụ quá hạn." in text
    assert "Nhóm nhiệm vụ về công tác chỉ đạo, điều hành: hoàn thành 4/5 nhiệm vụ" in text
    assert paragraph(
        document, "Hoàn thành 3/4 nhiệm vụ; còn 1 nhiệm vụ chưa hoàn thành, trong đó 1 nhiệm vụ quá hạn:"
    )
    assert (
        "- Trình HĐND tỉnh Nghị quyết về phí, lệ phí thuộc thẩm quyền (đơn vị chủ trì: Sở Tài chính; "
        "thời hạn: 30/04/2023, đã quá hạn);"
    ) in text
    assert (
        "- Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị (đơn vị chủ trì: Sở Nội vụ; thời hạn: thường xuyên);"
        in text
    )


def test_dossier_figures_in_vietnamese_formats(document):
    text = full_text(document)
    assert "có 1.882 thủ tục hành chính đang áp dụng, gồm: cấp tỉnh 1.488, cấp huyện 283, cấp xã 112." in text
    assert "1.191.036 hồ sơ tiếp nhận mới trong kỳ (trực tuyến 412.118 hồ sơ, chiếm 34,6%)" in text
    assert "21.540 hồ sơ kỳ trước chuyển sang" in text
    assert "tăng 140.624 hồ sơ so với cùng kỳ năm trước" in text
    assert "trước hạn 506.606, đúng hạn 616.726, quá hạn 2.887" in text
    assert "tỷ lệ giải quyết đúng hạn (kể cả trước hạn) đạt 99,74%" in text
    assert "(tăng 0,15 điểm phần trăm so với cùng kỳ năm trước)" in text
    assert "- Cấp tỉnh: tiếp nhận 582.036 hồ sơ" in text
    assert (
        "Số hồ sơ quá hạn phải xin lỗi: 3.050; đã gửi phiếu xin lỗi và hẹn lại ngày trả kết quả: 3.035"
        in text
    )
    assert "còn 15 hồ sơ quá hạn chưa có phiếu xin lỗi." in text
    assert not re.search(r"\d,\d{3}\b", text)  # no English thousands separators
    assert not re.search(r"\d\.\d{1,2}%", text)  # no English decimal points


def test_index_lines(document):
    text = full_text(document)
    assert (
        "- Chỉ số cải cách hành chính (PAR INDEX) năm 2024: đạt 91,49/100 điểm, xếp thứ 4/63; "
        "giảm 0,69 điểm so với năm trước; chưa đạt mục tiêu đề ra (92/100 điểm); các thành phần đạt thấp: "
        "phát triển ứng dụng, dịch vụ phục vụ người dân: 2,57/7;"
    ) in text
    assert (
        "(SIPAS) năm 2024: đạt 90,12%, xếp thứ 4/63; giảm 0,49 điểm phần trăm so với năm trước; đạt mục tiêu"
        in text
    )
    assert "quản trị điện tử: 3,94/10; quản trị môi trường: 4,03/10." in text
    assert (
        "- Chỉ số cải cách hành chính (PAR INDEX) năm 2024 chưa đạt mục tiêu đề ra." in text
    )  # in section III


def test_next_period_lists_the_tasks_due_after_the_cut_off(document):
    text = full_text(document)
    assert "Tiếp tục thực hiện 5 nhiệm vụ chưa hoàn thành của kế hoạch:" in text
    assert (
        "- Xây dựng Trung tâm dữ liệu tỉnh (đơn vị chủ trì: Sở Thông tin và Truyền thông; thời hạn: 31/12/2023);"
        in text
    )


def placeholders(document):
    return [p for p in document.paragraphs if p.text.startswith(PLACEHOLDER)]


def test_placeholders_mark_every_missing_narrative(document):
    found = placeholders(document)
    # I: five topics; II.1–II.6: achievements; III: strengths, limitations, two causes; IV; V
    assert len(found) == 17
    for block in found:
        assert block.text.endswith("]")
        (run,) = block.runs
        assert run.font.italic is True and run.font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_edited_sections_are_printed_as_given(sample_data):
    """Staff text replaces a generated paragraph in place; a removed one is gone."""
    sections = list(compose(sample_data))
    (index, leadership) = next((i, s) for i, s in enumerate(sections) if s.key == "I")
    written = Paragraph("staff:1", "Ủy ban nhân dân tỉnh ban hành kế hoạch và chỉ đạo triển khai đồng bộ.")
    sections[index] = replace(leadership, paragraphs=(written,))
    document = load(render_report(sample_data, tuple(sections), None))
    assert paragraph(document, written.text)
    assert len(placeholders(document)) == 12


def test_sections_without_data_say_so_in_one_sentence():
    data = sample.report(plan=None, dossiers=None, indices=())
    document = load(render_report(data, compose(data), sample.ISSUE))
    body = texts(section_blocks(document)[0])
    no_plan = wording.no_plan(data)
    assert no_plan.startswith("Chưa có kế hoạch cải cách hành chính năm 2023")
    assert body.count(no_plan) == 1  # in II; sections I and IV have only their placeholders
    assert wording.no_dossiers(data) in body
    assert wording.no_indices() in body
    assert [p.text[:4] for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "I. C",
        "II. ",
        "III.",
        "IV. ",
        "V. Đ",
    ]
    appendices = [texts(blocks) for blocks in section_blocks(document)[1:]]
    assert [a[0] for a in appendices] == ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV"]
    assert (
        no_plan in appendices[0] and no_plan in appendices[1] and wording.no_dossiers(data) in appendices[2]
    )
    assert len(document.inline_shapes) == 0


def test_two_charts_are_embedded_fifteen_centimetres_wide(document):
    shapes = document.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert abs(shape.width - Cm(15)) < Cm(0.01)
    assert paragraph(document, "Biểu đồ 1. Kết quả thực hiện nhiệm vụ theo lĩnh vực")
    assert paragraph(document, "Biểu đồ 2. Kết quả giải quyết hồ sơ theo tháng")


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


def test_changes_are_said_in_words():
    assert wording.change(140_624, "hồ sơ") == "tăng 140.624 hồ sơ"
    assert wording.change(-0.69, "điểm") == "giảm 0,69 điểm"
    assert wording.change(0, "điểm") == "không thay đổi"
