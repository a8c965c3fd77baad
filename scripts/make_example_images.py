"""Re-make the sample attachment images of `examples/files/`: `python scripts/make_example_images.py`.

The examples under `examples/filings/` point at these files so that `icpflow check` really opens them and
measures their size and orientation after EXIF rotation. They are stand-ins, not documents: plain
card- or desk-sized pictures with a few English words (drawn with Pillow's built-in font, so the output
does not depend on the fonts installed) and "SAMPLE" on each.

One of them, `id-front-portrait-exif.jpg`, is the case the orientation rule exists for (seed 004 §1.3
陕西/上海 附件: 所有附件照片均需横向展示): a phone held upright stores the pixels landscape and writes EXIF
Orientation = 6 ("rotate 90° clockwise to display"), so every viewer, and the bureau, shows it portrait.
Its stored pixels are 1000×630; it displays 630×1000.

Output is deterministic for a given Pillow version; every file stays under 30 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

OUT = Path(__file__).resolve().parent.parent / "examples" / "files"
MAX_BYTES = 30_000
EXIF_ORIENTATION = 0x0112
ROTATE_90_CW_TO_DISPLAY = 6

INK = (40, 40, 48)
RED = (178, 34, 34)
GREY = (120, 120, 128)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _lines(draw: ImageDraw.ImageDraw, x: int, y: int, rows: list[str], size: int, gap: int) -> None:
    font = _font(size)
    for row in rows:
        draw.text((x, y), row, fill=INK, font=font)
        y += gap


def _sample_stamp(draw: ImageDraw.ImageDraw, width: int, height: int, inset: int = 0) -> None:
    draw.text((width - 230 - inset, height - 70 - inset), "SAMPLE", fill=RED, font=_font(44))


def business_licence() -> Image.Image:
    """A business licence (营业执照) photographed flat, landscape."""
    w, h = 1100, 760
    im = Image.new("RGB", (w, h), (246, 240, 226))
    d = ImageDraw.Draw(im)
    d.rectangle((24, 24, w - 25, h - 25), outline=RED, width=10)
    d.rectangle((48, 48, w - 49, h - 49), outline=RED, width=2)
    d.text((w // 2 - 250, 90), "BUSINESS LICENCE", fill=RED, font=_font(56))
    _lines(d, 110, 220, ["Unified social credit code: see filing", "Name: (example company)",
                         "Type: limited liability company", "Legal representative: (example)",
                         "Business scope: technology services ..."], 30, 62)
    d.ellipse((w - 300, h - 330, w - 120, h - 150), outline=RED, width=6)
    _sample_stamp(d, w, h, inset=40)
    return im


def id_card(side: str) -> Image.Image:
    """A resident ID card (居民身份证), one face, card-sized and landscape."""
    w, h = 1000, 630
    im = Image.new("RGB", (w, h), (214, 230, 240))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((20, 20, w - 21, h - 21), radius=36, outline=GREY, width=4)
    if side == "front":
        d.rectangle((650, 110, 900, 420), fill=(190, 205, 215), outline=GREY, width=2)
        _lines(d, 70, 100, ["Name  (example)", "Sex  -   Ethnicity  -", "Born  -", "Address  (example)"], 30, 70)
        d.text((70, 500), "Citizen ID No.  see filing", fill=INK, font=_font(32))
    else:
        d.ellipse((70, 70, 220, 220), outline=RED, width=6)
        d.text((270, 110), "RESIDENT IDENTITY CARD", fill=INK, font=_font(44))
        _lines(d, 270, 380, ["Issued by: (example public security bureau)", "Valid: see filing"], 28, 60)
    _sample_stamp(d, w, h)
    return im


def letter_on_desk(title: str) -> Image.Image:
    """A signed letter (授权书/承诺书) photographed landscape: an A4 page lying on a desk."""
    w, h = 1100, 760
    im = Image.new("RGB", (w, h), (150, 128, 104))
    d = ImageDraw.Draw(im)
    page = (290, 30, 810, 730)
    d.rectangle(page, fill=(252, 252, 250))
    d.text((340, 80), title, fill=INK, font=_font(34))
    for i in range(12):
        y = 170 + i * 36
        d.line((340, y, 760 - (i % 3) * 40, y), fill=(170, 170, 176), width=3)
    d.text((340, 620), "Signed: ____   Date: ____", fill=INK, font=_font(24))
    d.ellipse((600, 560, 740, 700), outline=RED, width=5)
    _sample_stamp(d, w, h)
    return im


def residence_permit() -> Image.Image:
    """A residence permit (居住证), card-sized and landscape."""
    w, h = 1000, 630
    im = Image.new("RGB", (w, h), (232, 238, 222))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle((20, 20, w - 21, h - 21), radius=36, outline=GREY, width=4)
    d.text((70, 70), "RESIDENCE PERMIT", fill=INK, font=_font(48))
    _lines(d, 70, 190, ["Holder  (example)", "Residence  Changsha, Hunan", "Valid  see filing"], 30, 70)
    _sample_stamp(d, w, h)
    return im


def portrait_by_exif(displayed: Image.Image) -> tuple[Image.Image, Image.Exif]:
    """Pixels stored landscape plus EXIF orientation 6, so that viewers display `displayed` (portrait)."""
    stored = displayed.transpose(Image.Transpose.ROTATE_90)  # 90° counter-clockwise; orientation 6 undoes it
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CW_TO_DISPLAY
    return stored, exif


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    images: dict[str, Image.Image] = {
        "id-front.jpg": id_card("front"),
        "id-back.jpg": id_card("back"),
        "authorization-letter.jpg": letter_on_desk("AUTHORISATION LETTER"),
        "publication-authorization.jpg": letter_on_desk("PUBLICATION AUTH."),
        "publication-approval.jpg": letter_on_desk("PUBLICATION APPROVAL"),
        "residence-permit.jpg": residence_permit(),
    }
    for name, im in images.items():
        im.save(OUT / name, quality=60, optimize=True)
    # A scan with few colours: PNG with a 16-colour palette is far smaller than JPEG here.
    business_licence().quantize(16).save(OUT / "business-licence.png", optimize=True)

    # The ID card photographed with the phone held upright: the card fills a portrait frame.
    upright = id_card("front").rotate(90, expand=True)  # 630 x 1000, card turned on its side
    stored, exif = portrait_by_exif(upright)
    stored.save(OUT / "id-front-portrait-exif.jpg", quality=60, optimize=True, exif=exif)

    failed = False
    for path in sorted(OUT.iterdir()):
        size = path.stat().st_size
        with Image.open(path) as im:
            stored_size = im.size
            shown = ImageOps.exif_transpose(im).size
        print(f"{path.name:34} {size:6d} bytes  stored {stored_size[0]}x{stored_size[1]}  shown {shown[0]}x{shown[1]}")
        if size > MAX_BYTES:
            print(f"  too large: {path.name} is over {MAX_BYTES} bytes", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
