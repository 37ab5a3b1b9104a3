"""Word-level diffs between versions of a record (fonds.versions)."""

from __future__ import annotations

from dataclasses import replace

from fonds.record import Credit, Record, Rendition
from fonds.versions import diff_records, word_runs

RECORD = Record(id="r1", title="Talk with Kim II Sung", summary="A short talk.",
                credits=(Credit("translator", "Sergey Radchenko"),),
                renditions=(Rendition("translation", "en", "He said: we are friends, and left."),))


def test_a_changed_word_is_one_word_replaced() -> None:
    assert word_runs("Kim II Sung met him", "Kim Il Sung met him") == (
        ("equal", "Kim "), ("delete", "II"), ("insert", "Il"), ("equal", " Sung met him"))


def test_punctuation_and_spaces_are_kept_in_the_runs() -> None:
    runs = word_runs("we are friends, and left.", "we were friends; and left!")
    assert "".join(t for op, t in runs if op != "insert") == "we are friends, and left."
    assert "".join(t for op, t in runs if op != "delete") == "we were friends; and left!"
    assert ("delete", "are") in runs and ("insert", "were") in runs


def test_only_the_fields_that_differ_are_listed_with_readable_names() -> None:
    new = replace(RECORD, title="Talk with Kim Il Sung",
                  renditions=(Rendition("translation", "en", "He said: we are old friends, and left."),))
    changes = diff_records(RECORD, new)
    assert [c.field for c in changes] == ["Title", "Text 1: Translation (en)"]
    assert ("insert", "old ") in changes[1].runs


def test_a_withdrawn_side_shows_every_field_as_removed() -> None:
    changes = diff_records(RECORD, None)
    assert {c.field for c in changes} >= {"Title", "Summary", "Credits"}
    assert all(c.new == "" for c in changes)
    assert diff_records(RECORD, RECORD) == []


def test_a_long_text_with_corrections_far_apart_still_diffs_word_by_word() -> None:
    """A reader's history page or an editor's proposal page on a long document: only the changed
    stretches are compared (the whole text with difflib would take minutes)."""
    from fonds.versions import word_runs

    sentences = [f"The ambassador said that Kim Il Sung agreed to meet on day {n % 7}." for n in range(6000)]
    old = "\n".join(" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5))
    new = old.replace("day 0.", "day zero.", 1)
    new = new[: len(new) // 2] + new[len(new) // 2:].replace("Kim Il Sung", "Kim Il-sung", 1)
    new = new[:-2] + "6!"
    runs = word_runs(old, new)
    assert "".join(t for op, t in runs if op != "insert") == old and "".join(t for op, t in runs if op != "delete") == new
    changed = [(op, t) for op, t in runs if op != "equal"]
    assert changed == [("delete", "0"), ("insert", "zero"), ("delete", " Sung"), ("insert", "-sung"),
                       ("delete", "0."), ("insert", "6!")]
