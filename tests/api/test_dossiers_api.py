"""Dossiers over HTTP: the integration push with an API key, import jobs, statistics."""

from __future__ import annotations

import pytest

from core import clock
from models.accounts.service import create_api_key
from models.vocabulary import Role
from tests.dossier_data import build_catalogue, dossier, write_csv
from tests.waiting import wait_until
from tests.world import make_account

pytestmark = pytest.mark.anyio
STATS = "/api/dossiers/stats?from=2024-01-01&to=2024-12-31"


@pytest.fixture
async def catalogue(world):
    return await build_catalogue(world)


@pytest.fixture
async def integration(world):
    """The one-stop system's account and its API key header."""
    account = await make_account("motcua", Role.INTEGRATION)
    key, _ = await create_api_key(world.admin, account.account_id, "Hệ thống một cửa")
    return {"X-API-Key": key}


async def test_the_one_stop_system_pushes_with_its_api_key(client, catalogue, integration, headers):
    body = {"records": [dossier("HS-1"), {**dossier("HS-2"), "resolved_at": None, "outcome": "open"}]}
    body["records"][0]["resolved_at"] = "2024-03-10T10:00:00+07:00"
    for record in body["records"]:
        for key in ("apology_issued_on", "apology_new_due"):
            record.pop(key)
        record["cashless"] = record["cashless"] == "1"
    response = await client.post("/api/dossiers", json=body, headers=integration)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = await client.post("/api/dossiers", json=body, headers=integration)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    one = (await client.get("/api/dossiers/HS-1", headers=headers["viewer"])).json()
    assert (one["procedure_code"], one["unit_code"], one["timeliness"]) == ("1.001", "STP", "early")
    for role in ("staff", "head_a", "viewer"):
        denied = await client.post("/api/dossiers", json=body, headers=headers[role])
        assert denied.status_code == 403, role
    integration_reads_no_jobs = await client.get("/api/dossiers/imports", headers=integration)
    assert integration_reads_no_jobs.status_code == 403


async def test_a_bad_record_is_a_422_naming_its_row_and_field(client, catalogue, integration):
    good = {k: v for k, v in dossier("OK").items() if v}
    good["cashless"] = True
    bad = {**good, "code": "BAD", "unit": "NOPE"}
    response = await client.post("/api/dossiers", json={"records": [good, bad]}, headers=integration)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["row"], e["field"]) for e in problem["errors"]] == [(2, "unit")]
    wrong_type = await client.post(
        "/api/dossiers", json={"records": [{**good, "received_at": "yesterday"}]}, headers=integration
    )
    assert wrong_type.status_code == 400 and "received_at" in wrong_type.text
    assert (await client.get("/api/dossiers/OK", headers=integration)).status_code == 404


async def wait_for(client, url, headers) -> dict:
    async def ended() -> dict | None:
        job = (await client.get(url, headers=headers)).json()
        return job if job["state"] in ("done", "failed") else None

    return await wait_until(ended, f"import job {url} to end")


async def test_an_import_job_runs_in_the_background_and_reports_its_counts(
    client, catalogue, headers, tmp_path
):
    rows = [dossier(f"HS-{n}") for n in range(1, 51)]
    path = write_csv(tmp_path / "nam-2024.csv", rows)
    with path.open("rb") as handle:
        response = await client.post(
            "/api/dossiers/imports",
            files={"file": ("nam-2024.csv", handle, "text/csv")},
            headers=headers["staff"],
        )
    assert response.status_code == 202, response.text
    assert response.json()["state"] == "queued"
    job = await wait_for(client, response.headers["location"], headers["staff"])
    assert (job["state"], job["rows_done"], job["created"], job["rows_rejected"]) == ("done", 50, 50, 0)
    listed = (await client.get("/api/dossiers/imports", headers=headers["admin"])).json()
    assert listed["items"][0]["id"] == job["id"]
    stats = (await client.get(STATS + "&group_by=unit,channel", headers=headers["viewer"])).json()
    assert stats["total"]["received"] == 50 and stats["total"]["reconciles"] is True
    key = stats["groups"][0]["key"]
    assert (key["unit_code"], key["unit_name"], key["channel"]) == ("STP", "Sở Tư pháp", "online")
    assert stats["total"]["on_time_rate"] == 100.0


async def test_an_import_with_bad_rows_fails_listing_them(client, catalogue, headers, tmp_path):
    path = write_csv(tmp_path / "x.csv", [dossier("A"), dossier("B", procedure="9.9"), dossier("A")])
    with path.open("rb") as handle:
        response = await client.post(
            "/api/dossiers/imports", files={"file": ("x.csv", handle)}, headers=headers["staff"]
        )
    job = await wait_for(client, response.headers["location"], headers["staff"])
    assert job["state"] == "failed"
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, "procedure"), (4, "code")]
    for role in ("head_a", "viewer"):
        with path.open("rb") as handle:
            denied = await client.post(
                "/api/dossiers/imports", files={"file": ("x.csv", handle)}, headers=headers[role]
            )
        assert denied.status_code == 403


async def test_stats_parameters_are_checked(client, world, headers):
    missing = await client.get("/api/dossiers/stats?from=2024-01-01", headers=headers["viewer"])
    assert missing.status_code == 400
    assert [error["field"] for error in missing.json()["errors"]] == ["to"]  # named, not "body"
    reversed_period = await client.get(
        "/api/dossiers/stats?from=2024-02-01&to=2024-01-01", headers=headers["viewer"]
    )
    assert reversed_period.status_code == 422 and reversed_period.json()["errors"][0]["field"] == "to"
    bad_group = await client.get(STATS + "&group_by=colour", headers=headers["viewer"])
    assert bad_group.status_code == 422 and bad_group.json()["errors"][0]["field"] == "group_by"
    late = await client.get(
        "/api/dossiers/late-without-apology?from=2024-01-01&to=2024-12-31", headers=headers["viewer"]
    )
    assert late.status_code == 200 and late.json()["total"] == 0
    ahead = await client.get("/api/dossiers/stats?from=2999-01-01&to=2999-12-31", headers=headers["viewer"])
    assert ahead.status_code == 422 and ahead.json()["errors"][0]["field"] == "from"
    this_year = clock.today().year
    running = await client.get(
        f"/api/dossiers/stats?from={this_year}-01-01&to={this_year}-12-31", headers=headers["viewer"]
    )
    assert running.json()["to"] <= clock.today().isoformat()  # judged until today at the latest


async def test_a_pushed_dossier_received_or_resolved_in_the_future_is_a_422_naming_the_column(
    client, catalogue, integration
):
    good = {k: v for k, v in dossier("NOW").items() if v} | {"cashless": True}
    records = [
        good,
        {
            **good,
            "code": "AHEAD",
            "received_at": "2099-01-01T08:00:00+07:00",
            "due_at": "2099-01-15T17:00:00+07:00",
            "outcome": "open",
            "resolved_at": None,
        },
        {**good, "code": "DONE-AHEAD", "resolved_at": "2099-01-01T08:00:00+07:00"},
    ]
    response = await client.post("/api/dossiers", json={"records": records}, headers=integration)
    assert response.status_code == 422, response.text
    assert [(e["row"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        (2, "received_at", "Thời điểm tiếp nhận ở tương lai."),
        (3, "resolved_at", "Thời điểm trả kết quả ở tương lai."),
    ]
    assert (await client.get("/api/dossiers/NOW", headers=integration)).status_code == 404  # all or none
