from __future__ import annotations

import pytest

from fonds.exports import citation
from fonds.exports.citation import Name, split_name


@pytest.mark.parametrize(
    ("credited", "name"),
    [
        ("Sergey Radchenko", Name(family="Radchenko", given="Sergey")),
        ("Radchenko, Sergey", Name(family="Radchenko", given="Sergey")),
        ("James F. Person", Name(family="Person", given="James F.")),
        ("Ludwig van Beethoven", Name(family="Beethoven", given="Ludwig", particle="van")),
        ("Martin Luther King Jr.", Name(family="King", given="Martin Luther", suffix="Jr.")),
        ("Gary Goldberg", Name(family="Goldberg", given="Gary")),
        ("Radchenko", Name(literal="Radchenko")),
        ("Department of State Division of Language Services", Name(literal="Department of State Division of Language Services")),
    ],
)
def test_split_name(credited: str, name: Name) -> None:
    assert split_name(credited) == name


def test_inverted() -> None:
    assert split_name("Ludwig van Beethoven").inverted == "van Beethoven, Ludwig"
    assert split_name("NKIDP").inverted == "NKIDP"


@pytest.mark.parametrize(
    ("credited", "inverted", "sort_key"),
    [
        ("Charles de Gaulle", "de Gaulle, Charles", "degaulle charles"),
        ("Max van der Stoel", "van der Stoel, Max", "vanderstoel max"),
        ("Stephen Van Rensselaer", "Van Rensselaer, Stephen", "vanrensselaer stephen"),
        ("Thomas De Quincey", "De Quincey, Thomas", "dequincey thomas"),
        ("Walter de la Mare", "de la Mare, Walter", "delamare walter"),
        ("Robert M. La Follette Sr.", "La Follette, Robert M., Sr.", "lafollette robertm"),
        ("de Gaulle, Charles", "de Gaulle, Charles", "degaulle charles"),
        ("Wernher von Braun", "von Braun, Wernher", "vonbraun wernher"),
    ],
)
def test_particles_stay_with_the_surname_inverted_and_sorted_as_the_manual_says(
    credited: str, inverted: str, sort_key: str
) -> None:
    name = split_name(credited)
    assert (name.inverted, name.sort_key) == (inverted, sort_key)


def test_a_bibliography_sorts_particles_with_the_surname() -> None:
    names = ["Max van der Stoel", "Charles de Gaulle", "Dean Acheson", "Stephen Van Rensselaer", "Anatoly Dobrynin"]
    ordered = [split_name(n).inverted for n in sorted(names, key=lambda n: split_name(n).sort_key)]
    assert ordered == ["Acheson, Dean", "de Gaulle, Charles", "Dobrynin, Anatoly", "van der Stoel, Max", "Van Rensselaer, Stephen"]


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("20th century", "20th century"),
        ("circa 1940s-1950s", "ca. 1940s–1950s"),
        ("1939, 1941, 1942", "1939, 1941, 1942"),
        ("1962 or 1963", "1962 or 1963"),
        ("[1941 and 1939]", "[1941 and 1939]"),
        ("1962-1963", "1962–1963"),
    ],
)
def test_a_span_printed_in_words_is_cited_in_those_words(printed: str, shown: str) -> None:
    """A century, a decade range or several dates is stored as a span but never cited as `1900–1999`."""
    from fonds.dates import parse_date

    assert citation.display_date(parse_date(printed)) == shown


@pytest.mark.parametrize(
    ("credited", "natural", "inverted"),
    [
        ("Kim Il Sung", "Kim Il Sung", "Kim, Il Sung"),
        ("Pak Song-chol", "Pak Song-chol", "Pak, Song-chol"),
        ("Mao Zedong", "Mao Zedong", "Mao, Zedong"),
        ("Mao Tse-tung", "Mao Tse-tung", "Mao, Tse-tung"),
        ("Deng Xiaoping", "Deng Xiaoping", "Deng, Xiaoping"),
        ("Lee Harvey Oswald", "Lee Harvey Oswald", "Oswald, Lee Harvey"),
        ("Ken Lee", "Ken Lee", "Lee, Ken"),
        ("Dean Rusk", "Dean Rusk", "Rusk, Dean"),
    ],
)
def test_chinese_and_korean_names_keep_the_family_name_first(credited: str, natural: str, inverted: str) -> None:
    """CMoS 8.14: `Kim Il Sung`, never `Il Sung Kim`; RIS/BibTeX still get family, given (`Kim, Il Sung`)."""
    name = split_name(credited)
    assert (name.natural, name.inverted) == (natural, inverted)
