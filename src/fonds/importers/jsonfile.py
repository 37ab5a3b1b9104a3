"""Record JSON, as `fonds show --json` and `fonds dump --format jsonl` write it.

A file holds one record object, a list of them, or one object per line (JSON Lines). A dump
also holds the archive's collections and authority entries, each as `{"collection": {...}}` or
`{"entity": {...}}` (see exports/dump.py).
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterator

from fonds.errors import RecordError
from fonds.importers import record_schema
from fonds.importers.text import decode
from fonds.authority import Entity
from fonds.collection import Collection
from fonds.record import Record


def sniff(head: bytes) -> bool:
    """Whether a file's first bytes are Record JSON by structure: an object (`{`), or a list that
    is empty or starts with an object (`[{`, `[ ]`). A text record whose date line is `[1962]` or
    `[ca. 1962]` is not JSON."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"{":
        return True
    return stripped[:1] == b"[" and stripped[1:].lstrip(b" \t\r\n")[:1] in (b"{", b"]")


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Collection | Entity]:
    """Read Record JSON. Every record is checked before any is given out."""
    text = decode(source.read(), origin)
    records = [_item(item, f"{origin}:{line}") for line, item in _items(text, origin)]
    yield from records


def _item(item: Any, origin: str) -> Record | Collection | Entity:
    """A record, or a dump's `{"collection": ...}` / `{"entity": ...}` line."""
    if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in ("collection", "entity"):
        kind, data = next(iter(item.items()))
        try:
            return Collection.from_dict(data) if kind == "collection" else Entity.from_dict(data)
        except (TypeError, KeyError, ValueError, AttributeError) as error:
            raise RecordError(f"{origin}: the {kind} does not fit the shape fonds dumps ({error})") from None
    return _record(item, origin)


def _items(text: str, origin: str) -> list[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise RecordError(
            f"{origin}:1: the JSON is nested too deeply to be a record; give Record objects"
        ) from None
    except json.JSONDecodeError as whole_error:
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except RecursionError:
                raise RecordError(
                    f"{origin}:{number}: the JSON is nested too deeply to be a record; give Record objects"
                ) from None
            except json.JSONDecodeError as line_error:
                # lines before this one were JSON each: JSON Lines, and this line is the broken one;
                # otherwise the file is one JSON value, broken where the whole-file parse stopped
                at = (number, line_error.colno, line_error.msg) if items else (
                    whole_error.lineno, whole_error.colno, whole_error.msg)
                raise RecordError(
                    f"{origin}:{at[0]}:{at[1]}: not valid JSON ({at[2]}); give one Record object, a list, "
                    "or one object per line"
                ) from None
        return items
    return [(1, item) for item in data] if isinstance(data, list) else [(1, data)]


def _record(item: Any, origin: str) -> Record:
    """One Record from one JSON value, checked field by field first (importers.record_schema)."""
    if not isinstance(item, dict):
        raise RecordError(f"{origin}: expected a Record object, found {type(item).__name__}")
    for key in ("id", "title"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise RecordError(f"{origin}: a record needs a non-empty {key!r}")
    record_schema.check(item, origin=origin)
    try:
        return Record.from_dict(item)
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        raise RecordError(f"{origin}: record {item['id']!r} does not fit the Record shape ({error})") from None
