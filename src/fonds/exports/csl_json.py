"""CSL-JSON: the item a citation manager (Zotero, pandoc, citeproc) reads: `manuscript`, or `chapter` for FRUS."""

from __future__ import annotations

import json
import re
from typing import Any

from fonds import vocabulary
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
    """The record as one CSL-JSON item (a dict): `manuscript` for an archival document,
    `chapter` for one printed in a documentary edition (a FRUS volume)."""
    edition = record.edition
    item: dict[str, Any] = {
        "id": record.id, "type": "chapter" if edition else "manuscript", "title": record.title,
    }
    for role, variable in NAME_VARIABLES.items():
        names = [csl_name(n) for n in citation.credited(record, role)]
        if names:
            item[variable] = names
    others = [csl_name(n) for r, n in citation.other_credits(record) if r not in NAME_VARIABLES]
    if others:
        item.setdefault("contributor", []).extend(others)
    issued = issued_date(record)
    if issued:
        item["issued"] = issued
    projects = vocabulary.projects()
    optional = {
        "genre": record.type,
        "abstract": record.summary,
        "archive": record.source.repository or record.source.repository_code,
        "archive_location": citation.reference_text(record.source),
        "archive-place": citation.archive_place(record.source),
        "collection-title": "; ".join(projects[c] for c in record.collections if c in projects) or None,
        "number": record.number,
        "URL": record.url,
        "language": _language(record),
        "note": _note(record),
    }
    if edition:
        optional.update({
            "container-title": edition.title,
            "collection-title": ", ".join(p for p in (edition.series, edition.subseries) if p) or None,
            "volume": re.sub(r"^Volume\s+", "", edition.volume or "") or None,
            "publisher": edition.publisher,
            "publisher-place": edition.place,
            "archive-place": None,
        })
        if edition.editors:
            item["editor"] = [csl_name(citation.split_name(n)) for n in edition.editors]
    item.update({k: v for k, v in optional.items() if v})
    return item


def issued_date(record: Record) -> dict[str, Any] | None:
    """CSL `issued`: date-parts (two for a range), `circa` for an approximate date, `season` 1-4;
    a `literal` (the printed text) for what date-parts can't say: undated, open, early/mid/late."""
    date = record.date
    parts = citation.date_parts(date)
    if parts and not citation.needs_words(date):
        issued: dict[str, Any] = {"date-parts": parts}
        if date.is_approximate:
            issued["circa"] = True
        season = citation.season(date)
        if season:
            issued["season"] = season - 20
        return issued
    if date.text:
        return {"literal": date.text}
    return None


def csl_name(name: citation.Name) -> dict[str, str | bool]:
    """A CSL name; a Chinese or Korean one (`Kim Il Sung`) gets `static-ordering`, which
    CSL processors (citeproc-js) read as "print family name first, as given"."""
    if name.literal is not None:
        return {"literal": name.literal}
    parts: dict[str, str | bool | None] = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.particle,
        "suffix": name.suffix,
        "static-ordering": True if name.family_first else None,
    }
    return {k: v for k, v in parts.items() if v}


def _language(record: Record) -> str | None:
    """The language of the text we hold: the first rendition with text, else the original."""
    for rendition in record.renditions:
        if rendition.text and rendition.language:
            return rendition.language
    return record.original_languages[0] if record.original_languages else None


def _note(record: Record) -> str | None:
    """CSL has no variable for the original language or the archive's project credit; they go in
    `note` as lines."""
    lines = []
    if record.original_languages:
        names = ", ".join(citation.language_name(c) or c for c in record.original_languages)
        lines.append(f"Original language: {names}")
    credit = citation.project_credit(record)
    if credit:
        lines.append(credit)
    if record.edition and record.number:
        lines.append(f"Document {record.number}")
    return "\n".join(lines) or None
