"""The report's sentences: pure functions from ``ReportData`` parts to Vietnamese text.

Numbers "1.191.036", shares "95,11%", scores "91,49", dates "ngày 14 tháng 6 năm 2024" in
running text and dd/mm/yyyy in tables. ``reports.render`` places these sentences in the document.
"""

from __future__ import annotations

from datetime import date

from core.text import (
    fold,
    format_date_formal,
    format_date_long,
    format_date_short,
    format_int,
    format_number,
    format_percent,
)
from reports.data import (
    AreaResult,
    DossierFigures,
    DossierRow,
    DossierSection,
    IndexLine,
    PlanSection,
    ReportData,
    TaskLine,
)
from reports.issuers import Issuer

ONGOING = "Thường xuyên"
TASKS_CHART_CAPTION = "Biểu đồ 1. Kết quả thực hiện nhiệm vụ theo lĩnh vực"
DOSSIERS_CHART_CAPTION = "Biểu đồ 2. Kết quả giải quyết hồ sơ theo tháng"
NO_FIGURE = "chưa có số liệu"
ARCHIVE_LINE = "Lưu: VT"


def placeholder(what: str) -> str:
    return f"[Nội dung do chuyên viên bổ sung: {what}]"


def intro(data: ReportData) -> str:
    return (
        f"Báo cáo kết quả thực hiện công tác cải cách hành chính {data.period_label} của "
        f"{data.scope_label} (số liệu tính từ {format_date_long(data.period_start)} đến "
        f"{format_date_long(data.period_end)}) như sau:"
    )


def no_plan(data: ReportData) -> str:
    return (
        f"Chưa có kế hoạch cải cách hành chính năm {data.period_end.year} trong hệ thống, "
        "nên báo cáo chưa có số liệu về thực hiện nhiệm vụ."
    )


def no_dossiers(data: ReportData) -> str:
    return (
        f"Chưa có số liệu tiếp nhận, giải quyết hồ sơ thủ tục hành chính {data.period_label} trong hệ thống."
    )


LEADERSHIP_TOPICS = (
    ("plan", "ban hành và triển khai kế hoạch cải cách hành chính"),
    ("direction", "tổ chức chỉ đạo, điều hành"),
    ("inspection", "kiểm tra công tác cải cách hành chính"),
    ("communication", "tuyên truyền cải cách hành chính"),
    ("initiatives", "sáng kiến, giải pháp mới"),
)


def area_topic(label: str) -> str:
    return f"kết quả đạt được về {label[:1].lower()}{label[1:]}"


def no_indices() -> str:
    return "Chưa có kết quả các chỉ số đánh giá (PAR INDEX, SIPAS, PAPI, PCI) trong hệ thống."


# --- tasks -----------------------------------------------------------------------------------------


def is_leadership(area: AreaResult) -> bool:
    """The area "Công tác chỉ đạo, điều hành", which the outline reports in section I."""
    return fold(area.label).startswith("cong tac chi dao")


def plan_opening(plan: PlanSection) -> str:
    return f"Triển khai {plan.plan_title} (Kế hoạch số {plan.plan_number}) với {format_int(plan.total)} nhiệm vụ."


def plan_overview(plan: PlanSection, cut_off: date) -> str:
    """ "Tính đến ..., đã hoàn thành 24/32 nhiệm vụ (75%); còn 8 ..., trong đó 3 ... quá hạn."."""
    text = (
        f"Tính đến {format_date_long(cut_off)}, đã hoàn thành {plan.completed}/{plan.total} nhiệm vụ "
        f"({format_percent(plan.percent)})"
    )
    return text + _remaining(plan.total - plan.completed, plan.overdue) + "."


def leadership_result(area: AreaResult) -> str:
    text = area_result(area)
    return f"Nhóm nhiệm vụ về công tác chỉ đạo, điều hành: {text[:1].lower()}{text[1:]}"


def area_result(area: AreaResult) -> str:
    if not area.total:
        return "Kế hoạch không có nhiệm vụ thuộc lĩnh vực này trong kỳ."
    overdue = sum(task.overdue for task in area.open_tasks)
    ending = ":" if area.open_tasks else "."
    return (
        f"Hoàn thành {area.completed}/{area.total} nhiệm vụ"
        + _remaining(len(area.open_tasks), overdue)
        + ending
    )


def _remaining(open_count: int, overdue: int) -> str:
    if not open_count:
        return ""
    text = f"; còn {format_int(open_count)} nhiệm vụ chưa hoàn thành"
    return text + (f", trong đó {format_int(overdue)} nhiệm vụ quá hạn" if overdue else "")


def deadline_text(task: TaskLine) -> str:
    return format_date_short(task.deadline) if task.deadline else ONGOING


def task_line(task: TaskLine) -> str:
    """ "- <task> (đơn vị chủ trì: <unit>; thời hạn: dd/mm/yyyy, đã quá hạn);"."""
    status = ", đã quá hạn" if task.overdue else ""
    return (
        f"- {task.title} (đơn vị chủ trì: {task.lead_unit}; thời hạn: {deadline_text(task).lower()}{status});"
    )


def percent_or_none(value: float | None) -> str:
    return NO_FIGURE if value is None else format_percent(value)


def share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# --- procedures and dossiers ---------------------------------------------------------------------


def procedures_sentence(section: DossierSection, cut_off: date) -> str:
    levels = ", ".join(
        f"{label[:1].lower()}{label[1:]} {format_int(count)}" for label, count in section.procedures_by_level
    )
    text = f"Tại {format_date_long(cut_off)}, có {format_int(section.procedures_total)} thủ tục hành chính đang áp dụng"
    return text + (f", gồm: {levels}." if levels else ".")


def received_sentence(section: DossierSection) -> str:
    now = section.current
    text = (
        f"Tổng số hồ sơ tiếp nhận giải quyết: {format_int(now.carried_over + now.received)} hồ sơ, gồm "
        f"{format_int(now.carried_over)} hồ sơ kỳ trước chuyển sang và {format_int(now.received)} hồ sơ "
        f"tiếp nhận mới trong kỳ (trực tuyến {format_int(now.received_online)} hồ sơ, chiếm "
        f"{percent_or_none(now.online_share)})"
    )
    if section.last_year is not None:
        delta = now.received - section.last_year.received
        text += f"; số hồ sơ tiếp nhận mới {change(delta, 'hồ sơ')} so với cùng kỳ năm trước"
    return text + "."


def resolved_sentence(section: DossierSection) -> str:
    now = section.current
    text = (
        f"Đã giải quyết {format_int(now.resolved)} hồ sơ, trong đó trước hạn {format_int(now.resolved_early)}, "
        f"đúng hạn {format_int(now.resolved_on_time)}, quá hạn {format_int(now.resolved_late)}; tỷ lệ giải "
        f"quyết đúng hạn (kể cả trước hạn) đạt {percent_or_none(now.on_time_rate)}"
    )
    last = section.last_year
    if last is not None and now.on_time_rate is not None and last.on_time_rate is not None:
        text += (
            f" ({change(now.on_time_rate - last.on_time_rate, 'điểm phần trăm')} so với cùng kỳ năm trước)"
        )
    return text + "."


def open_sentence(figures: DossierFigures) -> str:
    open_total = figures.open_within_deadline + figures.open_overdue
    text = (
        f"Đang giải quyết {format_int(open_total)} hồ sơ (trong hạn {format_int(figures.open_within_deadline)}, "
        f"quá hạn {format_int(figures.open_overdue)})"
    )
    if figures.returned_or_withdrawn:
        text += f"; trả lại hoặc rút {format_int(figures.returned_or_withdrawn)} hồ sơ"
    return text + "."


def level_line(row: DossierRow) -> str:
    figures = row.figures
    return (
        f"- {row.label}: tiếp nhận {format_int(figures.carried_over + figures.received)} hồ sơ, đã giải quyết "
        f"{format_int(figures.resolved)}, tỷ lệ đúng hạn {percent_or_none(figures.on_time_rate)}, tỷ lệ tiếp "
        f"nhận trực tuyến {percent_or_none(figures.online_share)};"
    )


def apology_sentence(section: DossierSection) -> str:
    now = section.current
    return (
        f"Số hồ sơ quá hạn phải xin lỗi: {format_int(now.apologies_owed)}; đã gửi phiếu xin lỗi và hẹn lại ngày "
        f"trả kết quả: {format_int(now.apologies_issued)}; còn {format_int(section.late_without_apology)} hồ sơ "
        "quá hạn chưa có phiếu xin lỗi."
    )


def change(delta: float, unit: str) -> str:
    """ "tăng 140.624 hồ sơ", "giảm 0,69 điểm", "không thay đổi"."""
    if not delta:
        return "không thay đổi"
    amount = format_int(abs(delta)) if isinstance(delta, int) else format_number(abs(delta))
    return f"{'tăng' if delta > 0 else 'giảm'} {amount} {unit}"


# --- indices ---------------------------------------------------------------------------------------


def score_text(line: IndexLine, value: float, scale: float) -> str:
    return format_percent(value) if line.percent else f"{format_number(value)}/{format_number(scale)} điểm"


def index_sentence(line: IndexLine) -> str:
    """ "- Chỉ số ... năm 2024: đạt 91,49/100 điểm, xếp thứ 4/63; giảm 0,69 điểm so với năm trước; ..."."""
    parts = [f"- {line.kind_label} năm {line.year}: đạt {score_text(line, line.score, line.scale)}"]
    if line.rank is not None:
        parts[0] += f", xếp thứ {line.rank}" + (f"/{line.out_of}" if line.out_of else "")
    if line.score_change is not None:
        unit = "điểm phần trăm" if line.percent else "điểm"
        parts.append(f"{change(round(line.score_change, 4), unit)} so với năm trước")
    if line.target is not None:
        verdict = "đạt mục tiêu" if line.score >= line.target else "chưa đạt mục tiêu"
        parts.append(f"{verdict} đề ra ({score_text(line, line.target, line.scale)})")
    if line.weak_components:
        weakest = "; ".join(
            f"{c.name}: {format_percent(c.score) if line.percent else format_number(c.score)}"
            + ("" if line.percent else f"/{format_number(c.max_score)}")
            for c in line.weak_components
        )
        parts.append(f"các thành phần đạt thấp: {weakest}")
    return "; ".join(parts) + "."


def index_cells(line: IndexLine) -> list[str]:
    """The index appendix row: name, year scored, result, rank, change."""
    rank = "—" if line.rank is None else f"{line.rank}" + (f"/{line.out_of}" if line.out_of else "")
    change_text = "—"
    if line.score_change is not None:
        change_text = change(round(line.score_change, 4), "điểm phần trăm" if line.percent else "điểm")
    return [line.kind_label, str(line.year), score_text(line, line.score, line.scale), rank, change_text]


# --- limitations, next period, signature -----------------------------------------------------------


def limitation_facts(data: ReportData) -> list[str]:
    """The shortfalls the figures show, one line each."""
    facts = []
    if data.plan is not None and data.plan.overdue:
        facts.append(f"- Còn {format_int(data.plan.overdue)} nhiệm vụ quá hạn chưa hoàn thành.")
    if data.dossiers is not None and data.dossiers.current.resolved_late:
        text = f"- Còn {format_int(data.dossiers.current.resolved_late)} hồ sơ giải quyết quá hạn"
        if data.dossiers.late_without_apology:
            text += f", {format_int(data.dossiers.late_without_apology)} hồ sơ quá hạn chưa có phiếu xin lỗi"
        facts.append(text + ".")
    for line in data.indices:
        if line.target is not None and line.score < line.target:
            facts.append(f"- {line.kind_label} năm {line.year} chưa đạt mục tiêu đề ra.")
    return facts


def next_period_label(data: ReportData) -> str:
    year = data.period_end.year
    return {
        "half_year": f"6 tháng cuối năm {year}",
        "nine_months": f"quý IV năm {year}",
        "annual": f"năm {year + 1}",
    }.get(data.kind, "kỳ tới")


def next_tasks_intro(plan: PlanSection, cut_off: date) -> str:
    if not plan.next_period_tasks:
        return f"Không còn nhiệm vụ chưa hoàn thành có thời hạn sau {format_date_long(cut_off)}."
    return (
        f"Tiếp tục thực hiện {format_int(len(plan.next_period_tasks))} nhiệm vụ chưa hoàn thành của kế hoạch:"
    )


DRAFT_MARK = "DỰ THẢO"
BLANK_NUMBER = "     "
BLANK_DATE = "ngày    tháng    năm 20.."
AS_ABOVE = "Như trên"


def number_text(issuer: Issuer, number: str | None) -> str:
    """ "15/BC-SNV"; "05/BC-SNV" below 10; "     /BC-SNV" on a draft."""
    if number is None:
        return f"{BLANK_NUMBER}/{issuer.symbol}"
    return f"{number.zfill(2) if number.isdigit() else number}/{issuer.symbol}"


def number_line(issuer: Issuer, number: str | None) -> str:
    return f"Số: {number_text(issuer, number)}"


def date_text(issued_on: date | None) -> str:
    return BLANK_DATE if issued_on is None else format_date_formal(issued_on)


def place_and_date(issuer: Issuer, issued_on: date | None) -> str:
    return f"{issuer.place}, {date_text(issued_on)}"


def addressee_line(issuer: Issuer) -> str:
    return f"Kính gửi: {issuer.addressee}." if issuer.addressee else ""


def recipient_lines(issuer: Issuer) -> list[str]:
    """ "- xxx;" each; "- Như trên;" first when there is a "Kính gửi"; the archive line
    "- Lưu: VT, ..." last, ending with "."."""
    bare = [r.strip().lstrip("-").strip().rstrip(";.").strip() for r in issuer.recipients]
    bare = [text for text in bare if text and fold(text) != fold(AS_ABOVE)]
    archive = [text for text in bare if fold(text).startswith("luu:")] or [ARCHIVE_LINE]
    lines = [text for text in bare if text not in archive] + archive[-1:]
    if issuer.addressee:
        lines.insert(0, AS_ABOVE)
    return [f"- {text}{'.' if index == len(lines) - 1 else ';'}" for index, text in enumerate(lines)]


def appendix_reference(issuer: Issuer, number: str | None, issued_on: date | None) -> str:
    """ "(Kèm theo Báo cáo số 15/BC-SNV ngày 05 tháng 7 năm 2023 của Sở Nội vụ)"."""
    return f"(Kèm theo Báo cáo số {number_text(issuer, number)} {date_text(issued_on)})"
