"""The Hungarian alphabetical order (booktools.collation) against lists whose order the rules
of Hungarian spelling give, and against each rule on its own."""

from __future__ import annotations

import random

import pytest

from booktools.collation import hungarian_key, letters, sort_hungarian

# In the order a Hungarian dictionary or index puts them.  The first list is the example of
# szotarnet.hu's guide to the rules ("Ezekre a szabályokra figyelj betűrendbe soroláskor",
# 2023); "Czentár" before "Csaba" is the example of the Hungarian Wikipedia's "Magyar ábécé",
# as a hup.hu comment quotes it.
ORDERED = [
    ["Ádám", "Bence", "Dominik", "Levente", "Marcell", "Máté", "Noel", "Olivér", "Péter",
     "Zalán"],
    ["Czentár", "Csaba"],
    # Each digraph after every word of its first letter: c < cs, d < dz < dzs, g < gy,
    # l < ly, n < ny, s < sz, t < ty, z < zs.
    ["cudar", "cukor", "csak", "csap"],
    ["duda", "dzéta", "dzsessz", "dzsungel", "e"],
    ["gumi", "guzsaly", "gyár", "gyújt"],
    ["lusta", "lyuk"],
    ["nulla", "nyak", "nyúl"],
    ["sült", "süt", "szád", "szög"],
    ["tüsszent", "tyúk"],
    ["zuhany", "zsák", "zsemle"],
    # ö/ő after o/ó, ü/ű after u/ú; long and short vowels equal until the words tie.
    ["orom", "óta", "ott", "ölt", "őr", "öt", "őz"],
    ["uszoda", "út", "utca", "ül", "űr", "üveg"],
    ["kor", "kór", "korall"],
    ["kéreg", "kerek", "kerék"],  # g before k decides first; then short before long
    # A doubled digraph is two of that letter: "meggy" is m-e-gy-gy, so it follows "megye".
    ["megy", "megye", "meggy"],
    # Word by word, and lower case before upper case when all else ties.
    ["Nagy, Ferenc", "Nagy, Imre", "Nagyvárad", "nagyváros"],
    ["kádár", "Kádár", "Kádár, János"],
    ["Gerő, Ernő", "Gimes, Miklós", "Görgey", "Gyöngyösi"],
    ["Czakó", "Csepel"],
]


@pytest.mark.parametrize("words", ORDERED, ids=lambda w: "-".join(w[:2]))
def test_a_list_in_dictionary_order_stays_in_order(words: list[str]) -> None:
    shuffled = words[:]
    random.Random(1956).shuffle(shuffled)
    assert sort_hungarian(shuffled) == words


def test_digraphs_and_doubled_digraphs_are_read_as_letters() -> None:
    assert letters("dzsessz") == ["dzs", "e", "sz", "sz"]
    assert letters("meggyes") == ["m", "e", "gy", "gy", "e", "s"]
    assert letters("hattyú") == ["h", "a", "ty", "ty", "ú"]
    assert letters("ccsé") == ["cs", "cs", "é"]


def test_letters_of_other_languages_file_with_their_base_letter() -> None:
    assert sort_hungarian(["Popławski", "Popović", "Poznań"]) == [
        "Popławski", "Popović", "Poznań"]
    assert hungarian_key("Popławski")[0] == hungarian_key("Poplawski")[0]


def test_the_english_order_would_fail_these_lists() -> None:
    # The check is not vacuous: Python's own order gets the digraphs and accents wrong.
    wrong = [words for words in ORDERED if sorted(words) != words]
    assert len(wrong) >= 5, wrong
