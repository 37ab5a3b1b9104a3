"""Importers, one per input format, all of one shape: read(source, *, origin) -> Iterator."""

from __future__ import annotations

from typing import BinaryIO, Callable, Iterator

from fonds.importers import jsonfile, text

Reader = Callable[..., Iterator[object]]

IMPORTERS: dict[str, Reader] = {"text": text.read, "json": jsonfile.read}
SNIFFERS: dict[str, Callable[[bytes], bool]] = {"json": jsonfile.sniff, "text": text.sniff}

try:  # the FRUS importer registers itself when present
    from fonds.importers import frus

    IMPORTERS = {"frus": frus.read, **IMPORTERS}
    SNIFFERS = {"frus": frus.sniff, **SNIFFERS}
except ImportError:  # pragma: no cover - only while the module is being written
    pass


def detect(head: bytes) -> str | None:
    """The format of a file from its first bytes, or None."""
    return next((name for name, sniff in SNIFFERS.items() if sniff(head)), None)


__all__ = ["IMPORTERS", "SNIFFERS", "detect", "BinaryIO"]
