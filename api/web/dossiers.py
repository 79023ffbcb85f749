"""Dossier statistics for a chosen period and scope, with a chart, and the late dossiers for
which no apology was issued (the same functions as GET /api/dossiers/stats and
/api/dossiers/late-without-apology); and, for the staff who may import, the dossier import
page: a file uploaded and checked as POST /api/dossiers/imports does, its job run in the
background (models.dossiers.import_jobs), each job's state and counts, a running one polled by
HTMX until it ends, and a refused one's errors by row."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from litestar_htmx import HTMXRequest

from api.errors import DB_INT_RANGE
from api.security import Caller
from api.web.charts import stacked_bars
from api.web.common import (
    FormErrors,
    fragment,
    page,
    page_rows,
    pages_of,
    parse_day,
    query_url,
    read_page_number,
    see_other,
    text,
    viewer_for,
    wants_fragment,
)
from api.web.forms import DATE_INVALID, FORM, day_text, refusal_messages
from core.clock import local_date, utcnow
from core.errors import DomainError, FieldError, InvalidInput, NotFound
from core.paging import PageRequest
from core.settings import get_settings
from core.tabular import neutralise, write_workbook
from core.text import format_file_size, format_int, nfc, period_name, sentence_start, strict_int
from models.accounts import service as accounts
from models.dossiers import import_jobs
from models.dossiers import stats as dossier_stats
from models.dossiers.ingest import MAX_REPORTED_ERRORS
from models.dossiers.records import LABELS
from models.permissions import Action, Principal
from models.procedures import service as procedures
from models.units import service as units
from models.vocabulary import Channel, JobState, UnitLevel

RESULTS = "ket-qua-ho-so"  # the part a sort or a page of the list swaps
DOSSIERS_TITLE = "Thống kê hồ sơ thủ tục hành chính"
QUERY = "thong-ke-ho-so"  # the form with the results: what the form swaps
PAGE_INVALID = "Số trang không hợp lệ."
LATE_PAGE = 50
IMPORT_JOBS = "/dossiers/import-jobs"  # the import page (/dossiers/imports is the pages' loading notice)
IMPORT_FIELDS = ("file", "keep_valid")  # the upload form's fields in page order
JOBS_PAGE = 20
ERRORS_SHOWN = 50  # of a job's errors by row; the job keeps the first MAX_REPORTED_ERRORS
# The multipart framing around the file and the form's other fields: a file a little over the
# limit is still read, and refused beside the file field; a body larger still is cut off by
# Litestar (413, the error page), as the API's upload is.
MULTIPART_MARGIN = 1024 * 1024
# The form's choice of what a file with bad rows does: nothing loaded (the default), or the
# valid rows loaded and the bad ones left out.
KEEP_VALID = {"0": False, "1": True}
FILE_MISSING = "Chọn tệp hồ sơ (CSV, XLSX hoặc JSON Lines) để tải lên."
KEEP_VALID_INVALID = "Chọn một trong hai cách xử lý dòng lỗi."
GROUPINGS = {
    "unit": "Đơn vị",
    "level": "Cấp thực hiện",
    "field": "Lĩnh vực",
    "month": "Tháng",
    "channel": "Hình thức nộp",
}
SEGMENTS = [
    ("resolved_early", "Giải quyết trước hạn"),
    ("resolved_on_time", "Giải quyết đúng hạn"),
    ("resolved_late", "Giải quyết quá hạn"),
    ("open_within_deadline", "Đang giải quyết, còn hạn"),
    ("open_overdue", "Đang giải quyết, đã quá hạn"),
]
FIELD_NAMES = {"from": "start", "to": "end"}
# The statistics table's sortable columns: "group" is the statistics' own order (units by
# code, months in time order); the others sort by the column's figure.
SORT_COLUMNS = {
    "group": lambda row: row["position"],
    "received": lambda row: row["figures"].received,
    "resolved": lambda row: row["figures"].resolved,
    "in_time": lambda row: row["figures"].resolved_early + row["figures"].resolved_on_time,
    "late": lambda row: row["figures"].resolved_late,
    "on_time_rate": lambda row: row["figures"].on_time_rate,
    "unapologised": lambda row: row["figures"].apologies_owed - row["figures"].apologies_issued,
}


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """The table's rows by ``sort`` (a column key, "-" first for descending); rows without the
    figure (no rate when nothing was resolved) go last either way, ties keep the group order."""
    value = SORT_COLUMNS[sort.removeprefix("-")]
    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]
    return sorted(known, key=value, reverse=sort.startswith("-")) + unknown


def group_label(key: dict, group_by: str) -> str:
    value = key.get(group_by)
    if group_by == "unit":
        return f"{key.get('unit_name')} ({key.get('unit_code')})"
    if group_by == "level" and value in set(UnitLevel):
        return UnitLevel(value).label
    if group_by == "channel" and value in set(Channel):
        return Channel(value).label
    if group_by == "month" and value:
        year, month = str(value).split("-")
        return sentence_start(period_name("month", int(year), int(month)))
    return str(value) if value not in (None, "") else "(không rõ)"


def _row(position: int, label: str, figures: dossier_stats.Figures) -> dict:
    return {
        "position": position,
        "label": label,
        **{name: getattr(figures, name) for name in dict(SEGMENTS)},
        "figures": figures,
    }


@dataclass
class StatsQuery:
    """The period, scope and grouping the page and its export are asked for, with the
    Vietnamese errors of what could not be read."""

    first: date
    last: date
    unit_id: int | None
    level: str | None
    field: str | None
    procedure_id: int | None
    group_by: str
    sort: str
    errors: FormErrors

    @property
    def scope(self) -> dossier_stats.Scope:
        return dossier_stats.Scope(
            unit_id=self.unit_id, level=self.level, field=self.field, procedure_id=self.procedure_id
        )

    @classmethod
    async def parse(cls, filters: dict[str, str], sort: str = "group") -> StatsQuery:
        """``filters``: the form's fields as typed (see ``FILTERS``)."""
        today = local_date(utcnow())
        errors = FormErrors()
        days = {"start": date(today.year, 1, 1), "end": today}
        for name in days:
            if filters[name]:
                try:
                    days[name] = parse_day(filters[name])
                except ValueError:
                    errors.add(name, DATE_INVALID)
        unit_id = strict_int(filters["unit_id"]) if filters["unit_id"] else None
        if filters["unit_id"] and (unit_id or 0) < 1:
            errors.add("unit_id", "Đơn vị không hợp lệ.")
        if filters["level"] and filters["level"] not in set(UnitLevel):
            errors.add("level", "Cấp thực hiện không hợp lệ.")
        if filters["field"] and nfc(filters["field"]) not in await procedures.catalogue_fields():
            errors.add("field", "Lĩnh vực không có trong danh mục thủ tục.")
        procedure_id = None
        if filters["procedure"]:
            procedure_id = await procedures.procedure_id_by_code(filters["procedure"])
            if procedure_id is None:
                errors.add("procedure", "Không có thủ tục mang mã này trong danh mục.")
        if filters["group_by"] not in GROUPINGS:
            errors.add("group_by", "Tiêu chí nhóm không hợp lệ.")
        if sort.removeprefix("-") not in SORT_COLUMNS:  # no field of its own: a hand-made address
            errors.add(FORM, "Cách sắp xếp không hợp lệ.")
        return cls(
            days["start"],
            days["end"],
            unit_id if "unit_id" not in errors else None,
            filters["level"] or None,
            nfc(filters["field"]) or None,
            procedure_id,
            filters["group_by"],
            sort,
            errors,
        )

    def shown(self, filters: dict[str, str]) -> dict[str, str]:
        """The filters as the form shows them again: a date read is written dd/mm/yyyy (also
        when typed as 2024-01-05), one that could not be read is kept as typed."""
        return filters | {
            name: filters[name] if name in self.errors else day_text(day)
            for name, day in (("start", self.first), ("end", self.last))
        }

    async def rows(self) -> tuple[list[dict], dossier_stats.Figures]:
        """The table's rows, labelled and in the asked order, and the total."""
        stats = await dossier_stats.dossier_stats(self.first, self.last, self.scope, (self.group_by,))
        rows = [
            _row(position, group_label(group.key, self.group_by), group.figures)
            for position, group in enumerate(stats.groups)
        ]
        return sort_rows(rows, self.sort), stats.total


# The form's fields in page order (the error summary lists them so).
FILTERS = ("start", "end", "unit_id", "level", "field", "procedure", "group_by")


def read_filters(query: Mapping[str, str]) -> dict[str, str]:
    """The form's fields from the address, as typed (trimmed); grouped by unit by default."""
    return {name: query.get(name, "unit" if name == "group_by" else "").strip()[:255] for name in FILTERS}


EXPORT_HEADER = [
    "Tiếp nhận mới",
    "Kỳ trước chuyển sang",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Giải quyết quá hạn",
    "Tỷ lệ trước và đúng hạn (%)",
    "Đang giải quyết, còn hạn",
    "Đang giải quyết, quá hạn",
    "Trả lại, rút",
    "Trễ hạn chưa xin lỗi",
]


def export_row(label: str, figures: dossier_stats.Figures) -> list:
    rate = figures.on_time_rate
    return [
        neutralise(label),
        figures.received,
        figures.carried_over,
        figures.resolved,
        figures.resolved_early,
        figures.resolved_on_time,
        figures.resolved_late,
        None if rate is None else round(rate, 2),
        figures.open_within_deadline,
        figures.open_overdue,
        figures.returned + figures.withdrawn,
        figures.apologies_owed - figures.apologies_issued,
    ]


class DossierPagesController(Controller):
    path = "/dossiers"

    @get("/imports", name="web:dossier-imports")
    async def imports(self, principal: Caller, request: HTMXRequest) -> Response:
        """The imports still loading (polled by the notice on the pages); once none is left,
        the page reloads to show the figures with them."""
        principal.require(Action.READ)
        unfinished = await loading_imports()
        response = page("_import_progress.html", None, imports=unfinished)
        if not unfinished and request.htmx:
            response.headers["HX-Refresh"] = "true"
        return response

    @get("/import-jobs", name="web:dossier-import-jobs")
    async def import_jobs_page(
        self,
        principal: Caller,
        started: FromQuery[int | None] = None,
        page_number: FromQuery[str] = "",
    ) -> Template:
        """The upload form and the import jobs, newest first. ``started``: the job just started
        from the form, marked beside its row (only if it is on the page: the address may be
        reloaded or typed)."""
        errors = FormErrors()
        wanted = read_page_number(page_number, errors, JOBS_PAGE)
        return await imports_page(
            principal, errors=errors, started=started, page_number=wanted, status_code=422 if errors else 200
        )

    @post(
        "/import-jobs",
        name="web:dossier-import-start",
        status_code=303,
        request_max_body_size=get_settings().import_max_bytes + MULTIPART_MARGIN,
    )
    async def start_import(self, principal: Caller, request: Request) -> Response:
        """A dossier file checked as POST /api/dossiers/imports checks it (its type, a zip bomb,
        its encoding; here also an empty file), then the same job started in the background;
        back to the list at the new job. A refused file is a 422: the form again, the reason in
        the summary and beside the file field, the choice kept."""
        principal.require(Action.IMPORT_DOSSIERS)
        form = await request.form()
        choice = text(form, "keep_valid", 8) or "0"
        errors = FormErrors()
        if choice not in KEEP_VALID:
            errors.add("keep_valid", KEEP_VALID_INVALID)
        upload = form.get("file")
        staged = None
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors.add("file", FILE_MISSING)
        else:
            try:
                staged = await import_jobs.stage_upload(
                    upload.read, upload.filename or "", get_settings().import_max_bytes
                )
            except DomainError as exc:
                errors.add("file", refusal_messages(exc)[0])
        if errors:
            if staged:
                staged.unlink(missing_ok=True)
            return await imports_page(
                principal, form={"keep_valid": choice}, errors=errors.ordered(IMPORT_FIELDS), status_code=422
            )
        job = await import_jobs.start_import(principal, staged, upload.filename, KEEP_VALID[choice])
        return see_other(query_url(IMPORT_JOBS, started=job["id"]) + f"#job-{job['id']}")

    @get("/import-jobs/{job_id:int}", name="web:dossier-import-job")
    async def import_job_row(
        self, principal: Caller, request: HTMXRequest, job_id: FromPath[int], new: FromQuery[bool] = False
    ) -> Response:
        """One job's entry: HTMX asks for it every two seconds while the job is queued or
        running; a finished one stops asking. Opened as an address, the list at the job.
        ``new``: the job just started, which stays marked as the polls replace it."""
        if job_id not in DB_INT_RANGE:  # no record has it (the database could not even read it)
            principal.require(Action.IMPORT_DOSSIERS)
            raise NotFound(f"import job {job_id} not found", "Không tìm thấy lượt nhập hồ sơ này.")
        job = await import_jobs.get_job(principal, job_id)
        if not wants_fragment(request, f"job-{job_id}"):
            return see_other(f"{IMPORT_JOBS}#job-{job_id}")
        names = await requester_names([job])
        return page(
            "dossier_import_row.html", None, job=describe_job(job, names), started=job_id if new else None
        )

    @get("/export", name="web:dossier-export")
    async def export(
        self,
        principal: Caller,
        request: Request,
        sort: FromQuery[str] = "group",
    ) -> Response:
        """The page's table as XLSX: one row per group in the page's order, then the total."""
        principal.require(Action.READ)
        filters = read_filters(request.query_params)
        query = await StatsQuery.parse(filters, sort)
        if query.errors:
            raise InvalidInput(
                "invalid statistics query",
                [FieldError(name, "invalid", message) for name, message in query.errors.items()],
            )
        table, total = await query.rows()
        rows = [export_row(row["label"], row["figures"]) for row in table]
        rows.append(export_row("Tổng cộng", total))
        header = [GROUPINGS[query.group_by], *EXPORT_HEADER]
        content = write_workbook("Hồ sơ TTHC", header, rows, percent_columns={7})
        name = f"thong-ke-ho-so-{query.first:%Y%m%d}-{query.last:%Y%m%d}.xlsx"
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/", name="web:dossiers")
    async def statistics(
        self,
        principal: Caller,
        request: HTMXRequest,
        sort: FromQuery[str] = "group",
        page_number: FromQuery[str] = "",
    ) -> Response:
        """The statistics page. An HTMX request that swaps the results gets them alone; one
        that swaps the form and results (the form's own), or any with errors, gets both, so
        each error shows in the summary and beside its field and a mended one goes away."""
        principal.require(Action.READ)
        typed = read_filters(request.query_params)
        query = await StatsQuery.parse(typed, sort)
        errors = query.errors
        wanted_page = read_page_number(page_number, errors, LATE_PAGE)
        filters = query.shown(typed)
        sort_param = sort if sort != "group" else None  # the default order is left out of addresses
        context: dict = {
            "filters": filters,
            "errors": errors,
            "groupings": GROUPINGS,
            "segments": SEGMENTS,
            "sort": sort,
            "sort_url": lambda key: query_url("/dossiers", **filters, sort=key),
            "export_url": query_url("/dossiers/export", **filters, sort=sort_param),
        }
        if not errors:
            try:
                context |= await results(query, wanted_page)
            except InvalidInput as exc:
                errors.add_domain(exc.errors, FIELD_NAMES)
            else:
                context["page_url"] = lambda n: query_url(
                    "/dossiers", **filters, sort=sort_param, page_number=n if n > 1 else None
                )
        context["errors"] = errors.ordered(FILTERS)
        context["imports"] = await loading_imports()
        if wants_fragment(request, RESULTS) and not errors:
            response = fragment("_dossier_results.html", DOSSIERS_TITLE, **context)
        else:
            context |= await choices()
            if request.htmx and not request.htmx.history_restore_request:
                response = fragment("_dossier_query.html", DOSSIERS_TITLE, **context)
                response.headers["HX-Retarget"] = f"#{QUERY}"
            else:
                response = page(
                    "dossiers.html",
                    await viewer_for(principal),
                    status_code=422 if errors else 200,
                    DOSSIERS_TITLE=DOSSIERS_TITLE,
                    **context,
                )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response


async def choices() -> dict:
    """What the form's lists offer: the units (the province's and the merged ones) and the
    catalogue's fields."""
    unit_rows, _ = await units.list_units(units.UnitFilter(), PageRequest(500, 0, "code"))
    return {"units": unit_rows, "fields": await procedures.catalogue_fields()}


async def results(query: StatsQuery, wanted_page: int) -> dict:
    """The figures, the chart and the page of late dossiers without an apology; a page past
    the last one shows the last (a list that shrank since its address was made)."""
    rows, total = await query.rows()
    late, late_total, wanted_page = await page_rows(
        lambda offset: dossier_stats.late_without_apology(
            query.first, query.last, query.scope, PageRequest(LATE_PAGE, offset)
        ),
        wanted_page,
        LATE_PAGE,
    )
    today = local_date(utcnow())
    judged = dossier_stats.judged_until(query.first, query.last, today)
    return {
        "start": query.first,
        "end": judged,
        "until_today": dossier_stats.appointments_past(judged, today) < judged,  # today is not over
        "total": total,
        "rows": rows,
        "chart_bars": stacked_bars(
            rows,
            SEGMENTS,
            label="label",
            caption=lambda row: f"{format_int(row['figures'].received)} hồ sơ tiếp nhận",
        ),
        "late": late,
        "late_total": late_total,
        "page_number": wanted_page,
        "pages": pages_of(late_total, LATE_PAGE),
    }


# --- dossier imports ------------------------------------------------------------------------


async def requester_names(jobs: list[dict]) -> dict[int, str]:
    """Who started each job: the account's full name (its username when it has none)."""
    names: dict[int, str] = {}
    for account_id in {job["requested_by"] for job in jobs if job["requested_by"] is not None}:
        try:
            account = await accounts.get_account(account_id)
        except NotFound:
            continue
        names[account_id] = account["full_name"] or account["username"]
    return names


def _count(number: int, noun: str) -> str:
    return f"{format_int(number)} {noun}"


def reading_words(job: dict) -> str:
    """How far a running import has got: the rows read and the share of the file, or, the whole
    file read, that it is checking and writing (a year's file spends a while there)."""
    rows = _count(job["rows_done"], "dòng")
    if job["read_fraction"] >= 1:
        return f"đã đọc hết tệp ({rows}), đang kiểm tra và ghi vào cơ sở dữ liệu"
    return f"đã đọc {rows} ({read_percent(job)}% tệp)"


def read_percent(job: dict) -> int:
    """The whole percent of the file read, rounded down: never 100 before the end (rounded to a
    millionth first, so that 0.29 of the file, 28.999… in binary, is 29)."""
    return math.floor(round(job["read_fraction"] * 100, 6))


async def loading_imports() -> list[dict]:
    """The imports still loading, for the notice on the pages whose figures they change."""
    return [
        {
            **job,
            "progress": "đang chuẩn bị tệp" if job["state"] == JobState.QUEUED.value else reading_words(job),
        }
        for job in await import_jobs.unfinished_jobs()
    ]


def job_outcome(job: dict) -> str:
    """What became of a job, in a sentence: still loading, loaded (with the counts), or not
    loaded and why (the job's own message is English, for the API: never shown)."""
    state, rejected, done = job["state"], job["rows_rejected"], job["rows_done"]
    if state == JobState.QUEUED.value:
        return "Đang chờ nạp: tệp đã được nhận, sắp bắt đầu đọc."
    if state == JobState.RUNNING.value:
        read = f"Đang nạp: {reading_words(job)}"
        return read + (f"; {_count(rejected, 'dòng')} có lỗi." if rejected else ".")
    if state == JobState.DONE.value:
        loaded = (
            f"Đã nạp xong: {_count(job['created'], 'hồ sơ mới')}, {_count(job['updated'], 'cập nhật')}, "
            f"{_count(job['unchanged'], 'không đổi')}"
        )
        return loaded + (f"; bỏ qua {_count(rejected, 'dòng lỗi')}." if rejected else ".")
    if rejected:
        return (
            f"Không nạp được: {_count(rejected, 'dòng')} trong {_count(done, 'dòng')} có lỗi nên chưa ghi "
            "hồ sơ nào. Sửa các dòng dưới đây rồi tải tệp lên lại, hoặc chọn “Nạp các dòng hợp lệ, "
            "bỏ qua dòng lỗi”."
        )
    messages = [error.get("message") for error in job["errors"] or [] if error.get("message")]
    if messages:
        return f"Không nạp được: {messages[0]} Chưa ghi hồ sơ nào."
    if job["message"].startswith("interrupted"):
        return "Không nạp được: máy chủ đã dừng khi đang nạp; chưa ghi hồ sơ nào. Hãy tải tệp lên lại."
    return (
        "Không nạp được: có lỗi hệ thống khi nạp tệp; chưa ghi hồ sơ nào. Hãy thử lại, nếu vẫn lỗi "
        "thì báo quản trị hệ thống."
    )


def column_label(field: str) -> str:
    """An error's column as the file may head it: the Vietnamese label and the key."""
    if field == "file":
        return "(cả tệp)"
    return f"{LABELS[field]} ({field})" if field in LABELS else field


def describe_job(job: dict, names: dict[int, str]) -> dict:
    errors = job["errors"] or []
    return {
        **job,
        "who": names.get(job["requested_by"], "—"),
        "state_label": JobState(job["state"]).label if job["state"] in set(JobState) else job["state"],
        "active": job["state"] in (JobState.QUEUED.value, JobState.RUNNING.value),
        # A bar with a value only while the file is read; waiting and writing have no measure.
        "percent": read_percent(job)
        if job["state"] == JobState.RUNNING.value and job["read_fraction"] < 1
        else None,
        "outcome": job_outcome(job),
        "shown_errors": [
            {**error, "column": column_label(error.get("field") or "")} for error in errors[:ERRORS_SHOWN]
        ],
        "error_count": len(errors),
        "more_errors": max(len(errors) - ERRORS_SHOWN, 0),
        "errors_capped": len(errors) >= MAX_REPORTED_ERRORS,
    }


async def imports_page(
    principal: Principal,
    *,
    form: dict | None = None,
    errors: FormErrors | None = None,
    started: int | None = None,
    page_number: int = 1,
    status_code: int = 200,
) -> Template:
    """The upload form (what was chosen kept, with its errors) and a page of the jobs."""
    principal.require(Action.IMPORT_DOSSIERS)
    rows, total, page_number = await page_rows(
        lambda offset: import_jobs.list_jobs(principal, PageRequest(JOBS_PAGE, offset)),
        page_number,
        JOBS_PAGE,
    )
    names = await requester_names(rows)
    jobs = [describe_job(row, names) for row in rows]
    return page(
        "dossier_imports.html",
        await viewer_for(principal),
        status_code=status_code,
        active="dossier-imports",
        form=form or {"keep_valid": "0"},
        errors=errors or FormErrors(),
        jobs=jobs,
        total=total,
        started=started if started in {job["id"] for job in jobs} else None,
        max_size=format_file_size(get_settings().import_max_bytes),
        page_number=page_number,
        pages=pages_of(total, JOBS_PAGE),
        page_url=lambda n: query_url(IMPORT_JOBS, page_number=n if n > 1 else None),
    )
