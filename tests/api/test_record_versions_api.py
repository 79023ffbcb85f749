"""ETag and If-Match on index results (PUT /api/indices/{kind}/{year}), catalogue indicators
(PUT /api/indicators/{code}) and schedules (PATCH /api/schedules/{key}), as on tasks: the ETag
is the version, a write naming a stale one is a 412 problem on ``If-Match`` and writes nothing,
one naming none applies to the latest state; who may write is decided first, as before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from models.indices.service import IndexResultData, put_index_result
from models.rounds.catalogue import IndicatorData, put_indicator
from scheduler import jobs
from tests.world import World

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Endpoint:
    """A versioned record over HTTP: how the test world gets one, where it is written (with
    value ``n``) and listed, who may write it and who may not."""

    name: str
    create: Callable[[World], Awaitable[object]]
    method: str
    url: str
    body: Callable[[int], dict]
    field: str
    listing: str
    pick: Callable[[object], dict]  # the record among those listed
    writer: str
    denied: str


def _indicator(name: str) -> dict:
    return {"name": name, "section": "I", "measure": "number", "rule": "sum", "unit_kinds": ["department"]}


ENDPOINTS = [
    Endpoint(
        "index result",
        lambda w: put_index_result(w.staff, "pci", 2024, IndexResultData(70.0)),
        "PUT",
        "/api/indices/pci/2024",
        lambda n: {"score": float(n)},
        "score",
        "/api/indices?kind=pci",
        lambda listed: listed["items"][0],
        "staff",
        "head_a",
    ),
    Endpoint(
        "indicator",
        lambda w: put_indicator(
            w.staff, IndicatorData("X1", "Số hội nghị", "I", "number", "sum", ("department",))
        ),
        "PUT",
        "/api/indicators/X1",
        lambda n: _indicator(f"Chỉ tiêu {n}"),
        "name",
        "/api/indicators",
        lambda listed: next(item for item in listed["items"] if item["code"] == "X1"),
        "staff",
        "head_a",
    ),
    Endpoint(
        "schedule",
        lambda w: jobs.ensure_default_schedules(),
        "PATCH",
        "/api/schedules/overdue-sweep",
        lambda n: {"cron": f"{n} 6 * * *"},
        "cron",
        "/api/schedules",
        lambda listed: next(item for item in listed if item["key"] == "overdue-sweep"),
        "admin",
        "staff",
    ),
]


@pytest.fixture(params=ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
async def endpoint(request, client, world) -> Endpoint:
    await request.param.create(world)
    return request.param


async def _write(client, endpoint: Endpoint, role_headers: dict, n: int, if_match: str | None = None):
    extra = {} if if_match is None else {"If-Match": if_match.encode()}  # "²" is not ASCII
    return await client.request(
        endpoint.method, endpoint.url, json=endpoint.body(n), headers={**role_headers, **extra}
    )


async def _listed(client, endpoint: Endpoint, headers) -> dict:
    answer = await client.get(endpoint.listing, headers=headers["admin"])
    assert answer.status_code == 200, answer.text
    return endpoint.pick(answer.json())


async def test_the_etag_is_the_version_and_a_matching_if_match_applies(client, endpoint, headers):
    assert (await _listed(client, endpoint, headers))["version"] == 1
    written = await _write(client, endpoint, headers[endpoint.writer], 5, '"1"')
    assert written.status_code == 200, written.text
    assert written.headers["etag"] == '"2"'
    assert (written.json()["version"], written.json()[endpoint.field]) == (
        2,
        endpoint.body(5)[endpoint.field],
    )
    listed = await _listed(client, endpoint, headers)
    assert (listed["version"], listed[endpoint.field]) == (2, endpoint.body(5)[endpoint.field])
    weak = await _write(client, endpoint, headers[endpoint.writer], 6, 'W/"2"')
    assert (weak.status_code, weak.headers["etag"]) == (200, '"3"')


@pytest.mark.parametrize(
    "if_match",
    ['"1"', '"3"', '"-2"', "banana", '"²"'],  # older, newer, and values naming no version
)
async def test_a_stale_if_match_is_a_412_naming_it_and_writes_nothing(client, endpoint, headers, if_match):
    applied = await _write(client, endpoint, headers[endpoint.writer], 7)  # no If-Match: applied
    assert (applied.status_code, applied.headers["etag"]) == (200, '"2"')
    refused = await _write(client, endpoint, headers[endpoint.writer], 8, if_match)
    assert refused.status_code == 412, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in refused.json()["errors"]] == ["If-Match"]
    assert refused.json()["errors"][0]["message"]
    listed = await _listed(client, endpoint, headers)
    assert (listed["version"], listed[endpoint.field]) == (2, endpoint.body(7)[endpoint.field])


async def test_who_may_write_is_decided_before_the_version(client, endpoint, headers):
    for if_match in (None, '"1"', '"9"', "banana"):
        denied = await _write(client, endpoint, headers[endpoint.denied], 9, if_match)
        assert denied.status_code == 403, (if_match, denied.text)
        anonymous = await client.request(
            endpoint.method, endpoint.url, json=endpoint.body(9), headers={"If-Match": '"1"'}
        )
        assert anonymous.status_code == 401
    listed = await _listed(client, endpoint, headers)
    assert listed["version"] == 1 and listed[endpoint.field] != endpoint.body(9)[endpoint.field]


async def test_an_index_result_read_carries_its_etag(client, world, headers):
    await put_index_result(world.staff, "pci", 2024, IndexResultData(70.0))
    read = await client.get("/api/indices/pci/2024", headers=headers["viewer"])
    assert (read.status_code, read.headers["etag"], read.json()["version"]) == (200, '"1"', 1)
    replaced = await client.put(
        "/api/indices/pci/2024",
        json={"score": 71.0},
        headers={**headers["staff"], "If-Match": read.headers["etag"]},
    )
    assert replaced.headers["etag"] == '"2"'
    again = await client.get("/api/indices/pci/2024", headers=headers["viewer"])
    assert again.headers["etag"] == '"2"' and again.json() == replaced.json()


@pytest.mark.parametrize(
    ("url", "body", "created"),
    [
        ("/api/indices/sipas/2024", {"score": 90.12}, 200),
        ("/api/indicators/NEW-09", _indicator("Chỉ tiêu mới"), 201),
    ],
)
async def test_an_if_match_on_a_put_that_would_create_is_a_412(client, world, headers, url, body, created):
    """No current version matches an If-Match (RFC 9110 13.1.1); ``*`` is no condition here."""
    refused = await client.put(url, json=body, headers={**headers["staff"], "If-Match": '"1"'})
    assert refused.status_code == 412, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["If-Match"]
    assert (await client.get("/api/indices/sipas/2024", headers=headers["viewer"])).status_code == 404
    listed = (await client.get("/api/indicators", headers=headers["viewer"])).json()["items"]
    assert not any(item["code"] == "NEW-09" for item in listed)
    made = await client.put(url, json=body, headers={**headers["staff"], "If-Match": "*"})
    assert (made.status_code, made.headers["etag"], made.json()["version"]) == (created, '"1"', 1)
