"""Reporting rounds: the indicator catalogue, rounds and their completeness, the units'
submissions (fill, upload, submit; accept, return, enter for a unit) and the consolidation.

Thin: each handler parses, and the domain (models.rounds) checks who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, MultipartBody
from litestar.response import File

from api.common import IfMatch, convert, convert_all, etag, parse_if_match
from api.security import SECURITY, Caller
from core.settings import get_settings
from models.permissions import Action
from models.plans.evidence import ALLOWED_TYPES
from models.rounds import catalogue, consolidation, files, forms_xlsx, rounds
from models.rounds import submissions as subs
from reports.periods import period_from_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Text = Annotated[str, msgspec.Meta(max_length=20_000)]


class IndicatorOut(msgspec.Struct):
    code: str
    name: str
    section: str
    measure: str
    unit_kinds: list[str]
    rule: str
    denominator: str
    minimum: float | None
    maximum: float | None
    integer: bool
    required: bool
    position: int
    active: bool
    version: int


class IndicatorIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=500)]
    section: Annotated[str, msgspec.Meta(max_length=32)]
    measure: Annotated[str, msgspec.Meta(max_length=16)]
    rule: Annotated[str, msgspec.Meta(max_length=16)]
    unit_kinds: list[str]
    denominator: Annotated[str, msgspec.Meta(max_length=32)] = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    required: bool = False
    active: bool = True


class CatalogueOut(msgspec.Struct):
    note: str  # how the shipped default is labelled
    items: list[IndicatorOut]


class ImportOut(msgspec.Struct):
    created: int
    updated: int


class QuestionIO(msgspec.Struct, forbid_unknown_fields=True):
    section: Annotated[str, msgspec.Meta(max_length=32)]
    text: Annotated[str, msgspec.Meta(max_length=500)]


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    period: Annotated[str, msgspec.Meta(max_length=16, description='"2024-H1", "2024-Y" …')]
    deadline: date
    title: Annotated[str, msgspec.Meta(max_length=500)] = ""
    unit_ids: list[int] = []
    indicator_codes: list[Annotated[str, msgspec.Meta(max_length=32)]] = []
    questions: list[QuestionIO] = []


class RoundOut(msgspec.Struct):
    id: int
    period_key: str
    period_label: str
    period_start: date
    period_end: date
    title: str
    deadline: date
    status: str
    indicator_codes: list[str]
    questions: list[QuestionIO]
    opened_at: datetime


class UnitStateOut(msgspec.Struct):
    id: int  # the submission
    unit: int
    unit_name: str
    status: str
    status_label: str
    version: int
    submitted: bool
    late: bool
    first_submitted_at: datetime | None
    submitted_at: datetime | None


class CompletenessOut(msgspec.Struct):
    round: RoundOut
    submitted: int
    accepted: int
    late: int
    total: int
    label: str  # "38/45 đơn vị đã nộp"
    units: list[UnitStateOut]  # late first


class SubmissionOut(msgspec.Struct):
    id: int
    round: RoundOut
    unit: int
    unit_name: str
    status: str
    status_label: str
    figures: dict[str, Any]
    notes: dict[str, str]
    answers: dict[str, str]
    comments: dict[str, str]  # field ("figures.TC01", "answers.II.1", "general") -> the reviewer's comment
    previous: dict[str, Any]  # last period's figures
    indicators: list[IndicatorOut]  # the unit's form
    editable_by_unit: bool
    files: list[FileOut]  # evidence attached
    version: int
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    updated_at: datetime


class FileOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ChangesIn(msgspec.Struct, forbid_unknown_fields=True):
    figures: dict[str, Any] = {}
    notes: dict[str, Text] = {}
    answers: dict[str, Text] = {}
    version: int | None = None


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    version: int | None = None


class ReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    comments: dict[str, Annotated[str, msgspec.Meta(max_length=1000)]]
    version: int | None = None


class EntryIn(msgspec.Struct, forbid_unknown_fields=True):
    indicator: Annotated[str, msgspec.Meta(max_length=32)]
    value: Any
    note: Annotated[str, msgspec.Meta(max_length=1000)]
    version: int | None = None


class EventOut(msgspec.Struct):
    version: int
    kind: str
    actor: int | None
    actor_name: str | None
    changed_at: datetime
    status: str
    figures: dict[str, Any]
    notes: dict[str, str]
    answers: dict[str, str]
    comments: dict[str, str]
    note: str


class UnitFigureOut(msgspec.Struct):
    unit_id: int
    unit_name: str
    value: Any


class TotalOut(msgspec.Struct):
    code: str
    name: str
    section: str
    measure: str
    rule: str
    value: Any  # None: no figure (no accepted unit gave one, or the rule makes none)
    display: str  # "532.950", "95,11%"
    reported: int
    asked: int
    units: list[UnitFigureOut]


class MissingOut(msgspec.Struct):
    unit_id: int
    unit_name: str
    status: str


class NarrativeOut(msgspec.Struct):
    section: str
    question: str
    unit_name: str
    text: str


class ConsolidatedOut(msgspec.Struct):
    round: RoundOut
    accepted: int
    total: int
    indicators: list[TotalOut]
    missing: list[MissingOut]
    narratives: list[NarrativeOut]


@dataclass
class FileUpload:
    file: UploadFile
    version: int | None = None


def round_period(key: str) -> rounds.RoundPeriod:
    """A report period key ("2024-H1") as the round needs it, under the configured calendar."""
    period = period_from_key(key, get_settings().report.calendar)
    return rounds.RoundPeriod(period.key, period.label, period.start, period.end)


def submission_response(row: dict, status_code: int = 200) -> Response[SubmissionOut]:
    return Response(
        convert(row, SubmissionOut), headers={"ETag": etag(row["version"])}, status_code=status_code
    )


def xlsx_response(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _version(if_match: str | None, body_version: int | None) -> int | None:
    named = parse_if_match(if_match)
    return named if named is not None else body_version


async def unit_write(
    write, principal, submission_id: int, data: ChangesIn, if_match: str | None
) -> Response[SubmissionOut]:
    """A unit's save or sending: the changes sent, at the version named (If-Match or body)."""
    changes = subs.Changes(data.figures, data.notes, data.answers)
    row = await write(principal, submission_id, changes, expected_version=_version(if_match, data.version))
    return submission_response(row)


class IndicatorController(Controller):
    path = "/api/indicators"
    tags = ["rounds"]
    security = SECURITY

    @get("/", summary="The indicator catalogue (the shipped one is the province's editable default)")
    async def list_indicators(self, principal: Caller) -> CatalogueOut:
        principal.require(Action.READ)
        rows = await catalogue.list_indicators()
        return CatalogueOut(catalogue.default_catalogue_note(), convert_all(rows, IndicatorOut))

    @put(
        "/{code:str}",
        summary="Create (201) or replace (200) an indicator; the path names its code as stored",
        description="With `If-Match` (the `version` listed, as an ETag), a replacement of an indicator "
        "changed meanwhile, or of one that does not exist, is refused with 412; without it the "
        "indicator is replaced or created.",
        responses={201: ResponseSpec(data_container=IndicatorOut, description="Indicator created")},
    )
    async def put_indicator(
        self, principal: Caller, code: FromPath[str], data: JSONBody[IndicatorIn], if_match: IfMatch = None
    ) -> Response[IndicatorOut]:
        fields = msgspec.structs.asdict(data) | {"code": code, "unit_kinds": tuple(data.unit_kinds)}
        row, created = await catalogue.save_indicator(
            principal, catalogue.IndicatorData(**fields), parse_if_match(if_match)
        )
        return Response(
            convert(row, IndicatorOut),
            status_code=201 if created else 200,
            headers={"ETag": etag(row["version"])},
        )

    @post(
        "/import", status_code=200, summary="Create or update indicators from XLSX/CSV (the export's columns)"
    )
    async def import_catalogue(self, principal: Caller, data: MultipartBody[FileUpload]) -> ImportOut:
        principal.require(Action.MANAGE_ROUNDS)
        content = await data.file.read()
        return convert(
            await catalogue.import_catalogue(principal, data.file.filename or "", content), ImportOut
        )

    @get("/export", summary="The catalogue as XLSX", opt={"media_types": [XLSX]})
    async def export_catalogue(self, principal: Caller) -> Response[bytes]:
        principal.require(Action.READ)
        return xlsx_response(await catalogue.export_catalogue(), "danh-muc-chi-tieu.xlsx")


class RoundController(Controller):
    path = "/api/rounds"
    tags = ["rounds"]
    security = SECURITY

    @get("/")
    async def list_rounds(self, principal: Caller) -> list[RoundOut]:
        principal.require(Action.READ)
        return convert_all(await rounds.list_rounds(), RoundOut)

    @post("/", summary="Open a round for a report period (notifies each unit's head and reporters)")
    async def open_round(self, principal: Caller, data: JSONBody[RoundIn]) -> RoundOut:
        principal.require(Action.MANAGE_ROUNDS)
        round_data = rounds.RoundData(
            round_period(data.period),
            data.deadline,
            data.title,
            tuple(data.unit_ids),
            tuple(data.indicator_codes),
            tuple((q.section, q.text) for q in data.questions),
        )
        return convert(await rounds.open_round(principal, round_data), RoundOut)

    @get(
        "/{round_id:int}", summary='The round and who has submitted ("38/45 đơn vị đã nộp"), late units first'
    )
    async def completeness(self, principal: Caller, round_id: FromPath[int]) -> CompletenessOut:
        principal.require(Action.READ)
        return convert(await rounds.completeness(round_id), CompletenessOut)

    @post("/{round_id:int}/close", status_code=200, summary="Stop collecting")
    async def close_round(self, principal: Caller, round_id: FromPath[int]) -> RoundOut:
        return convert(await rounds.close_round(principal, round_id), RoundOut)

    @get("/{round_id:int}/consolidated", summary="Province figures from the accepted submissions")
    async def consolidated(self, principal: Caller, round_id: FromPath[int]) -> ConsolidatedOut:
        principal.require(Action.READ)
        return convert(await consolidation.consolidate_round(round_id), ConsolidatedOut)

    @get(
        "/{round_id:int}/consolidated/export",
        summary="The consolidated table as XLSX",
        opt={"media_types": [XLSX]},
    )
    async def consolidated_export(self, principal: Caller, round_id: FromPath[int]) -> Response[bytes]:
        principal.require(Action.READ)
        round_row = await rounds.get_round(round_id)
        content = await consolidation.consolidated_workbook(round_id)
        return xlsx_response(content, f"tong-hop-{round_row['period_key']}.xlsx")

    @get("/{round_id:int}/units/{unit_id:int}", summary="A unit's submission to the round")
    async def unit_submission(
        self, principal: Caller, round_id: FromPath[int], unit_id: FromPath[int]
    ) -> Response[SubmissionOut]:
        submission_id = await subs.submission_id_for(principal, round_id, unit_id)
        return submission_response(await subs.get_submission(principal, submission_id))


class SubmissionController(Controller):
    path = "/api/submissions/{submission_id:int}"
    tags = ["rounds"]
    security = SECURITY

    @get("/")
    async def get_submission(
        self, principal: Caller, submission_id: FromPath[int]
    ) -> Response[SubmissionOut]:
        return submission_response(await subs.get_submission(principal, submission_id))

    @post("/draft", status_code=200, summary="Save figures, notes and answers as a draft (the unit)")
    async def save(
        self,
        principal: Caller,
        submission_id: FromPath[int],
        data: JSONBody[ChangesIn],
        if_match: IfMatch = None,
    ) -> Response[SubmissionOut]:
        return await unit_write(subs.save, principal, submission_id, data, if_match)

    @post("/submit", status_code=200, summary="Send the submission (the unit); read-only for it afterwards")
    async def submit(
        self,
        principal: Caller,
        submission_id: FromPath[int],
        data: JSONBody[ChangesIn],
        if_match: IfMatch = None,
    ) -> Response[SubmissionOut]:
        return await unit_write(subs.submit, principal, submission_id, data, if_match)

    @post("/accept", status_code=200, summary="Accept a submitted submission (staff)")
    async def accept(
        self,
        principal: Caller,
        submission_id: FromPath[int],
        data: JSONBody[ReviewIn],
        if_match: IfMatch = None,
    ) -> Response[SubmissionOut]:
        row = await subs.accept(principal, submission_id, expected_version=_version(if_match, data.version))
        return submission_response(row)

    @post(
        "/return", status_code=200, summary="Return a submitted submission with a comment per field (staff)"
    )
    async def return_submission(
        self,
        principal: Caller,
        submission_id: FromPath[int],
        data: JSONBody[ReturnIn],
        if_match: IfMatch = None,
    ) -> Response[SubmissionOut]:
        expected = _version(if_match, data.version)
        row = await subs.return_submission(principal, submission_id, data.comments, expected_version=expected)
        return submission_response(row)

    @post(
        "/entries",
        status_code=200,
        summary="Enter a figure on the unit's behalf, with a note (staff; audited)",
    )
    async def enter(
        self,
        principal: Caller,
        submission_id: FromPath[int],
        data: JSONBody[EntryIn],
        if_match: IfMatch = None,
    ) -> Response[SubmissionOut]:
        expected = _version(if_match, data.version)
        row = await subs.enter_on_behalf(
            principal, submission_id, data.indicator, data.value, data.note, expected_version=expected
        )
        return submission_response(row)

    @post(
        "/files",
        summary="Attach an evidence file (PDF, DOCX, XLSX, PNG, JPEG; the unit while it may edit, staff)",
    )
    async def attach(
        self, principal: Caller, submission_id: FromPath[int], data: MultipartBody[FileUpload]
    ) -> FileOut:
        limit = get_settings().evidence_max_bytes
        content = await data.file.read(limit + 1)
        row = await files.attach_file(principal, submission_id, data.file.filename or "", content)
        return convert(row, FileOut)

    @get(
        "/files/{file_id:int}",
        summary="Download an evidence file of the submission",
        opt={"media_types": list(ALLOWED_TYPES)},
    )
    async def download_file(
        self, principal: Caller, submission_id: FromPath[int], file_id: FromPath[int]
    ) -> File:
        stored = await files.open_file(principal, submission_id, file_id)
        return File(
            path=stored.path,
            filename=stored.filename,
            media_type=stored.content_type,
            content_disposition_type="attachment",
        )

    @get("/history", summary="Every change, oldest first")
    async def history(self, principal: Caller, submission_id: FromPath[int]) -> list[EventOut]:
        return convert_all(await subs.history(principal, submission_id), EventOut)

    @get("/form", summary="The unit's form as XLSX, to fill in Excel", opt={"media_types": [XLSX]})
    async def download_form(self, principal: Caller, submission_id: FromPath[int]) -> Response[bytes]:
        content = await forms_xlsx.form_workbook(principal, submission_id)
        return xlsx_response(content, f"bao-cao-{submission_id}.xlsx")

    @post("/form", status_code=200, summary="Upload the filled XLSX form (saved as a draft; errors by cell)")
    async def upload_form(
        self, principal: Caller, submission_id: FromPath[int], data: MultipartBody[FileUpload]
    ) -> Response[SubmissionOut]:
        content = await data.file.read()
        row = await forms_xlsx.upload_form(
            principal, submission_id, data.file.filename or "", content, data.version
        )
        return submission_response(row)
