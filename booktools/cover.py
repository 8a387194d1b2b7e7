"""The cover image, drawn from the book's own title at build time.

Generated rather than hand-drawn so that a new title or subtitle in ``meta.py`` changes the
cover too, and byte-reproducible (Pillow writes no timestamp into a PNG), so two builds of
one commit give the same EPUB.  Run ``python -m booktools.cover OUT.png`` to look at it.

Pillow is imported only when an image is really drawn: the HTML edition's link-preview card
and favicon are kept in ``_build/.cache`` with a hash of what they are drawn from
(:func:`write_cached`), so a build that changed neither imports nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import textwrap
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import meta

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/opentype/linux-libertine")
WIDTH, HEIGHT = 1400, 2100  # 2:3, the proportion most e-book shops ask for
RED, WHITE, GREEN = (205, 42, 62), (250, 247, 240), (67, 111, 77)  # the Hungarian tricolour
INK = (34, 30, 28)


FONTS = ("LinLibertine_RB.otf", "LinLibertine_R.otf", "LinLibertine_RI.otf",
         "LinBiolinum_R.otf")


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    path = FONT_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: install the Debian package fonts-linuxlibertine (make setup)"
        )
    return ImageFont.truetype(str(path), size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont,
             fill: tuple[int, int, int]) -> int:
    """Draw *text* centred at height *y*; return the y below it."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)
    return y + (bottom - top)


def draw_cover() -> Image.Image:
    """The cover: the tricolour with a hole in the white band, as on the flags of 1956."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(img)
    band = HEIGHT // 7
    draw.rectangle((0, 0, WIDTH, band), fill=RED)
    draw.rectangle((0, HEIGHT - band, WIDTH, HEIGHT), fill=GREEN)
    # The revolutionaries cut the communist coat of arms out of the flag: a hole.
    r = 120
    cx, cy = WIDTH // 2, band + 260
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=INK, width=6)

    year, _, rest = meta.TITLE.partition(":")
    y = _centred(draw, cy + r + 120, year.strip(), _font("LinLibertine_RB.otf", 300), INK)
    y += 90
    for line in textwrap.wrap(rest.strip(), width=16):
        y = _centred(draw, y, line, _font("LinLibertine_R.otf", 130), INK) + 40
    y += 80
    draw.line((WIDTH // 2 - 200, y, WIDTH // 2 + 200, y), fill=RED, width=5)
    y += 90
    subtitle = meta.SUBTITLE.replace("'", "\u2019")
    for line in textwrap.wrap(subtitle, width=24):
        y = _centred(draw, y, line, _font("LinLibertine_RI.otf", 72), INK) + 36
    author = meta.AUTHOR.removeprefix("The ")
    _centred(draw, HEIGHT - band // 2 - 25, author, _font("LinBiolinum_R.otf", 56), WHITE)
    return img


def draw_social_card() -> Image.Image:
    """The 1200×630 card that link previews show: the cover's flag, year and title."""
    from PIL import Image, ImageDraw

    width, height = 1200, 630
    img = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(img)
    band = height // 7
    draw.rectangle((0, 0, width, band), fill=RED)
    draw.rectangle((0, height - band, width, height), fill=GREEN)

    def centred(y: int, text: str, font: ImageFont.FreeTypeFont) -> int:
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (right - left)) / 2 - left, y - top), text, font=font, fill=INK)
        return y + (bottom - top)

    year, _, rest = meta.TITLE.partition(":")
    y = centred(band + 60, year.strip(), _font("LinLibertine_RB.otf", 150))
    y = centred(y + 40, rest.strip(), _font("LinLibertine_R.otf", 70))
    centred(y + 40, meta.SUBTITLE.replace("'", "\u2019"), _font("LinLibertine_RI.otf", 44))
    return img


def draw_favicon(size: int = 64) -> Image.Image:
    """The browser-tab icon: the cover's flag with its hole, square, drawn at four times
    the size and scaled down so the ring's edge is smooth."""
    from PIL import Image, ImageDraw

    big = size * 4
    img = Image.new("RGB", (big, big), WHITE)
    draw = ImageDraw.Draw(img)
    band = big * 2 // 7
    draw.rectangle((0, 0, big, band), fill=RED)
    draw.rectangle((0, big - band, big, big), fill=GREEN)
    r, c = big // 7, big // 2
    draw.ellipse((c - r, c - r, c + r, c + r), outline=INK, width=max(4, big // 40))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def write_favicon(path: Path) -> Path:
    """Write the favicon PNG to *path*; the same bytes for the same drawing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_favicon().save(path, format="PNG", optimize=True)
    return path


def drawing_hash() -> str:
    """A content hash of what the images are drawn from: this module, the book's identity
    (meta.py), the fonts and Pillow's version."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / "cover.py", here / "meta.py", *(FONT_DIR / f for f in FONTS)]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    digest.update(metadata.version("pillow").encode())
    return digest.hexdigest()


def write_cached(target: Path, draw: Callable[[Path], Path], cache: Path) -> Path:
    """Put the image *draw* writes at *target*, drawing it only when its inputs changed.

    The drawn file and the hash it was drawn from are kept in *cache* (``_build/.cache``);
    a missing, edited or stale copy is drawn again.  Returns *target*.
    """
    kept = cache / target.name
    stamp = cache / f"{target.name}.json"
    key = drawing_hash()
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        fresh = (recorded["inputs"] == key
                 and hashlib.sha256(kept.read_bytes()).hexdigest() == recorded["output"])
    except (OSError, ValueError, KeyError, TypeError):
        fresh = False
    if not fresh:
        draw(kept)
        stamp.write_text(json.dumps({
            "inputs": key, "output": hashlib.sha256(kept.read_bytes()).hexdigest()}),
            encoding="utf-8")
    if not target.is_file() or target.read_bytes() != kept.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target)
    return target


def write_social_card(path: Path) -> Path:
    """Write the link-preview card to *path*; the same bytes for the same title."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_social_card().save(path, format="PNG", optimize=True)
    return path


def write_cover(path: Path) -> Path:
    """Write the cover PNG to *path* (folders made as needed); return *path*."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_cover().save(path, format="PNG", optimize=True)
    return path


if __name__ == "__main__":
    print(write_cover(Path(sys.argv[1] if len(sys.argv) > 1 else "cover.png")))
