"""The CSV templates of the systems archivists migrate from, recognised by their header, and
each of their rows turned into fonds' columns (see csv_columns).

- AtoM information objects (ISAD and RAD flavours): `legacyId`, `parentId`, `title`...
- ArchivesSpace bulk import spreadsheet: two header rows (field codes, then labels), `hierarchy`.
- ArchivesSpace accession template: `accession_title`, `accession_number_1`...
- Omeka S CSV Import: `Dublin Core:Title` (or `dcterms:title`) columns.
- A pandas export such as the CIA reading room's: the first header cell empty (the index).
- Anything else: fonds' own columns, matched by name and alias, and `--map`.

A template's row is a dict of fonds column -> cell text, plus `_key` (the row's own id in the
file, for `parent`) and `_depth` (ArchivesSpace's `hierarchy`), when the template has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from fonds.importers.csv_columns import standard_column

Row = dict[str, str]
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Template:
    """A CSV layout: its name (as reports say it), how many header rows it has, and how a row of
    it (their header -> cell) becomes fonds' columns."""

    name: str
    header_rows: int
    convert: Callable[[Mapping[str, str]], Row]


def _get(row: Mapping[str, str], *names: str) -> str:
    return next((row[n].strip() for n in names if row.get(n, "").strip()), "")


def _plain(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split())


def _atom(row: Mapping[str, str]) -> Row:
    actors = [a for a in row.get("eventActors", "").split("|")]
    types = row.get("eventTypes", "").split("|")
    creators = [a for a, t in zip(actors, types + [""] * len(actors)) if a.strip() and a.strip() != "NULL" and t.strip().lower() in ("creation", "")]
    dates = [d for d in row.get("eventDates", "").split("|") if d.strip() and d.strip() != "NULL"]
    return {
        "_key": _get(row, "legacyId"),
        "parent": _get(row, "parentId", "qubitParentSlug"),
        "identifier": _get(row, "identifier", "legacyId"),
        "reference": _get(row, "identifier"),
        "title": _get(row, "title"),
        "level": _get(row, "levelOfDescription"),
        "extent": _get(row, "extentAndMedium"),
        "repository": _get(row, "repository"),
        "summary": _get(row, "scopeAndContent"),
        "original_language": _get(row, "language"),
        "date": dates[0].strip() if dates else "",
        "creator": "|".join(creators),
        "subjects": _get(row, "subjectAccessPoints"),
        "places": _get(row, "placeAccessPoints"),
        "persons": _get(row, "nameAccessPoints"),
        "type": _get(row, "genreAccessPoints").split("|")[0],
        "url": _get(row, "digitalObjectURI"),
        "scan_file": _get(row, "digitalObjectPath"),
    }


def _aspace_bulk(row: Mapping[str, str]) -> Row:
    begin, end = _get(row, "begin_1"), _get(row, "end_1")
    date = _get(row, "expression_1") or (f"{begin}/{end}" if begin and end and begin != end else begin)
    extents = [f"{_get(row, n)} {_get(row, t)}".strip() for n, t in (("number", "extent_type"), ("number_2", "extent_type_2")) if _get(row, n)]
    persons = [_get(row, f"people_agent_header_{n}") for n in range(1, 6)]
    subjects = [_get(row, f"subject_{n}_term") for n in range(1, 3)]
    return {
        "_resource": _get(row, "ead", "collection_id", "res_uri"),
        "_depth": _get(row, "hierarchy"),
        "identifier": _get(row, "unit_id", "ref_id"),
        "reference": _get(row, "unit_id"),
        "title": _plain(_get(row, "title")),
        "level": _get(row, "other_level") if _get(row, "level").lower() == "otherlevel" else _get(row, "level"),
        "date": date,
        "extent": "; ".join(extents),
        "original_language": "|".join(v for v in (_get(row, "l_lang"), _get(row, "l_lang_2")) if v),
        "summary": _plain(_get(row, "n_scopecontent", "n_abstract")),
        "url": _get(row, "rep_file_uri"),
        "persons": "|".join(p for p in persons if p),
        "subjects": "|".join(s for s in subjects if s),
    }


def _aspace_accession(row: Mapping[str, str]) -> Row:
    number = "-".join(p for p in (_get(row, f"accession_number_{n}") for n in range(1, 5)) if p)
    begin, end = _get(row, "date_1_begin"), _get(row, "date_1_end")
    date = _get(row, "date_1_expression") or (f"{begin}/{end}" if begin and end and begin != end else begin)
    extent = " ".join(p for p in (_get(row, "extent_number", "accession_processing_total_extent"), _get(row, "extent_type", "accession_processing_total_extent_type").replace("_", " ")) if p)
    creator = _get(row, "agent_name_primary_name") if _get(row, "agent_role") in ("creator", "") else ""
    if creator and _get(row, "agent_name_rest_of_name"):
        creator = f"{creator}, {_get(row, 'agent_name_rest_of_name')}"
    return {
        "identifier": number,
        "reference": number,
        "title": _get(row, "accession_title"),
        "type": "Accession",
        "date": date,
        "extent": "; ".join(p for p in (extent, _get(row, "extent_container_summary")) if p),
        "summary": _get(row, "accession_content_description"),
        "original_language": _get(row, "lang_material_language", "accession_language"),
        "creator": creator,
    }


_OMEKA = {
    "title": "title", "identifier": "identifier", "date": "date", "created": "date", "creator": "creator",
    "contributor": "persons", "subject": "subjects", "description": "summary", "abstract": "summary",
    "language": "language", "type": "type", "publisher": "repository", "coverage": "places",
    "spatial": "places", "source": "reference", "extent": "extent", "format": "extent",
}


def _omeka(row: Mapping[str, str]) -> Row:
    cells: Row = {}
    for header, value in row.items():
        term = re.split(r"[:\s]", header.strip(), maxsplit=2)[-1].lower()
        if header.lower().startswith(("dublin core:", "dcterms:")) and term in _OMEKA and value.strip():
            ours = _OMEKA[term]
            cells[ours] = f"{cells[ours]}|{value.strip()}" if ours in cells and ours not in ("title", "identifier", "date") else cells.get(ours) or value.strip()
        elif header.strip().lower() in ("url", "media", "file", "media url") and value.strip():
            cells["url" if value.startswith("http") else "scan_file"] = value.strip()
    return cells


def _pandas(row: Mapping[str, str]) -> Row:
    cells = generic_converter({})({k: v for k, v in row.items() if k != ""})
    pages = _get(row, "page_count")
    if pages and "extent" not in cells:
        cells["extent"] = f"{pages} pages"
    when = _get(row, "publication_date")
    if when and "date" not in cells:
        cells["date"] = when
    if cells.get("type", "").isupper():
        cells["type"] = cells["type"].capitalize()
    if cells.get("identifier", "").startswith("CIA-") and "repository" not in cells:
        cells["repository"] = "Central Intelligence Agency"
    return cells


def generic_converter(mapping: Mapping[str, str]) -> Callable[[Mapping[str, str]], Row]:
    """fonds' own columns: each header matched by `mapping` (their name -> ours), then by name or alias."""
    lowered = {k.strip().lower(): v for k, v in mapping.items()}

    names: dict[str, str | None] = {}

    def convert(row: Mapping[str, str]) -> Row:
        cells: Row = {}
        for header, value in row.items():
            if header not in names:
                names[header] = lowered.get(header.strip().lower()) or standard_column(header)
            ours = names[header]
            if ours and value.strip() and ours not in cells:
                cells[ours] = value
        if "identifier" in cells:
            cells.setdefault("_key", cells["identifier"].strip())
        return cells

    return convert


def recognise(header: list[str], mapping: Mapping[str, str]) -> Template | None:
    """The template a header row belongs to, or None when no column is one fonds knows."""
    names = {h.strip() for h in header}
    if header and header[0].startswith("ArchivesSpace field code"):
        return Template("ArchivesSpace bulk import", 2, _aspace_bulk)
    if "accession_title" in names and "accession_number_1" in names:
        return Template("ArchivesSpace accession template", 1, _aspace_accession)
    if "legacyId" in names and ("title" in names or "levelOfDescription" in names):
        flavour = "RAD" if any(h.startswith("rad") for h in names) else "ISAD"
        return Template(f"AtoM information objects ({flavour})", 1, _atom)
    if any(h.lower().startswith(("dublin core:", "dcterms:")) for h in names):
        return Template("Omeka S CSV Import", 1, _omeka)
    known = [h for h in header if h.strip().lower() in {k.lower() for k in mapping} or standard_column(h)]
    if header and header[0] == "" and known:
        return Template("table with an index column (pandas)", 1, _pandas)
    if known:
        return Template("fonds columns", 1, generic_converter(mapping))
    return None
