"""GET /api/service-index and its trend, drill-down and XLSX export: every role reads, nobody
signed out does, bad input is a 4xx naming the field."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from models.dossiers.ingest import ingest_records
from models.units.service import UnitData, create_unit_unchecked
from tests.dossier_data import build_catalogue
from tests.models.test_service_index import SAMPLE

pytestmark = pytest.mark.anyio
ROLES = ("admin", "staff", "head_a", "head_b", "viewer")
ENDPOINTS = (
    "/api/service-index?period=2024-03&group_by=unit",
    "/api/service-index/trend?period=2024-Q1",
    "/api/service-index/dossiers?period=2024-03&indicator=on_time",
    "/api/service-index/export?period=2024-03",
)


@pytest.fixture
async def sample(world):
    await build_catalogue(world)
    await ingest_records(world.admin, [{k: v or None for k, v in row.items()} for row in SAMPLE])


async def test_every_role_reads_and_nobody_signed_out_does(client, sample, headers):
    for url in ENDPOINTS:
        assert (await client.get(url)).status_code == 401, url
        for role in ROLES:
            assert (await client.get(url, headers=headers[role])).status_code == 200, (url, role)


async def test_the_ranking(client, sample, headers):
    body = (await client.get(ENDPOINTS[0], headers=headers["viewer"])).json()
    assert (body["period"], body["label"], body["from"], body["to"]) == (
        "2024-03",
        "tháng 3 năm 2024",
        "2024-03-01",
        "2024-03-31",
    )
    assert body["previous_period"] == "2024-02"
    indicators = {i["key"]: i for i in body["total"]["indicators"]}
    assert indicators["on_time"]["numerator"] == 3 and indicators["on_time"]["denominator"] == 7
    assert (
        indicators["online_submission"]["full_marks_at"] == 50
        and indicators["online_submission"]["full_marks"]
    )
    assert [(g["rank"], g["key"]["unit_code"]) for g in body["groups"]] == [(1, "STP"), (2, "SYT")]
    syt = {i["key"]: i for i in body["groups"][1]["figures"]["indicators"]}
    assert (syt["reused_data"]["status"], syt["reused_data"]["ratio"]) == ("no_data", None)
    by_procedure = (
        await client.get("/api/service-index?period=2024-03&group_by=procedure", headers=headers["viewer"])
    ).json()
    assert [g["key"]["procedure_code"] for g in by_procedure["groups"]] == ["1.001"]


async def test_drill_down_and_trend(client, sample, headers, world):
    url = f"/api/service-index/dossiers?period=2024-03&indicator=on_time&unit_id={world.unit_b}&limit=1"
    body = (await client.get(url, headers=headers["viewer"])).json()
    assert (body["total"], len(body["items"]), body["items"][0]["unit_code"]) == (2, 1, "SYT")
    await create_unit_unchecked(UnitData("BVT", "Bệnh viện tỉnh", "other", "province", world.unit_b))
    opened = {
        "received_at": "2024-03-20T09:00:00+07:00",
        "due_at": "2024-03-25T09:00:00+07:00",
        "outcome": "open",
    }
    await ingest_records(
        world.admin, [{"code": "H1", "procedure": "1.001", "unit": "BVT", "channel": "online", **opened}]
    )
    for scope, expected in (("", {"A6", "A7"}), ("&with_children=true", {"A6", "A7", "H1"})):
        body = (await client.get(url.replace("&limit=1", scope), headers=headers["viewer"])).json()
        assert (body["total"], {item["code"] for item in body["items"]}) == (len(expected), expected)
    trend = (await client.get(ENDPOINTS[1], headers=headers["viewer"])).json()
    assert [month["period"] for month in trend] == ["2024-01", "2024-02", "2024-03"]


async def test_export_is_the_published_table(client, sample, headers):
    response = await client.get(ENDPOINTS[3], headers=headers["viewer"])
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bo-chi-so-phuc-vu-2024-03.xlsx"' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Tháng 3 năm 2024"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Bộ chỉ số phục vụ người dân, doanh nghiệp — Tháng 3 năm 2024: toàn tỉnh"
    header, table = rows[1], rows[2:]
    assert header[:4] == ("Xếp hạng", "Đơn vị", "Điểm (% điểm tối đa)", "Tăng, giảm so với kỳ trước")
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    assert [row[1] for row in table] == ["Sở Tư pháp", "Sở Y tế", "Toàn tỉnh"]
    reused = header.index("Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa (%)")
    assert table[1][reused] == "Không có dữ liệu"
    assert table[2][header.index("Hồ sơ tiếp nhận")] == 7
    # the score, its change and each ratio with two decimals, as on the page
    on_time = header.index("Tỷ lệ hồ sơ giải quyết đúng hạn (%)")
    assert {sheet.cell(3, column + 1).number_format for column in (2, 3, on_time)} == {"0.00"}


async def test_a_quarters_export_names_it_in_words(client, sample, headers):
    """The key stays in the API's period fields and the file's name; the label, the sheet and the
    heading name the quarter in words, in Roman numerals."""
    body = (await client.get("/api/service-index?period=2024-Q1", headers=headers["viewer"])).json()
    assert (body["period"], body["previous_period"], body["label"]) == (
        "2024-Q1",
        "2023-Q4",
        "quý I năm 2024",
    )
    response = await client.get("/api/service-index/export?period=2024-Q1", headers=headers["viewer"])
    assert 'filename="bo-chi-so-phuc-vu-2024-Q1.xlsx"' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Quý I năm 2024"
    assert sheet.cell(1, 1).value == "Bộ chỉ số phục vụ người dân, doanh nghiệp — Quý I năm 2024: toàn tỉnh"


@pytest.mark.parametrize(
    ("code", "filename", "sheet_title"),
    [
        ("BVT", "bo-chi-so-phuc-vu-bvt-2024-03.xlsx", "Tháng 3 năm 2024 BVT"),
        # a code with diacritics and characters a file or a sheet cannot have
        ("BV/Đa khoa:1", "bo-chi-so-phuc-vu-bv-da-khoa-1-2024-03.xlsx", "Tháng 3 năm 2024 BV-Đa khoa-1"),
        # a long code: the sheet's name stops at Excel's 31 characters
        (
            "BVĐK-TỈNH-QN-2024",
            "bo-chi-so-phuc-vu-bvdk-tinh-qn-2024-2024-03.xlsx",
            "Tháng 3 năm 2024 BVĐK-TỈNH-QN-2",
        ),
    ],
)
async def test_a_units_export_names_the_unit_and_the_period(
    client, sample, headers, world, code, filename, sheet_title
):
    unit = await create_unit_unchecked(
        UnitData(code, "Bệnh viện tỉnh", "other", "province", parent_id=world.unit_b)
    )
    response = await client.get(
        f"/api/service-index/export?period=2024-03&unit_id={unit['id']}", headers=headers["viewer"]
    )
    assert response.status_code == 200, response.text
    assert f'filename="{filename}"' in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == sheet_title and len(sheet.title) <= 31
    heading = sheet.cell(1, 1).value
    # No unit is under the hospital: its figures are its own, and the heading says no more.
    assert heading == "Bộ chỉ số phục vụ người dân, doanh nghiệp — Tháng 3 năm 2024: Bệnh viện tỉnh"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/service-index?period=2024-13", "period"),
        ("/api/service-index?period=2024-H1", "period"),
        ("/api/service-index?period=2024&group_by=colour", "group_by"),
        ("/api/service-index?period=2024&unit_id=999999", "unit_id"),
        ("/api/service-index/trend?period=x", "period"),
        ("/api/service-index/dossiers?period=2024&indicator=procedures_online", "indicator"),
        ("/api/service-index/dossiers?period=2024&indicator=on_time&unit_id=999999", "unit_id"),
        ("/api/service-index/dossiers?period=2024&indicator=on_time&with_children=maybe", "with_children"),
        ("/api/service-index/export?period=", "period"),
    ],
)
async def test_bad_input_is_a_4xx_naming_the_field(client, sample, headers, url, field):
    response = await client.get(url, headers=headers["viewer"])
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in {error["field"] for error in response.json()["errors"]}, response.json()


async def test_missing_period_and_bad_paging_are_400(client, sample, headers):
    for url in ("/api/service-index", "/api/service-index/dossiers?period=2024&indicator=on_time&limit=0"):
        response = await client.get(url, headers=headers["viewer"])
        assert response.status_code == 400, response.text
    missing = await client.get("/api/service-index", headers=headers["viewer"])
    assert [error["field"] for error in missing.json()["errors"]] == ["period"]
