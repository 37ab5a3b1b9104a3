"""The one identifier rule (fonds.identifiers): what every importer, store, route and OAI-PMH can carry."""

from __future__ import annotations

import pytest

from fonds.errors import FondsError
from fonds.identifiers import MAX_LENGTH, check_identifier, identifier_problem


@pytest.mark.parametrize(
    "good",
    ["wcda-116176", "frus1961-63v06d66", "frus:frus1961-63v06#p_KNS1", "архив-12", "北京-1", "a", "x" * MAX_LENGTH],
)
def test_ids_every_part_of_fonds_carries_are_accepted(good: str) -> None:
    assert check_identifier(good, origin="f.json:1") == good


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ("", "empty"),
        ("x" * (MAX_LENGTH + 1), f"{MAX_LENGTH + 1} characters long; at most {MAX_LENGTH}"),
        ("wcda-1\x00", "control character (U+0000) at character 7"),
        ("wcda\x1b1", "control character (U+001B)"),
        ("wcda 1", "a space (U+0020)"),
        ("wcda\u00a01", "a space (U+00A0)"),
        ("wcda-\u202e1", "invisible formatting character (U+202E)"),
        ("wcda-\u200b1", "invisible formatting character (U+200B)"),
        ("wcda-\ud8001", "lone surrogate"),
        ("wcda-\ue0001", "private-use"),
        ("..", "cannot be an identifier"),
        ("cafe\u0301", "NFC"),
    ],
)
def test_ids_some_part_cannot_carry_are_refused_with_the_reason(bad: str, said: str) -> None:
    assert said in (identifier_problem(bad) or "")
    with pytest.raises(FondsError) as error:
        check_identifier(bad, origin="batch/a.json:3", what="persons[0].id")
    assert str(error.value).startswith("batch/a.json:3: persons[0].id ")
    assert said in str(error.value)


def test_an_id_that_is_not_text_is_refused() -> None:
    assert identifier_problem(12) == "an identifier is text, not int"
