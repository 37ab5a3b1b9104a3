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


def word_runs(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The words of `old` and `new` as runs of ('equal'|'delete'|'insert', text)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("insert", "".join(b[j1:j2])))
    return tuple(runs)


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
