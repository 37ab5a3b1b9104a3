"""CSV and TSV files as a table: the bytes decoded, the header found, rows numbered.

Decoding (never stores mojibake): UTF-8 with or without a BOM; else the encoding
`--encoding` names; else what charset-normalizer detects with confidence (the
report says so); else an error naming the likely encoding. A file that decodes
but carries UTF-8 read as Windows-1252 (`Ã©`, `â€™`) is refused.

Rows are numbered as a spreadsheet shows them: the (first) header row is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import Iterator

from fonds.errors import Problem, RecordError

MAX_BYTES = 512 * 1024 * 1024
# UTF-8 bytes of common accented letters and punctuation, read as Windows-1252 or Latin-1.
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a]|â€[\u0080-\u00bf\u2013-\u203a™œ]|Ð[\u0080-\u00bf]|Ñ[\u0080-\u00bf]")
csv.field_size_limit(64 * 1024 * 1024)


@dataclass(frozen=True)
class Table:
    """A decoded CSV/TSV file: its header cells, its rows (number, cells) and how it was read."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    delimiter: str
    notes: tuple[Problem, ...] = ()


def decode(raw: bytes, origin: str, encoding: str | None = None) -> tuple[str, str, tuple[Problem, ...]]:
    """(text, encoding name, notes) of a CSV file's bytes. Raises RecordError when the encoding is
    unknown, wrong for the bytes, unsure, or the text holds mojibake."""
    if len(raw) > MAX_BYTES:
        raise RecordError(f"{origin}:row 1: the file is larger than {MAX_BYTES >> 20} MB; split it")
    if b"\x00" in raw[:8192] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RecordError(f"{origin}:row 1: this is a binary file, not a CSV table")
    notes: tuple[Problem, ...] = ()
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise RecordError(
                f"{origin}: --encoding {encoding!r} is not an encoding Python knows; "
                "use e.g. utf-8, windows-1252, latin-1, utf-16"
            ) from None
        if name not in ("utf-8", "utf-8-sig") and _is_utf8_beyond_ascii(raw):
            raise RecordError(
                f"{origin}:row 1: the file is valid UTF-8, but --encoding says {encoding}; reading it "
                f"as {encoding} would store garbled letters (mojibake): leave --encoding out"
            )
        try:
            text = raw.decode("utf-8-sig" if name == "utf-8" else name)
        except UnicodeDecodeError as error:
            raise RecordError(
                f"{origin}:row {_row_of(raw, error.start)}: byte 0x{raw[error.start]:02x} is not {encoding}; "
                "give the file's real encoding with --encoding, or save it as UTF-8"
            ) from None
    else:
        try:
            text, name = raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as error:
            text, name, notes = _detected(raw, origin, error)
    bad = _MOJIBAKE.search(text)
    if bad:
        raise RecordError(
            f"{origin}:row {text.count(chr(10), 0, bad.start()) + 1}: the text holds {bad.group()!r}, "
            "UTF-8 letters garbled by an earlier wrong conversion (mojibake); fonds never stores "
            "mojibake: re-export the file as UTF-8 from the original"
        )
    return text, name, notes


def _is_utf8_beyond_ascii(raw: bytes) -> bool:
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _row_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _detected(raw: bytes, origin: str, error: UnicodeDecodeError) -> tuple[str, str, tuple[Problem, ...]]:
    from charset_normalizer import from_bytes

    results = list(from_bytes(raw[: 4 * 1024 * 1024]))
    row = _row_of(raw, error.start)
    where = f"{origin}:row {row}"
    if not results:
        raise RecordError(
            f"{where}: the file is not UTF-8 (byte 0x{raw[error.start]:02x}) and its encoding cannot "
            "be recognised; save it as UTF-8, or name its encoding with --encoding"
        )
    best = min(results, key=lambda r: r.chaos)
    # Spreadsheets saved on Western Windows are Windows-1252; other single-byte code pages
    # decode the same bytes without error but to other letters, so prefer it on a near tie.
    western = [r for r in results if codecs.lookup(r.encoding).name in WESTERN]
    chosen = western[0] if western and western[0].chaos <= best.chaos + 0.05 else best
    name = codecs.lookup(chosen.encoding).name
    if name in WESTERN:
        name = "cp1252" if _decodes(raw, "cp1252") else name
    elif chosen.chaos > 0.02 or len(results) > 1:
        raise RecordError(
            f"{where}: the file is not UTF-8 (byte 0x{raw[error.start]:02x}); it is probably "
            f"{_label(name)}, but fonds is not sure: give --encoding {_label(name)} if that is right, "
            "or save the file as UTF-8"
        )
    try:
        text = raw.decode(name)
    except UnicodeDecodeError:
        raise RecordError(
            f"{where}: the file is not UTF-8; it looks like {_label(name)} but does not decode as it; "
            "save it as UTF-8"
        ) from None
    note = Problem(
        f"{origin}:row 1",
        f"the file is not UTF-8; read as {_label(name)} (detected); give --encoding to be explicit",
    )
    return text, name, (note,)


WESTERN = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15"})


def _decodes(raw: bytes, name: str) -> bool:
    try:
        raw.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _label(name: str) -> str:
    return {"cp1252": "windows-1252", "cp1251": "windows-1251", "iso8859-1": "latin-1"}.get(name, name)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def first_row(text: str) -> str:
    """The first line of a table's text, whichever line breaks it uses: CRLF, LF, or the lone CR
    of a spreadsheet saved as "CSV (Macintosh)", which read as one line was no table at all."""
    return _LINE_BREAK.split(text, maxsplit=1)[0]


def read_table(raw: bytes, origin: str, encoding: str | None = None) -> Table:
    """Decode and split a CSV (comma, semicolon) or TSV (tab) file. The delimiter is the one the
    header row uses most. Raises RecordError for an empty file or an undecodable one."""
    text, name, notes = decode(raw, origin, encoding)
    first_line = first_row(text)
    if not first_line.strip():
        raise RecordError(f"{origin}:row 1: the file is empty or starts with a blank line; the first row must name the columns")
    delimiter = max(("\t", ",", ";"), key=first_line.count)
    # strict: a quote never closed is an error, not the rest of the file read into one cell (its
    # rows silently lost), and so are characters after a closing quote (`"x"y`)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as error:
        raise RecordError(f"{origin}:row 1: the header row is not valid CSV ({error})") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    raise RecordError(f"{origin}:row {number}: a quoted cell that starts in this row is never closed, so the "
                                      "rest of the file would be read as one cell (a file cut short, or a stray \"); "
                                      "close the quote or remove it") from None
                raise RecordError(f"{origin}:row {number}: not valid CSV ({error}); check its quotes") from None
            if any(cell.strip() for cell in cells):
                yield number, cells

    return Table(header=header, rows=rows(), encoding=name, delimiter=delimiter, notes=notes)
