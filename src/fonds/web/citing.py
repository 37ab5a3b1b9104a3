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

from markupsafe import Markup

from fonds.errors import FondsError, NotFound
from fonds.exports import citation
from fonds.record import Credit, Record

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
    """One entry of "Cite this": the text a copy button copies, and for a formatted style (Chicago)
    the same as HTML with its italics; the download, if any, and the label that says what it is."""

    key: str
    label: str
    text: str
    download: str | None  # the export format served at /records/ID.{download}
    filename: str | None
    html: Markup | None = None
    download_label: str | None = None


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
    """The entries of "Cite this", in CITATION_FORMATS order. A format that cannot cite this
    record (an ExportError) is left out; any other error is a bug and propagates."""
    from fonds.exports import chicago

    formats = exports()
    found: list[Citation] = []
    for key, label in CITATION_FORMATS:
        try:
            if key.startswith("chicago"):
                form = key.split("-", 1)[1]
                text = chicago.format_citation(record, form=form)
                html: Markup | None = Markup(chicago.format_citation(record, form=form, output="html"))
            elif key in formats:
                text, html = formats[key].write(record), None
            else:
                continue
        except FondsError:
            continue
        # The Chicago download is one file with the note and the bibliography entry: offered once.
        download = "chicago" if key == "chicago-note" else None if key.startswith("chicago") else key
        fmt = formats.get(download) if download else None
        filename = f"{_safe_name(record.id)}.{fmt.extension}" if fmt else None
        what = "Chicago note and bibliography" if download == "chicago" else label
        found.append(Citation(
            key, label, text.strip(), download if fmt else None, filename, html,
            f"{what} (.{fmt.extension})" if fmt else None,
        ))
    return found


def _safe_name(record_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in record_id)[:120] or "record"


def highwire_date(record: Record) -> str | None:
    """`citation_date`: `1962/08/14` for a day, `1962/08` for a month, `1962` for a year,
    the printed precision kept (`c. 1962` gives 1962, not a widened bound; a range its start)."""
    return citation.highwire_date(record.date)


def authors(record: Record) -> list[Credit]:
    return [c for c in record.credits if c.role.lower() in AUTHOR_ROLES]


def translators(record: Record) -> list[Credit]:
    return [c for c in record.credits if c.role.lower() == "translator"]


def meta_tags(record: Record, public_url: str) -> list[tuple[str, str]]:
    """(name, content) pairs for the page head. Values are escaped by the template.

    Zotero's Embedded Metadata translator reads the Highwire `citation_*` tags it maps (title,
    date, author, editor, book and series title, volume, publisher, language, abstract, public
    URL) and hands the `z.*`/`DC.*` tags to its RDF import: `z.itemType`, `z.archive`,
    `z.archiveLocation`, `z.translators` fill the item's type, archive, location in the archive
    and translators (tests/web/test_citing.py reads our tags the same way).
    """
    edition = record.edition
    item_type = "bookSection" if edition else "manuscript"
    tags: list[tuple[str, str]] = [("citation_title", record.title)]
    date = highwire_date(record)
    if date:
        tags.append(("citation_date", date))
    tags.extend(("citation_author", c.name) for c in authors(record))
    if edition:
        tags.append(("citation_book_title", edition.title))
        series = ", ".join(p for p in (edition.series, edition.subseries) if p)
        if series:
            tags.append(("citation_series_title", series))
        if edition.volume:
            tags.append(("citation_volume", edition.volume.removeprefix("Volume ").strip()))
        tags.extend(("citation_editor", name) for name in edition.editors)
        if edition.publisher:
            tags.append(("citation_publisher", edition.publisher))
    tags.extend(("citation_translator", c.name) for c in translators(record))
    archive = record.source.repository or record.source.repository_code
    if archive:
        tags.append(("citation_archive", archive))
    location = archive_location(record)
    if location:
        tags.append(("citation_archive_location", location))
    tags.extend(("citation_language", code) for code in record.original_languages or record.languages[:1])
    if record.summary:
        tags.append(("citation_abstract", record.summary))
    tags.append(("citation_public_url", public_url))
    tags.append(("z.itemType", item_type))
    tags.append(("DC.type", item_type))
    if archive:
        tags.append(("z.archive", archive))
    if location:
        tags.append(("z.archiveLocation", location))
    tags.extend(("z.translators", citation.split_name(c.name).inverted) for c in translators(record))
    tags.append(("DC.identifier", record.id))
    return tags


def archive_location(record: Record) -> str | None:
    """The reference within the archive: `fond 0102, opis 18, ...` (a lone file or text part as it is)."""
    return citation.reference_text(record.source)


def coins(record: Record, public_url: str) -> str:
    """The OpenURL ContextObject for a COinS `<span class="Z3988" title="...">`."""
    pairs: list[tuple[str, Any]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rfr_id", "info:sid/fonds"),
        ("rft.type", "manuscript"),
        ("rft.title", record.title),
    ]
    date = citation.iso_date(record.date)
    if date:
        pairs.append(("rft.date", date.split("/")[0]))
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
