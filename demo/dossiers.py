"""A year of demo dossiers (hồ sơ TTHC) for the demo province, as the one-stop system exports
them: a CSV in the dossier import format whose totals for the year are Quảng Ninh's 2020
seed figures times a scale.

The file is streamed row by row in receipt order (memory stays flat whatever the scale). Two
passes over the same seeded draws: the first only counts the dossiers whose due date falls after
the year (the only ones that can still be open within their deadline at 31/12), the second
writes, drawing each dossier's outcome without replacement from exact quotas, so the totals
are exact under the statistics' classification:

- resolved LATE if resolved_at > due_at; otherwise EARLY if the local date of resolved_at is
  before the local date of due_at; otherwise ON TIME;
- an open dossier is overdue at year end if the local date of its due_at is on or before 31/12.

Late dossiers (resolved late, or open and overdue at 31/12) owe the citizen an apology: about 5%
of each have none; the others have one issued the day after the deadline (on the deadline itself
when the result, or the year's end, comes first: every apology is issued within the year), with
a new return date on or after the result.

The Decision 766 fields (fees and online payment, electronic result, digitisation, re-used
data, supplement requests) come from draws of their own, at rates that grow from 2020 to 2023
(``digital_rates``), so that every service-index indicator has figures and the totals above
stay exactly as they were.
"""

from __future__ import annotations

import csv
import math
import os
import random
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from core.errors import InvalidInput, NotFound
from demo.procedures import apportion
from models.dossiers.records import FILE_COLUMNS
from models.procedures.tables import Procedure
from models.units.tables import Unit
from models.vocabulary import Channel, DossierOutcome, OnlineLevel, UnitLevel

HEADER = tuple(key for key, _ in FILE_COLUMNS)  # the import format
# Quảng Ninh 2020 (seed article): received, resolved early / on time / late; the rest (64.817)
# were returned, withdrawn or still open at the end of the year.
SEED_RECEIVED = 1_191_036
SEED_EARLY = 506_606
SEED_ON_TIME = 616_726
SEED_LATE = 2_887
RETURNED_SHARE = 0.40  # of the rest
WITHDRAWN_SHARE = 0.10  # of the rest; the other half is still open at 31/12
OPEN_OVERDUE_SHARE = 0.25  # of the open ones; most are still within their deadline
LATE_WITHOUT_APOLOGY_SHARE = 0.05
ONLINE_SHARE = 0.38
POSTAL_SHARE = 0.02
CASHLESS_BY_CHANNEL = {Channel.ONLINE: 0.55, Channel.DIRECT: 0.15, Channel.POSTAL: 0.20}  # ~30% overall
LEVEL_SHARES = {UnitLevel.PROVINCE: 0.30, UnitLevel.DISTRICT: 0.42, UnitLevel.COMMUNE: 0.28}
# Dossiers per procedure, relative, by field: civil status, certification and land dominate.
FIELD_TRAFFIC = {
    "Hộ tịch": 6.0,
    "Tư pháp": 4.0,
    "Đất đai": 5.0,
    "Lao động – Thương binh và Xã hội": 2.5,
    "Kế hoạch và Đầu tư": 2.5,
    "Giao thông vận tải": 3.0,
    "Xây dựng": 2.0,
    "Y tế": 1.5,
    "Công Thương": 1.2,
}
# Receiving units' relative sizes (population and business); others weigh 1.
UNIT_WEIGHTS = {
    "HALONG": 30,
    "CAMPHA": 14,
    "DONGTRIEU": 10,
    "QUANGYEN": 10,
    "UONGBI": 9,
    "MONGCAI": 8,
    "VANDON": 4,
    "HAIHA": 3.5,
    "TIENYEN": 3,
    "DAMHA": 2.5,
    "BINHLIEU": 2,
    "BACHE": 1.5,
    "COTO": 0.5,
    "OLD-P-HONGHAI": 3,
    "OLD-P-HONGHA": 3,
    "OLD-TT-TIENYEN": 2,
}
# Fewer dossiers around Tết (February) and more in the year-end rush.
MONTH_WEIGHTS = (1.0, 0.7, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.05, 1.15)
# Lunar holidays by year: the first day of Tết and the Hùng Kings' day.
TET = {
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
}
HUNG_KINGS = {
    2019: date(2019, 4, 14),
    2020: date(2020, 4, 2),
    2021: date(2021, 4, 21),
    2022: date(2022, 4, 10),
    2023: date(2023, 4, 29),
    2024: date(2024, 4, 18),
    2025: date(2025, 4, 7),
    2026: date(2026, 4, 26),
}
OPEN_MINUTE, CLOSE_MINUTE = 7 * 60 + 30, 17 * 60  # offices receive 07:30-17:00 local time
DUE_TIME = "T17:00:00+07:00"
DEFAULT_PROCESSING_DAYS = 10
MAX_SCALE = 100.0
DEFAULT_SEED = 2020

# Decision 766 fields. Plausible demo rates, not published figures: the one-stop systems'
# digitisation grew between 2020 and 2023 (years between are interpolated, later ones are
# 2023's). A procedure bears a fee or not for all its dossiers (about a third of them do).
FEE_BEARING_PERCENT = 35
SUPPLEMENT_ONCE, SUPPLEMENT_TWICE = 0.07, 0.01  # of the resolved dossiers handled over 3 days and more


@dataclass(frozen=True)
class DigitalRates:
    paid_online_when_online: float  # of the fee-bearing dossiers filed online
    paid_online_at_counter: float  # of those filed at the counter or by post
    electronic_result: float  # of the resolved ones
    digitised_online: float
    digitised_at_counter: float
    reused_data: float


DIGITAL_2020 = DigitalRates(0.30, 0.03, 0.15, 0.35, 0.08, 0.05)
DIGITAL_2023 = DigitalRates(0.78, 0.12, 0.62, 0.92, 0.45, 0.38)


def digital_rates(year: int) -> DigitalRates:
    """The demo's rates of ``year`` (2020's before, 2023's after, linear between)."""
    weight = min(max((year - 2020) / 3, 0.0), 1.0)
    return DigitalRates(
        *(
            getattr(DIGITAL_2020, f.name)
            + weight * (getattr(DIGITAL_2023, f.name) - getattr(DIGITAL_2020, f.name))
            for f in fields(DigitalRates)
        )
    )


class _ServiceDraws:
    """A dossier's Decision 766 cells, from draws of their own (the other draws, hence the
    figures the tests pin, stay as they were)."""

    def __init__(self, year: int, codes: list[str], seed: int) -> None:
        self.rng = random.Random(seed * 7 + 5)
        self.rates = digital_rates(year)
        self.fee = [zlib.crc32(code.encode()) % 100 < FEE_BEARING_PERCENT for code in codes]

    def cells(self, p: int, online: bool, resolved: bool, supplement: tuple[str, str] | None) -> tuple:
        """(fee_bearing, paid_online, electronic_result, digitised, reused_data, supplement
        requests, first request, answer); ``supplement``: the request and answer moments a
        supplement would have, when the dossier leaves room for one."""
        rand, rates = self.rng.random, self.rates
        paid = ""
        if self.fee[p]:
            paid = _flag(rand() < (rates.paid_online_when_online if online else rates.paid_online_at_counter))
        result = _flag(rand() < rates.electronic_result) if resolved else ""
        digitised = rand() < (rates.digitised_online if online else rates.digitised_at_counter)
        requests, requested, returned = "", "", ""
        roll = rand()
        if supplement and roll < SUPPLEMENT_ONCE + SUPPLEMENT_TWICE:
            requests = "2" if roll < SUPPLEMENT_TWICE else "1"
            requested, returned = supplement
        return (
            _flag(self.fee[p]),
            paid,
            result,
            _flag(digitised),
            _flag(rand() < rates.reused_data),
            requests,
            requested,
            returned,
        )


def _flag(value: bool) -> str:
    return "1" if value else "0"


# Outcome categories, in quota order.
EARLY, ON_TIME, LATE, RETURNED, WITHDRAWN, OPEN_WITHIN, OPEN_OVERDUE = range(7)


@dataclass(frozen=True)
class CatalogueProcedure:
    code: str
    level: str
    field: str
    processing_days: float | None
    online_level: str
    handling_unit: str | None  # unit code


@dataclass(frozen=True)
class CatalogueUnit:
    code: str
    level: str
    valid_from: date | None
    valid_to: date | None
    successor: str | None = None  # the unit it merged into, once closed

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class DemoCatalogue:
    procedures: tuple[CatalogueProcedure, ...]
    units: tuple[CatalogueUnit, ...]


@dataclass(frozen=True)
class DossierTotals:
    """What a generated file holds for its year (every dossier is received in the year)."""

    year: int
    scale: float
    received: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    returned: int
    withdrawn: int
    open_within_deadline: int
    open_overdue: int
    late_without_apology: int  # resolved late with no apology
    overdue_without_apology: int  # open past the deadline at 31/12 with no apology
    apologies_issued: int
    cashless: int
    by_channel: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def still_open(self) -> int:
        return self.open_within_deadline + self.open_overdue

    def rows(self) -> list[tuple[str, int]]:
        """(Vietnamese label, count) for printing."""
        return [
            ("Tiếp nhận", self.received),
            ("Giải quyết trước hạn", self.resolved_early),
            ("Giải quyết đúng hạn", self.resolved_on_time),
            ("Giải quyết quá hạn", self.resolved_late),
            ("  trong đó chưa có phiếu xin lỗi", self.late_without_apology),
            ("Trả lại hồ sơ", self.returned),
            ("Rút hồ sơ", self.withdrawn),
            ("Đang giải quyết, trong hạn (31/12)", self.open_within_deadline),
            ("Đang giải quyết, quá hạn (31/12)", self.open_overdue),
            ("  trong đó chưa có phiếu xin lỗi", self.overdue_without_apology),
            ("Phiếu xin lỗi đã gửi", self.apologies_issued),
            *((f"Kênh: {Channel(key).label}", n) for key, n in self.by_channel.items()),
            *((f"{UnitLevel(key).label}", n) for key, n in self.by_level.items()),
            ("Thanh toán không dùng tiền mặt", self.cashless),
        ]


@dataclass(frozen=True)
class DemoWindow:
    """Dossiers received from ``first`` to ``last`` with these totals (at scale 1). With
    ``settle_open`` the ones still open at ``last`` get their result after it (the next period
    resolves them), as ``settle_next_year`` does for a whole year."""

    first: date
    last: date
    received: int
    early: int
    on_time: int
    late: int
    settle_open: bool = False


# 2023, seed 000: "Tính đến hết ngày 30.6, toàn tỉnh tiếp nhận 532.950 hồ sơ, đã giải quyết 506.890
# hồ sơ, đạt 95,11%" — the split into early / on time / late is the demo's (the article gives only
# the resolved total), as is the whole second half (a plausible year-on-year growth).
SEED_2023_H1 = (532_950, 228_100, 277_776, 1_014)
DEMO_2023_H2 = (548_000, 240_000, 281_500, 1_100)


def demo_windows(year: int) -> tuple[DemoWindow, ...]:
    """2023 as its two seeded halves; any other year in one window with the 2020 figures."""
    if year == 2023:
        return (
            DemoWindow(date(2023, 1, 1), date(2023, 6, 30), *SEED_2023_H1, settle_open=True),
            DemoWindow(date(2023, 7, 1), date(2023, 12, 31), *DEMO_2023_H2),
        )
    return (
        DemoWindow(date(year, 1, 1), date(year, 12, 31), SEED_RECEIVED, SEED_EARLY, SEED_ON_TIME, SEED_LATE),
    )


def target_totals(scale: float, window: DemoWindow | None = None) -> dict[str, int]:
    """A window's figures (the 2020 seed by default) times ``scale`` (rounded); the rest split
    returned / withdrawn / open."""
    if not 0 < scale <= MAX_SCALE:
        raise InvalidInput.field("scale", f"must be > 0 and <= {MAX_SCALE:g}", "Hệ số quy mô không hợp lệ.")
    window = window or demo_windows(2020)[0]
    received = round(window.received * scale)
    early, on_time, late = (round(n * scale) for n in (window.early, window.on_time, window.late))
    rest = received - early - on_time - late
    if rest < 0:
        raise InvalidInput.field("scale", "too small to keep the figures' proportions", "Hệ số quá nhỏ.")
    returned, withdrawn = round(rest * RETURNED_SHARE), round(rest * WITHDRAWN_SHARE)
    return {
        "received": received,
        "early": early,
        "on_time": on_time,
        "late": late,
        "returned": returned,
        "withdrawn": withdrawn,
        "open": rest - returned - withdrawn,
    }


async def load_catalogue(year: int) -> DemoCatalogue:
    """The procedures in force throughout ``year`` and every unit, from the database."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    hint = "load the demo province first: cchc migrate && cchc demo"
    try:
        procedure_rows = await Procedure.select(
            Procedure.code,
            Procedure.level,
            Procedure.field,
            Procedure.processing_days,
            Procedure.online_level,
            Procedure.valid_from,
            Procedure.valid_to,
            Procedure.handling_unit.code.as_alias("handling_unit_code"),
        ).order_by(Procedure.code)
        unit_rows = await Unit.select(
            Unit.code, Unit.level, Unit.valid_from, Unit.valid_to, Unit.successor.code.as_alias("successor")
        ).order_by(Unit.code)
    except Exception as exc:  # no tables yet: the database was never migrated
        raise NotFound(
            f"cannot read the procedure catalogue ({exc}); {hint}",
            "Chưa đọc được danh mục thủ tục hành chính.",
        ) from exc
    procedures = tuple(
        CatalogueProcedure(
            row["code"],
            row["level"],
            row["field"],
            row["processing_days"],
            row["online_level"],
            row["handling_unit_code"],
        )
        for row in procedure_rows
        if (row["valid_from"] is None or row["valid_from"] <= first)
        and (row["valid_to"] is None or row["valid_to"] >= last)
    )
    if not procedures:
        raise NotFound(
            f"no procedure in force throughout {year}; {hint}",
            f"Không có thủ tục nào có hiệu lực suốt năm {year}.",
        )
    units = tuple(
        CatalogueUnit(r["code"], r["level"], r["valid_from"], r["valid_to"], r["successor"])
        for r in unit_rows
    )
    return DemoCatalogue(procedures, units)


async def generate_demo_dossiers(
    path: Path,
    year: int = 2020,
    scale: float = 1.0,
    *,
    seed: int = DEFAULT_SEED,
    on_progress: Callable[[int, int], None] | None = None,
) -> DossierTotals:
    """Write the demo dossier file for ``year`` from the catalogue in the database."""
    target_totals(scale)  # a bad scale fails before reading anything
    return write_dossier_file(
        await load_catalogue(year), path, year, scale, seed=seed, on_progress=on_progress
    )


# --- the generator -------------------------------------------------------------------------------


def _holidays(year: int) -> set[date]:
    days = {date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)}
    if year in TET:
        days |= {TET[year] + timedelta(days=offset) for offset in range(-2, 5)}
    if year in HUNG_KINGS:
        days.add(HUNG_KINGS[year])
    return days


class _Year:
    """Everything fixed for a year and a catalogue: dossiers per day, procedure weights,
    processing days, channel odds, and the receiving units valid on each day."""

    def __init__(self, catalogue: DemoCatalogue, first: date, last: date, received: int, seed: int) -> None:
        rng = random.Random(seed * 7 + 1)
        self.first = first
        self.n_days = (last - first).days + 1
        self.last = self.n_days - 1
        days = [self.first + timedelta(days=i) for i in range(self.n_days)]
        holidays = set().union(*(_holidays(y) for y in range(first.year, last.year + 1)))
        working = [day.weekday() < 5 and day not in holidays for day in days]
        weights = [
            MONTH_WEIGHTS[day.month - 1] * rng.uniform(0.85, 1.15) if works else 0.0
            for day, works in zip(days, working, strict=True)
        ]
        self.day_counts = apportion(received, weights)
        # The working day on or before each day (a result is not handed over on a Sunday).
        self.previous_working = []
        latest = 0
        for i, works in enumerate(working):
            latest = i if works else latest
            self.previous_working.append(latest)

        procedures = catalogue.procedures
        self.codes = [p.code for p in procedures]
        self.levels = [p.level for p in procedures]
        self.handling = [p.handling_unit for p in procedures]
        self.processing = [
            max(1, math.ceil(p.processing_days or DEFAULT_PROCESSING_DAYS)) for p in procedures
        ]
        raw = [FIELD_TRAFFIC.get(p.field, 1.0) * rng.lognormvariate(0, 1.0) for p in procedures]
        level_sums: dict[str, float] = {}
        for p, weight in zip(procedures, raw, strict=True):
            level_sums[p.level] = level_sums.get(p.level, 0.0) + weight
        shares = {level: LEVEL_SHARES.get(UnitLevel(level), 0.1) for level in level_sums}
        share_sum = sum(shares.values())
        traffic = [
            weight * shares[p.level] / share_sum / level_sums[p.level]
            for p, weight in zip(procedures, raw, strict=True)
        ]
        self.cum_traffic = list(accumulate(traffic))
        self.indices = range(len(procedures))

        # Online share by online level: fully online procedures get twice the partly online odds,
        # the others none, so that the whole year is ~38% online.
        full = sum(t for p, t in zip(procedures, traffic, strict=True) if p.online_level == OnlineLevel.FULL)
        partial = sum(
            t for p, t in zip(procedures, traffic, strict=True) if p.online_level == OnlineLevel.PARTIAL
        )
        odds = min(0.95, ONLINE_SHARE / (full + partial / 2)) if full + partial else 0.0
        online = {OnlineLevel.FULL.value: odds, OnlineLevel.PARTIAL.value: odds / 2}
        postal = POSTAL_SHARE / (1 - ONLINE_SHARE)
        self.online_below = [online.get(p.online_level, 0.0) for p in procedures]
        self.postal_below = [o + (1 - o) * postal for o in self.online_below]

        # Receiving units valid on each day, per level (a level without units that day falls
        # back: district to commune, as after the 2025 merge, then to the province level).
        self.pools: list[dict[str, tuple[list[str], list[float]]]] = []
        self.valid: list[frozenset[str]] = []
        memo: dict[frozenset[str], dict] = {}
        for day in days:
            codes = frozenset(unit.code for unit in catalogue.units if unit.valid_on(day))
            if codes not in memo:
                memo[codes] = self._pools([u for u in catalogue.units if u.code in codes])
            self.valid.append(codes)
            self.pools.append(memo[codes])

    @staticmethod
    def _pools(units: list[CatalogueUnit]) -> dict[str, tuple[list[str], list[float]]]:
        by_level: dict[str, list[CatalogueUnit]] = {}
        for unit in units:
            by_level.setdefault(unit.level, []).append(unit)
        fallbacks = {
            UnitLevel.PROVINCE.value: (UnitLevel.PROVINCE.value,),
            UnitLevel.DISTRICT.value: (
                UnitLevel.DISTRICT.value,
                UnitLevel.COMMUNE.value,
                UnitLevel.PROVINCE.value,
            ),
            UnitLevel.COMMUNE.value: (UnitLevel.COMMUNE.value, UnitLevel.PROVINCE.value),
        }
        pools = {}
        for level, order in fallbacks.items():
            members = next((by_level[other] for other in order if by_level.get(other)), [])
            if members:
                weights = [UNIT_WEIGHTS.get(unit.code, 1.0) for unit in members]
                pools[level] = ([unit.code for unit in members], list(accumulate(weights)))
        return pools

    def day_draws(self, rng: random.Random, day: int) -> tuple[list[int], list[int]]:
        """The day's receipt minutes (sorted) and procedures: the draws both passes share."""
        n = self.day_counts[day]
        minutes = sorted(rng.choices(range(OPEN_MINUTE, CLOSE_MINUTE), k=n))
        return minutes, rng.choices(self.indices, cum_weights=self.cum_traffic, k=n)

    def due_after_year(self, seed: int) -> int:
        """How many dossiers are due after 31/12 (the first pass)."""
        rng = random.Random(seed * 7 + 2)
        processing, last, count = self.processing, self.last, 0
        for day in range(self.n_days):
            if self.day_counts[day]:
                _, procedures = self.day_draws(rng, day)
                count += sum(1 for p in procedures if day + processing[p] > last)
        return count


def _quotas(target: dict[str, int], due_after: int, received: int) -> tuple[list[int], list[int]]:
    """Outcome quotas for the dossiers due after the year (A) and the others (B)."""
    open_within = min(round(target["open"] * (1 - OPEN_OVERDUE_SHARE)), due_after)
    open_overdue = target["open"] - open_within
    flexible = [target["early"], target["returned"], target["withdrawn"]]
    in_a = apportion(due_after - open_within, flexible) if due_after > open_within else [0, 0, 0]
    pool_a = [in_a[0], 0, 0, in_a[1], in_a[2], open_within, 0]
    total = [
        target["early"],
        target["on_time"],
        target["late"],
        target["returned"],
        target["withdrawn"],
        open_within,
        open_overdue,
    ]
    pool_b = [t - a for t, a in zip(total, pool_a, strict=True)]
    if min(pool_b) < 0 or sum(pool_b) != received - due_after:
        raise InvalidInput.field(
            "year",
            "too many dossiers fall due after the year for the seed figures",
            "Không thể tạo dữ liệu khớp số liệu mẫu.",
        )
    return pool_a, pool_b


def write_dossier_file(
    catalogue: DemoCatalogue,
    path: Path,
    year: int,
    scale: float,
    *,
    seed: int = DEFAULT_SEED,
    until: date | None = None,
    settle_next_year: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> DossierTotals:
    """Stream the year's dossiers to ``path`` (written whole or not at all). With ``until``
    (the current year: yesterday), the year as it stands at the end of that day: dossiers
    received later are not there, and a result or apology dated later is not known yet (the
    dossier is still open). With ``settle_next_year`` (a past year), the dossiers still open
    at 31/12 get their result in the next weeks: the year's figures are the same (they were
    open at its end), and later years do not carry them over forever."""
    windows = demo_windows(year)
    plans = [
        _Year(catalogue, w.first, w.last, target_totals(scale, w)["received"], seed + i)
        for i, w in enumerate(windows)
    ]
    cutoffs = [plan.last if until is None else (until - plan.first).days for plan in plans]
    expected = sum(
        sum(plan.day_counts[: max(cutoff + 1, 0)]) for plan, cutoff in zip(plans, cutoffs, strict=True)
    )
    path = Path(path)
    partial_path = path.with_name(path.name + ".part")
    parts: list[DossierTotals] = []
    try:
        with partial_path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(HEADER)
            for index, (window, plan, cutoff) in enumerate(zip(windows, plans, cutoffs, strict=True)):
                before = sum(part.received for part in parts)

                def progress(done: int, before: int = before) -> None:
                    if on_progress:
                        on_progress(before + done, expected)

                settle = settle_next_year or window.settle_open
                parts.append(
                    _write_window(
                        writer, catalogue, window, plan, scale, seed + index, cutoff, settle, progress
                    )
                )
        os.replace(partial_path, path)
    finally:
        partial_path.unlink(missing_ok=True)
    return _summed(year, scale, parts)


def _summed(year: int, scale: float, parts: list[DossierTotals]) -> DossierTotals:
    """The totals of a file written in several windows."""
    counts = {
        f.name: sum(getattr(part, f.name) for part in parts)
        for f in fields(DossierTotals)
        if f.name not in ("year", "scale", "by_channel", "by_level")
    }
    merged = {
        name: {key: sum(getattr(part, name)[key] for part in parts) for key in getattr(parts[0], name)}
        for name in ("by_channel", "by_level")
    }
    return DossierTotals(year=year, scale=scale, **counts, **merged)


def _write_window(
    writer,
    catalogue: DemoCatalogue,
    window: DemoWindow,
    plan: _Year,
    scale: float,
    seed: int,
    cutoff: int,
    settle: bool,
    on_progress: Callable[[int], None],
) -> DossierTotals:
    """Write one window's dossiers (to its day ``cutoff``), each outcome drawn from exact quotas."""
    target = target_totals(scale, window)
    received = target["received"]
    pool_a, pool_b = _quotas(target, plan.due_after_year(seed), received)
    quota = [pool_a, pool_b]
    left = [sum(pool_a), sum(pool_b)]
    counts = [0] * 7
    # Late dossiers (resolved late, or open past the deadline at the end) owe an apology: about
    # 5% of each have none, drawn without replacement too.
    owed = {LATE: target["late"], OPEN_OVERDUE: pool_b[OPEN_OVERDUE]}
    not_apologised = {category: round(n * LATE_WITHOUT_APOLOGY_SHARE) for category, n in owed.items()}
    without_apology = dict.fromkeys(owed, 0)
    by_channel = {channel.value: 0 for channel in Channel}
    by_level = {level.value: 0 for level in UnitLevel}
    cashless_total = apologies = 0

    horizon = plan.n_days + max(plan.processing) + 40
    day_text = [(plan.first + timedelta(days=i)).isoformat() for i in range(horizon)]
    clock = [f"T{m // 60:02d}:{m % 60:02d}:00+07:00" for m in range(24 * 60)]
    outcome_text = [
        DossierOutcome.RESOLVED.value,
        DossierOutcome.RESOLVED.value,
        DossierOutcome.RESOLVED.value,
        DossierOutcome.RETURNED.value,
        DossierOutcome.WITHDRAWN.value,
        DossierOutcome.OPEN.value,
        DossierOutcome.OPEN.value,
    ]
    cashless_odds = {channel.value: odds for channel, odds in CASHLESS_BY_CHANNEL.items()}
    channels = (Channel.ONLINE.value, Channel.POSTAL.value, Channel.DIRECT.value)

    base = random.Random(seed * 7 + 2)  # the same draws as the first pass
    rng = random.Random(seed * 7 + 3)
    settle_rng = random.Random(seed * 7 + 4)
    rand, randint, expo = rng.random, rng.randint, rng.expovariate
    last, processing, levels, codes = plan.last, plan.processing, plan.levels, plan.codes
    handling, online_below, postal_below = plan.handling, plan.online_below, plan.postal_below
    previous_working = plan.previous_working
    successors = {unit.code: unit.successor for unit in catalogue.units}
    service = _ServiceDraws(window.first.year, codes, seed)

    def close_minute(day: int, received_day: int, minute: int) -> int:
        if day != received_day:
            return randint(OPEN_MINUTE, CLOSE_MINUTE)
        if minute + 10 <= CLOSE_MINUTE:
            return randint(minute + 10, CLOSE_MINUTE)
        return randint(minute + 1, 24 * 60 - 1)

    written = 0
    for day in range(min(plan.n_days, cutoff + 1)):
        if not plan.day_counts[day]:
            continue
        minutes, procedures = plan.day_draws(base, day)
        pools, valid = plan.pools[day], plan.valid[day]
        stamp = day_text[day]
        prefix = "-" + stamp[2:4] + stamp[5:7] + stamp[8:10] + "-"
        sequence: dict[str, int] = {}
        for minute, p in zip(minutes, procedures, strict=True):
            level = levels[p]
            unit = handling[p]
            while unit is not None and unit not in valid:  # merged: its successor receives
                unit = successors.get(unit)
            if unit is None:
                unit_codes, unit_weights = pools[level]
                unit = unit_codes[bisect_right(unit_weights, rand() * unit_weights[-1])]
            sequence[unit] = number = sequence.get(unit, 0) + 1
            due = day + processing[p]
            pool = 0 if due > last else 1
            pick = int(rand() * left[pool])
            remaining = quota[pool]
            category = 0
            while pick >= remaining[category]:
                pick -= remaining[category]
                category += 1
            remaining[category] -= 1
            left[pool] -= 1

            resolved = apology_issued = apology_due = ""
            close = issued = last
            if category == EARLY:
                close = day + int(rand() * (min(due - 1, last) - day + 1))
                close = max(day, previous_working[close])
                resolved = day_text[close] + clock[close_minute(close, day, minute)]
            elif category == ON_TIME:
                close = due
                resolved = day_text[due] + clock[randint(OPEN_MINUTE, CLOSE_MINUTE)]
            elif category == LATE:
                delay = min(last - due, 1 + int(expo(0.25)))
                if delay == 0:
                    resolved = day_text[due] + clock[randint(CLOSE_MINUTE + 1, 24 * 60 - 1)]
                    close = due
                else:
                    close = max(due + 1, previous_working[due + delay])
                    resolved = day_text[close] + clock[randint(OPEN_MINUTE, CLOSE_MINUTE)]
            elif category in (RETURNED, WITHDRAWN):
                mean_days = 2.0 if category == RETURNED else 4.0
                close = min(day + int(expo(1 / mean_days)), due, last)
                close = max(day, previous_working[close])
                resolved = day_text[close] + clock[close_minute(close, day, minute)]
            elif category == OPEN_OVERDUE:
                close = last
            if category in owed:  # late: an apology is owed
                if rand() * owed[category] < not_apologised[category]:
                    not_apologised[category] -= 1
                    without_apology[category] += 1
                else:
                    # The day after the deadline (by the result or the year's end at the latest).
                    issued = min(due + 1 + (rand() < 0.3), close)
                    apology_issued = day_text[issued]
                    apology_due = day_text[max(issued + randint(3, 10), close)]
                    apologies += 1
                owed[category] -= 1
            if cutoff < plan.last:  # what is known at the end of the cut-off day
                if category >= OPEN_WITHIN or (resolved and close > cutoff):
                    resolved = ""
                    category = OPEN_WITHIN if due > cutoff else OPEN_OVERDUE
                if apology_issued and issued > cutoff:
                    apology_issued = apology_due = ""
                    apologies -= 1
            counts[category] += 1
            outcome = outcome_text[category]
            if settle and category >= OPEN_WITHIN:
                after = settle_rng.randint(3, 30)  # its own draws: the others stay the same
                settled = due if category == OPEN_WITHIN else last + after
                resolved = day_text[settled] + clock[settle_rng.randint(OPEN_MINUTE, CLOSE_MINUTE)]
                outcome = DossierOutcome.RESOLVED.value

            roll = rand()
            channel = channels[0 if roll < online_below[p] else 1 if roll < postal_below[p] else 2]
            cashless = rand() < cashless_odds[channel]
            cashless_total += cashless
            supplement = None
            if resolved and category <= LATE and close - day >= 3:  # asked the day after receipt
                answered = day + 1 + service.rng.randint(1, close - day - 2)
                supplement = (day_text[day + 1] + clock[minute], day_text[answered] + clock[minute])
            # A result settled next year is not known in this year's export: no electronic-result cell.
            resolved_here = outcome_text[category] == DossierOutcome.RESOLVED
            extra = service.cells(p, channel == Channel.ONLINE, resolved_here, supplement)
            by_channel[channel] += 1
            by_level[level] += 1
            writer.writerow(
                (
                    f"{unit}{prefix}{number:04d}",
                    codes[p],
                    unit,
                    channel,
                    stamp + clock[minute],
                    day_text[due] + DUE_TIME,
                    resolved,
                    outcome,
                    "1" if cashless else "0",
                    apology_issued,
                    apology_due,
                    *extra,
                )
            )
        written += plan.day_counts[day]
        on_progress(written)
    return DossierTotals(
        year=window.first.year,
        scale=scale,
        received=written,
        resolved_early=counts[EARLY],
        resolved_on_time=counts[ON_TIME],
        resolved_late=counts[LATE],
        returned=counts[RETURNED],
        withdrawn=counts[WITHDRAWN],
        open_within_deadline=counts[OPEN_WITHIN],
        open_overdue=counts[OPEN_OVERDUE],
        late_without_apology=without_apology[LATE],
        overdue_without_apology=without_apology[OPEN_OVERDUE],
        apologies_issued=apologies,
        cashless=cashless_total,
        by_channel=by_channel,
        by_level=by_level,
    )
