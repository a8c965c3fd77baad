"""Previews of uploaded attachments (adapters/previews.py): real images made with Pillow, real PDFs made with
reportlab. The console's routes are tested in tests/console/test_uploads.py; these are the edges the routes
never reach (a stored file over a since-lowered pixel cap, a PDF whose page objects are compressed)."""

from __future__ import annotations

import io
import time

from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from icpflow.adapters.previews import pdf_pages, thumbnail

from ..api.test_attachments import PDF, jpeg, png_claiming


def test_a_preview_keeps_the_aspect_ratio_and_is_never_enlarged() -> None:
    made = thumbnail(jpeg((1600, 1000)), max_side=320, max_pixels=40_000_000)
    assert made is not None and (made.width, made.height) == (320, 200) and made.content_type == "image/jpeg"
    small = thumbnail(jpeg((200, 100)), max_side=320, max_pixels=40_000_000)
    assert small is not None and (small.width, small.height) == (200, 100)
    assert Image.open(io.BytesIO(small.data)).size == (200, 100)


def test_an_image_over_the_pixel_cap_gets_no_preview_and_is_not_decoded() -> None:
    started = time.perf_counter()
    assert thumbnail(png_claiming(60_000, 60_000), max_side=320, max_pixels=40_000_000) is None
    assert thumbnail(jpeg((1600, 1000)), max_side=320, max_pixels=1_000_000) is None
    assert time.perf_counter() - started < 1


def test_a_pdf_or_garbage_gets_no_image_preview() -> None:
    assert thumbnail(PDF, max_side=320, max_pixels=40_000_000) is None
    assert thumbnail(b"\xff\xd8\xff" + b"\0" * 100, max_side=320, max_pixels=40_000_000) is None


def test_the_pages_of_a_pdf_are_counted_from_its_page_objects() -> None:
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in range(3):
        canvas.drawString(72, 720, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    assert pdf_pages(out.getvalue()) == 3


def test_a_pdf_whose_page_objects_are_compressed_is_counted_from_its_page_tree_or_not_at_all() -> None:
    tree_only = b"%PDF-1.7\n1 0 obj\n<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>\nendobj\n%%EOF\n"
    assert pdf_pages(tree_only) == 2
    assert pdf_pages(PDF) is None  # nothing readable: the card shows "PDF" without a page count
    assert pdf_pages(jpeg()) is None
