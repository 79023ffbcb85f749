"""/api/units: the hierarchy rules of models.units, as the API reports them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

IN_ITSELF = "Đơn vị cấp trên không được là chính đơn vị hoặc đơn vị trực thuộc nó."


async def test_two_units_cannot_be_put_under_each_other(client, world, headers):
    """The probe: the first move is accepted, the one closing the loop is a 422 on parent_id."""
    first = await client.patch(
        f"/api/units/{world.unit_b}", json={"parent_id": world.unit_a}, headers=headers["admin"]
    )
    assert first.status_code == 200 and first.json()["parent"] == world.unit_a
    second = await client.patch(
        f"/api/units/{world.unit_a}", json={"parent_id": world.unit_b}, headers=headers["admin"]
    )
    assert second.status_code == 422
    assert second.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["message"]) for e in second.json()["errors"]] == [("parent_id", IN_ITSELF)]
    unit_a = (await client.get(f"/api/units/{world.unit_a}", headers=headers["viewer"])).json()
    assert unit_a["parent"] == world.province_id  # nothing written


@pytest.mark.parametrize("unit", ["unit_a", "province_id"])
async def test_a_unit_is_not_its_own_parent(client, world, headers, unit):
    unit_id = getattr(world, unit)
    answer = await client.patch(
        f"/api/units/{unit_id}", json={"parent_id": unit_id}, headers=headers["admin"]
    )
    assert answer.status_code == 422
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [("parent_id", IN_ITSELF)]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "commune_committee", "level": "province"}, 422, "level"),
        ({"kind": "department", "level": "district"}, 422, "level"),
        ({"kind": "commune_committee", "level": "commune"}, 201, None),
        ({"kind": "other", "level": "district"}, 201, None),
    ],
)
async def test_a_new_units_kind_and_level_agree(client, world, headers, body, status, field):
    unit = {"code": "MOI", "name": "Đơn vị mới", "parent_id": world.province_id, **body}
    answer = await client.post("/api/units", json=unit, headers=headers["admin"])
    assert answer.status_code == status, answer.text
    if field is not None:
        assert [e["field"] for e in answer.json()["errors"]] == [field]
        listed = await client.get("/api/units", params={"q": "MOI"}, headers=headers["viewer"])
        assert listed.json()["total"] == 0  # nothing written
