"""The cover image, drawn from the book's own title at build time.

Generated rather than hand-drawn so that a new title or subtitle in ``meta.py`` changes the
cover too, and byte-reproducible (Typst draws it, and Pillow writes no timestamp into a
PNG), so two builds of one commit give the same EPUB.  Typst sets it in Libertinus Serif,
which is built into Typst: no system font is needed.  Run ``python -m booktools.cover
OUT.png`` to look at it.

Pillow and Typst are imported only when an image is really drawn: the HTML edition's
link-preview card and favicon are kept in ``_build/.cache`` with a hash of what they are
drawn from (:func:`write_cached`), so a build that changed neither imports nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import meta

if TYPE_CHECKING:
    from PIL import Image

WIDTH, HEIGHT = 1400, 2100  # 2:3, the proportion most e-book shops ask for
RED, WHITE, GREEN = (205, 42, 62), (250, 247, 240), (67, 111, 77)  # the Hungarian tricolour
INK = (34, 30, 28)

#: Drawn by Typst in Libertinus Serif, the PDF's face, built into Typst: no system font.
#: One point is one pixel (72 ppi).  The texts come in as escaped strings (inputs below).
_DESIGN = """
#let rgb3(c) = rgb(..c.map(int))
#let ink = rgb3(sys.inputs.ink.split(","))
#let (width, height, band) = (float(sys.inputs.width) * 1pt, float(sys.inputs.height) * 1pt,
                              float(sys.inputs.band) * 1pt)
#set page(width: width, height: height, margin: 0pt, fill: rgb3(sys.inputs.white.split(",")))
#set text(font: "Libertinus Serif", fill: ink)
#set par(leading: 0.25em, spacing: 0pt)
#set block(spacing: 0pt)
#set text(top-edge: "cap-height", bottom-edge: "baseline")
#place(top, rect(width: 100%, height: band, fill: rgb3(sys.inputs.red.split(","))))
#place(bottom, rect(width: 100%, height: band, fill: rgb3(sys.inputs.green.split(","))))
#let s = float(sys.inputs.scale)
#place(top + center, dy: band + 140pt * s, block(width: 86%, align(center, {
  if sys.inputs.hole == "yes" {
    circle(radius: 120pt, stroke: 6pt + ink)
    v(200pt)
  }
  block(text(size: 300pt * s, weight: "bold", sys.inputs.year))
  v(150pt * s)
  block(text(size: 130pt * s, sys.inputs.rest))
  if sys.inputs.hole == "yes" {
    v(120pt)
    line(length: 400pt, stroke: 5pt + rgb3(sys.inputs.red.split(",")))
    v(120pt)
  } else { v(80pt * s) }
  block(text(size: 72pt * s, style: "italic", sys.inputs.subtitle))
})))
#place(bottom + center, dy: -band / 2 + 20pt * s,
       text(size: 56pt * s, fill: rgb3(sys.inputs.white.split(",")), sys.inputs.author))
"""


def _render(width: int, height: int, *, scale: float, hole: bool, author: str,
            language: str = "en") -> Image.Image:
    import io

    import typst
    from PIL import Image

    ident = meta.identity(language)
    year, _, rest = ident.title.partition(":")
    inputs = {
        "width": str(width), "height": str(height), "band": str(height // 7),
        "scale": str(scale), "hole": "yes" if hole else "no",
        "year": year.strip(), "rest": rest.strip(),
        "subtitle": ident.subtitle.replace("'", "\u2019"), "author": author,
        "ink": ",".join(map(str, INK)), "white": ",".join(map(str, WHITE)),
        "red": ",".join(map(str, RED)), "green": ",".join(map(str, GREEN)),
    }
    png = typst.compile(_DESIGN.encode(), format="png", ppi=72, sys_inputs=inputs,
                        ignore_system_fonts=True)
    return Image.open(io.BytesIO(png)).convert("RGB")


def draw_cover(language: str = "en") -> Image.Image:
    """The cover: the tricolour with a hole in the white band, as on the flags of 1956.

    The revolutionaries cut the communist coat of arms out of the flag: a hole.
    """
    author = meta.identity(language).author.removeprefix("The ")
    return _render(WIDTH, HEIGHT, scale=1.0, hole=True, author=author, language=language)


def draw_social_card(language: str = "en") -> Image.Image:
    """The 1200×630 card that link previews show: the cover's flag, year and title."""
    return _render(1200, 630, scale=0.5, hole=False, author="", language=language)


def write_social_card(path: Path, language: str = "en") -> Path:
    """Write the link-preview card to *path*; the same bytes for the same title."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_social_card(language).save(path, format="PNG", optimize=True)
    return path


def write_cover(path: Path, language: str = "en") -> Path:
    """Write the cover PNG to *path* (folders made as needed); return *path*."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draw_cover(language).save(path, format="PNG", optimize=True)
    return path


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
    (meta.py), and the versions of Pillow and of Typst (whose built-in font sets the text)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / "cover.py", here / "meta.py"]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    for package in ("pillow", "typst"):
        digest.update(f"{package}={metadata.version(package)}".encode())
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






if __name__ == "__main__":
    print(write_cover(Path(sys.argv[1] if len(sys.argv) > 1 else "cover.png")))
