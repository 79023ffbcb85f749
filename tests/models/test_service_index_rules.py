"""The Decision 766 indicator rules at their boundaries (table-driven, no database): the
supplement-adjusted timing of a dossier, ratios and N/A, the full-marks thresholds and points,
the overall score and ranking, the periods and how a span splits into whole months and the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import InvalidInput
from models.dossiers.records import service_timing
from models.dossiers.stats import UnitTree
from models.service_index.indicators import (
    BY_KEY,
    CLOSED_BY_END,
    DOSSIER_INDICATORS,
    INDICATOR_LABELS,
    RESOLVED,
    Rule,
    achievement,
    assess,
    overall_score,
    ratio,
    scoring_rules,
    total_points,
)
from models.service_index.service import (
    IndexFigures,
    IndexGroup,
    parse_period,
    period_choices,
    period_from_key,
    ranked,
    scope_name,
    split_period,
)

T0 = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)  # received
DUE = T0 + timedelta(days=10)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# (name, resolved, requests, requested, returned) -> (appointment, on time, handling minutes)
TIMING = [
    ("finished at the deadline exactly: on time", DUE, None, None, None, DUE, True, 14400),
    ("a minute after the deadline: late", DUE + timedelta(minutes=1), None, None, None, DUE, False, 14401),
    ("open, no supplement: the deadline", None, None, None, None, DUE, None, None),
    (
        "supplement of 2 days: appointment and result move by 2 days",
        DUE + timedelta(days=2),
        1,
        h(24),
        h(72),
        DUE + timedelta(days=2),
        True,
        14400,
    ),
    (
        "supplement of 2 days, result a minute after the moved appointment: late",
        DUE + timedelta(days=2, minutes=1),
        1,
        h(24),
        h(72),
        DUE + timedelta(days=2),
        False,
        14401,
    ),
    ("asked twice: late even when early", h(48), 2, h(1), h(2), DUE + timedelta(hours=1), False, 47 * 60),
    ("asked once, answer awaited: the clock is stopped", None, 1, h(24), None, None, None, None),
    (
        "asked after the deadline, answer awaited: the deadline stands",
        None,
        1,
        DUE + timedelta(hours=1),
        None,
        DUE,
        None,
        None,
    ),
    (
        "asked, never answered, withdrawn: paused until the closing",
        h(300),
        1,
        h(24),
        None,
        DUE + timedelta(hours=276),
        True,
        1440,
    ),
    ("count without dates: no deduction", DUE, 1, None, None, DUE, True, 14400),
    ("zero requests recorded: nothing deducted", DUE, 0, None, None, DUE, True, 14400),
    (
        "asked at the deadline itself, answer awaited: the clock is stopped",
        None,
        1,
        DUE,
        None,
        None,
        None,
        None,
    ),
    (
        "resolved within its first minute: no handling minute",
        T0 + timedelta(seconds=59),
        None,
        None,
        None,
        DUE,
        True,
        0,
    ),
]


@pytest.mark.parametrize(
    ("resolved", "requests", "requested", "returned", "appointment", "on_time", "minutes"),
    [case[1:] for case in TIMING],
    ids=[case[0] for case in TIMING],
)
def test_service_timing(resolved, requests, requested, returned, appointment, on_time, minutes):
    """Rule pinned: Decision 766 on time (FORMATS.md): supplement time deducted, more than one
    request is late, an awaited supplement stops the clock."""
    assert service_timing(T0, DUE, resolved, requests, requested, returned) == (appointment, on_time, minutes)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"), [(0, 0, None), (0, 5, 0.0), (5, 5, 100.0), (1, 3, 100 / 3)]
)
def test_ratio_zero_denominator_is_not_zero(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("rate", "threshold", "expected"),
    [
        (80.0, 80, 100.0),
        (79.99, 80, 79.99 / 80 * 100),
        (100.0, 80, 100.0),
        (0.0, 80, 0.0),
        (50.0, 50, 100.0),
        (49.0, 50, 98.0),
        (25.0, 50, 50.0),
        (99.0, None, 99.0),
        (100.0, None, 100.0),
    ],
)
def test_achievement_threshold(rate, threshold, expected):
    """Rule pinned: full marks at or above the threshold, rate × maximum ÷ threshold below."""
    assert achievement(rate, threshold) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("numerator", "denominator", "unknown", "maximum", "status", "points", "full"),
    [
        (0, 0, 0, 10.0, "not_applicable", None, None),
        (0, 0, 7, 10.0, "no_data", None, None),
        (4, 5, 2, 10.0, "ok", 10.0, True),  # 80% at an 80% threshold
        (3, 5, 0, 10.0, "ok", 7.5, False),  # 60% of 80%
        (3, 5, 0, None, "ok", None, False),  # no maximum configured: no points
        (0, 5, 0, 10.0, "ok", 0.0, False),
    ],
)
def test_assess(numerator, denominator, unknown, maximum, status, points, full):
    result = assess("digitised", numerator, denominator, unknown, Rule(4, 80, maximum, "test"))
    assert (result.key, result.numerator, result.denominator, result.maximum) == (
        "digitised",
        numerator,
        denominator,
        maximum,
    )  # the counts it was judged on, as the report's table prints them
    assert (result.status, result.full_marks, result.unknown) == (status, full, unknown)
    assert result.points == (None if points is None else pytest.approx(points))
    assert (result.ratio is None) == (status != "ok")


def test_overall_score_and_points_leave_out_indicators_without_a_ratio():
    rule = Rule(3, 50, 4.0, "test")
    scored = [assess("online_submission", 1, 4, 0, rule), assess("digitised", 0, 0, 3, rule)]
    assert overall_score(scored) == pytest.approx(50.0)  # 25% of a 50% threshold
    both = [assess("online_submission", 1, 4, 0, rule), assess("reused_data", 2, 4, 0, rule)]
    assert overall_score(both) == pytest.approx(75.0)  # the mean of 50% and 100% of full marks
    assert total_points(scored) == pytest.approx(2.0)
    assert overall_score([assess("digitised", 0, 0, 3, rule)]) is None
    assert total_points([assess("x", 1, 2, 0, Rule(3, None, None, "t"))]) is None


def test_scoring_file_names_every_indicator_with_its_source_and_invents_no_maximum():
    rules = scoring_rules()
    assert set(rules) == set(INDICATOR_LABELS)
    assert all(rule.source for rule in rules.values())
    assert {key: rule.full_marks_at for key, rule in rules.items() if rule.full_marks_at} == {
        "procedures_online": 80,
        "online_submission": 50,
        "digitised": 80,
        "reused_data": 80,
    }
    assert all(rule.maximum is None for rule in rules.values())  # not retrieved (FORMATS.md)


def _group(name: str, score: float | None, previous: float | None = None) -> IndexGroup:
    figures = IndexFigures(1, (), 0, None, score, None)
    return IndexGroup({"unit_code": name}, figures, previous_score=previous)


def test_ranking_shares_ranks_for_equal_scores_and_puts_unscored_last():
    groups = ranked([_group("A", 50.0, 60.0), _group("B", None), _group("C", 90.0), _group("D", 50.0)])
    assert [(g.key["unit_code"], g.rank) for g in groups] == [("C", 1), ("A", 2), ("D", 2), ("B", None)]
    assert groups[1].change == pytest.approx(-10.0)
    assert groups[0].change is None


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "previous"),
    [
        ("2023-06", date(2023, 6, 1), date(2023, 6, 30), "tháng 6 năm 2023", "2023-05"),
        ("2024-01", date(2024, 1, 1), date(2024, 1, 31), "tháng 1 năm 2024", "2023-12"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "tháng 2 năm 2024", "2024-01"),
        ("2023-12", date(2023, 12, 1), date(2023, 12, 31), "tháng 12 năm 2023", "2023-11"),
        ("2023-q2", date(2023, 4, 1), date(2023, 6, 30), "quý II năm 2023", "2023-Q1"),
        ("2023-Q1", date(2023, 1, 1), date(2023, 3, 31), "quý I năm 2023", "2022-Q4"),
        ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30), "quý III năm 2023", "2023-Q2"),
        ("2023-Q4", date(2023, 10, 1), date(2023, 12, 31), "quý IV năm 2023", "2023-Q3"),
        ("2023", date(2023, 1, 1), date(2023, 12, 31), "năm 2023", "2022"),
    ],
)
def test_periods(text, start, end, label, previous):
    period = parse_period(text)
    assert (period.start, period.end, period.label, period.previous().key) == (start, end, label, previous)
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    "text", ["", "2023-13", "2023-00", "2023-Q5", "2023-6", "1999", "2101", "23", "2023-H1", "abcd", "2023-"]
)
def test_bad_periods_name_the_field(text):
    assert period_from_key(text) is None
    with pytest.raises(InvalidInput) as caught:
        parse_period(text)
    assert caught.value.errors[0].field == "period"
    assert caught.value.errors[0].message.startswith("Kỳ phải có dạng YYYY-MM")


@pytest.mark.parametrize(
    ("text", "key"), [("2000", "2000"), ("2100-12", "2100-12"), (" 2023-q4 ", "2023-Q4")]
)
def test_period_keys_from_2000_to_2100(text, key):
    assert period_from_key(text).key == key


@pytest.mark.parametrize(
    ("text", "today", "ended"),
    [
        ("2024-06", date(2024, 7, 1), True),  # ended yesterday
        ("2024-06", date(2024, 6, 30), False),  # its last day is today
        ("2024-Q2", date(2024, 6, 15), False),  # running
        ("2024", date(2025, 1, 1), True),
        ("2024", date(2024, 12, 31), False),
        ("2025-01", date(2024, 12, 31), False),  # not begun
    ],
)
def test_only_a_period_that_has_ended_has_an_index(text, today, ended):
    if ended:
        assert parse_period(text, today).key == text
        return
    with pytest.raises(InvalidInput) as caught:
        parse_period(text, today)
    assert caught.value.errors[0].field == "period"
    assert "chưa kết thúc: chỉ số đánh giá hồ sơ vào cuối kỳ" in caught.value.errors[0].message


def test_a_period_title_keeps_its_numeral():
    assert [parse_period(text).title for text in ("2023-Q2", "2023-06", "2023")] == [
        "Quý II năm 2023",
        "Tháng 6 năm 2023",
        "Năm 2023",
    ]


def test_trend_months():
    assert [m.key for m in parse_period("2023-03").trend_months()][:2] == ["2022-04", "2022-05"]
    assert len(parse_period("2023-03").trend_months()) == 12
    assert [m.key for m in parse_period("2023-Q2").trend_months()] == ["2023-04", "2023-05", "2023-06"]
    assert len(parse_period("2023").trend_months()) == 12


def test_only_the_result_indicators_wait_for_a_result_by_the_periods_end():
    """Rule: electronic results and digitisation count only dossiers resolved by the period's
    end; the other indicators count every dossier received."""
    gated = {indicator.key for indicator in DOSSIER_INDICATORS if indicator.at_end("c") != "c"}
    assert gated == {"electronic_result", "digitised"}
    assert BY_KEY["digitised"].at_end("c") == f"({RESOLVED} AND {CLOSED_BY_END} AND c)"


def d(text: str) -> date:
    return date.fromisoformat(text)


# (start, end) -> (whole months, partial spans, pending month)
SPLITS = [
    ("a calendar year: all tally", "2020-01-01", "2020-12-31", ("2020-01-01", "2020-12-31"), [], None),
    (
        "the report calendar 15/12–14/12",
        "2019-12-15",
        "2020-12-14",
        ("2020-01-01", "2020-11-30"),
        [("2019-12-15", "2019-12-31"), ("2020-12-01", "2020-12-14")],
        ("2020-12-01", "2020-12-31"),
    ),
    ("inside one month: all rows", "2024-02-03", "2024-02-20", None, [("2024-02-03", "2024-02-20")], None),
    (
        "from the 2nd to the month end: rows",
        "2024-02-02",
        "2024-02-29",
        None,
        [("2024-02-02", "2024-02-29")],
        None,
    ),
    (
        "from the 1st to the day before its end: rows",
        "2024-02-01",
        "2024-02-28",
        None,
        [("2024-02-01", "2024-02-28")],
        None,
    ),
    ("one whole month", "2024-02-01", "2024-02-29", ("2024-02-01", "2024-02-29"), [], None),
    (
        "15th to 14th of the next month: no whole month",
        "2024-01-15",
        "2024-02-14",
        None,
        [("2024-01-15", "2024-02-14")],
        None,
    ),
    (
        "ending on the 1st",
        "2024-01-01",
        "2024-02-01",
        ("2024-01-01", "2024-01-31"),
        [("2024-02-01", "2024-02-01")],
        ("2024-02-01", "2024-02-29"),
    ),
    (
        "ending the day before a month end",
        "2024-01-01",
        "2024-03-30",
        ("2024-01-01", "2024-02-29"),
        [("2024-03-01", "2024-03-30")],
        ("2024-03-01", "2024-03-31"),
    ),
    (
        "starting the day after a month end",
        "2024-02-01",
        "2024-03-31",
        ("2024-02-01", "2024-03-31"),
        [],
        None,
    ),
    (
        "starting on a month's last day",
        "2024-01-31",
        "2024-03-31",
        ("2024-02-01", "2024-03-31"),
        [("2024-01-31", "2024-01-31")],
        None,
    ),
    (
        "across a year end, a partial month at each end",
        "2023-12-31",
        "2024-02-01",
        ("2024-01-01", "2024-01-31"),
        [("2023-12-31", "2023-12-31"), ("2024-02-01", "2024-02-01")],
        ("2024-02-01", "2024-02-29"),
    ),
    ("one day", "2024-03-01", "2024-03-01", None, [("2024-03-01", "2024-03-01")], None),
]


@pytest.mark.parametrize(
    "name, start, end, whole, partial, pending", SPLITS, ids=[case[0] for case in SPLITS]
)
def test_split_period(name, start, end, whole, partial, pending):
    split = split_period(d(start), d(end))
    assert split.whole == (whole and (d(whole[0]), d(whole[1])))
    assert split.partial == tuple((d(a), d(b)) for a, b in partial)
    assert split.pending == (pending and (d(pending[0]), d(pending[1])))


def _unit(unit_id: int, name: str, parent: int | None, successor: int | None = None) -> dict:
    return {"id": unit_id, "name": name, "parent": parent, "successor": successor}


# 2 a department with 3 under it; 4 a department that 5 merged into; 6 one with both; 8 alone.
SCOPE_TREE = UnitTree(
    {
        unit["id"]: unit
        for unit in (
            _unit(1, "UBND tỉnh", None),
            _unit(2, "Sở Y tế", 1),
            _unit(3, "Bệnh viện tỉnh", 2),
            _unit(4, "Sở Nông nghiệp và Môi trường", 1),
            _unit(5, "Sở Tài nguyên và Môi trường", 1, successor=4),
            _unit(6, "UBND huyện Cô Tô", 1),
            _unit(7, "UBND xã Thanh Lân", 6),
            _unit(9, "UBND huyện Vân Đồn", 1, successor=6),
            _unit(8, "Sở Tư pháp", 1),
        )
    }
)


@pytest.mark.parametrize(
    ("unit_id", "members", "name"),
    [
        (None, set(), "toàn tỉnh"),
        (2, {2, 3}, "Sở Y tế và các đơn vị trực thuộc"),
        (2, {2}, "Sở Y tế"),  # a ranking row's unit: the units under it rank on their own
        (3, {3}, "Bệnh viện tỉnh"),  # nothing under it: no "đơn vị trực thuộc"
        (4, {4, 5}, "Sở Nông nghiệp và Môi trường (kể cả các đơn vị đã sáp nhập vào)"),
        (4, {4}, "Sở Nông nghiệp và Môi trường"),  # merged during the period: it ranks on its own
        (6, {6, 7, 9}, "UBND huyện Cô Tô và các đơn vị trực thuộc (kể cả các đơn vị đã sáp nhập vào)"),
        (6, {6, 9}, "UBND huyện Cô Tô (kể cả các đơn vị đã sáp nhập vào)"),
        (8, {8}, "Sở Tư pháp"),
    ],
)
def test_a_scope_is_named_by_the_units_whose_dossiers_count(unit_id, members, name):
    assert scope_name(SCOPE_TREE, unit_id, members) == name


@pytest.mark.parametrize(
    ("first_year", "today", "years", "newest", "oldest"),
    [  # only periods ended before today, newest year first, each year's whole year, quarters,
        # then months; a year appears once one of its months has ended
        (
            2024,
            date(2026, 12, 1),
            [2026, 2025, 2024],
            ["2026-Q3", "2026-Q2", "2026-Q1", "2026-11"],
            "2024-01",
        ),
        (
            2025,
            date(2026, 1, 1),
            [2025],
            ["2025", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1", "2025-12"],
            "2025-01",
        ),
        (
            2025,
            date(2025, 12, 31),
            [2025],
            ["2025-Q3", "2025-Q2", "2025-Q1", "2025-11"],
            "2025-01",
        ),  # December runs
        (2026, date(2026, 2, 1), [2026], ["2026-01"], "2026-01"),
        (2026, date(2026, 1, 31), [], [], None),  # nothing ended since the first dossier
    ],
)
def test_the_periods_offered_are_those_ended(first_year, today, years, newest, oldest):
    choices = period_choices(first_year, today)
    assert [year for year, _ in choices] == years
    keys = [period.key for _, periods in choices for period in periods]
    assert keys[: len(newest)] == newest and (keys[-1] if keys else None) == oldest
    for key in keys:  # each one the page would accept
        assert parse_period(key, today).key == key
