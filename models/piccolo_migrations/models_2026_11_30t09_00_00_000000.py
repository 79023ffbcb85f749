"""Issuing as officials work: a report run records the issuer profile and the draft version it
was generated from, how many placeholders it still held, and, once issued, the number, the date
of issue, the signer, who issued it, the reason given for issuing with placeholders left, and
the issued file's size and SHA-256. A draft records the issuer profile staff chose."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Integer, Serial, Text, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "report issuing: issuer profile, number, date, signer, frozen file"


class Account(Table, tablename="account", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


def _params(**params):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **params,
    }


RUN_COLUMNS = (
    ("issuer_profile", Varchar, _params(length=32, default="department")),
    ("draft_version", Integer, _params(default=0)),
    ("placeholders", Integer, _params(default=0)),
    ("issue_number", Varchar, _params(length=16, default="")),
    ("issue_date", Date, _params(default=None, null=True)),
    ("signer_name", Varchar, _params(length=255, default="")),
    (
        "issued_by",
        ForeignKey,
        _params(
            references=Account,
            on_delete=OnDelete.restrict,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
        ),
    ),
    ("placeholder_reason", Text, _params(default="")),
    ("issued_sha256", Varchar, _params(length=64, default="")),
    ("issued_size", Integer, _params(default=None, null=True)),
    ("issued_pdf_size", Integer, _params(default=None, null=True)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)
    for name, column_class, params in RUN_COLUMNS:
        manager.add_column(
            table_class_name="ReportRun",
            tablename="report_run",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="ReportDraft",
        tablename="report_draft",
        column_name="issuer_profile",
        db_column_name="issuer_profile",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=32, default="department"),
        schema=None,
    )
    return manager
