"""The report as sections of paragraphs: what the data says, before any file is made.

``compose`` is pure: the outline (``reports.outline``) in order, each section filled by its
builder with generated paragraphs (wording from ``reports.wording``) and placeholders where
staff must write. Drafts keep staff edits by paragraph key; ``reports.render`` prints whatever
sections it is given, generated or edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from models.vocabulary import Area
from reports import wording
from reports.data import ReportData
from reports.outline import OUTLINE, OutlineItem


@dataclass(frozen=True)
class Paragraph:
    key: str  # stable across regenerations, e.g. "II.2.dossiers.received"; staff paragraphs: "staff:<uuid>"
    text: str
    figures: tuple[tuple[str, str], ...] = ()  # (figure key, printed value) the sentence states
    placeholder: bool = False  # "[Nội dung do chuyên viên bổ sung: …]": must be written before issuing


@dataclass(frozen=True)
class Section:
    key: str  # outline key: "intro", "I", "II.1" … "II.6", "III.strengths", …, "IV", "V"
    heading: str  # as printed ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH …"); "" for the opening
    level: int  # 0: the opening (no heading); 1: roman headings; 2: numbered sub-items
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class IssueInfo:
    """What issuing gives a report: its number, date of issue and signer (None: a draft file)."""

    number: str  # "15" (printed "Số: 15/BC-SNV"; a number below 10 gets a leading 0)
    issued_on: date
    signer_name: str
    profile_key: str  # the issuer profile (reports.issuers) the report is issued under


def compose(data: ReportData) -> tuple[Section, ...]:
    """The generated text of every outline section."""
    return tuple(
        Section(item.key, _heading(item, data), item.level, tuple(BUILDERS[item.builder](data, item)))
        for item in OUTLINE
    )


def _heading(item: OutlineItem, data: ReportData) -> str:
    following = wording.next_period_label(data)
    return item.heading.format(next=following.upper() if item.level == 1 else following)


def placeholders(sections: tuple[Section, ...]) -> tuple[Paragraph, ...]:
    """The paragraphs still to be written by staff."""
    return tuple(p for section in sections for p in section.paragraphs if p.placeholder)


# --- builders: one per kind of outline item --------------------------------------------------------

Builder = Callable[[ReportData, OutlineItem], list[Paragraph]]


def _text(key: str, text: str, *figures: tuple[str, str]) -> Paragraph:
    return Paragraph(key, text, tuple(figures))


def _to_write(key: str, what: str) -> Paragraph:
    return Paragraph(key, wording.placeholder(what), placeholder=True)


def _intro(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [_text("intro", wording.intro(data))]


def _nothing(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return []


def _leadership(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    paragraphs = []
    if data.plan is not None:
        paragraphs.append(_text(f"{item.key}.plan", wording.plan_opening(data.plan)))
        for area in filter(wording.is_leadership, data.plan.areas):
            paragraphs.append(_text(f"{item.key}.tasks", wording.leadership_result(area)))
            paragraphs += [_text(f"{item.key}.task.{t.code}", wording.task_line(t)) for t in area.open_tasks]
    return paragraphs + [_to_write(f"{item.key}.{key}", what) for key, what in wording.LEADERSHIP_TOPICS]


def _results(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    plan = data.plan
    if plan is None:
        paragraphs = [_text(f"{item.key}.no_plan", wording.no_plan(data))]
    else:
        overview = wording.plan_overview(plan, data.period_end)
        figures = (("tasks.completed", str(plan.completed)), ("tasks.total", str(plan.total)))
        paragraphs = [_text(f"{item.key}.overview", overview, *figures)]
    if not data.indices:
        return [*paragraphs, _text(f"{item.key}.indices.none", wording.no_indices())]
    lines = [
        _text(f"{item.key}.index.{i}", wording.index_sentence(line)) for i, line in enumerate(data.indices)
    ]
    return [*paragraphs, *lines]


def _area(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    to_write = _to_write(f"{item.key}.achievements", wording.area_topic(Area(item.argument).label))
    area = next((a for a in data.plan.areas if a.key == item.argument), None) if data.plan else None
    if area is None:
        return [to_write]
    paragraphs = [_text(f"{item.key}.tasks", wording.area_result(area))]
    paragraphs += [_text(f"{item.key}.task.{task.code}", wording.task_line(task)) for task in area.open_tasks]
    return [*paragraphs, to_write]


def _procedures(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    paragraphs = _area(data, item)
    section = data.dossiers
    if section is None:
        return [*paragraphs, _text(f"{item.key}.dossiers.none", wording.no_dossiers(data))]
    return [
        *paragraphs,
        _text(f"{item.key}.procedures", wording.procedures_sentence(section, data.period_end)),
        _text(f"{item.key}.dossiers.received", wording.received_sentence(section)),
        _text(f"{item.key}.dossiers.resolved", wording.resolved_sentence(section)),
        _text(f"{item.key}.dossiers.open", wording.open_sentence(section.current)),
        *(
            _text(f"{item.key}.dossiers.level.{row.label}", wording.level_line(row))
            for row in section.by_level
        ),
        _text(f"{item.key}.dossiers.apologies", wording.apology_sentence(section)),
    ]


def _strengths(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [_to_write(f"{item.key}.text", "ưu điểm, kết quả nổi bật trong kỳ")]


def _limitations(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    facts = [_text(f"{item.key}.fact.{i}", fact) for i, fact in enumerate(wording.limitation_facts(data))]
    return [*facts, _to_write(f"{item.key}.text", "tồn tại, hạn chế trong kỳ")]


def _causes(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [
        _to_write(f"{item.key}.objective", "nguyên nhân khách quan"),
        _to_write(f"{item.key}.subjective", "nguyên nhân chủ quan"),
    ]


def _next_period(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    plan = data.plan
    paragraphs = []
    if plan is not None:
        paragraphs.append(_text(f"{item.key}.carried", wording.next_tasks_intro(plan, data.period_end)))
        paragraphs += [
            _text(f"{item.key}.task.{task.code}", wording.task_line(task)) for task in plan.next_period_tasks
        ]
    topic = f"nhiệm vụ trọng tâm {wording.next_period_label(data)}"
    return [*paragraphs, _to_write(f"{item.key}.text", topic)]


def _recommendations(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [_to_write(f"{item.key}.text", "đề xuất, kiến nghị với cấp trên")]


BUILDERS: dict[str, Builder] = {
    "intro": _intro,
    "nothing": _nothing,
    "leadership": _leadership,
    "results": _results,
    "area": _area,
    "procedures": _procedures,
    "strengths": _strengths,
    "limitations": _limitations,
    "causes": _causes,
    "next_period": _next_period,
    "recommendations": _recommendations,
}
