"""Record JSON files: a broken line is named by its own line and column, in JSON Lines and in one
pretty-printed value alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fonds.errors import RecordError
from fonds.importers import jsonfile


def line(n: int) -> str:
    return json.dumps({"id": f"j-{n}", "title": f"Letter {n}", "type": "Letter"})


@pytest.mark.parametrize(("lines", "where", "what"), [
    ([line(1), line(2), line(3), '{"id": "j-4", "title": broken', line(5)], ":4:24:", "Expecting value"),
    ([line(1), "", line(2), "{\"id\": \"j-9\",}"], ":4:14:", "Expecting property name"),
    (["{", '  "id": "j-1",', '  "title": "Letter",', '  "type": "Letter",,', "}"], ":4:20:", "Expecting property name"),
    (['{"id": "j-1" "title": "x"}', line(2)], ":1:14:", "Expecting ','"),
])
def test_a_broken_line_is_named_by_its_own_line_and_column(tmp_path: Path, lines: list[str], where: str,
                                                           what: str) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RecordError) as error, path.open("rb") as source:
        list(jsonfile.read(source, origin=str(path)))
    assert str(error.value).startswith(f"{path}{where} not valid JSON ({what}")
