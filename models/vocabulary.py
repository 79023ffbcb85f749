"""The closed vocabularies of the domain, with the Vietnamese labels users read."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Vietnamese label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Role(LabelledEnum):
    ADMIN = "admin", "Quản trị hệ thống"
    HOME_AFFAIRS = "home_affairs", "Chuyên viên Sở Nội vụ"
    UNIT_HEAD = "unit_head", "Thủ trưởng đơn vị"
    REPORTER = "reporter", "Cán bộ đầu mối báo cáo của đơn vị"
    VIEWER = "viewer", "Lãnh đạo / người xem"
    INTEGRATION = "integration", "Hệ thống một cửa (tích hợp)"


class UnitLevel(LabelledEnum):
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"


class UnitKind(LabelledEnum):
    PROVINCIAL_COMMITTEE = "provincial_committee", "UBND tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT_COMMITTEE = "district_committee", "UBND cấp huyện"
    COMMUNE_COMMITTEE = "commune_committee", "UBND cấp xã"
    OTHER = "other", "Đơn vị khác"


class PlanStatus(LabelledEnum):
    DRAFT = "draft", "Dự thảo"
    ACTIVE = "active", "Đang thực hiện"
    CLOSED = "closed", "Đã kết thúc"


class ProgressMethod(LabelledEnum):
    TASK_COUNT = "task_count", "Số nhiệm vụ hoàn thành / tổng số"
    AVERAGE = "average", "Trung bình tiến độ các nhiệm vụ"
    WEIGHTED = "weighted", "Bình quân gia quyền theo trọng số"
    MANUAL = "manual", "Nhập thủ công"


class TaskStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    COMPLETED = "completed", "Hoàn thành"
    CANCELLED = "cancelled", "Dừng / điều chỉnh"


class Area(LabelledEnum):
    """The reform areas of a yearly plan, in the order of the official outline."""

    LEADERSHIP = "leadership", "Công tác chỉ đạo, điều hành"
    INSTITUTIONS = "institutions", "Cải cách thể chế"
    PROCEDURES = "procedures", "Cải cách thủ tục hành chính"
    ORGANISATION = "organisation", "Cải cách tổ chức bộ máy hành chính nhà nước"
    CIVIL_SERVICE = "civil_service", "Cải cách chế độ công vụ"
    PUBLIC_FINANCE = "public_finance", "Cải cách tài chính công"
    DIGITAL_GOVERNMENT = "digital_government", "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"


class TaskEventKind(LabelledEnum):
    CREATED = "created", "Tạo nhiệm vụ"
    PROGRESS = "progress", "Cập nhật tiến độ"
    EDITED = "edited", "Sửa thông tin nhiệm vụ"
    IMPORTED = "imported", "Cập nhật từ tệp"


class OnlineLevel(LabelledEnum):
    """How far a procedure can be done online (dịch vụ công trực tuyến)."""

    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không trực tuyến"


class Channel(LabelledEnum):
    """How a dossier was filed."""

    DIRECT = "direct", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Bưu chính công ích"


class DossierOutcome(LabelledEnum):
    OPEN = "open", "Đang giải quyết"
    RESOLVED = "resolved", "Đã giải quyết"
    RETURNED = "returned", "Trả lại hồ sơ"
    WITHDRAWN = "withdrawn", "Rút hồ sơ"


class Timeliness(LabelledEnum):
    """When a resolved dossier was resolved, against its due date."""

    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class JobState(LabelledEnum):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Thất bại"


class IndexKind(LabelledEnum):
    """The national indices a province is ranked on each year."""

    PAR_INDEX = "par_index", "Chỉ số cải cách hành chính (PAR INDEX)"
    SIPAS = "sipas", "Chỉ số hài lòng (SIPAS)"
    PAPI = "papi", "Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)"
    PCI = "pci", "Chỉ số Năng lực cạnh tranh cấp tỉnh (PCI)"


class Measure(LabelledEnum):
    """What an indicator's value is (đơn vị tính)."""

    NUMBER = "number", "Số lượng"
    PERCENT = "percent", "Tỷ lệ (%)"
    MONEY = "money", "Số tiền (triệu đồng)"
    YES_NO = "yes_no", "Có / Không"
    TEXT = "text", "Nội dung"


class ConsolidationRule(LabelledEnum):
    """How the province's figure is made from the units' figures."""

    SUM = "sum", "Cộng tổng"
    AVERAGE = "average", "Trung bình"
    WEIGHTED = "weighted", "Tỷ lệ bình quân gia quyền"
    LATEST = "latest", "Giá trị nộp sau cùng"
    NONE = "none", "Không tổng hợp"


class RoundStatus(LabelledEnum):
    OPEN = "open", "Đang thu thập"
    CLOSED = "closed", "Đã khóa"


class SubmissionStatus(LabelledEnum):
    DRAFT = "draft", "Chưa nộp"
    SUBMITTED = "submitted", "Đã nộp, chờ duyệt"
    RETURNED = "returned", "Trả lại để sửa"
    ACCEPTED = "accepted", "Đã tiếp nhận"
