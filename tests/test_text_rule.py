"""The text rule for names, titles and notes (fonds.text_rule): what shows deceptively or breaks an
export later is refused, with the character and its place; the scripts' own joiners stay."""

from __future__ import annotations

import pytest

from fonds.text_rule import text_problem


@pytest.mark.parametrize("value, code, position", [
    ("Archive\u202eevihcrA", "U+202E", 8),   # RIGHT-TO-LEFT OVERRIDE: shows the rest reversed
    ("\u2066Archive", "U+2066", 1),            # LEFT-TO-RIGHT ISOLATE
    ("Arch\u200bive", "U+200B", 5),            # ZERO WIDTH SPACE: two names that look alike
    ("Archive\ufeff", "U+FEFF", 8),            # the byte order mark
    ("Fo\u00adreign", "U+00AD", 3),            # SOFT HYPHEN
    ("note\x1b[2J", "U+001B", 5),              # ESC: a terminal escape when `fonds history` prints it
    ("Series\x0bone", "U+000B", 7),            # no XML can carry it
    ("one\u2028two", "U+2028", 4),             # LINE SEPARATOR
    ("bad\ud800", "U+D800", 4),                # a lone surrogate
    ("non\ufffe", "U+FFFE", 4),
])
def test_what_renders_deceptively_or_breaks_an_export_is_refused_with_its_place(value: str, code: str,
                                                                                position: int) -> None:
    problem = text_problem(value)
    assert problem is not None and f"({code}) at character {position}; remove it" in problem


def test_a_bidi_override_is_named_as_one() -> None:
    assert "bidirectional control, which shows text reversed" in (text_problem("a\u202eb") or "")


@pytest.mark.parametrize("value", [
    "State Archive of the Russian Federation", "АП РФ", "中央档案馆", "Archives nationales d'outre-mer",
    "مرکز اسناد\u200cی ملی",        # Persian needs the zero-width non-joiner
    "क्\u200dष",                      # Devanagari conjunct with a zero-width joiner
    "line one\nline two\twith a tab", "ארכיון המדינה",
])
def test_names_in_every_script_and_a_notes_lines_are_taken(value: str) -> None:
    assert text_problem(value) is None
