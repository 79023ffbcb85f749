"""The two issuer profiles of the reporting chain, a unit's own letterhead, and how each prints
(FORMATS.md)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from core.settings import get_settings
from reports import wording
from reports.data import TaskCounts
from reports.document import compose
from reports.issuers import DEPARTMENT, PEOPLE_COMMITTEE, UNIT, IssuingUnit, issuer_for, issuer_profiles
from reports.render import render_report
from tests.reports import sample
from tests.reports.docx_read import full_text, load, paragraph


def test_the_department_profile_comes_from_settings():
    settings = get_settings().report
    department = issuer_profiles(settings)[DEPARTMENT]
    assert (department.issuing_body, department.symbol) == (settings.issuing_body, settings.symbol)
    assert department.signer_authority == settings.signer_authority
    assert wording.recipient_lines(department)[0] == "- Như trên;"  # it has a Kính gửi


def test_the_people_committee_reports_to_the_ministry():
    settings = replace(get_settings().report, province="tỉnh Quảng Ninh", place="Quảng Ninh")
    committee = issuer_profiles(settings)[PEOPLE_COMMITTEE]
    assert committee.issuing_body == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" and committee.supervising_body == ""
    assert committee.signer_authority[:2] == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    data = sample.report(issuer=committee)
    issue = replace(sample.ISSUE, profile_key=PEOPLE_COMMITTEE)
    document = load(render_report(data, compose(data), issue))
    assert paragraph(document, "Số: ").text == "Số: 15/BC-UBND"
    assert paragraph(document, "Kính gửi:").text == "Kính gửi: Bộ Nội vụ."
    text = full_text(document)
    assert "- Như trên;\n" in text and "- Lưu: VT, NC." in text and "Nguyễn Văn A" in text


def test_an_issue_under_another_profile_is_refused():
    data = sample.report()
    issue = replace(sample.ISSUE, profile_key=PEOPLE_COMMITTEE)
    try:
        render_report(data, compose(data), issue)
    except ValueError as error:
        assert "people_committee" in str(error)
    else:
        raise AssertionError("rendered under the wrong profile")


# --- a unit's report: the unit's own letterhead, to the Sở Nội vụ --------------------------------

SETTINGS = replace(
    get_settings().report,
    province="tỉnh Quảng Ninh",
    place="Quảng Ninh",
    supervising_body="UBND TỈNH QUẢNG NINH",
    issuing_body="SỞ NỘI VỤ",
    addressee="Ủy ban nhân dân tỉnh Quảng Ninh",
)
TO_HOME_AFFAIRS = "Sở Nội vụ tỉnh Quảng Ninh"
COTO = IssuingUnit("UBND huyện Cô Tô", "COTO", "district_committee")


@pytest.mark.parametrize(
    "unit, supervising, issuing, symbol, addressee, signer",
    [
        (
            IssuingUnit("Sở Tư pháp", "STP", "department"),
            "UBND TỈNH QUẢNG NINH",
            "SỞ TƯ PHÁP",
            "BC-STP",
            TO_HOME_AFFAIRS,
            ("GIÁM ĐỐC",),
        ),
        (
            IssuingUnit("Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", "department"),
            "UBND TỈNH QUẢNG NINH",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",
            "BC-TTPVHCC",
            TO_HOME_AFFAIRS,
            ("GIÁM ĐỐC",),
        ),
        (
            IssuingUnit("Văn phòng UBND tỉnh", "VPUBND", "department"),
            "UBND TỈNH QUẢNG NINH",
            "VĂN PHÒNG UBND TỈNH",
            "BC-VPUBND",
            TO_HOME_AFFAIRS,
            ("CHÁNH VĂN PHÒNG",),
        ),
        (
            IssuingUnit("Thanh tra tỉnh", "TTR", "department"),
            "UBND TỈNH QUẢNG NINH",
            "THANH TRA TỈNH",
            "BC-TTR",
            TO_HOME_AFFAIRS,
            ("CHÁNH THANH TRA",),
        ),
        (
            IssuingUnit("Ban Quản lý Khu kinh tế", "BQLKKT", "other"),
            "UBND TỈNH QUẢNG NINH",
            "BAN QUẢN LÝ KHU KINH TẾ",
            "BC-BQLKKT",
            TO_HOME_AFFAIRS,
            ("TRƯỞNG BAN",),
        ),
        (  # a head whose title the name does not tell
            IssuingUnit("Đài Phát thanh và Truyền hình", "DPTTH", "other"),
            "UBND TỈNH QUẢNG NINH",
            "ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH",
            "BC-DPTTH",
            TO_HOME_AFFAIRS,
            ("THỦ TRƯỞNG",),
        ),
        (  # the Sở Nội vụ's own report goes to the People's Committee, not to itself
            IssuingUnit("Sở Nội vụ", "SNV", "department"),
            "UBND TỈNH QUẢNG NINH",
            "SỞ NỘI VỤ",
            "BC-SNV",
            "Ủy ban nhân dân tỉnh Quảng Ninh",
            ("GIÁM ĐỐC",),
        ),
        (  # a People's Committee: its full name, no body above it, its chair for the committee
            IssuingUnit("UBND huyện Cô Tô", "COTO", "district_committee"),
            "",
            "ỦY BAN NHÂN DÂN HUYỆN CÔ TÔ",
            "BC-UBND",
            TO_HOME_AFFAIRS,
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (
            IssuingUnit("UBND phường Hồng Gai", "P-HONGGAI", "commune_committee"),
            "",
            "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG GAI",
            "BC-UBND",
            TO_HOME_AFFAIRS,
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (  # the province's own People's Committee reports to the Ministry
            IssuingUnit("Ủy ban nhân dân tỉnh Quảng Ninh", "UBND-QN", "provincial_committee"),
            "",
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
            "BC-UBND",
            "Bộ Nội vụ",
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (  # a name already written in full is not expanded twice
            IssuingUnit("Ủy ban nhân dân thị xã Quảng Yên", "QUANGYEN", "district_committee"),
            "",
            "ỦY BAN NHÂN DÂN THỊ XÃ QUẢNG YÊN",
            "BC-UBND",
            TO_HOME_AFFAIRS,
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (  # a commune under a district (before July 2025) reports to the district's committee
            IssuingUnit("UBND thị trấn Cô Tô", "OLD-TT-COTO", "commune_committee", "UBND huyện Cô Tô"),
            "",
            "ỦY BAN NHÂN DÂN THỊ TRẤN CÔ TÔ",
            "BC-UBND",
            "Ủy ban nhân dân huyện Cô Tô",
            ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ),
        (  # a district's office writes under the district's committee, and reports to it
            IssuingUnit("Phòng Nội vụ huyện Cô Tô", "PNV-COTO", "other", "UBND huyện Cô Tô"),
            "UBND HUYỆN CÔ TÔ",
            "PHÒNG NỘI VỤ HUYỆN CÔ TÔ",
            "BC-PNV-COTO",
            "Ủy ban nhân dân huyện Cô Tô",
            ("TRƯỞNG PHÒNG",),
        ),
    ],
)
def test_a_units_report_is_issued_on_its_own_letterhead(
    unit, supervising, issuing, symbol, addressee, signer
):
    issuer = issuer_profiles(SETTINGS, unit)[UNIT]
    assert (issuer.supervising_body, issuer.issuing_body, issuer.symbol) == (supervising, issuing, symbol)
    assert (issuer.addressee, issuer.signer_authority) == (addressee, signer)
    assert wording.recipient_lines(issuer) == ["- Như trên;", "- Lưu: VT."]


@pytest.mark.parametrize(
    "name, kind, place",
    [
        ("UBND huyện Cô Tô", "district_committee", "Cô Tô"),
        ("UBND thị xã Quảng Yên", "district_committee", "Quảng Yên"),
        ("UBND thành phố Hạ Long", "district_committee", "Hạ Long"),
        ("Ủy ban nhân dân quận Hoàn Kiếm", "district_committee", "Hoàn Kiếm"),
        ("UBND đặc khu Cô Tô", "commune_committee", "Cô Tô"),
        ("UBND phường Hồng Gai", "commune_committee", "Hồng Gai"),
        ("UBND xã Quảng Hà", "commune_committee", "Quảng Hà"),
        ("UBND thị trấn Tiên Yên", "commune_committee", "Tiên Yên"),
        ("UBND xã Xuân Thịnh", "commune_committee", "Xuân Thịnh"),  # "xã" is not "thị xã"
        ("UBND phường 12", "commune_committee", "Phường 12"),  # named by a number: its kind too
        ("UBND phường Móng Cái 1", "commune_committee", "Phường Móng Cái 1"),
        ("UBND huyện", "district_committee", "Quảng Ninh"),  # no proper name: the province's
        ("UBND khu Tây", "district_committee", "Quảng Ninh"),  # an unknown kind of unit
        ("Sở Tư pháp", "department", "Quảng Ninh"),  # the province's bodies write the province
        ("Ủy ban nhân dân tỉnh Quảng Ninh", "provincial_committee", "Quảng Ninh"),
    ],
)
def test_a_local_committee_dates_its_report_from_its_own_locality(name, kind, place):
    assert issuer_profiles(SETTINGS, IssuingUnit(name, "X", kind))[UNIT].place == place


@pytest.mark.parametrize(
    "unit, place",
    [
        (IssuingUnit("Phòng Nội vụ huyện Cô Tô", "X", "other", "UBND huyện Cô Tô"), "Cô Tô"),
        (IssuingUnit("Phòng Tư pháp", "X", "other", "UBND phường 12"), "Phường 12"),
        (IssuingUnit("UBND thị trấn Cô Tô", "X", "commune_committee", "UBND huyện Cô Tô"), "Cô Tô"),
        (IssuingUnit("UBND xã Phong Dụ", "X", "commune_committee", "UBND huyện Tiên Yên"), "Phong Dụ"),
    ],
)
def test_a_unit_under_a_district_dates_its_report_from_its_locality(unit, place):
    """A committee writes its own locality; a district's office, its district's."""
    assert issuer_profiles(SETTINGS, unit)[UNIT].place == place


DISTRICT = {"name": "UBND huyện Cô Tô", "kind": "district_committee", "valid_to": date(2025, 6, 30)}


@pytest.mark.parametrize(
    "parent, cut_off, superior",
    [
        (None, date(2024, 12, 14), ""),
        (
            {"name": "Ủy ban nhân dân tỉnh Quảng Ninh", "kind": "provincial_committee", "valid_to": None},
            date(2024, 12, 14),
            "",
        ),
        ({"name": "Sở Tư pháp", "kind": "department", "valid_to": None}, date(2024, 12, 14), ""),
        (DISTRICT, date(2024, 12, 14), "UBND huyện Cô Tô"),
        (DISTRICT, date(2025, 6, 30), "UBND huyện Cô Tô"),  # its last day
        (DISTRICT, date(2025, 7, 1), ""),  # the district had ended: the unit answers to the province
        ({**DISTRICT, "valid_to": None}, date(2026, 12, 14), "UBND huyện Cô Tô"),
    ],
)
def test_a_district_parent_is_a_units_superior_while_it_exists(parent, cut_off, superior):
    row = {"name": "UBND thị trấn Cô Tô", "code": "OLD-TT-COTO", "kind": "commune_committee"}
    assert IssuingUnit.from_row(row, parent, cut_off).superior == superior


def test_a_unit_is_offered_only_its_own_letterhead():
    unit = IssuingUnit("Sở Tư pháp", "STP", "department")
    assert list(issuer_profiles(SETTINGS, unit)) == [UNIT]
    assert list(issuer_profiles(SETTINGS)) == [DEPARTMENT, PEOPLE_COMMITTEE]
    # a unit's draft saved before units had their own letterhead still prints the unit's
    assert issuer_for(SETTINGS, DEPARTMENT, unit).key == UNIT
    assert issuer_for(SETTINGS, PEOPLE_COMMITTEE).key == PEOPLE_COMMITTEE


def test_a_units_report_prints_its_letterhead_and_quotes_no_provincial_index():
    unit = IssuingUnit("Sở Tư pháp", "STP", "department")
    issuer = issuer_profiles(SETTINGS, unit)[UNIT]
    data = sample.report(issuer=issuer, scope_unit=unit, scope_label=unit.name, indices=())
    issue = replace(sample.ISSUE, profile_key=UNIT)
    document = load(render_report(data, compose(data), issue))
    assert paragraph(document, "Số: ").text == "Số: 15/BC-STP"
    assert paragraph(document, "Kính gửi:").text == f"Kính gửi: {TO_HOME_AFFAIRS}."
    text = full_text(document)
    assert "SỞ TƯ PHÁP" in text and "SỞ NỘI VỤ" not in text
    assert ", Sở Tư pháp chủ trì 32 nhiệm vụ." in text  # the tasks it leads, not the plan's
    assert "Tỷ lệ thực hiện các nhiệm vụ do Sở Tư pháp chủ trì (" in text
    assert "Tỷ lệ thực hiện kế hoạch" not in text
    assert wording.no_indices() not in text and "PAR INDEX" not in text
    assert "Biểu 06" in text or "BIỂU 06" in text
    assert "Tổng cộng toàn tỉnh" not in text  # Biểu 06 totals the unit's dossiers, not the province's


@pytest.mark.parametrize(
    "unit, total",
    [
        (None, "Tổng cộng toàn tỉnh"),
        (IssuingUnit("Sở Tư pháp", "STP", "department"), "Tổng cộng"),
        (COTO, "Tổng cộng"),
    ],
)
def test_biểu_06_totals_the_reports_scope(unit, total):
    assert wording.dossier_total(unit) == total


@pytest.mark.parametrize(
    "unit, led_under, said",
    [
        (None, 0, "Kế hoạch không có nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo."),
        (
            IssuingUnit("Sở Y tế", "SYT", "department"),
            0,
            "Sở Y tế không chủ trì nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo.",
        ),
        (
            COTO,
            1,
            "UBND huyện Cô Tô và các đơn vị trực thuộc không chủ trì nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo.",
        ),
        (
            COTO,
            2,
            "Các đơn vị trực thuộc UBND huyện Cô Tô không chủ trì nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo.",
        ),
    ],
)
def test_an_area_without_tasks_says_whose_plan_has_none(unit, led_under, said):
    plan = replace(sample.report().plan, counts=TaskCounts(in_progress=2), led_under=led_under)
    area = next(a for a in plan.areas if a.label == "Cải cách thể chế")
    assert wording.area_result(replace(area, counts=TaskCounts()), wording.leaders(plan, unit)) == said


@pytest.mark.parametrize(
    "unit, tasks, led_under, said",
    [
        (None, 32, 0, "Triển khai Kế hoạch cải cách hành chính năm 2023"),
        (
            None,
            0,
            0,
            "Kế hoạch cải cách hành chính năm 2023 (Kế hoạch số 12/KH-UBND ngày 10 tháng 1 năm 2023) chưa có "
            "nhiệm vụ nào được nhập trên hệ thống đến ngày 14 tháng 6 năm 2023.",
        ),
        (COTO, 1, 0, ", UBND huyện Cô Tô chủ trì 1 nhiệm vụ."),
        (COTO, 0, 0, ", UBND huyện Cô Tô không chủ trì nhiệm vụ nào của kế hoạch."),
        # a district's report counts its communes' tasks too, and says whose they are
        (
            COTO,
            2,
            1,
            ", UBND huyện Cô Tô và các đơn vị trực thuộc chủ trì 2 nhiệm vụ (UBND huyện Cô Tô trực tiếp chủ trì 1 nhiệm vụ).",
        ),
        (
            COTO,
            3,
            2,
            ", UBND huyện Cô Tô và các đơn vị trực thuộc chủ trì 3 nhiệm vụ (UBND huyện Cô Tô trực tiếp chủ trì 1 nhiệm vụ).",
        ),
        (COTO, 2, 2, ", các đơn vị trực thuộc UBND huyện Cô Tô chủ trì 2 nhiệm vụ."),
    ],
)
def test_the_plan_opening_says_how_many_tasks_and_whose(unit, tasks, led_under, said):
    plan = replace(sample.report().plan, counts=TaskCounts(in_progress=tasks), led_under=led_under)
    opening = wording.plan_opening(plan, unit)
    assert said in opening and (tasks > 0 or "0 nhiệm vụ" not in opening)


BEFORE = "kể cả 2 nhiệm vụ do UBND thị trấn Cô Tô, UBND xã Đồng Tiến chủ trì trước khi sắp xếp"


@pytest.mark.parametrize(
    "tasks, led_under, led_merged, said",
    [
        (3, 0, 0, ", UBND huyện Cô Tô chủ trì 3 nhiệm vụ."),
        # the tasks of units merged into it are its own, from before the reorganisation
        (3, 0, 2, f", UBND huyện Cô Tô chủ trì 3 nhiệm vụ ({BEFORE})."),
        (2, 0, 2, f", UBND huyện Cô Tô chủ trì 2 nhiệm vụ ({BEFORE})."),
        (
            4,
            1,
            2,
            ", UBND huyện Cô Tô và các đơn vị trực thuộc chủ trì 4 nhiệm vụ (UBND huyện Cô Tô trực tiếp "
            f"chủ trì 3 nhiệm vụ; {BEFORE}).",
        ),
    ],
)
def test_the_plan_opening_says_which_tasks_came_from_units_merged_into_it(tasks, led_under, led_merged, said):
    plan = replace(
        sample.report().plan,
        counts=TaskCounts(in_progress=tasks),
        led_under=led_under,
        led_merged=led_merged,
        merged_leaders=("UBND thị trấn Cô Tô", "UBND xã Đồng Tiến") if led_merged else (),
    )
    assert wording.plan_opening(plan, COTO).endswith(said)


def test_a_unit_leading_no_task_prints_no_share_of_nothing_nor_its_empty_tables():
    """UBND huyện Cô Tô leads no task of the plan: no "0/0", no "0,00%", no "đã hoàn thành" in
    IV, and no appendix of tasks (only the dossiers' one is left)."""
    issuer = issuer_profiles(SETTINGS, COTO)[UNIT]
    empty = replace(
        sample.report().plan,
        counts=TaskCounts(),
        areas=tuple(
            replace(a, counts=TaskCounts(), completed_tasks=(), unfinished_tasks=())
            for a in sample.report().plan.areas
        ),
        by_unit=(),
        tasks=(),
        unfinished=(),
        percent=0.0,
    )
    data = sample.report(issuer=issuer, scope_unit=COTO, scope_label=COTO.name, indices=(), plan=empty)
    text = full_text(load(render_report(data, compose(data), replace(sample.ISSUE, profile_key=UNIT))))
    assert "UBND huyện Cô Tô không chủ trì nhiệm vụ nào của kế hoạch." in text
    assert "Cô Tô, ngày" in text and "Quảng Ninh, ngày" not in text  # its own locality
    assert not re.search(r"\b0/0\b|(?<![\d.,])0,00%", text) and "đã hoàn thành" not in text
    assert "Phụ lục III" not in text and "DANH MỤC NHIỆM VỤ" not in text and "Phụ lục" in text
