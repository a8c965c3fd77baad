"""Reading attachment files for the pre-check: type by magic bytes, size, and pixel dimensions after
EXIF rotation, decoded for real (Pillow) but never past a pixel cap.

Pillow opens any image lazily and would decode a 30,000 × 30,000 "decompression bomb" if asked; we read
the header first and refuse anything over `max_pixels` before a single pixel is decoded. Pillow's own
`DecompressionBombWarning` is turned into the same refusal rather than left as a warning.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import IO

from PIL import Image, UnidentifiedImageError

from ..domain.rules.context import ImageFacts

_EXIF_ORIENTATION = 0x0112
#: EXIF orientations 5-8 are rotated by 90 or 270 degrees: the displayed width is the stored height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"%PDF-", "PDF"))


def sniff(head: bytes) -> str | None:
    """JPEG, PNG or PDF by their magic bytes; None for anything else."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


class LocalImageProbe:
    """Probes files named relative to `base_dir` (the filing document's folder)."""

    def __init__(self, base_dir: Path, *, max_pixels: int = 40_000_000) -> None:
        self.base_dir = base_dir
        self.max_pixels = max_pixels

    def probe(self, file: str) -> ImageFacts | None:
        if not file or "://" in file:
            return None  # a stored object id or URL: not ours to read here
        path = Path(file)
        if not path.is_absolute():
            path = self.base_dir / path
        try:
            size = path.stat().st_size
            with path.open("rb") as fh:
                head = fh.read(16)
        except FileNotFoundError:
            return ImageFacts(problem=f"找不到文件 {file}")
        except OSError as exc:
            return ImageFacts(problem=f"无法读取文件 {file}：{exc.strerror or exc}")
        kind = sniff(head)
        if kind is None:
            return ImageFacts(size_bytes=size,
                              problem="文件类型不支持，应为 JPG、PNG 或 PDF（按文件内容判断，而非扩展名）")
        if kind == "PDF":
            return ImageFacts(format="PDF", size_bytes=size)
        return self._image(path, kind, size)

    def _image(self, path: Path, kind: str, size: int) -> ImageFacts:
        return _decode(path, kind, size, self.max_pixels)


def probe_bytes(data: bytes, *, max_pixels: int = 40_000_000) -> ImageFacts:
    """The same facts as `LocalImageProbe.probe`, for a file already in memory (an upload, a stored object)."""
    kind = sniff(data[:16])
    if kind is None:
        return ImageFacts(size_bytes=len(data),
                          problem="文件类型不支持，应为 JPG、PNG 或 PDF（按文件内容判断，而非扩展名）")
    if kind == "PDF":
        return ImageFacts(format="PDF", size_bytes=len(data))
    return _decode(io.BytesIO(data), kind, len(data), max_pixels)


def _decode(source: Path | IO[bytes], kind: str, size: int, max_pixels: int) -> ImageFacts:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as im:
                width, height = im.size
                if width * height > max_pixels:
                    return ImageFacts(format=kind, size_bytes=size,
                                      problem=f"图片像素过大（{width}×{height}），超过上限 {max_pixels} 像素")
                orientation = im.getexif().get(_EXIF_ORIENTATION, 1)
                if kind == "JPEG":
                    im.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # decode at 1/8 scale
                im.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return ImageFacts(format=kind, size_bytes=size, problem="图片像素过大，疑似解压炸弹，已拒绝解码")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return ImageFacts(format=kind, size_bytes=size, problem=f"图片已损坏，无法解码（{type(exc).__name__}）")
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return ImageFacts(format=kind, width=width, height=height, size_bytes=size)
