"""The image probe decodes real files with Pillow: type by content, size after EXIF rotation, a pixel cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from icpflow.adapters.images import LocalImageProbe, sniff


def _jpeg(path: Path, size: tuple[int, int], orientation: int | None = None) -> Path:
    image = Image.new("RGB", size, (200, 210, 220))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def test_a_landscape_jpeg_reports_its_width_and_height(tmp_path: Path) -> None:
    _jpeg(tmp_path / "a.jpg", (800, 600))
    facts = LocalImageProbe(tmp_path).probe("a.jpg")
    assert facts is not None
    assert (facts.format, facts.width, facts.height, facts.problem) == ("JPEG", 800, 600, None)


@pytest.mark.parametrize("orientation", [5, 6, 7, 8])
def test_exif_quarter_turns_swap_width_and_height(tmp_path: Path, orientation: int) -> None:
    _jpeg(tmp_path / "r.jpg", (800, 600), orientation)
    facts = LocalImageProbe(tmp_path).probe("r.jpg")
    assert facts is not None and (facts.width, facts.height) == (600, 800)


@pytest.mark.parametrize("orientation", [1, 2, 3, 4])
def test_exif_orientations_without_a_quarter_turn_keep_the_stored_size(tmp_path: Path, orientation: int) -> None:
    _jpeg(tmp_path / "r.jpg", (800, 600), orientation)
    facts = LocalImageProbe(tmp_path).probe("r.jpg")
    assert facts is not None and (facts.width, facts.height) == (800, 600)


def test_a_png_is_measured(tmp_path: Path) -> None:
    Image.new("L", (300, 900)).save(tmp_path / "p.png")
    facts = LocalImageProbe(tmp_path).probe("p.png")
    assert facts is not None and (facts.format, facts.width, facts.height) == ("PNG", 300, 900)


def test_a_pdf_is_accepted_without_dimensions(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n")
    facts = LocalImageProbe(tmp_path).probe("letter.pdf")
    assert facts is not None and (facts.format, facts.width, facts.problem) == ("PDF", None, None)


def test_type_comes_from_the_bytes_not_the_file_name(tmp_path: Path) -> None:
    Image.new("RGB", (10, 10)).save(tmp_path / "photo.jpg", "GIF")
    facts = LocalImageProbe(tmp_path).probe("photo.jpg")
    assert facts is not None and facts.problem is not None and "JPG、PNG 或 PDF" in facts.problem


def test_a_truncated_jpeg_is_reported_as_damaged(tmp_path: Path) -> None:
    full = _jpeg(tmp_path / "full.jpg", (640, 480)).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(full[: len(full) // 3])
    facts = LocalImageProbe(tmp_path).probe("cut.jpg")
    assert facts is not None and facts.problem is not None and "损坏" in facts.problem


def test_an_image_over_the_pixel_cap_is_refused_before_decoding(tmp_path: Path) -> None:
    # 4000 x 3000 = 12 MP against a 10 MP cap: refused from the header alone.
    Image.new("L", (4000, 3000)).save(tmp_path / "big.png", optimize=False)
    facts = LocalImageProbe(tmp_path, max_pixels=10_000_000).probe("big.png")
    assert facts is not None and facts.problem is not None and "像素过大" in facts.problem


def test_a_decompression_bomb_header_is_refused_without_allocating_it(tmp_path: Path) -> None:
    # A tiny PNG whose header claims 100,000 x 100,000 pixels (10 GP). Pillow would warn or raise;
    # the probe answers with a problem instead and never decodes it.
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    (tmp_path / "bomb.png").write_bytes(png)
    facts = LocalImageProbe(tmp_path, max_pixels=300_000_000).probe("bomb.png")
    assert facts is not None and facts.problem is not None and "像素过大" in facts.problem


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    facts = LocalImageProbe(tmp_path).probe("nope.jpg")
    assert facts is not None and facts.problem == "找不到文件 nope.jpg"


def test_stored_object_ids_and_urls_are_not_probed(tmp_path: Path) -> None:
    assert LocalImageProbe(tmp_path).probe("s3://bucket/key.jpg") is None
    assert LocalImageProbe(tmp_path).probe("") is None


def test_magic_bytes_recognise_the_three_accepted_types() -> None:
    assert sniff(b"\xff\xd8\xff\xe0") == "JPEG"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "PNG"
    assert sniff(b"%PDF-1.4") == "PDF"
    assert sniff(b"GIF89a") is None
