"""The book's identity, set once and read by conf.py, the build and the tests."""

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Where things are: the one home of these paths (the build, the checkers, the tests).
ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
BUILD = ROOT / "_build"
#: The chapters and back-matter pages, numbered 00-99 (part pages and index are not).
CHAPTER_GLOB = "[0-9][0-9]-*.md"

TITLE = "1956: The Hungarian Revolution"
SUBTITLE = "Workers' councils against the tanks"
AUTHOR = "The Hungary 1956 Book Contributors"
PUBLISHER = "The Hungary 1956 Book Project"
YEAR = "2026"
VERSION = "0.1"
BASENAME = "hungary-1956"
DESCRIPTION = (
    "A history of the Hungarian revolution of 1956: the post-war regime, the hopes after "
    "1953, the Petőfi Circle, 23 October, the workers' councils and the general strike, the "
    "fighting, the second Soviet intervention and the councils' resistance into 1957."
)
# The repository host; every "edit this page", "open an issue" and source link derives from it.
REPOSITORY_URL = "https://github.com/hungary1956/book"


@dataclass(frozen=True)
class Identity:
    """The book's names in one language: what its title page, metadata and files say."""

    title: str
    subtitle: str
    author: str
    publisher: str
    description: str
    basename: str  # the EPUB's and PDF's file name without suffix


#: The languages the book is published in: English, the source, and its translations
#: (locales/<language>/, booktools.translation).  The Hungarian site lives under /hu/.
LANGUAGES = ("en", "hu")
IDENTITIES = {
    "en": Identity(TITLE, SUBTITLE, AUTHOR, PUBLISHER, DESCRIPTION, BASENAME),
    "hu": Identity(
        title="1956: A magyar forradalom",
        subtitle="Munkástanácsok a tankok ellen",
        author="A Hungary 1956 könyv szerzői",
        publisher="A Hungary 1956 könyvprojekt",
        description=(
            "Az 1956-os magyar forradalom története: a háború utáni rendszer, az 1953 utáni "
            "remények, a Petőfi Kör, október 23., a munkástanácsok és az általános sztrájk, a "
            "harcok, a második szovjet beavatkozás és a munkástanácsok ellenállása 1957-ig."
        ),
        basename=f"{BASENAME}-hu",
    ),
}


def identity(language: str | None) -> Identity:
    """The book's names in *language* (English for any language it is not published in)."""
    return IDENTITIES.get(language or "en", IDENTITIES["en"])


def source_fingerprint() -> str:
    """A hash of the local extensions' sources, for Sphinx's environment to depend on."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    paths = []
    for folder, subfolders, files in os.walk(here):
        # Not into node_modules (200 MB of checkers) or caches: walking them took 70 ms.
        subfolders[:] = [d for d in subfolders if d not in {"node_modules", "__pycache__"}]
        paths += [Path(folder, f) for f in files if f.endswith(".py")]
    for path in sorted(paths):
        digest.update(str(path.relative_to(here)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_time() -> time.struct_time:
    """The build's date: SOURCE_DATE_EPOCH's (booktools.build sets it from the last commit,
    so two builds of one commit print the same date), or now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.gmtime(int(epoch)) if epoch else time.gmtime()
