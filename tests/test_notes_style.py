"""The notes style: full note, short note and bibliography entry for each entry type."""

from __future__ import annotations

import pytest
from pybtex.database import parse_string

from booktools.notes_style import NotesStyle, plain_text

BIB = r"""
@book{lomax1976hungary,
  author = {Lomax, Bill}, title = {Hungary 1956}, publisher = {Allison \& Busby},
  address = {London}, year = {1976}}
@book{litvan1996hungarian,
  editor = {Litván, György},
  title = {The {Hungarian} Revolution of 1956: Reform, Revolt and Repression, 1953--1963},
  publisher = {Longman}, address = {London and New York}, year = {1996}}
@book{rainer2009imre,
  author = {Rainer, János M.}, title = {Imre Nagy: A Biography}, translator = {Legters, Lyman H.},
  publisher = {I.B. Tauris}, address = {London}, year = {2009}}
@book{feher1983hungary,
  author = {Fehér, Ferenc and Heller, Agnes}, title = {Hungary 1956 Revisited},
  publisher = {Allen \& Unwin}, address = {London}, year = {1983}}
@article{arendt1958totalitarian,
  author = {Arendt, Hannah},
  title = {Totalitarian Imperialism: Reflections on the {Hungarian} Revolution},
  journal = {The Journal of Politics}, volume = {20}, number = {1}, pages = {5--43},
  year = {1958}, month = feb}
@incollection{chapter2000,
  author = {Rainer, János M.}, title = {The Road to Budapest},
  booktitle = {Hungary and the Soviet Union}, editor = {Smith, Anna},
  publisher = {Central European University Press}, address = {Budapest}, year = {2000}}
@techreport{borhi2000merchants,
  author = {Borhi, László},
  title = {The Merchants of the {Kremlin}: The Economic Roots of {Soviet} Expansion in {Hungary}},
  institution = {Woodrow Wilson Center}, type = {CWIHP Working Paper}, number = {28},
  address = {Washington, DC}, year = {2000}}
@misc{rev1956glossary,
  author = {{Institute for the History of the 1956 Hungarian Revolution}},
  title = {The {Hungarian} Revolution of 1956: Glossary and Biographies},
  howpublished = {Online reference, Budapest}, year = {2003},
  url = {http://www.rev.hu/history_of_56/szerviz/kislex/glossary.htm}}
"""

ENTRIES = parse_string(BIB, "bibtex").entries
STYLE = NotesStyle()


def full(key, **kw):
    return plain_text(STYLE.format_note(ENTRIES[key], short=False, **kw))


def short(key, **kw):
    return plain_text(STYLE.format_note(ENTRIES[key], short=True, **kw))


def bibliography(key):
    return plain_text(STYLE.format_entry("", ENTRIES[key]).text)


@pytest.mark.parametrize(
    ("key", "first", "later"),
    [
        ("lomax1976hungary",
         "Bill Lomax, Hungary 1956 (London: Allison & Busby, 1976)",
         "Lomax, Hungary 1956"),
        ("litvan1996hungarian",
         "György Litván, ed., The Hungarian Revolution of 1956: Reform, Revolt and Repression, "
         "1953–1963 (London and New York: Longman, 1996)",
         "Litván, The Hungarian Revolution of 1956"),
        ("rainer2009imre",
         "János M. Rainer, Imre Nagy: A Biography, trans. Lyman H. Legters "
         "(London: I.B. Tauris, 2009)",
         "Rainer, Imre Nagy"),
        ("feher1983hungary",
         "Ferenc Fehér and Agnes Heller, Hungary 1956 Revisited (London: Allen & Unwin, 1983)",
         "Fehér and Heller, Hungary 1956 Revisited"),
        ("arendt1958totalitarian",
         "Hannah Arendt, ‘Totalitarian Imperialism: Reflections on the Hungarian Revolution’, "
         "The Journal of Politics 20, no. 1 (February 1958): 5–43",
         "Arendt, ‘Totalitarian Imperialism’"),
        ("chapter2000",
         "János M. Rainer, ‘The Road to Budapest’, in Hungary and the Soviet Union, ed. Anna Smith "
         "(Budapest: Central European University Press, 2000)",
         "Rainer, ‘The Road to Budapest’"),
        ("borhi2000merchants",
         "László Borhi, The Merchants of the Kremlin: The Economic Roots of Soviet Expansion in "
         "Hungary, CWIHP Working Paper 28 (Washington, DC: Woodrow Wilson Center, 2000)",
         "Borhi, The Merchants of the Kremlin"),
        ("rev1956glossary",
         "Institute for the History of the 1956 Hungarian Revolution, The Hungarian Revolution of "
         "1956: Glossary and Biographies, Online reference, Budapest, 2003, "
         "http://www.rev.hu/history_of_56/szerviz/kislex/glossary.htm",
         "Institute for the History of the 1956 Hungarian Revolution, "
         "The Hungarian Revolution of 1956"),
    ],
)
def test_full_then_short_note(key, first, later):
    assert full(key) == first
    assert short(key) == later


def test_page_and_prefix_pass_through():
    assert full("lomax1976hungary", post="45") == (
        "Bill Lomax, Hungary 1956 (London: Allison & Busby, 1976), 45"
    )
    assert short("lomax1976hungary", pre="See", post="45–47") == "See Lomax, Hungary 1956, 45–47"


def test_titles_of_books_are_italic_and_articles_quoted():
    book = STYLE.format_note(ENTRIES["lomax1976hungary"], short=False).render_as("html")
    article = STYLE.format_note(ENTRIES["arendt1958totalitarian"], short=True).render_as("html")
    assert "<em>Hungary 1956</em>" in book
    assert "‘Totalitarian Imperialism’" in article and "<em>Totalitarian" not in article


@pytest.mark.parametrize(
    ("key", "entry"),
    [
        ("lomax1976hungary", "Lomax, Bill. Hungary 1956. London: Allison & Busby, 1976."),
        ("feher1983hungary",
         "Fehér, Ferenc, and Agnes Heller. Hungary 1956 Revisited. London: Allen & Unwin, 1983."),
        ("rainer2009imre",
         "Rainer, János M. Imre Nagy: A Biography. Translated by Lyman H. Legters. London: "
         "I.B. Tauris, 2009."),
        ("arendt1958totalitarian",
         "Arendt, Hannah. ‘Totalitarian Imperialism: Reflections on the Hungarian Revolution’. "
         "The Journal of Politics 20, no. 1 (February 1958): 5–43."),
    ],
)
def test_bibliography_entry(key, entry):
    assert bibliography(key) == entry


def test_bibliography_sorted_by_author():
    keys = [e.key for e in STYLE.format_entries(ENTRIES.values())]
    assert keys.index("arendt1958totalitarian") < keys.index("borhi2000merchants")
    assert keys.index("borhi2000merchants") < keys.index("lomax1976hungary")


def test_works_without_author_file_under_their_title():
    anonymous = parse_string(
        "@misc{time1957muk, title = {Of {MUK} \\& Mud}, year = {1957}}\n"
        "@misc{ujkor, title = {The {Ázsia} file}, year = {1956}}", "bibtex"
    ).entries
    everything = list(ENTRIES.values()) + list(anonymous.values())
    keys = [e.key for e in STYLE.sort(everything)]
    # 'Of MUK & Mud' files under O, after Lomax; 'The Ázsia file' under A (article dropped,
    # accent ignored), before Borhi.
    assert keys.index("lomax1976hungary") < keys.index("time1957muk")
    assert keys.index("ujkor") < keys.index("borhi2000merchants")


def test_forms_kept_between_builds_are_used_only_for_the_same_code(tmp_path, monkeypatch):
    """The forms cache (_build/.cache/notes-forms.pickle): a form saved by one build is
    loaded by the next; a file written for other code (another key) is ignored."""
    from booktools import notes_style

    entry = ENTRIES["lomax1976hungary"]
    expected = plain_text(STYLE.format_bibliography(entry))
    path = tmp_path / "forms.pickle"
    notes_style.save_cache(path)
    monkeypatch.setattr(notes_style, "_FORMATTED", {})
    monkeypatch.setattr(notes_style, "_PLAIN", {})
    notes_style.load_cache(path)
    assert notes_style.cache_size() > 0
    assert plain_text(STYLE.format_bibliography(entry)) == expected

    monkeypatch.setattr(notes_style, "_FORMATTED", {})
    monkeypatch.setattr(notes_style, "_PLAIN", {})
    monkeypatch.setattr(notes_style, "_cache_key", lambda: "other code")
    notes_style.load_cache(path)
    assert notes_style.cache_size() == 0
    path.write_bytes(b"not a pickle")
    notes_style.load_cache(path)  # ignored, no error
    assert notes_style.cache_size() == 0


# -- The Hungarian edition ----------------------------------------------------------------------

HU_BIB = r"""
@book{litvan1991az,
  langid = {hungarian}, editor = {Litván, György},
  title = {Az 1956-os magyar forradalom: Reform -- felkelés -- szabadságharc -- megtorlás},
  publisher = {Tankönyvkiadó}, address = {Budapest}, year = {1991}}
@book{kende1996ket,
  langid = {hungarian}, author = {Kende, Péter and Litván, György}, title = {Két könyv},
  translator = {Csűrös, Zoltán}, publisher = {Osiris}, address = {Budapest}, year = {1996}}
@article{rainer1996az,
  langid = {hungarian}, author = {Rainer, János}, title = {Az író helye},
  journal = {Századok}, volume = {130}, number = {3}, pages = {45--67}, year = {1996}}
@misc{nlgkvt2017,
  langid = {hungarian}, title = {A műegyetemisták 16 pontja},
  howpublished = {Blog post “1956. október 23.”, nlgkvt.blogspot.com, October 2017},
  year = {2017}, url = {https://nlgkvt.blogspot.com/2017/10/1956-oktober-23.html}}
@misc{csepel2006,
  langid = {hungarian}, author = {Csala, Ábel}, title = {Csepel}, year = {2006},
  howpublished = {Online page}}
@misc{czako2006,
  langid = {hungarian}, author = {Czakó, Béla}, title = {Czakó}, year = {2006},
  howpublished = {Online page}}
"""
HU_ENTRIES = parse_string(HU_BIB, "bibtex").entries


@pytest.fixture
def hungarian_edition():
    from booktools import notes_style

    notes_style.set_language("hu")
    yield
    notes_style.set_language("en")


def hu_full(key, **kw):
    return plain_text(STYLE.format_note(HU_ENTRIES[key], short=False, **kw))


@pytest.mark.parametrize(
    ("key", "first", "later"),
    [
        ("litvan1991az",
         "Litván György (szerk.): Az 1956-os magyar forradalom: Reform – felkelés – "
         "szabadságharc – megtorlás. Budapest, Tankönyvkiadó, 1991",
         "Litván: Az 1956-os magyar forradalom"),
        ("kende1996ket",
         "Kende Péter – Litván György: Két könyv. Ford. Csűrös Zoltán, Budapest, Osiris, 1996",
         "Kende – Litván: Két könyv"),
        ("rainer1996az",
         "Rainer János: Az író helye. Századok, 130. évf. (1996) 3. sz. 45–67",
         "Rainer: Az író helye"),
        ("nlgkvt2017",
         "A műegyetemisták 16 pontja. Blogbejegyzés „1956. október 23.”, nlgkvt.blogspot.com, "
         "2017. október, https://nlgkvt.blogspot.com/2017/10/1956-oktober-23.html",
         "A műegyetemisták 16 pontja"),
    ],
)
def test_hungarian_works_by_hungarian_conventions(hungarian_edition, key, first, later):
    """In the Hungarian edition a Hungarian work: family name first, szerk., ford., no colon
    after the place, the web page's English description and date in Hungarian."""
    assert hu_full(key) == first
    assert plain_text(STYLE.format_note(HU_ENTRIES[key], short=True)) == later


def test_english_works_stay_english_in_the_hungarian_edition(hungarian_edition):
    assert full("rainer2009imre") == (
        "János M. Rainer, Imre Nagy: A Biography, trans. Lyman H. Legters "
        "(London: I.B. Tauris, 2009)")


def test_hungarian_works_in_the_english_edition_keep_the_english_forms():
    assert hu_full("kende1996ket") == (
        "Péter Kende and György Litván, Két könyv, trans. Zoltán Csűrös "
        "(Budapest: Osiris, 1996)")


def test_hungarian_bibliography_entry_and_order(hungarian_edition):
    assert plain_text(STYLE.format_entry("", HU_ENTRIES["kende1996ket"]).text) == (
        "Kende Péter – Litván György: Két könyv. Ford. Csűrös Zoltán. Budapest, Osiris, 1996.")
    keys = [e.key for e in STYLE.sort(list(HU_ENTRIES.values()))]
    # Cs is a letter after C: Czakó before Csala, as a Hungarian dictionary files them.
    assert keys.index("czako2006") < keys.index("csepel2006") < keys.index("kende1996ket")


def test_a_web_page_whose_description_gives_the_year_does_not_repeat_it():
    entry = parse_string(
        "@misc{x, title = {T}, howpublished = {Blog post, October 2017}, year = {2017}}",
        "bibtex").entries["x"]
    assert plain_text(STYLE.format_note(entry, short=False)) == "T, Blog post, October 2017"


def test_a_title_ending_with_a_date_takes_no_second_full_stop(hungarian_edition):
    entry = parse_string(
        "@misc{x, langid = {hungarian}, title = {Magyar Kronológia: 1956. november 24.},"
        " howpublished = {Online day-by-day chronology}, year = {2006}}", "bibtex").entries["x"]
    assert plain_text(STYLE.format_note(entry, short=False)) == (
        "Magyar Kronológia: 1956. november 24. Napról napra vezetett online kronológia, 2006")
