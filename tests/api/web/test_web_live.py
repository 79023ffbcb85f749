"""Seeing what is happening: the schedules page in words with each last run and whether a
scheduler runs; notifications with the header's bell, read and unread, each person their own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.web.schedules import SCHEDULE_NAMES
from models.notifications.service import reminder_kind, sweep_tasks
from models.notifications.tables import Notification
from reports.periods import Calendar
from reports.runs import RunRequest, execute_run, request_run
from scheduler import jobs
from scheduler.service import record_alive

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("deadline", "kind"),
    [
        (date(2024, 6, 9), "task_overdue"),
        (date(2024, 6, 10), "task_due_in_1"),  # due today
        (date(2024, 6, 11), "task_due_in_1"),
        (date(2024, 6, 12), "task_due_in_3"),
        (date(2024, 6, 13), "task_due_in_3"),
        (date(2024, 6, 14), "task_due_in_7"),
        (date(2024, 6, 17), "task_due_in_7"),
        (date(2024, 6, 18), None),
    ],
)
async def test_reminders_in_steps_of_7_3_and_1_days(deadline, kind):
    assert reminder_kind(deadline, "in_progress", date(2024, 6, 10)) == kind


async def test_each_reminder_step_once_per_task(world):
    # II.1 (STP, head_a) is due 30/06/2024; VII.1 (head_b) has been overdue since 31/03.
    mine = Notification.account == world.head_a.account_id
    received = {}
    for day in (22, 23, 24, 27, 28, 29, 30):
        await sweep_tasks(date(2024, 6, day))
        received[day] = await Notification.count().where(mine)
    assert received == {22: 0, 23: 1, 24: 1, 27: 2, 28: 2, 29: 3, 30: 3}
    kinds = await Notification.select(Notification.kind).where(mine)
    assert sorted(row["kind"] for row in kinds) == ["task_due_in_1", "task_due_in_3", "task_due_in_7"]


async def test_the_schedules_page_says_each_schedule_in_words_and_if_a_scheduler_runs(browser, world):
    await browser.sign_in_as("staff")
    page = (await browser.get("/schedules")).text
    assert "Không có bộ lập lịch nào đang chạy" in page
    assert "Hằng ngày lúc 06:00" in page and "Hằng ngày lúc 06:30" in page
    assert "Ngày 15/6 hằng năm lúc 07:00" in page  # the Decree 09 half-year cut-off
    assert "Chưa chạy lần nào" in page
    await jobs.fire("overdue-sweep", datetime(2024, 4, 1, 23, 0, tzinfo=UTC))  # 06:00 on 2 April
    await record_alive(embedded=True)
    page = (await browser.get("/schedules")).text
    assert "Bộ lập lịch đang chạy trong tiến trình máy chủ web" in page
    row = page[page.index('id="lich-overdue-sweep"') :]
    row = row[: row.index("</tr>")]
    assert "02/04/2024 06:00" in row and "Hoàn tất" in row and "1 thông báo mới" in row
    assert "/schedules" in (await browser.get("/reports")).text
    await browser.sign_in_as("head_a")
    assert (await browser.get("/schedules")).status_code == 403


@pytest.mark.parametrize("calendar", list(Calendar))
def test_every_default_schedule_has_a_vietnamese_name(calendar):
    # "round-reminders" was shown by its key: a schedule added without a name must fail here.
    assert {row["key"] for row in jobs.default_schedules(calendar)} == set(SCHEDULE_NAMES)


async def test_a_unit_head_reads_their_notification_from_the_bell(browser, world):
    await sweep_tasks(date(2024, 4, 2))  # VII.1 (SYT, head_b) overdue since 31/03
    await browser.sign_in_as("head_a")
    assert 'aria-label="Thông báo: không có thông báo chưa đọc"' in (await browser.get("/")).text
    assert "Chưa có thông báo nào." in (await browser.get("/notifications")).text

    await browser.sign_in_as("head_b")
    home = (await browser.get("/")).text
    assert 'aria-label="Thông báo: 1 chưa đọc"' in home and '<span class="bell-count">1</span>' in home
    listing = (await browser.get("/notifications")).text
    assert "Nhiệm vụ VII.1 đã quá hạn (31/03/2024)" in listing and "Quá hạn" in listing
    assert "Chưa đọc" in listing
    (notification,) = await Notification.select(Notification.id)
    opened = await browser.post(f"/notifications/{notification['id']}/read")
    assert opened.status_code == 303 and opened.headers["location"] == f"/tasks/{world.task_b}"
    home = (await browser.get("/")).text
    assert 'aria-label="Thông báo: không có thông báo chưa đọc"' in home
    assert "Đã đọc" in (await browser.get("/notifications")).text
    assert "Không có thông báo chưa đọc." in (await browser.get("/notifications?unread=true")).text

    await browser.sign_in_as("head_a")  # another's notification is not theirs to open
    assert (await browser.post(f"/notifications/{notification['id']}/read")).status_code == 404


async def test_whoever_asked_for_a_report_is_told_it_is_ready(browser, world):
    run = await request_run(world.staff, RunRequest("2024-H1"))
    await execute_run(run["id"])
    await browser.sign_in_as("staff")
    listing = (await browser.get("/notifications")).text
    assert "Báo cáo đã sẵn sàng" in listing and "đã sẵn sàng để tải về" in listing
    (notification,) = await Notification.select(Notification.id)
    opened = await browser.post(f"/notifications/{notification['id']}/read")
    assert opened.headers["location"] == "/reports"
    await browser.sign_in_as("admin")
    assert "Chưa có thông báo nào." in (await browser.get("/notifications")).text


async def test_everything_marked_read_at_once(browser, world):
    await sweep_tasks(date(2024, 4, 2))
    await sweep_tasks(date(2024, 6, 29))
    await browser.sign_in_as("head_b")
    await browser.get("/notifications")
    assert (await browser.post("/notifications/read-all")).status_code == 303
    assert await Notification.count().where(Notification.read_at.is_null()) == 1  # head_a's stays unread


async def test_the_pages_show_dossier_imports_still_loading(browser, world):
    from models.dossiers.import_jobs import create_job
    from models.dossiers.tables import ImportJob

    job = await create_job(world.staff, "ho-so-mau-2026.csv", keep_valid=False)
    await browser.sign_in_as("viewer")
    for url in ("/", "/dossiers", "/service-index"):  # each page whose figures the import changes
        page = (await browser.get(url)).text
        assert "Đang nạp dữ liệu hồ sơ." in page and "ho-so-mau-2026.csv: đang chuẩn bị tệp" in page, url
    await ImportJob.update(
        {ImportJob.state: "running", ImportJob.rows_done: 120000, ImportJob.read_fraction: 0.1}
    ).where(ImportJob.id == job["id"])
    polled = await browser.get("/dossiers/imports", headers={"HX-Request": "true"})
    assert "ho-so-mau-2026.csv: đã đọc 120.000 dòng (10% tệp)" in polled.text and "HX-Refresh" not in polled.headers
    await ImportJob.update({ImportJob.state: "done"}).where(ImportJob.id == job["id"])
    finished = await browser.get("/dossiers/imports", headers={"HX-Request": "true"})
    assert finished.headers["HX-Refresh"] == "true" and "Đang nạp" not in finished.text
    assert "Đang nạp dữ liệu hồ sơ." not in (await browser.get("/")).text
