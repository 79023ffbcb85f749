"""The procedure catalogue a report prints: only the figure its validity dates give at the
cut-off, or a plain sentence that the catalogue's history is not known for that day."""

from __future__ import annotations

from datetime import date

import pytest

from demo.procedures import demo_catalogue
from demo.reorganisation import LAST_DISTRICT_DAY
from models.procedures.tables import Procedure
from models.vocabulary import OnlineLevel, UnitLevel
from reports import wording
from reports.collect import collect_procedures
from reports.data import ProcedureCatalogue
from reports.issuers import IssuingUnit

pytestmark = pytest.mark.anyio
CUT_OFF = date(2020, 12, 31)
BEFORE, AFTER = date(2020, 12, 30), date(2021, 1, 1)


async def add_procedures(*validity: tuple[date | None, date | None]) -> None:
    await Procedure.insert(
        *(
            Procedure(
                code=f"P{number}",
                name=f"Thủ tục {number}",
                field="Tư pháp",
                level=UnitLevel.PROVINCE.value,
                online_level=OnlineLevel.FULL.value,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            for number, (valid_from, valid_to) in enumerate(validity)
        )
    )


# (validity of each procedure, procedures in force at the cut-off, undated ones that may be)
CASES = [
    ([(CUT_OFF, None)], 1, 0),  # in force from the cut-off itself
    ([(AFTER, None)], 0, 0),  # from the day after: not yet
    ([(BEFORE, CUT_OFF)], 1, 0),  # its last day is the cut-off
    ([(BEFORE, BEFORE)], 0, 0),  # ended the day before
    ([(None, None)], 1, 1),  # no start date: may or may not have been in force
    ([(None, BEFORE)], 0, 0),  # no start date but ended before: irrelevant
    ([(None, CUT_OFF)], 1, 1),
    ([(BEFORE, None), (None, None)], 2, 1),  # one undated procedure makes the whole figure unknown
]


@pytest.mark.parametrize(("validity", "total", "undated"), CASES)
async def test_the_catalogue_counts_what_was_in_force_at_the_cut_off(db, validity, total, undated):
    await add_procedures(*validity)
    catalogue = await collect_procedures(CUT_OFF)
    assert (catalogue.total, catalogue.undated) == (total, undated)
    assert catalogue.known == (total > 0 and undated == 0)


async def test_no_catalogue_at_all_prints_nothing(db):
    assert await collect_procedures(CUT_OFF) is None


def catalogue(total: int, undated: int = 0) -> ProcedureCatalogue:
    return ProcedureCatalogue(total, (("Cấp tỉnh", total),), total, 0, undated)


SENTENCES = [
    (
        catalogue(1_882),
        "Tại ngày 31 tháng 12 năm 2020, có 1.882 thủ tục hành chính đang áp dụng (cấp tỉnh 1.882);"
        " cung cấp dịch vụ công trực tuyến: toàn trình 1.882 thủ tục.",
    ),
    (
        catalogue(0),
        "Hệ thống chưa có Danh mục thủ tục hành chính có hiệu lực tại ngày 31 tháng 12 năm 2020; số thủ"
        " tục hành chính đang áp dụng chưa được tổng hợp.",
    ),
    (
        catalogue(1_882, undated=1_882),
        "Danh mục thủ tục hành chính trên hệ thống chưa ghi ngày có hiệu lực của 1.882 thủ tục nên chưa"
        " xác định được số thủ tục hành chính đang áp dụng tại ngày 31 tháng 12 năm 2020.",
    ),
    (
        catalogue(1_883, undated=1),
        "Danh mục thủ tục hành chính trên hệ thống chưa ghi ngày có hiệu lực của 1 thủ tục nên chưa"
        " xác định được số thủ tục hành chính đang áp dụng tại ngày 31 tháng 12 năm 2020.",
    ),
]


@pytest.mark.parametrize(("found", "sentence"), SENTENCES)
def test_the_catalogue_sentence_states_a_figure_only_when_it_is_known(found, sentence):
    assert wording.procedures_sentence(found, CUT_OFF) == sentence


def test_a_units_report_says_the_catalogue_is_the_provinces():
    unit = IssuingUnit("UBND huyện Cô Tô", "COTO", "district_committee")
    found = catalogue(1_882)
    assert wording.procedures_sentence(found, CUT_OFF, unit) == wording.procedures_sentence(
        found, CUT_OFF
    ).replace("2020, có", "2020, toàn tỉnh có")
    assert ", toàn tỉnh có 1.882 thủ tục hành chính đang áp dụng" in wording.procedures_sentence(
        found, CUT_OFF, unit
    )


@pytest.mark.parametrize(
    ("cut_off", "levels"),
    [  # district procedures end with the districts on 30/6/2025
        (date(2025, 6, 30), (("Cấp tỉnh", 1), ("Cấp huyện", 1), ("Cấp xã", 1))),
        (date(2025, 7, 1), (("Cấp tỉnh", 1), ("Cấp huyện", 0), ("Cấp xã", 1))),
    ],
)
async def test_procedures_of_abolished_districts_are_not_counted_after_they_end(db, cut_off, levels):
    await Procedure.insert(
        *(
            Procedure(
                code=f"P-{level.value}",
                name=f"Thủ tục {level.label}",
                field="Tư pháp",
                level=level.value,
                online_level=OnlineLevel.NONE.value,
                valid_from=date(2020, 1, 1),
                valid_to=LAST_DISTRICT_DAY if level is UnitLevel.DISTRICT else None,
            )
            for level in UnitLevel
        )
    )
    catalogue = await collect_procedures(cut_off)
    assert catalogue.by_level == levels
    assert ("cấp huyện" in wording.procedures_sentence(catalogue, cut_off)) == (cut_off <= LAST_DISTRICT_DAY)


def test_the_demo_catalogue_ends_every_district_procedure_with_the_districts():
    ends = {(data.level, data.valid_to) for data, _ in demo_catalogue()}
    assert ends == {
        (UnitLevel.PROVINCE.value, None),
        (UnitLevel.DISTRICT.value, LAST_DISTRICT_DAY),
        (UnitLevel.COMMUNE.value, None),
    }
