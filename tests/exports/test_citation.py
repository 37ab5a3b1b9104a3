from __future__ import annotations

import pytest

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
