"""Importers, one per input format, all of one shape: read(source, *, origin) -> Iterator.

Each yields Records, Collections, authority Entities and, for warnings, Problems. Formats are
sniffed from the file's structure, in the order of SNIFFERS. Importers listed in TAKES_OPTIONS
also take `options=ImportOptions` (`fonds ingest --encoding/--map/--skip-bad-rows`).
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from fonds.importers import csvfile, dublin_core, ead, frus, jsonfile, tei, text
from fonds.importers.options import ImportOptions

Reader = Callable[..., Iterator[object]]

IMPORTERS: dict[str, Reader] = {"frus": frus.read, "text": text.read, "json": jsonfile.read, "csv": csvfile.read, "ead": ead.read, "tei": tei.read, "dc": dublin_core.read}
# Sniffed in this order: fonds' own TEI (it may quote FRUS), FRUS TEI, Record JSON, EAD, Dublin
# Core XML, a table whose header fonds knows, the text record.
SNIFFERS: dict[str, Callable[[bytes], bool]] = {
    "tei": tei.sniff,
    "frus": frus.sniff,
    "json": jsonfile.sniff,
    "ead": ead.sniff,
    "dc": dublin_core.sniff,
    "csv": csvfile.sniff,
    "text": text.sniff,
}
TAKES_OPTIONS = frozenset({"csv"})


def detect(head: bytes, options: ImportOptions | None = None) -> str | None:
    """The format of a file from its first bytes, or None. With a column mapping in `options`,
    a table whose header only the mapping names is a CSV table too."""
    found = next((name for name, sniff in SNIFFERS.items() if sniff(head)), None)
    if options is not None and options.mapping and found in (None, "text") and csvfile.sniff(head, options.mapping):
        return "csv"
    return found


def reader(fmt: str, options: ImportOptions | None = None) -> Reader:
    """The importer of a format, with the user's options bound when it takes them."""
    if options is not None and fmt in TAKES_OPTIONS:
        return partial(IMPORTERS[fmt], options=options)
    return IMPORTERS[fmt]


__all__ = ["IMPORTERS", "SNIFFERS", "ImportOptions", "detect", "reader"]
