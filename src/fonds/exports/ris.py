"""RIS: the tagged format every reference manager imports, as `TY  - MANSCPT`.

Tags follow the RIS specification as Zotero reads it: `A4` the translator,
`DB` the archive, `AN` the location within it, `M3` the kind of document.
"""

from __future__ import annotations

from fonds.exports import citation
from fonds.record import Record

END_OF_LINE = "\r\n"  # the specification asks for CR LF


def write(record: Record) -> str:
    """Return one RIS reference for the record, `TY` first and `ER` last."""
    lines: list[tuple[str, str | None]] = [("TY", "MANSCPT"), ("TI", record.title)]
    lines += [("AU", n.inverted) for n in citation.credited(record, "author")]
    lines += [("A4", n.inverted) for n in citation.credited(record, "translator")]
    lines += [("A2", n.inverted) for n in citation.credited(record, "editor")]
    parts = citation.date_parts(record.date)
    if parts:
        lines.append(("PY", str(parts[0][0])))
        lines.append(("DA", _ris_date(parts[0], record.date.text if record.date.is_approximate else None)))
    elif record.date.text:
        lines.append(("DA", f"///{record.date.text}"))
    source = record.source
    code = source.repository_code
    lines += [
        ("M3", record.type),
        ("DB", source.repository or code),
        ("AN", citation.reference_text(source)),
        ("CY", record.place),
        ("LA", _language(record)),
        ("AB", record.summary),
        ("UR", record.url),
        ("ID", record.id),
    ]
    lines += [("KW", s) for s in record.subjects]
    lines += [("N1", f"Collection: {c}") for c in record.collections]
    if record.original_languages:
        names = ", ".join(citation.language_name(c) or c for c in record.original_languages)
        lines.append(("N1", f"Original language: {names}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}{END_OF_LINE}" for tag, value in lines if value or tag == "ER")


def _ris_date(parts: list[int], other: str | None) -> str:
    """`1962/08/14/`; missing parts stay empty; the last slot holds other information."""
    slots = [f"{parts[0]:04d}"] + [f"{n:02d}" for n in parts[1:]]
    slots += [""] * (3 - len(slots))
    return "/".join(slots + [other or ""])


def _language(record: Record) -> str | None:
    return next((r.language for r in record.renditions if r.text and r.language), None)


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())
