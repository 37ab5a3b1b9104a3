"""Files held beside the database, content-addressed: a file's name is the SHA-256 of its bytes.

Layout: `ROOT/ab/cd/abcd...` (the first two pairs of hex digits make folders, so no folder holds
more than 65,536 entries). The same bytes are stored once; a file, once written, never changes, so
copying the folder (rsync, a backup) can never give a torn file, and any number of web nodes may
share or mirror it. Writes go to a temporary file in ROOT that is renamed into place, so a crash
never leaves a half-written file under a real name.

For SQLite, ROOT is a folder beside the database file (`archive.db.files/`); for PostgreSQL it is the
`files` setting (default `fonds-files-HOST_DB` in the working folder), a folder every web node
mounts. See docs/renditions.md for why a folder rather than large objects in PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from fonds.errors import NotFound, StoreError
from fonds.record import FileRef

CHUNK = 1 << 20


def _is_hex(name: str) -> bool:
    return all(c in "0123456789abcdef" for c in name)


class FileStore:
    """Put and find files by content. `root` is created on first write."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file with this hash lives (it may not exist)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound(f"{sha256[:70]!r} is not a file name in this archive (64 lower-case hex digits)")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the file with this hash is held."""
        return self.path(sha256).is_file()

    def iter_hashes(self) -> Iterator[str]:
        """The hash of every file held, in no set order (the `ab/cd/` folders; `ocr-cache/` and
        temporary `.incoming-*` files are not files of the archive)."""
        if not self.root.is_dir():
            return
        for first in self.root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                if len(second.name) != 2 or not second.is_dir():
                    continue
                for item in second.iterdir():
                    name = item.name
                    if len(name) == 64 and name.startswith(first.name + second.name) and _is_hex(name):
                        yield name

    def open_path(self, sha256: str) -> Path:
        """The path of a stored file; NotFound if the archive does not hold it."""
        path = self.path(sha256)
        if not path.is_file():
            raise NotFound(f"the archive holds no file {sha256}; the record may name a file that was never stored")
        return path

    def read(self, sha256: str) -> bytes:
        return self.open_path(sha256).read_bytes()

    def put_bytes(self, data: bytes, media_type: str, *, name: str | None = None,
                  width: int | None = None, height: int | None = None) -> FileRef:
        """Store bytes (once per content) and return their FileRef."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not self._touch(target):
            self._write(target, data)
        return FileRef(sha, media_type, len(data), name, width, height)

    def _touch(self, target: Path) -> bool:
        """Mark a file already held as just put (its mtime now), so `fonds files gc` leaves it alone
        while the attach that put it commits (see renditions/upkeep.py); False if it is not held
        (never stored, or taken away by gc a moment ago: then the caller writes it again)."""
        try:
            os.utime(target)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StoreError(f"{target}: could not mark a stored file ({error.strerror}); check the folder's permissions") from error
        return True

    def put_file(self, source: Path, media_type: str, *, name: str | None = None,
                 width: int | None = None, height: int | None = None) -> FileRef:
        """Store a file's bytes (read once into memory: the files fonds takes are page-sized)."""
        return self.put_bytes(source.read_bytes(), media_type, name=name or source.name, width=width, height=height)

    def _write(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise StoreError(f"{self.root}: could not store a file ({error.strerror}); check the folder's space and permissions") from error
