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
from decimal import Decimal, InvalidOperation

import msgspec

from core.errors import InvalidInput
from core.text import nfc
from reports import wording
from reports.data import ReportData
from reports.document import Paragraph, Section

GENERATED, EDITED, DELETED, STAFF = "generated", "edited", "deleted", "staff"
STAFF_PREFIX = "staff:"
MAX_TEXT = 20_000
ANCHOR_WORDS = 2  # a number in staff text speaks of the figure whose words just before it match


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
    if item.basis is None or item.basis == _basis(generated):
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

WORD = re.compile(r"\d[\d.,/]*%?|\w+")


def _words(text: str) -> list[str]:
    return [word.rstrip(".,") if word[0].isdigit() else word for word in WORD.findall(text.casefold())]


def number_value(token: str) -> Decimal | str | None:
    """A printed number as a value: "532.950" and "532950" are 532950, "95,11%" is 95.11,
    "24/32" stays a fraction; None for anything else."""
    token = token.rstrip("%")
    if "/" in token:
        return token if re.fullmatch(r"\d+/\d+", token) else None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", token) is None:
        return None
    try:
        return Decimal(token.replace(".", "").replace(",", "."))
    except InvalidOperation:
        return None


def _anchored_numbers(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Each number in ``text`` with the words just before it; a fraction ("17/32") also as its
    two numbers, the second one anchored after a "/"."""
    words = _words(text)
    numbers = []
    for at, word in enumerate(words):
        if not word[0].isdigit() or at < ANCHOR_WORDS:
            continue
        anchor = tuple(words[at - ANCHOR_WORDS : at])
        numbers.append((anchor, word))
        if re.fullmatch(r"\d+/\d+", word):
            numerator, denominator = word.split("/")
            numbers += [(anchor, numerator), ((*anchor, "/"), denominator)]
    return numbers


def figure_anchors(sections: Sequence[Section]) -> dict[tuple[str, ...], tuple[str, str]]:
    """The words before each figure a generated paragraph states -> (figure key, printed value).
    Words that introduce two different values are dropped: they name no one figure."""
    anchors: dict[tuple[str, ...], tuple[str, str]] = {}
    ambiguous = set()
    for section in sections:
        for paragraph in section.paragraphs:
            for key, value in paragraph.figures:
                for anchor, word in _anchored_numbers(paragraph.text):
                    if number_value(word) is None or number_value(word) != number_value(value.casefold()):
                        continue
                    if anchor in anchors and anchors[anchor][1] != value:
                        ambiguous.add(anchor)
                    anchors[anchor] = (key, value)
    return {anchor: figure for anchor, figure in anchors.items() if anchor not in ambiguous}


def _differs(written: Decimal | str | None, held: Decimal | str | None) -> bool:
    """Two values of one kind (numbers, or fractions) that are not the same."""
    return written is not None and type(written) is type(held) and written != held


def contradictions(
    composed: Sequence[Section], applied: Sequence[Section], draft: Draft
) -> list[DraftWarning]:
    """Numbers in staff-written text (of the ``applied`` sections) that differ from the figure the
    system holds for the same thing: the same words before the number as in a ``composed``
    sentence stating that figure."""
    written = {item.key for items in draft.values() for item in items if item.kind in (EDITED, STAFF)}
    anchors = figure_anchors(composed)
    warnings = []
    for section in applied:
        for paragraph in section.paragraphs:
            if paragraph.key not in written:
                continue
            for anchor, word in _anchored_numbers(paragraph.text):
                figure = anchors.get(anchor)
                if figure is None or not _differs(number_value(word), number_value(figure[1].casefold())):
                    continue
                message = (
                    f"Đoạn do chuyên viên viết ghi “{' '.join(anchor)} {word}”, "
                    f"nhưng số liệu trên hệ thống là {figure[1]}."
                )
                warnings.append(DraftWarning("contradiction", section.key, paragraph.key, message))
    return warnings


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
