"""What a signed report keeps of its outline (reports.document.as_issued): no placeholder, no
heading with nothing under it, the items kept numbered in sequence. Each case is a small outline
written as (heading, level, paragraphs): "w" a written paragraph, "p" a placeholder."""

from __future__ import annotations

import pytest

from reports.document import Paragraph, Section, as_issued, left_out_when_issued

WRITTEN = Paragraph("w", "Đã viết.")
PLACEHOLDER = Paragraph("p", "[Nội dung do chuyên viên bổ sung: …]", placeholder=True)


def outline(*items: tuple[str, int, str]) -> tuple[Section, ...]:
    return tuple(
        Section(f"s{index}", heading, level, tuple(WRITTEN if kind == "w" else PLACEHOLDER for kind in kinds))
        for index, (heading, level, kinds) in enumerate(items)
    )


def headings(sections) -> list[str]:
    return [section.heading for section in sections]


@pytest.mark.parametrize(
    "items, issued",
    [
        pytest.param(
            [("I. A", 1, "w"), ("1. a", 2, "w"), ("2. b", 2, "p"), ("3. c", 2, "w")],
            ["I. A", "1. a", "2. c"],
            id="a placeholder-only item goes, the next takes its number",
        ),
        pytest.param(
            [("I. A", 1, ""), ("1. a", 2, "p"), ("2. b", 2, "w")],
            ["I. A", "1. b"],
            id="a roman heading with no text of its own stays for a written item under it",
        ),
        pytest.param(
            [("I. A", 1, "w"), ("1. a", 2, "p"), ("2. b", 2, "")],
            ["I. A"],
            id="a roman heading with text stays when every item under it goes",
        ),
        pytest.param(
            [("I. A", 1, "w"), ("II. B", 1, "p"), ("1. b", 2, "p"), ("III. C", 1, "w"), ("IV. D", 1, "pw")],
            ["I. A", "II. C", "III. D"],
            id="an empty roman heading goes with its items, the later ones move up",
        ),
        pytest.param(
            [("I. A", 1, "w"), ("1. a", 2, "p"), ("II. B", 1, "w"), ("1. b", 2, "p"), ("2. c", 2, "w")],
            ["I. A", "II. B", "1. c"],
            id="items are numbered afresh under each roman heading",
        ),
        pytest.param(
            [("", 0, "w"), ("I. A", 1, "w")],
            ["", "I. A"],
            id="the opening keeps its place and has no number",
        ),
        pytest.param(
            [("", 0, "p"), ("I. A", 1, "w")],
            ["I. A"],
            id="an opening still to write is left out",
        ),
        pytest.param(
            [("I. A", 1, "p"), ("1. a", 2, "p"), ("II. B", 1, "p")],
            [],
            id="nothing written leaves nothing",
        ),
        pytest.param(
            [("I. A", 1, "w"), ("1. a", 2, "w"), ("2. b", 2, "w")],
            ["I. A", "1. a", "2. b"],
            id="a fully written outline is printed as it is",
        ),
        pytest.param(
            [("I. A", 1, "w"), ("1. a", 2, "w"), ("Không số", 2, "w"), ("3. c", 2, "p"), ("4. d", 2, "w")],
            ["I. A", "1. a", "Không số", "2. d"],
            id="a heading without a number takes none",
        ),
        pytest.param(
            [("Lời nói đầu", 1, "w"), ("II. B", 1, "p"), ("III. C", 1, "w")],
            ["Lời nói đầu", "I. C"],
            id="an unnumbered heading of level 1 takes no numeral either",
        ),
    ],
)
def test_what_a_signed_report_keeps_of_its_outline(items, issued):
    assert headings(as_issued(outline(*items))) == issued


def test_a_signed_report_prints_only_written_paragraphs():
    kept = as_issued(outline(("I. A", 1, "pwp"), ("1. a", 2, "wp")))
    assert [section.paragraphs for section in kept] == [(WRITTEN,), (WRITTEN,)]


def test_a_heading_in_other_words_keeps_its_words():
    """Only the leading "II. " or "3. " is renumbered, never a number inside the heading."""
    kept = as_issued(
        outline(("I. A", 1, "p"), ("II. KẾ HOẠCH NĂM 2025", 1, "w"), ("2. Nhiệm vụ 6 tháng", 2, "w"))
    )
    assert headings(kept) == ["I. KẾ HOẠCH NĂM 2025", "1. Nhiệm vụ 6 tháng"]


@pytest.mark.parametrize(
    "items, left_out",
    [
        ([("I. A", 1, "w"), ("1. a", 2, "p"), ("2. b", 2, "w")], ("I.1. a",)),
        ([("I. A", 1, "p"), ("1. a", 2, ""), ("II. B", 1, "w")], ("I. A", "I.1. a")),
        ([("", 0, "p"), ("I. A", 1, "w")], ()),  # the opening has no heading to leave out
        ([("I. A", 1, "w"), ("1. a", 2, "w")], ()),
    ],
)
def test_the_issue_page_names_the_headings_left_out_by_their_draft_numbers(items, left_out):
    assert left_out_when_issued(outline(*items)) == left_out
