"""A realistic report for Quảng Ninh, built by hand: 24/32 tasks done at the cut-off of the first
half of 2023, the 2020 dossier year (1.191.036 received; 506.606 early, 616.726 on time, 2.887
late) and the index lines of the brief. Illustrative figures for tests and the README preview."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

from models.vocabulary import Area
from reports.data import (
    AreaResult,
    DossierFigures,
    DossierRow,
    DossierSection,
    IndexComponentLine,
    IndexLine,
    PlanSection,
    ReportData,
    TaskLine,
)
from reports.document import IssueInfo
from reports.issuers import DEPARTMENT, Issuer

CUT_OFF = date(2023, 6, 14)
STATUS = {"done": ("Hoàn thành", 100), "open": ("Đang thực hiện", 60), "overdue": ("Đang thực hiện", 40)}
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


def _task(area: str, code: str, title: str, unit: str, deadline: date | None, state: str) -> TaskLine:
    label, progress = STATUS[state]
    done_on = min(deadline or CUT_OFF, CUT_OFF) if state == "done" else None
    return TaskLine(code, title, area, unit, deadline, label, progress, done_on, state == "overdue")


def _area(label: str, tasks: list[TaskLine]) -> AreaResult:
    still_open = sorted((t for t in tasks if t.completed_on is None), key=lambda t: not t.overdue)
    key = next(area.value for area in Area if area.label == label)
    return AreaResult(key, label, len(tasks) - len(still_open), len(tasks), tuple(still_open))


def plan_section() -> PlanSection:
    by_area = {area: [_task(area, *row) for row in rows] for area, rows in PLAN}
    tasks = tuple(task for area_tasks in by_area.values() for task in area_tasks)
    units = sorted({task.lead_unit for task in tasks})
    by_unit = tuple(
        (
            unit,
            sum(t.completed_on is not None for t in tasks if t.lead_unit == unit),
            sum(t.lead_unit == unit for t in tasks),
        )
        for unit in units
    )
    completed = sum(task.completed_on is not None for task in tasks)
    return PlanSection(
        plan_title="Kế hoạch cải cách hành chính năm 2023",
        plan_number="12/KH-UBND",
        completed=completed,
        total=len(tasks),
        percent=100 * completed / len(tasks),
        overdue=sum(task.overdue for task in tasks),
        areas=tuple(_area(area, area_tasks) for area, area_tasks in by_area.items()),
        by_unit=by_unit,
        tasks=tasks,
        next_period_tasks=tuple(t for t in tasks if t.completed_on is None and not t.overdue),
    )


def figures(
    carried: int, received: int, online: int, early: int, on_time: int, late: int,
    returned: int, open_within: int, open_overdue: int, issued: int,
) -> DossierFigures:  # fmt: skip
    resolved = early + on_time + late
    return DossierFigures(
        carried_over=carried,
        received=received,
        received_online=online,
        resolved=resolved,
        resolved_early=early,
        resolved_on_time=on_time,
        resolved_late=late,
        returned_or_withdrawn=returned,
        open_within_deadline=open_within,
        open_overdue=open_overdue,
        on_time_rate=100 * (early + on_time) / resolved if resolved else None,
        online_share=100 * online / received if received else None,
        apologies_owed=late + open_overdue,
        apologies_issued=issued,
    )


COUNTS = (
    "carried_over",
    "received",
    "received_online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
)
COUNTS += ("returned_or_withdrawn", "open_within_deadline", "open_overdue", "apologies_issued")


def split(total: DossierFigures, labels: tuple[str, ...], weights: tuple[int, ...]) -> tuple[DossierRow, ...]:
    """Rows whose counts add up to ``total``'s, in the given proportions."""
    shares = {name: [getattr(total, name) * w // sum(weights) for w in weights] for name in COUNTS}
    for name, parts in shares.items():
        parts[-1] += getattr(total, name) - sum(parts)
    return tuple(
        DossierRow(label, figures(*(shares[name][i] for name in COUNTS))) for i, label in enumerate(labels)
    )


def dossier_section() -> DossierSection:
    current = figures(21_540, 1_191_036, 412_118, 506_606, 616_726, 2_887, 1_204, 84_990, 163, 3_035)
    last_year = figures(18_210, 1_050_412, 301_544, 431_002, 582_118, 4_120, 1_377, 49_316, 229, 4_301)
    units = ("Sở Tài nguyên và Môi trường", "Sở Xây dựng", "Công an tỉnh", "UBND thành phố Hạ Long")
    units += ("UBND thành phố Cẩm Phả", "UBND thành phố Uông Bí")
    months = tuple(f"Tháng {month}" for month in range(1, 7))
    return DossierSection(
        procedures_total=1_882,
        procedures_by_level=(("Cấp tỉnh", 1_488), ("Cấp huyện", 283), ("Cấp xã", 112)),
        current=current,
        last_year=last_year,
        by_level=split(current, ("Cấp tỉnh", "Cấp huyện", "Cấp xã"), (48, 33, 19)),
        by_unit=split(current, units, (22, 14, 25, 19, 12, 8)),
        by_month=split(current, months, (14, 15, 17, 18, 17, 19)),
        late_without_apology=15,
    )


def indices() -> tuple[IndexLine, ...]:
    weak_par = (
        IndexComponentLine("phát triển ứng dụng, dịch vụ phục vụ người dân", 2.57, 7),
        IndexComponentLine("tác động của cải cách hành chính đến phát triển kinh tế - xã hội", 2.87, 3.5),
        IndexComponentLine("tổ chức thực hiện công tác thanh tra, kiểm tra", 0.83, 1),
    )
    weak_papi = (
        IndexComponentLine("quản trị điện tử", 3.94, 10),
        IndexComponentLine("quản trị môi trường", 4.03, 10),
    )
    return (
        IndexLine("Chỉ số cải cách hành chính (PAR INDEX)", 2024, 91.49, 100, 4, 63, -0.69, 92, weak_par),
        IndexLine(
            "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", 2024, 90.12, 100, 4, 63, -0.49, 85, (), True
        ),
        IndexLine(
            "Chỉ số hiệu quả quản trị và hành chính công (PAPI)",
            2024,
            47.82,
            80,
            1,
            63,
            None,
            None,
            weak_papi,
        ),
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
        plan=plan_section(),
        dossiers=dossier_section(),
        indices=indices(),
    )
    return replace(data, **changes)


assert {f.name for f in fields(DossierFigures)} >= set(COUNTS)
