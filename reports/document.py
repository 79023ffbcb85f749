"""The report as sections of paragraphs: what the data says, before any file is made.

``compose`` is pure: the outline (``reports.outline``) in order, each section filled by its
builder with generated paragraphs (wording from ``reports.wording``) and placeholders where
staff must write. Drafts keep staff edits by paragraph key; ``reports.render`` prints whatever
sections it is given, generated or edited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from core.text import format_int, format_number
from models.dossiers.stats import Figures
from models.vocabulary import Area
from reports import wording
from reports.data import AreaResult, DossierRow, ReportData
from reports.outline import OUTLINE, REQUIRED, ROMAN_NUMERALS, OutlineItem


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
    return tuple(paragraph for _, paragraph in placeholders_where(sections))


OPENING = "Phần mở đầu"


def section_labels(sections: tuple[Section, ...]) -> dict[str, str]:
    """Each section as staff point to it in a list: its heading, a numbered item under its
    roman one ("III.3. Nguyên nhân", since I, II and III each have a "3."), the opening by name."""
    labels, numeral = {}, ""
    for section in sections:
        if section.level == 1:
            numeral = section.heading.split(".", 1)[0]
        label = f"{numeral}.{section.heading}" if section.level == 2 and numeral else section.heading
        labels[section.key] = label or OPENING
    return labels


def placeholders_where(sections: tuple[Section, ...]) -> tuple[tuple[str, Paragraph], ...]:
    """``placeholders`` with the label of the section each is in (``section_labels``)."""
    labels = section_labels(sections)
    return tuple((labels[s.key], p) for s in sections for p in s.paragraphs if p.placeholder)


HEADING_NUMBER = re.compile(r"^(?:[IVX]+|\d+)\.\s+")  # "II. " / "3. " before a heading's words


def as_issued(sections: Sequence[Section]) -> tuple[Section, ...]:
    """What a signed report prints: no placeholder (issuing with some left takes a reason), no
    heading left with nothing under it, and the items kept numbered in sequence (I.3 left out
    makes "4. Tuyên truyền" the new "3."), as a department drops an item it has nothing to say on."""
    written = [replace(s, paragraphs=tuple(p for p in s.paragraphs if not p.placeholder)) for s in sections]
    kept = [
        s
        for index, s in enumerate(written)
        if s.paragraphs or any(i.paragraphs for i in _under(written, index))
    ]
    return tuple(_numbered_in_sequence(kept))


def left_out_when_issued(sections: Sequence[Section]) -> tuple[str, ...]:
    """The labels (``section_labels``) of the headings ``as_issued`` leaves out."""
    kept = {section.key for section in as_issued(sections)}
    labels = section_labels(sections)
    return tuple(labels[s.key] for s in sections if s.heading and s.key not in kept)


def unwritten_required(sections: Sequence[Section]) -> tuple[str, ...]:
    """The labels (``section_labels``) of the sections the outline requires
    (``OutlineItem.required``) that hold nothing but placeholders: issuing waits for them, since
    ``as_issued`` would leave them out and the report would lack a part of the outline."""
    labels = section_labels(tuple(sections))
    return tuple(
        labels[s.key]
        for s in sections
        if s.key in REQUIRED and all(paragraph.placeholder for paragraph in s.paragraphs)
    )


def _under(sections: list[Section], index: int) -> list[Section]:
    """The sections under ``sections[index]``: those after it of a deeper level, up to the next
    one of its own level or above. The opening (level 0) has none: it is no heading."""
    level, under = sections[index].level, []
    if not level:
        return under
    for section in sections[index + 1 :]:
        if section.level <= level:
            break
        under.append(section)
    return under


def _numbered_in_sequence(sections: list[Section]) -> list[Section]:
    """Each numbered heading its number in sequence: romans for level 1, arabic from 1 under each
    roman heading; a heading without a number keeps its words and takes none."""
    numerals, items = iter(ROMAN_NUMERALS), 0
    numbered = []
    for section in sections:
        if section.level == 1:
            items = 0
        if section.level and HEADING_NUMBER.match(section.heading):
            if section.level == 1:
                number = next(numerals)
            else:
                items += 1
                number = str(items)
            section = replace(section, heading=HEADING_NUMBER.sub(f"{number}. ", section.heading, count=1))
        numbered.append(section)
    return numbered


# --- builders: one per kind of outline item --------------------------------------------------------

Builder = Callable[[ReportData, OutlineItem], list[Paragraph]]


def _text(key: str, text: str, *figures: tuple[str, str]) -> Paragraph:
    return Paragraph(key, text, tuple(figures))


def _to_write(key: str, what: str) -> Paragraph:
    return Paragraph(key, wording.placeholder(what), placeholder=True)


def _items(key: str, texts: list[str], keys: list[str]) -> list[Paragraph]:
    """List items under ``key``, punctuated as a list ("." after the last)."""
    return [_text(f"{key}.{k}", text) for k, text in zip(keys, wording.listed(texts), strict=True)]


def _task_items(key: str, tasks, describe) -> list[Paragraph]:
    return _items(key, [describe(task) for task in tasks], [f"task.{task.code}" for task in tasks])


def _intro(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [_text("intro", wording.intro(data))]


def _nothing(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return []


def _area_paragraphs(key: str, area: AreaResult, leader: str | None) -> list[Paragraph]:
    counts = area.counts
    figures = (("tasks.completed", str(counts.completed)), ("tasks.total", str(counts.total)))
    paragraphs = [_text(f"{key}.tasks", wording.area_result(area, leader), *figures)]
    tasks = [*area.completed_tasks, *area.unfinished_tasks]
    return paragraphs + _task_items(key, tasks, wording.result_item)


def _round_paragraphs(data: ReportData, key: str) -> list[Paragraph]:
    """The section's figures from the units' accepted round submissions (those with a figure)."""
    if data.rounds is None:
        return []
    figures = [
        f for f in data.rounds.figures if f.section == key and f.value is not None and f.rule != "none"
    ]
    if not figures:
        return []
    items = [
        _text(f"{key}.round.{figure.code}", text, (f"round.{figure.code}", wording.round_value(figure)))
        for figure, text in zip(
            figures, wording.listed([wording.round_figure_item(f) for f in figures]), strict=True
        )
    ]
    return [_text(f"{key}.round", wording.round_figures_intro()), *items]


def _plan(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    """I.1: the year's plan, how far it is done at the cut-off, and its own tasks of direction
    (issuing the plan, inspecting, communicating …: the plan's words, not sorted into I.2–I.5)."""
    plan = data.plan
    if plan is None:
        return [_text(f"{item.key}.no_plan", wording.no_plan(data))]
    figures = (
        ("tasks.completed", str(plan.completed)),
        ("tasks.total", str(plan.total)),
        ("tasks.percent", wording.percent(plan.percent)),
    )
    paragraphs = [_text(f"{item.key}.plan", wording.plan_opening(plan, data.scope_unit))]
    if not plan.total:  # no task of the scope: no "0/0", no share of nothing
        return paragraphs
    paragraphs.append(
        _text(
            f"{item.key}.overview", wording.plan_overview(plan, data.figures_date, data.scope_unit), *figures
        )
    )
    area = next(a for a in plan.areas if a.key == Area.LEADERSHIP)
    leader = wording.leaders(plan, data.scope_unit)
    return paragraphs + (_area_paragraphs(item.key, area, leader) if area.total else [])


def _direction(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    """I.2: the units' figures the round files under section I, and what staff write."""
    return [*_round_paragraphs(data, "I"), *_topic(data, item)]


def _topic(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    """What staff write on one topic of section I (the data holds no figures for it)."""
    return [_to_write(f"{item.key}.{item.argument}", wording.LEADERSHIP_TOPICS[item.argument])]


def _results(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    paragraphs = []
    if data.rounds is not None:
        figures = (("round.accepted", f"{data.rounds.accepted}/{data.rounds.total}"),)
        paragraphs.append(_text(f"{item.key}.round", wording.round_coverage(data.rounds), *figures))
    if data.scope_unit is not None:  # the indices score the province, not a unit
        return paragraphs
    if not data.indices:
        return [*paragraphs, _text(f"{item.key}.indices.none", wording.no_indices())]
    paragraphs.append(_text(f"{item.key}.indices", wording.indices_intro()))
    texts = wording.listed([wording.index_item(line) for line in data.indices])
    for line, text in zip(data.indices, texts, strict=True):
        score = wording.percent(line.score) if line.percent else format_number(line.score)
        figures = [(wording.index_figure_key(line, "score"), score)]
        if line.rank is not None:
            figures.append((wording.index_figure_key(line, "rank"), str(line.rank)))
        paragraphs.append(_text(f"{item.key}.index.{line.kind}", text, *figures))
    return paragraphs


def _area(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    to_write = _to_write(f"{item.key}.achievements", wording.area_topic(Area(item.argument).label))
    area = next((a for a in data.plan.areas if a.key == item.argument), None) if data.plan else None
    leader = wording.leaders(data.plan, data.scope_unit) if area is not None else None
    tasks = _area_paragraphs(item.key, area, leader) if area is not None else []
    return [*tasks, *_round_paragraphs(data, item.key), to_write]


def _procedures(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    """Area 2: its tasks, then the catalogue, dossiers, apologies and cashless payments."""
    *paragraphs, to_write = _area(data, item)
    return [*paragraphs, *_dossier_paragraphs(data, item), to_write]


def _dossier_paragraphs(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    paragraphs = []
    if (catalogue := data.procedures) is not None:
        sentence = wording.procedures_sentence(catalogue, data.figures_date, data.scope_unit)
        figures = (
            _counts(
                ("procedures.total", catalogue.total),
                ("procedures.fully_online", catalogue.fully_online),
                ("procedures.partly_online", catalogue.partly_online),
            )
            if catalogue.known
            else ()
        )
        paragraphs.append(_text(f"{item.key}.procedures", sentence, *figures))
    coverage = data.coverage.dossiers
    if coverage.stale_open:
        paragraphs.append(Paragraph(f"{item.key}.dossiers.stale", wording.stale_dossiers(coverage)))
    section = data.dossiers
    if section is None:
        return [*paragraphs, _text(f"{item.key}.dossiers.none", wording.no_dossiers())]
    if coverage.partial:
        paragraphs.append(_text(f"{item.key}.dossiers.partial", wording.partial_dossiers(coverage)))
    now = section.current
    key = f"{item.key}.dossiers"
    paragraphs += [
        _text(f"{key}.received", wording.received_sentence(section), *_received_figures(now)),
        _text(f"{key}.resolved", wording.resolved_sentence(section), *_resolved_figures(now)),
    ]
    if text := wording.open_sentence(now, wording.figures_moment(data)):
        figures = _counts(
            ("dossiers.open", now.open),
            ("dossiers.open_overdue", now.open_overdue),
            ("dossiers.returned", now.returned),
            ("dossiers.withdrawn", now.withdrawn),
        )
        paragraphs.append(_text(f"{key}.open", text, *figures))
    if len(section.by_level) > 1:
        paragraphs.append(_text(f"{key}.levels", "Kết quả theo cấp giải quyết:"))
        texts = wording.listed([wording.level_line(row) for row in section.by_level])
        for row, text in zip(section.by_level, texts, strict=True):
            paragraphs.append(_text(f"{key}.level.{row.level}", text, *_level_figures(row)))
    apologies = _counts(
        ("dossiers.apologies_owed", now.apologies_owed),
        ("dossiers.apologies_issued", now.apologies_issued),
        ("dossiers.late_without_apology", section.late_without_apology),
    )
    paragraphs.append(_text(f"{key}.apologies", wording.apology_sentence(section), *apologies))
    if text := wording.cashless_sentence(now):
        share = wording.share(now.received_cashless, now.received)
        figures = (
            *_counts(("dossiers.cashless", now.received_cashless)),
            ("dossiers.cashless_share", wording.percent(share)),
        )
        paragraphs.append(_text(f"{key}.cashless", text, *figures))
    return [*paragraphs, *_service_index_paragraphs(data, item)]


def _service_index_paragraphs(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    """Decision 766: the scope's ratios, what the data cannot give, the weakest units."""
    section = data.service_index
    if section is None:
        return []
    key = f"{item.key}.service_index"
    paragraphs = [
        _text(key, wording.service_index_sentence(section), *wording.service_index_figures(section))
    ]
    if text := wording.service_index_gaps(section):
        paragraphs.append(_text(f"{key}.gaps", text))
    if text := wording.weakest_units_sentence(section):
        paragraphs.append(_text(f"{key}.weakest", text))
    return paragraphs


def _counts(*named: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    """Figures as printed ("532.950"), leaving out the zero ones a sentence does not state."""
    return tuple((key, format_int(count)) for key, count in named if count)


def _received_figures(figures: Figures) -> tuple[tuple[str, str], ...]:
    stated = _counts(
        ("dossiers.received", figures.carried_over + figures.received),
        ("dossiers.carried_over", figures.carried_over),
        ("dossiers.received_new", figures.received if figures.carried_over else 0),
        ("dossiers.received_online", figures.received_online),
        ("dossiers.received_direct", figures.received_direct + figures.received_postal),
    )
    if figures.received_online:
        stated += (("dossiers.online_share", wording.percent(figures.online_share)),)
    return stated


def _resolved_figures(figures: Figures) -> tuple[tuple[str, str], ...]:
    if not figures.resolved:
        return ()
    handled = figures.carried_over + figures.received
    return (
        *_counts(
            ("dossiers.resolved", figures.resolved),
            ("dossiers.resolved_early", figures.resolved_early),
            ("dossiers.resolved_on_time", figures.resolved_on_time),
            ("dossiers.resolved_late", figures.resolved_late),
        ),
        ("dossiers.resolved_share", wording.percent(wording.share(figures.resolved, handled))),
        ("dossiers.on_time_rate", wording.percent(figures.on_time_rate)),
    )


def _level_figures(row: DossierRow) -> tuple[tuple[str, str], ...]:
    """What a level's line states ("Cấp tỉnh: tiếp nhận …"), as "dossiers.level.province.…"."""
    figures, prefix = row.figures, f"dossiers.level.{row.level}"
    stated = _counts(
        (f"{prefix}.received", figures.carried_over + figures.received),
        (f"{prefix}.resolved", figures.resolved),
    )
    if figures.resolved:
        stated += ((f"{prefix}.on_time_rate", wording.percent(figures.on_time_rate)),)
    if figures.received:
        stated += ((f"{prefix}.online_share", wording.percent(figures.online_share)),)
    return stated


def _facts(key: str, facts: list[str]) -> list[Paragraph]:
    return _items(key, facts, [f"fact.{index}" for index in range(len(facts))])


def _strengths(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    facts = _facts(item.key, wording.strength_facts(data))
    return [*facts, _to_write(f"{item.key}.text", "ưu điểm, kết quả nổi bật trong kỳ")]


def _limitations(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    facts = _facts(item.key, wording.limitation_facts(data))
    return [*facts, _to_write(f"{item.key}.text", "tồn tại, hạn chế khác trong kỳ")]


def _causes(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [
        _to_write(f"{item.key}.objective", "nguyên nhân khách quan"),
        _to_write(f"{item.key}.subjective", "nguyên nhân chủ quan"),
    ]


def _next_period(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    paragraphs = []
    plan = data.plan
    if plan is not None and plan.total:  # with no task, none was finished nor is carried over
        figures = (("tasks.unfinished", str(len(plan.unfinished))),)
        paragraphs.append(_text(f"{item.key}.carried", wording.carried_intro(plan), *figures))
        paragraphs += _task_items(item.key, plan.unfinished, wording.carried_item)
    topic = f"nhiệm vụ trọng tâm {wording.next_period_label(data)}"
    return [*paragraphs, _to_write(f"{item.key}.text", topic)]


def _recommendations(data: ReportData, item: OutlineItem) -> list[Paragraph]:
    return [_to_write(f"{item.key}.text", "đề xuất, kiến nghị với cấp trên")]


BUILDERS: dict[str, Builder] = {
    "intro": _intro,
    "nothing": _nothing,
    "plan": _plan,
    "direction": _direction,
    "topic": _topic,
    "results": _results,
    "area": _area,
    "procedures": _procedures,
    "strengths": _strengths,
    "limitations": _limitations,
    "causes": _causes,
    "next_period": _next_period,
    "recommendations": _recommendations,
}
