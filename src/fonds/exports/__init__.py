"""Exports, one module per format, all of one shape: write(record) -> str."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fonds.exports import bibtex, chicago, csl_json, dublin_core, ris, tei
from fonds.record import Record


@dataclass(frozen=True)
class ExportFormat:
    name: str
    write: Callable[[Record], str]
    media_type: str
    extension: str


EXPORTS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("tei", tei.write, "application/tei+xml", "tei.xml"),
        ExportFormat("oai_dc", dublin_core.write, "application/xml", "dc.xml"),
        ExportFormat("csl-json", csl_json.write, "application/vnd.citationstyles.csl+json", "json"),
        ExportFormat("bibtex", bibtex.write, "application/x-bibtex", "bib"),
        ExportFormat("ris", ris.write, "application/x-research-info-systems", "ris"),
        ExportFormat("chicago", chicago.write, "text/plain; charset=utf-8", "txt"),
    )
}
EXPORTS["dc"] = EXPORTS["oai_dc"]

__all__ = ["EXPORTS", "ExportFormat"]
