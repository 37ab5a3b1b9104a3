"""Files a text record's `Contents:` block names beside it, attached as renditions at ingest.

A Wilson Center text record lists its renditions under `Contents:`; a line may end in the name of a
file in the record's folder:

    Contents:

    Original Scan - scan.pdf
    Transcript - Russian - transcript.txt
    Translation - English - translation.md

The importer (importers/text.py) yields a `NamedFile` for each such line beside the Record; ingest
(`Attacher.apply`) checks every named file of the record first (present, a regular file inside the
record's folder: no absolute paths, no `..`, no symlink leading out; not empty, not damaged or
encrypted, as `fonds attach` checks), and only then makes the renditions (attach.read: the scan's
page images, its text layer or OCR) and merges them into the record, which the store then writes in
the file's one transaction. Any problem rejects the whole file with `file:line: what`, and nothing
of it is stored. Re-ingesting the same files changes nothing: renditions already stored from a file
with the same hash are reused as they are (no new rendering or OCR).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Sequence

from fonds.errors import NotFound, RecordError
from fonds.record import Record, Rendition
from fonds.renditions.files import FileStore
from fonds.store.base import Store

# What a Contents line's last part must end in to be read as a file name, not a language.
ATTACHABLE = (".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".jpg", ".jpeg", ".png", ".tif", ".tiff")


@dataclass(frozen=True)
class NamedFile:
    """A file a record's Contents line names: `names` as written (several page images are separated
    by commas), the rendition's `kind` and `language`, and `origin` (`file:line` of the line)."""

    record_id: str
    kind: str
    language: str | None
    names: tuple[str, ...]
    origin: str


def file_names(part: str) -> tuple[str, ...] | None:
    """The file names a Contents line's last part gives (`scan.pdf`; `p1.jpg, p2.jpg`), or None
    when it is not file names (a language: `Russian`)."""
    names = tuple(n.strip() for n in part.split(","))
    if names and all(n and (n.lower().endswith(ATTACHABLE) or "/" in n or "\\" in n) for n in names):
        return names
    return None


def resolve(name: str, folder: Path, origin: str) -> Path:
    """The path of `name` inside `folder` (the record file's folder). RecordError, naming `origin`,
    for an absolute path, a path leaving the folder (`..`, a symlink to elsewhere) or a missing file."""
    pure = PurePath(name.replace("\\", "/"))
    if pure.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise RecordError(f"{origin}: the file {name!r} is an absolute path; name a file beside the record, "
                          "by its name alone or a path inside the record's folder")
    if ".." in pure.parts:
        raise RecordError(f"{origin}: the file {name!r} lies outside the record's folder ('..'); "
                          "put the file beside the record and name it there")
    base = folder.resolve()
    path = folder / pure
    real = path.resolve()
    if not real.is_relative_to(base):
        raise RecordError(f"{origin}: the file {name!r} leads outside the record's folder (a symbolic link to {real}); "
                          "copy the file beside the record")
    if not path.exists():
        raise RecordError(f"{origin}: the file {name!r} is not beside the record (looked for {path}); "
                          "put it there or correct the Contents line")
    if not real.is_file():
        raise RecordError(f"{origin}: {name!r} is not a regular file; name a PDF, image, text or HTML file")
    return path


def files_named_by(record_file: Path) -> set[Path]:
    """The resolved paths a text record's Contents lines name (for ingest not to report them as
    files that are no record); empty for any other file or a record that cannot be read."""
    from fonds.errors import FondsError
    from fonds.importers import text

    try:
        with record_file.open("rb") as source:
            if not text.sniff(source.read(4096)):
                return set()
            source.seek(0)
            items = list(text.read(source, origin=str(record_file)))
    except (OSError, FondsError, ValueError):
        return set()
    found: set[Path] = set()
    for item in items:
        if isinstance(item, NamedFile):
            for name in item.names:
                found.add((record_file.parent / name.replace("\\", "/")).resolve())
    return found


@dataclass(frozen=True)
class Attacher:
    """How ingest attaches named files: the file store, OCR worker processes, the page limit."""

    files: FileStore
    workers: int = 2
    max_pages: int = 2000

    def apply(self, store: Store, records: Sequence[Record], named: Sequence[NamedFile], *,
              dry_run: bool = False) -> list[Record]:
        """`records` with the renditions of the files `named` merged in (see the module docstring).
        RecordError (`file:line: ...`) for the first file that cannot be attached."""
        from fonds.renditions.attach import Options, merge, precheck

        by_record: dict[str, list[tuple[NamedFile, list[Path], Options]]] = {}
        for item in named:  # every file of every record checked before anything is made
            folder = Path(item.origin.rsplit(":", 1)[0]).parent
            paths = [resolve(name, folder, item.origin) for name in item.names]
            options = Options(kind=item.kind, language=item.language, workers=self.workers, max_pages=self.max_pages)
            try:
                precheck(paths, options)
            except RecordError as error:
                raise RecordError(f"{item.origin}: {_without_path(str(error), paths)}") from None
            by_record.setdefault(item.record_id, []).append((item, paths, options))
        if dry_run:
            return list(records)
        out = []
        for record in records:
            wanted = by_record.get(record.id)
            if not wanted:
                out.append(record)
                continue
            stored = _stored(store, record.id)
            made: list[Rendition] = []
            for item, paths, options in wanted:
                made.extend(self._renditions(store, record, stored, item, paths, options))
            out.append(merge(record, made))
        return out

    def _renditions(self, store: Store, record: Record, stored: Record | None, item: NamedFile,
                    paths: list[Path], options: object) -> list[Rendition]:
        from fonds.renditions.attach import Options, read

        assert isinstance(options, Options)
        digest = _digest(paths)
        if stored is not None and digest is not None:
            kept = _made_from(stored, item.kind, digest)
            if kept and all(self.files.has(sha) for r in kept for sha in _hashes(r)):
                return kept  # the same file as last time: nothing to render or OCR again
        try:
            renditions, _ocr, _layer = read(record, self.files, paths, options)
        except RecordError as error:
            raise RecordError(f"{item.origin}: {_without_path(str(error), paths)}") from None
        return list(renditions)


def _stored(store: Store, record_id: str) -> Record | None:
    try:
        return store.get(record_id)
    except NotFound:
        return None


def _digest(paths: list[Path]) -> str | None:
    """The hash a rendition made from `paths` names as its source: the file's own for one file."""
    if len(paths) != 1:
        return None
    return hashlib.sha256(paths[0].read_bytes()).hexdigest()


def _made_from(record: Record, kind: str, sha: str) -> list[Rendition]:
    """The renditions `record` holds made from the file with hash `sha` (a scan and its transcript)."""
    kinds = ("scan", "transcript") if kind == "scan" else (kind,)
    return [r for r in record.renditions if r.source is not None and r.source.sha256 == sha and r.kind in kinds]


def _hashes(rendition: Rendition) -> list[str]:
    return (([rendition.source.sha256] if rendition.source else []) + [i.sha256 for i in rendition.images]
            + ([rendition.words.sha256] if rendition.words else []))


def _without_path(message: str, paths: list[Path]) -> str:
    """An attach message with the file's path taken off its front (the origin names the line)."""
    for path in paths:
        prefix = f"{path}: "
        if message.startswith(prefix):
            return f"{path.name}: {message[len(prefix):]}"
    return message

