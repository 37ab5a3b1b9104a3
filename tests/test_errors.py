"""Error lines echo at most a bounded piece of what a user gave (fonds.errors.bounded): a
5,000-character id is a line of about a hundred characters that says how long the id was, on the
CLI, in the web's error pages and their JSON twins; the rest of the message is kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fonds.cli import main
from fonds.errors import NotFound, Problem, bounded

LONG = "a" * 5000


def test_an_overlong_quoted_value_is_cut_and_says_its_length_and_the_advice_is_kept() -> None:
    message = str(NotFound(f"no record with id {LONG!r}; search for it by title instead"))
    assert message == f"no record with id '{'a' * 80}…' (5000 characters); search for it by title instead"
    assert str(Problem("file.csv:3", f"id {('x' * 250)!r} is too long")) == f"file.csv:3: id '{'x' * 80}…' (250 characters) is too long"


@pytest.mark.parametrize("text", [
    "the record's text can't be read; it isn't there, and the note's author didn't say so in so many words either",
    f"an id as long as the identifier rule allows, {'b' * 200!r}, is echoed whole",
    "a path /srv/archive/incoming/frus/frus1961-63v05.xml:12:4 is echoed whole",
])
def test_prose_and_values_within_the_limit_are_left_as_they_are(text: str) -> None:
    assert bounded(text) == text


def test_an_unquoted_run_and_a_long_message_are_bounded_too() -> None:
    assert bounded(f"see {'é' * 400} then") == f"see {'é' * 100}… (400 characters) then"
    spaced = "word " * 2000 + "; run fonds check"
    cut = bounded(spaced)
    assert len(cut) < 2600 and cut.endswith("; run fonds check") and "characters left out" in cut


@pytest.mark.parametrize("command", [
    ["show", LONG], ["history", LONG], ["withdraw", LONG, "--reason", "x"], ["export", LONG],
    ["export", "x", "--format", LONG], ["user", "add", "bob", "--role", LONG],
])
def test_the_cli_echoes_a_bounded_piece_of_a_long_value(tmp_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "fonds.db"), *command], input="pw\npw\n")
    assert result.exit_code != 0
    assert "(5000 characters)" in result.output
    assert LONG not in result.output and max(len(line) for line in result.output.splitlines()) < 250
