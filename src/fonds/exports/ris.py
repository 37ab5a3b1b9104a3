"""RIS: the tagged format every reference manager imports, as `TY  - MANSCPT`.

Tags follow the RIS specification as Zotero reads it: `A4` the translator,
`DB` the archive, `AN` the location within it, `M3` the kind of document.
"""

from __future__ import annotations

import re

from fonds import vocabulary
from fonds.exports import citation
from fonds.record import Record

END_OF_LINE = "\r\n"  # the specification asks for CR LF


def write(record: Record) -> str:
    """Return one RIS reference for the record, `TY` first and `ER` last.

    An archival document is `MANSCPT`; a document printed in a documentary edition (FRUS) is
    `CHAP`, with the volume (`T2`), series (`T3`), volume number (`VL`), editors (`A2`),
    publisher (`PB`) and its place (`CY`). `CY` is never the place a letter was written.
    """
    edition = record.edition
    lines: list[tuple[str, str | None]] = [("TY", "CHAP" if edition else "MANSCPT"), ("TI", record.title)]
    lines += [("AU", n.inverted) for n in citation.credited(record, "author")]
    lines += [("A4", n.inverted) for n in citation.credited(record, "translator")]
    lines += [("A2", n.inverted) for n in citation.credited(record, "editor")]
    if edition:
        lines += [("A2", citation.split_name(n).inverted) for n in edition.editors]
    lines += _date_lines(record)
    source = record.source
    code = source.repository_code
    lines += [
        ("M3", record.type),
        ("DB", source.repository or code),
        ("AN", citation.reference_text(source)),
    ]
    if edition:
        lines += [
            ("T2", edition.title),
            ("T3", ", ".join(p for p in (edition.series, edition.subseries) if p) or None),
            ("VL", re.sub(r"^Volume\s+", "", edition.volume or "") or None),
            ("PB", edition.publisher),
            ("CY", edition.place),
        ]
    else:
        lines.append(("CY", citation.archive_place(source)))
    lines += [
        ("LA", _language(record)),
        ("AB", record.summary),
        ("UR", record.url),
        ("ID", record.id),
    ]
    lines += [("KW", s) for s in record.subjects]
    projects = vocabulary.projects()
    lines += [("N1", f"Collection: {projects[c]}") for c in record.collections if c in projects]
    if edition and record.number:
        lines.append(("N1", f"Document {record.number}"))
    if record.original_languages:
        names = ", ".join(citation.language_name(c) or c for c in record.original_languages)
        lines.append(("N1", f"Original language: {names}"))
    credit = citation.project_credit(record)
    if credit:
        lines.append(("N1", credit))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}{END_OF_LINE}" for tag, value in lines if value or tag == "ER")


def _date_lines(record: Record) -> list[tuple[str, str | None]]:
    """`PY` the year and `DA` `YYYY/MM/DD/other`: the printed text goes in the last slot when the
    numbers don't say it all (`c. 1962`, a range, a season, `after 1962`). Undated: no `DA`,
    the printed text in a note."""
    date = record.date
    parts = citation.date_parts(date)
    if not parts:
        return [("N1", f"Date: {date.text}")] if date.text else []
    exact = len(parts) == 1 and date.edtf is not None and date.edtf == citation.iso_date(date) and not date.supplied and not date.time
    other = None if exact else date.text
    return [("PY", str(parts[0][0])), ("DA", _ris_date(parts[0], other))]


def _ris_date(parts: list[int], other: str | None) -> str:
    """`1962/08/14/`; missing parts stay empty; the last slot holds other information."""
    slots = [f"{parts[0]:04d}"] + [f"{n:02d}" for n in parts[1:]]
    slots += [""] * (3 - len(slots))
    return "/".join(slots + [other or ""])


def _language(record: Record) -> str | None:
    return next((r.language for r in record.renditions if r.text and r.language), None)


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())
