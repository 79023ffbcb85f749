"""Notifications for accounts. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from models.accounts.tables import Account
from models.plans.tables import Task


class Notification(Table):
    """A message for one account (a reminder, an overdue task, a late dossier), shown in the
    API and mailed when SMTP is configured. ``dedupe_key`` makes each daily sweep idempotent."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=32)
    subject = Varchar(length=255)
    body = Text(default="")
    task = ForeignKey(Task, null=True, on_delete=OnDelete.cascade)
    dedupe_key = Varchar(length=128, unique=True)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    mailed_at = Timestamptz(null=True, default=None)


TABLES = (Notification,)
