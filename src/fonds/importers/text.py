"""The Wilson Center Digital Archive's plain-text record export.

A record is a date line, a title, then blocks headed `Citation:`, `Summary:`
(optional), `Identifier:` (optional), `Original Language:` and `Contents:`, then the
text of the renditions. See docs/record-format.md. Every problem is reported as
`origin:line: what, and what to do`; a file with a problem yields nothing. What has an
archival fallback (no id anywhere: the file name; a citation part that names no
repository: kept as text) is a warning kept on the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from pathlib import PurePath

from fonds.dates import day_first_for, parse_date
from fonds.errors import Problem, RecordError
from fonds.identifiers import MAX_LENGTH, check_identifier
from fonds.importers.citation import parse_citation
from fonds.importers.marks import find_marks
from fonds.collection import Collection
from fonds.record import Record, Rendition
from fonds.renditions.contents import NamedFile, file_names
from fonds.vocabulary import document_type, language_code, projects

MAX_BYTES = 20 * 1024 * 1024
HEADINGS = ("Citation:", "Summary:", "Identifier:", "Original Language:", "Contents:")
REQUIRED = ("Citation:", "Original Language:", "Contents:")  # only Summary: and Identifier: are optional
FILE_ID_PREFIX = "file"
RENDITION_KINDS = {
    "translation": "translation",
    "transcript": "transcript",
    "original scan": "scan",
    "scan": "scan",
    "original": "transcript",
}


@dataclass
class _Block:
    heading: str
    line: int
    lines: list[str]
    first: int = 0  # the line number of lines[0], where blank lines come before it

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def sniff(head: bytes) -> bool:
    """Whether a file's first bytes look like a text record: a `Citation:` or `Original Language:`
    heading on a line of its own, or a date line first. A document that only mentions the
    headings (a README saying "`Citation:`, `Summary:` ...") is not a record."""
    if re.search(rb"^[ \t]*(?:Citation|Original Language):[ \t]*\r?$", head, re.M):
        return True
    try:
        first = next(line for line in head.decode("utf-8-sig").splitlines() if line.strip())
    except (UnicodeDecodeError, StopIteration):
        return False
    if len(first) > 40:
        return False
    try:
        return parse_date(first).text is not None
    except RecordError:
        return False


def read(source: BinaryIO, *, origin: str) -> Iterator[Record | Collection | NamedFile]:
    """Read one text record. Raises RecordError naming the file and line of the problem.

    Besides the record, yields a `NamedFile` for each Contents line that names a file beside it
    (`Original Scan - scan.pdf`); ingest attaches them (renditions/contents.py)."""
    text = decode(source.read(MAX_BYTES + 1), origin)
    lines = text.splitlines()
    named: list[NamedFile] = []
    record = _parse(lines, origin, named)
    for code in record.collections:
        yield Collection(id=code, title=projects().get(code, code), kind="project")
    yield record
    for item in named:
        yield NamedFile(record.id, item.kind, item.language, item.names, item.origin)


def decode(raw: bytes, origin: str) -> str:
    """The file's text, or a RecordError saying why it is not a UTF-8 text file."""
    if not raw.strip():
        raise RecordError(f"{origin}:1: the file is empty; a text record starts with a date line")
    if len(raw) > MAX_BYTES:
        raise RecordError(
            f"{origin}:1: the file is larger than {MAX_BYTES // (1024 * 1024)} MB; "
            "a text record is one document: split the file"
        )
    if b"\x00" in raw[:8192]:
        raise RecordError(f"{origin}:1: this is a binary file, not a text record")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RecordError(
            f"{origin}:{line}: the file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); save it as UTF-8 and ingest it again"
        ) from None


def _nonblank(lines: list[str], start: int) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def _parse(lines: list[str], origin: str, named: list[NamedFile]) -> Record:
    at = _nonblank(lines, 0)
    if at >= len(lines):  # only white space Python counts as such (say, U+001C)
        raise RecordError(f"{origin}:1: the file holds no text; a text record starts with a date line")
    date_line = lines[at].strip()
    date_line_number = at + 1
    if date_line in HEADINGS:
        raise RecordError(f"{origin}:{at + 1}: the record has no date line before {date_line!r}")
    try:
        date = parse_date(date_line)
    except RecordError as error:
        raise RecordError(f"{origin}:{at + 1}: {_short(str(error), 200)}") from None
    at = _nonblank(lines, at + 1)
    if at >= len(lines) or lines[at].strip() in HEADINGS:
        raise RecordError(f"{origin}:{at + 1}: the record has no title line after its date")
    title = lines[at].strip()
    title_line = at + 1
    blocks, body_line, body = _blocks(lines, at + 1, origin)
    missing = [heading for heading in REQUIRED if heading not in blocks]
    if missing:
        quoted = [f"'{heading[:-1]}'" for heading in missing]
        names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        where = "ends before its" if "Citation:" in missing or "Contents:" in missing else "has no"
        last = max((i + 1 for i, line in enumerate(lines) if line.strip()), default=1)
        raise RecordError(
            f"{origin}:{last}: the record {where} {names} block{'s' if len(missing) > 1 else ''}"
            f"{' (only Summary is optional)' if 'Citation:' not in missing else ''}; "
            "the file may be cut off: export it again"
        )
    citation_block = blocks["Citation:"]
    if not citation_block.text:
        raise RecordError(f"{origin}:{citation_block.line}: the 'Citation' block is empty; give the citation under it")
    citation_line = citation_block.line + 1 + next(
        (i for i, line in enumerate(citation_block.lines) if line.strip()), 0
    )
    citation = parse_citation(citation_block.text, origin=f"{origin}:{citation_line}")
    warnings = [Problem(f"{origin}:{citation_line}", message) for message in citation.warnings]
    record_id, id_warning = _record_id(blocks.get("Identifier:"), citation.record_id, origin, citation_line)
    if id_warning:
        warnings.append(id_warning)
    languages = _languages(blocks.get("Original Language:"), origin)
    if date.warning and day_first_for(languages):  # a European original: 05/04/1962 is 5 April
        date = parse_date(date_line, day_first=True)
    if date.warning:
        warnings.insert(0, Problem(f"{origin}:{date_line_number}", date.warning))
    renditions = _renditions(blocks.get("Contents:"), body, origin, named)
    summary_block = blocks.get("Summary:")
    return Record(
        id=record_id,
        title=title,
        type=document_type(title),
        date=date,
        summary=(summary_block.text or None) if summary_block else None,
        original_languages=languages,
        source=citation.source,
        credits=citation.credits,
        collections=citation.projects,
        url=citation.url,
        number=citation.number,
        renditions=renditions,
        origin=f"{origin}:{title_line}" if body_line is None else f"{origin}:{title_line}-{body_line}",
        warnings=tuple(warnings),
    )


def _blocks(lines: list[str], start: int, origin: str) -> tuple[dict[str, _Block], int | None, str]:
    """The headed blocks, and the body text after `Contents:` with the line it starts on."""
    blocks: dict[str, _Block] = {}
    current: _Block | None = None
    index = start
    while index < len(lines):
        stripped = lines[index].strip()
        if stripped in HEADINGS:
            current = _Block(stripped, index + 1, [])
            blocks[stripped] = current
            if stripped == "Contents:":
                return blocks, *_contents(lines, index + 1, current)
        elif current is not None:
            current.lines.append(lines[index])
        elif stripped:
            raise RecordError(
                f"{origin}:{index + 1}: unexpected text {_short(stripped, 60)!r} between the title "
                f"and the first block; expected a block heading ({', '.join(h[:-1] for h in HEADINGS)}), "
                "each on its own line and ending in a colon"
            )
        index += 1
    return blocks, None, ""


def _contents(lines: list[str], start: int, block: _Block) -> tuple[int | None, str]:
    """Rendition lines up to the first blank line after them; then the body."""
    index = _nonblank(lines, start)
    block.first = index + 1
    while index < len(lines) and lines[index].strip():
        block.lines.append(lines[index])
        index += 1
    first = _nonblank(lines, index)
    if first >= len(lines):
        return None, ""
    return first + 1, "\n".join(lines[first:]).rstrip()


def _record_id(
    block: _Block | None, from_citation: str | None, origin: str, citation_line: int
) -> tuple[str, Problem | None]:
    """The record's id, and a warning when it had to come from the file name.

    An `Identifier:` block wins; else the id the citation's document URL gives (`wcda-NUMBER`,
    or `<host>-<id>` for another site); else `file-<file name without extension>`, warned.
    """
    if block is not None:
        value = block.text
        if not value or "\n" in value:
            raise RecordError(
                f"{origin}:{block.line}: the 'Identifier' block must hold one id on one line "
                "(such as 'ABC-1962-14')"
            )
        line = block.line + 1 + next((i for i, text in enumerate(block.lines) if text.strip()), 0)
        return check_identifier(value, origin=f"{origin}:{line}", what="the 'Identifier' block's id"), None
    if from_citation:
        return check_identifier(from_citation, origin=f"{origin}:{citation_line}", what="the id its URL gives"), None
    stem = re.sub(r"[^\w.-]+", "-", PurePath(origin.split("#", 1)[0]).stem).strip("-.") or "record"
    record_id = f"{FILE_ID_PREFIX}-{stem}"[:MAX_LENGTH]
    return record_id, Problem(
        f"{origin}:{citation_line}",
        f"the citation has no document URL (…/document/NUMBER), so the id {record_id!r} was made "
        "from the file name; add the archive's URL to the citation or an 'Identifier' block to keep "
        "it stable",
    )


def _languages(block: _Block | None, origin: str) -> tuple[str, ...]:
    if block is None or not block.text:
        return ()
    codes: list[str] = []
    for name in re.split(r"\s*(?:,|;|/|\band\b)\s*", block.text):
        if not name:
            continue
        code = language_code(name)
        if code is None:
            raise RecordError(
                f"{origin}:{block.line + 1}: original language {name!r} is not one we know; "
                "write its English name (Russian, Chinese, Korean...)"
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _renditions(block: _Block | None, body: str, origin: str, named: list[NamedFile]) -> tuple[Rendition, ...]:
    """The renditions the Contents lines announce (placeholders until a file or the body fills
    them); a line ending in a file name (`Transcript - Russian - transcript.txt`) adds to `named`."""
    renditions: list[Rendition] = []
    with_file: set[int] = set()
    first_line = block.first or block.line + 1 if block else 0
    for offset, line in enumerate(block.lines if block else []):
        label = line.strip()
        if not label:
            continue
        where = f"{origin}:{first_line + offset}"
        parts = [part.strip() for part in label.split(" - ")]
        names = file_names(parts[-1]) if len(parts) > 1 else None
        if names is not None:
            parts = parts[:-1]
        kind = RENDITION_KINDS.get(parts[0].lower())
        if kind is None or len(parts) > 2:
            raise RecordError(
                f"{where}: contents line {label!r} names no rendition we know; use 'Translation - English', "
                "'Transcript - Russian' or 'Original Scan', optionally followed by ' - ' and the name of a file "
                "beside the record ('Original Scan - scan.pdf')"
            )
        language = None
        if len(parts) == 2:
            language = language_code(parts[1])
            if language is None:
                raise RecordError(f"{where}: contents line {label!r}: {parts[1]!r} is not a language we know; "
                                  "write its English name (Russian, Chinese, Korean...)")
        if names is not None:
            with_file.add(len(renditions))
            named.append(NamedFile("", kind, language, names, where))
        renditions.append(Rendition(kind=kind, language=language, label=" - ".join(parts)))
    if body:
        target = next((i for i, r in enumerate(renditions) if r.kind == "translation" and i not in with_file), None)
        if target is None:
            target = next((i for i, r in enumerate(renditions) if r.kind != "scan" and i not in with_file), None)
        if target is None:
            renditions.append(Rendition(kind="translation", language="en", label="Text"))
            target = len(renditions) - 1
        chosen = renditions[target]
        renditions[target] = Rendition(
            kind=chosen.kind, language=chosen.language, label=chosen.label, text=body, marks=find_marks(body)
        )
    return tuple(renditions)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
