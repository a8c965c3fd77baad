"""Render a `Letter` to PDF bytes with reportlab.

The Chinese is set in reportlab's built-in CID font `STSong-Light` (`UnicodeCIDFont`): no font file is
needed or embedded; a PDF viewer supplies a Song face for it (Adobe's Asian font pack, or the system's
CJK font through substitution). Long Chinese lines wrap anywhere between characters
(`wordWrap="CJK"`). Layout as the DOCX: A4 with 25 mm side margins, the title centred, the body with a
two-character indent, the fields in a two-column grid, the signature lines kept together on the right
half, the notes (填写说明) small and grey on a page of their own, which is not printed for submission, and a
page number at the foot. The output is invariant (no creation time or random id),
so one letter always renders to the same bytes.

The letter holds full ID numbers: nothing here logs it.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ...domain.letters import NOTES_HEADING, Letter, is_addressee, is_heading

FONT = "STSong-Light"
#: one of the 14 standard PDF fonts: nothing to register or embed
LATIN_FONT = "Times-Roman"
_ASCII_RUN = re.compile(r"([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)")
PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 25 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN
LABEL_WIDTH = 55 * mm
NOTE_GREY = colors.Color(0.45, 0.45, 0.45)


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _style(name: str, **kwargs: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": FONT, "fontSize": 12, "leading": 19, "wordWrap": "CJK"}
    base.update(kwargs)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": _style("title", fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=14),
        "addressee": _style("addressee", spaceAfter=4),
        "heading": _style("heading", spaceBefore=6, spaceAfter=4, keepWithNext=1),
        "body": _style("body", firstLineIndent=24, spaceAfter=4),
        "cell": _style("cell", fontSize=10.5, leading=15),
        "signature": _style("signature", leftIndent=60 * mm, spaceBefore=6, spaceAfter=6),
        "note_heading": _style("note_heading", fontSize=10, leading=15, textColor=NOTE_GREY, spaceAfter=4),
        "note": _style("note", fontSize=9, leading=13, textColor=NOTE_GREY),
    }


def _text(value: str) -> str:
    """Paragraph markup for `value`: escaped, line breaks kept, and runs of ASCII (credit codes, AppIDs,
    dates) set in a Latin face, whose metrics fit them better than the CID font's Latin glyphs."""
    out: list[str] = []
    for i, part in enumerate(_ASCII_RUN.split(value)):
        if not part:
            continue
        text = escape(part).replace("\n", "<br/>")
        out.append(f'<font name="{LATIN_FONT}">{text}</font>' if i % 2 else text)
    return "".join(out)


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.setFillColor(NOTE_GREY)
    canvas.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def _table(fields: list[tuple[str, str]], style: ParagraphStyle) -> Table:
    rows = [[Paragraph(_text(name), style), Paragraph(_text(value), style)] for name, value in fields]
    table = Table(rows, colWidths=[LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH], spaceBefore=6, spaceAfter=6)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.95, 0.95, 0.95)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def render_pdf(letter: Letter) -> bytes:
    """The letter as a PDF file (A4)."""
    _register_font()
    styles = _styles()
    story: list[Flowable] = [Paragraph(_text(letter.title), styles["title"])]
    for block in letter.blocks():
        if isinstance(block, str):
            kind = "heading" if is_heading(block) else "addressee" if is_addressee(block) else "body"
            story.append(Paragraph(_text(block), styles[kind]))
        else:
            story.append(_table(block, styles["cell"]))
    # The signatures never stand alone on a page: they keep the last block of the body with them.
    closing: list[Flowable] = [story.pop()] if len(story) > 1 else []
    while len(story) > 1 and getattr(story[-1], "style", None) is styles["heading"]:
        closing.insert(0, story.pop())  # nor does a heading stay behind without its section
    closing.append(Spacer(1, 14))
    closing += [Paragraph(_text(line), styles["signature"]) for line in letter.signature_lines]
    story.append(KeepTogether(closing))
    if letter.notes:
        story += [PageBreak(), Paragraph(_text(NOTES_HEADING), styles["note_heading"])]
        story += [Paragraph(_text(f"{i}. {note}"), styles["note"]) for i, note in enumerate(letter.notes, 1)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN, topMargin=25 * mm,
        bottomMargin=22 * mm, title=letter.title, author="icpflow", subject=letter.template, creator="icpflow",
        invariant=True,
    )
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
