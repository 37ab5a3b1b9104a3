"""Folding: lower-cased, diacritics off, character for character."""

from __future__ import annotations

from fonds.folding import fold_text, lower


def test_folding_keeps_positions_and_folds_only_letters() -> None:
    assert fold_text("The “Soviet” reply — Rusk’s") == "the “soviet” reply — rusk’s"  # punctuation kept as it is
    assert fold_text("“Pak Sŏng-ch’ŏl” ÉTAT Ёлка") == "“pak song-ch’ol” etat елка"
    assert fold_text("İSTANBUL “X”") == "İstanbul “x”"  # a letter that lower-cases to two stays itself
    lone = "Ab\ud800C “X”"  # a lone surrogate, as a request's JSON may carry
    assert fold_text(lone) == "ab\ud800c “x”" and len(fold_text(lone)) == len(lone)


def test_lower_is_str_lower_with_punctuation_letters_and_scripts() -> None:
    for text in ("The “Soviet” REPLY — Rusk’s", "ÉTAT “Sŏng”", "İSTANBUL", "ΟΔΟΣ “x”", "Ёлка МОСКВА", "毛泽东 ABC"):
        assert lower(text) == text.lower(), text
