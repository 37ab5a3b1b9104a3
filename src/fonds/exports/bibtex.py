"""BibTeX (biblatex fields): one entry, its key derived from the record id.

An archival document is `@misc`; a document printed in a documentary edition (FRUS) is
`@incollection` with the volume as `booktitle`, the series as `series`, its `volume`,
`editor`, `publisher` and `location`. The archive, the reference within it and the
translator are separate fields: `archive`, `archivelocation` (as Zotero and CSL name
them), `translator`. `date` is EDTF as biblatex reads it (`1962~`, `1962-21`,
`1962-08-14/1962-08-16`, `1962/..`); `series` names a project, never a raw collection id.
"""

from __future__ import annotations

import re

from fonds import vocabulary
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
    """Return one biblatex entry (`@misc`, or `@incollection` for a FRUS document) for the record."""
    fields = [(name, value) for name, value in _fields(record) if value]
    if record.url:
        fields.append(("url", _url(record.url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    kind = "incollection" if record.edition else "misc"
    return f"@{kind}{{{citation_key(record)},\n{body}\n}}\n"


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
    projects = vocabulary.projects()
    edition = record.edition
    texts = {
        "title": record.title,
        "type": record.type,
        "date": biblatex_date(record),
        "year": year,
        "month": month,
        "archive": source.repository or source.repository_code,
        "archivelocation": citation.reference_text(source),
        "location": (edition.place if edition else citation.archive_place(source)),
        "language": citation.language_name(language) if language else None,
        "origlanguage": " and ".join(originals) or None,
        "booktitle": edition.title if edition else None,
        "series": (
            ", ".join(p for p in (edition.series, edition.subseries) if p) if edition
            else "; ".join(projects[c] for c in record.collections if c in projects)
        ) or None,
        "volume": re.sub(r"^Volume\s+", "", edition.volume or "") or None if edition else None,
        "publisher": edition.publisher if edition else None,
        "number": None if edition else record.number,
        "addendum": f"Document {record.number}" if edition and record.number else None,
        "abstract": record.summary,
        "note": "; ".join(p for p in (
            record.date.text if citation.needs_words(record.date) else None,
            citation.project_credit(record),
        ) if p) or None,
    }
    editors = citation.credited(record, "editor") or tuple(
        citation.split_name(n) for n in (edition.editors if edition else ())
    )
    names = {
        "author": _names(citation.credited(record, "author")),
        "translator": _names(citation.credited(record, "translator")),
        "editor": _names(editors),
    }
    fields = [("title", _escaped(texts.pop("title")))]
    fields += list(names.items())
    # `date` is EDTF for biblatex's date parser (`1962~`, `1962%`): its characters are not escaped.
    fields += [(name, value if name == "date" else _escaped(value)) for name, value in texts.items()]
    return fields


def biblatex_date(record: Record) -> str | None:
    """The EDTF form biblatex reads (levels 0 and 1): qualifiers, seasons, ranges, open ends,
    and the time of day (`1968-01-23T21:21:00Z`) when one was printed."""
    date = record.date
    if not date.edtf:
        return None
    if date.time and date.edtf == date.earliest:
        return citation.date_time(date)
    if citation.is_part_of_period(date):
        return date.edtf.replace("~", "")  # the sub-range; the words are in `note`
    return date.edtf


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
