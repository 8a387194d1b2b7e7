"""The PDF's index entries: Sphinx's ``{index}`` entries as (entry, sub-entry) pairs.

The page numbers come from Typst (the template queries where each entry landed); the
sort keys come from here, so that an accented initial is filed with its base letter, as
an English-language index does: ÁVH under A, Újpest under U, Poznań with the Ns.  The
Hungarian edition's index follows the Hungarian alphabet instead (booktools.collation).
"""

from __future__ import annotations

import unicodedata

from .. import collation

#: Letters that do not decompose into base letter + accent (Ł, Ø, ß ...), and their base.
_BASE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
                       "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe"})


def fold(text: str) -> str:
    """The sort form of *text*: accents dropped, case folded, punctuation kept last."""
    plain = unicodedata.normalize("NFD", text.translate(_BASE))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    # Word by word, as English indexes file: "Bem, József" before "Bem József tér".
    plain = plain.replace(",", "")
    return plain.casefold().lstrip("\"'‘’“”(«")


def sort_key(text: str, language: str = "en") -> str:
    """Folded text, then the text itself, so "Pál" and "Pal" keep one stable order.

    In Hungarian, the Hungarian alphabet's order (booktools.collation): Csepel after
    every other C, Őrség after every other O.
    """
    if language == "hu":
        return collation.string_key(text)
    return f"{fold(text)}\t{text}"


#: The headings of the index's groups that are not letters.
_OTHER_GROUPS = {"en": ("Numbers", "Symbols"), "hu": ("Számok", "Jelek")}


def group_letter(text: str, language: str = "en") -> str:
    """The letter an entry is filed under: its base letter (in Hungarian, its letter of
    the Hungarian alphabet: Cs, Gy, Ö), or "Symbols" and "Numbers"."""
    numbers, symbols = _OTHER_GROUPS.get(language, _OTHER_GROUPS["en"])
    folded = fold(text)
    first = folded[:1].upper()
    if language == "hu" and first.isalpha():
        return collation.initial(text) or symbols
    if first.isalpha():
        return first
    return numbers if first.isdigit() else symbols


def pairs(entry_type: str, value: str) -> list[tuple[str, str]]:
    """The (entry, sub-entry) pairs one Sphinx index entry stands for.

    The apostrophe is printed as the typographer's (Sphinx smartens the text, not the
    index entries): "Workers’ council".
    """
    parts = [p.strip().replace("'", "\u2019") for p in value.split(";")]
    if entry_type == "single":
        return [(parts[0], parts[1] if len(parts) > 1 else "")]
    if entry_type == "pair" and len(parts) >= 2:
        return [(parts[0], parts[1]), (parts[1], parts[0])]
    if entry_type == "triple" and len(parts) >= 3:
        a, b, c = parts[:3]
        return [(a, f"{b} {c}"), (b, f"{c}, {a}"), (c, f"{a} {b}")]
    if entry_type in ("see", "seealso") and len(parts) >= 2:
        word = "see" if entry_type == "see" else "see also"
        return [(parts[0], f"{word} {parts[1]}")]
    return [(parts[0], "")]
