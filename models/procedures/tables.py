"""The administrative-procedure catalogue (TTHC). Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, OnDelete, Real, Text, Varchar
from piccolo.table import Table

from models.units.tables import Unit


class Procedure(Table, tablename="admin_procedure"):
    """An administrative procedure (thủ tục hành chính) of the province's catalogue."""

    code = Varchar(length=64, unique=True)
    name = Text()
    field = Varchar(length=255, index=True)
    level = Varchar(length=16)
    handling_unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    processing_days = Real(null=True, default=None)
    online_level = Varchar(length=16)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    search_text = Text(default="")


TABLES = (Procedure,)
