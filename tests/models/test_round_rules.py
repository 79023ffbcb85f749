"""The rules of reporting rounds at their boundaries (models/rounds/rules.py), table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import FieldError
from models.rounds import rules
from models.rounds.rules import UnitFigure

COUNT = {"code": "TC01", "measure": "number", "integer": True, "minimum": 0, "maximum": None}
SHARE = {"code": "TT04", "measure": "percent", "integer": False, "minimum": None, "maximum": None}
MONEY = {"code": "TCC02", "measure": "money", "integer": False, "minimum": 0, "maximum": 1000}
FLAG = {"code": "CDS04", "measure": "yes_no"}
TEXT = {"code": "GC", "measure": "text"}


@pytest.mark.parametrize(
    ("indicator", "raw", "value", "error"),
    [
        (COUNT, "532.950", 532950.0, None),
        (COUNT, "12", 12.0, None),
        (COUNT, 0, 0.0, None),
        (COUNT, "-1", None, "Không được nhỏ hơn 0."),
        (COUNT, "2,5", None, "Phải là số nguyên."),
        (COUNT, "abc", None, "Phải là một số (ví dụ 1.250 hoặc 95,5)."),
        (COUNT, True, None, "Phải là một số (ví dụ 1.250 hoặc 95,5)."),
        (COUNT, "", None, None),
        (COUNT, None, None, None),
        (SHARE, "95,11%", 95.11, None),
        (SHARE, "100", 100.0, None),
        (SHARE, "100,01", None, "Không được lớn hơn 100."),
        (SHARE, "0", 0.0, None),
        (SHARE, "-0,01", None, "Không được nhỏ hơn 0."),
        (MONEY, "1.000", 1000.0, None),
        (MONEY, "1.000,5", None, "Không được lớn hơn 1.000."),
        (MONEY, "12.5", 12.5, None),
        (FLAG, "Có", True, None),
        (FLAG, "không", False, None),
        (FLAG, "x", True, None),
        (FLAG, False, False, None),
        (FLAG, "có lẽ", None, "Chọn Có hoặc Không."),
        (TEXT, "  Đã triển khai  ", "Đã triển khai", None),
        (TEXT, "x" * 4001, None, "Tối đa 4000 ký tự."),
    ],
)
def test_check_value(indicator, raw, value, error):
    got, problem = rules.check_value(indicator, raw)
    assert got == value
    assert (problem.message if problem else None) == error
    if problem:
        assert problem.field == indicator["code"]


@pytest.mark.parametrize(
    ("value", "previous", "far"),
    [
        (5, 0, True),  # from nothing to something
        (0, 0, False),
        (100, 100, False),
        (150, 100, False),  # 50 is a third of 150
        (200, 100, False),  # exactly half of the larger: not more than half
        (201, 100, True),
        (50, 100, False),
        (49, 100, True),
        (None, 100, False),
        (100, None, False),  # nothing last period: nothing to compare
        (True, False, False),  # yes/no figures are not compared
        ("Đã làm", "Chưa", False),
    ],
)
def test_far_from_previous(value, previous, far):
    assert rules.far_from_previous(value, previous) is far


def figures(*values, weights=None):
    weights = weights or [None] * len(values)
    return [UnitFigure(i + 1, v, i, w) for i, (v, w) in enumerate(zip(values, weights, strict=True))]


@pytest.mark.parametrize(
    ("rule", "measure", "given", "total"),
    [
        ("sum", "number", figures(3, 4, 5), 12.0),
        ("sum", "number", figures(), None),
        ("average", "number", figures(3, 4, 5), 4.0),
        ("average", "percent", figures(90.0, 80.0), 85.0),
        ("weighted", "percent", figures(50, 90, weights=[1000, 3000]), 80.0),
        ("weighted", "percent", figures(50, 90, weights=[0, None]), None),  # no weight: no figure
        ("weighted", "percent", figures(50, 90, weights=[1000, None]), 50.0),  # a unit without its weight
        ("latest", "text", figures("cũ", "mới"), "mới"),
        ("none", "number", figures(3, 4), None),
        ("sum", "yes_no", figures(True, False, True), 2.0),  # how many said yes
    ],
)
def test_consolidate(rule, measure, given, total):
    assert rules.consolidate(rule, measure, given) == total


@pytest.mark.parametrize(
    ("measure", "rule", "value", "shown"),
    [
        ("number", "sum", 532950.0, "532.950"),
        ("percent", "weighted", 95.1149, "95,11%"),
        ("money", "sum", 1234.5, "1.234,5"),
        ("yes_no", "latest", True, "Có"),
        ("yes_no", "sum", 2.0, "2 đơn vị"),
        ("number", "sum", None, "—"),
    ],
)
def test_display_total(measure, rule, value, shown):
    assert rules.display_total(measure, rule, value) == shown


DEADLINE = date(2024, 6, 25)


@pytest.mark.parametrize(
    ("first_sent", "today", "late"),
    [
        (None, date(2024, 6, 25), False),  # the deadline day itself
        (None, date(2024, 6, 26), True),
        (date(2024, 6, 25), date(2024, 7, 1), False),
        (date(2024, 6, 26), date(2024, 7, 1), True),
    ],
)
def test_is_late(first_sent, today, late):
    assert rules.is_late(DEADLINE, first_sent, today) is late


@pytest.mark.parametrize(
    ("status", "unit_edits", "reviewable", "counted"),
    [
        ("draft", True, False, False),
        ("returned", True, False, False),
        ("submitted", False, True, True),
        ("accepted", False, False, True),
    ],
)
def test_states(status, unit_edits, reviewable, counted):
    assert rules.unit_may_edit(status) is unit_edits
    assert rules.reviewable(status) is reviewable
    assert rules.counts_as_submitted(status) is counted


@pytest.mark.parametrize(
    ("indicator", "fields"),
    [
        ({"code": "A", "measure": "number", "rule": "sum"}, set()),
        ({"code": "A", "measure": "text", "rule": "sum"}, {"rule"}),
        ({"code": "A", "measure": "percent", "rule": "weighted", "denominator": "N"}, set()),
        ({"code": "A", "measure": "percent", "rule": "weighted", "denominator": ""}, {"denominator"}),
        (
            {"code": "A", "measure": "percent", "rule": "weighted", "denominator": "T"},
            {"denominator"},
        ),  # text weight
        (
            {"code": "A", "measure": "percent", "rule": "weighted", "denominator": "A"},
            {"denominator"},
        ),  # itself
        ({"code": "A", "measure": "number", "rule": "sum", "denominator": "N"}, {"denominator"}),
        ({"code": "A", "measure": "number", "rule": "sum", "minimum": 5, "maximum": 1}, {"maximum"}),
        ({"code": "A", "measure": "kg", "rule": "sum"}, {"measure"}),
    ],
)
def test_definition_errors(indicator, fields):
    codes = {"N": "number", "T": "text", "A": indicator["measure"]}
    assert {e.field for e in rules.definition_errors(indicator, codes)} == fields


def test_completeness_label():
    assert rules.completeness_label(38, 45) == "38/45 đơn vị đã nộp"
    assert rules.completeness_label(1200, 1500) == "1.200/1.500 đơn vị đã nộp"


@pytest.mark.parametrize(
    ("today", "notice"),
    [
        (date(2024, 6, 21), None),  # 4 days before
        (date(2024, 6, 22), ("round_due_in_3", "")),
        (date(2024, 6, 23), ("round_due_in_3", "")),
        (date(2024, 6, 24), ("round_due_in_1", "")),
        (date(2024, 6, 25), ("round_due_in_1", "")),  # the deadline day
        (date(2024, 6, 26), ("round_overdue", "week-0")),
        (date(2024, 7, 2), ("round_overdue", "week-0")),
        (date(2024, 7, 3), ("round_overdue", "week-1")),
    ],
)
def test_reminder_for(today, notice):
    assert rules.reminder_for(DEADLINE, today) == notice


FORM = [
    {"code": "A", "measure": "number", "required": True},
    {"code": "B", "measure": "percent", "required": False},
    {"code": "C", "measure": "yes_no"},
]


@pytest.mark.parametrize(
    ("figures", "missing"),
    [
        ({"A": 1.0}, []),
        ({"A": 0.0}, []),  # zero is a figure
        ({}, ["A"]),
        ({"B": 5.0, "C": True}, ["A"]),
    ],
)
def test_missing_required(figures, missing):
    errors = rules.missing_required(FORM, figures)
    assert [e.field for e in errors] == missing
    assert all(e.message == "Chưa nhập số liệu; đây là chỉ tiêu bắt buộc." for e in errors)


@pytest.mark.parametrize(
    ("figures", "notes", "previous", "fields"),
    [
        ({"A": 10.0, "B": 50.0}, {}, {"A": 10.0, "B": 49.0}, []),
        ({"A": 30.0}, {}, {"A": 10.0}, ["A"]),
        ({"A": 30.0}, {"A": "  "}, {"A": 10.0}, ["A"]),  # a blank note is no note
        ({"A": 30.0}, {"A": "Rà soát toàn bộ."}, {"A": 10.0}, []),
        ({"A": 30.0, "B": 10.0}, {}, {"A": 10.0, "B": 90.0}, ["A", "B"]),
        ({"C": True}, {}, {"C": False}, []),
        ({"A": 30.0}, {}, {}, []),  # nothing last period
    ],
)
def test_notes_needed(figures, notes, previous, fields):
    errors = rules.notes_needed(FORM, figures, notes, previous)
    assert [e.field for e in errors] == fields
    if fields == ["A"]:
        assert errors[0].message == "Số liệu chênh lệch nhiều so với kỳ trước (10): cần ghi chú giải thích."


@pytest.mark.parametrize(
    ("measure", "value", "cell"),
    [
        ("number", 1200.0, 1200.0),
        ("percent", 95.11, 95.11),
        ("yes_no", True, "Có"),
        ("yes_no", False, "Không"),
        ("text", "=SUM(A1)", "'=SUM(A1)"),  # never a formula
        ("text", "Đã làm", "Đã làm"),
        ("number", None, None),
    ],
)
def test_sheet_cell(measure, value, cell):
    assert rules.sheet_cell(measure, value) == cell


@pytest.mark.parametrize(
    ("measure", "value", "shown"),
    [
        ("number", 12.0, "12"),
        ("number", 12.5, "12,5"),
        ("money", 1234.5, "1.234,5"),
        ("percent", 80.0, "80%"),
        ("yes_no", False, "Không"),
        ("text", "Đã làm", "Đã làm"),
        ("number", None, "—"),
    ],
)
def test_display_value(measure, value, shown):
    assert rules.display_value(measure, value) == shown


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("532.950", 532950.0),
        ("1.234,5", 1234.5),
        ("-5", -5.0),
        ("12.5", 12.5),
        (" 7 ", 7.0),
        ("95,11 %", 95.11),
    ],
)
def test_parse_number(text, value):
    assert rules.parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "nan", "inf", "12.34.5"])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError):
        rules.parse_number(text)


def test_default_questions_name_outline_sections():
    assert [key for key, _ in rules.DEFAULT_QUESTIONS] == [
        "I", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "III.limitations", "V"
    ]  # fmt: skip
    assert dict(rules.DEFAULT_QUESTIONS)["II.1"] == "Kết quả nổi bật về cải cách thể chế"
    assert set(rules.QUESTION_SECTIONS) >= {key for key, _ in rules.DEFAULT_QUESTIONS}


SHARE_BOUNDED = {"code": "S", "measure": "percent", "minimum": 10, "maximum": 200}
SHARE_NEGATIVE_FLOOR = {"code": "S", "measure": "percent", "minimum": -5, "maximum": None}


@pytest.mark.parametrize(
    ("indicator", "raw", "error"),
    [
        (
            COUNT,
            "abc",
            FieldError("TC01", "not a valid number", "Phải là một số (ví dụ 1.250 hoặc 95,5).", value="abc"),
        ),
        (COUNT, "-1", FieldError("TC01", "out of range", "Không được nhỏ hơn 0.", value="-1")),
        (COUNT, 2.5, FieldError("TC01", "out of range", "Phải là số nguyên.", value="2.5")),
        (FLAG, "?", FieldError("CDS04", "not a valid yes_no", "Chọn Có hoặc Không.", value="?")),
        (TEXT, "x" * 4001, FieldError("GC", "at most 4000 characters", "Tối đa 4000 ký tự.")),
        (SHARE_BOUNDED, "9,99", FieldError("S", "out of range", "Không được nhỏ hơn 10.", value="9,99")),
        (SHARE_BOUNDED, "100,5", FieldError("S", "out of range", "Không được lớn hơn 100.", value="100,5")),
        (SHARE_NEGATIVE_FLOOR, "-1", FieldError("S", "out of range", "Không được nhỏ hơn 0.", value="-1")),
        (MONEY, "1" * 120, FieldError("TCC02", "out of range", "Không được lớn hơn 1.000.", value="1" * 100)),
    ],
)
def test_check_value_errors_in_full(indicator, raw, error):
    assert rules.check_value(indicator, raw) == (None, error)


@pytest.mark.parametrize(
    ("indicator", "raw", "value"),
    [
        (SHARE_BOUNDED, "10", 10.0),
        (SHARE_BOUNDED, "100", 100.0),
        (SHARE_NEGATIVE_FLOOR, "0", 0.0),
        (COUNT, 7, 7.0),
        (TEXT, 12, "12"),
        (TEXT, "x" * 4000, "x" * 4000),
    ],
)
def test_check_value_at_the_bounds(indicator, raw, value):
    assert rules.check_value(indicator, raw) == (value, None)


MEASURE_ERROR = FieldError(
    "measure", "one of number, percent, money, yes_no, text", "Đơn vị tính không hợp lệ."
)
RULE_ERROR = FieldError(
    "rule", "not a rule this measure can use", "Cách tổng hợp không dùng được cho đơn vị tính này."
)
WEIGHT_ERROR = FieldError(
    "denominator",
    "a weighted share needs another numeric indicator as its weight",
    "Tỷ lệ bình quân gia quyền cần chỉ tiêu mẫu số (một chỉ tiêu số lượng khác).",
)
NO_WEIGHT_ERROR = FieldError(
    "denominator", "only a weighted share has one", "Chỉ tỷ lệ bình quân gia quyền có mẫu số."
)
BOUNDS_ERROR = FieldError("maximum", "below the minimum", "Giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất.")


@pytest.mark.parametrize(
    ("indicator", "errors"),
    [
        ({"code": "A", "measure": "kg", "rule": "sum"}, [MEASURE_ERROR]),
        ({"code": "A", "measure": "number", "rule": "median"}, [RULE_ERROR]),
        ({"code": "A", "measure": "yes_no", "rule": "average"}, [RULE_ERROR]),
        ({"code": "A", "measure": "percent", "rule": "weighted", "denominator": "M"}, []),  # money weighs too
        ({"code": "A", "measure": "percent", "rule": "weighted"}, [WEIGHT_ERROR]),
        ({"code": "A", "measure": "number", "rule": "sum", "denominator": "N"}, [NO_WEIGHT_ERROR]),
        ({"code": "A", "measure": "number", "rule": "sum", "minimum": 5, "maximum": 5}, []),
        ({"code": "A", "measure": "number", "rule": "sum", "minimum": 5, "maximum": 4.9}, [BOUNDS_ERROR]),
        ({"code": "A", "measure": "number", "rule": "sum", "minimum": 5}, []),
    ],
)
def test_definition_errors_in_full(indicator, errors):
    codes = {"N": "number", "M": "money", "A": indicator["measure"]}
    assert rules.definition_errors(indicator, codes) == errors


@pytest.mark.parametrize(
    ("indicator", "raw", "value"),
    [
        (MONEY, 1.234, 1.234),  # a JSON number as it is, not "1.234" read the Vietnamese way
        (COUNT, "1.234", 1234.0),  # typed: dots group thousands
        (FLAG, True, True),
        (FLAG, 0, False),
    ],
)
def test_check_value_takes_numbers_as_numbers(indicator, raw, value):
    assert rules.check_value(indicator, raw) == (value, None)


def test_a_weight_of_one_counts():
    assert rules.consolidate("weighted", "percent", figures(50, 90, weights=[1, 3])) == 80.0


@pytest.mark.parametrize(
    ("code", "name", "section", "expected"),
    [
        ("X" * 32, "N" * 500, "I", []),  # the longest accepted
        ("", "Tên", "I", [("code", "Nhập mã chỉ tiêu.")]),
        ("X" * 33, "Tên", "I", [("code", "Mã chỉ tiêu tối đa 32 ký tự.")]),
        ("X1", "", "II.1", [("name", "Nhập tên chỉ tiêu.")]),
        ("X1", "N" * 501, "II.6", [("name", "Tên chỉ tiêu tối đa 500 ký tự.")]),
        ("X1", "Tên", "II.7", [("section", "Mục báo cáo không hợp lệ (I, II.1 … II.6).")]),
        (
            "",
            "",
            "",
            [
                ("code", "Nhập mã chỉ tiêu."),
                ("name", "Nhập tên chỉ tiêu."),
                ("section", "Mục báo cáo không hợp lệ (I, II.1 … II.6)."),
            ],
        ),
    ],
)
def test_an_indicator_s_code_name_and_section(code, name, section, expected):
    from models.rounds.catalogue import _identity_problems

    assert [(e.field, e.message) for e in _identity_problems(code, name, section)] == expected


# --- the magnitude of a figure: at most 10^15 either way, finite ----------------------------------

UNBOUNDED = {"code": "CD01", "measure": "number", "integer": False, "minimum": None, "maximum": None}
WHOLE = {"code": "CD01", "measure": "money", "integer": True, "minimum": None, "maximum": None}
TOO_LARGE = "Không được lớn hơn 1.000.000.000.000.000."
TOO_SMALL = "Không được nhỏ hơn -1.000.000.000.000.000."
NOT_A_NUMBER = "Phải là một số (ví dụ 1.250 hoặc 95,5)."


@pytest.mark.parametrize(
    ("indicator", "raw", "value", "error"),
    [
        (UNBOUNDED, 10**15, 1e15, None),  # the bound itself
        (UNBOUNDED, 1e15, 1e15, None),
        (UNBOUNDED, -(10**15), -1e15, None),
        (UNBOUNDED, "1.000.000.000.000.000", 1e15, None),
        (UNBOUNDED, "999.999.999.999.999,75", 999999999999999.75, None),
        (WHOLE, 10**15, 1e15, None),
        (UNBOUNDED, 10**15 + 1, None, TOO_LARGE),  # just above
        (UNBOUNDED, 1e15 + 0.25, None, TOO_LARGE),
        (UNBOUNDED, "1.000.000.000.000.000,25", None, TOO_LARGE),
        (UNBOUNDED, -(10**15) - 1, None, TOO_SMALL),
        (UNBOUNDED, 1e308, None, TOO_LARGE),
        (UNBOUNDED, 10**30, None, TOO_LARGE),
        (UNBOUNDED, 10**400, None, TOO_LARGE),  # too large for a float: no OverflowError
        (UNBOUNDED, -(10**400), None, TOO_SMALL),
        (UNBOUNDED, "1" * 400, None, TOO_LARGE),  # a Decimal read as an infinite float
        (UNBOUNDED, float("inf"), None, TOO_LARGE),
        (UNBOUNDED, float("-inf"), None, TOO_SMALL),
        (WHOLE, float("inf"), None, TOO_LARGE),  # not "Phải là số nguyên."
        (UNBOUNDED, float("nan"), None, NOT_A_NUMBER),
        (WHOLE, float("nan"), None, NOT_A_NUMBER),
        (UNBOUNDED, "nan", None, NOT_A_NUMBER),
        (UNBOUNDED, "inf", None, NOT_A_NUMBER),
        (MONEY, 1e308, None, "Không được lớn hơn 1.000."),  # the indicator's own bound first
    ],
)
def test_a_figure_s_magnitude(indicator, raw, value, error):
    got, problem = rules.check_value(indicator, raw)
    assert got == value
    assert (problem.message if problem else None) == error
    if problem:
        assert problem.field == "CD01" or indicator is MONEY


@pytest.mark.parametrize("value", [1e15, -1e15, 999999999999999.75, 1e15 * 500])
def test_the_largest_figures_print(value):
    """The largest accepted figure, and the sum of hundreds of them, format without raising."""
    for measure in ("number", "money"):
        assert rules.display_value(measure, value)
        assert rules.display_total(measure, "sum", value)
    assert rules.display_value("number", 1e15) == "1.000.000.000.000.000"
    assert rules.display_value("money", 999999999999999.75) == "999.999.999.999.999,8"
    total = rules.consolidate("sum", "number", figures(*[1e15] * 500))
    assert rules.display_total("number", "sum", total) == "500.000.000.000.000.000"


@pytest.mark.parametrize(
    ("minimum", "maximum", "fields"),
    [
        (-1e15, 1e15, set()),
        (None, 10**15, set()),
        (None, 10**15 + 1, {"maximum"}),
        (-(10**15) - 1, None, {"minimum"}),
        (None, 1e308, {"maximum"}),
        (float("nan"), None, {"minimum"}),
        (float("-inf"), float("inf"), {"minimum", "maximum"}),
    ],
)
def test_an_indicator_s_bounds_are_figures(minimum, maximum, fields):
    indicator = {"code": "A", "measure": "number", "rule": "sum", "minimum": minimum, "maximum": maximum}
    errors = rules.definition_errors(indicator, {"A": "number"})
    assert {e.field for e in errors} == fields
    assert all(e.message == "Phải là số từ -1.000.000.000.000.000 đến 1.000.000.000.000.000." for e in errors)
