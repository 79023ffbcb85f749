"""The reports page: request a report, follow its row until it is done, download it, issue it;
the narrative sections with their stale-edit rule."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from api.web.forms import DATE_INVALID
from core.clock import local_zone, stopped_at
from models.units.service import UnitData, create_unit_unchecked
from reports.runs import NUMBER_DIGITS_ONLY, parse_period
from reports.tables import ReportDraft, ReportRun
from tests.report_drafts import write_required
from tests.waiting import wait_until

pytestmark = pytest.mark.anyio


async def wait_done(browser, run_id: int) -> str:
    async def ended() -> str | None:
        asked = {"HX-Request": "true", "HX-Target": f"run-{run_id}"}  # as the row's hx-get sends it
        row = (await browser.get(f"/reports/runs/{run_id}", headers=asked)).text
        if 'data-state="done"' in row or 'data-state="failed"' in row:
            return row
        assert 'hx-trigger="every 2s"' in row  # still polling while queued or running
        return None

    return await wait_until(ended, f"report run {run_id} to end")


async def test_request_follow_download_and_issue(browser, world):
    await write_required(world.staff, "2024-H1")  # issuing waits for them
    await browser.sign_in_as("staff")
    page = await browser.get("/reports")
    assert "Lập báo cáo" in page.text and "Lịch tự động" in page.text
    bad = await browser.post("/reports", {"kind": "Q", "year": "2024", "quarter": ""})
    assert bad.status_code == 422 and 'id="quarter-error">Chọn quý (1 đến 4).<' in bad.text
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    assert response.status_code == 303
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    assert response.headers["location"].endswith(f"#run-{run_id}-notice")
    listing = (await browser.get(response.headers["location"])).text
    assert f'id="run-{run_id}"' in listing and "Báo cáo 6 tháng đầu năm 2024" in listing
    notice = (
        f'<tr class="row-notice" id="run-{run_id}-notice"><td colspan="6"><div class="notice" role="status">'
    )
    assert re.search(
        re.escape(notice)
        + r"<p>Đã gửi yêu cầu lập báo cáo;[^<]*</p></div></td></tr>\s*<tr id=\"run-"
        + str(run_id),
        listing,
    )
    assert listing.count('role="status"') == 1  # beside its row only
    polled = {"HX-Request": "true", "HX-Target": f"run-{run_id}"}
    assert f'hx-get="/reports/runs/{run_id}?new=1"' in listing  # its polls keep it marked as new
    assert 'class="is-new"' in (await browser.get(f"/reports/runs/{run_id}?new=1", headers=polled)).text
    assert 'class="is-new"' not in (await browser.get(f"/reports/runs/{run_id}", headers=polled)).text
    row = await wait_done(browser, run_id)
    assert 'data-state="done"' in row and "hx-trigger" not in row
    opened = await browser.get(f"/reports/runs/{run_id}")  # the row's address typed or bookmarked
    assert opened.status_code == 303 and opened.headers["location"] == f"/reports#run-{run_id}"
    missing = await browser.get("/reports/runs/999999", headers={"Accept": "text/html"})
    assert missing.status_code == 404  # looked up before the redirect: no way to a run that is not
    await browser.sign_in_as(None)
    anonymous = await browser.get(f"/reports/runs/{run_id}")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await browser.sign_in_as("staff")
    link = re.search(r'href="(/api/reports/\d+/file)"', row).group(1)
    download = await browser.client.get(link)
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert f'<form method="get" action="/reports/runs/{run_id}/issue">' in row  # a button, not a link
    confirm = await browser.get(f"/reports/runs/{run_id}/issue")
    assert confirm.status_code == 200
    assert "Người lập</dt><dd>Staff" in confirm.text
    # made with no draft saved: its version says so, not "từ dự thảo phiên bản 0"
    assert (
        "Phiên bản</dt><dd>1 (từ dự thảo phiên bản 5)</dd>" in confirm.text
    )  # write_required's five changes
    assert "tệp đã ban hành được giữ nguyên vĩnh viễn" in confirm.text
    assert "Số liệu chỉ tính đến" not in confirm.text  # drawn up after the cut-off
    assert "Báo cáo còn" in confirm.text and 'id="placeholder_reason"' in confirm.text
    assert (
        "<li>III.3. Nguyên nhân: [Nội dung do chuyên viên bổ sung: nguyên nhân khách quan]</li>"
        in confirm.text
    )
    assert "tệp ban hành không có các đoạn này; hãy nêu lý do" in confirm.text  # what issuing does
    left_out = "<li>I.3. Kiểm tra công tác cải cách hành chính</li>"  # only a reminder under it
    assert "các mục sau được đánh số lại" in confirm.text and left_out in confirm.text
    today = re.search(r'name="issued_on" value="(\d\d/\d\d/\d{4})"', confirm.text)
    assert today and 'placeholder="dd/mm/yyyy"' in confirm.text  # today, typed as dd/mm/yyyy
    refused = await browser.post(
        f"/reports/runs/{run_id}/issue", ISSUE | {"placeholder_reason": "", "number": "x"}
    )
    assert refused.status_code == 422
    assert f'<li><a href="#number">{NUMBER_DIGITS_ONLY}</a></li>' in refused.text  # "x"
    assert '<li><a href="#placeholder_reason">' in refused.text
    assert 'value="Nguyễn Văn A"' in refused.text  # what was typed is kept
    for typed in ("06/20/2024", "2024-02-30", "20.6.2024"):
        bad_day = await browser.post(f"/reports/runs/{run_id}/issue", ISSUE | {"issued_on": typed})
        assert bad_day.status_code == 422
        assert f'<li><a href="#issued_on">{DATE_INVALID}</a></li>' in bad_day.text
        assert f'id="issued_on-error">{DATE_INVALID}<' in bad_day.text
        assert f'name="issued_on" value="{typed}"' in bad_day.text
    issued = await browser.post(f"/reports/runs/{run_id}/issue", ISSUE)
    assert issued.status_code == 303
    listing = (await browser.get(issued.headers["location"])).text
    assert "Đã ban hành báo cáo." in listing and "Số 15/BC-SNV, ngày 20/06/2024" in listing
    twice = await browser.post(f"/reports/runs/{run_id}/issue", ISSUE)  # a double submit
    assert twice.status_code == 409 and twice.headers["content-type"].startswith("text/html")
    assert "Báo cáo này đã được ban hành" in twice.text


CUT_OFF_2024_H1 = parse_period("2024-H1").end


@pytest.mark.parametrize(
    ("drawn_up", "heading", "why"),
    [
        (
            date(2024, 6, 10),
            "Số liệu chỉ tính đến ngày 10/06/2024</h2>",
            f"được lập trước ngày chốt số liệu {CUT_OFF_2024_H1:%d/%m/%Y}, nên",
        ),
        (  # on the cut-off day itself: what comes in later that day is missing
            CUT_OFF_2024_H1,
            f"Số liệu chỉ tính đến thời điểm lập trong ngày chốt {CUT_OFF_2024_H1:%d/%m/%Y}</h2>",
            f"được lập trong ngày chốt số liệu {CUT_OFF_2024_H1:%d/%m/%Y}, nên hồ sơ tiếp nhận",
        ),
    ],
)
async def test_issuing_a_report_drawn_up_before_its_cut_off_is_warned_of(
    browser, world, drawn_up, heading, why
):
    """Its figures stop on the day (the moment) it was drawn up (the document says so): before
    issuing it after the cut-off, the clerk is told, and offered a new version."""
    await write_required(world.staff, "2024-H1")
    await browser.sign_in_as("staff")
    with stopped_at(datetime.combine(drawn_up, time(10), tzinfo=local_zone())):
        response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
        run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
        assert 'data-state="done"' in await wait_done(browser, run_id)
    confirm = (await browser.get(f"/reports/runs/{run_id}/issue")).text
    assert heading in confirm and why in confirm
    assert 'href="/reports/drafts?period=2024-H1">lập phiên bản mới</a>' in confirm


@pytest.mark.parametrize(
    ("today", "issuable"),
    [
        (date(2024, 6, 13), False),  # the day before the cut-off: no date of issue is possible yet
        (CUT_OFF_2024_H1, True),
    ],
)
async def test_a_report_is_offered_for_issuing_from_its_cut_off_day(browser, world, today, issuable):
    await write_required(world.staff, "2024-H1")
    await browser.sign_in_as("staff")
    with stopped_at(datetime.combine(today, time(10), tzinfo=local_zone())):
        response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
        run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
        row = await wait_done(browser, run_id)
        form = (await browser.get(f"/reports/runs/{run_id}/issue")).text
        tried = await browser.post(
            f"/reports/runs/{run_id}/issue", ISSUE | {"issued_on": f"{today:%d/%m/%Y}"}
        )
    later = f"Ban hành được từ ngày {CUT_OFF_2024_H1:%d/%m/%Y}"
    assert (later in row, "Ban hành…</button>" in row) == (not issuable, issuable)
    assert (f'action="/reports/runs/{run_id}/issue"' in form) == issuable
    assert ("Chưa ban hành được: báo cáo kỳ này ban hành được từ ngày chốt số liệu 14/06/2024" in form) == (
        not issuable
    )
    if issuable:
        assert tried.status_code == 303
    else:
        assert tried.status_code == 409
        assert "Chưa đến ngày chốt số liệu: báo cáo kỳ này ban hành được từ ngày 14/06/2024." in tried.text
        assert (await browser.client.get(f"/api/reports/{run_id}")).json()["issued"] is False


async def test_a_unit_head_reports_on_their_own_unit(browser, world):
    await write_required(world.staff, "2024-Y", world.unit_a)
    await browser.sign_in_as("head_a")
    page = (await browser.get("/reports")).text
    assert 'value="Sở Tư pháp" readonly' in page and "Lịch tự động" not in page
    response = await browser.post(
        "/reports", {"kind": "Y", "year": "2024", "scope_unit_id": str(world.unit_b)}
    )
    assert response.status_code == 303  # the scope is their own unit, whatever the form said
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    row = await wait_done(browser, run_id)
    assert "Sở Tư pháp" in row and "Ban hành…" in row  # their own document, on its own letterhead
    confirm = await browser.get(f"/reports/runs/{run_id}/issue")
    assert confirm.status_code == 200 and "Báo cáo của Sở Tư pháp (BC-STP)</option>" in confirm.text
    await browser.sign_in_as("head_b")
    assert "Ban hành…" not in await wait_done(browser, run_id)  # another unit's report
    assert (await browser.get(f"/reports/runs/{run_id}/issue")).status_code == 403
    sent = {"profile": "unit", "number": "3", "issued_on": "20/06/2024", "signer_name": "B"}
    assert (await browser.post(f"/reports/runs/{run_id}/issue", sent)).status_code == 403
    await browser.sign_in_as("head_a")
    assert "Ban hành…" in await wait_done(browser, run_id)  # the refusal issued nothing
    await browser.sign_in_as("viewer")
    assert "Lập báo cáo</button>" not in (await browser.get("/reports")).text


async def test_a_draft_of_a_period_not_begun_is_neither_saved_nor_generated(browser, world):
    """The draft page's forms carry the period: one not begun (typed into an address, or a
    stale page) is refused with the reason, and nothing is written."""
    await browser.sign_in_as("staff")
    reason = "Kỳ báo cáo năm 2100 bắt đầu từ ngày 15/12/2099: chưa có số liệu để báo cáo."
    saved = await browser.post(
        "/reports/drafts/changes", {**draft_form("0", "add", "V", text="Kiến nghị."), "period": "2100-Y"}
    )
    generated = await browser.post("/reports/drafts/generate", {"period": "2100-Y"})
    for refused in (saved, generated):
        assert refused.status_code == 422 and reason in refused.text
    assert await ReportDraft.count() == 0 and await ReportRun.count() == 0


async def test_the_report_form_offers_the_period_the_plan_year_is_at(browser, world, today):
    """On 30 June 2024 the 2024 half-year (to 14 June) is over and the year is running."""
    await browser.sign_in_as("staff")
    for page in ("/reports", "/reports/drafts"):
        form = (await browser.get(page)).text
        assert '<option value="Y" selected>' in form and 'name="year" value="2024"' in form, page


@pytest.mark.parametrize(
    ("kind", "year", "quarter", "opened"),
    [
        ("H1", "2000", "", "2000-H1"),
        ("Y", "2026", "", "2026-Y"),
        (
            "Y",
            "2100",
            "",
            # beside the year, the field to change (it was beside "Loại báo cáo")
            {"year": "Kỳ báo cáo năm 2100 bắt đầu từ ngày 15/12/2099: chưa có số liệu để báo cáo."},
        ),
        ("Q", "2024", "4", "2024-Q4"),
        ("H1", "1999", "", {"year": "Năm báo cáo phải từ 2000 đến 2100."}),
        ("Y", "2101", "", {"year": "Năm báo cáo phải từ 2000 đến 2100."}),
        ("Q", "2024", "", {"quarter": "Chọn quý (1 đến 4)."}),
        ("Q", "2024", "5", {"quarter": "Quý phải từ 1 đến 4."}),
        ("Q", "20x4", "0", {"year": "Năm báo cáo phải từ 2000 đến 2100.", "quarter": "Quý phải từ 1 đến 4."}),
    ],
)
async def test_the_reports_page_leads_to_the_draft_of_a_chosen_period(
    browser, world, kind, year, quarter, opened
):
    # With no report yet the reports page had no way to a draft, and /reports/drafts without a
    # period answered 400 "Yêu cầu không hợp lệ".
    await browser.sign_in_as("staff")
    assert '<a href="/reports/drafts">' in (await browser.get("/reports")).text
    choice = await browser.get("/reports/drafts")
    assert choice.status_code == 200
    assert '<form method="get" action="/reports/drafts"' in choice.text and 'name="kind"' in choice.text
    chosen = await browser.get(
        "/reports/drafts", params={"kind": kind, "year": year, "quarter": quarter, "scope_unit_id": ""}
    )
    if isinstance(opened, str):
        assert chosen.status_code == 303 and chosen.headers["location"] == f"/reports/drafts?period={opened}"
        return
    assert chosen.status_code == 422
    for field, message in opened.items():
        assert f'<li><a href="#{field}">{message}</a></li>' in chosen.text  # the summary
        assert f'id="{field}-error">{message}<' in chosen.text  # beside the field
    assert f'name="year" value="{year}"' in chosen.text  # what was typed is kept


async def test_a_unit_head_opens_their_own_units_draft_and_a_viewer_has_no_drafting_link(browser, world):
    await browser.sign_in_as("head_a")
    assert '<a href="/reports/drafts">' in (await browser.get("/reports")).text
    chosen = await browser.get(
        "/reports/drafts", params={"kind": "H1", "year": "2024", "scope_unit_id": str(world.unit_b)}
    )
    assert chosen.headers["location"] == f"/reports/drafts?period=2024-H1&unit_id={world.unit_a}"
    await browser.sign_in_as("viewer")  # reads every draft, writes none
    assert '<a href="/reports/drafts">' not in (await browser.get("/reports")).text
    choice = await browser.get("/reports/drafts")
    assert choice.status_code == 200 and 'id="scope_unit_id"' in choice.text


ISSUE = {
    "profile": "department",
    "number": "15",
    "issued_on": "20/06/2024",
    "signer_name": "Nguyễn Văn A",
    "placeholder_reason": "Lãnh đạo Sở cho ban hành.",
}


# (what is wrong in the issuing form, every error shown at once, in the page's order); the
# first was shown as the date's error alone, the other three only once the date was mended.
ISSUE_MISTAKES = [
    (
        {"number": "15/BC", "issued_on": "32/13/2026", "signer_name": "", "placeholder_reason": ""},
        {
            "number": NUMBER_DIGITS_ONLY,  # the symbol typed in: not "enter a number" as if empty
            "issued_on": DATE_INVALID,
            "signer_name": "Nhập họ và tên người ký.",
            "placeholder_reason": "Báo cáo còn ",
        },
    ),
    ({"issued_on": "32/13/2026"}, {"issued_on": DATE_INVALID}),
    (
        {"issued_on": "31/02/2024", "number": "0"},
        {"number": NUMBER_DIGITS_ONLY, "issued_on": DATE_INVALID},
    ),
    ({"number": ""}, {"number": "Nhập số văn bản, ví dụ 15."}),
    ({"number": "1234567"}, {"number": NUMBER_DIGITS_ONLY}),
    ({"number": "", "signer_name": "A" * 100}, {"number": "Nhập số văn bản, ví dụ 15."}),  # the longest
    ({"signer_name": "A" * 101}, {"signer_name": "Họ và tên người ký tối đa 100 ký tự."}),
    (
        {"issued_on": "", "signer_name": " "},
        {"issued_on": "Nhập ngày ban hành.", "signer_name": "Nhập họ và tên người ký."},
    ),
]


async def test_the_issuing_form_shows_every_error_at_once(browser, world):
    await write_required(world.staff, "2024-H1")
    await browser.sign_in_as("staff")
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    await wait_done(browser, run_id)
    await browser.get(f"/reports/runs/{run_id}/issue")
    for mistakes, expected in ISSUE_MISTAKES:
        refused = await browser.post(f"/reports/runs/{run_id}/issue", ISSUE | mistakes)
        assert refused.status_code == 422, mistakes
        assert (
            f"Chưa ban hành được: có {len(expected)} lỗi cần sửa</h2>" in refused.text
        )  # the pages' one summary
        summary = re.findall(r'<li><a href="#(\w+)">([^<]*)</a></li>', refused.text)
        assert [field for field, _ in summary] == list(expected), mistakes
        for (field, message), wanted in zip(summary, expected.values(), strict=True):
            assert message.startswith(wanted), (field, message)
            assert f'id="{field}-error">{message}<' in refused.text  # beside its field too
        assert f'name="number" value="{(ISSUE | mistakes)["number"]}"' in refused.text  # kept


def draft_form(version: str, op: str, section: str, key: str = "", **fields) -> dict:
    return {"period": "2024-H1", "version": version, "op": op, "section": section, "key": key, **fields}


async def test_the_draft_page_edits_and_a_stale_save_keeps_what_was_typed(browser, world):
    await browser.sign_in_as("staff")
    page = (await browser.get("/reports/drafts?period=2024-H1")).text
    assert "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống." in page
    assert "Nội dung còn phải viết" in page and "Lập dự thảo</button>" in page
    assert '<a href="#p-III.causes.subjective">III.3. Nguyên nhân</a>' in page  # which "3." it is
    assert 'id="s-V"' in page and 'id="h-III.limitations"' in page
    key = re.search(r'id="p-(V\.[^"]+)"', page).group(1)
    saved = await browser.post(
        "/reports/drafts/changes", draft_form("0", "edit", "V", key, text="Đề nghị A.")
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"saved=edit&at=p-{key}#p-{key}")
    again = (await browser.get(saved.headers["location"])).text
    assert "Đã lưu đoạn văn." in again and "Phiên bản dự thảo 1" in again and "Đề nghị A." in again
    stale = await browser.post(
        "/reports/drafts/changes", draft_form("0", "edit", "V", key, text="Bản của tôi.")
    )
    assert stale.status_code == 412
    assert "Dự thảo vừa được người khác lưu (nay là phiên bản 1)" in stale.text
    assert "Bản của tôi.</textarea>" in stale.text and 'name="version" value="1"' in stale.text
    # the notice takes the focus (app.js) and leads to the box the text was kept in
    assert 'role="alert" tabindex="-1" data-error-summary>' in stale.text
    assert f'<a href="#text-{key}">Nội dung bạn đã nhập</a> vẫn còn trong ô của nó.' in stale.text
    empty = await browser.post("/reports/drafts/changes", draft_form("1", "add", "V", key, text="  "))
    assert empty.status_code == 422
    assert (
        '<li><a href="#add-V">Đoạn văn mới ở mục V. ĐỀ XUẤT, KIẾN NGHỊ: Nhập nội dung đoạn văn.</a></li>'
        in empty.text
    )
    assert 'id="add-V-error">Nhập nội dung đoạn văn.<' in empty.text  # beside it, the short message
    blank_edit = await browser.post("/reports/drafts/changes", draft_form("1", "edit", "V", key, text=" "))
    assert f'<li><a href="#text-{key}">Đoạn văn ở mục V. ĐỀ XUẤT, KIẾN NGHỊ: ' in blank_edit.text
    assert 'id="add-V-error"' in empty.text
    added = await browser.post(
        "/reports/drafts/changes", draft_form("1", "add", "V", key, text="Kiến nghị B.")
    )
    assert added.status_code == 303
    edited_away = {**draft_form("2", "delete", "V", key), "confirmed": "yes"}  # it was edited: asked
    deleted = await browser.post("/reports/drafts/changes", edited_away)
    page = (await browser.get(deleted.headers["location"])).text
    assert "Đoạn tự động đã xóa (1)" in page and "Kiến nghị B." in page
    issuer = await browser.post(
        "/reports/drafts/changes", draft_form("3", "issuer", "", profile="people_committee")
    )
    assert issuer.status_code == 303
    generate = await browser.post("/reports/drafts/generate", {"period": "2024-H1"})
    assert generate.status_code == 303 and "requested=" in generate.headers["location"]
    run_id = int(re.search(r"requested=(\d+)", generate.headers["location"]).group(1))
    assert 'data-state="done"' in await wait_done(browser, run_id)
    run = (await browser.client.get(f"/api/reports/{run_id}")).json()
    assert run["draft_version"] == 4 and run["issuer_profile"] == "people_committee"
    issuing = (await browser.get(f"/reports/runs/{run_id}/issue")).text
    assert "(từ dự thảo phiên bản 4)</dd>" in issuing


async def test_who_may_write_a_draft_and_issue_on_the_web(browser, world):
    await browser.sign_in_as("head_a")
    assert "readonly" not in (await browser.get("/reports/drafts?period=2024-H1")).text
    assert "Bạn chỉ có quyền xem dự thảo này." in (await browser.get("/reports/drafts?period=2024-H1")).text
    own = (await browser.get(f"/reports/drafts?period=2024-H1&unit_id={world.unit_a}")).text
    assert "Lập dự thảo</button>" in own
    refused = await browser.post("/reports/drafts/changes", draft_form("0", "add", "V", text="x"))
    assert refused.status_code == 403
    await browser.sign_in_as("staff")
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    await wait_done(browser, run_id)
    for role in ("head_a", "viewer"):
        await browser.sign_in_as(role)
        assert (await browser.get(f"/reports/runs/{run_id}/issue")).status_code == 403
        assert (await browser.post(f"/reports/runs/{run_id}/issue", ISSUE)).status_code == 403
        assert "Ban hành…" not in (await browser.get("/reports")).text
    await browser.sign_in_as("viewer")
    assert (await browser.post("/reports/drafts/generate", {"period": "2024-H1"})).status_code == 403


async def test_draft_changes_that_lose_staff_words_are_confirmed_and_each_notice_shows_where_it_happened(
    browser, world
):
    await browser.sign_in_as("staff")
    page = (await browser.get("/reports/drafts?period=2024-H1")).text
    key = re.search(r'id="p-(V\.[^"]+)"', page).group(1)
    added = await browser.post(
        "/reports/drafts/changes", draft_form("0", "add", "V", key, text="Kiến nghị B.")
    )
    location = added.headers["location"]
    staff_key = re.search(r"#p-(staff:[0-9a-f-]+)$", location).group(1)
    page = (await browser.get(location)).text
    article = page[
        page.index(f'id="p-{staff_key}"') : page.index("</article>", page.index(f'id="p-{staff_key}"'))
    ]
    assert '<div class="notice" role="status"><p>Đã thêm đoạn văn.</p>' in article
    assert page.count('class="notice" role="status"') == 1  # there, and nowhere else

    # deleting what staff wrote asks first, naming the paragraph; nothing is written before "yes"
    asked = await browser.post("/reports/drafts/changes", draft_form("1", "delete", "V", staff_key))
    assert asked.status_code == 200 and "<h1>Xóa đoạn văn chuyên viên viết?</h1>" in asked.text
    assert "không khôi phục được" in asked.text and "“Kiến nghị B.”" in asked.text
    assert f'name="key" value="{staff_key}"' in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert f'href="/reports/drafts?period=2024-H1#p-{staff_key}"' in asked.text  # the way back
    assert "Kiến nghị B." in (await browser.get("/reports/drafts?period=2024-H1")).text
    done = await browser.post(
        "/reports/drafts/changes", {**draft_form("1", "delete", "V", staff_key), "confirmed": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("saved=delete-staff&at=s-V#s-V")
    page = (await browser.get(done.headers["location"])).text
    assert "Kiến nghị B." not in page
    section = page[page.index('id="s-V"') : page.index('id="p-', page.index('id="s-V"'))]
    assert '<div class="notice" role="status"><p>Đã xóa đoạn văn.</p>' in section

    # a generated paragraph is deleted at once (it can be restored), then restored at once
    deleted = await browser.post("/reports/drafts/changes", draft_form("2", "delete", "V", key))
    assert deleted.status_code == 303 and deleted.headers["location"].endswith("saved=delete&at=s-V#s-V")
    assert "“Đoạn tự động đã xóa” ở cuối mục" in (await browser.get(deleted.headers["location"])).text
    restored = await browser.post("/reports/drafts/changes", draft_form("3", "restore", "V", key))
    assert restored.status_code == 303 and restored.headers["location"].endswith(f"at=p-{key}#p-{key}")

    # putting the generated text back over an edit asks first
    await browser.post("/reports/drafts/changes", draft_form("4", "edit", "V", key, text="Đề nghị riêng."))
    asked = await browser.post("/reports/drafts/changes", draft_form("5", "restore", "V", key))
    assert (
        asked.status_code == 200 and "<h1>Dùng lại bản tự động thay cho nội dung đã sửa?</h1>" in asked.text
    )
    assert "“Đề nghị riêng.”" in asked.text and "Bản tự động thay vào: “" in asked.text
    assert "Đề nghị riêng." in (await browser.get("/reports/drafts?period=2024-H1")).text
    done = await browser.post(
        "/reports/drafts/changes", {**draft_form("5", "restore", "V", key), "confirmed": "yes"}
    )
    page = (await browser.get(done.headers["location"])).text
    assert "Đề nghị riêng." not in page and "Phiên bản dự thảo 6" in page
    article = page[page.index(f'id="p-{key}"') : page.index("</article>", page.index(f'id="p-{key}"'))]
    assert "Đã đưa đoạn văn về bản tự động." in article

    # deleting an edited paragraph asks first too: its restore brings back the generated text only
    await browser.post("/reports/drafts/changes", draft_form("6", "edit", "V", key, text="Đề nghị khác."))
    asked = await browser.post("/reports/drafts/changes", draft_form("7", "delete", "V", key))
    assert asked.status_code == 200 and "<h1>Xóa đoạn văn đã sửa?</h1>" in asked.text
    assert "“Đề nghị khác.”" in asked.text and "chỉ đưa lại bản tự động" in asked.text
    done = await browser.post(
        "/reports/drafts/changes", {**draft_form("7", "delete", "V", key), "confirmed": "yes"}
    )
    assert done.status_code == 303

    # the issuer's notice is shown beside its form
    issuer = await browser.post(
        "/reports/drafts/changes", draft_form("8", "issuer", "", profile="people_committee")
    )
    assert issuer.headers["location"].endswith("saved=issuer&at=lap#lap")
    page = (await browser.get(issuer.headers["location"])).text
    assert page.index("Đã chọn cơ quan ban hành.") > page.index('id="lap"')


async def test_a_unit_head_is_refused_before_any_confirmation_of_another_scope_s_draft(browser, world):
    await browser.sign_in_as("staff")
    added = await browser.post("/reports/drafts/changes", draft_form("0", "add", "V", text="Kiến nghị."))
    staff_key = re.search(r"#p-(staff:[0-9a-f-]+)$", added.headers["location"]).group(1)
    await browser.sign_in_as("head_a")
    for confirmed in ({}, {"confirmed": "yes"}):
        refused = await browser.post(
            "/reports/drafts/changes", {**draft_form("1", "delete", "V", staff_key), **confirmed}
        )
        assert refused.status_code == 403, confirmed
    await browser.sign_in_as("staff")
    assert "Kiến nghị." in (await browser.get("/reports/drafts?period=2024-H1")).text


async def test_the_reports_list_says_only_what_the_run_bears_out(browser, world):
    """Its notice comes from the address, which can be reloaded, shared or typed: "issued" only
    for an issued run, and nothing for a run that does not exist."""
    await browser.sign_in_as("staff")
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    await wait_done(browser, run_id)
    for query, notice in [
        (f"requested={run_id}", "Đã gửi yêu cầu lập báo cáo"),
        (f"issued={run_id}", None),  # not issued
        ("requested=999999", None),
        ("issued=999999", None),
    ]:
        page = (await browser.get(f"/reports?{query}")).text
        shown = re.findall(r'role="status"><p>([^<]*)</p>', page)
        assert [text.split(";")[0] for text in shown] == ([notice] if notice else []), query
        assert ('class="is-new"' in page) == bool(notice), query


@pytest.mark.parametrize(
    "address",
    ["/reports?issued=abc", "/reports?requested=1.5", "/reports/runs/1?new=maybe"],
)
async def test_a_reports_address_with_a_malformed_number_or_flag_is_a_400_page(browser, world, address):
    await browser.sign_in_as("staff")
    response = await browser.get(address, headers={"Accept": "text/html"})
    assert response.status_code == 400 and "<h1>Yêu cầu không hợp lệ</h1>" in response.text


# (the issuer profile a run was issued as, its scope, the number typed): what the list shows, as
# the document prints it ("Số: 05/BC-UBND"); the list showed the number as typed, "Số 5".
@pytest.mark.parametrize(
    ("profile", "unit_scoped", "number", "shown"),
    [
        ("department", False, "5", "Số 05/BC-SNV, ngày 05/01/2026"),
        ("people_committee", False, "5", "Số 05/BC-UBND, ngày 05/01/2026"),
        ("people_committee", False, "10", "Số 10/BC-UBND, ngày 05/01/2026"),
        ("unit", True, "7", "Số 07/BC-STP, ngày 05/01/2026"),
    ],
)
async def test_the_reports_list_shows_an_issued_number_as_the_document_prints_it(
    browser, world, profile, unit_scoped, number, shown
):
    scope = world.unit_a if unit_scoped else None
    rows = await ReportRun.insert(
        ReportRun(
            kind="annual",
            period_key="2025-Y",
            scope_key=scope or 0,
            scope_unit=scope,
            version=1,
            state="done",
            trigger="manual",
            issuer_profile=profile,
            issued=True,
            issue_number=number,
            issue_date=date(2026, 1, 5),
            created_at=datetime(2026, 1, 5, 3, 0, tzinfo=local_zone()),
        )
    ).returning(ReportRun.id)
    run_id = rows[0]["id"]
    await browser.sign_in_as("staff")
    listing = (await browser.get("/reports")).text
    polled = (
        await browser.get(
            f"/reports/runs/{run_id}", headers={"HX-Request": "true", "HX-Target": f"run-{run_id}"}
        )
    ).text
    for html in (listing, polled):
        assert f'<span class="small">{shown}</span>' in html


async def closed_and_new_units(world) -> dict[str, int]:
    """The 2025 reorganisation in small: a department merged on 1 March (into one set up that
    day), a district abolished on 1 July without a successor here, and a ward set up that day."""
    made = {}
    for key, data in {
        "merged_into": UnitData(
            "SKHCN",
            "Sở Khoa học và Công nghệ",
            "department",
            "province",
            world.province_id,
            valid_from=date(2025, 3, 1),
        ),
        "district": UnitData(
            "COTO",
            "UBND huyện Cô Tô",
            "district_committee",
            "district",
            world.province_id,
            valid_to=date(2025, 6, 30),
        ),
        "ward": UnitData(
            "P-HONGGAI",
            "UBND phường Hồng Gai",
            "commune_committee",
            "commune",
            world.province_id,
            valid_from=date(2025, 7, 1),
        ),
    }.items():
        made[key] = (await create_unit_unchecked(data))["id"]
    made["merged"] = (
        await create_unit_unchecked(
            UnitData(
                "STTTT",
                "Sở Thông tin và Truyền thông",
                "department",
                "province",
                world.province_id,
                valid_to=date(2025, 2, 28),
                successor_id=made["merged_into"],
            )
        )
    )["id"]
    return made


IN_2026 = datetime(2026, 1, 10, 10, 0, tzinfo=local_zone())  # the 2025 year and the 2026 half-year begun


async def test_the_report_forms_offer_closed_units_after_the_open_ones_with_their_last_day(browser, world):
    made = await closed_and_new_units(world)
    await browser.sign_in_as("staff")
    with stopped_at(IN_2026):
        for address in ("/reports", "/reports/drafts"):
            form = (await browser.get(address)).text
            scope = form[
                form.index('<select id="scope_unit_id"') : form.index(
                    "</select>", form.index('<select id="scope_unit_id"')
                )
            ]
            groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', scope, re.S)
            assert [label for label, _ in groups] == [
                "Đơn vị đang hoạt động",
                "Đơn vị đã giải thể, sáp nhập (cho báo cáo các kỳ trước)",
            ], address
            shown = [re.findall(r'<option value="(\d+)">([^<]*)</option>', options) for _, options in groups]
            assert (str(world.unit_a), "Sở Tư pháp") in shown[0]
            assert (str(made["ward"]), "UBND phường Hồng Gai") in shown[0]
            assert set(shown[1]) == {
                (str(made["merged"]), "Sở Thông tin và Truyền thông (đến 28/02/2025)"),
                (str(made["district"]), "UBND huyện Cô Tô (đến 30/06/2025)"),
            }, address


MERGED_2026 = (
    "Sở Thông tin và Truyền thông chỉ hoạt động đến ngày 28/02/2025, trước khi kỳ báo cáo 6 tháng đầu năm 2026 "
    "bắt đầu (15/12/2025). Chọn kỳ báo cáo trong thời gian đơn vị còn hoạt động, hoặc đơn vị kế thừa: "
    "Sở Khoa học và Công nghệ."
)
ABOLISHED_2026 = (
    "UBND huyện Cô Tô chỉ hoạt động đến ngày 30/06/2025, trước khi kỳ báo cáo 6 tháng đầu năm 2026 bắt đầu "
    "(15/12/2025). Chọn kỳ báo cáo trong thời gian đơn vị còn hoạt động."
)
WARD_2025_H1 = (
    "UBND phường Hồng Gai hoạt động từ ngày 01/07/2025, sau khi kỳ báo cáo 6 tháng đầu năm 2025 kết thúc "
    "(14/06/2025). Chọn kỳ báo cáo từ khi đơn vị hoạt động, hoặc đơn vị khác."
)
SET_UP_2024 = (
    "Sở Khoa học và Công nghệ hoạt động từ ngày 01/03/2025, sau khi kỳ báo cáo năm 2024 kết thúc "
    "(14/12/2024). Chọn kỳ báo cáo từ khi đơn vị hoạt động, hoặc đơn vị khác."
)


# (the unit, the period): a report is about a unit that existed on some day of its period
# (15/12 of the year before to 14/06 for a half-year, to 14/12 for a year); None: accepted.
@pytest.mark.parametrize(
    ("unit", "kind", "year", "refusal"),
    [
        ("merged", "Y", "2023", None),
        ("merged", "H1", "2025", None),  # merged within the period
        ("merged", "H1", "2026", MERGED_2026),
        ("district", "Y", "2025", None),
        ("district", "H1", "2026", ABOLISHED_2026),  # no successor to offer
        ("ward", "H1", "2025", WARD_2025_H1),
        ("ward", "Y", "2025", None),
        ("merged_into", "Y", "2024", SET_UP_2024),
        ("merged_into", "H1", "2025", None),  # set up within the period
        (None, "Y", "2023", None),  # the province
    ],
)
async def test_a_report_is_chosen_only_for_a_unit_that_existed_in_its_period(
    browser, world, unit, kind, year, refusal
):
    made = await closed_and_new_units(world)
    scope = str(made[unit]) if unit else ""
    await browser.sign_in_as("staff")
    chosen = {"kind": kind, "year": year, "quarter": "", "scope_unit_id": scope}
    with stopped_at(IN_2026):
        opened = await browser.get("/reports/drafts", params=chosen)
        requested = await browser.post("/reports", chosen) if refusal else None
    if refusal is None:
        unit_part = f"&unit_id={scope}" if scope else ""
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/reports/drafts?period={year}-{kind}{unit_part}"
        return
    for refused in (opened, requested):
        assert refused.status_code == 422
        assert f'<li><a href="#scope_unit_id">{refusal}</a></li>' in refused.text  # the summary
        assert f'id="scope_unit_id-error">{refusal}<' in refused.text  # beside "Phạm vi"
        assert f'<option value="{scope}" selected>' in refused.text  # the choice is kept
        assert f'name="year" value="{year}"' in refused.text
    assert await ReportRun.count() == 0


async def test_a_report_on_a_unit_merged_since_is_requested_from_the_web(browser, world):
    made = await closed_and_new_units(world)
    await browser.sign_in_as("staff")
    with stopped_at(IN_2026):
        response = await browser.post(
            "/reports", {"kind": "Y", "year": "2024", "scope_unit_id": str(made["merged"])}
        )
        assert response.status_code == 303
        run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
        row = await wait_done(browser, run_id)
    assert 'data-state="done"' in row and "Sở Thông tin và Truyền thông" in row


async def test_the_issue_page_waits_for_the_sections_the_outline_requires(browser, world):
    """Nothing written under III.1, III.3 or V (only the reminders to write them): the page lists
    them and points to the draft instead of offering the form; a post is refused the same way."""
    await browser.sign_in_as("staff")
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    await wait_done(browser, run_id)
    page = (await browser.get(f"/reports/runs/{run_id}/issue")).text
    assert "Chưa ban hành được: còn 3 mục bắt buộc chưa có nội dung" in page
    assert "<li>III.1. Ưu điểm</li><li>III.3. Nguyên nhân</li><li>V. ĐỀ XUẤT, KIẾN NGHỊ</li>" in page
    assert 'href="/reports/drafts?period=2024-H1">viết các mục này trong dự thảo</a>' in page
    assert f'action="/reports/runs/{run_id}/issue"' not in page
    refused = await browser.post(f"/reports/runs/{run_id}/issue", ISSUE)
    assert refused.status_code == 409 and "đề cương báo cáo yêu cầu có nội dung ở các mục" in refused.text
    assert (await browser.client.get(f"/api/reports/{run_id}")).json()["issued"] is False
