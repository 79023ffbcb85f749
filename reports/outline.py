"""The outline of the periodic CCHC report, as data (FORMATS.md, "The periodic CCHC report").

The order found in provincial reports: I. chỉ đạo, điều hành (1. the plan and how far it is done;
2. direction; 3. inspection; 4. communication; 5. initiatives); II. results by the six reform areas;
III. đánh giá chung (ưu điểm, tồn tại hạn chế, nguyên nhân); IV. phương hướng kỳ tới; V. đề xuất,
kiến nghị; then the appendices. When the Ministry's guidance changes, a deployment edits these
tuples: each item names its stable key (drafts keep staff paragraphs under it), its printed
heading, its level, and the builder in ``reports.document`` that writes its generated paragraphs
(with an argument, e.g. the reform area an "area" builder reports), and whether every report
must have something under it (III's three items, IV and V: the evaluation, the directions and
the recommendations are what the report is sent for).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutlineItem:
    key: str  # stable: "I", "II.1", "III.limitations"
    heading: str  # as printed; "{next}" is the next period ("6 THÁNG CUỐI NĂM 2023" in a level-1 heading)
    level: int  # 0: the opening, no heading; 1: roman headings; 2: numbered sub-items
    builder: str  # a name in reports.document.BUILDERS
    argument: str = ""  # e.g. the Area value an "area" builder reports, the topic a "topic" one asks for
    # The outline asks for it in every report: a report is not issued while it holds nothing but
    # what staff are still to write. Other items a department may drop when it has nothing to say.
    required: bool = False


OUTLINE: tuple[OutlineItem, ...] = (
    OutlineItem("intro", "", 0, "intro"),
    OutlineItem("I", "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", 1, "nothing"),
    OutlineItem("I.1", "1. Kế hoạch cải cách hành chính", 2, "plan"),
    OutlineItem("I.2", "2. Tổ chức chỉ đạo, điều hành cải cách hành chính", 2, "direction", "direction"),
    OutlineItem("I.3", "3. Kiểm tra công tác cải cách hành chính", 2, "topic", "inspection"),
    OutlineItem("I.4", "4. Tuyên truyền cải cách hành chính", 2, "topic", "communication"),
    OutlineItem("I.5", "5. Sáng kiến, giải pháp mới trong cải cách hành chính", 2, "topic", "initiatives"),
    OutlineItem("II", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", 1, "results"),
    OutlineItem("II.1", "1. Cải cách thể chế", 2, "area", "institutions"),
    OutlineItem("II.2", "2. Cải cách thủ tục hành chính", 2, "procedures", "procedures"),
    OutlineItem("II.3", "3. Cải cách tổ chức bộ máy hành chính nhà nước", 2, "area", "organisation"),
    OutlineItem("II.4", "4. Cải cách chế độ công vụ", 2, "area", "civil_service"),
    OutlineItem("II.5", "5. Cải cách tài chính công", 2, "area", "public_finance"),
    OutlineItem(
        "II.6", "6. Xây dựng, phát triển Chính phủ điện tử, Chính phủ số", 2, "area", "digital_government"
    ),
    OutlineItem("III", "III. ĐÁNH GIÁ CHUNG", 1, "nothing"),
    OutlineItem("III.strengths", "1. Ưu điểm", 2, "strengths", required=True),
    OutlineItem("III.limitations", "2. Tồn tại, hạn chế", 2, "limitations", required=True),
    OutlineItem("III.causes", "3. Nguyên nhân", 2, "causes", required=True),
    OutlineItem("IV", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM {next}", 1, "next_period", required=True),
    OutlineItem("V", "V. ĐỀ XUẤT, KIẾN NGHỊ", 1, "recommendations", required=True),
)

REQUIRED = frozenset(item.key for item in OUTLINE if item.required)

ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")  # headings, appendices


@dataclass(frozen=True)
class AppendixItem:
    """An appendix, printed only when the report has its data (the body already says what is
    missing: an appendix holding only that sentence is an empty page), numbered "Phụ lục I",
    "Phụ lục II" … in the order printed ("Phụ lục" alone when it is the only one)."""

    title: str  # printed in upper case under "Phụ lục …"
    writer: str  # a name in reports.render.APPENDIX_WRITERS


APPENDICES: tuple[AppendixItem, ...] = (
    AppendixItem("Kết quả thực hiện nhiệm vụ cải cách hành chính theo lĩnh vực và đơn vị", "progress"),
    AppendixItem("Danh mục nhiệm vụ cải cách hành chính và tình hình thực hiện", "tasks"),
    AppendixItem("Tình hình, kết quả giải quyết thủ tục hành chính (Biểu 06/VPCP/KSTT)", "dossiers"),
    AppendixItem("Kết quả các chỉ số đánh giá cải cách hành chính", "indices"),
    AppendixItem("Tổng hợp số liệu báo cáo của các đơn vị", "rounds"),  # a period with a reporting round
)
