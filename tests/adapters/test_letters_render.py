"""Rendering letters (adapters/letters): DOCX opens with python-docx and holds every text, with 宋体 named
for East Asian text; PDF is A4, and its text (pdftotext when installed, else pypdf) holds the letter."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from icpflow.adapters.letters.docx import render_docx
from icpflow.adapters.letters.pdf import render_pdf
from icpflow.bootstrap import build_checker
from icpflow.config import Settings
from icpflow.domain import letters as L
from icpflow.domain.document import FullFiling
from icpflow.domain.parsing import parse_mapping
from icpflow.domain.rules.engine import Checker
from icpflow.services.precheck import check_raw
from icpflow.testing import FrozenClock, make_filing

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return build_checker(Settings())


def _filing(template: str) -> dict[str, object]:
    province = L.spec(template).province or "330000"
    program_type = "mini_game" if template in ("publication_authorization", "authorization_explanation",
                                                "authorization_explanation_guangdong") else "mini_program"
    doc = make_filing(province, program_type=program_type)
    certificate = doc["subject"]["certificate"]  # type: ignore[index]
    certificate["business_scope"] = "出版物零售；音乐制作；技术开发、技术服务。"  # type: ignore[index]
    program = doc["program"]  # type: ignore[index]
    program["remark"] = ""  # type: ignore[index]
    if program_type == "mini_game":
        program["game"] = {"publication_number": "ISBN 978-7-498-01234-5", "authorization_level": 2,  # type: ignore[index]
                           "mini_game_filing_approved": False}
    return doc


@pytest.fixture(scope="module")
def letters(checker: Checker) -> dict[str, L.Letter]:
    out: dict[str, L.Letter] = {}
    for template in L.SPECS:
        doc = _filing(template)
        outcome = check_raw(doc, source="test", checker=checker, clock=FrozenClock(TODAY))
        assert outcome.report is not None
        filing = parse_mapping(doc)
        assert isinstance(filing, FullFiling)
        out[template] = L.compose(template, filing, outcome.report.to_dict(), today=TODAY,
                                  platform_name="抖音开放平台", categories=checker.scanner.categories)
    return out


def _docx_texts(data: bytes) -> tuple[docx.document.Document, list[str]]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return document, texts


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """pdftotext (poppler-utils) when installed, else pypdf; whitespace removed (lines wrap anywhere)."""
    if shutil.which("pdftotext"):
        path = tmp_path / "letter.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
    else:
        text = pypdf_text(data)
    return "".join(text.split())


def pypdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("template", sorted(L.SPECS))
def test_docx_opens_and_holds_every_text(template: str, letters: dict[str, L.Letter]) -> None:
    letter = letters[template]
    data = render_docx(letter)
    assert data[:2] == b"PK"
    document, texts = _docx_texts(data)
    assert texts[0] == letter.title
    joined = "\n".join(texts)
    for text in [*letter.paragraphs, *letter.signature_lines]:
        assert text in texts
    for name, value in letter.fields:
        assert name in texts and value in texts
    for note in letter.notes:
        assert note in joined
    assert L.NOTES_HEADING in texts
    assert document.core_properties.title == letter.title
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_names_songti_for_east_asian_text(letters: dict[str, L.Letter]) -> None:
    document, _ = _docx_texts(render_docx(letters["guangdong_filing_commitment"]))
    normal = document.styles["Normal"].element.rPr
    assert normal is not None and normal.rFonts.get(qn("w:eastAsia")) == "宋体"
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
        assert run.font.name == "SimSun"
    title = document.paragraphs[0]
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    note_runs = [p.runs[0] for p in document.paragraphs if p.text.startswith("1. ")]
    assert note_runs and note_runs[0].font.size.pt == 9
    assert str(note_runs[0].font.color.rgb) == "808080"


@pytest.mark.parametrize("template", sorted(L.SPECS))
def test_pdf_is_a4_and_holds_the_letter(template: str, letters: dict[str, L.Letter], tmp_path: Path) -> None:
    letter = letters[template]
    data = render_pdf(letter)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata is not None and reader.metadata.title == letter.title
    text = pdf_text(data, tmp_path)
    subject = letter.fields[0][1]
    assert subject in text
    assert "".join(letter.title.split()) in text
    for name, value in letter.fields:
        assert "".join(value.split()) in text, name


def test_pypdf_reads_the_chinese_too(letters: dict[str, L.Letter]) -> None:
    """The fallback used where pdftotext is missing does decode the CID font."""
    letter = letters["non_involvement_commitment_sichuan"]
    text = "".join(pypdf_text(render_pdf(letter)).split())
    assert "不涉及前置审批承诺书" in text and "四川省通信管理局" in text
    assert "《网络出版服务许可证》" in text


def test_pdf_is_deterministic(letters: dict[str, L.Letter]) -> None:
    letter = letters["chongqing_public_commitment"]
    assert render_pdf(letter) == render_pdf(letter)


def test_notes_are_on_their_own_page(letters: dict[str, L.Letter]) -> None:
    letter = letters["guangdong_filing_commitment"]
    pages = ["".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(render_pdf(letter))).pages]
    assert len(pages) == 2
    assert "".join(L.NOTES_HEADING.split()) in pages[-1]
    assert "负责人签名" in pages[0] and "负责人签名" not in pages[-1]


def test_markup_characters_are_escaped() -> None:
    letter = L.Letter("标题 <b>&", ["正文 <i>a & b</i>", "第二段\n换行"], [("名称", "A<B>&C")], ["签字：＿＿＿＿"], [])
    text = "".join(pypdf_text(render_pdf(letter)).split())
    assert "标题<b>&" in text and "A<B>&C" in text and "换行" in text
    _, texts = _docx_texts(render_docx(letter))
    assert "A<B>&C" in texts


@pytest.mark.skipif(shutil.which("pdftoppm") is None and not os.environ.get("CI"),
                    reason="pdftoppm (poppler-utils) is not installed; scripts/test installs it, and in CI it must run")
def test_pdftoppm_renders_a_page(letters: dict[str, L.Letter], tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(letters["guangdong_filing_commitment"]))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    [png] = list(tmp_path.glob("page*.png"))
    with Image.open(png) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.02
        extrema = image.convert("L").getextrema()
        assert extrema[0] < 100  # something dark was drawn
