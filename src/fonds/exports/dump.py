"""Bulk dumps: every record, streamed one at a time, as JSON Lines, a TEI corpus or CSV.

Nothing is held but the record being written, so a million records need no
more memory than one.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from lxml import etree

from fonds.errors import ExportError
from fonds.exports import citation, tei
from fonds.record import Record

FORMATS = ("jsonl", "tei", "csv")
CSV_HEADER = (
    "id", "title", "type", "date_text", "earliest", "latest", "languages",
    "repository", "reference", "translators", "collections", "url",
)
LIST_SEPARATOR = "; "

_CORPUS_HEADER = (
    '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
    "<titleStmt><title>Records exported from fonds</title></titleStmt>"
    "<publicationStmt><p>Exported by fonds.</p></publicationStmt>"
    "<sourceDesc><p>Each TEI document below describes its own source.</p></sourceDesc>"
    "</fileDesc></teiHeader>\n"
)


def write_all(records: Iterable[Record], fmt: str, out: TextIO) -> int:
    """Write every record to `out` in `fmt` (jsonl, tei or csv); return how many were written."""
    writers: dict[str, Callable[[Iterator[Record], TextIO], int]] = {
        "jsonl": _jsonl,
        "tei": _tei_corpus,
        "csv": _csv,
    }
    if fmt not in writers:
        raise ExportError(f"dump format {fmt!r} is not one we write; use one of {', '.join(FORMATS)}")
    return writers[fmt](iter(records), out)


def _jsonl(records: Iterator[Record], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def _tei_corpus(records: Iterator[Record], out: TextIO) -> int:
    first = next(records, None)
    if first is None:
        raise ExportError("there are no records to dump; a TEI corpus must hold at least one")
    out.write(_CORPUS_HEADER)
    count = 0
    for record in itertools.chain([first], records):
        out.write(etree.tostring(tei.element(record), encoding="unicode"))
        out.write("\n")
        count += 1
    out.write("</teiCorpus>\n")
    return count


def _csv(records: Iterator[Record], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


def csv_row(record: Record) -> list[str]:
    """One CSV row, in the order of CSV_HEADER; lists joined with `; `."""
    source = record.source
    translators = [c.name for c in record.credits if c.role == "translator"]
    return [
        record.id,
        record.title,
        record.type or "",
        record.date.text or "",
        record.date.earliest or "",
        record.date.latest or "",
        LIST_SEPARATOR.join(record.languages),
        source.repository or source.repository_code or "",
        citation.reference_text(source) or "",
        LIST_SEPARATOR.join(translators),
        LIST_SEPARATOR.join(record.collections),
        record.url or "",
    ]
