"""Index results (PAR INDEX, SIPAS, PAPI …) and their components. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from models.accounts.tables import Account


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# index_result_kind_year: unique (kind, year).
class IndexResult(Table):
    """A province's score on a national index for one year (PAR INDEX, SIPAS, PAPI, PCI).
    One per (kind, year): a unique index in the migrations."""

    kind = Varchar(length=16)
    year = Integer()
    score = DoublePrecision()
    scale = DoublePrecision()
    rank = Integer(null=True, default=None)
    out_of = Integer(null=True, default=None)
    target = DoublePrecision(null=True, default=None)
    published_on = Date(null=True, default=None)  # when the result was announced (None: not known)
    source = Varchar(length=500, default="")  # where it was announced
    assumed = Boolean(default=False)  # a value entered as an assumption: never printed in a report
    note = Text(default="")
    version = Integer(default=1)  # bumped by every replacement (If-Match)
    updated_at = Timestamptz()
    updated_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# index_component_position: unique (result, position).
class IndexComponent(Table):
    """A component criterion of a year's index result, e.g. "phát triển ứng dụng, dịch vụ
    phục vụ người dân, tổ chức: 2,57/7"; replaced with the result."""

    result = ForeignKey(IndexResult, on_delete=OnDelete.cascade)  # indexed with position
    position = Integer()
    name = Varchar(length=500)
    score = DoublePrecision()
    max_score = DoublePrecision()


TABLES = (
    IndexResult,
    IndexComponent,
)
