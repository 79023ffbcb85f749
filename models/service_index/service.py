"""The Decision 766 service index of a period: counted per unit (with the units under it and
those merged into it) and for the province, by month, quarter or year, or over any span (a
report's period).

An open dossier is judged at the period's last day E, so a dossier's class depends on the
period asked for. ``count_dossiers`` counts the rows received in the period (one grouped
query over the ``received_on`` index, every indicator a conditional count; a trend of months
is one query too, each row judged at the end of its own month): the reference. ``counted``
gives the same answer faster by splitting the period (``split_period``):

* its whole calendar months are read from the monthly tally (models.dossiers.service_tally),
  which keeps each dossier's received, closed and appointment months. Every condition that
  reads E (indicators.py: closed by E, open at E, appointment passed by E) compares closed_on
  or service_due_on with E; for a day in another month than E's, the month alone says which
  side of E it falls on (before E's month: on or before E; after it: after E). So a tally row
  is decided unless its closed month is E's month, or it is open after E's month and its
  appointment month is E's month (the appointment is read only while a dossier is open).
  When E is a month's last day nothing is undecided: a day in E's month is on or before E;
* the dossiers received in the partial months at either end, and the whole months' dossiers
  the tally leaves undecided (``pending_in_tally`` and ``pending_in_rows``, the same set), are
  counted from their rows, found through the received_on, closed_on and service_due_on
  indexes (a few weeks of dossiers instead of the period's).

The two parts count disjoint sets of dossiers whose union is the period's, with the same
judgement, so their sum is the row count's answer; tests/models/test_service_index_split.py
checks it on generated dossiers. ``monthly`` judges each dossier at its own month's end, which
the tally always decides. tests/bench measures the counts against a plain count of the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from piccolo.engine.postgres import PostgresEngine

from core import clock
from core.errors import InvalidInput
from core.paging import PageRequest
from core.text import period_name, sentence_start
from models.dossiers.service_tally import BY_PROCEDURE, BY_UNIT
from models.dossiers.stats import UnitTree
from models.dossiers.tables import Dossier
from models.dossiers.tallies import Dialect
from models.procedures.tables import Procedure
from models.service_index.indicators import (
    BY_KEY,
    CLOSED_BY_END,
    DOSSIER_INDICATORS,
    INDICATOR_LABELS,
    PROCEDURES_ONLINE,
    Assessment,
    assess,
    overall_score,
    scoring_rules,
    total_points,
)
from models.vocabulary import OnlineLevel

GROUPINGS = ("unit", "procedure")
MINUTES_PER_DAY = 24 * 60

# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexPeriod:
    """A calendar month, quarter or year, as the national portal publishes the index."""

    kind: Literal["month", "quarter", "year"]
    year: int
    number: int = 0  # the month or the quarter

    @property
    def start(self) -> date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return _add_months(self.start, months) - timedelta(days=1)

    def ended_before(self, day: date) -> bool:
        """Whether the period is over by ``day``: only then has it an index (``require_ended``)."""
        return self.end < day

    @property
    def key(self) -> str:
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}"}.get(
            self.kind, str(self.year)
        )

    @property
    def label(self) -> str:
        """As every period is named (``core.text.period_name``): "tháng 6 năm 2023",
        "quý II năm 2023", "năm 2023"."""
        return period_name(self.kind, self.year, self.number)

    @property
    def title(self) -> str:
        """The label opening a sentence or a heading: "Quý II năm 2023"."""
        return sentence_start(self.label)

    def previous(self) -> IndexPeriod:
        if self.kind == "year":
            return IndexPeriod("year", self.year - 1)
        per_year = 12 if self.kind == "month" else 4
        if self.number == 1:
            return IndexPeriod(self.kind, self.year - 1, per_year)
        return IndexPeriod(self.kind, self.year, self.number - 1)

    def trend_months(self) -> list[IndexPeriod]:
        """The months a trend chart shows: the period's, or for a month the year up to it."""
        if self.kind == "month":
            months = [self]
            while len(months) < 12:
                months.insert(0, months[0].previous())
            return months
        first = self.start.month
        count = 3 if self.kind == "quarter" else 12
        return [IndexPeriod("month", self.year, month) for month in range(first, first + count)]


def period_choices(first_year: int, today: date) -> list[tuple[int, list[IndexPeriod]]]:
    """The periods the index can be shown for, by year, newest first: each year, quarter and
    month from ``first_year`` on that has ended before ``today``."""
    choices = []
    for year in range(today.year, first_year - 1, -1):
        periods = [
            IndexPeriod("year", year),
            *(IndexPeriod("quarter", year, quarter) for quarter in range(4, 0, -1)),
            *(IndexPeriod("month", year, month) for month in range(12, 0, -1)),
        ]
        if ended := [period for period in periods if period.ended_before(today)]:
            choices.append((year, ended))
    return choices


async def first_dossier_year() -> int | None:
    """The year the earliest dossier on record was received (None: no dossier yet)."""
    row = (
        await Dossier.select(Dossier.received_on)
        .where(Dossier.received_on.is_not_null())
        .order_by(Dossier.received_on)
        .first()
    )
    return row["received_on"].year if row else None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_from_key(text: str) -> IndexPeriod | None:
    """The period a key names: "2023-06" (a month), "2023-Q2" (a quarter) or "2023" (a year),
    from 2000 to 2100; None for any other text."""
    value = text.strip().upper()
    year_text, dash, rest = value.partition("-")
    if not (year_text.isdigit() and len(year_text) == 4 and 2000 <= int(year_text) <= 2100):
        return None
    year = int(year_text)
    if not dash:
        return IndexPeriod("year", year)
    if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
        return IndexPeriod("month", year, int(rest))
    if rest in {"Q1", "Q2", "Q3", "Q4"}:
        return IndexPeriod("quarter", year, int(rest[1]))
    return None


def require_ended(period: IndexPeriod, today: date | None = None) -> IndexPeriod:
    """``period`` if it ended before ``today`` (default: today in the province). The index
    judges each dossier at the period's end (an open one is late when its appointment has
    passed by then), so a period still running has no index yet: judged at its end it would
    count as late what may yet be done in time."""
    if not period.ended_before(today or clock.today()):
        raise InvalidInput.field(
            "period",
            "the period has not ended: the index judges dossiers at a period's end",
            f"{period.title} chưa kết thúc: chỉ số đánh giá hồ sơ vào cuối kỳ, "
            "nên chỉ tính cho kỳ đã kết thúc.",
        )
    return period


def parse_period(text: str, today: date | None = None) -> IndexPeriod:
    """The ended period a key names (``period_from_key``, ``require_ended``)."""
    period = period_from_key(text)
    if period is None:
        raise InvalidInput.field(
            "period",
            "expected YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY (a year), from 2000 to 2100",
            "Kỳ phải có dạng YYYY-MM (tháng), YYYY-Qn (quý) hoặc YYYY (năm).",
        )
    return require_ended(period, today)


# --- counting -----------------------------------------------------------------------------------

Counts = dict[str, int]


def _measures() -> list[tuple[str, str]]:
    """(name, condition): the conditional counts every indicator needs."""
    measures = [("received", "true")]
    for indicator in DOSSIER_INDICATORS:
        measures.append((f"{indicator.key}_applies", indicator.at_end(indicator.applies)))
        measures.append(
            (f"{indicator.key}_meets", indicator.at_end(f"{indicator.applies} AND {indicator.meets}"))
        )
        if indicator.unknown:
            measures.append((f"{indicator.key}_unknown", indicator.at_end(indicator.unknown)))
    measures.append(("handled", f"{CLOSED_BY_END} AND d.handling_minutes IS NOT NULL"))
    return measures


MEASURES = _measures()
COUNT_NAMES = (*(name for name, _ in MEASURES), "handling_minutes")


class _Sql:
    """Raw SQL with Piccolo's positional ``{}`` placeholders, built left to right."""

    def __init__(self, end: date | None, postgres: bool) -> None:
        self.values: list = []
        self.end = end  # None: each row is judged at the end of the month it was received in
        self.postgres = postgres

    def value(self, value) -> str:
        self.values.append(value)
        return "{}"

    def judged(self, condition: str) -> str:
        """``condition`` with ``:end`` as the period's last day (or the row's month end)."""
        parts = condition.split(":end")
        text = parts[0]
        for part in parts[1:]:
            text += (self.value(self.end) if self.end else self.month_end()) + part
        return text

    def month_end(self) -> str:
        if self.postgres:
            return "CAST(date_trunc('month', d.received_on) + interval '1 month' - interval '1 day' AS date)"
        return "date(d.received_on, 'start of month', '+1 month', '-1 day')"

    def unindexed(self, column: str) -> str:
        return Dialect(self.postgres).unindexed(column)

    def month(self) -> str:
        return "to_char(d.received_on, 'YYYY-MM')" if self.postgres else "substr(d.received_on, 1, 7)"


def _postgres() -> bool:
    return isinstance(Dossier._meta.db, PostgresEngine)


def _of_units(sql: _Sql, units: set[int] | None) -> str:
    """`` AND`` the dossier is of ``units`` (nothing for None: all)."""
    if units is None:
        return ""
    return f' AND d."unit" IN ({", ".join(sql.value(unit) for unit in sorted(units))})'


def _between(sql: _Sql, column: str, days: tuple[date, date]) -> str:
    return f"{column} >= {sql.value(days[0])} AND {column} <= {sql.value(days[1])}"


def _received_in(sql: _Sql, start: date, end: date, units: set[int] | None) -> str:
    return _between(sql, "d.received_on", (start, end)) + _of_units(sql, units)


async def _count_rows(
    sql: _Sql, by: tuple[str, ...], where: Callable[[_Sql], str]
) -> list[tuple[dict, Counts]]:
    """The measures over the dossier rows ``where(sql)`` selects (called after the measures are
    written, so that its placeholders follow theirs), grouped ``by``."""
    dimensions = {"unit": 'd."unit"', "procedure": 'd."procedure"', "month": sql.month()}
    select = [f"{dimensions[name]} AS {name}" for name in by]
    select += [f"COUNT(*) FILTER (WHERE {sql.judged(condition)}) AS {name}" for name, condition in MEASURES]
    handled = sql.judged(f"{CLOSED_BY_END} AND d.handling_minutes IS NOT NULL")
    select.append(f"SUM(CASE WHEN {handled} THEN d.handling_minutes ELSE 0 END) AS handling_minutes")
    query = f"SELECT {', '.join(select)} FROM dossier d WHERE {where(sql)}"
    if by:
        query += f" GROUP BY {', '.join(dimensions[name] for name in by)}"
    rows = await Dossier.raw(query, *sql.values)
    return [({name: row[name] for name in by}, {n: int(row[n] or 0) for n in COUNT_NAMES}) for row in rows]


async def count_dossiers(
    start: date, end: date, units: set[int] | None, by: tuple[str, ...] = (), *, monthly: bool = False
) -> list[tuple[dict, Counts]]:
    """The indicators' counts over the dossiers received from ``start`` to ``end`` (of
    ``units``; None: all), grouped by ``unit``, ``procedure`` and/or ``month``; ``monthly``
    judges each dossier at the end of its month instead of at ``end``. The reference the other
    ways of counting must equal."""
    sql = _Sql(None if monthly else end, _postgres())
    return await _count_rows(sql, by, lambda sql: _received_in(sql, start, end, units))


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_of(day: date) -> tuple[date, date]:
    """The first and last days of ``day``'s month."""
    first = day.replace(day=1)
    return first, _add_months(first, 1) - timedelta(days=1)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


@dataclass(frozen=True)
class PeriodSplit:
    """A period as ``counted`` reads it: its whole calendar months from the tally, the rest
    from the dossier rows."""

    whole: tuple[date, date] | None  # the first day of the first whole month, the last of the last
    partial: tuple[tuple[date, date], ...]  # the received days outside them, at either end
    # The month of the period's last day when that is not the month's last day (and there are
    # whole months): the whole months' dossiers closed in it, or still open after it and due in
    # it, are judged from their rows (the tally knows those days only as their month).
    pending: tuple[date, date] | None


def split_period(start: date, end: date) -> PeriodSplit:
    """The whole months of ``start``–``end``, the days at either end outside them and the
    pending month; a span with no whole month is all rows."""
    first = start if start.day == 1 else _add_months(start, 1)
    stop = end + timedelta(days=1) if _is_month_end(end) else end.replace(day=1)  # after the whole months
    if first >= stop:
        return PeriodSplit(None, ((start, end),), None)
    ends = ((start, first - timedelta(days=1)), (stop, end))
    pending = None if _is_month_end(end) else _month_of(end)
    return PeriodSplit((first, stop - timedelta(days=1)), tuple(s for s in ends if s[0] <= s[1]), pending)


# The pending dossiers of a split, once for the tally rows and once for the dossier rows (the
# same set: the tally keeps a dossier's closed_month and due_month, the months of its closed_on
# and service_due_on). The appointment is read only while a dossier is open (ON_TIME), so a
# dossier closed before the pending month is decided whatever its due month.


def pending_in_tally(month: int) -> str:
    """The tally rows a period ending inside ``month`` (a month number) cannot judge."""
    return f"(t.closed_month = {month} OR (t.closed_month > {month} AND t.due_month = {month}))"


def pending_in_rows(days: tuple[date, date]) -> list[Callable[[_Sql], str]]:
    """``pending_in_tally`` over the dossier rows (``days``: the month's first and last), as
    alternatives each of which an index can find (dossier_closed_on, dossier_service_due_on)."""
    return [
        lambda sql: _between(sql, "d.closed_on", days),
        lambda sql: (
            f"{_between(sql, 'd.service_due_on', days)} AND (d.closed_on IS NULL OR d.closed_on > {sql.value(days[1])})"
        ),
    ]


def _rest(sql: _Sql, split: PeriodSplit, units: set[int] | None) -> str:
    """The dossier rows of a split that the tally does not count."""
    branches = [_between(sql, "d.received_on", days) for days in split.partial]
    if split.pending:
        for pending in pending_in_rows(split.pending):
            branches.append(
                f"{_between(sql, sql.unindexed('d.received_on'), split.whole)} AND {pending(sql)}"
            )
    return f"({' OR '.join(f'({branch})' for branch in branches)}){_of_units(sql, units)}"


async def count_from_tally(
    start: date,
    end: date,
    units: set[int] | None,
    by: tuple[str, ...] = (),
    *,
    monthly: bool = False,
    judged_on: date | None = None,
) -> list[tuple[dict, Counts]]:
    """``count_dossiers`` for the whole months from ``start`` to ``end``, from the monthly tally
    (models.dossiers.service_tally): each tally row is judged at ``judged_on`` (by default
    ``end``; ``monthly``: at its own month's end). When ``judged_on`` is not a month's last day,
    the rows its month leaves undecided (``pending_in_tally``) are left out: the caller counts
    them from the dossier rows."""
    sql = _Sql(None, _postgres())
    judged_on = judged_on or end
    last = "t.month" if monthly else str(_month_number(judged_on))  # an int: written as a literal
    closed = f"t.closed_month <= {last}"
    sums = {"received": "SUM(t.received)", "on_time_applies": "SUM(t.received)"}
    sums["on_time_meets"] = (
        f"SUM(CASE WHEN {closed} THEN t.on_time_closed "
        f"WHEN t.supplemented_twice = false AND t.due_month > {last} THEN t.received ELSE 0 END)"
    )
    for indicator in DOSSIER_INDICATORS[1:]:
        for part in ("applies", "meets", "unknown"):
            name = f"{indicator.key}_{part}"
            if part == "unknown" and not indicator.unknown:
                continue
            gated = f"CASE WHEN {closed} THEN t.{name} ELSE 0 END" if indicator.resolved else f"t.{name}"
            sums[name] = f"SUM({gated})"
    for name in ("handled", "handling_minutes"):
        sums[name] = f"SUM(CASE WHEN {closed} THEN t.{name} ELSE 0 END)"
    dimensions = {"unit": "t.unit", "procedure": 't."procedure"', "month": "t.month"}
    select = [f"{dimensions[name]} AS {name}" for name in by]
    select += [f"{sql} AS {name}" for name, sql in sums.items()]
    where = f"t.month >= {sql.value(_month_number(start))} AND t.month <= {sql.value(_month_number(end))}"
    if units is not None:
        where += f" AND t.unit IN ({', '.join(sql.value(unit) for unit in sorted(units))})"
    if not monthly and not _is_month_end(judged_on):
        where += f" AND NOT {pending_in_tally(_month_number(judged_on))}"
    table = (BY_PROCEDURE if "procedure" in by else BY_UNIT).table
    query = f"SELECT {', '.join(select)} FROM {table} t WHERE {where}"
    if by:
        query += f" GROUP BY {', '.join(dimensions[name] for name in by)}"
    rows = await Dossier.raw(query, *sql.values)
    result = []
    for row in rows:
        key = {name: row[name] for name in by}
        if "month" in key:
            key["month"] = f"{row['month'] // 12}-{row['month'] % 12 + 1:02d}"
        result.append((key, {name: int(row[name] or 0) for name in COUNT_NAMES}))
    return [(key, counts) for key, counts in result if counts["received"]]


def _merged(parts: list[list[tuple[dict, Counts]]]) -> list[tuple[dict, Counts]]:
    """The counts of disjoint sets of dossiers added up group by group (groups of none left out)."""
    groups: dict[tuple, tuple[dict, Counts]] = {}
    for part in parts:
        for key, counts in part:
            _add(groups.setdefault(tuple(key.items()), (key, {}))[1], counts)
    return [(key, counts) for key, counts in groups.values() if counts.get("received")]


async def counted(
    start: date, end: date, units: set[int] | None, by: tuple[str, ...] = (), *, monthly: bool = False
) -> list[tuple[dict, Counts]]:
    """``count_dossiers``' answer: the period's whole months from the tally, the rest (the
    partial months at either end, and what the tally cannot judge at ``end``) from the rows."""
    split = split_period(start, end)
    by_procedure_in_a_unit = "procedure" in by and units is not None  # the procedure tally has no unit
    if split.whole is None or by_procedure_in_a_unit:
        return await count_dossiers(start, end, units, by, monthly=monthly)
    if monthly:  # each dossier judged at its own month's end: the tally decides them all
        split = replace(split, pending=None)
    parts = [await count_from_tally(*split.whole, units, by, monthly=monthly, judged_on=end)]
    if split.partial or split.pending:
        sql = _Sql(None if monthly else end, _postgres())
        parts.append(await _count_rows(sql, by, lambda sql: _rest(sql, split, units)))
    return _merged(parts)


def _add(into: Counts, counts: Counts) -> Counts:
    for name, value in counts.items():
        into[name] = into.get(name, 0) + value
    return into


@dataclass(frozen=True)
class CatalogueEntry:
    procedure_id: int
    handling_unit: int | None
    online: bool


async def catalogue_on(day: date) -> list[CatalogueEntry]:
    """The procedures in force on ``day``, and whether each is offered online (partly or fully)."""
    rows = await Procedure.select(Procedure.id, Procedure.handling_unit, Procedure.online_level).where(
        (Procedure.valid_from.is_null() | (Procedure.valid_from <= day))
        & (Procedure.valid_to.is_null() | (Procedure.valid_to >= day))
    )
    online = {OnlineLevel.FULL.value, OnlineLevel.PARTIAL.value}
    return [CatalogueEntry(row["id"], row["handling_unit"], row["online_level"] in online) for row in rows]


def catalogue_counts(entries: list[CatalogueEntry]) -> tuple[int, int]:
    """(offered online, all) of some procedures."""
    return sum(entry.online for entry in entries), len(entries)


# --- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexFigures:
    """A group's indicators in one period."""

    received: int
    assessments: tuple[Assessment, ...]  # in INDICATOR_LABELS order
    handled: int  # closed by the period's end, with a handling time
    average_handling_days: float | None
    score: (
        float | None
    )  # percent of full marks, the mean over the indicators with a ratio; None without dossiers
    points: float | None  # when every indicator with a ratio has a configured maximum

    def assessment(self, key: str) -> Assessment:
        return next(a for a in self.assessments if a.key == key)


def figures_from(counts: Counts, catalogue: tuple[int, int]) -> IndexFigures:
    """Assess each indicator from the counts of a group and its catalogue (online, all)."""
    rules = scoring_rules()
    assessments = []
    for key in INDICATOR_LABELS:
        if key == PROCEDURES_ONLINE:
            numerator, denominator, unknown = *catalogue, 0
        else:
            numerator = counts.get(f"{key}_meets", 0)
            denominator = counts.get(f"{key}_applies", 0)
            unknown = counts.get(f"{key}_unknown", 0)
        assessments.append(assess(key, numerator, denominator, unknown, rules[key]))
    handled = counts.get("handled", 0)
    average = counts.get("handling_minutes", 0) / handled / MINUTES_PER_DAY if handled else None
    received = counts.get("received", 0)
    # Without dossiers there is no index (the catalogue alone would make a score to compare with).
    return IndexFigures(
        received,
        tuple(assessments),
        handled,
        average,
        overall_score(assessments) if received else None,
        total_points(assessments) if received else None,
    )


@dataclass(frozen=True)
class IndexGroup:
    key: dict  # unit_id, unit_code, unit_name | procedure_id, procedure_code, procedure_name, processing_days
    figures: IndexFigures
    rank: int | None = None
    previous_score: float | None = None

    @property
    def change(self) -> float | None:
        """Points of score gained since the previous period (None without both scores)."""
        if self.figures.score is None or self.previous_score is None:
            return None
        return self.figures.score - self.previous_score


@dataclass(frozen=True)
class ServiceIndex:
    period: IndexPeriod
    unit_id: int | None
    group_by: str | None
    total: IndexFigures
    previous_score: float | None
    groups: tuple[IndexGroup, ...]
    scope: str = "toàn tỉnh"  # whose figures (``scope_name``)

    @property
    def change(self) -> float | None:
        if self.total.score is None or self.previous_score is None:
            return None
        return self.total.score - self.previous_score

    @property
    def heading(self) -> str:
        """As its page and its export head it: "Tháng 3 năm 2024: toàn tỉnh", "Quý I năm 2024: Sở
        Y tế và các đơn vị trực thuộc"."""
        return f"{self.period.title}: {self.scope}"


def scope_name(tree: UnitTree, unit_id: int | None, members: set[int]) -> str:
    """Whose figures a scope's are, as headings say it: "toàn tỉnh" (``unit_id`` None), else the
    unit's name, followed by "và các đơn vị trực thuộc" only when ``members`` (the units whose
    dossiers count) hold a unit under it and by "(kể cả các đơn vị đã sáp nhập vào)" only when
    they hold a unit merged into it."""
    if unit_id is None:
        return "toàn tỉnh"
    name = tree.units[unit_id]["name"]
    if any(tree.units[member]["parent"] == unit_id for member in members):
        name += " và các đơn vị trực thuộc"
    if members & tree.merged_into(unit_id):
        name += " (kể cả các đơn vị đã sáp nhập vào)"
    return name


def _scope(tree: UnitTree, unit_id: int | None) -> set[int] | None:
    if unit_id is None:
        return None
    if unit_id not in tree.units:
        raise InvalidInput.field("unit_id", "no such unit", "Đơn vị không tồn tại.")
    return tree.under(unit_id)


def _in_scope(entries: list[CatalogueEntry], units: set[int] | None) -> list[CatalogueEntry]:
    """The catalogue of a scope: a unit's procedures are those it handles; the province's all."""
    return entries if units is None else [e for e in entries if e.handling_unit in units]


async def _by_unit(tree: UnitTree, start: date, end: date, units: set[int] | None) -> dict[int, IndexFigures]:
    """Each unit's figures: its own dossiers and those of the units merged into it before the
    period (as the dossier statistics group them)."""
    counts: dict[int, Counts] = {}
    for key, row in await counted(start, end, units, ("unit",)):
        _add(counts.setdefault(tree.representative(key["unit"], start), {}), row)
    catalogue: dict[int, list[CatalogueEntry]] = {}
    for entry in _in_scope(await catalogue_on(end), units):
        if entry.handling_unit is not None:
            unit = tree.representative(entry.handling_unit, start)
            catalogue.setdefault(unit, []).append(entry)
    return {
        unit: figures_from(counts.get(unit, {}), catalogue_counts(catalogue.get(unit, [])))
        for unit in counts.keys() | catalogue.keys()
    }


async def _total(start: date, end: date, units: set[int] | None) -> IndexFigures:
    rows = await counted(start, end, units)
    counts = rows[0][1] if rows else {}
    return figures_from(counts, catalogue_counts(_in_scope(await catalogue_on(end), units)))


def ranked(groups: list[IndexGroup]) -> list[IndexGroup]:
    """Best score first, ranked 1, 2, 2, 4 … (equal scores share a rank); groups without a
    score come last, unranked."""
    ordered = sorted(groups, key=lambda g: (g.figures.score is None, -(g.figures.score or 0)))
    result, rank = [], 0
    for position, group in enumerate(ordered, start=1):
        if group.figures.score is None:
            result.append(group)
            continue
        if not result or result[-1].figures.score != group.figures.score:
            rank = position
        result.append(replace(group, rank=rank))
    return result


async def service_index(
    period: IndexPeriod, unit_id: int | None = None, group_by: str | None = None
) -> ServiceIndex:
    """The index of ``period`` for the province (or ``unit_id`` with the units under it and
    those merged into it), with the previous period's score; ``group_by`` ``unit`` ranks the
    units, ``procedure`` lists each procedure (its average handling time against the
    catalogue's deadline)."""
    if group_by not in (None, *GROUPINGS):
        raise InvalidInput.field("group_by", f"one of {', '.join(GROUPINGS)}", "Tiêu chí nhóm không hợp lệ.")
    tree = await UnitTree.load()
    units = _scope(tree, unit_id)
    previous = period.previous()
    total = await _total(period.start, period.end, units)
    previous_total = await _total(previous.start, previous.end, units)
    groups: list[IndexGroup] = []
    if group_by == "unit":
        before = await _by_unit(tree, previous.start, previous.end, units)
        groups = await _ranked_units(tree, period.start, period.end, units, before)
    elif group_by == "procedure":
        groups = await _by_procedure(period, units)
    scope = scope_name(tree, unit_id, units or set())
    return ServiceIndex(period, unit_id, group_by, total, previous_total.score, tuple(groups), scope)


async def _ranked_units(
    tree: UnitTree, start: date, end: date, units: set[int] | None, before: dict[int, IndexFigures]
) -> list[IndexGroup]:
    now = await _by_unit(tree, start, end, units)
    return ranked(
        [
            IndexGroup(_unit_key(tree, unit, start, end), figures, previous_score=_score(before.get(unit)))
            for unit, figures in now.items()
        ]
    )


async def index_between(
    start: date, end: date, unit_id: int | None = None
) -> tuple[IndexFigures, list[IndexGroup]]:
    """The figures of any span (a report's period, which need not be calendar months) for the
    scope, and its units ranked (no change: there is no previous span of the same kind)."""
    tree = await UnitTree.load()
    units = _scope(tree, unit_id)
    return await _total(start, end, units), await _ranked_units(tree, start, end, units, {})


def _score(figures: IndexFigures | None) -> float | None:
    return None if figures is None else figures.score


def _unit_key(tree: UnitTree, unit_id: int, start: date, end: date) -> dict:
    """``unit_label``: its name as a table of the span prints it (``UnitTree.name_in_period``)."""
    unit = tree.units[unit_id]
    label = tree.name_in_period(unit_id, start, end)
    return {"unit_id": unit_id, "unit_code": unit["code"], "unit_name": unit["name"], "unit_label": label}


async def _by_procedure(period: IndexPeriod, units: set[int] | None) -> list[IndexGroup]:
    rows = await counted(period.start, period.end, units, ("procedure",))
    online = {entry.procedure_id: entry.online for entry in await catalogue_on(period.end)}
    procedures = {
        row["id"]: row
        for row in await Procedure.select(
            Procedure.id, Procedure.code, Procedure.name, Procedure.processing_days
        ).where(Procedure.id.is_in([key["procedure"] for key, _ in rows] or [0]))
    }
    groups = []
    for key, counts in rows:
        procedure = procedures[key["procedure"]]
        in_force = procedure["id"] in online
        catalogue = (int(online.get(procedure["id"], False)), int(in_force))
        groups.append(
            IndexGroup(
                {
                    "procedure_id": procedure["id"],
                    "procedure_code": procedure["code"],
                    "procedure_name": procedure["name"],
                    "processing_days": procedure["processing_days"],
                },
                figures_from(counts, catalogue),
            )
        )
    return sorted(groups, key=lambda g: g.key["procedure_code"])


async def monthly_trend(
    period: IndexPeriod, unit_id: int | None = None
) -> list[tuple[IndexPeriod, IndexFigures]]:
    """The scope's figures month by month (``IndexPeriod.trend_months``), each month's
    dossiers judged at its own end: one query for all of them."""
    tree = await UnitTree.load()
    units = _scope(tree, unit_id)
    months = period.trend_months()
    rows = await counted(months[0].start, months[-1].end, units, ("month",), monthly=True)
    counts = {key["month"]: row for key, row in rows}
    trend = []
    for month in months:
        catalogue = catalogue_counts(_in_scope(await catalogue_on(month.end), units))
        trend.append((month, figures_from(counts.get(month.key, {}), catalogue)))
    return trend


# --- the dossiers that lost points --------------------------------------------------------------


def _lost_scope(
    tree: UnitTree, period: IndexPeriod, unit_id: int | None, with_children: bool
) -> set[int] | None:
    """The units whose dossiers ``lost_points`` lists (None: the province's)."""
    if unit_id is None or with_children:
        return _scope(tree, unit_id)
    _scope(tree, unit_id)  # a unit that does not exist is refused
    return {u for u in tree.units if tree.representative(u, period.start) == unit_id}


async def lost_scope_name(period: IndexPeriod, unit_id: int | None, *, with_children: bool = False) -> str:
    """Whose dossiers ``lost_points`` lists, as the list's heading says it (see ``scope_name``)."""
    tree = await UnitTree.load()
    return scope_name(tree, unit_id, _lost_scope(tree, period, unit_id, with_children) or set())


async def lost_points(
    period: IndexPeriod,
    indicator: str,
    unit_id: int | None,
    page: PageRequest,
    *,
    with_children: bool = False,
) -> tuple[list[dict], int]:
    """The dossiers an indicator counts against (in its denominator, not its numerator):
    of one ranking row's unit (its own dossiers and those of the units merged into it, as the
    ranking counts them), of a scope (``with_children``: the unit with the units under it, as
    ``service_index`` counts its total), or of the province; in the order they were received
    (by day, then as stored: the received_on index gives that order without sorting). The
    total comes from the indicator's own counts."""
    rule = BY_KEY.get(indicator)
    if rule is None:
        raise InvalidInput.field(
            "indicator", f"one of {', '.join(BY_KEY)}", "Chỉ số không hợp lệ hoặc không tính theo hồ sơ."
        )
    tree = await UnitTree.load()
    units = _lost_scope(tree, period, unit_id, with_children)
    if units == set():  # closed before the period: its dossiers rank under its successor
        return [], 0
    sql = _Sql(period.end, _postgres())
    where = (
        f"{_received_in(sql, period.start, period.end, units)} AND {sql.judged(rule.at_end(rule.applies))}"
        f" AND NOT COALESCE({sql.judged(rule.meets)}, false)"
    )
    rows = await counted(period.start, period.end, units)
    total = rows[0][1][f"{rule.key}_applies"] - rows[0][1][f"{rule.key}_meets"] if rows else 0
    query = (
        "SELECT d.code, p.code AS procedure_code, p.name AS procedure_name, u.code AS unit_code,"
        " u.name AS unit_name, d.channel, d.received_at, d.due_at, d.resolved_at, d.outcome,"
        " d.supplement_requests, d.fee_bearing, d.paid_online, d.electronic_result, d.digitised,"
        ' d.reused_data FROM dossier d JOIN admin_procedure p ON p.id = d."procedure"'
        f' JOIN unit u ON u.id = d."unit" WHERE {where} ORDER BY d.received_on, d.id'
        f" LIMIT {sql.value(page.limit)} OFFSET {sql.value(page.offset)}"
    )
    return await Dossier.raw(query, *sql.values), total
