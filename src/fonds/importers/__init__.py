"""Importers, one per input format, all of one shape: read(source, *, origin) -> Iterator."""

from __future__ import annotations

from typing import Callable, Iterator

from fonds.importers import frus, jsonfile, text

Reader = Callable[..., Iterator[object]]

# Sniffed in this order: FRUS TEI, then Record JSON, then the text record.
IMPORTERS: dict[str, Reader] = {"frus": frus.read, "text": text.read, "json": jsonfile.read}
SNIFFERS: dict[str, Callable[[bytes], bool]] = {"frus": frus.sniff, "json": jsonfile.sniff, "text": text.sniff}


def detect(head: bytes) -> str | None:
    """The format of a file from its first bytes, or None."""
    return next((name for name, sniff in SNIFFERS.items() if sniff(head)), None)


__all__ = ["IMPORTERS", "SNIFFERS", "detect"]
