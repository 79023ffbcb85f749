"""The demo province's 2020 procedure catalogue: the seed article's counts, loaded once."""

from __future__ import annotations

import re
from datetime import date

import pytest

from demo.loader import load_demo
from demo.procedures import CATALOGUE_TOTAL, demo_catalogue
from models.procedures.service import ProcedureFilter, procedure_counts
from models.procedures.tables import Procedure

pytestmark = pytest.mark.anyio


def test_catalogue_is_deterministic_and_adds_up():
    first, second = demo_catalogue(), demo_catalogue()
    assert first == second
    assert len(first) == CATALOGUE_TOTAL == 1882
    assert len({data.code for data, _ in first}) == 1882


async def test_demo_loads_the_2020_catalogue_once(db):
    created = await load_demo()
    assert created["procedures"] == 1882
    counts = await procedure_counts(ProcedureFilter())
    # The article's parts (1.488 + 283 + 112) make 1.883: the total is kept, commune has 111.
    assert counts == {
        "total": 1882,
        "by_level": {"province": 1488, "district": 283, "commune": 111},
        "by_online_level": {"full": 680, "partial": 931, "none": 271},
    }
    assert (await procedure_counts(ProcedureFilter(active_on=date(2020, 6, 30))))["total"] == 1882
    assert (await procedure_counts(ProcedureFilter(active_on=date(2019, 12, 31))))["total"] == 0

    assert (await load_demo())["procedures"] == 0
    assert await Procedure.count() == 1882

    rows = await Procedure.select(
        Procedure.code,
        Procedure.name,
        Procedure.field,
        Procedure.level,
        Procedure.processing_days,
        Procedure.valid_from,
        Procedure.valid_to,
        Procedure.search_text,
        Procedure.handling_unit.level.as_alias("unit_level"),
        Procedure.handling_unit.kind.as_alias("unit_kind"),
    )
    assert all(re.fullmatch(r"QN-[A-Z]{2}-\d{4}", row["code"]) for row in rows)
    assert all(1 <= row["processing_days"] <= 30 for row in rows)
    # The district procedures end with the districts (30/06/2025); the others are in force.
    assert {(row["level"], row["valid_from"], row["valid_to"]) for row in rows} == {
        ("province", date(2020, 1, 1), None),
        ("district", date(2020, 1, 1), date(2025, 6, 30)),
        ("commune", date(2020, 1, 1), None),
    }
    assert all(row["name"] and row["search_text"] for row in rows)
    province = [row for row in rows if row["level"] == "province"]
    assert {(row["unit_level"], row["unit_kind"]) for row in province} == {("province", "department")}
    local = [row for row in rows if row["level"] != "province"]
    assert {row["unit_level"] for row in local} == {None}  # each district / commune
    fields = {row["field"] for row in rows}
    assert {"Đất đai", "Xây dựng", "Hộ tịch", "Y tế", "Lao động – Thương binh và Xã hội"} <= fields
    commune_names = {row["name"] for row in rows if row["level"] == "commune"}
    assert {"Đăng ký khai sinh", "Đăng ký kết hôn", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"} <= (
        commune_names
    )
