"""A small province built through the domain functions, shared by model and API tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from models.accounts.service import AccountData, create_account_unchecked
from models.permissions import Principal
from models.plans.plans import PlanData, create_plan_unchecked
from models.plans.tasks import TaskDefinition, create_task_unchecked
from models.units.service import UnitData, create_unit_unchecked
from models.vocabulary import Role

PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class World:
    province_id: int
    unit_a: int
    unit_b: int
    plan_id: int
    task_a: int  # led by unit A
    task_b: int  # led by unit B
    admin: Principal
    staff: Principal
    head_a: Principal
    head_b: Principal
    viewer: Principal


async def make_account(username: str, role: Role, unit_id: int | None = None) -> Principal:
    row = await create_account_unchecked(
        AccountData(username, username.title(), role.value, unit_id, PASSWORD)
    )
    return Principal(account_id=row["id"], username=username, role=role, unit_id=unit_id)


async def build_world(now: datetime | None = None) -> World:
    now = now or datetime(2024, 1, 5, 3, 0, tzinfo=UTC)
    province = await create_unit_unchecked(
        UnitData("UBND", "Ủy ban nhân dân tỉnh", "provincial_committee", "province")
    )
    unit_a = await create_unit_unchecked(
        UnitData("STP", "Sở Tư pháp", "department", "province", province["id"])
    )
    unit_b = await create_unit_unchecked(UnitData("SYT", "Sở Y tế", "department", "province", province["id"]))
    plan = await create_plan_unchecked(
        PlanData(2024, "Kế hoạch CCHC năm 2024", "5/KH-UBND", date(2024, 1, 3), "active")
    )
    staff = await make_account("staff", Role.HOME_AFFAIRS)
    task_a = await create_task_unchecked(
        plan["id"],
        TaskDefinition(
            "II.1",
            "institutions",
            "Rà soát văn bản quy phạm pháp luật",
            unit_a["id"],
            "Báo cáo",
            (unit_b["id"],),
            date(2024, 6, 30),
        ),
        actor=staff,
        now=now,
    )
    task_b = await create_task_unchecked(
        plan["id"],
        TaskDefinition(
            "VII.1", "digital_government", "Số hóa hồ sơ bệnh án", unit_b["id"], deadline=date(2024, 3, 31)
        ),
        actor=staff,
        now=now,
    )
    return World(
        province_id=province["id"],
        unit_a=unit_a["id"],
        unit_b=unit_b["id"],
        plan_id=plan["id"],
        task_a=task_a["id"],
        task_b=task_b["id"],
        admin=await make_account("admin", Role.ADMIN),
        staff=staff,
        head_a=await make_account("head_a", Role.UNIT_HEAD, unit_a["id"]),
        head_b=await make_account("head_b", Role.UNIT_HEAD, unit_b["id"]),
        viewer=await make_account("viewer", Role.VIEWER),
    )
