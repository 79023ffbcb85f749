"""The rules of what a report says, pinned at their boundaries: long dates in sentences and
short ones in tables, areas without tasks, a plan without tasks yet, the procedure levels at
the cut-off, and which index results are current."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from demo.loader import INDEX_RESULTS
from models.vocabulary import IndexKind
from reports import wording
from reports.collect import unavailable_years
from reports.data import (
    DossierCoverage,
    ProcedureCatalogue,
    TaskCounts,
    TaskState,
    Unavailable,
    latest_expected_year,
)
from tests.reports import sample

NR, NP, PU = Unavailable.NOT_RECORDED, Unavailable.NOT_PUBLISHED, Unavailable.PUBLICATION_UNKNOWN


def task(**changes):
    return replace(sample.report().plan.tasks[5], **changes)  # "Rà soát, hệ thống hóa …", due 31/3/2023


# --- dates: long in sentences, dd/mm/yyyy in tables ----------------------------------------------

SENTENCES_WITH_DATES = [
    (
        lambda: wording.result_item(task(completed_on=date(2023, 1, 5))),
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh: hoàn thành ngày 5 tháng 1 năm 2023",
    ),
    (
        lambda: wording.carried_item(task(state=TaskState.OVERDUE, deadline=date(2023, 9, 30))),
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh (đơn vị chủ trì: Sở Tư pháp; thời hạn: "
        "ngày 30 tháng 9 năm 2023, đã quá hạn)",
    ),
    (
        lambda: wording.carried_item(task(state=TaskState.IN_PROGRESS, deadline=None)),
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh (đơn vị chủ trì: Sở Tư pháp; thời hạn: "
        "thường xuyên)",
    ),
    (
        lambda: wording.plan_opening(sample.report().plan),
        "Triển khai Kế hoạch cải cách hành chính năm 2023 (Kế hoạch số 12/KH-UBND ngày 10 tháng 1 năm 2023) "
        "với 32 nhiệm vụ.",
    ),
    (
        lambda: wording.partial_dossiers(
            DossierCoverage(10, date(2025, 1, 3), date(2025, 12, 9), 0, None, True)
        ),
        "Số liệu hồ sơ trên hệ thống chỉ có từ ngày 3 tháng 1 năm 2025 đến ngày 9 tháng 12 năm 2025, chưa đủ "
        "cả kỳ báo cáo; các số liệu dưới đây tính trong khoảng thời gian đó.",
    ),
    (
        lambda: wording.stale_dossiers(DossierCoverage(10, None, None, 25, date(2019, 5, 2), False)),
        "Số liệu của kỳ không tính 25 hồ sơ tiếp nhận từ ngày 2 tháng 5 năm 2019 (trước kỳ báo cáo hơn một "
        "năm) vẫn ghi nhận đang giải quyết trên hệ thống; các hồ sơ này cần được rà soát, cập nhật.",
    ),
    (
        lambda: wording.DECISION_REFERENCE,
        "Quyết định số 766/QĐ-TTg ngày 23 tháng 6 năm 2022 của Thủ tướng Chính phủ",
    ),
]


@pytest.mark.parametrize(("sentence", "said"), SENTENCES_WITH_DATES)
def test_a_date_in_a_sentence_is_written_out_once_with_ngày(sentence, said):
    assert sentence() == said
    assert "ngày ngày" not in said


def test_a_date_in_a_table_cell_stays_dd_mm_yyyy():
    line = sample.indices()[0]
    assert wording.index_cells(line)[2] == "19/04/2023"
    assert wording.deadline_text(task(deadline=date(2023, 9, 30))) == "30/09/2023"
    assert wording.deadline_text(task(deadline=None)) == "Thường xuyên"


# --- an area without tasks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leader", "said"),
    [
        (None, "Kế hoạch không có nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo."),
        ("Sở Tư pháp", "Sở Tư pháp không chủ trì nhiệm vụ nào về cải cách thể chế trong kỳ báo cáo."),
    ],
)
def test_an_area_without_tasks_reads_in_the_period(leader, said):
    area = next(a for a in sample.report().plan.areas if a.label == "Cải cách thể chế")
    assert wording.area_result(replace(area, counts=TaskCounts()), leader) == said


@pytest.mark.parametrize(
    ("counts", "praised"),
    [(TaskCounts(completed_on_time=32), True), (TaskCounts(completed_on_time=31, completed_late=1), False)],
)
def test_a_plan_done_on_time_is_praised_without_a_period_phrase(counts, praised):
    data = replace(
        sample.report(), plan=replace(sample.report().plan, counts=counts), indices=(), dossiers=None
    )
    assert wording.strength_facts(data) == (
        ["Toàn bộ nhiệm vụ của kế hoạch đã được hoàn thành đúng hạn"] if praised else []
    )


# --- a plan whose tasks were entered after the cut-off --------------------------------------------


@pytest.mark.parametrize(
    ("entered_later", "ending"),
    [
        (False, " chưa có nhiệm vụ nào được nhập trên hệ thống đến ngày 14 tháng 6 năm 2023."),
        (
            True,
            " chưa có nhiệm vụ nào được nhập trên hệ thống đến ngày 14 tháng 6 năm 2023; các nhiệm vụ được "
            "nhập sau ngày này không được tính trong báo cáo.",
        ),
    ],
)
def test_a_plan_without_tasks_at_the_cut_off_says_so_and_whether_some_came_later(entered_later, ending):
    plan = replace(sample.report().plan, counts=TaskCounts(), entered_later=entered_later)
    assert wording.plan_opening(plan).endswith(ending)


# --- procedure levels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by_level", "levels"),
    [
        (
            (("Cấp tỉnh", 1_488), ("Cấp huyện", 283), ("Cấp xã", 111)),
            "(cấp tỉnh 1.488, cấp huyện 283, cấp xã 111)",
        ),
        ((("Cấp tỉnh", 1_488), ("Cấp huyện", 0), ("Cấp xã", 111)), "(cấp tỉnh 1.488, cấp xã 111)"),
    ],
)
def test_a_level_without_procedures_in_force_is_not_printed(by_level, levels):
    catalogue = ProcedureCatalogue(sum(n for _, n in by_level), by_level, 0, 0)
    assert f"thủ tục hành chính đang áp dụng {levels}." in wording.procedures_sentence(
        catalogue, date(2025, 7, 1)
    )


# --- index results: the latest published, and what is missing after it ----------------------------


@pytest.mark.parametrize(
    ("cut_off", "expected"),
    [(date(2025, 1, 1), 2024), (date(2024, 12, 31), 2023), (date(2025, 6, 30), 2024)],
)
def test_the_latest_expected_result_is_the_year_before_the_cut_offs(cut_off, expected):
    assert latest_expected_year(cut_off) == expected


ASSUMED = {"assumed": True, "published_on": None}
UNDATED = {"assumed": False, "published_on": None}
LATER = {"assumed": False, "published_on": date(2025, 7, 15)}

# (results recorded after the quoted year, quoted year, cut-off, years not quoted and why)
UNAVAILABLE_CASES = [
    ({}, 2024, date(2025, 6, 30), ()),  # the quoted result is the latest expected
    ({}, 2023, date(2024, 12, 31), ()),  # the last day before 2024 becomes expected
    ({}, 2023, date(2025, 1, 1), ((2024, NR),)),  # the first day it is expected: not on the system
    ({2023: ASSUMED, 2024: UNDATED}, 2022, date(2025, 6, 30), ((2023, NR), (2024, PU))),  # 2025-H1
    ({2024: LATER}, 2023, date(2025, 6, 30), ((2024, NP),)),  # published after the cut-off
    ({2025: UNDATED}, 2024, date(2025, 12, 31), ()),  # the cut-off's own year is never expected
]


@pytest.mark.parametrize(("recorded", "quoted", "cut_off", "missing"), UNAVAILABLE_CASES)
def test_the_years_after_the_quoted_result_say_why_they_are_missing(recorded, quoted, cut_off, missing):
    assert unavailable_years(recorded, quoted, cut_off) == missing


PAR = sample.indices()[0]  # 2022, 1st of 63, published 19/4/2023


@pytest.mark.parametrize(
    ("unavailable", "ending"),
    [
        ((), ", chưa đạt mục tiêu đề ra (92/100 điểm)"),
        (
            ((2023, NR), (2024, PU)),
            ", chưa đạt mục tiêu đề ra (92/100 điểm) (kết quả gần nhất đã công bố; chưa có kết quả năm 2023 "
            "trên hệ thống; kết quả năm 2024 có trên hệ thống nhưng chưa ghi ngày công bố)",
        ),
        (
            ((2023, NR), (2024, NR)),
            " (kết quả gần nhất đã công bố; chưa có kết quả năm 2023, năm 2024 trên hệ thống)",
        ),
        (
            ((2023, NP),),
            " (kết quả gần nhất đã công bố; kết quả năm 2023 chưa được công bố đến thời điểm báo cáo)",
        ),
    ],
)
def test_an_old_index_result_says_which_later_years_are_missing(unavailable, ending):
    text = wording.index_item(replace(PAR, unavailable=unavailable))
    assert text.startswith(
        "Chỉ số cải cách hành chính (PAR INDEX) năm 2022 (công bố ngày 19 tháng 4 năm 2023):"
    )
    assert text.endswith(ending)


@pytest.mark.parametrize(("unavailable", "praised"), [((), True), (((2023, NR),), False)])
def test_only_a_current_first_place_is_praised(unavailable, praised):
    data = replace(sample.report(), indices=(replace(PAR, unavailable=unavailable),))
    fact = "Chỉ số cải cách hành chính (PAR INDEX) năm 2022 của tỉnh dẫn đầu cả nước"
    assert (fact in wording.strength_facts(data)) == praised


# --- index names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        (IndexKind.PAR_INDEX, ("PAR INDEX", "Chỉ số cải cách hành chính")),
        (IndexKind.SIPAS, ("SIPAS", "Chỉ số hài lòng")),
        (IndexKind.PAPI, ("PAPI", "Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh")),
        (IndexKind.PCI, ("PCI", "Chỉ số Năng lực cạnh tranh cấp tỉnh")),
    ],
)
def test_every_index_is_named_in_full_with_its_short_name(kind, names):
    assert kind.label == f"{names[1]} ({names[0]})"
    assert wording.figure_terms(f"index.{kind.value}.2024.rank")[0] == tuple(
        f"{n} năm 2024 xếp thứ" for n in names
    )


def test_the_demo_sets_no_index_target_of_another_province():
    assert all(result.target is None for _, _, result in INDEX_RESULTS)
