"""Which parts of the outline a report is not issued without (reports.outline.REQUIRED,
reports.document.unwritten_required): each case gives the paragraphs under each required
section, "w" a written paragraph, "p" a reminder to write one."""

from __future__ import annotations

import pytest

from reports.document import Paragraph, Section, unwritten_required
from reports.outline import OUTLINE, REQUIRED

WRITTEN = Paragraph("w", "Đã viết.")
PLACEHOLDER = Paragraph("p", "[Nội dung do chuyên viên bổ sung: …]", placeholder=True)
HEADINGS = {item.key: item.heading.format(next="NĂM 2025") for item in OUTLINE}


def test_the_evaluation_the_directions_and_the_recommendations_are_required():
    assert {"III.strengths", "III.limitations", "III.causes", "IV", "V"} == REQUIRED


def report(**kinds: str) -> tuple[Section, ...]:
    """Every outline section; the required ones hold ``kinds[key]`` (default: written), the
    others a reminder only (a department may leave them out)."""
    sections = []
    for item in OUTLINE:
        shown = kinds.get(item.key.replace(".", "_"), "w") if item.key in REQUIRED else "p"
        paragraphs = tuple(WRITTEN if kind == "w" else PLACEHOLDER for kind in shown)
        sections.append(Section(item.key, HEADINGS[item.key], item.level, paragraphs))
    return tuple(sections)


@pytest.mark.parametrize(
    ("kinds", "unwritten"),
    [
        ({}, []),  # optional items with reminders only do not hold a report back
        ({"V": "p"}, ["V. ĐỀ XUẤT, KIẾN NGHỊ"]),
        ({"V": ""}, ["V. ĐỀ XUẤT, KIẾN NGHỊ"]),  # nothing at all under it
        ({"V": "pw"}, []),  # one written paragraph beside a reminder is enough
        ({"IV": "p"}, ["IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM NĂM 2025"]),
        ({"III_strengths": "pp", "III_causes": "p"}, ["III.1. Ưu điểm", "III.3. Nguyên nhân"]),
        ({"III_limitations": "p"}, ["III.2. Tồn tại, hạn chế"]),
    ],
)
def test_a_required_section_with_only_reminders_holds_the_report_back(kinds, unwritten):
    assert list(unwritten_required(report(**kinds))) == unwritten
