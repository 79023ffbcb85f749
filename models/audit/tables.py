"""The append-only audit log. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from models.accounts.tables import Account


class AuditEntry(Table):
    """One change requested through the API or the web pages: who, when, what, from where.
    Append-only: nothing in the application updates or deletes these rows."""

    at = Timestamptz(index=True)
    account = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    username = Varchar(length=64, default="")
    role = Varchar(length=16, default="")
    method = Varchar(length=8)
    path = Varchar(length=500)
    operation = Varchar(length=128, default="")
    status = Integer()
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=200, default="")


TABLES = (AuditEntry,)
