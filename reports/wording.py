"""Every sentence a report prints: pure functions from ``ReportData`` parts to Vietnamese text.

Rules (issue 12): numbers "1.191.036", every share with two decimals "95,11%", scores "90,1",
dates "ngày 14 tháng 6 năm 2024" in running text and dd/mm/yyyy in lists and tables. A figure is
printed only when the data supports it: a share only with a non-zero base, a comparison only
with data for the same period a year earlier, nothing "không thay đổi" about zero against zero.
List items end with ";" and the last one with ".". ``reports.document`` decides which sentence
goes where; ``reports.render`` only prints.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

from core.text import (
    fold,
    format_date_formal,
    format_date_long,
    format_date_short,
    format_fixed,
    format_int,
    format_number,
    format_percent,
    period_name,
    round_half_up,
)
from models.dossiers.stats import Figures
from models.service_index.indicators import DECISION_REFERENCE, HANDLING_DAYS_DECIMALS
from models.vocabulary import IndexKind, Measure, ProgressMethod
from reports.data import (
    AreaResult,
    DossierCoverage,
    DossierRow,
    DossierSection,
    IndexLine,
    PlanSection,
    ProcedureCatalogue,
    ReportData,
    RoundAnswer,
    RoundFigure,
    RoundSection,
    ServiceIndexSection,
    TaskCounts,
    TaskLine,
    TaskState,
    Unavailable,
)
from reports.issuers import Issuer, IssuingUnit

ONGOING = "Thường xuyên"
NONE_CELL = "—"
TASKS_CHART_CAPTION = "Kết quả thực hiện nhiệm vụ cải cách hành chính theo lĩnh vực"
DOSSIERS_CHART_CAPTION = "Kết quả giải quyết hồ sơ thủ tục hành chính theo tháng"
ARCHIVE_LINE = "Lưu: VT"
DRAFT_MARK = "DỰ THẢO"
BLANK_NUMBER = "     "
BLANK_DATE = "ngày    tháng    năm 20.."
AS_ABOVE = "Như trên"
TOTAL = "Tổng cộng"
PROVINCE_TOTAL = "Tổng cộng toàn tỉnh"

TASK_STATE_LABELS = {
    TaskState.COMPLETED_ON_TIME: "Hoàn thành đúng hạn",
    TaskState.COMPLETED_LATE: "Hoàn thành quá hạn",
    TaskState.IN_PROGRESS: "Đang thực hiện trong hạn",
    TaskState.NOT_STARTED: "Chưa triển khai",
    TaskState.OVERDUE: "Quá hạn chưa hoàn thành",
    TaskState.CANCELLED: "Dừng, điều chỉnh",
}
PROGRESS_METHODS = {
    ProgressMethod.TASK_COUNT: "tính theo số nhiệm vụ hoàn thành",
    ProgressMethod.AVERAGE: "tính theo tiến độ bình quân của các nhiệm vụ",
    ProgressMethod.WEIGHTED: "tính theo trọng số của các nhiệm vụ",
    ProgressMethod.MANUAL: "theo đánh giá của cơ quan theo dõi kế hoạch",
}
# What staff write under section I's items (reports.outline names each by its key).
LEADERSHIP_TOPICS = {
    "direction": "tổ chức chỉ đạo, điều hành cải cách hành chính",
    "inspection": "kiểm tra công tác cải cách hành chính",
    "communication": "tuyên truyền cải cách hành chính",
    "initiatives": "sáng kiến, giải pháp mới trong cải cách hành chính",
}


def area_topic(label: str) -> str:
    return f"kết quả đạt được về {_lower_first(label)}"


def placeholder(what: str) -> str:
    return f"[Nội dung do chuyên viên bổ sung: {what}]"


def percent(value: float) -> str:
    """Every share of a report with two decimals: 95.1149 -> "95,11%", 75 -> "75,00%"."""
    return format_percent(value, 2)


def share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def listed(items: Sequence[str]) -> list[str]:
    """List items: "- " first, ";" after each but the last, which ends with "."."""
    return [f"- {item}{'.' if index == len(items) - 1 else ';'}" for index, item in enumerate(items)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _parts(parts: Sequence[tuple[str, int]]) -> str:
    """ "trực tuyến 12, trực tiếp 3" leaving out the zero counts."""
    return ", ".join(f"{label} {format_int(count)}" for label, count in parts if count)


def intro(data: ReportData) -> str:
    """The opening; a report drawn up before its cut-off says up to which day its figures go."""
    span = f"từ {format_date_long(data.period_start)} đến {format_date_long(data.period_end)}"
    if data.drawn_up_on_cut_off_day:
        span = (
            f"kỳ báo cáo {span}; báo cáo lập trong ngày chốt số liệu nên số liệu tính đến "
            "thời điểm lập báo cáo"
        )
    elif data.drawn_up_before_cut_off:
        span = (
            f"kỳ báo cáo {span}; báo cáo lập trước ngày chốt số liệu nên số liệu tính đến "
            f"{format_date_long(data.drawn_up_before_cut_off)}"
        )
    else:
        span = f"số liệu tính {span}"
    return (
        f"Báo cáo kết quả thực hiện công tác cải cách hành chính {data.period_label} của "
        f"{data.scope_label} ({span}) như sau:"
    )


def next_period_label(data: ReportData) -> str:
    year = data.period_end.year
    return {
        "half_year": f"6 tháng cuối năm {year}",
        "nine_months": period_name("quarter", year, 4),
        "annual": period_name("annual", year + 1),
    }.get(data.kind, "kỳ tới")


# --- tasks -----------------------------------------------------------------------------------------


def no_plan(data: ReportData) -> str:
    return (
        f"Chưa có kế hoạch cải cách hành chính năm {data.period_end.year} trên hệ thống, "
        "nên báo cáo chưa có số liệu về thực hiện nhiệm vụ."
    )


def leaders(plan: PlanSection, unit: IssuingUnit | None) -> str | None:
    """Who leads the tasks a unit's report counts: the unit, the units under it (a district's
    communes), or both; None for the province's report."""
    if unit is None:
        return None
    if not plan.led_under:
        return unit.name
    if plan.led_under == plan.total:
        return f"các đơn vị trực thuộc {unit.name}"
    return f"{unit.name} và các đơn vị trực thuộc"


def plan_opening(plan: PlanSection, unit: IssuingUnit | None = None) -> str:
    """The plan and its tasks; a unit's report counts the tasks it leads and its units lead,
    saying whose they are."""
    reference = ""
    if plan.plan_number:
        reference = f" (Kế hoạch số {plan.plan_number}"
        reference += f" {format_date_long(plan.plan_date)})" if plan.plan_date else ")"
    if unit is not None and not plan.total:
        return (
            f"Triển khai {plan.plan_title}{reference}, {unit.name} không chủ trì nhiệm vụ nào của kế hoạch."
        )
    if unit is not None:
        own = plan.total - plan.led_under
        details = (
            [f"{unit.name} trực tiếp chủ trì {format_int(own)} nhiệm vụ"] if own and plan.led_under else []
        )
        if plan.led_merged:  # the units merged into it in the 2025 reorganisation, say
            details.append(
                f"kể cả {format_int(plan.led_merged)} nhiệm vụ do {', '.join(plan.merged_leaders)} "
                "chủ trì trước khi sắp xếp"
            )
        detail = f" ({'; '.join(details)})" if details else ""
        return (
            f"Triển khai {plan.plan_title}{reference}, {leaders(plan, unit)} chủ trì "
            f"{format_int(plan.total)} nhiệm vụ{detail}."
        )
    if not plan.total:
        text = f"{plan.plan_title}{reference} chưa có nhiệm vụ nào được nhập trên hệ thống đến {format_date_long(plan.as_of)}"
        if plan.entered_later:
            return text + "; các nhiệm vụ được nhập sau ngày này không được tính trong báo cáo."
        return text + "."
    return f"Triển khai {plan.plan_title}{reference} với {format_int(plan.total)} nhiệm vụ."


def counts_text(counts: TaskCounts) -> str:
    """ "đã hoàn thành 24/32 nhiệm vụ (đúng hạn 22, quá hạn 2); đang thực hiện trong hạn 5; …"."""
    text = f"đã hoàn thành {counts.completed}/{counts.total} nhiệm vụ"
    if counts.completed_late:
        text += f" (đúng hạn {counts.completed_on_time}, quá hạn {counts.completed_late})"
    for label, count in (
        ("đang thực hiện trong hạn", counts.in_progress),
        ("chưa triển khai", counts.not_started),
        ("quá hạn chưa hoàn thành", counts.overdue),
    ):
        if count:
            text += f"; {label} {count} nhiệm vụ"
    return text


def plan_overview(plan: PlanSection, cut_off: date, unit: IssuingUnit | None = None) -> str:
    """ "Tính đến …, đã hoàn thành 24/32 nhiệm vụ …. Tỷ lệ thực hiện kế hoạch (…) đạt 75,00%."; a
    unit's report gives the share of the tasks it leads, not the plan's."""
    text = f"Tính đến {format_date_long(cut_off)}, {counts_text(plan.counts)}."
    if plan.counts.cancelled:
        text += f" Có {plan.counts.cancelled} nhiệm vụ dừng, điều chỉnh, không tính vào tổng số."
    method = PROGRESS_METHODS.get(plan.progress_method, "")
    share = f"các nhiệm vụ do {leaders(plan, unit)} chủ trì" if unit else "kế hoạch"
    return text + f" Tỷ lệ thực hiện {share} ({method}) đạt {percent(plan.percent)}."


def area_result(area: AreaResult, leader: str | None = None) -> str:
    """An area's tasks; ``leader`` (``leaders``) names whose they are in a unit's report."""
    if not area.total and leader is not None:
        return f"{_upper_first(leader)} không chủ trì nhiệm vụ nào về {_lower_first(area.label)} trong kỳ báo cáo."
    if not area.total:
        return f"Kế hoạch không có nhiệm vụ nào về {_lower_first(area.label)} trong kỳ báo cáo."
    ending = ", cụ thể:" if area.completed_tasks or area.unfinished_tasks else "."
    return f"Các nhiệm vụ về {_lower_first(area.label)}: {counts_text(area.counts)}{ending}"


def deadline_text(task: TaskLine) -> str:
    """A task's deadline in a table cell: "30/09/2023" or "Thường xuyên"."""
    return format_date_short(task.deadline) if task.deadline else ONGOING


def deadline_words(task: TaskLine) -> str:
    """A task's deadline in a sentence: "ngày 30 tháng 9 năm 2023" or "thường xuyên"."""
    return format_date_long(task.deadline) if task.deadline else _lower_first(ONGOING)


def result_item(task: TaskLine) -> str:
    """A task in its area: what was done, or where it stands (without the list punctuation)."""
    if task.state.completed:
        text = (
            f"{task.title}: hoàn thành {format_date_long(task.completed_on)}"
            if task.completed_on
            else (f"{task.title}: đã hoàn thành")
        )
        if task.state is TaskState.COMPLETED_LATE:
            text += f", quá hạn so với thời hạn {deadline_words(task)}"
        return text + (f" (kết quả: {_lower_first(task.expected_output)})" if task.expected_output else "")
    return f"{task.title}: {_lower_first(TASK_STATE_LABELS[task.state])}, tiến độ {task.progress}%"


def carried_item(task: TaskLine) -> str:
    """A task carried into the next period: who leads it and by when."""
    overdue = ", đã quá hạn" if task.overdue else ""
    return f"{task.title} (đơn vị chủ trì: {task.lead_unit}; thời hạn: {deadline_words(task)}{overdue})"


def carried_intro(plan: PlanSection) -> str:
    unfinished = plan.unfinished
    if not unfinished:
        return "Các nhiệm vụ của kế hoạch đã hoàn thành; tiếp tục duy trì kết quả đạt được."
    overdue = sum(task.overdue for task in unfinished)
    text = f"Tiếp tục thực hiện {format_int(len(unfinished))} nhiệm vụ chưa hoàn thành của kế hoạch"
    if overdue:
        text += f", trước hết {format_int(overdue)} nhiệm vụ đã quá hạn"
    return text + ":"


# --- procedures and dossiers ---------------------------------------------------------------------


def procedures_sentence(catalogue: ProcedureCatalogue, cut_off: date, unit: IssuingUnit | None = None) -> str:
    """The catalogue in force at the cut-off. It is the province's: a unit's report says so
    ("toàn tỉnh có …"), rather than seem to count the unit's own procedures."""
    if catalogue.undated:
        return (
            f"Danh mục thủ tục hành chính trên hệ thống chưa ghi ngày có hiệu lực của "
            f"{format_int(catalogue.undated)} thủ tục nên chưa xác định được số thủ tục hành chính "
            f"đang áp dụng tại {format_date_long(cut_off)}."
        )
    if not catalogue.total:
        return (
            f"Hệ thống chưa có Danh mục thủ tục hành chính có hiệu lực tại {format_date_long(cut_off)}; "
            "số thủ tục hành chính đang áp dụng chưa được tổng hợp."
        )
    levels = _parts([(_lower_first(label), count) for label, count in catalogue.by_level])
    text = (
        f"Tại {format_date_long(cut_off)}, {'toàn tỉnh ' if unit else ''}có {format_int(catalogue.total)}"
        " thủ tục hành chính đang áp dụng" + (f" ({levels})" if levels else "")
    )
    online = _parts([("toàn trình", catalogue.fully_online), ("một phần", catalogue.partly_online)])
    if online:
        text += f"; cung cấp dịch vụ công trực tuyến: {online} thủ tục"
    return text + "."


def dossier_total(unit: IssuingUnit | None) -> str:
    """Biểu 06's last row: the province's total, or a unit's (its own and its units')."""
    return TOTAL if unit is not None else PROVINCE_TOTAL


def no_dossiers() -> str:
    return "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống."


def partial_dossiers(coverage: DossierCoverage) -> str:
    return (
        f"Số liệu hồ sơ trên hệ thống chỉ có từ {format_date_long(coverage.first_received)} đến "
        f"{format_date_long(coverage.last_received)}, chưa đủ cả kỳ báo cáo; các số liệu dưới đây tính "
        "trong khoảng thời gian đó."
    )


def stale_dossiers(coverage: DossierCoverage) -> str:
    """Said plainly in the report (it is signed with it): the figures leave these dossiers out."""
    return (
        f"Số liệu của kỳ không tính {format_int(coverage.stale_open)} hồ sơ tiếp nhận từ "
        f"{format_date_long(coverage.stale_since)} (trước kỳ báo cáo hơn một năm) vẫn ghi nhận đang "
        "giải quyết trên hệ thống; các hồ sơ này cần được rà soát, cập nhật."
    )


def received_sentence(section: DossierSection) -> str:
    now = section.current
    handled = now.carried_over + now.received
    channels = _parts(
        [
            ("trực tuyến", now.received_online),
            ("trực tiếp và qua bưu chính", now.received_direct + now.received_postal),
        ]
    )
    text = f"Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: {format_int(handled)} hồ sơ"
    if now.carried_over:
        text += (
            f", gồm {format_int(now.carried_over)} hồ sơ từ kỳ trước chuyển sang và "
            f"{format_int(now.received)} hồ sơ tiếp nhận mới ({channels})"
        )
    else:
        text += f", đều tiếp nhận mới trong kỳ ({channels})"
    if now.received_online:
        text += f"; tỷ lệ hồ sơ tiếp nhận trực tuyến đạt {percent(now.online_share)}"
    last = section.last_year
    if last is not None and now.received != last.received:
        text += f"; số hồ sơ tiếp nhận mới {change(now.received - last.received, 'hồ sơ')} so với cùng kỳ năm trước"
    return text + "."


def resolved_sentence(section: DossierSection) -> str:
    now = section.current
    if not now.resolved:
        return "Trong kỳ chưa có hồ sơ được giải quyết xong."
    handled = now.carried_over + now.received
    timeliness = _parts(
        [
            ("trước hạn", now.resolved_early),
            ("đúng hạn", now.resolved_on_time),
            ("quá hạn", now.resolved_late),
        ]
    )
    text = (
        f"Đã giải quyết {format_int(now.resolved)} hồ sơ, đạt {percent(share(now.resolved, handled))} số hồ sơ "
        f"tiếp nhận giải quyết ({timeliness}); tỷ lệ giải quyết đúng hạn (kể cả trước hạn) đạt "
        f"{percent(now.on_time_rate)}"
    )
    last = section.last_year
    if (
        last is not None
        and last.on_time_rate is not None
        and (moved := round_half_up(now.on_time_rate - last.on_time_rate))
    ):
        text += f" ({change(moved, 'điểm phần trăm')} so với cùng kỳ năm trước)"
    return text + "."


def figures_moment(data: ReportData) -> str:
    """When the dossiers still open are counted: "hết kỳ"; the day a report drawn up before its
    cut-off was; the moment it was drawn up, on the cut-off day itself."""
    if data.drawn_up_on_cut_off_day:
        return f"thời điểm lập báo cáo ({format_date_long(data.period_end)})"
    if data.drawn_up_before_cut_off:
        return format_date_long(data.drawn_up_before_cut_off)
    return "hết kỳ"


def open_sentence(figures: Figures, moment: str) -> str:
    """Where the period's dossiers stand at ``moment`` (``figures_moment``)."""
    parts = []
    if figures.open:
        overdue = (
            f"trong hạn {format_int(figures.open_within_deadline)}, quá hạn {format_int(figures.open_overdue)}"
            if figures.open_overdue
            else "đều trong hạn"
        )
        parts.append(f"đang giải quyết {format_int(figures.open)} hồ sơ ({overdue})")
    if figures.returned:
        parts.append(f"trả lại {format_int(figures.returned)} hồ sơ không đủ điều kiện giải quyết")
    if figures.withdrawn:
        parts.append(f"{format_int(figures.withdrawn)} hồ sơ do người dân, tổ chức rút")
    if not parts:
        return ""
    return f"Đến {moment}, {'; '.join(parts)}."


def level_line(row: DossierRow) -> str:
    """A level's figures, without list punctuation."""
    figures = row.figures
    handled = figures.carried_over + figures.received
    text = f"{row.label}: tiếp nhận {format_int(handled)} hồ sơ, đã giải quyết {format_int(figures.resolved)}"
    if figures.resolved:
        text += f", tỷ lệ đúng hạn {percent(figures.on_time_rate)}"
    if figures.received:
        text += f", tỷ lệ tiếp nhận trực tuyến {percent(figures.online_share)}"
    return text


def apology_sentence(section: DossierSection) -> str:
    now = section.current
    if not now.apologies_owed:
        return "Trong kỳ không có hồ sơ quá hạn phải gửi phiếu xin lỗi người dân, tổ chức."
    text = (
        f"Có {format_int(now.apologies_owed)} hồ sơ quá hạn phải xin lỗi người dân, tổ chức; đã gửi "
        f"{format_int(now.apologies_issued)} phiếu xin lỗi và hẹn lại ngày trả kết quả"
    )
    if section.late_without_apology:
        text += f"; còn {format_int(section.late_without_apology)} hồ sơ chưa có phiếu xin lỗi"
    return text + "."


def cashless_sentence(figures: Figures) -> str:
    if not figures.received_cashless:
        return ""
    return (
        f"Có {format_int(figures.received_cashless)} hồ sơ thanh toán phí, lệ phí không dùng tiền mặt, "
        f"chiếm {percent(share(figures.received_cashless, figures.received))} số hồ sơ tiếp nhận mới."
    )


def handling_days(days: float) -> str:
    """ "7,0 ngày/hồ sơ": one decimal always, so that one report's 7,0 reads beside another's 7,2."""
    return f"{format_fixed(days, HANDLING_DAYS_DECIMALS)} ngày/hồ sơ"


def service_index_sentence(section: ServiceIndexSection) -> str:
    """The province's (or the scope's) Decision 766 ratios that the data supports; a ratio over
    only part of the dossiers says over how many."""
    parts = []
    for assessment in section.total.assessments:
        if assessment.status != "ok":
            continue
        part = f"{_lower_first(assessment.label)} {percent(assessment.ratio)}"
        if assessment.unknown:
            part += f" (trên {format_int(assessment.denominator)} hồ sơ có dữ liệu)"
        parts.append(part)
    days = section.total.average_handling_days
    if days is not None:
        parts.append(f"thời gian giải quyết trung bình {handling_days(days)}")
    return (
        "Bộ chỉ số phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công "
        f"({DECISION_REFERENCE}), tính theo phương pháp của Quyết định trên các hồ sơ tiếp nhận trong kỳ, kể cả hồ sơ đang giải quyết: {'; '.join(parts)}."
    )


def service_index_figures(section: ServiceIndexSection) -> tuple[tuple[str, str], ...]:
    """The figures ``service_index_sentence`` states, as printed, for the contradiction check."""
    figures = [
        (f"service_index.{a.key}", percent(a.ratio)) for a in section.total.assessments if a.status == "ok"
    ]
    days = section.total.average_handling_days
    if days is not None:
        figures.append(("service_index.average_handling_days", format_fixed(days, HANDLING_DAYS_DECIMALS)))
    return tuple(figures)


def service_index_gaps(section: ServiceIndexSection) -> str:
    """The indicators the data cannot give, said plainly ("" when there are none)."""
    sentences = []
    missing = [_lower_first(a.label) for a in section.total.assessments if a.status == "no_data"]
    if missing:
        sentences.append(
            f"Không có dữ liệu để tính {', '.join(missing)} (dữ liệu hồ sơ chưa có các thông tin này)."
        )
    empty = [_lower_first(a.label) for a in section.total.assessments if a.status == "not_applicable"]
    if empty:
        sentences.append(f"Không có hồ sơ thuộc diện tính {', '.join(empty)}.")
    return " ".join(sentences)


def weakest_units_sentence(section: ServiceIndexSection) -> str:
    """The units with the lowest mean achievement and each one's weakest indicator ("" with
    fewer than two units scored: a ranking of one says nothing)."""
    if section.units_scored < 2 or not section.weakest:
        return ""
    items = []
    for group in section.weakest:
        scored = [a for a in group.figures.assessments if a.achievement is not None]
        weakest = min(scored, key=lambda a: a.achievement)
        items.append(
            f"{group.key['unit_label']} (mức đạt bình quân {percent(group.figures.score)}; thấp nhất là "
            f"{_lower_first(weakest.label)} {percent(weakest.ratio)})"
        )
    return (
        f"Các đơn vị có mức đạt bình quân các chỉ số thấp nhất trong {format_int(section.units_scored)} "
        f"đơn vị (mức đạt của một chỉ số là tỷ lệ so với ngưỡng đạt điểm tối đa, không quá 100%; "
        f"xếp theo bình quân các chỉ số có dữ liệu): {'; '.join(items)}."
    )


def balance_sentence(figures: Figures) -> str:
    """The Biểu 06 balance: received = resolved + in progress + returned or withdrawn."""
    handled = figures.carried_over + figures.received
    parts = figures.resolved + figures.open + figures.returned + figures.withdrawn
    text = (
        f"Cân đối số liệu: số hồ sơ nhận giải quyết ({format_int(handled)}) = đã giải quyết "
        f"({format_int(figures.resolved)}) + đang giải quyết ({format_int(figures.open)}) + trả lại, rút "
        f"({format_int(figures.returned + figures.withdrawn)})"
    )
    if handled == parts:
        return text + "."
    return text + f": chưa cân đối, chênh lệch {format_int(abs(handled - parts))} hồ sơ."


def change(delta: float, unit: str) -> str:
    """ "tăng 140.624 hồ sơ", "giảm 0,69 điểm" (the caller prints nothing for no change)."""
    amount = format_int(abs(delta)) if isinstance(delta, int) else format_number(abs(delta))
    return f"{'tăng' if delta > 0 else 'giảm'} {amount} {unit}"


# --- indices ---------------------------------------------------------------------------------------


def no_indices() -> str:
    return "Đến thời điểm báo cáo, chưa có kết quả chỉ số đánh giá cải cách hành chính nào được công bố trên hệ thống."


def indices_intro() -> str:
    return "Kết quả các chỉ số đánh giá đã được công bố đến thời điểm báo cáo:"


def score_text(line: IndexLine, value: float, scale: float) -> str:
    return percent(value) if line.percent else f"{format_number(value)}/{format_number(scale)} điểm"


def index_item(line: IndexLine) -> str:
    """ "Chỉ số … năm 2022 (công bố ngày 19 tháng 4 năm 2023): đạt 90,1/100 điểm, xếp thứ 1/63, …"."""
    published = f" (công bố {format_date_long(line.published_on)})" if line.published_on else ""
    text = f"{line.kind_label} năm {line.year}{published}: đạt {score_text(line, line.score, line.scale)}"
    if line.rank is not None:
        text += f", xếp thứ {line.rank}" + (f"/{line.out_of}" if line.out_of else "")
    if line.score_change:
        unit = "điểm phần trăm" if line.percent else "điểm"
        text += f", {change(round(line.score_change, 4), unit)} so với năm trước"
    if line.target is not None:
        verdict = "đạt" if line.score >= line.target else "chưa đạt"
        text += f", {verdict} mục tiêu đề ra ({score_text(line, line.target, line.scale)})"
    if line.unavailable:
        text += f" (kết quả gần nhất đã công bố; {'; '.join(unavailable_text(line))})"
    return text


UNAVAILABLE = {
    Unavailable.NOT_RECORDED: "chưa có kết quả {years} trên hệ thống",
    Unavailable.NOT_PUBLISHED: "kết quả {years} chưa được công bố đến thời điểm báo cáo",
    Unavailable.PUBLICATION_UNKNOWN: "kết quả {years} có trên hệ thống nhưng chưa ghi ngày công bố",
}


def unavailable_text(line: IndexLine) -> list[str]:
    """Why the years after the quoted one are missing, years of one reason together:
    "chưa có kết quả năm 2023 trên hệ thống"."""
    return [
        template.format(years=", ".join(f"năm {year}" for year, why in line.unavailable if why is reason))
        for reason, template in UNAVAILABLE.items()
        if any(why is reason for _, why in line.unavailable)
    ]


def index_cells(line: IndexLine) -> list[str]:
    """The index appendix row: name, year scored, published, result, rank, change."""
    rank = NONE_CELL if line.rank is None else f"{line.rank}" + (f"/{line.out_of}" if line.out_of else "")
    change_text = NONE_CELL
    if line.score_change:
        change_text = change(round(line.score_change, 4), "điểm phần trăm" if line.percent else "điểm")
    published = format_date_short(line.published_on) if line.published_on else NONE_CELL
    return [
        line.kind_label,
        str(line.year),
        published,
        score_text(line, line.score, line.scale),
        rank,
        change_text,
    ]


# --- general assessment ----------------------------------------------------------------------------


def strength_facts(data: ReportData) -> list[str]:
    """What the figures show went well (without list punctuation)."""
    facts = []
    plan = data.plan
    if plan is not None and plan.total and plan.counts.completed_on_time == plan.total:
        facts.append("Toàn bộ nhiệm vụ của kế hoạch đã được hoàn thành đúng hạn")
    dossiers = data.dossiers
    if (
        dossiers is not None
        and dossiers.current.on_time_rate is not None
        and dossiers.current.on_time_rate >= 95
    ):
        facts.append(
            f"Công tác giải quyết thủ tục hành chính được duy trì tốt, {percent(dossiers.current.on_time_rate)} "
            "hồ sơ được giải quyết đúng hạn hoặc trước hạn"
        )
    for line in data.indices:
        if line.rank == 1 and line.current:
            facts.append(f"{line.kind_label} năm {line.year} của tỉnh dẫn đầu cả nước")
    return facts


def overdue_tasks_fact(plan: PlanSection) -> str:
    """ "Còn 1 nhiệm vụ quá hạn chưa hoàn thành do Sở Tài chính chủ trì", or with several units
    "(Sở Nội vụ chủ trì 3 nhiệm vụ, Sở Thông tin và Truyền thông chủ trì 1 nhiệm vụ)"."""
    units = [(unit.unit, unit.counts.overdue) for unit in plan.by_unit if unit.counts.overdue]
    text = f"Còn {plan.counts.overdue} nhiệm vụ quá hạn chưa hoàn thành"
    if len(units) == 1:
        return f"{text} do {units[0][0]} chủ trì"
    if not units:
        return text
    return text + " (" + ", ".join(f"{unit} chủ trì {count} nhiệm vụ" for unit, count in units) + ")"


def limitation_facts(data: ReportData) -> list[str]:
    """The shortfalls the figures show (without list punctuation)."""
    facts = []
    plan = data.plan
    if plan is not None and plan.counts.overdue:
        facts.append(overdue_tasks_fact(plan))
    if plan is not None and plan.counts.completed_late:
        facts.append(f"Có {plan.counts.completed_late} nhiệm vụ hoàn thành chậm so với thời hạn của kế hoạch")
    dossiers = data.dossiers
    if dossiers is not None:
        late = [
            f"{format_int(count)} hồ sơ {label}"
            for label, count in (
                ("giải quyết quá hạn", dossiers.current.resolved_late),
                ("đang giải quyết đã quá hạn", dossiers.current.open_overdue),
            )
            if count
        ]
        if late:
            facts.append(f"Vẫn để xảy ra hồ sơ trễ hạn: {', '.join(late)}")
        if dossiers.late_without_apology:
            facts.append(
                f"Còn {format_int(dossiers.late_without_apology)} hồ sơ quá hạn chưa được gửi phiếu xin lỗi "
                "người dân, tổ chức"
            )
    for line in data.indices:
        if line.target is not None and line.score < line.target:
            facts.append(f"{line.kind_label} năm {line.year} chưa đạt mục tiêu đề ra")
        if line.weak_components:
            weakest = ", ".join(
                f"{_lower_first(c.name)} ({percent(c.score) if line.percent else format_number(c.score)}"
                + ("" if line.percent else f"/{format_number(c.max_score)}")
                + ")"
                for c in line.weak_components
            )
            facts.append(f"Một số tiêu chí của {line.kind_label} năm {line.year} còn đạt thấp: {weakest}")
    return facts


# --- the words that name each figure, for the draft's contradiction check (reports.drafts) ---------

# Figure key -> (phrases written just before its number, phrases written just after it), as people
# write about the figure: "tiếp nhận 532.950 hồ sơ", "43 hồ sơ quá hạn phải xin lỗi". A figure of a
# level ("dossiers.level.province.received") uses its measure's terms ("dossiers.received").
FIGURE_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tasks.completed": (("hoàn thành", "đã hoàn thành"), ("nhiệm vụ đã hoàn thành", "nhiệm vụ hoàn thành")),
    "tasks.total": (("hoàn thành /", "thực hiện /"), ()),
    "tasks.percent": (
        ("hoàn thành", "thực hiện kế hoạch", "kế hoạch đạt", "tỷ lệ hoàn thành"),
        ("kế hoạch",),
    ),
    "tasks.unfinished": ((), ("nhiệm vụ chưa hoàn thành",)),
    "procedures.total": ((), ("thủ tục hành chính đang áp dụng", "thủ tục đang áp dụng")),
    "procedures.fully_online": (
        ("toàn trình",),
        ("dịch vụ công trực tuyến toàn trình", "thủ tục toàn trình"),
    ),
    "procedures.partly_online": (("một phần",), ("dịch vụ công trực tuyến một phần", "thủ tục một phần")),
    "dossiers.received": (
        ("tiếp nhận", "tiếp nhận giải quyết", "nhận giải quyết", "tiếp nhận được", "tiếp nhận mới"),
        ("hồ sơ tiếp nhận", "hồ sơ tiếp nhận mới"),
    ),
    "dossiers.received_new": (("tiếp nhận", "tiếp nhận mới"), ("hồ sơ tiếp nhận", "hồ sơ tiếp nhận mới")),
    "dossiers.carried_over": (("kỳ trước chuyển sang",), ("hồ sơ từ kỳ trước", "hồ sơ kỳ trước")),
    "dossiers.received_online": (
        ("trực tuyến", "tiếp nhận trực tuyến"),
        ("hồ sơ trực tuyến", "hồ sơ tiếp nhận trực tuyến", "hồ sơ nộp trực tuyến"),
    ),
    "dossiers.received_direct": (
        ("trực tiếp", "bưu chính", "trực tiếp và qua bưu chính"),
        ("hồ sơ trực tiếp",),
    ),
    "dossiers.online_share": (("trực tuyến", "trực tuyến đạt"), ()),
    "dossiers.resolved": (
        ("giải quyết", "đã giải quyết", "giải quyết xong", "giải quyết được"),
        ("hồ sơ đã giải quyết", "hồ sơ được giải quyết"),
    ),
    "dossiers.resolved_share": (("giải quyết", "hồ sơ đạt"), ()),
    "dossiers.on_time_rate": (("đúng hạn", "trước hạn", "đúng hạn đạt", "đúng và trước hạn"), ()),
    "dossiers.resolved_early": (("trước hạn",), ("hồ sơ trước hạn", "hồ sơ giải quyết trước hạn")),
    "dossiers.resolved_on_time": (("đúng hạn",), ("hồ sơ đúng hạn", "hồ sơ giải quyết đúng hạn")),
    "dossiers.resolved_late": (
        ("quá hạn", "giải quyết quá hạn", "trễ hạn"),
        ("hồ sơ quá hạn", "hồ sơ giải quyết quá hạn", "hồ sơ trễ hạn"),
    ),
    "dossiers.open": (("đang giải quyết",), ("hồ sơ đang giải quyết",)),
    "dossiers.open_overdue": (
        ("đang giải quyết quá hạn",),
        ("hồ sơ đang giải quyết đã quá hạn", "hồ sơ đang giải quyết quá hạn"),
    ),
    "dossiers.returned": (("trả lại",), ("hồ sơ trả lại", "hồ sơ bị trả lại")),
    "dossiers.withdrawn": ((), ("hồ sơ do người dân, tổ chức rút", "hồ sơ rút", "hồ sơ bị rút")),
    "dossiers.apologies_owed": (("phải xin lỗi",), ("hồ sơ quá hạn phải xin lỗi", "hồ sơ phải xin lỗi")),
    "dossiers.apologies_issued": ((), ("phiếu xin lỗi", "văn bản xin lỗi")),
    "dossiers.late_without_apology": (
        (),
        (
            "hồ sơ chưa có phiếu xin lỗi",
            "hồ sơ quá hạn chưa có phiếu xin lỗi",
            "hồ sơ quá hạn chưa được gửi phiếu xin lỗi",
        ),
    ),
    "dossiers.cashless": (
        ("không dùng tiền mặt",),
        ("hồ sơ thanh toán", "hồ sơ thanh toán không dùng tiền mặt"),
    ),
    "dossiers.cashless_share": (("không dùng tiền mặt", "thanh toán không dùng tiền mặt"), ()),
    # Decision 766 (service index) ratios, as staff quote them ("tỷ lệ số hóa hồ sơ đạt 45%").
    "service_index.on_time": (
        ("giải quyết đúng hạn", "giải quyết đúng hạn đạt", "đúng hạn theo bộ chỉ số"),
        (),
    ),
    "service_index.online_submission": (("nộp trực tuyến", "nộp trực tuyến đạt", "hồ sơ nộp trực tuyến"), ()),
    "service_index.online_payment": (("thanh toán trực tuyến", "thanh toán trực tuyến đạt"), ()),
    "service_index.electronic_result": (("trả kết quả điện tử", "trả kết quả điện tử đạt"), ()),
    "service_index.digitised": (("số hóa hồ sơ", "số hóa hồ sơ đạt", "số hóa hồ sơ, kết quả giải quyết"), ()),
    "service_index.reused_data": (
        ("tái sử dụng dữ liệu", "tái sử dụng dữ liệu số hóa", "tái sử dụng dữ liệu số hóa đạt"),
        (),
    ),
    "service_index.average_handling_days": (
        ("thời gian giải quyết trung bình", "thời gian giải quyết trung bình là"),
        (),
    ),
}


def index_figure_key(line: IndexLine, measure: str) -> str:
    """ "index.par_index.2022.score": the year is part of what names it."""
    return f"index.{line.kind}.{line.year}.{measure}"


def figure_terms(key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The phrases naming the figure ``key`` (none: only its generated sentence names it)."""
    if key.startswith("index."):
        _, kind, year, measure = key.split(".")
        names = _index_names(kind)
        if measure == "score":
            return tuple(f"{name} năm {year}{verb}" for name in names for verb in ("", " đạt")), ()
        return tuple(f"{name} năm {year} xếp thứ" for name in names), ()
    if key in FIGURE_TERMS:
        return FIGURE_TERMS[key]
    concept, *_, measure = key.split(".")
    return FIGURE_TERMS.get(f"{concept}.{measure}", ((), ()))


def _index_names(kind: str) -> tuple[str, ...]:
    """ "Chỉ số hài lòng (SIPAS)" is named "sipas" or "chỉ số hài lòng"."""
    label = IndexKind(kind).label
    full, _, short = label.partition(" (")
    return tuple(name for name in (short.rstrip(")"), full) if name)


# --- letterhead, signature, appendix reference -----------------------------------------------------


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
    bare = [
        text
        for text in bare
        if text and fold(text) != fold(AS_ABOVE) and not names_addressee(text, issuer.addressee)
    ]
    archive = [text for text in bare if fold(text).startswith("luu:")] or [ARCHIVE_LINE]
    lines = [text for text in bare if text not in archive] + archive[-1:]
    if issuer.addressee:
        lines.insert(0, AS_ABOVE)
    return listed(lines)


def chart_month(year: int, month: int, start: date, end: date) -> str:
    """A month's label on the dossier chart of the period from ``start`` to ``end``: "T3"; a
    month of the year before the period's end "T12/2022"; a month the period cuts says which
    days it holds on a second line ("T6\n1–14": a Decree 09 half-year ends on 14 June)."""
    label = f"T{month}" if year == end.year else f"T{month}/{year}"
    first = start.day if (year, month) == (start.year, start.month) else 1
    last_of_month = calendar.monthrange(year, month)[1]
    last = end.day if (year, month) == (end.year, end.month) else last_of_month
    return label if (first, last) == (1, last_of_month) else f"{label}\n{first}–{last}"


def chart_caption(number: int, caption: str) -> str:
    """ "Biểu đồ 2. …": charts are numbered in the order printed (a report without the plan's
    chart has its dossier chart as Biểu đồ 1)."""
    return f"Biểu đồ {number}. {caption}"


def names_addressee(recipient: str, addressee: str) -> bool:
    """Whether a recipient line is the "Kính gửi" again ("Ủy ban nhân dân tỉnh (b/c)" under
    "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh"): "Như trên" already sends it there."""
    name = fold(re.sub(r"\s*\([^)]*\)$", "", recipient))
    return bool(addressee and name) and fold(addressee).startswith(name)


def appendix_reference(issuer: Issuer, number: str | None, issued_on: date | None) -> str:
    """ "(Kèm theo Báo cáo số 15/BC-SNV ngày 05 tháng 7 năm 2023)"."""
    return f"(Kèm theo Báo cáo số {number_text(issuer, number)} {date_text(issued_on)})"


def appendix_figures_date(data: ReportData, writer: str) -> str:
    """Under an appendix's reference, in a report drawn up before its cut-off: a table sent on
    alone must not pass for the whole period's. The tasks and dossiers are counted to that day,
    the indices are those published by then; the units' own figures ("rounds") are as they
    reported them, for the period ("" then, and for a report drawn up after the cut-off)."""
    if not data.drawn_up_before_cut_off or writer == "rounds":
        return ""
    if writer == "indices":
        return f"(Kết quả công bố đến ngày {format_date_short(data.drawn_up_before_cut_off)})"
    if data.drawn_up_on_cut_off_day:
        return (
            f"(Số liệu tính từ ngày {format_date_short(data.period_start)} đến thời điểm lập báo cáo "
            f"trong ngày chốt số liệu {format_date_short(data.period_end)})"
        )
    return (
        f"(Số liệu tính từ ngày {format_date_short(data.period_start)} đến ngày "
        f"{format_date_short(data.drawn_up_before_cut_off)}, trước ngày chốt số liệu "
        f"{format_date_short(data.period_end)})"
    )


# --- the units' reporting round (models.rounds) --------------------------------------------------

ROUND_APPENDIX_HEADER = ("STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Toàn tỉnh", "Số đơn vị có số liệu")
NOT_CONSOLIDATED = "Không tổng hợp"


def round_value(figure: RoundFigure) -> str:
    """A province figure as the report prints it: 1.200; 80,00%; 1.334,5 triệu đồng; 2 đơn vị."""
    value = figure.value
    if value is None:
        return NONE_CELL
    if figure.measure == "percent":
        return percent(float(value))
    if figure.measure == "yes_no":
        return f"{format_int(int(value))} đơn vị" if figure.rule == "sum" else ("Có" if value else "Không")
    if figure.measure == "text":
        return str(value)
    number = float(value)
    shown = format_int(int(number)) if number.is_integer() else format_number(number, 2)
    return f"{shown} triệu đồng" if figure.measure == "money" else shown


def round_coverage(section: RoundSection) -> str:
    """Whose reports the figures come from, and who is missing, named."""
    if not section.accepted:
        return (
            f"{section.title}: chưa có báo cáo nào của các đơn vị được tiếp nhận, "
            "nên báo cáo chưa tổng hợp số liệu của các đơn vị."
        )
    accepted = f"{format_int(section.accepted)}/{format_int(section.total)} đơn vị"
    if not section.missing:
        return f"{section.title}: đã tiếp nhận báo cáo của {accepted}; số liệu tổng hợp của các đơn vị được nêu tại từng lĩnh vực."
    return (
        f"{section.title}: đã tiếp nhận báo cáo của {accepted}; chưa có báo cáo của "
        f"{', '.join(section.missing)}. Số liệu tổng hợp của các đơn vị được nêu tại từng lĩnh vực, "
        "chỉ gồm các báo cáo đã được tiếp nhận."
    )


def round_figures_intro() -> str:
    return "Kết quả theo báo cáo của các đơn vị:"


def round_figure_item(figure: RoundFigure) -> str:
    """ "Số văn bản quy phạm pháp luật đã ban hành: 20 (số liệu của 2/3 đơn vị)"."""
    partial = f" (số liệu của {format_int(figure.reported)}/{format_int(figure.asked)} đơn vị)"
    return f"{figure.name}: {round_value(figure)}{partial if figure.reported < figure.asked else ''}"


def round_cells(figure: RoundFigure) -> list[str]:
    """An appendix row: code, name, measure, the province figure, units with a figure."""
    total = NOT_CONSOLIDATED if figure.rule == "none" else round_value(figure)
    reported = f"{format_int(figure.reported)}/{format_int(figure.asked)}"
    return [figure.code, figure.name, Measure(figure.measure).label, total, reported]


def unit_answer(answer: RoundAnswer) -> str:
    """A unit's narrative answer as a paragraph staff can take into the draft, the unit named."""
    return f"{answer.unit}: {answer.text}"
