"""Index scores: put/get with the change on the year before, validation, list filters, weak
components, the scores file (errors by row, nothing written) and the demo figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.paging import PageRequest
from demo.loader import load_demo
from models.indices.service import (
    FILE_COLUMNS,
    ComponentData,
    IndexFilter,
    IndexResultData,
    get_index_result,
    import_index_results,
    list_index_results,
    put_index_result,
    weak_components,
)
from models.indices.tables import IndexComponent, IndexResult
from tests.world import build_world

pytestmark = pytest.mark.anyio

HEADER = [label for _, label in FILE_COLUMNS]
PAR_2024 = IndexResultData(
    91.49,
    rank=4,
    out_of=63,
    components=(
        ComponentData("Giải ngân kế hoạch vốn đầu tư ngân sách nhà nước", 0.83, 1),
        ComponentData("Phát triển các nền tảng, cơ sở dữ liệu", 2.87, 3.5),
        ComponentData("Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức", 2.57, 7),
    ),
)
# Chỉ số, Năm, Tiêu chí thành phần, Điểm, Điểm tối đa, Xếp hạng, Tổng số, Mục tiêu, Ghi chú
ROWS = [
    ["PAR INDEX", "2023", "", "92,18", "100", "2", "63", "", ""],
    ["PAR INDEX", "2024", "", "91,49", "", "4", "63", "", "Giảm so với năm 2023"],
    ["PAR INDEX", "2024", "Giải ngân kế hoạch vốn đầu tư ngân sách nhà nước", "0,83", "1", "", "", "", ""],
    [
        "PAR INDEX",
        "2024",
        "Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức",
        "2,57",
        "7",
        "",
        "",
        "",
        "",
    ],
    ["Chỉ số hài lòng (SIPAS)", "2024", "", "90,12%", "", "4", "63", "85", ""],
    ["papi", "2024", "", "47.82", "80", "1", "63", "", ""],
    ["PAPI", "2024", "Quản trị điện tử", "3,94", "10", "", "", "", ""],
]


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def xlsx_file(rows: list[list]) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
async def world(db):
    return await build_world()


async def test_put_and_get_compute_the_change_on_the_year_before(world):
    await put_index_result(world.staff, "par_index", 2023, IndexResultData(92.18, rank=2, out_of=63))
    result = await put_index_result(world.staff, "par_index", 2024, PAR_2024)
    assert result["score_change"] == -0.69 and result["rank_change"] == -2
    assert result["previous"] == {"year": 2023, "score": 92.18, "rank": 2, "out_of": 63}
    assert result["scale"] == 100 and result["kind_label"] == "Chỉ số cải cách hành chính (PAR INDEX)"
    assert result["label"] == "91,49 điểm, xếp thứ 4/63, giảm 0,69 điểm so với năm 2023"
    assert [(c["position"], c["score"], c["max_score"], c["ratio"]) for c in result["components"]] == [
        (1, 0.83, 1, 0.83),
        (2, 2.87, 3.5, 0.82),
        (3, 2.57, 7, 0.3671),
    ]
    assert result["updated_by"] == world.staff.account_id
    assert await get_index_result("par_index", 2024) == result
    first = await get_index_result("par_index", 2023)
    assert first["previous"] is None and first["score_change"] is None and first["rank_change"] is None
    assert first["label"] == "92,18 điểm, xếp thứ 2/63"

    sipas = await put_index_result(world.staff, "sipas", 2024, IndexResultData(90.12, target=85))
    assert sipas["target_met"] is True and sipas["rank"] is None and sipas["label"] == "90,12%"
    papi = await put_index_result(world.admin, "papi", 2024, IndexResultData(47.82, rank=1, out_of=63))
    assert papi["scale"] == 80  # 8 dimensions of 10 points


async def test_a_put_replaces_the_year_whole_and_a_gap_year_has_no_change(world):
    await put_index_result(world.staff, "sipas", 2022, IndexResultData(87.59, rank=1, out_of=63))
    await put_index_result(world.staff, "par_index", 2024, PAR_2024)
    replaced = await put_index_result(
        world.admin,
        "par_index",
        2024,
        IndexResultData(91.5, note="Đã phúc khảo", components=(ComponentData("Tiêu chí mới", 1, 2),)),
    )
    assert replaced["rank"] is None and replaced["note"] == "Đã phúc khảo"
    assert [c["name"] for c in replaced["components"]] == ["Tiêu chí mới"]
    assert replaced["updated_by"] == world.admin.account_id
    assert await IndexResult.count() == 2 and await IndexComponent.count() == 1
    # 2024 against 2023, never against an older year: no SIPAS 2023, no change.
    sipas = await put_index_result(world.staff, "sipas", 2024, IndexResultData(90.12, rank=4, out_of=63))
    assert sipas["previous"] is None and sipas["score_change"] is None


async def test_invalid_results_name_every_field_and_write_nothing(world):
    with pytest.raises(InvalidInput) as error:
        await put_index_result(
            world.staff,
            "par_index",
            2024,
            IndexResultData(
                101,
                rank=64,
                out_of=63,
                target=120,
                components=(
                    ComponentData("Tiêu chí A", 1.2, 1),
                    ComponentData("Tiêu chí B", -0.5, 2),
                    ComponentData("tieu chi a", 0.5, 1),
                    ComponentData("", 1, 0),
                    ComponentData("Tiêu chí C", 1, 150),
                ),
            ),
        )
    assert {e.field for e in error.value.errors} == {
        "score",
        "rank",
        "target",
        "components[0].score",
        "components[1].score",
        "components[2].name",
        "components[3].name",
        "components[3].max_score",
        "components[4].max_score",
    }
    assert all(e.message for e in error.value.errors)
    cases = [
        ("pci", 2024, IndexResultData(-1), {"score"}),
        ("pci", 2024, IndexResultData(50, rank=3), {"out_of"}),
        ("pci", 2024, IndexResultData(50, rank=0, out_of=0), {"rank", "out_of"}),
        ("pci", 2024, IndexResultData(50, scale=0), {"scale"}),
        ("pci", 2024, IndexResultData(float("nan")), {"score"}),
        ("hdi", 1999, IndexResultData(50), {"kind", "year"}),
        ("sipas", 2101, IndexResultData(50), {"year"}),
    ]
    for kind, year, data, fields in cases:
        with pytest.raises(InvalidInput) as error:
            await put_index_result(world.staff, kind, year, data)
        assert {e.field for e in error.value.errors} == fields, (kind, year, data)
    assert await IndexResult.count() == 0 and await IndexComponent.count() == 0


async def test_only_home_affairs_and_admin_enter_scores(world):
    for actor in (world.viewer, world.head_a):
        with pytest.raises(PermissionDenied):
            await put_index_result(actor, "pci", 2024, IndexResultData(70))
        with pytest.raises(PermissionDenied):
            await import_index_results(actor, "chi-so.csv", csv_file(ROWS))
    assert await IndexResult.count() == 0


async def test_get_missing_or_unknown(world):
    with pytest.raises(NotFound):
        await get_index_result("pci", 2024)
    with pytest.raises(InvalidInput) as error:
        await get_index_result("gdp", 2024)
    assert error.value.errors[0].field == "kind"


async def test_list_filters_and_changes_from_outside_the_range(world):
    for year, score in ((2022, 90.1), (2023, 92.18), (2024, 91.49)):
        await put_index_result(world.staff, "par_index", year, IndexResultData(score, rank=1, out_of=63))
    await put_index_result(world.staff, "sipas", 2024, IndexResultData(90.12))
    rows, total = await list_index_results(IndexFilter(), PageRequest())
    assert total == 4 and [(r["kind"], r["year"]) for r in rows] == [
        ("par_index", 2022),
        ("par_index", 2023),
        ("par_index", 2024),
        ("sipas", 2024),
    ]
    rows, total = await list_index_results(
        IndexFilter(kind="par_index", year_from=2024, year_to=2024), PageRequest()
    )
    assert total == 1 and rows[0]["score_change"] == -0.69  # against 2023, outside the range
    rows, total = await list_index_results(IndexFilter(year_to=2023), PageRequest(sort="-year"))
    assert total == 2 and [r["year"] for r in rows] == [2023, 2022]
    assert rows[0]["score_change"] == 2.08
    rows, _ = await list_index_results(IndexFilter(), PageRequest(limit=1, offset=1, sort="-score"))
    assert rows[0]["score"] == 91.49
    with pytest.raises(InvalidInput):
        await list_index_results(IndexFilter(kind="gdp"), PageRequest())


async def test_weak_components_lowest_ratio_first(world):
    await put_index_result(world.staff, "par_index", 2024, PAR_2024)
    weak = await weak_components("par_index", 2024, limit=2)
    assert [(c["name"], c["ratio"]) for c in weak] == [
        ("Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức", 0.3671),
        ("Phát triển các nền tảng, cơ sở dữ liệu", 0.82),
    ]
    assert await weak_components("par_index", 2024, limit=0) == []


async def test_import_creates_then_leaves_unchanged_then_replaces(world):
    assert await import_index_results(world.staff, "chi-so.csv", csv_file(ROWS)) == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
    }
    par = await get_index_result("par_index", 2024)
    assert par["score_change"] == -0.69 and par["note"] == "Giảm so với năm 2023"
    assert [c["max_score"] for c in par["components"]] == [1, 7]
    sipas = await get_index_result("sipas", 2024)
    assert (sipas["score"], sipas["target"], sipas["rank"]) == (90.12, 85, 4)
    stamp = par["updated_at"]
    again = await import_index_results(world.staff, "chi-so.xlsx", xlsx_file(ROWS))
    assert again == {"created": 0, "updated": 0, "unchanged": 4}
    assert (await get_index_result("par_index", 2024))["updated_at"] == stamp
    changed = [*ROWS[:3], *ROWS[4:]]  # one PAR component fewer
    assert await import_index_results(world.staff, "chi-so.csv", csv_file(changed)) == {
        "created": 0,
        "updated": 1,
        "unchanged": 3,
    }
    assert len((await get_index_result("par_index", 2024))["components"]) == 1


async def test_import_lists_errors_by_row_and_writes_nothing(world):
    await put_index_result(world.staff, "pci", 2023, IndexResultData(70))
    bad = [
        ["PAR INDEX", "2024", "", "101", "", "64", "63", "", ""],  # 2: score, rank
        ["PAR INDEX", "2024", "Tiêu chí A", "3", "2", "", "", "", ""],  # 3: score above max
        ["PAR INDEX", "2024", "Tiêu chí A", "1", "2", "", "", "", ""],  # 4: duplicate of 3
        ["GDP", "1999", "", "abc", "", "", "", "", ""],  # 5: kind, year, score
        ["SIPAS", "2024", "Thủ tục hành chính", "98", "100", "", "", "", ""],  # 6: no SIPAS 2024 row
        ["PCI", "2023", "", "-5", "", "", "", "", ""],  # 7: negative
        ["PCI", "2023", "", "75", "", "", "", "", ""],  # 8: duplicate of 7
        ["PAPI", "2024", "Quản trị điện tử", "3,94", "", "", "", "", ""],  # 9: max missing
        ["PAPI", "2024", "Quản trị môi trường", "4,03", "10", "", "", "85", ""],  # 10: target here
    ]
    with pytest.raises(InvalidInput) as error:
        await import_index_results(world.staff, "chi-so.csv", csv_file(bad))
    found = {(e.row, e.field) for e in error.value.errors}
    assert found == {
        (2, "Điểm"),
        (2, "Xếp hạng"),
        (3, "Điểm"),
        (4, "Tiêu chí thành phần"),
        (5, "Chỉ số"),
        (5, "Năm"),
        (5, "Điểm"),
        (6, "Tiêu chí thành phần"),
        (7, "Điểm"),
        (8, "Chỉ số"),
        (9, "Điểm tối đa"),
        (10, "Mục tiêu"),
    }
    assert [e.row for e in error.value.errors] == sorted(e.row for e in error.value.errors)
    assert "nothing was imported" in error.value.detail
    assert await IndexResult.count() == 1 and (await get_index_result("pci", 2023))["score"] == 70

    good_then_bad = [
        *ROWS,
        ["PCI", "2023", "", "75", "", "", "", "", ""],
        ["PCI", "2023", "X", "1", "0", "", "", "", ""],
    ]
    with pytest.raises(InvalidInput) as error:
        await import_index_results(world.staff, "chi-so.csv", csv_file(good_then_bad))
    assert {(e.row, e.field) for e in error.value.errors} == {(10, "Điểm tối đa")}
    assert await IndexResult.count() == 1 and (await get_index_result("pci", 2023))["rank"] is None

    with pytest.raises(InvalidInput) as error:
        await import_index_results(world.staff, "chi-so.csv", "Chỉ số,Điểm\nPCI,70\n".encode())
    assert error.value.errors[0].field == "Năm" and error.value.errors[0].row == 1


async def test_demo_holds_the_seed_figures_and_loads_once(db):
    created = await load_demo()
    assert created["indices"] == 9
    assert (await load_demo())["indices"] == 0
    par = await get_index_result("par_index", 2024)
    assert (par["score"], par["rank"], par["out_of"], par["score_change"]) == (91.49, 4, 63, -0.69)
    assert [(c["score"], c["max_score"]) for c in par["components"]] == [
        (0.83, 1),
        (0.77, 1),
        (2.87, 3.5),
        (2.57, 7),
    ]
    assert (await weak_components("par_index", 2024, limit=1))[0]["max_score"] == 7
    assert (await get_index_result("par_index", 2022))["rank"] == 1
    sipas = await get_index_result("sipas", 2024)
    # No target: the 85% of BRIEF.md is Quảng Bình's, not the demo province's.
    assert (sipas["score"], sipas["rank"], sipas["score_change"], sipas["target"]) == (90.12, 4, -0.49, None)
    assert sipas["target_met"] is None
    sipas_2020 = await get_index_result("sipas", 2020)
    assert sipas_2020["score_change"] == 0.5 and sipas_2020["rank"] == 1
    assert [c["score"] for c in sipas_2020["components"]] == [98.34, 96.29, 95.92, 95.27, 92.69]
    assert (await get_index_result("sipas", 2022))["score"] == 87.59
    papi = await get_index_result("papi", 2024)
    assert (papi["score"], papi["rank"], papi["out_of"]) == (47.82, 1, 63)
    assert {c["name"]: c["score"] for c in papi["components"]} == {
        "Quản trị điện tử": 3.94,
        "Quản trị môi trường": 4.03,
        "Công khai, minh bạch": 5.83,
        "Tham gia của người dân ở cấp cơ sở": 5.87,
    }
    _, pci = await list_index_results(IndexFilter(kind="pci"), PageRequest())
    assert pci == 0


async def test_the_demo_dates_the_2022_announcements_and_marks_its_assumption(db):
    await load_demo()
    for kind in ("par_index", "sipas"):
        result = await get_index_result(kind, 2022)
        assert result["published_on"] == date(2023, 4, 19) and result["source"]
    assert (await get_index_result("par_index", 2023))["assumed"] is True


@pytest.mark.parametrize(
    "cut_off, expected",
    [
        (date(2023, 4, 18), {("par_index", 2021)}),  # the day before the 2022 announcement
        (date(2023, 4, 19), {("par_index", 2021), ("par_index", 2022)}),  # the day of it
        (date(2023, 12, 30), {("par_index", 2021), ("par_index", 2022)}),
        # undated 2022 PAPI: public from 31/12/2023, the last day it can have come out
        (date(2023, 12, 31), {("par_index", 2021), ("par_index", 2022), ("papi", 2022)}),
    ],
)
async def test_published_by_keeps_results_not_yet_announced_and_assumptions_out(world, cut_off, expected):
    await put_index_result(
        world.staff, "par_index", 2021, IndexResultData(89.0, published_on=date(2022, 5, 1))
    )
    await put_index_result(
        world.staff, "par_index", 2022, IndexResultData(90.1, published_on=date(2023, 4, 19))
    )
    await put_index_result(world.staff, "papi", 2022, IndexResultData(45.0))
    await put_index_result(world.staff, "sipas", 2021, IndexResultData(88.0, assumed=True))
    flt = IndexFilter(published_by=cut_off, include_assumed=False)
    rows, total = await list_index_results(flt, PageRequest())
    assert {(row["kind"], row["year"]) for row in rows} == expected and total == len(expected)


async def test_publication_fields_are_checked_and_imported(world):
    with pytest.raises(InvalidInput) as error:
        await put_index_result(
            world.staff, "par_index", 2022, IndexResultData(90.1, published_on=date(2021, 12, 31))
        )
    assert [e.field for e in error.value.errors] == ["published_on"]
    header = [*HEADER]
    row = [
        "PAR INDEX",
        "2022",
        "",
        "90,1",
        "",
        "1",
        "63",
        "",
        "",
        "19/4/2023",
        "Phiên họp ngày 19/4/2023",
        "",
    ]
    assumed = ["SIPAS", "2023", "", "90,61", "", "", "", "", "", "", "", "x"]
    out = io.StringIO()
    csv.writer(out).writerows([header, row, assumed])
    assert await import_index_results(world.staff, "scores.csv", out.getvalue().encode()) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    par = await get_index_result("par_index", 2022)
    assert (par["published_on"], par["source"], par["assumed"]) == (
        date(2023, 4, 19),
        "Phiên họp ngày 19/4/2023",
        False,
    )
    assert (await get_index_result("sipas", 2023))["assumed"] is True
    bad = ["PAR INDEX", "2021", "", "89", "", "", "", "", "", "31/02/2022", "", "có lẽ"]
    out = io.StringIO()
    csv.writer(out).writerows([header, bad])
    with pytest.raises(InvalidInput) as error:
        await import_index_results(world.staff, "scores.csv", out.getvalue().encode())
    assert [(e.field, e.row) for e in error.value.errors] == [("Ngày công bố", 2), ("Giả định", 2)]
