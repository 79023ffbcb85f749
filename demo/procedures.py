"""The demo province's procedure catalogue: Quảng Ninh's 2020 list of 1.882 administrative
procedures (1.488 provincial, 283 district, 111 commune; 680 fully online, 931 partly online).

The seed article says "1.882 thủ tục, trong đó cấp tỉnh 1.488, cấp huyện 283, cấp xã 112", but
those parts add up to 1.883: the total (the headline figure) and the two larger parts are kept
exact and the commune level has 111.

Built deterministically from name templates per field (lĩnh vực); provincial procedures are
handled by the department of their field, district and commune ones by "each district /
commune" (no handling unit); the district ones end with the districts, on 30 June 2025. Rows
pass the catalogue's own validation (models.procedures.service) and are inserted in bulk;
loading is idempotent by code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice

from core.db import write_transaction
from core.errors import InvalidInput
from demo.reorganisation import LAST_DISTRICT_DAY
from models.procedures.service import ProcedureData, _check, _values
from models.procedures.tables import Procedure
from models.units.service import unit_ids_by_code
from models.vocabulary import OnlineLevel, UnitLevel

CATALOGUE_SEED = 2020
CATALOGUE_VALID_FROM = date(2020, 1, 1)
CATALOGUE_TOTAL = 1882
# The article's 112 commune procedures would make 1.883 (see the module docstring).
LEVEL_TOTALS = {UnitLevel.PROVINCE: 1488, UnitLevel.DISTRICT: 283, UnitLevel.COMMUNE: 111}
ONLINE_TOTALS = {OnlineLevel.FULL: 680, OnlineLevel.PARTIAL: 931}  # the rest: none
INSERT_CHUNK = 300


@dataclass(frozen=True)
class FieldTemplate:
    """A field of the catalogue: its code part, name, provincial department, how many
    procedures it has per level (relative weights), the legal processing time range, and the
    templates its procedure names are built from."""

    abbr: str
    name: str
    department: str
    weights: tuple[int, int, int]  # province, district, commune
    days: tuple[int, int]
    names: tuple[str, ...]
    actions: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()

    def candidate_names(self):
        """Every name the templates give, the plain ones first; repeats when exhausted."""
        bases = [*self.names, *(f"{action} {obj}" for obj in self.objects for action in self.actions)]
        variants = [*bases, *(base + qualifier for qualifier in self.qualifiers for base in bases)]
        while True:
            yield from variants


FIELDS = (
    FieldTemplate(
        "DD",
        "Đất đai",
        "STNMT",
        (40, 30, 8),
        (10, 30),
        (
            "Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "Giao đất, cho thuê đất không thông qua hình thức đấu giá quyền sử dụng đất",
            "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
            "Thu hồi đất do chấm dứt việc sử dụng đất theo pháp luật",
            "Gia hạn sử dụng đất",
            "Tách thửa hoặc hợp thửa đất",
            "Đính chính Giấy chứng nhận đã cấp",
            "Giải quyết tranh chấp đất đai",
            "Đăng ký, xóa đăng ký thế chấp quyền sử dụng đất",
            "Xác định lại diện tích đất ở",
            "Chuyển đổi quyền sử dụng đất nông nghiệp",
        ),
        ("Cấp", "Cấp đổi", "Cấp lại"),
        (
            "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
            "Giấy chứng nhận quyền sở hữu công trình xây dựng gắn liền với đất",
            "Giấy chứng nhận quyền sử dụng đất cho cơ sở tôn giáo",
        ),
        (
            " đối với hộ gia đình, cá nhân",
            " đối với tổ chức",
            " đối với người Việt Nam định cư ở nước ngoài",
            " trong khu kinh tế",
        ),
    ),
    FieldTemplate(
        "XD",
        "Xây dựng",
        "SXD",
        (60, 20, 3),
        (7, 20),
        (
            "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
            "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
            "Thẩm định điều chỉnh thiết kế xây dựng",
            "Cho ý kiến về kết quả đánh giá an toàn công trình",
            "Kiểm tra công tác nghiệm thu hoàn thành công trình",
            "Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng",
            "Cung cấp thông tin về quy hoạch xây dựng",
            "Công nhận tổ chức xã hội - nghề nghiệp đủ điều kiện cấp chứng chỉ hành nghề",
        ),
        ("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn"),
        (
            "giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
            "giấy phép sửa chữa, cải tạo công trình",
            "giấy phép di dời công trình",
            "giấy phép xây dựng nhà ở riêng lẻ",
            "chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
            "chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
            "giấy phép hoạt động xây dựng cho nhà thầu nước ngoài",
        ),
        (" theo giai đoạn", " đối với công trình tôn giáo", " trong khu kinh tế"),
    ),
    FieldTemplate(
        "TP",
        "Tư pháp",
        "STP",
        (130, 25, 15),
        (1, 15),
        (
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "Chứng thực chữ ký trong các giấy tờ, văn bản",
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
            "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
            "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
            "Chứng thực di chúc",
            "Chứng thực văn bản thỏa thuận phân chia di sản",
            "Sửa lỗi sai sót trong hợp đồng, giao dịch",
            "Đăng ký hoạt động Văn phòng công chứng",
            "Đăng ký tập sự hành nghề công chứng",
            "Thành lập Văn phòng công chứng",
            "Đăng ký hoạt động của tổ chức hành nghề luật sư",
            "Đăng ký hoạt động Trung tâm trọng tài",
            "Đăng ký hành nghề quản lý, thanh lý tài sản",
            "Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại",
            "Thực hiện trợ giúp pháp lý",
            "Công nhận hòa giải viên",
            "Công nhận tuyên truyền viên pháp luật",
        ),
        ("Cấp", "Cấp lại", "Thu hồi"),
        (
            "thẻ công chứng viên",
            "thẻ đấu giá viên",
            "thẻ giám định viên tư pháp",
            "giấy đăng ký hoạt động của Văn phòng giám định tư pháp",
            "giấy đăng ký hoạt động của tổ chức đấu giá tài sản",
            "giấy phép thành lập Trung tâm trọng tài",
            "giấy đăng ký hoạt động của Văn phòng thừa phát lại",
            "giấy đăng ký hoạt động của chi nhánh công ty luật nước ngoài",
        ),
        (" đối với cá nhân", " đối với tổ chức", " có yếu tố nước ngoài"),
    ),
    FieldTemplate(
        "HT",
        "Hộ tịch",
        "STP",
        (0, 35, 25),
        (1, 5),
        (
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Đăng ký khai tử",
            "Cấp bản sao trích lục hộ tịch",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "Đăng ký nhận cha, mẹ, con",
            "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
            "Đăng ký giám hộ",
            "Đăng ký chấm dứt giám hộ",
            "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "Đăng ký lại khai sinh",
            "Đăng ký lại kết hôn",
            "Đăng ký lại khai tử",
            "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
            "Xác định lại dân tộc",
            "Ghi vào Sổ hộ tịch việc hộ tịch của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
            "Liên thông thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "Liên thông thủ tục đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất",
        ),
        qualifiers=(" có yếu tố nước ngoài", " lưu động", " cho người Việt Nam cư trú ở khu vực biên giới"),
    ),
    FieldTemplate(
        "YT",
        "Y tế",
        "SYT",
        (150, 8, 0),
        (5, 30),
        (
            "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất thực phẩm",
            "Đăng ký bản công bố sản phẩm dinh dưỡng y học",
            "Cấp giấy xác nhận nội dung quảng cáo thực phẩm",
            "Công bố cơ sở đủ điều kiện sản xuất trang thiết bị y tế",
            "Công bố đủ điều kiện mua bán trang thiết bị y tế thuộc loại B, C, D",
            "Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe",
            "Cho phép áp dụng kỹ thuật mới, phương pháp mới trong khám bệnh, chữa bệnh",
            "Phê duyệt danh mục kỹ thuật của cơ sở khám bệnh, chữa bệnh",
            "Công bố cơ sở xét nghiệm đạt tiêu chuẩn an toàn sinh học cấp I, cấp II",
            "Cấp giấy chứng nhận là lương y",
            "Cấp giấy phép hoạt động đối với trạm y tế cấp xã",
        ),
        ("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn"),
        (
            "chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "giấy phép hoạt động đối với phòng khám đa khoa",
            "giấy phép hoạt động đối với phòng khám chuyên khoa",
            "giấy phép hoạt động đối với bệnh viện",
            "chứng chỉ hành nghề dược",
            "giấy chứng nhận đủ điều kiện kinh doanh dược",
            "giấy chứng nhận đủ điều kiện kinh doanh thuốc phải kiểm soát đặc biệt",
            "giấy phép hoạt động đối với cơ sở dịch vụ y tế",
            "giấy phép hoạt động đối với phòng chẩn trị y học cổ truyền",
        ),
        (" đối với cơ sở của tư nhân", " đối với cơ sở có vốn đầu tư nước ngoài"),
    ),
    FieldTemplate(
        "GD",
        "Giáo dục và Đào tạo",
        "SGDDT",
        (110, 25, 4),
        (5, 20),
        (
            "Chuyển trường đối với học sinh trung học phổ thông",
            "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "Chỉnh sửa nội dung văn bằng, chứng chỉ",
            "Thành lập trường trung học phổ thông công lập",
            "Cho phép trường trung học phổ thông hoạt động giáo dục",
            "Sáp nhập, chia, tách trường trung học phổ thông",
            "Giải thể trường trung học phổ thông",
            "Thành lập trung tâm ngoại ngữ, tin học",
            "Cho phép hoạt động giáo dục đối với trung tâm ngoại ngữ, tin học",
            "Công nhận trường đạt chuẩn quốc gia",
            "Xét tuyển sinh vào trường phổ thông dân tộc nội trú",
            "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
            "Đăng ký dự thi tốt nghiệp trung học phổ thông",
            "Công nhận văn bằng tốt nghiệp do cơ sở giáo dục nước ngoài cấp",
            "Cho phép tổ chức dạy thêm, học thêm",
            "Thành lập trường mầm non, trường tiểu học, trường trung học cơ sở",
            "Hỗ trợ học tập đối với trẻ mẫu giáo, học sinh dân tộc thiểu số rất ít người",
            "Xét, cấp học bổng chính sách",
        ),
        ("Cấp", "Cấp lại"),
        (
            "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
            "giấy phép tổ chức hoạt động liên kết đào tạo với nước ngoài",
            "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ tư vấn du học",
            "giấy phép thành lập văn phòng đại diện giáo dục nước ngoài",
        ),
        (
            " đối với cơ sở giáo dục công lập",
            " đối với cơ sở giáo dục tư thục",
            " đối với cơ sở giáo dục có vốn đầu tư nước ngoài",
            " tại vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn",
        ),
    ),
    FieldTemplate(
        "LD",
        "Lao động – Thương binh và Xã hội",
        "SLDTBXH",
        (130, 40, 25),
        (3, 20),
        (
            "Thực hiện chế độ trợ cấp xã hội hằng tháng",
            "Hỗ trợ chi phí mai táng",
            "Xác định, xác định lại mức độ khuyết tật",
            "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
            "Giải quyết hưởng trợ cấp thất nghiệp",
            "Giải quyết hưởng chế độ ưu đãi đối với người có công với cách mạng",
            "Giải quyết chế độ trợ cấp một lần đối với người được cử làm chuyên gia",
            "Di chuyển hồ sơ người có công với cách mạng",
            "Tiếp nhận đối tượng bảo trợ xã hội vào cơ sở trợ giúp xã hội",
            "Đăng ký nội quy lao động",
            "Đăng ký thỏa ước lao động tập thể",
            "Báo cáo giải trình nhu cầu sử dụng người lao động nước ngoài",
            "Hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp",
            "Tạm dừng hưởng trợ cấp thất nghiệp",
            "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
        ),
        ("Cấp", "Cấp lại", "Gia hạn", "Thu hồi"),
        (
            "giấy phép lao động cho người lao động nước ngoài",
            "giấy phép hoạt động cho thuê lại lao động",
            "giấy phép thành lập cơ sở trợ giúp xã hội ngoài công lập",
            "giấy phép hoạt động dịch vụ việc làm",
            "giấy xác nhận không thuộc diện cấp giấy phép lao động",
        ),
        (" đối với thân nhân liệt sĩ", " đối với người khuyết tật", " đối với người lao động nước ngoài"),
    ),
    FieldTemplate(
        "KH",
        "Kế hoạch và Đầu tư",
        "SKHDT",
        (130, 15, 0),
        (3, 15),
        (
            "Đăng ký thành lập hộ kinh doanh",
            "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
            "Đăng ký thành lập doanh nghiệp tư nhân",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên",
            "Đăng ký thành lập công ty cổ phần",
            "Đăng ký thay đổi địa chỉ trụ sở chính",
            "Đăng ký thay đổi người đại diện theo pháp luật",
            "Đăng ký thay đổi vốn điều lệ",
            "Đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh",
            "Thông báo tạm ngừng kinh doanh",
            "Giải thể doanh nghiệp",
            "Chấp thuận chủ trương đầu tư",
            "Điều chỉnh dự án đầu tư",
            "Đăng ký thành lập hợp tác xã",
            "Thẩm định dự án sử dụng vốn ODA",
        ),
        ("Cấp", "Cấp lại", "Điều chỉnh", "Hiệu đính thông tin trên"),
        (
            "giấy chứng nhận đăng ký đầu tư",
            "giấy chứng nhận đăng ký doanh nghiệp",
            "giấy chứng nhận đăng ký hộ kinh doanh",
            "giấy chứng nhận đăng ký hợp tác xã",
            "giấy chứng nhận đăng ký hoạt động chi nhánh",
        ),
        (" đối với doanh nghiệp xã hội", " đối với nhà đầu tư nước ngoài", " trong khu kinh tế"),
    ),
    FieldTemplate(
        "GT",
        "Giao thông vận tải",
        "SGTVT",
        (130, 5, 0),
        (1, 15),
        (
            "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
            "Sát hạch để cấp giấy phép lái xe",
            "Cấp lại giấy phép lái xe",
            "Đăng ký xe máy chuyên dùng lần đầu",
            "Cấp phù hiệu xe kinh doanh vận tải",
            "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng giao thông đường bộ",
            "Cấp phép thi công nút giao đấu nối vào quốc lộ",
            "Công bố đưa bến xe khách vào khai thác",
            "Đăng ký khai thác tuyến vận tải hành khách cố định",
            "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn",
            "Đăng ký phương tiện thủy nội địa lần đầu",
            "Công bố mở luồng đường thủy nội địa chuyên dùng",
            "Thẩm định an toàn giao thông",
        ),
        ("Cấp", "Cấp lại", "Cấp đổi", "Gia hạn"),
        (
            "giấy phép kinh doanh vận tải bằng xe ô tô",
            "giấy phép đào tạo lái xe ô tô",
            "giấy chứng nhận giáo viên dạy thực hành lái xe",
            "giấy phép vận tải qua biên giới Việt Nam - Trung Quốc",
            "giấy phép liên vận Việt - Lào",
            "chứng chỉ chuyên môn thuyền trưởng, máy trưởng",
        ),
        (
            " đối với phương tiện của tổ chức",
            " đối với phương tiện của cá nhân",
            " tại cửa khẩu quốc tế Móng Cái",
        ),
    ),
    FieldTemplate(
        "TN",
        "Tài nguyên và Môi trường",
        "STNMT",
        (90, 8, 2),
        (10, 30),
        (
            "Đăng ký môi trường",
            "Cung cấp thông tin, dữ liệu tài nguyên và môi trường",
            "Thẩm định, phê duyệt báo cáo đánh giá tác động môi trường",
            "Cấp giấy phép môi trường",
            "Thẩm định phương án cải tạo, phục hồi môi trường",
            "Đăng ký khai thác nước dưới đất",
            "Thẩm định đề án khai thác, sử dụng nước mặt",
            "Cấp giấy phép thăm dò khoáng sản",
            "Cấp giấy phép khai thác khoáng sản",
            "Đóng cửa mỏ khoáng sản",
            "Giao khu vực biển",
            "Cấp giấy phép nhận chìm ở biển",
            "Cấp giấy phép hoạt động đo đạc và bản đồ",
            "Phê duyệt kế hoạch ứng phó sự cố tràn dầu",
        ),
        ("Gia hạn", "Điều chỉnh", "Cấp lại", "Trả lại"),
        (
            "giấy phép khai thác khoáng sản",
            "giấy phép thăm dò khoáng sản",
            "giấy phép khai thác, sử dụng nước mặt",
            "giấy phép xả nước thải vào nguồn nước",
            "giấy phép khai thác tận thu khoáng sản",
        ),
        (" đối với dự án trong khu kinh tế", " đối với cơ sở đang hoạt động"),
    ),
    FieldTemplate(
        "CT",
        "Công Thương",
        "SCT",
        (150, 7, 0),
        (5, 20),
        (
            "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở kinh doanh thực phẩm",
            "Đăng ký thực hiện khuyến mại",
            "Đăng ký hợp đồng theo mẫu, điều kiện giao dịch chung",
            "Xác nhận đăng ký tổ chức hội chợ, triển lãm thương mại",
            "Cấp giấy chứng nhận xuất xứ hàng hóa",
            "Thẩm định thiết kế xây dựng công trình nhà máy thủy điện",
            "Huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
            "Cấp giấy chứng nhận huấn luyện kỹ thuật an toàn hóa chất",
            "Thẩm định kế hoạch phòng ngừa, ứng phó sự cố hóa chất",
            "Thông báo hoạt động bán hàng đa cấp tại địa phương",
        ),
        ("Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung", "Gia hạn"),
        (
            "giấy phép bán lẻ rượu",
            "giấy phép bán lẻ sản phẩm thuốc lá",
            "giấy phép bán buôn rượu",
            "giấy phép sản xuất rượu công nghiệp",
            "giấy phép bán buôn sản phẩm thuốc lá",
            "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
            "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
            "giấy phép hoạt động điện lực",
            "giấy phép thành lập văn phòng đại diện của thương nhân nước ngoài",
            "giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài",
        ),
        (" đối với thương nhân", " trên địa bàn khu kinh tế cửa khẩu"),
    ),
    FieldTemplate(
        "NN",
        "Nông nghiệp",
        "SNNPTNT",
        (130, 15, 10),
        (3, 20),
        (
            "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
            "Kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn tỉnh",
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản",
            "Cấp giấy chứng nhận kiểm dịch thực vật nội địa",
            "Cấp giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
            "Phê duyệt phương án khai thác thực vật rừng",
            "Chuyển loại rừng",
            "Công nhận làng nghề, nghề truyền thống",
            "Phê duyệt hỗ trợ phát triển sản xuất theo chuỗi giá trị",
            "Đăng ký tàu cá",
            "Xóa đăng ký tàu cá",
            "Cấp văn bản chấp thuận khai thác thủy sản",
            "Công nhận sản phẩm OCOP",
        ),
        ("Cấp", "Cấp lại", "Gia hạn"),
        (
            "giấy phép khai thác thủy sản",
            "giấy chứng nhận an toàn kỹ thuật tàu cá",
            "giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi",
            "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
            "giấy chứng nhận đủ điều kiện buôn bán thuốc thú y",
            "giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
            "giấy chứng nhận đủ điều kiện sản xuất, kinh doanh giống cây trồng",
        ),
        (" đối với hộ gia đình, cá nhân", " đối với tổ chức", " trong vùng biển ven bờ"),
    ),
    FieldTemplate(
        "VH",
        "Văn hóa",
        "SVHTT",
        (130, 20, 8),
        (3, 15),
        (
            "Công nhận danh hiệu Gia đình văn hóa",
            "Công nhận Tổ dân phố văn hóa",
            "Đăng ký tổ chức lễ hội",
            "Thông báo tổ chức biểu diễn nghệ thuật",
            "Công nhận điểm du lịch",
            "Công nhận khu du lịch cấp tỉnh",
            "Cấp giấy phép tổ chức lễ hội",
            "Cấp giấy phép tu bổ di tích",
            "Xếp hạng di tích cấp tỉnh",
            "Đăng ký hoạt động thư viện tư nhân",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
            "Công nhận hạng cơ sở lưu trú du lịch",
            "Tổ chức giải thi đấu thể thao quần chúng cấp tỉnh",
        ),
        ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh"),
        (
            "giấy phép kinh doanh dịch vụ lữ hành quốc tế",
            "giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "thẻ hướng dẫn viên du lịch",
            "giấy phép kinh doanh dịch vụ karaoke",
            "giấy phép kinh doanh dịch vụ vũ trường",
            "giấy phép triển lãm mỹ thuật",
            "giấy phép xây dựng tượng đài, tranh hoành tráng",
        ),
        (" trên địa bàn huyện đảo", " đối với tổ chức", " đối với cá nhân"),
    ),
    FieldTemplate(
        "TT",
        "Thông tin và Truyền thông",
        "STTTT",
        (50, 5, 0),
        (3, 15),
        (
            "Cấp giấy phép xuất bản bản tin",
            "Cấp giấy phép hoạt động in",
            "Đăng ký hoạt động cơ sở in",
            "Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
            "Cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
            "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
            "Cấp giấy chứng nhận đăng ký cung cấp trò chơi điện tử G1",
            "Cấp giấy phép hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng",
            "Thông báo cung cấp dịch vụ viễn thông",
            "Cấp giấy phép in gia công cho nước ngoài",
        ),
        ("Sửa đổi, bổ sung", "Gia hạn", "Cấp lại"),
        (
            "giấy phép xuất bản bản tin",
            "giấy phép hoạt động in",
            "giấy phép thiết lập trang thông tin điện tử tổng hợp",
            "giấy phép cung cấp dịch vụ trò chơi điện tử",
        ),
        (" đối với cơ quan, tổ chức của tỉnh", " đối với doanh nghiệp"),
    ),
    FieldTemplate(
        "NV",
        "Nội vụ",
        "SNV",
        (80, 20, 12),
        (5, 30),
        (
            "Đăng ký hoạt động tín ngưỡng",
            "Đăng ký sinh hoạt tôn giáo tập trung",
            "Thông báo tổ chức lễ hội tín ngưỡng",
            "Thi tuyển công chức",
            "Xét tuyển công chức",
            "Tiếp nhận vào làm công chức",
            "Thi tuyển viên chức",
            "Xét tuyển viên chức",
            "Thăng hạng chức danh nghề nghiệp viên chức",
            "Thành lập hội",
            "Phê duyệt điều lệ hội",
            "Chia, tách, sáp nhập, hợp nhất hội",
            "Giải thể hội",
            "Thành lập quỹ xã hội, quỹ từ thiện",
            "Tặng Bằng khen của Chủ tịch UBND tỉnh",
            "Tặng danh hiệu Cờ thi đua của UBND tỉnh",
            "Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
            "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung",
            "Công nhận ban vận động thành lập hội",
            "Thẩm định thành lập đơn vị sự nghiệp công lập",
        ),
        qualifiers=(" theo công trạng", " theo chuyên đề", " (trường hợp đặc biệt)", " (liên thông)"),
    ),
    FieldTemplate(
        "TC",
        "Tài chính",
        "STC",
        (50, 10, 0),
        (3, 20),
        (
            "Thẩm định quyết toán vốn đầu tư dự án hoàn thành",
            "Đăng ký mã số đơn vị có quan hệ với ngân sách",
            "Quyết định giá thuộc thẩm quyền của cấp tỉnh",
            "Đăng ký giá",
            "Kê khai giá",
            "Xác lập quyền sở hữu toàn dân đối với tài sản",
            "Mua sắm tài sản công phục vụ hoạt động của cơ quan, tổ chức, đơn vị",
            "Thanh lý tài sản công",
            "Điều chuyển tài sản công",
            "Bán tài sản công",
            "Thẩm định phương án giá đất",
            "Quyết toán kinh phí bồi thường, hỗ trợ, tái định cư",
            "Xử lý tài sản công trong trường hợp bị mất, bị hủy hoại",
            "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập",
        ),
        qualifiers=(" đối với tài sản là nhà, đất", " đối với xe ô tô", " đối với dự án nhóm B, nhóm C"),
    ),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def demo_catalogue() -> list[tuple[ProcedureData, str | None]]:
    """The 1.882 procedures, each with its handling department's code (None for district
    and commune procedures: "each district / commune")."""
    rng = random.Random(CATALOGUE_SEED)
    drafts: list[tuple[str, FieldTemplate, str, int]] = []
    numbers = {field.abbr: 0 for field in FIELDS}
    for index, (level, total) in enumerate(LEVEL_TOTALS.items()):
        counts = apportion(total, [field.weights[index] for field in FIELDS])
        for field, count in zip(FIELDS, counts, strict=True):
            for name in islice(field.candidate_names(), count):
                numbers[field.abbr] += 1
                drafts.append((f"QN-{field.abbr}-{numbers[field.abbr]:04d}", field, name, level))
    online = [OnlineLevel.FULL] * ONLINE_TOTALS[OnlineLevel.FULL]
    online += [OnlineLevel.PARTIAL] * ONLINE_TOTALS[OnlineLevel.PARTIAL]
    online += [OnlineLevel.NONE] * (len(drafts) - len(online))
    rng.shuffle(online)
    result = []
    for (code, field, name, level), online_level in zip(drafts, online, strict=True):
        data = ProcedureData(
            code=code,
            name=name,
            field=field.name,
            level=level.value,
            online_level=online_level.value,
            processing_days=float(rng.randint(*field.days)),
            valid_from=CATALOGUE_VALID_FROM,
            valid_to=LAST_DISTRICT_DAY if level is UnitLevel.DISTRICT else None,
        )
        result.append((data, field.department if level is UnitLevel.PROVINCE else None))
    return result


async def load_demo_procedures() -> int:
    """Create the catalogue's missing procedures (by code); returns how many were created."""
    existing = {row["code"] for row in await Procedure.select(Procedure.code)}
    drafts = [(data, department) for data, department in demo_catalogue() if data.code not in existing]
    if not drafts:
        return 0
    departments = await unit_ids_by_code({department for _, department in drafts if department})
    known_units = set(departments.values())
    rows = []
    for draft, department in drafts:
        data = replace(draft, handling_unit_id=departments.get(department))
        if department and data.handling_unit_id is None:
            raise InvalidInput(f"demo procedure {data.code}: unknown department {department!r}")
        if errors := _check(data, known_units):
            raise InvalidInput(f"demo procedure {data.code} is invalid", errors)
        rows.append(Procedure(**{column._meta.name: value for column, value in _values(data).items()}))
    async with write_transaction(Procedure._meta.db):
        for start in range(0, len(rows), INSERT_CHUNK):
            await Procedure.insert(*rows[start : start + INSERT_CHUNK])
    return len(rows)
