"""Official reports: request a run (202), follow it, download it, issue it; write drafts."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from api.common import convert, convert_all
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from core.settings import get_settings
from reports import drafts
from reports import runs as report_runs
from reports.issuers import issuer_profiles

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class RunIn(msgspec.Struct, forbid_unknown_fields=True):
    period: Annotated[
        str, msgspec.Meta(max_length=16, description='"2023-H1", "2023-Y", "2023-M9", "2023-Q3"')
    ]
    scope_unit_id: int | None = None
    request_key: Annotated[
        str,
        msgspec.Meta(
            max_length=64,
            description="Optional, up to 64 letters, digits, '-' or '_' (a UUID): sending the same key "
            "again for the same period and unit returns the run it made instead of a new version",
        ),
    ] = ""


class RunOut(msgspec.Struct):
    id: int
    kind: str
    period_key: str
    scope_unit: int | None
    version: int
    state: str
    trigger: str
    requested_by: int | None
    schedule: str
    error: str
    file_name: str
    size: int | None
    sha256: str
    pdf_size: int | None
    issuer_profile: str
    draft_version: int
    placeholders: int
    issued: bool
    issued_at: datetime | None
    issue_number: str
    issue_date: date | None
    signer_name: str
    issued_by: int | None
    placeholder_reason: str
    issued_sha256: str
    issued_size: int | None
    issued_pdf_size: int | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class FigureOut(msgspec.Struct):
    key: str
    value: str


class ParagraphOut(msgspec.Struct):
    key: str
    origin: Annotated[str, msgspec.Meta(description="generated | edited | deleted | staff")]
    text: str  # what prints (deleted: the generated text, which does not print)
    generated_text: str | None  # the generated text of now (None: staff-written or no longer generated)
    figures: list[FigureOut]
    placeholder: bool  # still to be written


class SectionOut(msgspec.Struct):
    key: str
    heading: str
    level: int
    paragraphs: list[ParagraphOut]


class WarningOut(msgspec.Struct):
    kind: Annotated[
        str, msgspec.Meta(description="data_changed | source_gone | contradiction | section_gone")
    ]
    section: str
    paragraph: str
    message: str


class ToWriteOut(msgspec.Struct):
    section: str
    key: str
    text: str


class CoverageOut(msgspec.Struct):
    source: str
    available: bool
    statement: str


class ProfileOut(msgspec.Struct):
    key: str
    label: str


class OfferOut(msgspec.Struct):
    section: str
    text: str  # a unit's answer to the period's reporting round, the unit named: add it with op "add"


class DraftOut(msgspec.Struct):
    period: str
    scope_unit_id: int | None
    version: int
    updated_at: datetime | None
    updated_by: int | None
    issuer_profile: str
    issuer_profiles: list[ProfileOut]
    coverage: list[CoverageOut]
    sections: list[SectionOut]
    warnings: list[WarningOut]
    to_write: list[ToWriteOut]
    offers: list[OfferOut]


Text = Annotated[str, msgspec.Meta(max_length=25_000)]
Key = Annotated[str, msgspec.Meta(max_length=200)]


class DraftChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    """One change; ``version`` is the draft's version you read (0 before the first save)."""

    op: Literal["edit", "delete", "restore", "move", "add", "issuer"]
    version: Annotated[int, msgspec.Meta(ge=0)]
    section: Key = ""
    key: Annotated[Key, msgspec.Meta(description="the paragraph; for add, the one to add after")] = ""
    text: Text = ""
    direction: Literal["up", "down", ""] = ""
    profile: Key = ""


class IssueIn(msgspec.Struct, forbid_unknown_fields=True):
    profile: Key
    number: Annotated[str, msgspec.Meta(max_length=16, description='"15": printed "Số: 15/BC-SNV"')]
    issued_on: date
    signer_name: Annotated[str, msgspec.Meta(max_length=200)]
    placeholder_reason: Annotated[
        str, msgspec.Meta(max_length=2000, description="required while paragraphs are still to be written")
    ] = ""


def draft_out(view: report_runs.DraftView) -> DraftOut:
    profiles = issuer_profiles(get_settings().report, view.data.scope_unit)
    sections = [
        SectionOut(
            section.key,
            section.heading,
            section.level,
            [
                ParagraphOut(
                    shown.key,
                    shown.origin,
                    shown.text,
                    shown.generated.text if shown.generated else None,
                    [FigureOut(k, v) for k, v in (shown.generated.figures if shown.generated else ())],
                    shown.placeholder,
                )
                for shown in drafts.shown_paragraphs(section, view.stored.sections)
            ],
        )
        for section in view.composed
    ]
    section_of = {p.key: s.key for s in view.applied for p in s.paragraphs}
    return DraftOut(
        period=view.period.key,
        scope_unit_id=view.scope_unit_id,
        version=view.stored.version,
        updated_at=view.stored.updated_at,
        updated_by=view.stored.updated_by,
        issuer_profile=view.data.issuer.key,  # the profile printed (reports.issuers.issuer_for)
        issuer_profiles=[ProfileOut(p.key, p.label) for p in profiles.values()],
        coverage=[CoverageOut(c.source, c.available, c.statement) for c in report_runs.coverage(view.data)],
        sections=sections,
        warnings=[WarningOut(w.kind, w.section_key, w.paragraph_key, w.message) for w in view.warnings],
        to_write=[ToWriteOut(section_of[p.key], p.key, p.text) for p in view.to_write],
        offers=[
            OfferOut(section, text)
            for section, texts in drafts.unit_answers(view.data, view.stored.sections).items()
            for text in texts
        ],
    )


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback (no diacritics, quotes or line breaks) and the UTF-8 name."""
    decomposed = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in decomposed if ch.isascii() and ch.isprintable() and ch not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


UnitQuery = Annotated[int | None, QueryParameter(name="unit_id")]


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]
    security = SECURITY

    @post("/", status_code=202, summary="Generate a report (a new version); runs in the background")
    async def request_run(self, principal: Caller, data: JSONBody[RunIn]) -> Response[RunOut]:
        run = await report_runs.request_run(
            principal, report_runs.RunRequest(data.period, data.scope_unit_id, data.request_key)
        )
        report_runs.start_run(run["id"])
        return Response(
            convert(run, RunOut), status_code=202, headers={"Location": f"{self.path}/{run['id']}"}
        )

    @get("/", summary="Report runs, newest first")
    async def list_runs(
        self,
        principal: Caller,
        kind: Annotated[str | None, QueryParameter(name="kind", max_length=16)] = None,
        period: Annotated[str | None, QueryParameter(name="period", max_length=16)] = None,
        run_state: Annotated[str | None, QueryParameter(name="state", max_length=16)] = None,
        unit_id: UnitQuery = None,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0)] = 0,
    ) -> Page[RunOut]:
        flt = report_runs.RunFilter(kind, period, run_state, unit_id)
        rows, total = await report_runs.list_runs(principal, flt, PageRequest(limit, offset))
        return Page(convert_all(rows, RunOut), total, limit, offset)

    @get("/{run_id:int}")
    async def get_run(self, principal: Caller, run_id: FromPath[int]) -> RunOut:
        return convert(await report_runs.get_run(principal, run_id), RunOut)

    @get(
        "/{run_id:int}/file",
        summary="The .docx (or, where LibreOffice is installed, the PDF)",
        opt={"media_types": list(MEDIA_TYPES.values())},
    )
    async def download(
        self,
        principal: Caller,
        run_id: FromPath[int],
        fmt: Annotated[str, QueryParameter(name="format", max_length=8)] = "docx",
    ) -> Response[bytes]:
        path, filename = await report_runs.run_file(principal, run_id, fmt)
        return Response(
            path.read_bytes(),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": content_disposition(filename)},
        )

    @post(
        "/{run_id:int}/issue",
        status_code=200,
        summary="Issue the run: number, date of issue, signer; the issued file is frozen (SHA-256 kept)",
    )
    async def issue(self, principal: Caller, run_id: FromPath[int], data: JSONBody[IssueIn]) -> RunOut:
        request = report_runs.IssueRequest(
            data.profile, data.number, data.issued_on, data.signer_name, data.placeholder_reason
        )
        return convert(await report_runs.issue_run(principal, run_id, request), RunOut)

    @delete("/{run_id:int}", status_code=204, summary="Delete a run that was not issued")
    async def delete_run(self, principal: Caller, run_id: FromPath[int]) -> None:
        await report_runs.delete_run(principal, run_id)

    @get("/drafts/{period:str}", summary="The draft: generated and staff paragraphs, warnings, coverage")
    async def get_draft(
        self, principal: Caller, period: FromPath[str], unit_id: UnitQuery = None
    ) -> DraftOut:
        return draft_out(await report_runs.open_draft(principal, period, unit_id))

    @post(
        "/drafts/{period:str}/changes",
        status_code=200,
        summary="Change the draft: edit, delete, restore, move or add a paragraph, or choose the issuer",
    )
    async def change_draft(
        self,
        principal: Caller,
        period: FromPath[str],
        data: JSONBody[DraftChangeIn],
        unit_id: UnitQuery = None,
    ) -> DraftOut:
        change = report_runs.DraftChange(
            data.op, data.section, data.key, data.text, data.direction, data.profile
        )
        return draft_out(await report_runs.change_draft(principal, period, unit_id, change, data.version))
