"""Demo data from the seed articles: Quảng Ninh's units (the departments before and after
their merger on 1 March 2025, the districts that existed until 30 June 2025, a sample of the
merged communes after), the 2023 reform plan with 32 tasks of which 24 were completed by 30
June 2023 (with dated histories, closed since), the current year's plan (demo.current_year),
one account per role, and the province's index scores (PAR INDEX, SIPAS, PAPI) from the seed
articles. Loading is idempotent: what exists is left alone.

Each change of the 2025 reorganisation names its public source (REORGANISATION_SOURCES)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from core.clock import local_date, utcnow
from demo.current_year import load_current_plan
from demo.procedures import load_demo_procedures
from demo.reorganisation import DEPARTMENTS_MERGE_DAY, LAST_DEPARTMENT_DAY, LAST_DISTRICT_DAY, MERGE_DAY
from models.accounts.service import AccountData, create_account_unchecked
from models.accounts.tables import Account
from models.indices.service import ComponentData, IndexResultData, put_index_result
from models.indices.tables import IndexResult
from models.permissions import Principal
from models.plans.plans import PlanData, create_plan_unchecked
from models.plans.tables import Plan
from models.plans.tasks import ProgressReport, TaskDefinition, create_task_unchecked, report_progress
from models.rounds.catalogue import load_default_catalogue
from models.units.service import UnitData, create_unit_unchecked, unit_ids_by_code
from models.units.tables import Unit
from models.vocabulary import PlanStatus, Role, TaskStatus

DEMO_PASSWORD = "cchc-demo-2023"
DEMO_PLAN_NUMBER = "12/KH-UBND"

# The public sources of each change in the 2025 reorganisation (read on 30/11/2026).
REORGANISATION_SOURCES = {
    "departments": (
        'Báo Lao Động, "Quảng Ninh công bố nhân sự các cơ quan chuyên môn thuộc UBND tỉnh": '
        "Sở Nội vụ hợp nhất với Sở Lao động - Thương binh và Xã hội; Sở Tài chính với Sở Kế hoạch "
        "và Đầu tư; Sở Xây dựng với Sở Giao thông vận tải; Sở Khoa học và Công nghệ với Sở Thông "
        "tin và Truyền thông; Sở Văn hóa, Thể thao và Du lịch từ Sở Văn hóa và Thể thao và Sở Du "
        "lịch. https://news.laodong.vn/thoi-su/quang-ninh-cong-bo-nhan-su-cac-co-quan-chuyen-mon-"
        "thuoc-ubnd-tinh-1469204.ldo"
    ),
    "agriculture_environment": (
        "Nghị định 45/2025/NĐ-CP ngày 28/02/2025: Sở Nông nghiệp và Môi trường là một trong 12 sở "
        'tổ chức thống nhất ở mọi tỉnh (HĐND tỉnh Đồng Nai, "Quy định mới về cơ quan chuyên môn '
        'thuộc UBND tỉnh", http://hdnd.dongnai.gov.vn/Pages/glp-quydinhmoivecoquanchuyenmonthu-'
        "glpnd-34299-glpnc-4-glpsite-1.html). Nghị quyết riêng của HĐND tỉnh Quảng Ninh về sở này "
        "chưa được đối chiếu."
    ),
    "merge_day": (
        'Tạp chí Thông tin và Truyền thông, "Sở KH&CN được thành lập và đi vào hoạt động trên cả '
        'nước" (10/03/2025): các sở sau hợp nhất hoạt động từ ngày 1/3/2025. '
        "https://ictvietnam.vn/print/69097.html"
    ),
    "communes": (
        "Nghị quyết 1679/NQ-UBTVQH15 ngày 16/6/2025 sắp xếp các đơn vị hành chính cấp xã của tỉnh "
        "Quảng Ninh: 54 đơn vị (22 xã, 30 phường, 2 đặc khu Vân Đồn và Cô Tô), hoạt động từ ngày "
        "1/7/2025; cấp huyện chấm dứt theo Luật Tổ chức chính quyền địa phương số 72/2025/QH15. "
        "https://news.laodong.vn/thoi-su/quang-ninh-co-54-don-vi-hanh-chinh-cap-xa-trong-do-co-2-"
        "dac-khu-1524706.ldo"
    ),
}

PROVINCE = ("UBND-QN", "Ủy ban nhân dân tỉnh Quảng Ninh", "provincial_committee")
DEPARTMENTS = (
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SVHTT", "Sở Văn hóa và Thể thao"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SDL", "Sở Du lịch"),
)
# The departments formed on 1 March 2025 under new names (the others kept theirs).
DEPARTMENTS_FORMED = (
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
)
# (department closed on 28 February 2025, the department it merged into, source key)
DEPARTMENT_MERGERS = (
    ("SLDTBXH", "SNV", "departments"),
    ("SKHDT", "STC", "departments"),
    ("SGTVT", "SXD", "departments"),
    ("STTTT", "SKHCN", "departments"),
    ("SVHTT", "SVHTTDL", "departments"),
    ("SDL", "SVHTTDL", "departments"),
    ("SNNPTNT", "SNNMT", "agriculture_environment"),
    ("STNMT", "SNNMT", "agriculture_environment"),
)
DISTRICTS = (
    ("HALONG", "UBND thành phố Hạ Long"),
    ("MONGCAI", "UBND thành phố Móng Cái"),
    ("CAMPHA", "UBND thành phố Cẩm Phả"),
    ("UONGBI", "UBND thành phố Uông Bí"),
    # A town (thị xã) until it became a city on 1 November 2024 (Nghị quyết 1199/NQ-UBTVQH15):
    # every demo year with district-level data (2020, 2023) is before that, so the town's name.
    ("DONGTRIEU", "UBND thị xã Đông Triều"),
    ("QUANGYEN", "UBND thị xã Quảng Yên"),
    ("VANDON", "UBND huyện Vân Đồn"),
    ("COTO", "UBND huyện Cô Tô"),
    ("TIENYEN", "UBND huyện Tiên Yên"),
    ("BINHLIEU", "UBND huyện Bình Liêu"),
    ("DAMHA", "UBND huyện Đầm Hà"),
    ("HAIHA", "UBND huyện Hải Hà"),
    ("BACHE", "UBND huyện Ba Chẽ"),
)
# (code, name, district before 2025 or None): a sample of the 54 commune-level units since
# 1 July 2025, and old communes merged into them (closed on 30 June 2025, successor set).
COMMUNES_AFTER = (
    ("P-HONGGAI", "UBND phường Hồng Gai", "HALONG"),
    ("P-BAICHAY", "UBND phường Bãi Cháy", "HALONG"),
    ("P-MONGCAI1", "UBND phường Móng Cái 1", "MONGCAI"),
    ("P-CAMPHA", "UBND phường Cẩm Phả", "CAMPHA"),
    ("P-UONGBI", "UBND phường Uông Bí", "UONGBI"),
    ("P-DONGTRIEU", "UBND phường Đông Triều", "DONGTRIEU"),
    ("P-QUANGYEN", "UBND phường Quảng Yên", "QUANGYEN"),
    ("DK-VANDON", "UBND đặc khu Vân Đồn", "VANDON"),
    ("DK-COTO", "UBND đặc khu Cô Tô", "COTO"),
    ("X-TIENYEN", "UBND xã Tiên Yên", "TIENYEN"),
    ("X-BINHLIEU", "UBND xã Bình Liêu", "BINHLIEU"),
    ("X-DAMHA", "UBND xã Đầm Hà", "DAMHA"),
    ("X-QUANGHA", "UBND xã Quảng Hà", "HAIHA"),
    ("X-BACHE", "UBND xã Ba Chẽ", "BACHE"),
)
COMMUNES_BEFORE = (
    ("OLD-P-HONGHAI", "UBND phường Hồng Hải", "HALONG", "P-HONGGAI"),
    ("OLD-P-HONGHA", "UBND phường Hồng Hà", "HALONG", "P-HONGGAI"),
    ("OLD-TT-TIENYEN", "UBND thị trấn Tiên Yên", "TIENYEN", "X-TIENYEN"),
    ("OLD-X-PHONGDU", "UBND xã Phong Dụ", "TIENYEN", "X-TIENYEN"),
    ("OLD-TT-COTO", "UBND thị trấn Cô Tô", "COTO", "DK-COTO"),
)

# (code, area, title, expected output, lead, coordinators, deadline or None for ongoing,
#  outcome): outcome is a completion date, or (status, progress) as of the end of 2023.
TASKS = (
    (
        "I.1",
        "leadership",
        "Ban hành Kế hoạch cải cách hành chính năm 2023 của tỉnh",
        "Kế hoạch của UBND tỉnh",
        "SNV",
        (),
        date(2023, 1, 15),
        date(2023, 1, 10),
    ),
    (
        "I.2",
        "leadership",
        "Kiện toàn Ban Chỉ đạo cải cách hành chính tỉnh",
        "Quyết định của UBND tỉnh",
        "SNV",
        ("VPUBND",),
        date(2023, 2, 28),
        date(2023, 2, 20),
    ),
    (
        "I.3",
        "leadership",
        "Kiểm tra công tác cải cách hành chính tại các sở, ngành, địa phương",
        "Báo cáo kết quả kiểm tra",
        "SNV",
        ("VPUBND", "STP"),
        date(2023, 11, 30),
        date(2023, 10, 25),
    ),
    (
        "I.4",
        "leadership",
        "Tuyên truyền cải cách hành chính gắn với chuyển đổi số",
        "Chuyên mục, tin bài",
        "STTTT",
        ("SNV",),
        None,
        ("in_progress", 80),
    ),
    (
        "I.5",
        "leadership",
        "Sơ kết công tác cải cách hành chính 6 tháng đầu năm 2023",
        "Báo cáo sơ kết",
        "SNV",
        (),
        date(2023, 6, 30),
        date(2023, 6, 28),
    ),
    (
        "II.1",
        "institutions",
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh",
        "Báo cáo rà soát",
        "STP",
        ("VPUBND",),
        date(2023, 3, 31),
        date(2023, 3, 30),
    ),
    (
        "II.2",
        "institutions",
        "Kiểm tra, xử lý văn bản quy phạm pháp luật trái pháp luật",
        "Báo cáo kiểm tra",
        "STP",
        (),
        date(2023, 6, 30),
        date(2023, 6, 15),
    ),
    (
        "II.3",
        "institutions",
        "Theo dõi tình hình thi hành pháp luật trên địa bàn tỉnh",
        "Báo cáo theo dõi",
        "STP",
        (),
        date(2023, 5, 31),
        date(2023, 5, 30),
    ),
    (
        "II.4",
        "institutions",
        "Xây dựng quy chế phối hợp trong quản lý nhà nước về cải cách hành chính",
        "Quyết định của UBND tỉnh",
        "SNV",
        ("STP",),
        date(2023, 9, 30),
        ("in_progress", 60),
    ),
    (
        "III.1",
        "procedures",
        "Công bố danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh",
        "Quyết định công bố",
        "VPUBND",
        ("TTPVHCC",),
        date(2023, 3, 31),
        date(2023, 3, 20),
    ),
    (
        "III.2",
        "procedures",
        "Rà soát, cắt giảm thời gian giải quyết thủ tục hành chính từ 30% đến trên 60%",
        "Quyết định phê duyệt phương án",
        "VPUBND",
        ("SVHTT", "SNNPTNT"),
        date(2023, 6, 30),
        date(2023, 6, 20),
    ),
    (
        "III.3",
        "procedures",
        "Đánh giá mức độ hài lòng của người dân, tổ chức (SIPAS)",
        "Báo cáo kết quả",
        "SNV",
        ("TTPVHCC",),
        date(2023, 11, 30),
        ("in_progress", 50),
    ),
    (
        "III.4",
        "procedures",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Hồ sơ được số hóa",
        "TTPVHCC",
        ("STTTT",),
        date(2023, 6, 30),
        date(2023, 6, 29),
    ),
    (
        "III.5",
        "procedures",
        "Thực hiện phiếu xin lỗi và hẹn lại ngày trả kết quả đối với hồ sơ quá hạn",
        "Báo cáo định kỳ",
        "TTPVHCC",
        (),
        date(2023, 4, 30),
        date(2023, 4, 28),
    ),
    (
        "III.6",
        "procedures",
        "Thanh toán trực tuyến phí, lệ phí thủ tục hành chính",
        "Báo cáo kết quả",
        "STC",
        ("TTPVHCC",),
        date(2023, 5, 31),
        date(2023, 7, 10),
    ),
    (
        "IV.1",
        "organisation",
        "Sắp xếp tổ chức bộ máy các cơ quan chuyên môn thuộc UBND tỉnh",
        "Đề án",
        "SNV",
        (),
        date(2023, 3, 31),
        date(2023, 3, 28),
    ),
    (
        "IV.2",
        "organisation",
        "Rà soát vị trí việc làm trong các cơ quan hành chính",
        "Quyết định phê duyệt",
        "SNV",
        (),
        date(2023, 5, 31),
        date(2023, 5, 25),
    ),
    (
        "IV.3",
        "organisation",
        "Kiểm tra việc thực hiện phân cấp, ủy quyền quản lý nhà nước",
        "Báo cáo kiểm tra",
        "SNV",
        ("STP",),
        date(2023, 6, 30),
        date(2023, 6, 26),
    ),
    (
        "IV.4",
        "organisation",
        "Sắp xếp đơn vị hành chính cấp xã giai đoạn 2023-2025",
        "Đề án",
        "SNV",
        ("STNMT",),
        date(2023, 10, 31),
        ("in_progress", 70),
    ),
    (
        "V.1",
        "civil_service",
        "Đánh giá, xếp loại cán bộ, công chức, viên chức năm 2022",
        "Báo cáo",
        "SNV",
        (),
        date(2023, 1, 31),
        date(2023, 1, 30),
    ),
    (
        "V.2",
        "civil_service",
        "Tuyển dụng công chức theo vị trí việc làm",
        "Kết quả tuyển dụng",
        "SNV",
        (),
        date(2023, 6, 30),
        date(2023, 6, 30),
    ),
    (
        "V.3",
        "civil_service",
        "Bồi dưỡng kỹ năng cho công chức bộ phận một cửa",
        "Lớp bồi dưỡng",
        "TTPVHCC",
        ("SNV",),
        date(2023, 5, 31),
        date(2023, 5, 20),
    ),
    (
        "V.4",
        "civil_service",
        "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính",
        "Báo cáo kiểm tra",
        "SNV",
        ("VPUBND",),
        None,
        ("in_progress", 75),
    ),
    (
        "VI.1",
        "public_finance",
        "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập",
        "Quyết định giao tự chủ",
        "STC",
        (),
        date(2023, 3, 31),
        date(2023, 3, 25),
    ),
    (
        "VI.2",
        "public_finance",
        "Công khai ngân sách nhà nước theo quy định",
        "Báo cáo công khai",
        "STC",
        (),
        date(2023, 2, 28),
        date(2023, 2, 25),
    ),
    (
        "VI.3",
        "public_finance",
        "Rà soát định mức chi thường xuyên",
        "Nghị quyết trình HĐND tỉnh",
        "STC",
        ("SKHDT",),
        date(2023, 6, 30),
        date(2023, 6, 10),
    ),
    (
        "VII.1",
        "digital_government",
        "Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh",
        "Hệ thống được nâng cấp",
        "STTTT",
        ("TTPVHCC",),
        date(2023, 6, 30),
        date(2023, 6, 15),
    ),
    (
        "VII.2",
        "digital_government",
        "Cung cấp dịch vụ công trực tuyến toàn trình",
        "Danh mục dịch vụ",
        "STTTT",
        ("VPUBND",),
        date(2023, 4, 30),
        date(2023, 4, 25),
    ),
    (
        "VII.3",
        "digital_government",
        "Tích hợp dịch vụ công lên Cổng dịch vụ công quốc gia",
        "Dịch vụ được tích hợp",
        "STTTT",
        ("VPUBND",),
        date(2023, 5, 31),
        date(2023, 5, 30),
    ),
    (
        "VII.4",
        "digital_government",
        "Triển khai chữ ký số cho cán bộ, công chức",
        "Chứng thư số được cấp",
        "STTTT",
        (),
        date(2023, 3, 31),
        date(2023, 3, 15),
    ),
    (
        "VII.5",
        "digital_government",
        "Phát triển hạ tầng mạng Internet băng rộng vùng sâu, vùng xa",
        "Báo cáo",
        "STTTT",
        ("SCT",),
        date(2023, 12, 14),
        ("in_progress", 40),
    ),
    (
        "VII.6",
        "digital_government",
        "Vận hành Trung tâm điều hành thông minh (IOC) của tỉnh",
        "Báo cáo vận hành",
        "STTTT",
        (),
        date(2023, 2, 28),
        date(2023, 2, 27),
    ),
)

# Quảng Ninh's index scores, every figure of the seed articles (all ranks out of 63 provinces).
# Years the articles give only through a change are derived from it: PAR INDEX 2023 = 91.49 +
# 0.69 = 92.18; SIPAS 2023 = 90.12 + 0.49 = 90.61; SIPAS 2019 = 95.76 - 0.5 = 95.26 (ranked
# 1st: 2020 was the "second year in a row" at the top). The articles give no rank for 2023:
# PAR INDEX 2023 is put 2nd here as a demo assumption, marked ``assumed`` (never quoted by a
# report), SIPAS 2023 is left unranked. The 2022 PAR INDEX and SIPAS were announced on 19 April
# 2023 (seed 000); other announcement dates are not in the seeds and are left unknown. SIPAS 2021 was 1st too ("4th year in a row" in 2022) but
# without a score, so it is left out. The seeds give no target of Quảng Ninh's (the 85% SIPAS
# target in them is Quảng Bình's), so no result has one. PCI has no seed figure: no PCI result.
ANNOUNCED_2022 = date(2023, 4, 19)
SOURCE_2022 = (
    "Phiên họp thứ tư của Ban Chỉ đạo cải cách hành chính của Chính phủ công bố PAR INDEX và SIPAS năm 2022"
)
SIPAS_2020_CRITERIA = (
    ("Thủ tục hành chính", 98.34),
    ("Kết quả giải quyết thủ tục hành chính", 96.29),
    ("Tiếp cận dịch vụ", 95.92),
    ("Công chức tiếp nhận và giải quyết thủ tục hành chính", 95.27),
    ("Việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị của người dân, tổ chức", 92.69),
)
INDEX_RESULTS = (
    (
        "par_index",
        2022,
        IndexResultData(90.1, rank=1, out_of=63, published_on=ANNOUNCED_2022, source=SOURCE_2022),
    ),
    ("par_index", 2023, IndexResultData(92.18, rank=2, out_of=63, assumed=True)),
    (
        "par_index",
        2024,
        IndexResultData(
            91.49,
            rank=4,
            out_of=63,
            note=(
                "Việc phát hiện và xử lý các bất cập, vướng mắc trong tổ chức thực hiện văn bản quy "
                "phạm pháp luật đôi khi chưa kịp thời; các tiêu chí thành phần thông qua khảo sát, "
                "điều tra xã hội học đối với 4 nhóm lãnh đạo, quản lý chưa đạt kết quả cao."
            ),
            components=(
                ComponentData("Giải ngân kế hoạch vốn đầu tư ngân sách nhà nước", 0.83, 1),
                ComponentData(
                    "Thực hiện các kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, "
                    "ngân sách",
                    0.77,
                    1,
                ),
                ComponentData("Phát triển các nền tảng, cơ sở dữ liệu", 2.87, 3.5),
                ComponentData("Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức", 2.57, 7),
            ),
        ),
    ),
    # The source gives 2020's 95,76% "tăng 0,5% so với năm 2019" and the first place both years:
    # 95,26% is worked out from that, not published, so reports never quote it.
    (
        "sipas",
        2019,
        IndexResultData(
            95.26,
            rank=1,
            out_of=63,
            note="Suy ra từ kết quả năm 2020 (95,76%, tăng 0,5% so với năm 2019); chưa có số liệu công bố.",
            assumed=True,
        ),
    ),
    (
        "sipas",
        2020,
        IndexResultData(
            95.76,
            rank=1,
            out_of=63,
            components=tuple(ComponentData(name, score, 100) for name, score in SIPAS_2020_CRITERIA),
        ),
    ),
    (
        "sipas",
        2022,
        IndexResultData(87.59, rank=1, out_of=63, published_on=ANNOUNCED_2022, source=SOURCE_2022),
    ),
    ("sipas", 2023, IndexResultData(90.61)),
    (
        "sipas",
        2024,
        IndexResultData(
            90.12,
            rank=4,
            out_of=63,
            note=(
                "Tỷ lệ đánh giá bình thường và không hài lòng còn 9,88%; 1,94% người dân đánh giá có "
                "nhiều công chức gây phiền hà, sách nhiễu; 2,18% người dân trả lời phải đưa tiền "
                "ngoài quy định."
            ),
        ),
    ),
    (
        "papi",
        2024,
        IndexResultData(
            47.82,
            rank=1,
            out_of=63,
            components=(
                ComponentData("Quản trị điện tử", 3.94, 10),
                ComponentData("Quản trị môi trường", 4.03, 10),
                ComponentData("Công khai, minh bạch", 5.83, 10),
                ComponentData("Tham gia của người dân ở cấp cơ sở", 5.87, 10),
            ),
        ),
    ),
)

ACCOUNTS = (
    ("admin", "Quản trị hệ thống", Role.ADMIN, None),
    ("noivu", "Nguyễn Thị Lan (Sở Nội vụ)", Role.HOME_AFFAIRS, None),
    ("tuphap", "Trần Văn Hùng (Giám đốc Sở Tư pháp)", Role.UNIT_HEAD, "STP"),
    ("tttt", "Lê Minh Đức (Giám đốc Sở Thông tin và Truyền thông)", Role.UNIT_HEAD, "STTTT"),
    ("lanhdao", "Phạm Quốc Bảo (Lãnh đạo UBND tỉnh)", Role.VIEWER, None),
    ("khcn", "Đỗ Thu Hà (Giám đốc Sở Khoa học và Công nghệ)", Role.UNIT_HEAD, "SKHCN"),
)


def at(day: date, hour: int = 9) -> datetime:
    """A demo event time: 9:00 in the province (02:00 UTC) on ``day``."""
    return datetime.combine(day, time(hour - 7), tzinfo=UTC)


async def _units() -> int:
    existing = {row["code"] for row in await Unit.select(Unit.code)}
    created = 0

    async def add(code, name, kind, level, parent=None, valid_to=None, successor=None, valid_from=None):
        nonlocal created
        if code in existing:
            return
        ids = await unit_ids_by_code({c for c in (parent, successor) if c})
        await create_unit_unchecked(
            UnitData(code, name, kind, level, ids.get(parent), valid_from, valid_to, ids.get(successor))
        )
        existing.add(code)
        created += 1

    await add(*PROVINCE, "province")
    for code, name in DEPARTMENTS_FORMED:
        await add(code, name, "department", "province", PROVINCE[0], valid_from=DEPARTMENTS_MERGE_DAY)
    merged_into = {closed: successor for closed, successor, _source in DEPARTMENT_MERGERS}
    for code, name in DEPARTMENTS:  # the continuing departments first: they are successors
        if code not in merged_into:
            await add(code, name, "department", "province", PROVINCE[0])
    for code, name in DEPARTMENTS:
        if code in merged_into:
            await add(
                code, name, "department", "province", PROVINCE[0], LAST_DEPARTMENT_DAY, merged_into[code]
            )
    for code, name in DISTRICTS:
        await add(code, name, "district_committee", "district", PROVINCE[0], LAST_DISTRICT_DAY)
    for code, name, _district in COMMUNES_AFTER:
        await add(code, name, "commune_committee", "commune", PROVINCE[0], valid_from=MERGE_DAY)
    for code, name, district, successor in COMMUNES_BEFORE:
        await add(code, name, "commune_committee", "commune", district, LAST_DISTRICT_DAY, successor)
    return created


async def _accounts() -> int:
    existing = {row["username"] for row in await Account.select(Account.username)}
    units = await unit_ids_by_code({unit for *_, unit in ACCOUNTS if unit})
    created = 0
    for username, full_name, role, unit in ACCOUNTS:
        if username not in existing:
            await create_account_unchecked(
                AccountData(username, full_name, role.value, units.get(unit), DEMO_PASSWORD)
            )
            created += 1
    return created


async def _principal(username: str) -> Principal:
    row = (
        await Account.select(Account.id, Account.role, Account.unit)
        .where(Account.username == username)
        .first()
    )
    return Principal(account_id=row["id"], username=username, role=Role(row["role"]), unit_id=row["unit"])


async def _plan_2023() -> int:
    if await Plan.exists().where((Plan.year == 2023) & (Plan.doc_number == DEMO_PLAN_NUMBER)):
        return 0
    plan = await create_plan_unchecked(
        PlanData(
            year=2023,
            title="Kế hoạch cải cách hành chính năm 2023 của tỉnh Quảng Ninh",
            doc_number=DEMO_PLAN_NUMBER,
            doc_date=date(2023, 1, 10),
            status="active",
        )
    )
    staff = await _principal("noivu")
    units = await unit_ids_by_code({row[4] for row in TASKS} | {c for row in TASKS for c in row[5]})
    for code, area, title, output, lead, coordinators, deadline, outcome in TASKS:
        task = await create_task_unchecked(
            plan["id"],
            TaskDefinition(
                code,
                area,
                title,
                units[lead],
                output,
                tuple(units[c] for c in coordinators),
                deadline,
                deadline is None,
            ),
            actor=staff,
            now=at(date(2023, 1, 10)),
        )
        await _history(staff, task["id"], outcome)
    # The year is over: the plan is closed (its figures stay), the current year's is active.
    await Plan.update({Plan.status: PlanStatus.CLOSED.value}).where(Plan.id == plan["id"])
    return len(TASKS)


async def _history(actor: Principal, task_id: int, outcome) -> None:
    """Start each task in February (or on the day it was done, when earlier: a completion is
    never dated before an update that said the task was not complete), then complete it or
    leave it part-way."""
    started = min(outcome, date(2023, 2, 1)) if isinstance(outcome, date) else date(2023, 2, 1)
    start = await report_progress(
        actor,
        task_id,
        ProgressReport(TaskStatus.IN_PROGRESS, 30, "Đã triển khai thực hiện."),
        now=at(started),
    )
    if isinstance(outcome, date):
        await report_progress(
            actor,
            task_id,
            ProgressReport(
                TaskStatus.COMPLETED, 100, "Đã hoàn thành, có văn bản kết quả.", completed_on=outcome
            ),
            now=at(max(outcome, date(2023, 2, 1)), 16),
        )
    elif outcome[1] != start["progress"]:
        await report_progress(
            actor,
            task_id,
            ProgressReport(outcome[0], outcome[1], "Đang tiếp tục thực hiện."),
            now=at(date(2023, 9, 15)),
        )


async def _indices() -> int:
    existing = {
        (row["kind"], row["year"]) for row in await IndexResult.select(IndexResult.kind, IndexResult.year)
    }
    staff = await _principal("noivu")
    created = 0
    for kind, year, data in INDEX_RESULTS:
        if (kind, year) not in existing:
            await put_index_result(staff, kind, year, data)
            created += 1
    return created


async def load_demo() -> dict[str, int]:
    """Load what is missing; returns how many units, accounts, tasks and index results were
    created."""
    return {
        "units": await _units(),
        "accounts": await _accounts(),
        "tasks": await _plan_2023(),
        "current_tasks": await load_current_plan(await _principal("noivu"), local_date(utcnow())),
        "indices": await _indices(),
        "procedures": await load_demo_procedures(),  # the 2020 catalogue (demo.procedures)
        "indicators": await load_default_catalogue(),  # the reporting rounds' default catalogue
    }
