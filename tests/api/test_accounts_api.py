"""/api/users: the account rules of models.accounts, as the API reports them."""

from __future__ import annotations

from datetime import date

import pytest

from models.units.service import update_unit
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio

CLOSED = "Đơn vị này đã ngừng hoạt động từ ngày 01/07/2025; hãy chọn một đơn vị đang hoạt động."


@pytest.mark.parametrize("how", ["create", "move"])
async def test_an_account_is_not_put_in_a_closed_unit(client, world, headers, how):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 6, 30)})
    if how == "create":
        body = {"username": "moi", "full_name": "Mới", "role": "unit_head", "unit_id": world.unit_b}
        answer = await client.post(
            "/api/users", json={**body, "password": PASSWORD}, headers=headers["admin"]
        )
    else:
        answer = await client.patch(
            f"/api/users/{world.head_a.account_id}", json={"unit_id": world.unit_b}, headers=headers["admin"]
        )
    assert answer.status_code == 422
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [("unit_id", CLOSED)]
    head_a = (await client.get(f"/api/users/{world.head_a.account_id}", headers=headers["admin"])).json()
    assert head_a["unit"] == world.unit_a
    listed = (await client.get("/api/users?q=moi", headers=headers["admin"])).json()
    assert listed["total"] == 0  # nothing written


async def test_an_account_in_a_closed_unit_keeps_it_through_other_changes(client, world, headers):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 6, 30)})
    changed = await client.patch(
        f"/api/users/{world.head_b.account_id}",
        json={"role": "reporter", "unit_id": world.unit_b},
        headers=headers["admin"],
    )
    assert changed.status_code == 200
    assert (changed.json()["role"], changed.json()["unit"]) == ("reporter", world.unit_b)


@pytest.mark.parametrize("how", ["create", "change"])
@pytest.mark.parametrize("full_name", ["   ", "\u200b"])
async def test_a_blank_full_name_is_a_422_on_full_name(client, world, headers, how, full_name):
    if how == "create":
        body = {"username": "moi", "full_name": full_name, "role": "viewer", "password": PASSWORD}
        answer = await client.post("/api/users", json=body, headers=headers["admin"])
    else:
        answer = await client.patch(
            f"/api/users/{world.viewer.account_id}", json={"full_name": full_name}, headers=headers["admin"]
        )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [("full_name", "Nhập họ và tên.")]
    assert (await client.get("/api/users?q=moi", headers=headers["admin"])).json()["total"] == 0
    viewer = (await client.get(f"/api/users/{world.viewer.account_id}", headers=headers["admin"])).json()
    assert viewer["full_name"] == "Viewer"  # nothing written
