"""What changed between two versions of a record: a readable, word-level diff per field.

Each field a reader sees (title, date, type, summary, source, credits, languages,
collections, each rendition's text, the persons linked) is compared as text; a changed field
gives its words as runs of `equal`, `delete` and `insert` (difflib's SequenceMatcher over
words and the spaces between them), so a corrected letter shows as one word replaced.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Mapping

from fonds.record import Record, format_reference

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its label, both texts, and the word runs [(op, text)]."""

    field: str
    old: str
    new: str
    runs: tuple[tuple[str, str], ...]

    def json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new,
                "runs": [{"op": op, "text": text} for op, text in self.runs]}


def record_fields(record: Record) -> dict[str, str]:
    """The fields a reader sees, each as one text, in page order."""
    fields = {
        "Title": record.title,
        "Date": record.date.text or "",
        "Type": record.type or "",
        "Summary": record.summary or "",
        "Citation": record.source.citation or "",
        "Repository": record.source.repository or "",
        "Reference": format_reference(record.source.reference) if record.source.reference else "",
        "Credits": "; ".join(f"{c.role}: {c.name}" for c in record.credits),
        "Original languages": ", ".join(record.original_languages),
        "Collections": ", ".join(record.collections),
        "URL": record.url or "",
    }
    for number, rendition in enumerate(record.renditions):
        label = rendition.label or rendition.kind.capitalize()
        fields[f"Text {number + 1}: {label}" + (f" ({rendition.language})" if rendition.language else "")] = rendition.text
    names = sorted({f"{p.name} ({p.role})" for p in record.persons})
    fields["Persons"] = ", ".join(names)
    return fields


WORD_DIFF_LIMIT = 3000  # tokens on each side of a changed stretch compared word by word


def word_runs(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The words of `old` and `new` as runs of ('equal'|'delete'|'insert', text).

    The common beginning and end are taken off first, so a correction in a long text compares only
    the stretch that changed. A changed stretch longer than WORD_DIFF_LIMIT tokens is compared line
    by line (sentence by sentence in one long paragraph), then word by word inside each changed
    block; a changed block that is still that long is shown whole (deleted, inserted):
    difflib's matcher is quadratic, and a diff page must answer in time for any text."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    runs: list[tuple[str, str]] = [("equal", "".join(a[:start]))] if start else []
    runs += _stretch(a[start:len(a) - end], b[start:len(b) - end])
    if end:
        runs.append(("equal", "".join(a[len(a) - end:])))
    return _joined(runs)


def _stretch(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    if max(len(a), len(b)) <= WORD_DIFF_LIMIT:
        return _words(a, b)
    lines_a, lines_b = _lines(a), _lines(b)
    if max(len(lines_a), len(lines_b)) <= 1:
        return _replaced(a, b)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(lines_a[i1:i2])))
            continue
        old, new = _TOKEN.findall("".join(lines_a[i1:i2])), _TOKEN.findall("".join(lines_b[j1:j2]))
        runs += _words(old, new) if max(len(old), len(new)) <= WORD_DIFF_LIMIT else _replaced(old, new)
    return runs


_SENTENCE_END = re.compile(r"(?<=[.!?;])(?=\s)")


def _lines(tokens: list[str]) -> list[str]:
    """A stretch cut into lines, or into sentences when it is one long line (a paragraph)."""
    text = "".join(tokens)
    lines = text.splitlines(keepends=True)
    return lines if len(lines) > 1 else [piece for piece in _SENTENCE_END.split(text) if piece]


def _replaced(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    return [run for run in (("delete", "".join(a)), ("insert", "".join(b))) if run[1]]


def _words(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("insert", "".join(b[j1:j2])))
    return runs


def _joined(runs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Runs with neighbours of the same kind joined, empty ones dropped."""
    out: list[tuple[str, str]] = []
    for op, text in runs:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return tuple(out)


def diff_records(old: Record | None, new: Record | None) -> list[FieldChange]:
    """The fields that differ between two records (None: a withdrawn or absent version)."""
    before: Mapping[str, str] = record_fields(old) if old else {}
    after: Mapping[str, str] = record_fields(new) if new else {}
    changes = []
    for name in dict.fromkeys([*before, *after]):
        a, b = before.get(name, ""), after.get(name, "")
        if a != b:
            changes.append(FieldChange(name, a, b, word_runs(a, b)))
    return changes
