"""Report drafts: what staff made of the generated text, kept by paragraph key.

A draft holds, per outline section, the ordered list of its items:

- ``generated``: a generated paragraph kept as generated (refreshed from the data at each
  generation);
- ``edited``: a generated paragraph whose text staff replaced; their text survives regeneration,
  and the generated text and figures it was based on are kept, so the draft says so when the data
  under it changed since;
- ``deleted``: a generated paragraph staff removed (it stays removed);
- ``staff``: a paragraph staff wrote, added anywhere and reorderable ("staff:<uuid>").

``apply_draft`` lays a draft over freshly composed sections; it and the editing operations are
pure (no database, no clock): reports.runs stores drafts and checks their versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from core.errors import InvalidInput
from core.text import nfc
from reports import wording
from reports.data import ReportData
from reports.document import Paragraph, Section
from reports.wording import figure_terms

GENERATED, EDITED, DELETED, STAFF = "generated", "edited", "deleted", "staff"
STAFF_PREFIX = "staff:"
MAX_TEXT = 20_000


class Basis(msgspec.Struct, frozen=True):
    """The generated paragraph as it was when staff edited or deleted it."""

    text: str
    figures: tuple[tuple[str, str], ...] = ()


class Item(msgspec.Struct, frozen=True, omit_defaults=True):
    kind: str  # generated | edited | deleted | staff
    key: str  # the generated paragraph's key, or "staff:<uuid>"
    text: str = ""  # edited and staff items: the staff's text
    basis: Basis | None = None  # edited and deleted items (None: migrated from an older draft)


Draft = Mapping[str, Sequence[Item]]  # section key -> its items in order


@dataclass(frozen=True)
class DraftWarning:
    """Something staff should look at before generating."""

    kind: str  # data_changed | source_gone | contradiction | section_gone
    section_key: str
    paragraph_key: str
    message: str  # Vietnamese, as the draft page shows it


def load_draft(raw: Mapping) -> dict[str, tuple[Item, ...]]:
    """A stored draft (JSON) as items."""
    return msgspec.convert(dict(raw), dict[str, tuple[Item, ...]])


def dump_draft(draft: Draft) -> dict:
    """A draft as JSON-ready builtins, for storing."""
    return msgspec.to_builtins({key: list(items) for key, items in draft.items() if items})


# --- laying a draft over the generated text ---------------------------------------------------


def merged_items(section: Section, stored: Sequence[Item]) -> list[Item]:
    """The stored items with every generated paragraph not yet in them inserted in its place:
    after the nearest generated paragraph before it, else before the nearest one after it."""
    items = list(stored)
    generated_keys = [paragraph.key for paragraph in section.paragraphs]
    for index, key in enumerate(generated_keys):
        if any(item.key == key for item in items):
            continue
        items.insert(_insertion_point(items, generated_keys, index), Item(GENERATED, key))
    return items


def _insertion_point(items: list[Item], generated_keys: list[str], index: int) -> int:
    positions = {item.key: at for at, item in enumerate(items)}
    for before in reversed(generated_keys[:index]):
        if before in positions:
            return positions[before] + 1
    for after in generated_keys[index + 1 :]:
        if after in positions:
            return positions[after]
    return 0


def apply_draft(sections: Sequence[Section], draft: Draft) -> tuple[tuple[Section, ...], list[DraftWarning]]:
    """The sections as staff made them, and what they should check before generating."""
    result, warnings = [], []
    for section in sections:
        generated = {paragraph.key: paragraph for paragraph in section.paragraphs}
        paragraphs = []
        for item in merged_items(section, draft.get(section.key, ())):
            paragraph, warning = _resolve(section, generated.get(item.key), item)
            if paragraph is not None:
                paragraphs.append(paragraph)
            if warning is not None:
                warnings.append(warning)
        result.append(replace(section, paragraphs=tuple(paragraphs)))
    known = {section.key for section in sections}
    warnings += [
        DraftWarning(
            "section_gone",
            key,
            item.key,
            f"Mục “{key}” không còn trong đề cương báo cáo; đoạn đã viết ở mục này không được đưa vào báo cáo.",
        )
        for key, items in draft.items()
        if key not in known
        for item in items
        if item.kind in (EDITED, STAFF)
    ]
    return tuple(result), warnings + contradictions(sections, result, draft)


def _resolve(
    section: Section, generated: Paragraph | None, item: Item
) -> tuple[Paragraph | None, DraftWarning | None]:
    if item.kind == STAFF:
        return Paragraph(item.key, item.text), None
    if item.kind in (GENERATED, DELETED):
        return (generated if item.kind == GENERATED else None), None
    # edited: the staff's text, over whatever the data says now
    if generated is None:
        message = (
            "Đoạn tự động mà chuyên viên đã sửa không còn được tạo từ số liệu hiện nay; "
            "hãy kiểm tra lại đoạn đã sửa."
        )
        return Paragraph(item.key, item.text), DraftWarning("source_gone", section.key, item.key, message)
    edited = Paragraph(item.key, item.text, generated.figures)
    if item.basis is None or item.basis.text == generated.text:  # the text holds every figure it states
        return edited, None
    return edited, DraftWarning(
        "data_changed", section.key, item.key, _changed_message(item.basis, generated)
    )


def _basis(paragraph: Paragraph) -> Basis:
    return Basis(paragraph.text, tuple(tuple(pair) for pair in paragraph.figures))


def _changed_message(basis: Basis, now: Paragraph) -> str:
    before = dict(basis.figures)
    changes = [
        f"{before[key]} → {value}" for key, value in now.figures if key in before and before[key] != value
    ]
    detail = f" ({'; '.join(changes)})" if changes else ""
    return (
        "Số liệu của đoạn tự động mà chuyên viên đã sửa đã thay đổi kể từ khi sửa"
        f"{detail}. Nội dung tự động hiện nay: “{now.text}”"
    )


# --- numbers in staff text against the figures the system holds ---------------------------------
#
# A number in staff text speaks of a figure when the words around it name that figure: the
# phrases of reports.wording.figure_terms (by the figure's measure: "tiếp nhận" before the number
# of received dossiers, "phiếu xin lỗi" after the number of apologies), or, for a figure without
# terms, the two words before it in the generated sentence stating it. The phrase nearest to
# the number names it (the longer one on a tie); the number contradicts the system when it
# equals none of the values that phrase names anywhere in the report (a staff number may be
# rounded: "95%" agrees with 95,11%). Dates are not figures ("ngày 30 tháng 6 năm 2023").

TOKEN = re.compile(r"\d[\d.,/]*%?|\w+")
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,(\d+))?|\d+(?:,(\d+))?")
DATE_WORDS = frozenset({"ngày", "tháng", "năm", "quý"})  # a number after these is part of a date
CONTEXT_WORDS = 8  # the words before a number (back to the previous number) that may name it
DERIVED_WORDS = 2  # the words before a figure in its generated sentence, for a figure without terms


@dataclass(frozen=True)
class Number:
    """A number as written, with the words around it."""

    written: str  # "532.950", "95,11%", a fraction's part ("17", "32")
    token: str  # as it stands in the text ("17/32" for both parts)
    value: Decimal
    decimals: int
    percent: bool
    before: tuple[str, ...]  # back to the previous number, nearest last; a denominator ends with "/"
    after: tuple[str, ...]  # up to the next number, nearest first

    def agrees(self, other: Number) -> bool:
        """The same value, this one possibly rounded to fewer decimals ("95%" for 95,11%)."""
        if self.percent != other.percent:
            return False
        held = other.value
        if self.decimals < other.decimals:
            held = held.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        return held == self.value


def read_number(token: str) -> tuple[Decimal, int] | None:
    """A number as written in Vietnamese: "532.950" and "532950" are 532950 (0 decimals),
    "95,11" is 95.11 (2 decimals); None for anything else ("1.2.3")."""
    match = NUMBER.fullmatch(token.rstrip("%"))
    if match is None:
        return None
    decimals = match.group(1) or match.group(2) or ""
    return Decimal(token.rstrip("%").replace(".", "").replace(",", ".")), len(decimals)


def numbers_in(text: str) -> list[Number]:
    """The figures written in ``text``; a fraction ("24/32") as its two numbers."""
    tokens = [t.rstrip(".,") if t[0].isdigit() else t for t in TOKEN.findall(text.casefold())]
    found: list[tuple[int, str, tuple[Decimal, int], bool]] = []  # (position, written, value, after "/")
    for at, token in enumerate(tokens):
        if not token[0].isdigit() or (at and tokens[at - 1] in DATE_WORDS):
            continue
        parts = token.rstrip("%").split("/")
        values = [read_number(part) for part in parts]
        if len(parts) > 2 or None in values:
            continue  # a date ("30/06/2023") or not a number
        for index, (part, value) in enumerate(zip(parts, values, strict=True)):
            found.append((at, part + ("%" if token.endswith("%") else ""), value, index == 1))
    positions = [at for at, *_ in found]
    numbers = []
    for index, (at, written, (value, decimals), denominator) in enumerate(found):
        token = tokens[at]
        previous = max((p for p in positions[:index] if p < at), default=-1)
        following = min((p for p in positions[index + 1 :] if p > at), default=len(tokens))
        before = tuple(tokens[previous + 1 : at])[-CONTEXT_WORDS:]  # dates ("năm 2022") included
        after = tuple(tokens[at + 1 : following])[:CONTEXT_WORDS]
        percent = written.endswith("%")
        numbers.append(Number(written, token, value, decimals, percent, before + ("/",) * denominator, after))
    return numbers


@dataclass(frozen=True)
class Naming:
    """A phrase that names a figure, before or after its number."""

    words: tuple[str, ...]
    after: bool  # the phrase follows the number ("43 hồ sơ quá hạn phải xin lỗi")
    figure: str  # the figure's key
    held: Number  # its value as the report prints it
    section: str  # the section stating it


def _words(phrase: str) -> tuple[str, ...]:
    """A phrase's words as numbers_in reads them; a "/" ending it marks a fraction's second part."""
    return tuple(re.findall(r"\w+|/", phrase.casefold()))


def figure_namings(sections: Sequence[Section]) -> list[Naming]:
    """Every phrase naming a figure a generated paragraph states, with the figure's value."""
    namings = []
    for section in sections:
        for paragraph in section.paragraphs:
            written = numbers_in(paragraph.text)
            for key, value in paragraph.figures:
                held = numbers_in(value)
                if len(held) != 1:
                    continue
                before, after = figure_terms(key)
                namings += [Naming(_words(p), False, key, held[0], section.key) for p in before]
                namings += [Naming(_words(p), True, key, held[0], section.key) for p in after]
                if not before and not after:  # no terms: the words before it where it is stated
                    namings += [
                        Naming(number.before[-DERIVED_WORDS:], False, key, held[0], section.key)
                        for number in written
                        if number.agrees(held[0]) and len(number.before) >= DERIVED_WORDS
                    ]
    return namings


def _distance(naming: Naming, number: Number) -> int | None:
    """How many words lie between the phrase and the number (None: the phrase is not there)."""
    words, size = (number.after if naming.after else number.before), len(naming.words)
    for offset in range(len(words) - size + 1):
        start = offset if naming.after else len(words) - size - offset
        if words[start : start + size] == naming.words:
            return offset
    return None


def named_figures(number: Number, namings: Sequence[Naming]) -> tuple[int, list[Naming]]:
    """The phrase nearest to ``number`` (the longest on a tie), of its kind: how far it is, and
    every figure it names."""
    denominator = number.before[-1:] == ("/",)
    found = [
        (distance, -len(naming.words), naming)
        for naming in namings
        if naming.held.percent == number.percent
        # the part after "/" only by a phrase ending with "/" ("hoàn thành /" names the total)
        and (naming.after or (naming.words[-1:] == ("/",)) == denominator)
        and (distance := _distance(naming, number)) is not None
    ]
    if not found:
        return 0, []
    best = min((distance, length) for distance, length, _ in found)
    return best[0], [naming for distance, length, naming in found if (distance, length) == best]


def contradictions(
    composed: Sequence[Section], applied: Sequence[Section], draft: Draft
) -> list[DraftWarning]:
    """Numbers in staff-written text (of the ``applied`` sections) that differ from the figure the
    system holds for the same thing, as the words around them say (see above)."""
    written = {item.key for items in draft.values() for item in items if item.kind in (EDITED, STAFF)}
    namings = figure_namings(composed)
    warnings = []
    for section in applied:
        for paragraph in section.paragraphs:
            if paragraph.key not in written:
                continue
            for number in numbers_in(paragraph.text):
                distance, named = named_figures(number, namings)
                if not named or any(number.agrees(naming.held) for naming in named):
                    continue
                message = _contradiction(number, distance, named, section.key)
                warnings.append(DraftWarning("contradiction", section.key, paragraph.key, message))
    return warnings


def _contradiction(number: Number, distance: int, named: Sequence[Naming], section_key: str) -> str:
    """What staff wrote (the naming words to the number) and the figure held: the one of their
    section if it states one, else the report's, a level's only when no other is named."""
    size = len(named[0].words) + distance
    if named[0].after:
        quoted = " ".join((number.token, *number.after[:size]))
    else:
        quoted = " ".join((*number.before[-size:], number.token)).replace(" / ", " ")
    here = [naming for naming in named if naming.section == section_key] or list(named)
    overall = [naming for naming in here if ".level." not in naming.figure] or here
    held = " hoặc ".join(dict.fromkeys(naming.held.written for naming in overall))
    return f"Đoạn do chuyên viên viết ghi “{quoted}”, nhưng số liệu trên hệ thống là {held}."


# --- editing operations --------------------------------------------------------------------------


def clean_text(text: str, field: str = "text") -> str:
    cleaned = nfc(text)
    if not cleaned:
        raise InvalidInput.field(field, "must not be empty", "Nhập nội dung đoạn văn.")
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput.field(field, f"at most {MAX_TEXT} characters", "Đoạn văn tối đa 20.000 ký tự.")
    return cleaned


def _section(sections: Sequence[Section], key: str) -> Section:
    found = next((section for section in sections if section.key == key), None)
    if found is None:
        raise InvalidInput.field("section", "no such section in the outline", "Mục không có trong đề cương.")
    return found


def _position(items: list[Item], key: str) -> int:
    for at, item in enumerate(items):
        if item.key == key:
            return at
    raise InvalidInput.field("key", "no such paragraph in this section", "Đoạn văn không có trong mục này.")


def _with(draft: Draft, section_key: str, items: list[Item]) -> dict[str, tuple[Item, ...]]:
    return {**draft, section_key: tuple(items)}


def edit_paragraph(draft: Draft, sections: Sequence[Section], section_key: str, key: str, text: str) -> dict:
    """Staff's text for a paragraph: a generated one becomes ``edited`` (based on the generated
    text of now), a staff one gets the new text."""
    section = _section(sections, section_key)
    items = merged_items(section, draft.get(section_key, ()))
    at = _position(items, key)
    item, cleaned = items[at], clean_text(text)
    if item.kind == STAFF:
        items[at] = Item(STAFF, key, cleaned)
    else:
        generated = next((p for p in section.paragraphs if p.key == key), None)
        items[at] = Item(EDITED, key, cleaned, _basis(generated) if generated else item.basis)
    return _with(draft, section_key, items)


def delete_paragraph(draft: Draft, sections: Sequence[Section], section_key: str, key: str) -> dict:
    """A staff paragraph is removed; a generated one is marked deleted (it can be restored)."""
    section = _section(sections, section_key)
    items = merged_items(section, draft.get(section_key, ()))
    at = _position(items, key)
    if items[at].kind == STAFF:
        del items[at]
    else:
        generated = next((p for p in section.paragraphs if p.key == key), None)
        items[at] = Item(DELETED, key, basis=_basis(generated) if generated else items[at].basis)
    return _with(draft, section_key, items)


def restore_paragraph(draft: Draft, sections: Sequence[Section], section_key: str, key: str) -> dict:
    """A deleted or edited generated paragraph goes back to the generated text."""
    items = merged_items(_section(sections, section_key), draft.get(section_key, ()))
    at = _position(items, key)
    if items[at].kind == STAFF:
        raise InvalidInput.field(
            "key", "a staff paragraph has no generated text", "Đoạn này không có bản tự động."
        )
    items[at] = Item(GENERATED, key)
    return _with(draft, section_key, items)


def move_paragraph(
    draft: Draft, sections: Sequence[Section], section_key: str, key: str, direction: str
) -> dict:
    """Swap a paragraph with the shown paragraph above or below it (deleted ones are skipped)."""
    if direction not in ("up", "down"):
        raise InvalidInput.field("direction", "up or down", "Hướng di chuyển không hợp lệ.")
    items = merged_items(_section(sections, section_key), draft.get(section_key, ()))
    at = _position(items, key)
    shown = [index for index, item in enumerate(items) if item.kind != DELETED]
    place = shown.index(at) + (-1 if direction == "up" else 1)
    if 0 <= place < len(shown):
        other = shown[place]
        items[at], items[other] = items[other], items[at]
    return _with(draft, section_key, items)


def add_paragraph(
    draft: Draft, sections: Sequence[Section], section_key: str, new_key: str, text: str, after: str | None
) -> dict:
    """A staff paragraph after ``after`` (None: at the end of the section)."""
    items = merged_items(_section(sections, section_key), draft.get(section_key, ()))
    at = len(items) if after is None else _position(items, after) + 1
    items.insert(at, Item(STAFF, new_key, clean_text(text)))
    return _with(draft, section_key, items)


@dataclass(frozen=True)
class ShownParagraph:
    """One paragraph as the draft page lists it: what prints, and what the data says under it."""

    key: str
    origin: str  # generated | edited | deleted | staff
    text: str  # what prints (deleted: the generated text, which does not print)
    generated: Paragraph | None  # the generated paragraph of now (None: staff-written or gone)

    @property
    def placeholder(self) -> bool:
        return self.origin == GENERATED and self.generated is not None and self.generated.placeholder


def shown_paragraphs(section: Section, draft: Draft) -> list[ShownParagraph]:
    """Every paragraph of a section in order, deleted ones included, for the draft page."""
    generated = {paragraph.key: paragraph for paragraph in section.paragraphs}
    shown = []
    for item in merged_items(section, draft.get(section.key, ())):
        now = generated.get(item.key)
        if item.kind in (EDITED, STAFF):
            shown.append(ShownParagraph(item.key, item.kind, item.text, now))
        elif now is not None:
            shown.append(ShownParagraph(item.key, item.kind, now.text, now))
    return shown


# --- the units' answers, offered ---------------------------------------------------------------------


def unit_answers(data: ReportData, draft: Draft) -> dict[str, list[str]]:
    """The units' narrative answers to the period's round (accepted submissions only), by outline
    section, as paragraphs staff can take into the draft with the unit named; an answer already
    taken (a staff paragraph with its text) is not offered again."""
    if data.rounds is None:
        return {}
    taken = {item.text for items in draft.values() for item in items if item.kind == STAFF}
    offered: dict[str, list[str]] = {}
    for answer in data.rounds.answers:
        text = wording.unit_answer(answer)
        if text not in taken:
            offered.setdefault(answer.section, []).append(text)
    return offered
