"""A reporting round over the test world (tests/world.py): the default catalogue, a commune
besides the two departments, a reporter for unit A, and the 2024 half-year round open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.permissions import Principal
from models.rounds.catalogue import load_default_catalogue
from models.rounds.rounds import RoundData, RoundPeriod, open_round
from models.units.service import UnitData, create_unit_unchecked
from models.vocabulary import Role
from tests.world import World, make_account

PERIOD = RoundPeriod("2024-H1", "6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30))
DEADLINE = date(2024, 6, 25)
# The indicator catalogue file's header row, as people's files carry it.
CATALOGUE_HEADER = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Mục báo cáo",
    "Đơn vị tính",
    "Loại đơn vị báo cáo",
    "Cách tổng hợp",
]


@dataclass(frozen=True)
class RoundWorld:
    round_id: int
    commune: int
    reporter_a: Principal
    head_c: Principal


async def open_test_round(
    world: World, period: RoundPeriod = PERIOD, deadline: date = DEADLINE, also_asked: tuple[int, ...] = ()
) -> RoundWorld:
    """The round over units A and B, the commune and ``also_asked``."""
    await load_default_catalogue()
    commune = await create_unit_unchecked(
        UnitData("XHA", "Xã Hải Hà", "commune_committee", "commune", world.province_id)
    )
    reporter = await make_account("reporter_a", Role.REPORTER, world.unit_a)
    head_c = await make_account("head_c", Role.UNIT_HEAD, commune["id"])
    opened = await open_round(
        world.staff,
        RoundData(period, deadline, unit_ids=(world.unit_a, world.unit_b, commune["id"], *also_asked)),
    )
    return RoundWorld(opened["id"], commune["id"], reporter, head_c)
