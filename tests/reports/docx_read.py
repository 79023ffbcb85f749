"""Reading a rendered .docx back: sections' contents, effective formatting through the style
chain, the XML details python-docx has no API for."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

EMU_PER_MM = 36_000


def load(blob: bytes) -> DocumentObject:
    return Document(BytesIO(blob))


def mm(length: Length | None) -> float:
    return 0.0 if length is None else length / EMU_PER_MM


def twips_mm(value: str) -> float:
    return int(value) * 25.4 / 1440


def section_blocks(document: DocumentObject) -> list[list[Paragraph | Table]]:
    """The paragraphs and tables of each section, in order (a section ends with the paragraph
    that carries its w:sectPr; the last section ends with the body)."""
    sections: list[list[Paragraph | Table]] = [[]]
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document._body)
            sections[-1].append(paragraph)
            if element.find(qn("w:pPr")) is not None and element.pPr.find(qn("w:sectPr")) is not None:
                sections.append([])
        elif element.tag == qn("w:tbl"):
            sections[-1].append(Table(element, document._body))
    return sections


def texts(blocks) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Paragraph) and block.text]


def tables(blocks) -> list[Table]:
    return [block for block in blocks if isinstance(block, Table)]


def all_paragraphs(document: DocumentObject) -> list[Paragraph]:
    """Every paragraph of the body, its tables and the headers, in order."""
    found = []
    containers = [document] + [part for s in document.sections for part in (s.header, s.first_page_header)]
    for container in containers:
        for element in container._element.iter(qn("w:p")):
            found.append(Paragraph(element, container))
    return found


def full_text(document: DocumentObject) -> str:
    return "\n".join(p.text for p in all_paragraphs(document))


def paragraph(document: DocumentObject, text: str) -> Paragraph:
    """The first paragraph (body or tables) whose text starts with ``text``."""
    for candidate in all_paragraphs(document):
        if candidate.text.startswith(text):
            return candidate
    raise AssertionError(f"no paragraph starts with {text!r}")


def style_value(paragraph: Paragraph, name: str):
    """A paragraph format property: direct, else from the style chain."""
    value = getattr(paragraph.paragraph_format, name)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, name)
        style = style.base_style
    return value


def font_value(run: Run, paragraph: Paragraph, name: str):
    """A run's font property: direct, else from the paragraph's style chain."""
    value = getattr(run.font, name)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, name)
        style = style.base_style
    return value


def runs_with_text(paragraph: Paragraph) -> list[Run]:
    return [run for run in paragraph.runs if run.text.strip()]


def uniform(paragraph: Paragraph, name: str):
    """The one value ``name`` has on every run with text in ``paragraph``."""
    values = {font_value(run, paragraph, name) for run in runs_with_text(paragraph)}
    assert len(values) == 1, f"{paragraph.text!r}: {name} varies: {values}"
    return values.pop()


def size_pt(paragraph: Paragraph) -> float:
    return uniform(paragraph, "size").pt


def following(paragraph: Paragraph) -> Paragraph:
    element = paragraph._p.getnext()
    assert element is not None and element.tag == qn("w:p")
    return Paragraph(element, paragraph._parent)


def bottom_border(paragraph: Paragraph):
    ppr = paragraph._p.pPr
    borders = None if ppr is None else ppr.find(qn("w:pBdr"))
    return None if borders is None else borders.find(qn("w:bottom"))


def table_borders(table: Table) -> dict[str, str]:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}


def cell_padding_mm(table: Table) -> float:
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    return twips_mm(margins.find(qn("w:left")).get(qn("w:w")))


def repeats_as_header(row) -> bool:
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def field_codes(container) -> list[str]:
    return [node.text for node in container._element.iter(qn("w:instrText"))]


def _printed(node) -> str:
    """A run's text, and a line break as one (the letterhead and title break between parts)."""
    if node.tag.endswith("}t"):
        return node.text or ""
    return "\n" if node.tag.endswith("}br") else ""


def as_text(docx: bytes) -> str:
    """Every paragraph of the body, then every table row as " | "-joined cells."""
    document = load(docx)
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            text = "".join(_printed(node) for node in block.iter())
            lines.append(text)
        elif block.tag.endswith("}tbl"):
            table = Table(block, document)
            for row in table.rows:
                cells = []
                for cell in row.cells:  # a merged cell once
                    if not cells or cell._tc is not cells[-1][0]:
                        cells.append((cell._tc, cell.text.replace("\n", " / ")))
                lines.append(" | ".join(text for _, text in cells))
    return "\n".join(line for line in lines if line.strip()) + "\n"
