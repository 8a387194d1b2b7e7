"""Sorting by the Hungarian alphabet, for the index, glossary and lists of the Hungarian
edition (issue 20).  PyICU's ``hu`` collator needs ICU's headers, which cannot be installed
here, so the rule of the Hungarian spelling rules (*A magyar helyesírás szabályai*, as
summarised by the guides cited in tests/test_collation.py) is written once, here:

* the digraphs cs, dz, gy, ly, ny, sz, ty, zs and the trigraph dzs are letters of their own,
  after c, d, g, l, n, s, t, z (and dzs after dz): *Czentár* before *Csaba*;
  a doubled digraph (ggy, ssz, ccs, ...) is two of that letter;
* ö/ő come after o/ó, and ü/ű after u/ú, as letters of their own;
* a long vowel and its short one are the same letter at the first level (*Marcell* before
  *Máté*); only where two words are otherwise equal does the short one come first
  (*kor* before *kór*);
* lower case before upper case only where everything else is equal;
* words are compared word by word (a space, comma or hyphen ends a word), so *Nagy, Imre*
  comes before *Nagyvárad*; other letters with diacritics file with their base letter.

A word that could be split two ways (a compound such as *házszám*, where z + sz looks like
zs + z) is read greedily, left to right, as ICU does; a dictionary gets such words right only
by knowing their meaning.
"""

from __future__ import annotations

import re
import unicodedata

#: The alphabet in order; each entry is one letter (long vowels share their short one's
#: place: they differ only at the second level).
ALPHABET = (
    "a", "b", "c", "cs", "d", "dz", "dzs", "e", "f", "g", "gy", "h", "i", "j", "k", "l", "ly",
    "m", "n", "ny", "o", "ö", "p", "q", "r", "s", "sz", "t", "ty", "u", "ü", "v", "w", "x", "y",
    "z", "zs",
)
_RANK = {letter: i for i, letter in enumerate(ALPHABET)}
#: Long vowels and the short vowel whose place they share.
_LONG = {"á": "a", "é": "e", "í": "i", "ó": "o", "ő": "ö", "ú": "u", "ű": "ü"}
_MULTI = ("dzs", "cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs")
#: A doubled digraph is written with its first character doubled: ggy = gy + gy.
_DOUBLED = {m[0] + m: m for m in _MULTI}
_WORD_BREAK = re.compile(r"[\s,;:\-–—/]+")


#: Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = {"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"}


def _fold(char: str) -> str:
    """A character outside the Hungarian alphabet filed with its base letter (ä -> a)."""
    if char in _LONG or char in "öü":
        return char
    if char in _UNDECOMPOSED:
        return _UNDECOMPOSED[char]
    return unicodedata.normalize("NFD", char)[0]


def letters(word: str) -> list[str]:
    """*word* (lower case) as Hungarian letters, long vowels kept: "meggyes" ->
    m, e, gy, gy, e, s."""
    out: list[str] = []
    text = "".join(_fold(c) for c in word)
    i = 0
    while i < len(text):
        for size in (4, 3):  # doubled trigraph ddzs, then doubled digraphs (ggy, ssz...)
            chunk = text[i:i + size]
            if chunk in _DOUBLED:
                out += [_DOUBLED[chunk]] * 2
                i += size
                break
        else:
            for multi in _MULTI:
                if text.startswith(multi, i):
                    out.append(multi)
                    i += len(multi)
                    break
            else:
                out.append(text[i])
                i += 1
    return out


def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    primary: list[int] = []
    length: list[int] = []
    for letter in letters(word.lower()):
        short = _LONG.get(letter, letter)
        if short in _RANK:
            primary.append(_RANK[short] + 10)
        elif short.isdigit():
            primary.append(int(short))  # figures file before letters
        else:
            continue  # punctuation inside a word (an apostrophe, a full stop) is ignored
        length.append(1 if letter in _LONG else 0)
    case = tuple(1 if c.isupper() else 0 for c in word if c.isalpha())
    return tuple(primary), tuple(length), case


def hungarian_key(text: str) -> tuple:
    """A sort key that puts *text* where a Hungarian dictionary or index would."""
    words = [w for w in _WORD_BREAK.split(text.strip()) if w]
    keys = [_word_key(w) for w in words]
    return (tuple(k[0] for k in keys), tuple(k[1] for k in keys), tuple(k[2] for k in keys))


def sort_hungarian(items: list[str]) -> list[str]:
    return sorted(items, key=hungarian_key)


def string_key(text: str) -> str:
    """:func:`hungarian_key` as a string that sorts the same way by code point, for
    sorting where only strings compare (the PDF's index is sorted by Typst)."""
    primary, length, case = hungarian_key(text)

    def level(words: tuple[tuple[int, ...], ...]) -> str:
        # A word ends with a space, below every letter: "Nagy Imre" before "Nagyvárad".
        return " ".join("".join(chr(0x30 + n) for n in word) for word in words)

    return "\x01".join((level(primary), level(length), level(case), text))


def initial(text: str) -> str:
    """The letter a Hungarian index files *text* under: "Cs" for Csepel, "Ö" for Őrség,
    "A" for Ávó; "" when it does not start with a letter."""
    words = [w for w in _WORD_BREAK.split(text.strip().lstrip("\"'‘’“”„(«»")) if w]
    if not words:
        return ""
    first = letters(words[0].lower())[0] if letters(words[0].lower()) else ""
    first = _LONG.get(first, first)
    if first not in _RANK:
        return ""
    return first[0].upper() + first[1:]
