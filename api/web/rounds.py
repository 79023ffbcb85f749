"""Reporting rounds in the web: the rounds (staff open one), a round's completeness and
consolidated figures, and a unit's form — filled on a phone or a PC, or downloaded as XLSX and
uploaded back; saved as a draft, sent after a confirmation; reviewed by staff (accept after a
confirmation, return with a comment per field, enter a figure for the unit with a note).

The pages call the same domain functions as api/rounds.py (models.rounds), through the forms
layer (api/web/forms.py): errors at the top and beside each field, what was typed kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.errors import VI_TITLES
from api.rounds import round_period
from api.security import Caller
from api.web.common import counts_in_address, page, query_url, see_other, viewer_for
from api.web.forms import (
    FORM,
    FormErrors,
    FormSpec,
    Submission,
    confirmation,
    date_field,
    password_field,
    refusal_messages,
    text_field,
    whole_field,
)
from core.clock import local_date, utcnow
from core.errors import (
    Conflict,
    DomainError,
    FieldError,
    InvalidInput,
    PayloadTooLarge,
    StaleVersion,
    UnsupportedMediaType,
)
from core.settings import get_settings
from core.tabular import HeaderMismatch
from models.accounts import service as accounts
from models.permissions import Action, Principal
from models.rounds import catalogue, consolidation, files, rounds, rules
from models.rounds import submissions as subs
from models.rounds.forms_xlsx import upload_form
from models.vocabulary import ConsolidationRule, Measure, SubmissionStatus, UnitKind
from reports.periods import PeriodKind, period_for

REPORTER_FORM = FormSpec(
    text_field("username", "Tên đăng nhập", required="Nhập tên đăng nhập.", max_length=64),
    text_field("full_name", "Họ và tên", required="Nhập họ và tên.", max_length=255),
    password_field("password", "Mật khẩu tạm thời", required="Nhập mật khẩu tạm thời."),
)
OPEN_FORM = FormSpec(
    text_field("period", required="Chọn kỳ báo cáo.", max_length=16),
    date_field("deadline", required="Nhập hạn nộp."),
    text_field("title", "Tên đợt", max_length=500),
)
ENTRY_FORM = FormSpec(
    text_field("indicator", required="Chọn chỉ tiêu.", max_length=32),
    text_field("value", "Số liệu", max_length=200),
    text_field("note", "Lý do, căn cứ", required="Ghi rõ lý do nhập thay đơn vị.", max_length=rules.MAX_NOTE),
    whole_field("version", "Phiên bản không hợp lệ; hãy tải lại trang.", low=1),
)
VERSION_FORM = FormSpec(whole_field("version", "Phiên bản không hợp lệ; hãy tải lại trang.", low=1))
STALE = (
    "Báo cáo vừa được người khác lưu trước bạn. Nội dung bạn nhập vẫn còn dưới đây; kiểm tra rồi bấm lưu lại."
)


def period_choices(today: date) -> list[tuple[str, str]]:
    """The periods a round can be opened for: this year's and last year's, latest first."""
    calendar = get_settings().report.calendar
    choices = []
    for year in (today.year, today.year - 1):
        for kind, number in (
            (PeriodKind.ANNUAL, 0),
            (PeriodKind.NINE_MONTHS, 0),
            (PeriodKind.HALF_YEAR, 0),
            *((PeriodKind.QUARTER, n) for n in (4, 3, 2, 1)),
        ):
            period = period_for(kind, year, calendar, number)
            choices.append((period.key, period.label[0].upper() + period.label[1:]))
    return choices


def form_spec(form: dict) -> FormSpec:
    """The unit's form as fields named like the domain's (``figures.TC01``, ``notes.TC01``,
    ``answers.II.1``), so its errors land beside their fields."""
    fields = []
    for indicator in form["indicators"]:
        fields += [
            text_field(subs.figure_field(indicator["code"]), max_length=rules.MAX_TEXT),
            text_field(subs.note_field(indicator["code"]), max_length=rules.MAX_NOTE),
        ]
    fields += [
        text_field(subs.answer_field(q["section"]), max_length=subs.MAX_ANSWER)
        for q in form["round"]["questions"]
    ]
    return FormSpec(*fields, whole_field("version", "Phiên bản không hợp lệ; hãy tải lại trang.", low=1))


def field_labels(form: dict) -> dict[str, str]:
    """Each field of the unit's form as the error summary names it: on a form of thirty
    indicators "Phải là số nguyên." alone does not say which (the message beside the field can)."""
    labels = {}
    for indicator in form["indicators"]:
        figure = f"{indicator['code']} · {indicator['name']}"
        labels[subs.figure_field(indicator["code"])] = figure
        labels[subs.note_field(indicator["code"])] = f"Ghi chú cho {figure}"
    return labels | {subs.answer_field(q["section"]): q["text"] for q in form["round"]["questions"]}


def typed_value(measure: str, value) -> str:
    """A stored figure as the form shows it for editing (532.950; 95,11; có/không)."""
    if value is None:
        return ""
    if measure in (Measure.NUMBER, Measure.MONEY, Measure.PERCENT):
        return rules.display_value(measure, value).removesuffix("%")
    if measure == Measure.YES_NO:
        return "có" if value else "không"
    return str(value)


def blank(form: dict) -> Submission:
    shown = {"version": form["version"]}
    for indicator in form["indicators"]:
        code = indicator["code"]
        shown[subs.figure_field(code)] = typed_value(indicator["measure"], form["figures"].get(code))
        shown[subs.note_field(code)] = form["notes"].get(code, "")
    for section, text in form["answers"].items():
        shown[subs.answer_field(section)] = text
    return form_spec(form).blank(**shown)


def changes_of(sent: Submission, form: dict) -> subs.Changes:
    typed = sent.typed
    codes = [indicator["code"] for indicator in form["indicators"]]
    return subs.Changes(
        figures={code: typed[subs.figure_field(code)] for code in codes},
        notes={code: typed[subs.note_field(code)] for code in codes},
        answers={q["section"]: typed[subs.answer_field(q["section"])] for q in form["round"]["questions"]},
    )


def may_review(principal: Principal) -> bool:
    return principal.can(Action.MANAGE_ROUNDS)


GENERAL_COMMENT = "comments.general"


def review_labels(form: dict) -> dict[str, str]:
    """The review's comment boxes in page order (the indicators by section, the questions, then
    "Nhận xét chung"), each as the error summary names it; their ids are ``review-<name>``."""
    labels = field_labels(form)
    order = list(rules.INDICATOR_SECTIONS)
    shown = sorted(
        (indicator for indicator in form["indicators"] if indicator["section"] in order),
        key=lambda indicator: order.index(indicator["section"]),
    )
    names = [subs.figure_field(indicator["code"]) for indicator in shown]
    names += [subs.answer_field(q["section"]) for q in form["round"]["questions"]]
    return {f"comments.{name}": f"Nhận xét cho {labels[name]}" for name in names} | {
        GENERAL_COMMENT: "Nhận xét chung"
    }


def review_errors_of(exc: DomainError, labels: dict[str, str]) -> FormErrors:
    """A refused review as the page shows it: each comment's error beside its box (no comment at
    all, ``comments``, beside "Nhận xét chung"); the rest (the report's state, a comment on a
    field the page has no box for) at the top of the summary, unlinked."""
    errors, general = FormErrors(), []
    for error in exc.errors:
        name = GENERAL_COMMENT if error.field == "comments" else error.field
        message = error.message or VI_TITLES.get(exc.status_code, VI_TITLES[400])
        if name in labels:
            errors.add(name, message)
        elif message not in general:
            general.append(message)
    if general:
        errors.add(FORM, " ".join(general))
    return errors.ordered(labels)


async def submission_page(
    principal: Principal,
    submission_id: int,
    *,
    sent: Submission | None = None,
    review_refusal: DomainError | None = None,
    review_outcome: str = "Chưa trả lại được",
    comments: dict | None = None,
    upload_errors: list[str] | None = None,
    entry: Submission | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    form = await subs.get_submission(principal, submission_id)
    editable = form["editable_by_unit"] and principal.can(Action.SUBMIT_ROUND)
    sent = sent or blank(form)
    comment_labels = review_labels(form)
    return page(
        "round_submission.html",
        await viewer_for(principal),
        status_code=status_code,
        active="rounds",
        form=form,
        sent=sent,
        labels=field_labels(form),
        editable=editable,
        reviewer=may_review(principal),
        review_errors=review_errors_of(review_refusal, comment_labels) if review_refusal else {},
        review_outcome=review_outcome,
        review_labels=comment_labels,
        comments=comments or {},
        upload_errors=upload_errors or [],
        entry=entry or ENTRY_FORM.blank(version=form["version"]),
        history=await subs.history(principal, submission_id),
        display=rules.display_value,
        far=lambda code: rules.far_from_previous(form["figures"].get(code), form["previous"].get(code)),
        notice=notice,
        notice_warn=notice == STALE,
        measures=Measure,
        sections={key: f"{key}. {area.label}" for key, area in rules.INDICATOR_SECTIONS.items()},
        event_labels=subs.EVENT_LABELS,
    )


async def chosen_file(
    principal: Principal, submission_id: int, request: Request, field: str, missing: str
) -> tuple[UploadFile, dict, Submission] | Template:
    """The file sent in ``field`` with the submission and its form as shown; without a file,
    the page with ``missing`` beside the field."""
    file = (await request.form()).get(field)
    form = await subs.get_submission(principal, submission_id)
    shown = blank(form)
    if isinstance(file, UploadFile) and file.filename:
        return file, form, shown
    shown.add_error(field, missing)
    return await submission_page(principal, submission_id, sent=shown, status_code=422)


CATALOGUE_FILE_MISSING = "Chọn tệp danh mục (.xlsx hoặc .csv)."


def _file_refused_status(exc: DomainError) -> int:
    """A refused upload shows the form again: 422, whatever the file's fault (its type or size
    is a 415 or 413 on the API), as every upload form here answers; a conflict with the
    report's state keeps its own status."""
    return exc.status_code if isinstance(exc, Conflict) else 422


@dataclass(frozen=True)
class CatalogueRefusal:
    """Why a catalogue file was not imported, for the page: ``message`` is said in the error
    summary (linking to the file field) and beside the field; ``rows`` are the errors of the
    file's rows (row, column, the cell as written); ``header`` what is wrong with its header."""

    message: str
    rows: tuple[FieldError, ...] = ()
    header: tuple[str, ...] = ()


def catalogue_refusal(exc: DomainError) -> CatalogueRefusal:
    """A refused import as the page shows it, never the API's English ``detail``."""
    if isinstance(exc, HeaderMismatch):
        return CatalogueRefusal(
            f"Dòng tiêu đề (dòng {exc.row}) của tệp không khớp với mẫu; sửa rồi tải lên lại.",
            header=tuple(exc.lines),
        )
    rows = tuple(error for error in exc.errors if error.row)
    if not rows:  # the file as a whole: its type, its size, no header row
        return CatalogueRefusal(" ".join(refusal_messages(exc)))
    count = len({error.row for error in rows})
    whole = [error.message for error in exc.errors if not error.row and error.message]
    return CatalogueRefusal(" ".join([f"Tệp có {count} dòng lỗi; sửa rồi tải lên lại.", *whole]), rows=rows)


def imported_notice(created: str | None, updated: str | None) -> str:
    """The notice after an import, composed here from the two counts in the address; anything
    but two whole numbers an import can give shows nothing (never text from the address)."""
    counts = counts_in_address(created, updated)
    if counts is None or sum(counts) > catalogue.MAX_ROWS:
        return ""
    return f"Đã nhập danh mục: {counts[0]} chỉ tiêu mới, {counts[1]} chỉ tiêu cập nhật."


async def indicators_page(
    principal: Principal,
    *,
    notice: str = "",
    refusal: CatalogueRefusal | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.READ)
    return page(
        "round_indicators.html",
        await viewer_for(principal),
        status_code=status_code,
        active="rounds",
        indicators=await catalogue.list_indicators(),
        note=catalogue.default_catalogue_note(),
        sections={key: f"{key}. {area.label}" for key, area in rules.INDICATOR_SECTIONS.items()},
        measures=Measure,
        rules_=ConsolidationRule,
        kinds=UnitKind,
        notice=notice,
        errors={"file": refusal.message} if refusal else {},
        refusal=refusal,
        can_import=principal.can(Action.MANAGE_ROUNDS),
    )


class RoundPagesController(Controller):
    path = "/"

    @get("/rounds", name="web:rounds")
    async def rounds_page(self, principal: Caller, named: FromQuery[str | None] = None) -> Template:
        return await self._rounds(principal, named=named or "")

    @post("/rounds/reporters", name="web:round-reporter")
    async def name_reporter(self, principal: Caller, request: Request) -> Template | Redirect:
        """A unit head names the unit's reporter: an account with a temporary password."""
        sent = REPORTER_FORM.read(await request.form())
        if sent.ok:
            person = accounts.AccountData(
                sent["username"], sent["full_name"], "reporter", None, sent["password"]
            )
            done = await sent.attempt(accounts.delegate_reporter(principal, principal.unit_id or 0, person))
            if done is not None:
                return see_other(query_url("/rounds", named=done["username"]) + "#dau-moi")
        return await self._rounds(principal, reporter=sent, status_code=422)

    async def _rounds(
        self,
        principal: Principal,
        sent: Submission | None = None,
        status_code: int = 200,
        reporter: Submission | None = None,
        named: str = "",
    ) -> Template:
        principal.require(Action.READ)
        delegates = principal.can(Action.DELEGATE_REPORTER) and principal.unit_id is not None
        today = local_date(utcnow())
        mine = await subs.unit_submissions(principal.unit_id) if principal.can(Action.SUBMIT_ROUND) else []
        return page(
            "rounds.html",
            await viewer_for(principal),
            status_code=status_code,
            active="rounds",
            rounds=await rounds.list_rounds(),
            mine=[{**row, "status_label": SubmissionStatus(row["status"]).label} for row in mine],
            periods=period_choices(today),
            sent=sent or OPEN_FORM.blank(),
            can_open=principal.can(Action.MANAGE_ROUNDS),
            reporters=await accounts.unit_reporters(principal, principal.unit_id) if delegates else None,
            reporter=reporter or REPORTER_FORM.blank(),
            named=named,
        )

    @post("/rounds", name="web:round-open")
    async def open_round(self, principal: Caller, request: Request) -> Template | Redirect:
        principal.require(Action.MANAGE_ROUNDS)
        sent = OPEN_FORM.read(await request.form())
        choices = dict(period_choices(local_date(utcnow())))
        if sent["period"] is not None and sent["period"] not in choices:
            sent.add_error("period", "Kỳ báo cáo không hợp lệ.")
        if sent.ok:
            key = sent["period"]
            period = round_period(key)
            opened = await sent.attempt(
                rounds.open_round(principal, rounds.RoundData(period, sent["deadline"], sent["title"] or "")),
                {"unit_ids": "form", "indicator_codes": "form"},
            )
            if opened is not None:
                return see_other(f"/rounds/{opened['id']}?opened=1")
        return await self._rounds(principal, sent, 422)

    @get("/rounds/indicators", name="web:indicators")
    async def indicators(
        self,
        principal: Caller,
        created: FromQuery[str | None] = None,
        updated: FromQuery[str | None] = None,
    ) -> Template:
        return await indicators_page(principal, notice=imported_notice(created, updated))

    @post("/rounds/indicators", name="web:indicators-import")
    async def import_indicators(self, principal: Caller, request: Request) -> Template | Redirect:
        """A catalogue file (the export's columns): all rows or none, errors by row. A file the
        import refuses, whatever the reason (its type included, a 415 on the API), is a 422 here:
        the page is shown again with the reason, as the plan import on /admin/plans does."""
        principal.require(Action.MANAGE_ROUNDS)
        file = (await request.form()).get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            refusal = CatalogueRefusal(CATALOGUE_FILE_MISSING)
            return await indicators_page(principal, refusal=refusal, status_code=422)
        try:
            done = await catalogue.import_catalogue(principal, file.filename, await file.read())
        except (InvalidInput, UnsupportedMediaType, PayloadTooLarge) as exc:
            return await indicators_page(principal, refusal=catalogue_refusal(exc), status_code=422)
        return see_other(f"/rounds/indicators?created={done['created']}&updated={done['updated']}")

    @get("/rounds/{round_id:int}", name="web:round")
    async def round_page(
        self,
        principal: Caller,
        round_id: FromPath[int],
        opened: FromQuery[int | None] = None,
        closed: FromQuery[int | None] = None,
    ) -> Template:
        principal.require(Action.READ)
        state = await rounds.completeness(round_id)
        return page(
            "round.html",
            await viewer_for(principal),
            active="rounds",
            state=state,
            totals=await consolidation.consolidate_round(round_id),
            opened=bool(opened),
            closed=bool(closed),
            can_close=principal.can(Action.MANAGE_ROUNDS),
            may_open=lambda unit_id: may_review(principal) or unit_id == principal.unit_id,
        )

    @post("/rounds/{round_id:int}/close", name="web:round-close")
    async def close(
        self, principal: Caller, round_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """Stop collecting, after a confirmation naming the units that have not sent."""
        principal.require(Action.MANAGE_ROUNDS)
        if (await request.form()).get("confirmed") == "yes":
            await rounds.close_round(principal, round_id)
            return see_other(f"/rounds/{round_id}?closed=1")
        state = await rounds.completeness(round_id)
        return confirmation(
            await viewer_for(principal),
            title=f"Khóa {state['round']['title']}?",
            consequences=[
                "Các đơn vị không lưu, nộp hay sửa báo cáo được nữa; báo cáo đã nộp vẫn được xem xét.",
                f"Tình hình hiện nay: {state['label']}.",
            ],
            details=[unit["unit_name"] for unit in state["units"] if not unit["submitted"]],
            details_title="Đơn vị chưa nộp",
            action=f"/rounds/{round_id}/close",
            button="Khóa đợt báo cáo",
            cancel=f"/rounds/{round_id}",
            active="rounds",
        )

    @get("/submissions/{submission_id:int}", name="web:submission")
    async def submission(
        self, principal: Caller, submission_id: FromPath[int], done: FromQuery[str | None] = None
    ) -> Template:
        notices = {
            "saved": "Đã lưu nháp.",
            "uploaded": "Đã nhận tệp Excel và lưu nháp.",
            "submitted": "Đã nộp báo cáo. Sở Nội vụ sẽ xem xét và thông báo kết quả.",
            "accepted": "Đã tiếp nhận báo cáo của đơn vị.",
            "returned": "Đã trả lại báo cáo để đơn vị sửa.",
            "entered": "Đã nhập số liệu thay đơn vị.",
            "attached": "Đã đính kèm tệp minh chứng.",
        }
        return await submission_page(principal, submission_id, notice=notices.get(done or "", ""))

    @post("/submissions/{submission_id:int}", name="web:submission-save")
    async def save(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """Save the draft; "Nộp báo cáo" saves, checks what sending needs, then asks to confirm."""
        data = await request.form()
        form = await subs.get_submission(principal, submission_id)
        sent = form_spec(form).read(data)
        if not sent.ok:
            return await submission_page(principal, submission_id, sent=sent, status_code=422)
        try:
            saved = await sent.attempt(
                subs.save(principal, submission_id, changes_of(sent, form), expected_version=sent["version"])
            )
        except StaleVersion as exc:
            sent.typed["version"] = str(exc.current_version)
            sent.add_error("form", STALE)
            return await submission_page(principal, submission_id, sent=sent, status_code=412)
        if saved is None:
            return await submission_page(principal, submission_id, sent=sent, status_code=422)
        if data.get("action") != "submit":
            return see_other(f"/submissions/{submission_id}?done=saved")
        if problems := await subs.sending_problems(principal, submission_id):
            sent.typed["version"] = str(saved["version"])
            sent.add_problems(problems)
            return await submission_page(principal, submission_id, sent=sent, status_code=422)
        return confirmation(
            await viewer_for(principal),
            title=f"Nộp báo cáo {saved['round']['period_label']} của {saved['unit_name']}?",
            consequences=[
                "Sau khi nộp, đơn vị không sửa được báo cáo nữa, trừ khi Sở Nội vụ trả lại để sửa.",
                "Số liệu đã được lưu nháp; bạn có thể quay lại để xem trước khi nộp.",
            ],
            action=f"/submissions/{submission_id}/submit",
            button="Nộp báo cáo",
            warning="Đơn vị không tự rút lại được báo cáo đã nộp.",
            cancel=f"/submissions/{submission_id}",
            fields={"version": str(saved["version"])},
            active="rounds",
        )

    @post("/submissions/{submission_id:int}/submit", name="web:submission-submit")
    async def submit(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """The confirmed sending (the confirmation page posts the version it showed)."""
        version = VERSION_FORM.read(await request.form())["version"]
        try:
            await subs.submit(principal, submission_id, expected_version=version)
        except StaleVersion:
            return await submission_page(principal, submission_id, notice=STALE, status_code=412)
        except (InvalidInput, Conflict) as exc:
            shown = blank(await subs.get_submission(principal, submission_id))
            shown.add_problems(exc.errors)
            return await submission_page(principal, submission_id, sent=shown, status_code=exc.status_code)
        return see_other(f"/submissions/{submission_id}?done=submitted")

    @post("/submissions/{submission_id:int}/upload", name="web:submission-upload")
    async def upload(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """The unit's filled XLSX form: saved as a draft, or each bad cell listed."""
        chosen = await chosen_file(principal, submission_id, request, "file", "Chọn tệp Excel đã điền.")
        if isinstance(chosen, Template):
            return chosen
        file, form, shown = chosen
        try:
            await upload_form(principal, submission_id, file.filename, await file.read(), form["version"])
        except (InvalidInput, Conflict, UnsupportedMediaType, PayloadTooLarge) as exc:
            lines = refusal_messages(exc)
            if any(error.row for error in exc.errors):  # cells (or the header) to mend in Excel
                shown.add_error(
                    "file", f"Tệp có {len(lines)} lỗi nên chưa lưu gì; sửa trong Excel rồi tải lên lại."
                )
            else:  # the file as a whole (not a workbook, too large) or the form's state
                shown.add_error("file", " ".join(lines))
                lines = []
            return await submission_page(
                principal,
                submission_id,
                sent=shown,
                upload_errors=lines,
                status_code=_file_refused_status(exc),
            )
        return see_other(f"/submissions/{submission_id}?done=uploaded")

    @post("/submissions/{submission_id:int}/files", name="web:submission-file")
    async def attach(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """An evidence file for the submission (the unit while it may edit, staff)."""
        chosen = await chosen_file(principal, submission_id, request, "evidence", "Chọn tệp minh chứng.")
        if isinstance(chosen, Template):
            return chosen
        file, _, shown = chosen
        content = await file.read(get_settings().evidence_max_bytes + 1)
        try:
            await files.attach_file(principal, submission_id, file.filename, content)
        except (InvalidInput, Conflict, UnsupportedMediaType, PayloadTooLarge) as exc:
            message = (
                exc.errors[0].message
                if exc.errors
                else "Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPEG đến 20 MiB."
            )
            shown.add_error("evidence", message)
            return await submission_page(
                principal, submission_id, sent=shown, status_code=_file_refused_status(exc)
            )
        return see_other(f"/submissions/{submission_id}?done=attached")

    @post("/submissions/{submission_id:int}/review", name="web:submission-review")
    async def review(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        """Return with the comments typed beside the fields (``comments.<field>``), or accept
        after a confirmation (the unit can no longer change the report): the first post shows
        it, which posts back ``confirmed=yes`` with the version it showed."""
        data = await request.form()
        sent = VERSION_FORM.read(data)
        version = sent["version"]
        comments = {
            name.removeprefix("comments."): value
            for name, value in data.items()
            if name.startswith("comments.") and isinstance(value, str) and value.strip()
        }
        accepting = data.get("action") == "accept"
        try:
            if accepting:
                principal.require(Action.MANAGE_ROUNDS)
                if not sent.confirmed:
                    return await self._confirm_accept(principal, submission_id, version, comments)
                await subs.accept(principal, submission_id, expected_version=version)
                return see_other(f"/submissions/{submission_id}?done=accepted")
            await subs.return_submission(principal, submission_id, comments, expected_version=version)
            return see_other(f"/submissions/{submission_id}?done=returned")
        except StaleVersion:
            return await submission_page(principal, submission_id, notice=STALE, status_code=412)
        except (InvalidInput, Conflict) as exc:
            return await submission_page(
                principal,
                submission_id,
                review_refusal=exc,
                review_outcome="Chưa tiếp nhận được" if accepting else "Chưa trả lại được",
                comments=comments,
                status_code=exc.status_code,
            )

    async def _confirm_accept(
        self, principal: Principal, submission_id: int, version: int | None, comments: dict
    ) -> Template:
        """The page before accepting: what accepting does (models.rounds.submissions.accept),
        for the version the reviewer saw (an older one: the 412 page, as when confirming)."""
        form = await subs.get_submission(principal, submission_id)
        if version is not None and version != form["version"]:
            raise StaleVersion(form["version"])
        subs.check_reviewable(form)
        consequences = [
            "Đơn vị không sửa hay nộp lại báo cáo này được nữa, và báo cáo không trả lại để sửa được; "
            "Sở Nội vụ vẫn nhập thay được từng số liệu, kèm lý do.",
            f"Số liệu và nội dung báo cáo của đơn vị được đưa vào phần tổng hợp của đợt “{form['round']['title']}”.",
            "Lãnh đạo và cán bộ đầu mối của đơn vị nhận thông báo báo cáo đã được tiếp nhận.",
        ]
        if comments:
            consequences.append("Nhận xét bạn vừa ghi không được gửi cho đơn vị.")
        return confirmation(
            await viewer_for(principal),
            title=f"Tiếp nhận báo cáo {form['round']['period_label']} của {form['unit_name']}?",
            consequences=consequences,
            action=f"/submissions/{submission_id}/review",
            button="Tiếp nhận báo cáo",
            cancel=f"/submissions/{submission_id}",
            fields={"action": "accept", "version": str(version or form["version"])},
            active="rounds",
        )

    @post("/submissions/{submission_id:int}/entry", name="web:submission-entry")
    async def entry(
        self, principal: Caller, submission_id: FromPath[int], request: Request
    ) -> Template | Redirect:
        principal.require(Action.MANAGE_ROUNDS)
        sent = ENTRY_FORM.read(await request.form())
        if sent.ok:
            done = await sent.attempt(
                subs.enter_on_behalf(
                    principal,
                    submission_id,
                    sent["indicator"],
                    sent["value"],
                    sent["note"],
                    expected_version=sent["version"],
                ),
                {subs.figure_field(sent["indicator"]): "value", "If-Match": "version"},
            )
            if done is not None:
                return see_other(f"/submissions/{submission_id}?done=entered")
        return await submission_page(principal, submission_id, entry=sent, status_code=422)
