"""What a record page tells citation managers and readers: meta tags, COinS, "Cite this".

Zotero's Embedded Metadata translator reads the Highwire `citation_*` tags
(title, date, author, language, public URL, abstract) and takes the item type
from `z.itemType` or `DC.type`; we say `manuscript`, as the Wilson Center's own
translator does. `citation_archive` and `citation_archive_location` are read by
other tools; the COinS span carries the same item for those that read OpenURL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

from fonds.errors import FondsError, NotFound
from fonds.record import Credit, Record, format_reference

AUTHOR_ROLES = ("author", "creator", "drafter")
# Formats offered under "Cite this", in order: (export name, label).
CITATION_FORMATS = (
    ("chicago-note", "Chicago note"),
    ("chicago-bibliography", "Chicago bibliography"),
    ("bibtex", "BibTeX"),
    ("ris", "RIS"),
    ("csl-json", "CSL-JSON"),
)


@dataclass(frozen=True)
class Citation:
    key: str
    label: str
    text: str
    download: str | None  # the export format served at /records/ID.{download}
    filename: str | None


EXPORT_LABELS = {
    "tei": "TEI XML",
    "oai_dc": "Dublin Core XML",
    "csl-json": "CSL-JSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "chicago": "Chicago (text)",
}


@dataclass(frozen=True)
class Export:
    name: str
    canonical: str  # the format's own name; other names in the registry are aliases
    media_type: str
    extension: str
    write: Callable[[Record], str]


def exports() -> dict[str, Export]:
    """The export registry (fonds.exports.EXPORTS), or nothing while it is missing."""
    try:
        from fonds.exports import EXPORTS
    except ImportError:  # pragma: no cover - the exports package ships with fonds
        return {}
    return {
        name: Export(name=name, canonical=fmt.name, media_type=fmt.media_type, extension=fmt.extension, write=fmt.write)
        for name, fmt in EXPORTS.items()
    }


def export(record: Record, name: str) -> tuple[str, Export]:
    """The record in one export format. Raises NotFound for a format we don't have."""
    formats = exports()
    if name not in formats:
        known = ", ".join(sorted(formats)) or "none yet"
        raise NotFound(f"there is no export format {name!r}; the formats are: {known}")
    fmt = formats[name]
    return fmt.write(record), fmt


def citations(record: Record) -> list[Citation]:
    formats = exports()
    found: list[Citation] = []
    for key, label in CITATION_FORMATS:
        text = _citation_text(record, key, formats)
        if text is None:
            continue
        download = "chicago" if key.startswith("chicago") else key
        fmt = formats.get(download)
        filename = f"{_safe_name(record.id)}.{fmt.extension}" if fmt else None
        found.append(Citation(key, label, text.strip(), download if fmt else None, filename))
    return found


def _citation_text(record: Record, key: str, formats: dict[str, Export]) -> str | None:
    try:
        if key.startswith("chicago"):
            from fonds.exports import chicago

            return chicago.format_citation(record, form=key.split("-", 1)[1], output="text")
        if key in formats:
            return formats[key].write(record)
    except (ImportError, FondsError, ValueError, KeyError):
        return None
    return None


def _safe_name(record_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in record_id)[:120] or "record"


def highwire_date(record: Record) -> str | None:
    """`1962/08/14` for an exact day, `1962` when only the year is sure, else the bounds' year."""
    earliest, latest = record.date.earliest, record.date.latest
    if earliest and earliest == latest:
        return earliest.replace("-", "/")
    if earliest and latest and earliest[:4] == latest[:4]:
        return earliest[:4]
    return earliest[:4] if earliest else None


def authors(record: Record) -> list[Credit]:
    return [c for c in record.credits if c.role.lower() in AUTHOR_ROLES]


def translators(record: Record) -> list[Credit]:
    return [c for c in record.credits if c.role.lower() == "translator"]


def meta_tags(record: Record, public_url: str) -> list[tuple[str, str]]:
    """(name, content) pairs for the page head. Values are escaped by the template."""
    tags: list[tuple[str, str]] = [("citation_title", record.title)]
    date = highwire_date(record)
    if date:
        tags.append(("citation_date", date))
    tags.extend(("citation_author", c.name) for c in authors(record))
    tags.extend(("citation_translator", c.name) for c in translators(record))
    if record.source.repository:
        tags.append(("citation_archive", record.source.repository))
    location = archive_location(record)
    if location:
        tags.append(("citation_archive_location", location))
    tags.extend(("citation_language", code) for code in record.original_languages or record.languages[:1])
    if record.summary:
        tags.append(("citation_abstract", record.summary))
    tags.append(("citation_public_url", public_url))
    tags.append(("z.itemType", "manuscript"))
    tags.append(("DC.type", "manuscript"))
    tags.append(("DC.identifier", record.id))
    return tags


def archive_location(record: Record) -> str | None:
    reference = format_reference(record.source.reference) if record.source.reference else ""
    return reference or None


def coins(record: Record, public_url: str) -> str:
    """The OpenURL ContextObject for a COinS `<span class="Z3988" title="...">`."""
    pairs: list[tuple[str, Any]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", "info:sid/fonds"),
        ("rft.type", "manuscript"),
        ("rft.title", record.title),
    ]
    date = highwire_date(record)
    if date:
        pairs.append(("rft.date", date.replace("/", "-")))
    pairs.extend(("rft.creator", c.name) for c in authors(record))
    pairs.extend(("rft.contributor", c.name) for c in translators(record))
    if record.source.repository:
        pairs.append(("rft.source", record.source.repository))
    location = archive_location(record)
    if location:
        pairs.append(("rft.coverage", location))
    pairs.extend(("rft.language", code) for code in record.original_languages)
    if record.summary:
        pairs.append(("rft.description", record.summary))
    pairs.append(("rft.identifier", public_url))
    return urlencode(pairs)
