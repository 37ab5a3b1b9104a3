"""CSL-JSON: the item a citation manager (Zotero, pandoc, citeproc) reads, type `manuscript`."""

from __future__ import annotations

import json
from typing import Any

from fonds.exports import citation
from fonds.record import Record

# CSL 1.0.2 name variables for the credit roles we know; others go to `contributor`.
NAME_VARIABLES = {
    "author": "author",
    "translator": "translator",
    "editor": "editor",
    "compiler": "compiler",
    "contributor": "contributor",
    "recipient": "recipient",
}


def write(record: Record) -> str:
    """Return a CSL-JSON array holding the record's one item."""
    return json.dumps([build_item(record)], ensure_ascii=False, indent=2)


def build_item(record: Record) -> dict[str, Any]:
    """The record as one CSL-JSON item (a dict)."""
    item: dict[str, Any] = {"id": record.id, "type": "manuscript", "title": record.title}
    for role, variable in NAME_VARIABLES.items():
        names = [csl_name(n) for n in citation.credited(record, role)]
        if names:
            item[variable] = names
    others = [csl_name(n) for r, n in citation.other_credits(record) if r not in NAME_VARIABLES]
    if others:
        item.setdefault("contributor", []).extend(others)
    parts = citation.date_parts(record.date)
    if parts:
        issued: dict[str, Any] = {"date-parts": parts}
        if record.date.is_approximate:
            issued["circa"] = True
        item["issued"] = issued
    elif record.date.text:
        item["issued"] = {"literal": record.date.text}
    optional = {
        "genre": record.type,
        "abstract": record.summary,
        "archive": record.source.repository or record.source.repository_code,
        "archive_location": citation.reference_text(record.source),
        "archive-place": citation.archive_place(record.source),
        "collection-title": "; ".join(record.collections) or None,
        "number": record.number,
        "URL": record.url,
        "language": _language(record),
        "note": _note(record),
    }
    item.update({k: v for k, v in optional.items() if v})
    return item


def csl_name(name: citation.Name) -> dict[str, str]:
    if name.literal is not None:
        return {"literal": name.literal}
    parts = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.particle,
        "suffix": name.suffix,
    }
    return {k: v for k, v in parts.items() if v}


def _language(record: Record) -> str | None:
    """The language of the text we hold: the first rendition with text, else the original."""
    for rendition in record.renditions:
        if rendition.text and rendition.language:
            return rendition.language
    return record.original_languages[0] if record.original_languages else None


def _note(record: Record) -> str | None:
    """CSL has no variable for the original language; it goes in `note` as `key: value` lines."""
    if not record.original_languages:
        return None
    names = ", ".join(citation.language_name(c) or c for c in record.original_languages)
    return f"Original language: {names}"
