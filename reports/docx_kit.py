"""The python-docx building blocks of a Decree 30/2020/NĐ-CP document.

Page setup, Times New Roman in every style, runs and block paragraphs, the short rules under the
issuing body, the motto and the summary line, borderless and ruled tables, the PAGE field, and a
byte-stable .docx. ``reports.render`` decides what goes where; this module only knows how.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import matplotlib
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from core.text import fold

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
BLACK = RGBColor(0, 0, 0)

# Decree 30/2020 page: A4; margins within top 20–25, bottom 20–25, left 30–35, right 15–20 mm.
PAGE_SHORT_MM, PAGE_LONG_MM = 210, 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
HEADER_DISTANCE_MM = 10  # the page number sits in the top margin
TEXT_WIDTH_MM = PAGE_SHORT_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # portrait: 165 mm
LANDSCAPE_TEXT_WIDTH_MM = PAGE_LONG_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 252 mm

# Body text (box 6): 14 pt, justified, first line indented 1.27 cm, 6 pt after, 1.2 lines.
BODY_SIZE = 14
FIRST_LINE_INDENT_CM = 1.27
SPACE_AFTER_PT = 6
LINE_SPACING = 1.2

CELL_PADDING_MM = 1.0  # left and right cell margin, set on every table (w:tblCellMar)
RULE_WIDTH_EIGHTHS = 6  # the rules under text: 0.75 pt
TABLE_RULE_EIGHTHS = 4  # table borders: 0.5 pt
RULE_GAP_PT = 3  # the rule sits this far under the line of text above it
SHORT_RULE_SHARE = 0.4  # the short rule under the issuing body and the summary line: 1/3–1/2

_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THEME_COLOR_ATTRIBUTES = ("w:themeColor", "w:themeShade", "w:themeTint")
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
# Children of w:pPr, w:rPr, w:tblPr and w:sectPr that the schema puts after the element we add.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_TBLCELLMAR)
_AFTER_PGNUMTYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
    "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
_AFTER_CANTSPLIT = (
    "w:trHeight",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:hidden",
    "w:ins",
    "w:del",
    "w:trPrChange",
)
_AFTER_TBLHEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_STABLE_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


# --- document and styles -------------------------------------------------------------------------


def new_document(title: str, author: str, issued_on: date) -> DocumentObject:
    """An empty document whose every style is Times New Roman, black, Vietnamese."""
    document = Document()
    _drop_styles_with_effects(document)
    _fix_style_fonts(document)
    _body_style(document)
    for level, bold in ((1, True), (2, True), (3, False)):
        _heading_style(document, level, bold)
    _theme_language(document)
    properties = document.core_properties
    moment = datetime(issued_on.year, issued_on.month, issued_on.day)
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.language, properties.revision = LANGUAGE, 1
    properties.created = properties.modified = properties.last_printed = moment
    properties.comments = properties.subject = properties.keywords = properties.category = ""
    return document


def set_fonts(rpr) -> None:
    """Times New Roman in all four w:rFonts slots of these run properties."""
    _times(rpr.get_or_add_rFonts())


def _times(fonts) -> None:
    """One w:rFonts element: Times New Roman in every slot, theme font attributes removed."""
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for slot in _FONT_SLOTS:
        fonts.set(qn(slot), FONT)


def _drop_styles_with_effects(document: DocumentObject) -> None:
    """The template's Word 2010 style copy still names theme fonts: drop it, styles.xml rules."""
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            part.drop_rel(rid)


def _fix_style_fonts(document: DocumentObject) -> None:
    """Every style, and the document defaults, in Times New Roman and black; defaults in vi-VN."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        _times(fonts)
    for color in styles.iter(qn("w:color")):
        for attribute in _THEME_COLOR_ATTRIBUTES:
            color.attrib.pop(qn(attribute), None)
        color.set(qn("w:val"), "000000")
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(default)
    _set_language(default)


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _element("w:lang")
        rpr.insert_element_before(lang, *_AFTER_LANG)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)


def _element(tag: str, attributes: dict[str, str] | None = None, text: str | None = None):
    """A new XML element: ``_element("w:bottom", {"w:val": "single"})``."""
    element = OxmlElement(tag)
    for name, value in (attributes or {}).items():
        element.set(qn(name), value)
    if text is not None:
        element.text = text
    return element


def _body_style(document: DocumentObject) -> None:
    style = document.styles["Normal"]
    set_fonts(style.element.get_or_add_rPr())
    _set_language(style.element.get_or_add_rPr())
    style.font.size, style.font.color.rgb = Pt(BODY_SIZE), BLACK
    _body_format(style.paragraph_format)


def _body_format(paragraph_format) -> None:
    paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph_format.first_line_indent = Cm(FIRST_LINE_INDENT_CM)
    paragraph_format.left_indent = paragraph_format.right_indent = Cm(0)
    paragraph_format.space_before, paragraph_format.space_after = Pt(0), Pt(SPACE_AFTER_PT)
    paragraph_format.line_spacing = LINE_SPACING


def _heading_style(document: DocumentObject, level: int, bold: bool) -> None:
    """Headings "I. ..." (upper, bold), "1. ..." (bold), "a) ..." (regular), indented like the body."""
    style = document.styles[f"Heading {level}"]
    style.font.size, style.font.bold, style.font.italic = Pt(BODY_SIZE), bold, False
    style.font.color.rgb = BLACK
    _body_format(style.paragraph_format)
    style.paragraph_format.space_before = Pt(SPACE_AFTER_PT)
    style.paragraph_format.keep_with_next = True


def _theme_language(document: DocumentObject) -> None:
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)


def document_bytes(document: DocumentObject) -> bytes:
    """The .docx as bytes, with fixed zip timestamps: the same data gives the same file."""
    buffer = BytesIO()
    document.save(buffer)
    stable = BytesIO()
    with ZipFile(BytesIO(buffer.getvalue())) as source, ZipFile(stable, "w", ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = ZipInfo(item.filename, date_time=_STABLE_ZIP_TIME)
            entry.compress_type, entry.external_attr = ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(item.filename))
    return stable.getvalue()


# --- sections --------------------------------------------------------------------------------------


def new_page_section(document: DocumentObject):
    """A section starting on a new page. python-docx ends the previous one with an empty
    paragraph holding its settings; that paragraph is made 1 pt high, so that a page the body
    (its signature block) fills to the bottom does not push it onto a blank page of its own."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    fmt = document.paragraphs[-1].paragraph_format
    fmt.space_before, fmt.space_after, fmt.first_line_indent = Pt(0), Pt(0), Cm(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
    return section


def setup_section(section, *, landscape: bool, restart_numbering: bool) -> None:
    """A4 in the given orientation, the Decree 30 margins, no page number on the first page."""
    short, long = _twips_at_least(PAGE_SHORT_MM), _twips_at_least(PAGE_LONG_MM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin, section.bottom_margin = (
        _twips_at_least(MARGIN_TOP_MM),
        _twips_at_least(MARGIN_BOTTOM_MM),
    )
    section.left_margin, section.right_margin = (
        _twips_at_least(MARGIN_LEFT_MM),
        _twips_at_least(MARGIN_RIGHT_MM),
    )
    section.header_distance = section.footer_distance = _twips_at_least(HEADER_DISTANCE_MM)
    section.gutter = Twips(0)
    section.different_first_page_header_footer = True
    if restart_numbering:
        _restart_numbering(section._sectPr)


def _twips_at_least(millimetres: float) -> Twips:
    """Page sizes are stored in whole twips: round up, so 15 mm never becomes 14,99 mm."""
    return Twips(math.ceil(millimetres / 25.4 * 1440))


def _restart_numbering(sect_pr) -> None:
    """Arabic page numbers from 1 in this section (w:pgNumType w:start="1")."""
    number_type = sect_pr.find(qn("w:pgNumType"))  # a section added later copies this one's
    if number_type is None:
        number_type = _element("w:pgNumType")
        sect_pr.insert_element_before(number_type, *_AFTER_PGNUMTYPE)
    number_type.set(qn("w:fmt"), "decimal")
    number_type.set(qn("w:start"), "1")


def page_number_header(section, size: int) -> None:
    """The page number, centred in the top margin, from page 2 on (page 1 gets an empty header)."""
    section.first_page_header.is_linked_to_previous = False
    paragraph = block(section.header, size=size)
    parts = (
        _element("w:fldChar", {"w:fldCharType": "begin"}),
        _element("w:instrText", {"xml:space": "preserve"}, " PAGE "),
        _element("w:fldChar", {"w:fldCharType": "separate"}),
        None,  # the field's last result, until Word or LibreOffice computes it
        _element("w:fldChar", {"w:fldCharType": "end"}),
    )
    for part in parts:
        run = add_run(paragraph, "2" if part is None else "", size)
        if part is not None:
            run._r.append(part)


# --- paragraphs and runs -------------------------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold: one stored before input was
    cleaned (a task title with Word's vertical tab) made every report fail."""
    return _NOT_XML.sub("", text)


def add_run(
    paragraph: Paragraph,
    text: str,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
) -> Run:
    """One run, Times New Roman in every slot; size, bold and italic only when given.

    The run is a copy of a formatted prototype: python-docx builds run properties child by
    child and writes text character by character, which made a report of a thousand
    paragraphs (every task listed) take seconds."""
    r = deepcopy(_run_prototype(size, bold, italic))
    paragraph._p.append(r)
    text = xml_text(text)
    if _RUN_BREAKS.isdisjoint(text):
        if text:
            r.add_t(text)
    else:
        r.text = text  # tabs and line breaks become w:tab and w:br
    return Run(r, paragraph)


_RUN_BREAKS = frozenset("\t\n\r")


@cache
def _run_prototype(size: float | None, bold: bool | None, italic: bool | None):
    """An empty run with these properties, built once by python-docx, copied by ``add_run``."""
    run = Run(_element("w:r"), None)
    set_fonts(run._r.get_or_add_rPr())
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold, run.font.italic = bold, italic
    return run._r


def body(container, text: str) -> Paragraph:
    """A body paragraph: the Normal style carries the Decree 30 body format."""
    paragraph = container.add_paragraph()
    add_run(paragraph, text)
    return paragraph


def placeholder(container, text: str) -> Paragraph:
    """A clearly marked paragraph for staff to replace: bracketed, italic, highlighted."""
    paragraph = container.add_paragraph()
    add_run(paragraph, text, italic=True).font.highlight_color = WD_COLOR_INDEX.YELLOW
    return paragraph


def block(
    container,
    text: str = "",
    *,
    size: float = BODY_SIZE,
    bold: bool | None = None,
    italic: bool | None = None,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    space_before: float = 0,
    space_after: float = 0,
) -> Paragraph:
    """A paragraph outside the body flow (letterhead, titles, tables, signature, page header):
    single-spaced, no indent, aligned as asked."""
    paragraph = _fresh_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.first_line_indent = align, Cm(0)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(space_before), Pt(space_after), 1.0
    if text:
        add_run(paragraph, text, size, bold, italic)
    return paragraph


def _fresh_paragraph(container) -> Paragraph:
    """A new paragraph, or the untouched one a new cell or header starts with."""
    existing = [] if isinstance(container, DocumentObject) else container.paragraphs
    if len(existing) == 1 and not existing[0].runs:
        return existing[0]
    return container.add_paragraph()


def rule_under(paragraph: Paragraph, length_mm: float, available_mm: float) -> Paragraph:
    """A solid line of ``length_mm``, centred under ``paragraph``: the bottom border of an empty
    paragraph RULE_GAP_PT high inserted after it, indented to the length (renders alike in Word
    and LibreOffice)."""
    element = _element("w:p")
    paragraph._p.addnext(element)
    rule = Paragraph(element, paragraph._parent)
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", _line("single", RULE_WIDTH_EIGHTHS)))
    rule._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)
    fmt = rule.paragraph_format
    side = Mm(max(available_mm - length_mm, 0) / 2)
    fmt.left_indent, fmt.right_indent, fmt.first_line_indent = side, side, Cm(0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(RULE_GAP_PT)
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return rule


def short_rule_mm(text: str, size: float, bold: bool, available_mm: float) -> float:
    """The short line under the issuing body or the summary line: 1/3–1/2 of the text (of its
    longest line, when the text wraps)."""
    longest = max(text_width_mm(line, size, bold) for line in text.split("\n"))
    return SHORT_RULE_SHARE * min(longest, available_mm)


# Words a break may follow, or precede, between two parts of a name: "ỦY BAN NHÂN DÂN /
# THỊ TRẤN CÔ TÔ", "SỞ LAO ĐỘNG - / THƯƠNG BINH VÀ XÃ HỘI", "SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG".
# Compared folded (core.text.fold): "UỶ BAN" and "ỦY BAN", composed or not, are one.
_BREAK_AFTER = ("uy ban nhan dan", "ubnd")
_BREAK_BEFORE = ("va",)


def _at_phrase(words: list[str], index: int) -> bool:
    before, after = words[index - 1], words[index]
    return (
        before.endswith((",", "-", ";"))
        or fold(after) in _BREAK_BEFORE
        or fold(" ".join(words[:index])) in _BREAK_AFTER
    )


MAX_BROKEN_LINES = 3  # a letterhead name or a summary line takes two, rarely three


def broken_into_lines(text: str, size: float, bold: bool, available_mm: float) -> str:
    """``text`` with line breaks ("\n") where an official would put them when it does not fit on
    one line, instead of where the word processor runs out of room ("SỞ NÔNG NGHIỆP VÀ MÔI /
    TRƯỜNG"): as few lines as fit, broken between the parts of the name where that fits
    (``_at_phrase``: "SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG"), the widest line as narrow as it goes,
    then the lines as even as they go ("HỢP; / PHỤ LỤC / SỐ LIỆU", not "HỢP; / PHỤ / LỤC SỐ"). Text
    that needs more than MAX_BROKEN_LINES is left to the word processor (trying every break of a
    long name would take far too long)."""
    words = text.split()

    def fits(line: str) -> bool:
        return text_width_mm(line, size, bold) <= available_mm  # Liberation Serif: same metrics

    if text_width_mm(text, size, bold) > MAX_BROKEN_LINES * available_mm:
        return text
    for count in range(1, min(len(words), MAX_BROKEN_LINES) + 1):
        candidates = []
        for breaks in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *breaks, len(words))
            lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
            if all(fits(line) for line in lines):
                at_phrases = sum(_at_phrase(words, i) for i in breaks)
                widths = [text_width_mm(line, size, bold) for line in lines]
                candidates.append((-at_phrases, max(widths), max(widths) - min(widths), lines))
        if candidates:
            return "\n".join(min(candidates)[-1])
    return text  # too long, or a single word wider than the room


# --- text measure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Metrics:
    widths: dict[str, int]  # advance widths in 1/1000 em
    default: int


@cache
def _times_metrics(bold: bool) -> _Metrics:
    """Adobe's Times metrics, shipped with matplotlib: the widths of Times New Roman."""
    name = "Times-Bold.afm" if bold else "Times-Roman.afm"
    path = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts" / name
    widths = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if match := re.match(r"C (\d+) ; WX (\d+) ;", line):
            widths[chr(int(match[1]))] = int(match[2])
    return _Metrics(widths, widths["n"])


def text_width_mm(text: str, size: float, bold: bool) -> float:
    """The printed width of one line of ``text`` in Times New Roman; Vietnamese marks sit on
    their letter and do not change its width."""
    metrics = _times_metrics(bold)
    bare = unicodedata.normalize("NFD", text).replace("\u0111", "d").replace("\u0110", "D")
    units = sum(metrics.widths.get(ch, metrics.default) for ch in bare if not unicodedata.combining(ch))
    return units / 1000 * size * 25.4 / 72


# --- tables ----------------------------------------------------------------------------------------


def add_table(container, rows: int, widths_mm: tuple[float, ...], *, ruled: bool) -> Table:
    """A fixed-layout table with these column widths, with single borders or none at all."""
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    _set_borders(table, "single" if ruled else "nil")
    _set_cell_padding(table)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    return table


def _line(value: str, eighths: int) -> dict[str, str]:
    """A border's attributes: "single" in black ``eighths``/8 pt wide, or "nil" (none)."""
    if value == "nil":
        return {"w:val": "nil"}
    return {"w:val": value, "w:sz": str(eighths), "w:space": "0", "w:color": "000000"}


def _set_borders(table: Table, value: str) -> None:
    borders = _element("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{edge}", _line(value, TABLE_RULE_EIGHTHS)))
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _set_cell_padding(table: Table) -> None:
    margins = _element("w:tblCellMar")
    twips = str(round(CELL_PADDING_MM / 25.4 * 1440))
    for edge in ("left", "right"):
        margins.append(_element(f"w:{edge}", {"w:w": twips, "w:type": "dxa"}))
    table._tbl.tblPr.insert_element_before(margins, *_AFTER_TBLCELLMAR)


def repeat_as_header(row) -> None:
    """The row is repeated at the top of every page the table runs onto (w:tblHeader)."""
    row._tr.get_or_add_trPr().insert_element_before(_element("w:tblHeader"), *_AFTER_TBLHEADER)


def keep_row_whole(tr) -> None:
    """The row is never split across two pages (w:cantSplit)."""
    tr.get_or_add_trPr().insert_element_before(_element("w:cantSplit"), *_AFTER_CANTSPLIT)


def cell_width_mm(cell_mm: float) -> float:
    """The room for text in a cell of this width."""
    return cell_mm - 2 * CELL_PADDING_MM


def detach_row(row):
    """Take a row out of its table, to be copied by ``stamp_row``."""
    row._tr.getparent().remove(row._tr)
    return row._tr


def stamp_row(table: Table, prototype, values) -> None:
    """Append a copy of ``prototype`` (one text run per cell) with ``values`` as the cells' texts."""
    row = deepcopy(prototype)
    for text, value in zip(row.iter(qn("w:t")), values, strict=True):
        text.text = xml_text(value)
    table._tbl.append(row)
