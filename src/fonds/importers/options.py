"""What a user can tell the importers beyond the file itself (`fonds ingest` flags).

Importers that take options (the CSV readers) receive an `ImportOptions`; the
others ignore them. `importers.reader(fmt, options)` binds them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from fonds.errors import RecordError


@dataclass(frozen=True)
class ImportOptions:
    """`encoding`: the character encoding a CSV/TSV file is in (`--encoding windows-1252`); None
    detects it. `mapping`: the file's column name -> fonds' column name (`--map mapping.toml`).
    `skip_bad_rows`: store the good rows of a CSV file and report each bad one skipped, instead
    of storing nothing."""

    encoding: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    skip_bad_rows: bool = False


def load_mapping(path: str | Path) -> dict[str, str]:
    """Read a column mapping: a TOML file with a `[columns]` table, `"Their column" = "title"`.

    Raises RecordError naming the file and what to fix."""
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise RecordError(f"{where}: cannot read the column mapping ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RecordError(f"{where}: not a valid TOML file ({error}); see docs/importing.md") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise RecordError(
            f'{where}: the mapping needs a [columns] table, e.g. [columns] "Titel" = "title"; '
            "see docs/importing.md"
        )
    from fonds.importers.csv_columns import COLUMNS

    mapping: dict[str, str] = {}
    for theirs, ours in columns.items():
        if not isinstance(ours, str) or ours not in COLUMNS:
            raise RecordError(
                f"{where}: column {theirs!r} maps to {ours!r}, which is not a fonds column; "
                f"use one of {', '.join(COLUMNS)}"
            )
        mapping[theirs.strip()] = ours
    return mapping
