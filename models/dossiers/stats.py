"""Dossier statistics for a period and a scope, grouped as the reports need them.

Every dossier that was open at some point of the period falls in exactly one bucket, so the
figures reconcile: carried over + received = resolved (early, on time, late) + returned or
withdrawn + still open (within deadline or overdue). Dates are the province's calendar days
(derived on import), so a period is a plain comparison of dates.

Units follow their history: a dossier of a unit closed before the period (a district
abolished in 2025, a merged commune) counts under the unit that succeeded it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

from core import clock
from core.errors import InvalidInput
from core.paging import PageRequest
from core.text import format_date_short, nfc
from models.dossiers.tables import Dossier
from models.dossiers.tallies import dialect_of
from models.procedures.tables import Procedure
from models.units.tables import Unit
from models.vocabulary import Channel, DossierOutcome, Timeliness

GROUP_KEYS = ("unit", "level", "field", "month", "channel", "procedure")
MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Figures:
    """The counts of one group (or of the whole scope) for a period."""

    carried_over: int = 0
    received_direct: int = 0
    received_online: int = 0
    received_postal: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    returned: int = 0
    withdrawn: int = 0
    open_within_deadline: int = 0
    open_overdue: int = 0
    apologies_issued: int = 0
    received_cashless: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def received(self) -> int:
        return self.received_direct + self.received_online + self.received_postal

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def open(self) -> int:
        return self.open_within_deadline + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of resolved dossiers resolved early or on time, in percent."""
        return 100 * (self.resolved_early + self.resolved_on_time) / self.resolved if self.resolved else None

    @property
    def online_share(self) -> float | None:
        return 100 * self.received_online / self.received if self.received else None

    @property
    def apologies_owed(self) -> int:
        """Every dossier late in the period (resolved late, or still open past its deadline)."""
        return self.resolved_late + self.open_overdue

    @property
    def apologies_outstanding(self) -> int:
        """Late dossiers with no apology issued by the period's end: the count of
        ``late_without_apology``, without reading the rows."""
        return self.apologies_owed - self.apologies_issued

    def reconciles(self) -> bool:
        return self.carried_over + self.received == self.resolved + self.returned + self.withdrawn + self.open


@dataclass(frozen=True)
class Scope:
    unit_id: int | None = None  # the unit and every unit under it (and their predecessors)
    level: str | None = None  # the procedure's level
    field: str | None = None
    procedure_id: int | None = None
    received_from: date | None = None  # leave out dossiers received before this day (counted by scan:
    # the tallies hold days of events, not each dossier's receipt)

    def __post_init__(self) -> None:
        if self.field:  # "Đất đai" typed in NFD is the same field as the stored (NFC) one
            object.__setattr__(self, "field", nfc(self.field))


@dataclass(frozen=True)
class StatsGroup:
    key: dict
    figures: Figures


@dataclass(frozen=True)
class DossierStats:
    start: date
    end: date
    scope: Scope
    group_by: tuple[str, ...]
    total: Figures
    groups: tuple[StatsGroup, ...]


def check_period(start: date, end: date, group_by: tuple[str, ...]) -> None:
    """A period of statistics runs forwards, lasts at most MAX_PERIOD_DAYS (five years) and is
    grouped by known keys; else 422 naming the field."""
    if end < start:
        raise InvalidInput.field("to", "before from", "Ngày kết thúc trước ngày bắt đầu.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput.field("to", "the period is at most 5 years", "Kỳ thống kê tối đa 5 năm.")
    for key in group_by:
        if key not in GROUP_KEYS:
            raise InvalidInput.field(
                "group_by",
                f"unknown key {key!r}; allowed: {', '.join(GROUP_KEYS)}",
                "Tiêu chí nhóm không hợp lệ.",
            )


def judged_until(start: date, end: date, today: date) -> date:
    """The last day a period's figures can speak for: its end, or today when it ends later. A
    dossier still open is overdue only once its appointment has passed, so judging it at a
    day still ahead would count as late what may yet be done in time; a period that starts
    after today has no figures at all (422)."""
    if start > today:
        raise InvalidInput.field(
            "from", "after today: no figures yet", "Kỳ thống kê bắt đầu sau hôm nay: chưa có số liệu."
        )
    return min(end, today)


# --- units and their history ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitTree:
    units: dict[int, dict]

    @classmethod
    async def load(cls) -> UnitTree:
        rows = await Unit.select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.kind,
            Unit.level,
            Unit.parent,
            Unit.successor,
            Unit.valid_from,
            Unit.valid_to,
        )
        return cls({row["id"]: row for row in rows})

    def representative(self, unit_id: int, start: date) -> int:
        """The unit that stands for ``unit_id`` in a period starting on ``start``: its
        successor (and theirs) when it was closed before the period began."""
        seen = set()
        unit = self.units[unit_id]
        while unit["valid_to"] and unit["valid_to"] < start and unit["successor"] and unit["id"] not in seen:
            seen.add(unit["id"])
            unit = self.units[unit["successor"]]
        return unit["id"]

    def name_in_period(self, unit_id: int, start: date, end: date) -> str:
        """The unit's name, with the part of the period from ``start`` to ``end`` it existed in
        when that is not all of it ("Sở Thông tin và Truyền thông (đến 28/02/2025)", "UBND xã
        Tiên Yên (từ 01/07/2025)"): a table of the period holding a unit and its successor, or
        a ranking of them, says which is which."""
        unit = self.units[unit_id]
        began = unit["valid_from"] if unit["valid_from"] and start < unit["valid_from"] <= end else None
        ended = unit["valid_to"] if unit["valid_to"] and start <= unit["valid_to"] < end else None
        if began and ended:
            return f"{unit['name']} (từ {format_date_short(began)} đến {format_date_short(ended)})"
        if began:
            return f"{unit['name']} (từ {format_date_short(began)})"
        if ended:
            return f"{unit['name']} (đến {format_date_short(ended)})"
        return unit["name"]

    def merged_into(self, unit_id: int) -> set[int]:
        """The units merged into ``unit_id`` (their successor), and those merged into them."""
        found: set[int] = set()
        successors = {unit_id}
        while successors:
            successors = (
                {row["id"] for row in self.units.values() if row["successor"] in successors}
                - found
                - {unit_id}
            )
            found |= successors
        return found

    def under(self, unit_id: int) -> set[int]:
        """The unit, every unit under it, and every unit that was merged into one of those."""
        members = {unit_id}
        changed = True
        while changed:
            before = len(members)
            members |= {
                row["id"]
                for row in self.units.values()
                if row["parent"] in members or row["successor"] in members
            }
            changed = len(members) != before
        return members


# --- the query --------------------------------------------------------------------------------

_DIMENSIONS = {
    "day": "d.day",
    "unit": 'd."unit"',
    "level": "p.level",
    "field": "p.field",
    "channel": "d.channel",
    "procedure": 'd."procedure"',
}
_OPEN_AT_END = "(d.closed_on IS NULL OR d.closed_on > {end})"
_CLOSED_IN = "d.closed_on <= {end}"
_MEASURES = {
    "carried_over": "d.received_on < {start}",
    "received_direct": "d.received_on >= {start} AND d.channel = 'direct'",
    "received_online": "d.received_on >= {start} AND d.channel = 'online'",
    "received_postal": "d.received_on >= {start} AND d.channel = 'postal'",
    "resolved_early": f"{_CLOSED_IN} AND d.timeliness = '{Timeliness.EARLY}'",
    "resolved_on_time": f"{_CLOSED_IN} AND d.timeliness = '{Timeliness.ON_TIME}'",
    "resolved_late": f"{_CLOSED_IN} AND d.timeliness = '{Timeliness.LATE}'",
    "returned": f"{_CLOSED_IN} AND d.outcome = '{DossierOutcome.RETURNED}'",
    "withdrawn": f"{_CLOSED_IN} AND d.outcome = '{DossierOutcome.WITHDRAWN}'",
    "open_within_deadline": f"{_OPEN_AT_END} AND d.due_on > {{end}}",
    "open_overdue": f"{_OPEN_AT_END} AND d.due_on <= {{end}}",
    "apologies_issued": (
        f"((({_CLOSED_IN} AND d.timeliness = '{Timeliness.LATE}') OR ({_OPEN_AT_END} AND d.due_on <= {{end}}))"
        " AND d.apology_issued_on <= {end})"
    ),
    "received_cashless": "d.received_on >= {start} AND d.cashless = {true}",
}
# A dossier belongs to a period if it was received by its end and not closed before its start.
_IN_PERIOD = "d.received_on <= {end} AND (d.closed_on IS NULL OR d.closed_on >= {start})"


class _Params:
    """Piccolo's raw queries take ``{}`` placeholders and positional values."""

    def __init__(self) -> None:
        self.values: list = []

    def add(self, value) -> str:
        self.values.append(value)
        return "{}"


def _condition(template: str, params: _Params, start: date, end: date, values=iter(())) -> str:
    """``template`` with {start}, {end} and {true} filled in, and each {} taken from ``values``."""
    parts = template.split("{")
    text = parts[0]
    for part in parts[1:]:
        name, rest = part.split("}", 1)
        text += {
            "start": lambda: params.add(start),
            "end": lambda: params.add(end),
            "true": lambda: "true",
            "": lambda: params.add(next(values)),
        }[name]()
        text += rest
    return text


def _scope_sql(scope_units: set[int] | None, scope: Scope, params: _Params, needs_procedure=False):
    """The join and conditions that restrict dossiers to a scope."""
    where = []
    if scope_units is not None:
        where.append(f'd."unit" IN ({", ".join(params.add(u) for u in sorted(scope_units))})')
    if scope.received_from is not None:
        where.append(f"d.received_on >= {params.add(scope.received_from)}")
    if scope.level:
        where.append(f"p.level = {params.add(scope.level)}")
    if scope.field:
        where.append(f"p.field = {params.add(scope.field)}")
    if scope.procedure_id is not None:
        where.append(f'd."procedure" = {params.add(scope.procedure_id)}')
    join = ""
    if scope.level or scope.field or needs_procedure:
        join = f' JOIN {Procedure._meta.tablename} p ON p.id = d."procedure"'
    return join, where


def stats_query(start: date, end: date, scope_units: set[int] | None, scope: Scope, dims: list[str]):
    """The one aggregate query: conditional counts per group over the period's dossiers."""
    params = _Params()
    select = [f"{_DIMENSIONS[d]} AS {d}" for d in dims]
    select += [
        f"COUNT(*) FILTER (WHERE {_condition(sql, params, start, end)}) AS {name}"
        for name, sql in _MEASURES.items()
    ]
    # Placeholders are positional: conditions are built in the order they appear in the SQL.
    in_period = _condition(_IN_PERIOD, params, start, end)
    join, where = _scope_sql(scope_units, scope, params, needs_procedure={"level", "field"} & set(dims))
    where.insert(0, in_period)
    sql = f"SELECT {', '.join(select)} FROM dossier d{join} WHERE {' AND '.join(where)}"
    if dims:
        sql += f" GROUP BY {', '.join(_DIMENSIONS[d] for d in dims)}"
    return Dossier.raw(sql, *params.values)


async def grouped_by_scan(start, end, scope_units, scope, dims) -> list[tuple[dict, Figures]]:
    """The reference: every figure counted over the dossier rows themselves."""
    names = [f.name for f in fields(Figures)]
    rows = await stats_query(start, end, scope_units, scope, dims)
    return [({d: row[d] for d in dims}, Figures(*(int(row[n] or 0) for n in names))) for row in rows]


# --- the same figures from the tallies ----------------------------------------------------------

# Sums over tally rows; a row is "within" the period when its day is on or after the start
# (the rows read are the period's and the history before it, see _tally_rows).
_WITHIN = "d.day >= {start}"
_CLOSED_FIGURES = {
    "resolved_early": "closed_early",
    "resolved_on_time": "closed_on_time",
    "resolved_late": "closed_late",
    "returned": "closed_returned",
    "withdrawn": "closed_withdrawn",
}
_CLOSED_ALL = " + ".join(f"d.{measure}" for measure in _CLOSED_FIGURES.values())
_TALLY_SUMS = {
    "carried_over": f"SUM(CASE WHEN {_WITHIN} THEN 0 ELSE d.received - ({_CLOSED_ALL}) END)",
    **{
        f"received_{channel}": f"SUM(CASE WHEN {_WITHIN} AND d.channel = '{channel}' THEN d.received ELSE 0 END)"
        for channel in Channel
    },
    **{
        figure: f"SUM(CASE WHEN {_WITHIN} THEN d.{measure} ELSE 0 END)"
        for figure, measure in _CLOSED_FIGURES.items()
    },
    "open_at_end": f"SUM(d.received - ({_CLOSED_ALL}))",
    "overdue_at_end": "SUM(d.overdue_started - d.overdue_ended)",
    "apologies_issued": (
        f"SUM(CASE WHEN {_WITHIN} THEN d.late_apologised ELSE 0 END)"
        " + SUM(d.apology_due_started - d.apology_due_ended)"
    ),
    "received_cashless": f"SUM(CASE WHEN {_WITHIN} THEN d.received_cashless ELSE 0 END)",
}


def _fine_path(scope: Scope, dims: list[str]) -> bool:
    """Whether the figures need the procedure (its field, or itself): the fine tally."""
    return bool(scope.field or scope.procedure_id is not None or {"field", "procedure"} & set(dims))


def _tally_rows(start: date, end: date, span: str, fine: bool) -> tuple[str, list]:
    """Which rows of a tally make up the history before ``start`` and the period itself: in
    the year table, the years before the start's; in the month table, the months of the
    start's year before its month and the whole months inside the period; in a day table, the
    other days (or, for the fine tally, which has neither, every day up to the end)."""
    if fine:
        return "d.day <= {end}", []
    year_of_start, month_of_start = start.replace(month=1, day=1), start.replace(day=1)
    if span == "year":
        return "d.day < {}", [year_of_start]
    first_whole = start if start.day == 1 else _next_month(start)
    last_whole = (
        end if _next_month(end) - timedelta(days=1) == end else end.replace(day=1) - timedelta(days=1)
    )
    if span == "month":
        return "((d.day >= {} AND d.day < {}) OR (d.day >= {} AND d.day <= {}))", [
            year_of_start,
            month_of_start,
            first_whole,
            last_whole,
        ]
    # Two index ranges: from the start's month to the first whole month, and after the last.
    return "((d.day >= {} AND d.day < {} AND d.day <= {end}) OR (d.day > {} AND d.day <= {end}))", [
        month_of_start,
        first_whole,
        last_whole,
    ]


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _tally_query(table: str, start, end, scope_units, scope, dims, *, span="day", fine=False):
    params = _Params()
    sums = [f"{_condition(sql, params, start, end)} AS {name}" for name, sql in _TALLY_SUMS.items()]
    rows_sql, values = _tally_rows(start, end, span, fine)
    rows_condition = _condition(rows_sql, params, start, end, iter(values))
    return _grouped_sql(table, rows_condition, sums, params, scope_units, scope, dims, level_column=not fine)


def _late_apology_query(start, end, scope_units, scope, dims):
    """Late results apologised for only after the result, by both dates."""
    params = _Params()
    period = _condition(
        "d.closed_on >= {start} AND d.closed_on <= {end} AND d.apology_on <= {end}", params, start, end
    )
    sums = ["SUM(d.dossiers) AS apologies_issued"]
    return _grouped_sql("dossier_late_apology", period, sums, params, scope_units, scope, dims)


def appointments_past(end: date, today: date) -> date:
    """The last appointment day already past at the end of ``end``: ``end`` itself once that
    day is over, the day before while it is still running (a dossier due today may yet be
    returned in time, so it is not overdue until tomorrow)."""
    return end if end < today else end - timedelta(days=1)


def _grouped_sql(table, condition, sums, params, scope_units, scope, dims, *, level_column=False):
    """``SELECT dims, sums FROM table d WHERE condition AND scope GROUP BY dims``; the level is
    the table's own column in the unit tallies, the procedure's elsewhere."""
    dimensions = {**_DIMENSIONS, "level": "d.level"} if level_column else _DIMENSIONS
    scope_level = scope.level if level_column else None
    needs_procedure = ({"field"} if level_column else {"level", "field"}) & set(dims)
    join, where = _scope_sql(
        scope_units, replace(scope, level=None) if level_column else scope, params, bool(needs_procedure)
    )
    if scope_level:
        where.append(f"d.level = {params.add(scope_level)}")
    select = [f"{dimensions[d]} AS {d}" for d in dims] + sums
    sql = f"SELECT {', '.join(select)} FROM {table} d{join} WHERE {' AND '.join([condition, *where])}"
    if dims:
        sql += f" GROUP BY {', '.join(dimensions[d] for d in dims)}"
    return Dossier.raw(sql, *params.values)


async def grouped_from_tallies(start, end, scope_units, scope, dims) -> list[tuple[dict, Figures]]:
    """The same figures as ``grouped_by_scan``, summed from the tallies."""
    if _fine_path(scope, dims):
        queries = [_tally_query("dossier_tally", start, end, scope_units, scope, dims, fine=True)]
    else:
        queries = [
            _tally_query("dossier_unit_year", start, end, scope_units, scope, dims, span="year"),
            _tally_query("dossier_unit_month", start, end, scope_units, scope, dims, span="month"),
            _tally_query("dossier_unit_day", start, end, scope_units, scope, dims),
        ]
    queries.append(_late_apology_query(start, end, scope_units, scope, dims))
    sums: dict[tuple, dict[str, int]] = {}
    for rows in [await query for query in queries]:
        for row in rows:
            key = tuple(row[d] for d in dims)
            into = sums.setdefault(key, dict.fromkeys(_TALLY_SUMS, 0))
            for name in _TALLY_SUMS:
                into[name] += int(row.get(name) or 0)
    if not dims:  # one row, as a count without grouping gives, even of nothing
        return [({}, _figures(sums.get((), dict.fromkeys(_TALLY_SUMS, 0))))]
    # A key whose events cancelled out has no dossier in the period: no group, as in the scan.
    return [
        (dict(zip(dims, key, strict=True)), _figures(values))
        for key, values in sums.items()
        if any(values.values())
    ]


def _figures(sums: dict[str, int]) -> Figures:
    open_at_end, overdue = sums.pop("open_at_end"), sums.pop("overdue_at_end")
    return Figures(**sums, open_within_deadline=open_at_end - overdue, open_overdue=overdue)


async def _scope_units(scope: Scope) -> set[int] | None:
    return None if scope.unit_id is None else _units_in_scope(await UnitTree.load(), scope)


def _units_in_scope(tree: UnitTree, scope: Scope) -> set[int] | None:
    if scope.unit_id is None:
        return None
    if scope.unit_id not in tree.units:
        raise InvalidInput.field("unit_id", "no such unit", "Đơn vị không tồn tại.")
    return tree.under(scope.unit_id)


async def resolutions_by_day(
    start: date, end: date, scope: Scope = Scope()
) -> list[tuple[date, int, int, int]]:
    """(day, early, on time, late): the dossiers resolved on each day of the period, for the
    chart of outcomes by month (from the daily tallies, which cannot leave out old receipts)."""
    check_period(start, end, ())
    if scope.received_from is not None:
        raise ValueError("resolutions by day come from the tallies: no received_from")
    params = _Params()
    period = _condition("d.day >= {start} AND d.day <= {end}", params, start, end)
    sums = [f"SUM(d.{_CLOSED_FIGURES[f'resolved_{t}']}) AS {t}" for t in Timeliness]
    fine = _fine_path(scope, [])
    table = "dossier_tally" if fine else "dossier_unit_day"
    rows = await _grouped_sql(
        table, period, sums, params, await _scope_units(scope), scope, ["day"], level_column=not fine
    )
    return sorted(
        (_as_date(row["day"]), row["early"], row["on_time"], row["late"])
        for row in rows
        if row["early"] or row["on_time"] or row["late"]
    )


async def receipts(start: date, end: date, units: set[int] | None) -> tuple[int, date | None, date | None]:
    """How many dossiers ``units`` (all when None) received from ``start`` to ``end``, and the
    first and last day they received any: from the daily unit tally, whatever the rows."""
    params = _Params()
    period = _condition("d.day >= {start} AND d.day <= {end} AND d.received > 0", params, start, end)
    _, where = _scope_sql(units, Scope(), params)
    sql = (
        "SELECT SUM(d.received) AS n, MIN(d.day) AS first, MAX(d.day) AS last "
        f"FROM dossier_unit_day d WHERE {' AND '.join([period, *where])}"
    )
    row = (await Dossier.raw(sql, *params.values))[0]
    return int(row["n"] or 0), _as_date(row["first"]), _as_date(row["last"])


def _as_date(value) -> date | None:
    """A day read back from a tally (SQLite gives ISO text, PostgreSQL a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def months(start: date, end: date) -> list[tuple[date, date]]:
    """The calendar months of a period, cut to it."""
    spans = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        spans.append((first, min(end, following - timedelta(days=1))))
        first = following
    return spans


Counter = Callable[..., Awaitable[list[tuple[dict, Figures]]]]


async def _due_on_the_day(
    day: date, scope_units, scope: Scope, dims: list[str]
) -> dict[tuple, tuple[int, int]]:
    """By group: the dossiers still open on ``day`` whose appointment is that day, and how many
    of them have an apology issued."""
    params = _Params()
    sums = [
        "COUNT(*) AS due",
        f"COUNT(*) FILTER (WHERE d.apology_issued_on <= {params.add(day)}) AS apologised",
    ]
    # SQLite would read every receipt up to the day by dossier_received_on; with received_on
    # hidden, it finds the open dossiers by dossier_closed_on instead.
    received_on = dialect_of(Dossier._meta.db).unindexed("d.received_on")
    condition = _condition(
        f"(d.closed_on IS NULL OR d.closed_on > {{end}}) AND d.due_on = {{end}} AND {received_on} <= {{end}}",
        params,
        day,
        day,
    )
    rows = await _grouped_sql(Dossier._meta.tablename, condition, sums, params, scope_units, scope, dims)
    return {tuple(row[d] for d in dims): (int(row["due"]), int(row["apologised"] or 0)) for row in rows}


async def _counted(counter: Counter, start: date, end: date, scope_units, scope: Scope, dims: list[str]):
    """``counter``'s figures, with the dossiers due on a day still running (today) counted as
    within their deadline rather than overdue (``appointments_past``)."""
    found = await counter(start, end, scope_units, scope, dims)
    if appointments_past(end, clock.today()) == end:
        return found
    due = await _due_on_the_day(end, scope_units, scope, dims)
    corrected = []
    for key, figures in found:
        count, apologised = due.get(tuple(key[d] for d in dims), (0, 0))
        corrected.append(
            (
                key,
                replace(
                    figures,
                    open_within_deadline=figures.open_within_deadline + count,
                    open_overdue=figures.open_overdue - count,
                    apologies_issued=figures.apologies_issued - apologised,
                ),
            )
        )
    return corrected


async def dossier_stats(
    start: date,
    end: date,
    scope: Scope = Scope(),
    group_by: tuple[str, ...] = (),
    *,
    counter: Counter = grouped_from_tallies,
) -> DossierStats:
    """The figures of a period (from the tallies; ``counter=grouped_by_scan`` counts the rows,
    the reference the tests compare with, and the only way to leave out old receipts)."""
    check_period(start, end, group_by)
    end = judged_until(start, end, clock.today())
    if scope.received_from is not None:
        counter = grouped_by_scan
    tree = await UnitTree.load()
    scope_units = _units_in_scope(tree, scope)
    dims = [d for d in group_by if d != "month"]
    spans = months(start, end) if "month" in group_by else [(start, end)]
    merged: dict[tuple, Figures] = {}
    for span_start, span_end in spans:
        for key, figures in await _counted(counter, span_start, span_end, scope_units, scope, dims):
            if "unit" in key:
                key["unit"] = tree.representative(key["unit"], span_start)
            if "month" in group_by:
                key["month"] = span_start.strftime("%Y-%m")
            identity = tuple(sorted(key.items()))
            merged[identity] = merged.get(identity, Figures()) + figures
    groups = tuple(
        StatsGroup(_labelled(dict(identity), tree), figures)
        for identity, figures in sorted(merged.items(), key=_order)
    )
    if "month" in group_by or not group_by:
        total = sum((f for _, f in await _counted(counter, start, end, scope_units, scope, [])), Figures())
    else:
        total = sum((g.figures for g in groups), Figures())
    return DossierStats(start, end, scope, tuple(group_by), total, groups if group_by else ())


def _order(item) -> tuple:
    return tuple((k, "" if v is None else str(v)) for k, v in item[0])


def _labelled(key: dict, tree: UnitTree) -> dict:
    if "unit" in key:
        unit = tree.units[key["unit"]]
        key |= {"unit_code": unit["code"], "unit_name": unit["name"]}
    return key


# --- the dossiers a report must name ------------------------------------------------------------


async def late_without_apology(
    start: date, end: date, scope: Scope, page: PageRequest
) -> tuple[list[dict], int]:
    """Dossiers late in the period (resolved late, or open past the deadline at its end) with
    no apology issued by its end (or today, ``judged_until``): the units owe these citizens a
    letter."""
    check_period(start, end, ())
    end = judged_until(start, end, clock.today())
    resolved_late = (
        (Dossier.timeliness == Timeliness.LATE.value)
        & (Dossier.closed_on >= start)
        & (Dossier.closed_on <= end)
    )
    open_overdue = (
        (Dossier.received_on <= end)
        & (Dossier.closed_on.is_null() | (Dossier.closed_on > end))
        & (Dossier.due_on <= appointments_past(end, clock.today()))
    )
    no_apology = Dossier.apology_issued_on.is_null() | (Dossier.apology_issued_on > end)
    condition = (resolved_late | open_overdue) & no_apology
    if scope.unit_id is not None:
        condition &= Dossier.unit.is_in(list((await UnitTree.load()).under(scope.unit_id)))
    if scope.level:
        condition &= Dossier.procedure._.level == scope.level
    if scope.field:
        condition &= Dossier.procedure._.field == scope.field
    if scope.procedure_id is not None:
        condition &= Dossier.procedure == scope.procedure_id
    if scope.received_from is not None:
        condition &= Dossier.received_on >= scope.received_from
    query = Dossier.select(
        Dossier.code,
        Dossier.procedure._.code.as_alias("procedure_code"),
        Dossier.procedure._.name.as_alias("procedure_name"),
        Dossier.unit._.code.as_alias("unit_code"),
        Dossier.unit._.name.as_alias("unit_name"),
        Dossier.received_at,
        Dossier.due_at,
        Dossier.resolved_at,
        Dossier.outcome,
    ).where(condition)
    rows = await query.order_by(Dossier.due_at).limit(page.limit).offset(page.offset)
    return rows, await Dossier.count().where(condition)
