"""BibTeX (biblatex fields): one `@misc` entry, its key derived from the record id.

The archive, the reference within it and the translator are separate fields:
`archive`, `archivelocation` (as Zotero and CSL name them), `translator`.
"""

from __future__ import annotations

import re

from fonds.exports import citation
from fonds.record import Record

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _SPECIALS))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.\-]+")


def write(record: Record) -> str:
    """Return one biblatex `@misc` entry for the record."""
    fields = [(name, value) for name, value in _fields(record) if value]
    if record.url:
        fields.append(("url", _url(record.url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(record)},\n{body}\n}}\n"


def citation_key(record: Record) -> str:
    """`wcda-110485`: the record id with anything BibTeX can't take replaced by `-`."""
    return _KEY_UNSAFE.sub("-", record.id).strip("-") or "record"


def escape(value: str) -> str:
    """Escape LaTeX specials, so `&`, `%`, `{` and `\\` come out as typed."""
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group(0)], " ".join(value.split()))


def _fields(record: Record) -> list[tuple[str, str | None]]:
    """Field names and values, already escaped, in the order they are written."""
    source = record.source
    originals = [citation.language_name(c) or c for c in record.original_languages]
    language = next((r.language for r in record.renditions if r.text and r.language), None)
    year, month = _year_month(record)
    texts = {
        "title": record.title,
        "type": record.type,
        "date": citation.iso_date(record.date),
        "year": year,
        "month": month,
        "archive": source.repository or source.repository_code,
        "archivelocation": citation.reference_text(source),
        "location": citation.archive_place(source),
        "language": citation.language_name(language) if language else None,
        "origlanguage": " and ".join(originals) or None,
        "series": "; ".join(record.collections) or None,
        "number": record.number,
        "abstract": record.summary,
        "note": None if record.date.is_dated else record.date.text,
    }
    names = {
        role: _names(citation.credited(record, role)) for role in ("author", "translator", "editor")
    }
    fields = [("title", _escaped(texts.pop("title")))]
    fields += list(names.items())
    fields += [(name, _escaped(value)) for name, value in texts.items()]
    return fields


def _escaped(value: str | None) -> str | None:
    return escape(value) if value else None


def _names(names: tuple[citation.Name, ...]) -> str | None:
    """`Radchenko, Sergey and {Department of State}`: escaped, literal names braced whole."""
    if not names:
        return None
    return " and ".join(
        f"{{{escape(n.literal)}}}" if n.literal is not None else escape(n.inverted) for n in names
    )


def _year_month(record: Record) -> tuple[str | None, str | None]:
    parts = citation.date_parts(record.date)
    if not parts:
        return None, None
    first = parts[0]
    return str(first[0]), (str(first[1]) if len(first) > 1 and len(parts) == 1 else None)


def _url(url: str) -> str:
    """URLs are verbatim in biblatex: only what would unbalance the entry is encoded."""
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}.get(c, c) for c in url)
