"""Units (đơn vị): agencies and local governments, with their history. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Varchar
from piccolo.table import Table


class Unit(Table):
    """An agency or local government (đơn vị). Never deleted: it is closed with valid_to."""

    code = Varchar(length=32, unique=True)
    name = Varchar(length=255)
    kind = Varchar(length=32)
    level = Varchar(length=16)
    parent = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    successor = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    search_text = Varchar(length=600, default="")
    version = Integer(default=1)  # bumped by every edit: a form sent from an older one is refused


TABLES = (Unit,)
