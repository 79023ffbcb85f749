"""Accounts and their credentials (session tokens, API keys). Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from models.units.tables import Unit


class Account(Table, tablename="account"):
    """A person (or machine client owner) who signs in."""

    username = Varchar(length=64, unique=True)
    full_name = Varchar(length=255)
    role = Varchar(length=16)
    unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    password_hash = Varchar(length=255, secret=True)
    # True while the password is a temporary one an administrator set: changed at next sign-in.
    must_change_password = Boolean(default=False)
    version = Integer(default=1)  # bumped by every edit: a form sent from an older one is refused
    created_at = Timestamptz()


class Credential(Table):
    """A bearer token (session, expires) or an API key (no expiry), stored as a keyed digest."""

    digest = Varchar(length=64, unique=True)
    account = ForeignKey(Account, on_delete=OnDelete.cascade)
    kind = Varchar(length=16)
    name = Varchar(length=128, default="")
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


TABLES = (
    Account,
    Credential,
)
