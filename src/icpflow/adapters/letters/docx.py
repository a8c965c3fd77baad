"""Render a `Letter` to a Word document (DOCX bytes) with python-docx.

Layout: A4, the title centred and bold, the body with a two-character first-line indent (an addressee
line ending in "：" is not indented), the fields as a two-column grid table, the signature, stamp and date
lines indented to the right half and kept together, then, on a page of their own that is not printed for
submission, the notes (填写说明) in a smaller grey font. Every run names 宋体 for
East Asian text through the `w:eastAsia` attribute of `w:rFonts` (python-docx's `font.name` sets only the
Latin faces), so Word and LibreOffice pick a Song face for the Chinese.

The letter holds full ID numbers: nothing here logs it.
"""

from __future__ import annotations

import io
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from ...domain.letters import NOTES_HEADING, Letter, is_addressee, is_heading

#: Latin face and East Asian face of every run.
LATIN_FONT = "SimSun"
EAST_ASIAN_FONT = "宋体"
BODY_SIZE = Pt(12)
TITLE_SIZE = Pt(18)
NOTE_SIZE = Pt(9)
NOTE_COLOUR = RGBColor(0x80, 0x80, 0x80)
LABEL_WIDTH = Cm(5.5)
VALUE_WIDTH = Cm(10.5)


def _east_asian(element_with_rpr: object, font: str = EAST_ASIAN_FONT) -> None:
    """Set `w:rFonts/@w:eastAsia` on a run or a style (`get_or_add_rPr` exists on both elements)."""
    rpr = element_with_rpr.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font)


def _add_run(paragraph: Paragraph, text: str, *, size: Pt = BODY_SIZE, bold: bool = False,
             colour: RGBColor | None = None) -> None:
    run = paragraph.add_run(text)
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    _east_asian(run._element)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    _add_run(paragraph, text, size=Pt(11), bold=bold)


def _add_table(document: DocumentObject, fields: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for name, value in fields:
        label_cell, value_cell = table.add_row().cells
        label_cell.width, value_cell.width = LABEL_WIDTH, VALUE_WIDTH
        _cell_text(label_cell, name, bold=True)
        _cell_text(value_cell, value)


def render_docx(letter: Letter) -> bytes:
    """The letter as a .docx file."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)

    normal = cast(ParagraphStyle, document.styles["Normal"])
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    _east_asian(normal.element)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3

    core = document.core_properties
    core.title = letter.title
    core.author = "icpflow"
    core.subject = letter.template

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _add_run(title, letter.title, size=TITLE_SIZE, bold=True)

    for block in letter.blocks():
        if isinstance(block, str):
            paragraph = document.add_paragraph()
            heading = is_heading(block)
            if heading:
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_before = Pt(6)
            elif not is_addressee(block):
                paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
            _add_run(paragraph, block, bold=heading)
        else:
            _add_table(document, block)

    spacer = document.add_paragraph()
    spacer.paragraph_format.keep_with_next = True
    for index, line in enumerate(letter.signature_lines, 1):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(6)
        paragraph.paragraph_format.space_after = Pt(10)
        paragraph.paragraph_format.keep_with_next = index < len(letter.signature_lines)
        _add_run(paragraph, line)

    if letter.notes:
        notes_heading = document.add_paragraph()
        notes_heading.paragraph_format.page_break_before = True
        _add_run(notes_heading, NOTES_HEADING, size=Pt(10), bold=True, colour=NOTE_COLOUR)
        for index, note in enumerate(letter.notes, 1):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(1)
            _add_run(paragraph, f"{index}. {note}", size=NOTE_SIZE, colour=NOTE_COLOUR)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
