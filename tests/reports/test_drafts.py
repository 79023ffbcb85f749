"""Drafts laid over generated text (reports.drafts): table-driven, no database.

Each case gives the generated sections of now, the stored draft, and what the report must print
and which warnings the draft page must show."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from reports.data import Coverage, DossierCoverage, TaskCoverage
from reports.document import Paragraph, Section, compose, placeholders
from reports.drafts import (
    DELETED,
    EDITED,
    GENERATED,
    STAFF,
    Basis,
    Item,
    add_paragraph,
    apply_draft,
    delete_paragraph,
    dump_draft,
    edit_paragraph,
    load_draft,
    move_paragraph,
    read_number,
    restore_paragraph,
)
from tests.reports import sample

RECEIVED = Paragraph(
    "II.2.dossiers.received",
    "Trong kỳ, toàn tỉnh đã tiếp nhận 532.950 hồ sơ.",
    (("dossiers.received", "532.950"),),
)
RESOLVED = Paragraph(
    "II.2.dossiers.resolved",
    "Đã giải quyết 506.890 hồ sơ, tỷ lệ đúng hạn đạt 95,11%.",
    (("dossiers.resolved", "506.890"), ("dossiers.on_time_rate", "95,11%")),
)
APOLOGIES = Paragraph(
    "II.2.dossiers.apologies", "Đã gửi 12 văn bản xin lỗi.", (("dossiers.apologies", "12"),)
)
OVERVIEW = Paragraph(
    "I.1.overview",
    "Tính đến ngày 14 tháng 6 năm 2023, đã hoàn thành 17/32 nhiệm vụ (53,12%).",
    (("tasks.completed", "17"), ("tasks.total", "32")),
)
TO_WRITE = Paragraph(
    "II.2.achievements", "[Nội dung do chuyên viên bổ sung: kết quả nổi bật]", placeholder=True
)


def area(*paragraphs: Paragraph) -> tuple[Section, ...]:
    return (Section("II.2", "2. Cải cách thủ tục hành chính", 2, paragraphs),)


def keys(sections: tuple[Section, ...]) -> list[str]:
    return [p.key for s in sections for p in s.paragraphs]


def texts(sections: tuple[Section, ...]) -> list[str]:
    return [p.text for s in sections for p in s.paragraphs]


def basis(paragraph: Paragraph) -> Basis:
    return Basis(paragraph.text, paragraph.figures)


RECEIVED_LATER = Paragraph(
    RECEIVED.key, "Trong kỳ, toàn tỉnh đã tiếp nhận 540.001 hồ sơ.", (("dossiers.received", "540.001"),)
)

APPLY_CASES = [
    # (name, generated now, stored items of II.2, printed keys, printed texts (None: as generated), warning kinds)
    ("no draft: as generated", area(RECEIVED, RESOLVED), (), [RECEIVED.key, RESOLVED.key], None, []),
    (
        "a new generated paragraph appears in its place",
        area(RECEIVED, APOLOGIES, RESOLVED),
        (
            Item(GENERATED, RECEIVED.key),
            Item(STAFF, "staff:a", "Đoạn viết thêm."),
            Item(GENERATED, RESOLVED.key),
        ),
        [RECEIVED.key, APOLOGIES.key, "staff:a", RESOLVED.key],
        None,
        [],
    ),
    (
        "a new first paragraph goes before the first known one",
        area(APOLOGIES, RECEIVED),
        (Item(STAFF, "staff:a", "Mở đầu."), Item(GENERATED, RECEIVED.key)),
        ["staff:a", APOLOGIES.key, RECEIVED.key],
        None,
        [],
    ),
    (
        "an edited paragraph stays edited, no warning while the data is the same",
        area(RECEIVED, RESOLVED),
        (Item(EDITED, RECEIVED.key, "Toàn tỉnh đã tiếp nhận 532.950 hồ sơ TTHC.", basis(RECEIVED)),),
        [RECEIVED.key, RESOLVED.key],
        ["Toàn tỉnh đã tiếp nhận 532.950 hồ sơ TTHC.", RESOLVED.text],
        [],
    ),
    (
        "data changed under an edited paragraph",
        area(RECEIVED_LATER, RESOLVED),
        (Item(EDITED, RECEIVED.key, "Toàn tỉnh nhận nhiều hồ sơ.", basis(RECEIVED)),),
        [RECEIVED.key, RESOLVED.key],
        ["Toàn tỉnh nhận nhiều hồ sơ.", RESOLVED.text],
        ["data_changed"],
    ),
    (
        "an edited paragraph whose generated one is gone is kept, with a warning",
        area(RESOLVED),
        (
            Item(EDITED, RECEIVED.key, "Toàn tỉnh nhận nhiều hồ sơ.", basis(RECEIVED)),
            Item(GENERATED, RESOLVED.key),
        ),
        [RECEIVED.key, RESOLVED.key],
        ["Toàn tỉnh nhận nhiều hồ sơ.", RESOLVED.text],
        ["source_gone"],
    ),
    (
        "a migrated edit (no basis) gives no data warning",
        area(RECEIVED_LATER),
        (Item(EDITED, RECEIVED.key, "Toàn tỉnh nhận nhiều hồ sơ."),),
        [RECEIVED.key],
        ["Toàn tỉnh nhận nhiều hồ sơ."],
        [],
    ),
    (
        "a deleted paragraph stays deleted, even when its data changes",
        area(RECEIVED_LATER, RESOLVED),
        (Item(DELETED, RECEIVED.key, basis=basis(RECEIVED)), Item(GENERATED, RESOLVED.key)),
        [RESOLVED.key],
        None,
        [],
    ),
    (
        "reordered paragraphs keep their order",
        area(RECEIVED, RESOLVED, APOLOGIES),
        (Item(GENERATED, APOLOGIES.key), Item(GENERATED, RESOLVED.key), Item(GENERATED, RECEIVED.key)),
        [APOLOGIES.key, RESOLVED.key, RECEIVED.key],
        None,
        [],
    ),
    (
        "a generated paragraph no longer generated and not edited disappears",
        area(RESOLVED),
        (Item(GENERATED, RECEIVED.key), Item(GENERATED, RESOLVED.key)),
        [RESOLVED.key],
        None,
        [],
    ),
    (
        "a staff number contradicting a figure is flagged",
        area(RECEIVED, RESOLVED),
        (Item(STAFF, "staff:a", "Sáu tháng qua, tỉnh đã tiếp nhận 533.000 hồ sơ của người dân."),),
        [RECEIVED.key, RESOLVED.key, "staff:a"],
        None,
        ["contradiction"],
    ),
    (
        "a staff number agreeing with the figure (written without separators) is not flagged",
        area(RECEIVED, RESOLVED),
        (Item(STAFF, "staff:a", "Tỉnh đã tiếp nhận 532950 hồ sơ; tỷ lệ đúng hạn đạt 95,11%."),),
        [RECEIVED.key, RESOLVED.key, "staff:a"],
        None,
        [],
    ),
    (
        "a staff percentage contradicting the rate is flagged",
        area(RECEIVED, RESOLVED),
        (Item(STAFF, "staff:a", "Tỷ lệ đúng hạn đạt 97%."),),
        [RECEIVED.key, RESOLVED.key, "staff:a"],
        None,
        ["contradiction"],
    ),
    (
        "a number under other words is not a figure (no false alarm)",
        area(RECEIVED, RESOLVED),
        (Item(STAFF, "staff:a", "Tổ chức 3 đoàn kiểm tra tại 15 đơn vị."),),
        [RECEIVED.key, RESOLVED.key, "staff:a"],
        None,
        [],
    ),
    (
        "a task count in staff text contradicting the plan's figures is flagged, part by part",
        (Section("II", "II. KẾT QUẢ", 1, (OVERVIEW,)),),
        (
            Item(
                STAFF, "staff:a", "Tỉnh đã hoàn thành 18/32 nhiệm vụ; năm trước đã hoàn thành 17/30 nhiệm vụ."
            ),
        ),
        [OVERVIEW.key, "staff:a"],
        None,
        ["contradiction", "contradiction"],
    ),
    (
        "an edited paragraph restating an old figure contradicts the current one",
        area(RECEIVED_LATER),
        (Item(EDITED, RECEIVED.key, "Toàn tỉnh đã tiếp nhận 532.950 hồ sơ.", basis(RECEIVED)),),
        [RECEIVED.key],
        ["Toàn tỉnh đã tiếp nhận 532.950 hồ sơ."],
        ["data_changed", "contradiction"],
    ),
]


@pytest.mark.parametrize(
    ("generated", "stored", "printed_keys", "printed_texts", "warning_kinds"),
    [case[1:] for case in APPLY_CASES],
    ids=[case[0] for case in APPLY_CASES],
)
def test_apply_draft(generated, stored, printed_keys, printed_texts, warning_kinds):
    sections, warnings = apply_draft(generated, {generated[0].key: stored} if stored else {})
    assert keys(sections) == printed_keys
    if printed_texts is None:
        by_key = {p.key: p.text for s in generated for p in s.paragraphs} | {
            item.key: item.text for item in stored if item.kind == STAFF
        }
        printed_texts = [by_key[key] for key in printed_keys]
    assert texts(sections) == printed_texts
    assert [w.kind for w in warnings] == warning_kinds
    assert all(w.section_key == generated[0].key and w.message for w in warnings)


def test_data_changed_names_the_figures_and_the_new_text():
    stored = {"II.2": (Item(EDITED, RECEIVED.key, "Nhận nhiều hồ sơ.", basis(RECEIVED)),)}
    _, [warning] = apply_draft(area(RECEIVED_LATER), stored)
    assert "532.950 → 540.001" in warning.message and RECEIVED_LATER.text in warning.message


def test_a_contradiction_says_what_the_system_holds():
    stored = {"II.2": (Item(STAFF, "staff:a", "Tỉnh đã tiếp nhận 533.000 hồ sơ."),)}
    _, [warning] = apply_draft(area(RECEIVED), stored)
    assert warning.paragraph_key == "staff:a"
    assert "“tiếp nhận 533.000”" in warning.message and "là 532.950" in warning.message


def test_staff_text_in_a_section_no_longer_in_the_outline_is_reported():
    stored = {"II.9": (Item(STAFF, "staff:a", "Nội dung cũ."),)}
    sections, warnings = apply_draft(area(RECEIVED), stored)
    assert keys(sections) == [RECEIVED.key]
    assert [(w.kind, w.section_key) for w in warnings] == [("section_gone", "II.9")]


PLACEHOLDER_CASES = [
    ("a placeholder left as generated is still to be written", (), [TO_WRITE.key]),
    ("an edited placeholder is written", (Item(EDITED, TO_WRITE.key, "Đã cắt giảm 20 thủ tục."),), []),
    ("a deleted placeholder is not", (Item(DELETED, TO_WRITE.key),), []),
]


@pytest.mark.parametrize(
    ("stored", "to_write"), [c[1:] for c in PLACEHOLDER_CASES], ids=[c[0] for c in PLACEHOLDER_CASES]
)
def test_placeholders_still_to_be_written(stored, to_write):
    sections, _ = apply_draft(area(RECEIVED, TO_WRITE), {"II.2": stored})
    assert [p.key for p in placeholders(sections)] == to_write


# --- editing operations, applied one after another ------------------------------------------------


def test_edit_delete_restore_move_add():
    generated = area(RECEIVED, RESOLVED, TO_WRITE)
    draft = edit_paragraph({}, generated, "II.2", RECEIVED.key, "  Đã tiếp nhận 532.950 hồ sơ.  ")
    assert draft["II.2"][0] == Item(EDITED, RECEIVED.key, "Đã tiếp nhận 532.950 hồ sơ.", basis(RECEIVED))
    draft = delete_paragraph(draft, generated, "II.2", TO_WRITE.key)
    draft = add_paragraph(draft, generated, "II.2", "staff:1", "Thêm một đoạn.", after=RECEIVED.key)
    draft = add_paragraph(draft, generated, "II.2", "staff:2", "Đoạn cuối.", after=None)
    draft = move_paragraph(draft, generated, "II.2", "staff:2", "up")  # skips the deleted placeholder
    sections, warnings = apply_draft(generated, draft)
    assert keys(sections) == [RECEIVED.key, "staff:1", "staff:2", RESOLVED.key]
    assert warnings == [] and placeholders(sections) == ()
    draft = move_paragraph(draft, generated, "II.2", RECEIVED.key, "up")  # already first: unchanged
    draft = restore_paragraph(draft, generated, "II.2", RECEIVED.key)
    draft = restore_paragraph(draft, generated, "II.2", TO_WRITE.key)
    draft = delete_paragraph(draft, generated, "II.2", "staff:1")
    draft = edit_paragraph(draft, generated, "II.2", "staff:2", "Đoạn cuối, đã sửa.")
    sections, _ = apply_draft(generated, draft)
    assert texts(sections) == [RECEIVED.text, "Đoạn cuối, đã sửa.", TO_WRITE.text, RESOLVED.text]
    assert load_draft(dump_draft(draft)) == draft  # stored as JSON and read back unchanged


BAD_OPERATIONS = [
    ("unknown section", lambda d, g: edit_paragraph(d, g, "II.9", RECEIVED.key, "x"), "section"),
    ("unknown paragraph", lambda d, g: delete_paragraph(d, g, "II.2", "staff:nope"), "key"),
    ("empty text", lambda d, g: edit_paragraph(d, g, "II.2", RECEIVED.key, "   "), "text"),
    ("too long", lambda d, g: add_paragraph(d, g, "II.2", "staff:x", "a" * 20_001, None), "text"),
    (
        "20 000 characters is allowed",
        lambda d, g: add_paragraph(d, g, "II.2", "staff:x", "a" * 20_000, None),
        None,
    ),
    ("bad direction", lambda d, g: move_paragraph(d, g, "II.2", RECEIVED.key, "left"), "direction"),
    ("staff text has no generated text", lambda d, g: restore_paragraph(d, g, "II.2", "staff:a"), "key"),
    (
        "add after an unknown paragraph",
        lambda d, g: add_paragraph(d, g, "II.2", "staff:x", "x", "nope"),
        "key",
    ),
]


@pytest.mark.parametrize(
    ("operation", "field"), [c[1:] for c in BAD_OPERATIONS], ids=[c[0] for c in BAD_OPERATIONS]
)
def test_bad_operations_name_the_field(operation, field):
    draft = {"II.2": (Item(STAFF, "staff:a", "Đoạn."),)}
    if field is None:
        assert operation(draft, area(RECEIVED))["II.2"]
        return
    with pytest.raises(InvalidInput) as refused:
        operation(draft, area(RECEIVED))
    assert refused.value.errors[0].field == field and refused.value.errors[0].message


NUMBERS = [
    # (as written, (value, decimals) or None)
    ("532.950", (Decimal(532950), 0)),
    ("532950", (Decimal(532950), 0)),
    ("95,11%", (Decimal("95.11"), 2)),
    ("1.191.036,5", (Decimal("1191036.5"), 1)),
    ("12", (Decimal(12), 0)),
    ("1.2.3", None),  # not a Vietnamese number
    ("5329.50", None),  # thousands are grouped by three
]


@pytest.mark.parametrize(("token", "value"), NUMBERS)
def test_read_number(token, value):
    assert read_number(token) == value


def test_shown_paragraphs_list_every_kind_in_order():
    from reports.drafts import shown_paragraphs

    stored = {
        "II.2": (
            Item(EDITED, RECEIVED.key, "Đã nhận hồ sơ.", basis(RECEIVED)),
            Item(STAFF, "staff:a", "Viết thêm."),
            Item(DELETED, RESOLVED.key, basis=basis(RESOLVED)),
            Item(GENERATED, "II.2.gone"),  # no longer generated: not listed
        )
    }
    [section] = area(RECEIVED, RESOLVED, TO_WRITE)
    shown = shown_paragraphs(section, stored)
    assert [(p.key, p.origin, p.text) for p in shown] == [
        (RECEIVED.key, EDITED, "Đã nhận hồ sơ."),
        ("staff:a", STAFF, "Viết thêm."),
        (RESOLVED.key, DELETED, RESOLVED.text),
        (TO_WRITE.key, GENERATED, TO_WRITE.text),
    ]
    assert [p.placeholder for p in shown] == [False, False, False, True]


# --- what the draft page says each source holds -----------------------------------------------------

NOTHING = Coverage(TaskCoverage(False, 0, None), DossierCoverage(0, None, None, 0, None, False), 0, 0)
PARTIAL = Coverage(
    TaskCoverage(True, 32, None),
    DossierCoverage(1_000, date(2023, 3, 1), date(2023, 6, 14), 25, date(2019, 5, 2), True),
    2,
    0,
)
COVERAGE_CASES = [
    (
        "every source, one index result withheld",
        {},
        [
            (
                True,
                "Kế hoạch cải cách hành chính năm 2023: 24/32 nhiệm vụ hoàn thành đến ngày 14/06/2023; "
                "cập nhật gần nhất ngày 10/06/2023.",
            ),
            (True, "1.191.036 hồ sơ tiếp nhận từ ngày 15/12/2022 đến ngày 14/06/2023."),
            (
                True,
                "Kết quả đã công bố đến ngày 14/06/2023: Chỉ số cải cách hành chính (PAR INDEX) năm 2022; "
                "Chỉ số hài lòng (SIPAS) năm 2022. 1 kết quả chưa công bố đến ngày 14/06/2023 hoặc là giả "
                "định: không đưa vào báo cáo.",
            ),
        ],
    ),
    (
        "drawn up before the cut-off: that day's tasks and indices",
        {"drawn_up_before_cut_off": date(2023, 6, 10)},
        [
            (
                True,
                "Kế hoạch cải cách hành chính năm 2023: 24/32 nhiệm vụ hoàn thành đến ngày 10/06/2023; "
                "cập nhật gần nhất ngày 10/06/2023.",
            ),
            # the days the dossiers cover are coverage's (collect finds them up to that day)
            (True, "1.191.036 hồ sơ tiếp nhận từ ngày 15/12/2022 đến ngày 14/06/2023."),
            (
                True,
                "Kết quả đã công bố đến ngày 10/06/2023: Chỉ số cải cách hành chính (PAR INDEX) năm 2022; "
                "Chỉ số hài lòng (SIPAS) năm 2022. 1 kết quả chưa công bố đến ngày 10/06/2023 hoặc là giả "
                "định: không đưa vào báo cáo.",
            ),
        ],
    ),
    (
        "no source",
        {"plan": None, "dossiers": None, "indices": (), "coverage": NOTHING},
        [
            (False, "Chưa có kế hoạch cải cách hành chính năm 2023 trên hệ thống."),
            (False, "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống."),
            (False, "Chưa có kết quả chỉ số nào được công bố đến ngày 14/06/2023."),
        ],
    ),
    (
        "partial dossiers, stale open ones, no task update yet",
        {"coverage": PARTIAL},
        [
            (
                True,
                "Kế hoạch cải cách hành chính năm 2023: 24/32 nhiệm vụ hoàn thành đến ngày 14/06/2023; "
                "chưa có cập nhật tiến độ nào.",
            ),
            (
                True,
                "1.000 hồ sơ tiếp nhận từ ngày 01/03/2023 đến ngày 14/06/2023, chưa đủ cả kỳ báo cáo. "
                "Cần rà soát 25 hồ sơ tiếp nhận từ ngày 02/05/2019 vẫn ghi nhận đang giải quyết "
                "(không tính vào số liệu).",
            ),
            (
                True,
                "Kết quả đã công bố đến ngày 14/06/2023: Chỉ số cải cách hành chính (PAR INDEX) năm 2022; "
                "Chỉ số hài lòng (SIPAS) năm 2022.",
            ),
        ],
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [c[1:] for c in COVERAGE_CASES], ids=[c[0] for c in COVERAGE_CASES]
)
def test_coverage_says_plainly_what_is_missing(changes, expected):
    from reports.runs import coverage
    from tests.reports import sample

    lines = coverage(sample.report(**changes))
    assert [line.source for line in lines] == ["Kế hoạch CCHC", "Hồ sơ TTHC", "Chỉ số CCHC"]
    assert [(line.available, line.statement) for line in lines] == expected


# --- staff numbers against the sentences the report really generates -------------------------------

# The sample report's II.2 states 1.212.576 dossiers handled (21.540 carried over, 1.191.036 new;
# online 412.118, 34,60%), 1.126.219 resolved (92,88%; early 506.606, on time 616.726, late 2.887),
# on time 99,74%, 3.050 apologies owed, 3.035 sent, 15 missing, cashless 357.310 (30,00%); the
# province level 727.544 received; II states 24/32 tasks, 75,00%; PAR INDEX 2022 90,1 and rank 1.
STAFF_NUMBERS = [
    # (staff text in II.2, the contradictions: what it wrote -> what the system holds)
    ("Toàn tỉnh đã tiếp nhận 1.212.576 hồ sơ.", []),
    ("Toàn tỉnh đã tiếp nhận 1.212.577 hồ sơ.", ["tiếp nhận 1.212.577 -> 1.212.576 hoặc 1.191.036"]),
    ("Toàn tỉnh tiếp nhận 1191036 hồ sơ mới.", []),  # the new ones; no thousands separator
    ("Cấp tỉnh tiếp nhận 727.544 hồ sơ.", []),  # a level's figure is a figure too
    ("Tiếp nhận trực tuyến 412.118 hồ sơ.", []),
    ("Tiếp nhận trực tuyến 412.119 hồ sơ.", ["tiếp nhận trực tuyến 412.119 -> 412.118"]),
    ("Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 34,6%.", []),  # rounded to fewer decimals
    ("Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 34,7%.", ["trực tuyến đạt 34,7% -> 34,60%"]),
    ("Đã giải quyết 1.126.219 hồ sơ, đạt 92,88%.", []),
    ("Đã giải quyết 1.126.219 hồ sơ, đạt 93%.", []),  # 92,88% rounds to 93%
    (
        "Đã giải quyết 1.126.218 hồ sơ, đạt 92%.",
        ["đã giải quyết 1.126.218 -> 1.126.219", "hồ sơ đạt 92% -> 92,88%"],
    ),
    ("Tỷ lệ giải quyết hồ sơ đúng hạn đạt 99,74%.", []),
    ("Tỷ lệ giải quyết hồ sơ đúng hạn đạt 99,75%.", ["đúng hạn đạt 99,75% -> 99,74%"]),
    ("Có 2.887 hồ sơ giải quyết quá hạn.", []),
    ("Có 2.900 hồ sơ giải quyết quá hạn.", ["2.900 hồ sơ giải quyết quá hạn -> 2.887"]),
    ("Đã gửi 3.035 phiếu xin lỗi; còn 15 hồ sơ chưa có phiếu xin lỗi.", []),
    (
        "Đã gửi 3.000 phiếu xin lỗi; còn 50 hồ sơ chưa có phiếu xin lỗi.",
        [
            "3.000 phiếu xin lỗi -> 3.035",
            "50 hồ sơ chưa có phiếu xin lỗi -> 15",
        ],
    ),
    ("Có 357.310 hồ sơ thanh toán không dùng tiền mặt, chiếm 30%.", []),
    (
        "Có 357.310 hồ sơ thanh toán không dùng tiền mặt, chiếm 35%.",
        ["thanh toán không dùng tiền mặt chiếm 35% -> 30,00%"],
    ),
    ("Đã hoàn thành 24/32 nhiệm vụ, đạt 75% kế hoạch.", []),
    ("PAR INDEX năm 2022 đạt 90,1 điểm, xếp thứ 1/63.", []),
    ("PAR INDEX năm 2022 đạt 91,5 điểm.", ["par index năm 2022 đạt 91,5 -> 90,1"]),
    ("Ngày 30 tháng 6 năm 2023, tỉnh tổ chức 3 đoàn kiểm tra tại 15 đơn vị.", []),  # no figure named
    ("Cắt giảm 20 thủ tục hành chính trong năm 2023.", []),  # "thủ tục hành chính" alone names none
]


@pytest.mark.parametrize(("text", "expected"), STAFF_NUMBERS, ids=[case[0] for case in STAFF_NUMBERS])
def test_staff_numbers_against_the_generated_figures(text, expected):
    generated = compose(sample.report())
    draft = {"II.2": (Item(STAFF, "staff:a", text),)}
    _, warnings = apply_draft(generated, draft)
    found = [
        re.fullmatch(r"Đoạn do chuyên viên viết ghi “(.+)”, nhưng số liệu trên hệ thống là (.+)\.", w.message)
        for w in warnings
    ]
    assert [f"{m.group(1)} -> {m.group(2)}" for m in found] == expected
    assert all(w.kind == "contradiction" and w.paragraph_key == "staff:a" for w in warnings)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        # a task count is held against the figure of the section it is written in
        # I.1 states the plan's 24/32 and its direction tasks' 4/5: a count is held against both
        ("I.1", "“đã hoàn thành 25/33” -> 24 hoặc 4; “hoàn thành 25/33” -> 32 hoặc 5"),
        ("II.2", "“đã hoàn thành 25/33” -> 5; “hoàn thành 25/33” -> 6"),  # the area's 5/6
    ],
)
def test_a_staff_task_count_against_its_sections_figure(section, expected):
    _, warnings = apply_draft(
        compose(sample.report()), {section: (Item(STAFF, "staff:a", "Đã hoàn thành 25/33 nhiệm vụ."),)}
    )
    said = [re.search(r"(“.+”), nhưng số liệu trên hệ thống là (.+)\.", w.message).groups() for w in warnings]
    assert "; ".join(f"{quoted} -> {held}" for quoted, held in said) == expected
