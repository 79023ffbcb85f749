"""Report runs (generated files, versions, issuing) and drafts. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from models.accounts.tables import Account
from models.units.tables import Unit


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# report_run_version: unique (kind, period_key, scope_key, version); report_run_scheduled:
# the same key without version, where trigger = 'schedule' (a partial index); report_run_request:
# (kind, period_key, scope_key, request_key) where request_key <> '' (one run per request).
class ReportRun(Table):
    """One generation of an official report. Versions of a (kind, period, scope) are kept;
    an issued run is never overwritten or deleted. Scheduled runs are claimed by a partial
    unique index on (kind, period_key, scope_key) where trigger = 'schedule'."""

    kind = Varchar(length=16)
    period_key = Varchar(length=16)
    scope_key = Integer(default=0)  # 0: the province; else the unit's id
    scope_unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    version = Integer()
    state = Varchar(length=16)
    trigger = Varchar(length=16)  # manual | schedule
    request_key = Varchar(length=64, default="")  # the requester's key: a repeated request makes no new run
    requested_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    schedule = Varchar(length=64, default="")
    error = Text(default="")
    file_name = Varchar(length=255, default="")
    size = Integer(null=True, default=None)
    sha256 = Varchar(length=64, default="")
    pdf_size = Integer(null=True, default=None)
    issuer_profile = Varchar(length=32, default="department")  # reports.issuers
    draft_version = Integer(default=0)  # the draft's version it was generated from
    placeholders = Integer(default=0)  # paragraphs still to be written when it was generated
    issued = Boolean(default=False)
    issued_at = Timestamptz(null=True, default=None)
    issue_number = Varchar(length=16, default="")
    issue_date = Date(null=True, default=None)
    signer_name = Varchar(length=255, default="")
    issued_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    placeholder_reason = Text(default="")  # why it was issued with placeholders left
    issued_sha256 = Varchar(length=64, default="")  # of the issued file, which never changes
    issued_size = Integer(null=True, default=None)
    issued_pdf_size = Integer(null=True, default=None)
    attempts = Integer(default=0)
    lease_until = Timestamptz(null=True, default=None)
    lease_owner = Varchar(length=128, default="")  # host:pid of the process generating it
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# report_draft_key: unique (kind, period_key, scope_key).
class ReportDraft(Table):
    """What staff made of a report (kind, period, scope) before it is generated: per outline
    section, its paragraphs in order (reports.drafts), and the issuer profile chosen."""

    kind = Varchar(length=16)
    period_key = Varchar(length=16)
    scope_key = Integer(default=0)
    sections = JSON(default={})
    issuer_profile = Varchar(length=32, default="department")
    version = Integer(default=1)
    updated_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz()


TABLES = (
    ReportRun,
    ReportDraft,
)
