"""A realistic report for Quảng Ninh, built by hand: 24/32 tasks done at the cut-off of the first
half of 2023, the 2020 dossier year (1.191.036 received; 506.606 early, 616.726 on time, 2.887
late) and the index lines of the brief. Illustrative figures for tests and the README preview."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

from core.text import vietnamese_sort_key
from models.dossiers.stats import Figures
from models.vocabulary import Area
from reports.data import (
    AreaResult,
    Coverage,
    DossierCoverage,
    DossierRow,
    DossierSection,
    IndexComponentLine,
    IndexLine,
    PlanSection,
    ProcedureCatalogue,
    ReportData,
    TaskCounts,
    TaskCoverage,
    TaskLine,
    TaskState,
    UnitTasks,
)
from reports.document import IssueInfo
from reports.issuers import DEPARTMENT, Issuer

CUT_OFF = date(2023, 6, 14)
NOI_VU, TU_PHAP, VP = "Sở Nội vụ", "Sở Tư pháp", "Văn phòng UBND tỉnh"
TTTT, TAI_CHINH, KHDT = "Sở Thông tin và Truyền thông", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"
TT_HCC = "Trung tâm Phục vụ hành chính công tỉnh"

# (area, [(code, title, lead unit, deadline or None for ongoing, state)])
PLAN = (
    ("Công tác chỉ đạo, điều hành", [
        ("CT-01", "Ban hành Kế hoạch cải cách hành chính năm 2023", NOI_VU, date(2023, 1, 31), "done"),
        ("CT-02", "Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2023", NOI_VU, date(2023, 2, 28), "done"),
        ("CT-03", "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị", NOI_VU, None, "open"),
        ("CT-04", "Sơ kết công tác cải cách hành chính quý I năm 2023", VP, date(2023, 4, 15), "done"),
        ("CT-05", "Khảo sát sự hài lòng của người dân, tổ chức cấp tỉnh", NOI_VU, date(2023, 5, 31), "done"),
    ]),
    ("Cải cách thể chế", [
        ("TC-01", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh", TU_PHAP, date(2023, 3, 31), "done"),
        ("TC-02", "Trình HĐND tỉnh Nghị quyết về phí, lệ phí thuộc thẩm quyền", TAI_CHINH, date(2023, 4, 30), "overdue"),
        ("TC-03", "Kiểm tra, xử lý văn bản quy phạm pháp luật", TU_PHAP, date(2023, 5, 31), "done"),
        ("TC-04", "Theo dõi tình hình thi hành pháp luật năm 2023", TU_PHAP, date(2023, 5, 30), "done"),
    ]),
    ("Cải cách thủ tục hành chính", [
        ("TT-01", "Công bố danh mục thủ tục hành chính mới ban hành, sửa đổi", VP, date(2023, 3, 31), "done"),
        ("TT-02", "Rà soát, đơn giản hóa thủ tục hành chính năm 2023", VP, date(2023, 5, 31), "done"),
        ("TT-03", "Cắt giảm từ 30% đến trên 60% thời gian giải quyết thủ tục hành chính", TT_HCC, date(2023, 6, 1), "done"),
        ("TT-04", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", TT_HCC, date(2023, 9, 30), "open"),
        ("TT-05", "Thanh toán trực tuyến phí, lệ phí giải quyết thủ tục hành chính", TTTT, date(2023, 6, 10), "done"),
        ("TT-06", "Xin lỗi công khai khi giải quyết hồ sơ quá hạn", TT_HCC, date(2023, 3, 15), "done"),
    ]),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", [
        ("TCBM-01", "Sắp xếp tổ chức bên trong các cơ quan chuyên môn thuộc UBND tỉnh", NOI_VU, date(2023, 3, 31), "done"),
        ("TCBM-02", "Sắp xếp, tổ chức lại đơn vị sự nghiệp công lập", NOI_VU, date(2023, 5, 31), "overdue"),
        ("TCBM-03", "Rà soát chức năng, nhiệm vụ của các sở, ngành", NOI_VU, date(2023, 4, 30), "done"),
        ("TCBM-04", "Xây dựng đề án sắp xếp đơn vị hành chính cấp xã giai đoạn 2023–2025", NOI_VU, date(2023, 6, 5), "done"),
    ]),
    ("Cải cách chế độ công vụ", [
        ("CV-01", "Tuyển dụng công chức năm 2023", NOI_VU, date(2023, 5, 15), "done"),
        ("CV-02", "Đánh giá, xếp loại cán bộ, công chức, viên chức năm 2022", NOI_VU, date(2023, 1, 31), "done"),
        ("CV-03", "Bồi dưỡng kỹ năng số cho cán bộ, công chức", NOI_VU, date(2023, 6, 10), "done"),
        ("CV-04", "Hoàn thiện vị trí việc làm trong cơ quan hành chính", NOI_VU, date(2023, 9, 30), "open"),
    ]),
    ("Cải cách tài chính công", [
        ("TCC-01", "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập", TAI_CHINH, date(2023, 3, 31), "done"),
        ("TCC-02", "Đẩy nhanh giải ngân vốn đầu tư công", KHDT, date(2023, 5, 31), "overdue"),
        ("TCC-03", "Công khai dự toán, quyết toán ngân sách", TAI_CHINH, date(2023, 4, 30), "done"),
    ]),
    ("Xây dựng, phát triển Chính phủ điện tử, Chính phủ số", [
        ("CĐS-01", "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", TTTT, date(2023, 4, 30), "done"),
        ("CĐS-02", "Kết nối Cơ sở dữ liệu quốc gia về dân cư với hệ thống của tỉnh", TTTT, date(2023, 5, 31), "done"),
        ("CĐS-03", "Cung cấp dịch vụ công trực tuyến toàn trình", VP, date(2023, 6, 10), "done"),
        ("CĐS-04", "Triển khai các nền tảng số dùng chung của tỉnh", TTTT, date(2023, 11, 30), "open"),
        ("CĐS-05", "Xây dựng Trung tâm dữ liệu tỉnh", TTTT, date(2023, 12, 31), "open"),
        ("CĐS-06", "Sử dụng chữ ký số trong xử lý văn bản điện tử", TTTT, date(2023, 3, 31), "done"),
    ]),
)  # fmt: skip


AREA_KEYS = {area.label: area.value for area in Area}


def _task(area: str, code: str, title: str, unit: str, deadline: date | None, state: str) -> TaskLine:
    progress = {"done": 100, "open": 60, "overdue": 40}[state]
    done_on = min(deadline or CUT_OFF, CUT_OFF) if state == "done" else None
    task_state = {
        "done": TaskState.COMPLETED_ON_TIME,
        "open": TaskState.IN_PROGRESS,
        "overdue": TaskState.OVERDUE,
    }
    return TaskLine(code, title, AREA_KEYS[area], area, unit, deadline, task_state[state], progress, done_on)


def _area(label: str, tasks: list[TaskLine]) -> AreaResult:
    unfinished = tuple(sorted((t for t in tasks if t.state.unfinished), key=lambda t: not t.overdue))
    completed = tuple(t for t in tasks if t.state.completed)
    return AreaResult(AREA_KEYS[label], label, TaskCounts.of(tasks), completed, unfinished)


def plan_section() -> PlanSection:
    by_area = {area: [_task(area, *row) for row in rows] for area, rows in PLAN}
    tasks = tuple(task for area_tasks in by_area.values() for task in area_tasks)
    units = sorted({task.lead_unit for task in tasks}, key=vietnamese_sort_key)
    counts = TaskCounts.of(tasks)
    return PlanSection(
        plan_title="Kế hoạch cải cách hành chính năm 2023",
        plan_number="12/KH-UBND",
        plan_date=date(2023, 1, 10),
        progress_method="task_count",
        percent=100 * counts.completed / counts.total,
        counts=counts,
        areas=tuple(_area(area, area_tasks) for area, area_tasks in by_area.items()),
        by_unit=tuple(
            UnitTasks(unit, TaskCounts.of([t for t in tasks if t.lead_unit == unit])) for unit in units
        ),
        tasks=tasks,
        unfinished=tuple(
            sorted((t for t in tasks if t.state.unfinished), key=lambda t: (not t.overdue, t.code))
        ),
        as_of=CUT_OFF,
    )


def figures(
    carried: int, received: int, online: int, early: int, on_time: int, late: int,
    returned: int, open_within: int, open_overdue: int, issued: int,
) -> Figures:  # fmt: skip
    postal = received // 50
    return Figures(
        carried_over=carried,
        received_direct=received - online - postal,
        received_online=online,
        received_postal=postal,
        resolved_early=early,
        resolved_on_time=on_time,
        resolved_late=late,
        returned=returned - returned // 5,
        withdrawn=returned // 5,
        open_within_deadline=open_within,
        open_overdue=open_overdue,
        apologies_issued=issued,
        received_cashless=received * 3 // 10,
    )


def split(
    total: Figures, labels: tuple[str, ...], weights: tuple[int, ...], level: str = ""
) -> tuple[DossierRow, ...]:
    """Rows whose counts add up to ``total``'s, in the given proportions."""
    names = [f.name for f in fields(Figures)]
    shares = {name: [getattr(total, name) * w // sum(weights) for w in weights] for name in names}
    for name, parts in shares.items():
        parts[-1] += getattr(total, name) - sum(parts)
    return tuple(
        DossierRow(label, level, Figures(**{name: shares[name][i] for name in names}))
        for i, label in enumerate(labels)
    )


def dossier_section() -> DossierSection:
    # Balanced: 21.540 + 1.191.036 = 1.126.219 resolved + 85.153 open + 1.204 returned or withdrawn.
    current = figures(21_540, 1_191_036, 412_118, 506_606, 616_726, 2_887, 1_204, 84_990, 163, 3_035)
    last_year = figures(18_210, 1_050_412, 301_544, 431_002, 582_118, 4_120, 1_377, 49_316, 229, 4_301)
    province, district = split(current, ("Cấp tỉnh", "Cấp huyện"), (60, 40))
    by_level = (replace(province, level="province"), replace(district, level="district"))
    units = split(
        province.figures,
        ("Công an tỉnh", "Sở Tài nguyên và Môi trường", "Sở Xây dựng"),
        (25, 22, 14),
        "province",
    )
    units += split(
        district.figures, ("UBND thành phố Cẩm Phả", "UBND thành phố Hạ Long"), (12, 19), "district"
    )
    months = tuple(f"T{month}" for month in range(1, 7))
    return DossierSection(
        current=current,
        last_year=last_year,
        by_level=by_level,
        by_unit=units,
        by_month=split(current, months, (14, 15, 17, 18, 17, 19)),
        late_without_apology=15,
    )


def procedures() -> ProcedureCatalogue:
    return ProcedureCatalogue(1_882, (("Cấp tỉnh", 1_488), ("Cấp huyện", 283), ("Cấp xã", 111)), 512, 700)


def indices() -> tuple[IndexLine, ...]:
    weak_par = (
        IndexComponentLine("Phát triển ứng dụng, dịch vụ phục vụ người dân", 2.57, 7),
        IndexComponentLine("Tác động của cải cách hành chính đến phát triển kinh tế - xã hội", 2.87, 3.5),
    )
    return (
        IndexLine(
            "par_index", "Chỉ số cải cách hành chính (PAR INDEX)", 2022, date(2023, 4, 19),
            90.1, 100, 1, 63, -0.8, 92, weak_par,
        ),
        IndexLine(
            "sipas", "Chỉ số hài lòng (SIPAS)", 2022, date(2023, 4, 19), 87.59, 100, 1, 63, None, 85, (), True,
        ),
    )  # fmt: skip


def coverage() -> Coverage:
    return Coverage(
        tasks=TaskCoverage(plan_found=True, tasks=32, last_change=date(2023, 6, 10)),
        dossiers=DossierCoverage(1_191_036, date(2022, 12, 15), CUT_OFF, 0, None, False),
        indices_quoted=2,
        indices_withheld=1,
    )


def issuer(**changes) -> Issuer:
    return replace(
        Issuer(
            key=DEPARTMENT,
            label="Báo cáo của Sở gửi Ủy ban nhân dân tỉnh Quảng Ninh",
            supervising_body="UBND TỈNH QUẢNG NINH",
            issuing_body="SỞ NỘI VỤ",
            symbol="BC-SNV",
            place="Quảng Ninh",
            addressee="Ủy ban nhân dân tỉnh Quảng Ninh",
            signer_authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
            signer_name="",
            recipients=("Bộ Nội vụ (b/c);", "Các sở, ban, ngành;", "Lưu: VT, CCHC."),
        ),
        **changes,
    )


ISSUE = IssueInfo(
    number="15", issued_on=date(2023, 6, 19), signer_name="Nguyễn Văn A", profile_key=DEPARTMENT
)


def report(**changes) -> ReportData:
    """The sample report; keyword arguments replace its fields."""
    data = ReportData(
        kind="half_year",
        title="Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023 và nhiệm vụ trọng tâm 6 tháng cuối năm 2023",
        period_label="6 tháng đầu năm 2023",
        period_start=date(2022, 12, 15),
        period_end=CUT_OFF,
        scope_label="tỉnh Quảng Ninh",
        issuer=issuer(),
        coverage=coverage(),
        plan=plan_section(),
        procedures=procedures(),
        dossiers=dossier_section(),
        indices=indices(),
    )
    return replace(data, **changes)
