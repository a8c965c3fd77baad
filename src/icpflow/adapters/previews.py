"""Previews of uploaded attachments for the console (附件预览): a small copy of an image drawn the way it
displays — EXIF rotation applied, like the bureaus and `adapters.images` see it — and the page count of a
PDF when it can be read without a PDF library.

The pixel cap of `adapters.images` holds here too: the header is read first and an image over
`max_pixels` is never decoded; Pillow's decompression-bomb warning is a refusal. A JPEG is decoded at a
reduced scale (`draft`), so a 10 MB photo costs a few milliseconds. The preview keeps no EXIF (a phone
photo's GPS position stays in the original only).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .images import sniff

#: `/Type /Page` objects (not `/Pages`): how many pages a PDF written without object streams has
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
#: the page tree's `/Count`, for a PDF whose page objects are compressed but whose tree root is not
_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


@dataclass(frozen=True, slots=True)
class Thumbnail:
    data: bytes
    content_type: str  # image/jpeg for photos, image/png for PNG sources (screenshots stay sharp)
    width: int
    height: int


def thumbnail(data: bytes, *, max_side: int, max_pixels: int) -> Thumbnail | None:
    """A copy of the JPEG or PNG `data` whose longer side is at most `max_side`, rotated as it displays;
    None for anything that is not such an image, is over the pixel cap or does not decode."""
    kind = sniff(data[:16])
    if kind not in ("JPEG", "PNG"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                if width * height > max_pixels:
                    return None
                if kind == "JPEG":
                    im.draft("RGB", (max_side, max_side))  # decode at the smallest scale still >= max_side
                shown = ImageOps.exif_transpose(im)
                shown.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                return _encode(shown, kind)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def _encode(image: Image.Image, kind: str) -> Thumbnail:
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
        content_type = "image/jpeg"
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")  # 16-bit and CMYK sources: PNG writes these as 8-bit
        image.save(out, "PNG", optimize=True)
        content_type = "image/png"
    return Thumbnail(out.getvalue(), content_type, image.width, image.height)


def pdf_pages(data: bytes) -> int | None:
    """How many pages the PDF `data` has, when that can be read from its uncompressed objects (reportlab's
    letters, most scanners); None when the page tree is inside compressed object streams."""
    if sniff(data[:16]) != "PDF":
        return None
    objects = len(_PAGE_OBJECT.findall(data))
    if objects:
        return objects
    counts = [int(a or b) for a, b in _PAGE_COUNT.findall(data)]
    return max(counts) if counts else None
