"""A pybtex formatting style for notes and bibliography, in the manner of Chicago.

Registered as the pybtex plugin ``chicagonotes`` (see ``pyproject.toml``), so that
sphinxcontrib-bibtex finds it through ``bibtex_default_style``.  Three forms of each
entry are produced:

* the **full note**, the first time a work is cited in a chapter::

    Bill Lomax, *Hungary 1956* (London: Allison & Busby, 1976), 45.

* the **short note**, for later citations in the same chapter::

    Lomax, *Hungary 1956*, 45.

* the **bibliography entry** (``format_entry``, used by the ``bibliography`` directive)::

    Lomax, Bill. *Hungary 1956*. London: Allison & Busby, 1976.

Quotation marks follow British usage (single quotes, punctuation outside).

**In the Hungarian edition** a work in Hungarian (``langid = {hungarian}`` in
references.bib) is cited as a Hungarian reader expects: names family name first
(*Litván György*), several joined by a dash, ``szerk.`` and ``ford.``, place and
publisher without a colon, and the English descriptions of web pages in Hungarian::

    Litván György (szerk.): *Az 1956-os magyar forradalom*. Budapest, Tankönyvkiadó, 1991, 45.

Works in other languages keep the English forms.  booktools.notes sets the language when a
build starts (:func:`set_language`); the bibliography is then sorted by the Hungarian
alphabet (booktools.collation).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry, Person
from pybtex.richtext import BaseText, HRef, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.sorting import BaseSortingStyle

LQ, RQ = "\u2018", "\u2019"

#: The edition's language: "en", or "hu" for the Hungarian edition (:func:`set_language`).
LANGUAGE = "en"


def set_language(language: str | None) -> None:
    """Format for the edition in *language* from now on (booktools.notes, per build)."""
    global LANGUAGE
    LANGUAGE = language or "en"


def _hungarian(entry: Entry) -> bool:
    """Whether *entry* is cited by Hungarian conventions: a Hungarian work, in the
    Hungarian edition."""
    return LANGUAGE == "hu" and entry.fields.get("langid", "").lower() == "hungarian"


@functools.lru_cache(maxsize=4096)
def _latex(value: str) -> Text:
    """A field's value as rich text, braces and TeX escapes resolved.

    Cached: parsing TeX is the slowest step, and a book cites the same few
    names and titles hundreds of times.
    """
    return Text.from_latex(value)


_PLAIN: dict[str, str] = {}

#: pybtex's plain-text backend, made once.  ``render_as("text")`` would look the backend
#: up among every installed package's entry points on each call (pybtex/plugin).
PLAIN_TEXT = PlainTextBackend()


def plain_text(text: BaseText) -> str:
    """A pybtex rich text as plain text (``Text.render`` with the plain-text backend)."""
    return str(text.render(PLAIN_TEXT))


def _plain(value: str) -> str:
    """*value* as plain text (cached, and kept between builds: see :func:`load_cache`)."""
    if value not in _PLAIN:
        _PLAIN[value] = plain_text(_latex(value))
    return _PLAIN[value]


def _join(parts: Sequence[Text | str], sep: str = ", ", last: str | None = None) -> Text:
    parts = [p for p in parts if p]
    if not parts:
        return Text()
    if last is None or len(parts) < 2:
        return Text(sep).join(parts)
    if len(parts) == 2:
        return Text(parts[0], last.strip() and f" {last.strip()} " or last, parts[1])
    return Text(Text(sep).join(parts[:-1]), f"{sep.rstrip()} {last.strip()} ", parts[-1])


def _person_given_first(person: Person) -> str:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
    return _plain(" ".join(p for p in (given, family) if p))


def _person_family_first(person: Person) -> str:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
    return _plain(f"{family}, {given}" if given else family)


def _person_family(person: Person) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def _people(entry: Entry) -> tuple[list[Person], str]:
    """The entry's responsible people and their role ('' for authors, 'ed.' for editors)."""
    if entry.persons.get("author"):
        return list(entry.persons["author"]), ""
    if entry.persons.get("editor"):
        return list(entry.persons["editor"]), "ed."
    return [], ""


def _names_note(entry: Entry) -> Text:
    people, role = _people(entry)
    names = _join([_person_given_first(p) for p in people], last="and")
    if names and role:
        return Text(names, ", ", "eds." if len(people) > 1 else "ed.")
    return names


def _names_short(entry: Entry) -> Text:
    people, _ = _people(entry)
    if len(people) > 3:
        return Text(_person_family(people[0]), " et al.")
    return _join([_person_family(p) for p in people], last="and")


def _names_bibliography(entry: Entry) -> Text:
    people, role = _people(entry)
    if not people:
        return Text()
    names = [_person_family_first(people[0])] + [_person_given_first(p) for p in people[1:]]
    # "Fehér, Ferenc, and Agnes Heller": the inverted first name needs the comma.
    joined = (
        Text(names[0], ", and ", names[1]) if len(names) == 2 else _join(names, last="and")
    )
    if role:
        return Text(joined, ", ", "eds." if len(people) > 1 else "ed.")
    return joined


def _persons(entry: Entry, role: str) -> list[Person]:
    """People in any role; pybtex parses only author and editor into persons."""
    if entry.persons.get(role):
        return list(entry.persons[role])
    value = entry.fields.get(role, "")
    return [Person(name.strip()) for name in value.split(" and ") if name.strip()]


def _translator(entry: Entry, prefix: str) -> Text:
    people = _persons(entry, "translator")
    if not people:
        return Text()
    return Text(prefix, _join([_person_given_first(p) for p in people], last="and"))


def _field(entry: Entry, name: str) -> Text:
    value = entry.fields.get(name, "")
    return _latex(value) if value else Text()


def _short_title(entry: Entry) -> Text:
    if "shorttitle" in entry.fields:
        return _field(entry, "shorttitle")
    title = entry.fields.get("title", "")
    main = title.split(":", 1)[0]
    return _latex(main)


def _is_italic_title(entry: Entry) -> bool:
    """Books, reports and web resources are italic; parts of something are quoted."""
    return entry.type not in {"article", "incollection", "inbook", "inproceedings"}


def _title(entry: Entry, short: bool = False) -> Text:
    title = _short_title(entry) if short else _field(entry, "title")
    if _is_italic_title(entry):
        return Text(Tag("em", title))
    return Text(LQ, title, RQ)


def _place_publisher_year(entry: Entry) -> Text:
    """'London: Allison & Busby, 1976' (publisher, or institution for reports)."""
    place = _field(entry, "address")
    publisher = _field(entry, "publisher") or _field(entry, "institution")
    year = _field(entry, "year")
    head = Text(place, ": ", publisher) if place and publisher else (place or publisher)
    return _join([head, year])


def _series(entry: Entry) -> Text:
    series = _field(entry, "series")
    if series and entry.fields.get("number") and entry.type == "book":
        return Text(series, " ", _field(entry, "number"))
    return series


def _journal_part(entry: Entry) -> Text:
    """'*The Journal of Politics* 20, no. 1 (February 1958)'."""
    journal = Text(Tag("em", _field(entry, "journal")))
    volume = _field(entry, "volume")
    number = _field(entry, "number")
    out = Text(journal)
    if volume:
        out = Text(out, " ", volume)
    if number:
        out = Text(out, ", no. " if volume else " no. ", number)
    date = _join([_month(entry), _field(entry, "year")], sep=" ")
    if date:
        out = Text(out, " (", date, ")")
    return out


_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_MONTHS = {m[:3].lower(): m for m in _MONTH_NAMES}


def _month(entry: Entry) -> Text:
    month = entry.fields.get("month", "")
    return Text(_MONTHS.get(month[:3].lower(), month)) if month else Text()


def _url(entry: Entry) -> Text:
    url = entry.fields.get("url")
    if not url:
        return Text()
    link = Text(HRef(url, url))
    if entry.fields.get("urldate"):
        return Text(link, " (accessed ", _field(entry, "urldate"), ")")
    return link


def _misc_year(entry: Entry) -> Text:
    """The year of a web page, unless its description already gives it ("October 2017")."""
    year = entry.fields.get("year", "")
    return Text() if year and year in entry.fields.get("howpublished", "") else _field(
        entry, "year")


def _report_kind(entry: Entry) -> Text:
    kind = _field(entry, "type")
    number = _field(entry, "number")
    return _join([kind, number], sep=" ")


def _collation_key(text: str) -> str:
    """Letters without accents, case folded: 'Ú' sorts with 'U', as in an English index."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\w\s]", "", bare).casefold().strip()


def _sort_key(entry: Entry) -> tuple[str, str, str]:
    """Author (or editor), year, title; a work with no author files under its title."""
    people, _ = _people(entry)
    title = _plain(entry.fields.get("title", ""))
    if people:
        head = _person_family_first(people[0])
    else:
        head = re.sub(r"^(the|a|an)\s+", "", title, flags=re.I)
    if LANGUAGE == "hu":  # by the Hungarian alphabet, a Hungarian's name family name first
        from .collation import string_key

        if people:
            head = _person_hu(people[0]) if _hungarian(entry) else head
        else:
            head = re.sub(r"^(az?|the|an?)\s+", "", title, flags=re.I)
        return string_key(head), entry.fields.get("year", ""), string_key(title)
    return _collation_key(head), entry.fields.get("year", ""), _collation_key(title)


# -- Hungarian forms --------------------------------------------------------------------------

_HU_MONTHS = ["január", "február", "március", "április", "május", "június", "július",
              "augusztus", "szeptember", "október", "november", "december"]
_EN_MONTH = "|".join(_MONTH_NAMES)
#: The English descriptions of web pages in references.bib, in Hungarian (most frequent
#: first; anything else is shown as written).
_HU_PHRASES = [
    ("Online day-by-day chronology", "Napról napra vezetett online kronológia"),
    ("Online chronology of the Hungarian News Agency", "A Magyar Távirati Iroda online "
                                                       "kronológiája"),
    ("month page of the", "havi oldal,"), ("mirror", "tükör"),
    ("paginated listing", "lapozható lista"), ("month listing", "havi lista"),
    ("Online biography", "Online életrajz"), ("Online page", "Online oldal"),
    ("Biographical lexicon entry", "Életrajzi lexikon szócikke"),
    ("Hungarian Wikipedia article", "Magyar Wikipédia-szócikk"),
    ("Wikipedia article", "Wikipédia-szócikk"), ("Blog post", "Blogbejegyzés"),
    ("online edition", "online kiadás"), ("Online edition", "Online kiadás"),
    ("Document in the", "Dokumentum,"), ("collection of the", "gyűjtemény,"),
    ("Interview", "Interjú"), ("interview", "interjú"), ("Article", "Cikk"),
    ("Radio Free Europe broadcast of", "A Szabad Európa Rádió adása,"),
    ("Yearbook of the", "Évkönyv,"), ("Web page", "Weboldal"), ("web page", "weboldal"),
    ("Oral history excerpt in the", "Oral history részlet,"), ("collection", "gyűjtemény"),
    ("\u201c", "\u201e"),  # “…” -> „…”
]


def _hu_dates(text: str) -> str:
    """English dates in Hungarian order: "23 October 1956" -> "1956. október 23.",
    "October 2017" -> "2017. október"."""
    def month(name: str) -> str:
        return _HU_MONTHS[_MONTH_NAMES.index(name)]

    text = re.sub(rf"\b(\d{{1,2}}) ({_EN_MONTH}) (\d{{4}})\b",
                  lambda m: f"{m[3]}. {month(m[2])} {m[1]}.", text)
    text = re.sub(rf"\b({_EN_MONTH}) (\d{{1,2}}), (\d{{4}})\b",
                  lambda m: f"{m[3]}. {month(m[1])} {m[2]}.", text)
    return re.sub(rf"\b({_EN_MONTH}) (\d{{4}})\b", lambda m: f"{m[2]}. {month(m[1])}", text)


def _hu_phrases(text: str) -> str:
    for english, hungarian in _HU_PHRASES:
        text = text.replace(english, hungarian)
    return _hu_dates(text)


def _hu_field(entry: Entry, name: str) -> Text:
    value = entry.fields.get(name, "")
    return _latex(_hu_phrases(value)) if value else Text()


def _person_hu(person: Person) -> str:
    """A Hungarian's name as Hungarians write it: family name first, no comma."""
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names + person.lineage_names)
    return _plain(" ".join(p for p in (family, given) if p))


def _names_hu(entry: Entry, short: bool = False) -> Text:
    """"Kende Péter – Litván György (szerk.)"; short: "Kende – Litván"."""
    people, role = _people(entry)
    if not people:
        return Text()
    if short:
        if len(people) > 3:
            return Text(_person_family(people[0]), " et al.")
        return Text(" – ").join([_person_family(p) for p in people])
    names = Text(" – ").join([_person_hu(p) for p in people])
    return Text(names, " (szerk.)") if role else names


def _translator_hu(entry: Entry) -> Text:
    people = _persons(entry, "translator")
    if not people:
        return Text()
    return Text("Ford. ", Text(" – ").join([_person_hu(p) for p in people]))


def _place_publisher_year_hu(entry: Entry) -> Text:
    """"Budapest, Tankönyvkiadó, 1991"."""
    place = _field(entry, "address")
    publisher = _field(entry, "publisher") or _field(entry, "institution")
    return _join([place, publisher, _field(entry, "year")])


def _journal_part_hu(entry: Entry) -> Text:
    """"*Századok*, 130. évf. (1996) 3. sz."."""
    out = Text(Tag("em", _field(entry, "journal")))
    volume, number = _field(entry, "volume"), _field(entry, "number")
    if volume:
        out = Text(out, ", ", volume, ". évf.")
    year = _join([_field(entry, "year"), _hu_month(entry)], sep=". ")
    if year:
        out = Text(out, " (", year, ")") if volume else Text(out, ", ", year, ".")
    if number:
        out = Text(out, " ", number, ". sz.")
    return out


def _hu_month(entry: Entry) -> Text:
    month = entry.fields.get("month", "")
    name = _MONTHS.get(month[:3].lower())
    return Text(_HU_MONTHS[_MONTH_NAMES.index(name)]) if name else Text()


def _url_hu(entry: Entry) -> Text:
    url = entry.fields.get("url")
    if not url:
        return Text()
    link = Text(HRef(url, url))
    if entry.fields.get("urldate"):
        return Text(link, " (letöltés: ", _field(entry, "urldate"), ")")
    return link


def _title_hu(entry: Entry, short: bool = False) -> Text:
    """Books and web pages in italics; a part of something (an article) plainly."""
    title = _short_title(entry) if short else _field(entry, "title")
    return Text(Tag("em", title)) if _is_italic_title(entry) else title


def _in_book_hu(entry: Entry) -> Text:
    """"In: Litván György (szerk.): *A könyv*", the book a chapter appeared in."""
    editors = entry.persons.get("editor")
    book = Text(Tag("em", _field(entry, "booktitle")))
    if editors:
        book = Text(Text(" – ").join([_person_hu(p) for p in editors]), " (szerk.): ", book)
    return Text("In: ", book)


def _full_note_hu(entry: Entry) -> Text:
    names = _names_hu(entry)
    title = _title_hu(entry)
    head = Text(names, ": ", title) if names else title
    if entry.type == "article":
        tail = _journal_part_hu(entry)
        pages = _field(entry, "pages")
        parts = [Text(tail, " ", pages) if pages else tail, _url_hu(entry)]
    elif entry.type in {"incollection", "inbook", "inproceedings"}:
        parts = [_in_book_hu(entry), _place_publisher_year_hu(entry), _field(entry, "pages")]
        return _after(head, _join(parts))
    elif entry.type == "misc":
        parts = [_hu_field(entry, "howpublished"), _misc_year(entry), _url_hu(entry)]
    else:
        parts = [_translator_hu(entry), _place_publisher_year_hu(entry)]
    rest = [p for p in parts if p]
    return _after(head, _join(rest)) if rest else head


def _after(head: Text, rest: Text) -> Text:
    """*head*, a full stop and *rest*, without doubling the full stop a title ends with
    ("Magyar Kronológia: 1956. november 24.")."""
    return Text(head, " " if plain_text(head).rstrip().endswith(".") else ". ", rest)


def _short_note_hu(entry: Entry) -> Text:
    names = _names_hu(entry, short=True)
    title = _title_hu(entry, short=True)
    return Text(names, ": ", title) if names else title


def _bibliography_hu(entry: Entry) -> Text:
    names = _names_hu(entry)
    title = _title_hu(entry)
    head = Text(names, ": ", title) if names else title
    sentences: list[Text] = [head]
    if entry.type == "article":
        pages = _field(entry, "pages")
        journal = _journal_part_hu(entry)
        sentences.append(Text(journal, " ", pages) if pages else journal)
    elif entry.type in {"incollection", "inbook", "inproceedings"}:
        sentences.append(_in_book_hu(entry))
        sentences.append(_join([_place_publisher_year_hu(entry), _field(entry, "pages")]))
    elif entry.type == "misc":
        sentences.append(_join([_hu_field(entry, "howpublished"), _misc_year(entry)]))
    else:
        sentences += [_translator_hu(entry), _place_publisher_year_hu(entry)]
    sentences += [_hu_field(entry, "note"), _url_hu(entry)]
    return _sentences(sentences)


class BookSorting(BaseSortingStyle):
    """The bibliography's order: a pybtex sorting style (:func:`_sort_key`)."""

    def sorting_key(self, entry: Entry) -> tuple[str, str, str]:
        return _sort_key(entry)


class NotesStyle(BaseStyle):
    """Chicago-like notes (full and short) and bibliography entries."""

    # pybtex's find_plugin takes a plugin class as well as a name (pybtex/plugin), so the
    # style names its own sorting plugin; BaseStyle.__init__ binds self.sort to it.
    default_sorting_style = BookSorting

    # -- the bibliography form, used by sphinxcontrib-bibtex's bibliography directive

    def format_entry(self, label: str, entry: Entry, bib_data=None) -> FormattedEntry:
        return FormattedEntry(entry.key, self.format_bibliography(entry), label)

    def format_entries(self, entries: Iterable[Entry], bib_data=None):
        for entry in self.sort(list(entries)):
            yield self.format_entry("", entry)

    def format_bibliography(self, entry: Entry) -> Text:
        return _formatted(self._format_bibliography, entry)

    def _format_bibliography(self, entry: Entry) -> Text:
        if _hungarian(entry):
            return _bibliography_hu(entry)
        names = _names_bibliography(entry)
        title = _title(entry)
        sentences: list[Text] = []
        if names:
            sentences.append(names)
        if entry.type in {"article"}:
            journal = _journal_part(entry)
            pages = _field(entry, "pages")
            sentences.append(title)
            sentences.append(Text(journal, ": ", pages) if pages else journal)
        elif entry.type in {"incollection", "inbook", "inproceedings"}:
            sentences.append(title)
            book = Text("In ", Tag("em", _field(entry, "booktitle")))
            editors = entry.persons.get("editor")
            if editors:
                book = Text(
                    book,
                    ", edited by ",
                    _join([_person_given_first(p) for p in editors], last="and"),
                )
            pages = _field(entry, "pages")
            sentences.append(Text(book, ", ", pages) if pages else book)
            sentences.append(_place_publisher_year(entry))
        elif entry.type == "misc":
            sentences.append(title)
            sentences.append(_join([_field(entry, "howpublished"), _misc_year(entry)]))
        else:  # book, techreport and anything book-like
            sentences.append(title)
            translator = _translator(entry, "Translated by ")
            if translator:
                sentences.append(translator)
            kind = _report_kind(entry) if entry.type == "techreport" else _series(entry)
            if kind:
                sentences.append(kind)
            sentences.append(_place_publisher_year(entry))
        note = _field(entry, "note")
        if note:
            sentences.append(note)
        url = _url(entry)
        if url:
            sentences.append(url)
        return _sentences(sentences)

    # -- notes

    def format_note(self, entry: Entry, short: bool, pre: str = "", post: str = "") -> Text:
        """One citation as it stands in a note, without the closing full stop."""
        body = self._short_note(entry) if short else self._full_note(entry)
        if pre:
            body = Text(pre, " ", body)
        if post:
            body = Text(body, ", ", post)
        return body

    def _short_note(self, entry: Entry) -> Text:
        return _formatted(self._format_short_note, entry)

    def _full_note(self, entry: Entry) -> Text:
        return _formatted(self._format_full_note, entry)

    def _format_short_note(self, entry: Entry) -> Text:
        if _hungarian(entry):
            return _short_note_hu(entry)
        names = _names_short(entry)
        title = _title(entry, short=True)
        return _join([names, title])

    def _format_full_note(self, entry: Entry) -> Text:
        if _hungarian(entry):
            return _full_note_hu(entry)
        names = _names_note(entry)
        title = _title(entry)
        if entry.type == "article":
            journal = _journal_part(entry)
            pages = _field(entry, "pages")
            tail = Text(journal, ": ", pages) if pages else journal
            return _join([names, title, tail, _url(entry)])
        if entry.type in {"incollection", "inbook", "inproceedings"}:
            book = Text("in ", Tag("em", _field(entry, "booktitle")))
            editors = entry.persons.get("editor")
            if editors:
                book = Text(
                    book, ", ed. ", _join([_person_given_first(p) for p in editors], last="and")
                )
            return _join([names, title, Text(book, " (", _place_publisher_year(entry), ")")])
        if entry.type == "misc":
            return _join([names, title, _field(entry, "howpublished"), _misc_year(entry),
                          _url(entry)])
        pieces: list[Text] = [names, title]
        translator = _translator(entry, "trans. ")
        if translator:
            pieces.append(translator)
        kind = _report_kind(entry) if entry.type == "techreport" else Text()
        if kind:
            pieces.append(kind)
        head = _join(pieces)
        return Text(head, " (", _place_publisher_year(entry), ")")


_FORMATTED: dict[tuple[str, str, tuple], Text] = {}


def _signature(entry: Entry) -> tuple:
    """Everything a form depends on: an edited entry gets a new signature."""
    persons = tuple((role, tuple(str(p) for p in people))
                    for role, people in sorted(entry.persons.items()))
    return entry.key, entry.type, tuple(sorted(entry.fields.items())), persons


def _formatted(method, entry: Entry) -> Text:
    """Each form of each entry is made once per process.

    A book cites some hundred works in over a thousand notes, and sphinxcontrib-bibtex
    formats every bibliography entry again on every build: building a form from the
    fields is most of the time the notes cost.  pybtex Text is not changed by rendering
    or by being wrapped, so one object can serve every note.
    """
    key = (method.__name__, LANGUAGE, _signature(entry))
    if key not in _FORMATTED:
        _FORMATTED[key] = method(entry)
    return _FORMATTED[key]


def _cache_key() -> str:
    """What the cached forms depend on besides the entries: this module and pybtex."""
    from importlib import metadata

    source = Path(__file__).read_bytes()
    return hashlib.sha256(source + metadata.version("pybtex").encode()).hexdigest()


def load_cache(path: Path) -> None:
    """Start from the forms an earlier build made (sphinxcontrib-bibtex formats every entry
    of the bibliography again in every build: 0.3 s of a no-change build).  The forms are
    keyed by every field of their entry (:func:`_signature`), and the file by this module's
    source and pybtex's version, so a stale form can never be used; an unreadable file is
    ignored and written afresh."""
    try:
        with path.open("rb") as fh:
            key, formatted, plain = pickle.load(fh)
    except (OSError, pickle.PickleError, ValueError, EOFError, TypeError, AttributeError,
            ImportError):
        return
    if key == _cache_key():
        _FORMATTED.update(formatted)
        _PLAIN.update(plain)


def save_cache(path: Path) -> None:
    """Keep the forms for the next build (only when there are new ones)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.new")
    with tmp.open("wb") as fh:
        pickle.dump((_cache_key(), _FORMATTED, _PLAIN), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def cache_size() -> int:
    return len(_FORMATTED) + len(_PLAIN)


def _sentences(parts: Sequence[Text]) -> Text:
    """Join parts as sentences: 'A. B. C.' without doubling a closing full stop."""
    out: list[Text] = []
    for part in parts:
        if not part:
            continue
        text = plain_text(part).rstrip()
        out.append(part if text.endswith((".", "?", "!")) else Text(part, "."))
    return Text(" ").join(out)
