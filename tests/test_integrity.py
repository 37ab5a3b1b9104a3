"""`fonds check` and `fonds repair` on a store damaged by hand, against what docs/reliability.md and
their help say: every damage is named by check (exit 1), repair mends what it can and names what it
cannot, and check is clean afterwards where repair could mend it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from fonds.cli import main


def archive(tmp_path: Path) -> str:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps({
        "id": f"rec-{n}", "title": f"Letter {n}", "type": "Letter",
        "renditions": [{"kind": "translation", "language": "en", "text": f"Letter {n} about wheat."}]}) + "\n"
        for n in (1, 2, 3)), encoding="utf-8")
    db = str(tmp_path / "fonds.db")
    assert CliRunner().invoke(main, ["--db", db, "ingest", str(source)]).exit_code == 0
    return db


def mark(db: str, *tasks: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.executemany("INSERT INTO pending_work (task, state, since) VALUES (?, 'ValueError: by hand', "
                               "'2026-01-01T00:00:00Z')", [(t,) for t in tasks])


def test_marks_of_records_gone_or_withdrawn_are_cleared_by_repair_and_unknown_work_is_named(tmp_path: Path) -> None:
    db = archive(tmp_path)
    run = CliRunner().invoke
    assert run(main, ["--db", db, "withdraw", "rec-2", "--reason", "a duplicate"]).exit_code == 0
    mark(db, "page-failed:rec-2", "page-failed:never-stored", "index-failed:never-stored", "page-failed:rec-1",
         "from-a-newer-fonds")
    checked = run(main, ["--db", db, "check"])
    assert checked.exit_code == 1
    for name in ("'rec-2'", "'never-stored'", "'rec-1'", "'from-a-newer-fonds'"):
        assert name in checked.output, name

    repaired = run(main, ["--db", db, "repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "3 marks of records gone or withdrawn cleared" in repaired.output
    assert "left as they are: 'from-a-newer-fonds'" in repaired.output

    after = run(main, ["--db", db, "check"])
    assert after.exit_code == 1
    assert "'rec-2'" not in after.output and "never-stored" not in after.output
    assert "'rec-1': its web page could not be drawn" in after.output  # still there: drawn again it clears
    assert "from-a-newer-fonds" in after.output and "2 problems" in after.output


def test_a_rebuilt_index_clears_the_marks_of_records_it_no_longer_holds(tmp_path: Path) -> None:
    db = archive(tmp_path)
    mark(db, "index-failed:never-stored", "index-failed:rec-3")
    shutil.rmtree(db + ".index")  # a missing index: built again from the store
    repaired = CliRunner().invoke(main, ["--db", db, "repair"])
    assert repaired.exit_code == 0, repaired.output
    checked = CliRunner().invoke(main, ["--db", db, "check"])
    assert checked.exit_code == 0, checked.output
    found = CliRunner().invoke(main, ["--db", db, "search", "wheat"])
    assert "rec-3" in found.output


def test_a_person_entry_deleted_behind_the_stores_back_is_restored_by_repair(tmp_path: Path, corpus: Path) -> None:
    db = str(tmp_path / "fonds.db")
    assert CliRunner().invoke(main, ["--db", db, "ingest", str(corpus / "wilson-center")]).exit_code == 0
    with sqlite3.connect(db) as connection:
        linked = connection.execute("SELECT entity_id FROM record_entities ORDER BY entity_id LIMIT 1").fetchone()[0]
        connection.execute("DROP TRIGGER entities_in_use")  # as a database written by an older fonds
        connection.execute("DELETE FROM entities WHERE id = ?", (linked,))
    checked = CliRunner().invoke(main, ["--db", db, "check"])
    assert checked.exit_code == 1 and f"links to authority entry {linked!r}, which does not exist" in checked.output
    assert CliRunner().invoke(main, ["--db", db, "repair"]).exit_code == 0
    assert CliRunner().invoke(main, ["--db", db, "check"]).exit_code == 0


def _replace_with_a_file(index: Path, keep: Path) -> None:
    shutil.rmtree(index)
    index.write_text("not an index", encoding="utf-8")


def _damage_tantivy(index: Path, keep: Path) -> None:
    (index / "meta.json").write_text("garbage", encoding="utf-8")


def _older_version(index: Path, keep: Path) -> None:
    meta = json.loads((index / "fonds-index.json").read_text(encoding="utf-8"))
    (index / "fonds-index.json").write_text(json.dumps({**meta, "version": meta["version"] - 1}), encoding="utf-8")


def _ahead_of_the_store(index: Path, keep: Path) -> None:
    meta = json.loads((index / "fonds-index.json").read_text(encoding="utf-8"))
    (index / "fonds-index.json").write_text(json.dumps({**meta, "seq": 999}), encoding="utf-8")


@pytest.mark.parametrize("damage, said", [
    (lambda index, keep: shutil.rmtree(index), "is missing: searches find nothing"),
    (_replace_with_a_file, "is not a folder"),
    (lambda index, keep: (index / "fonds-index.json").write_text("{bad", encoding="utf-8"), "its checkpoint fonds-index.json cannot be read"),
    (lambda index, keep: (index / "fonds-index.json").unlink(), "holds no readable checkpoint"),
    (_damage_tantivy, "Tantivy's files cannot be opened"),
    (_older_version, "was built by another version of fonds"),
    (_ahead_of_the_store, "has applied the change log up to 999, but the store's ends at 3"),
])
def test_check_names_a_missing_or_unreadable_index_and_reindex_mends_it(
    tmp_path: Path, damage: Callable[[Path, Path], None], said: str
) -> None:
    """`fonds check` said nothing of the index; `fonds reindex`, which its errors advise, failed on a
    file where the folder should be (a traceback) and on damaged Tantivy files (its own advice again)."""
    db = archive(tmp_path)
    run = CliRunner().invoke
    index = Path(db + ".index")
    damage(index, tmp_path)
    checked = run(main, ["--db", db, "check"])
    assert checked.exit_code == 1
    assert f"search index {index}: {said}" in checked.output and "run `fonds reindex`" in checked.output
    assert "Traceback" not in checked.output
    rebuilt = run(main, ["--db", db, "reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "index rebuilt: 3 records searchable" in rebuilt.output
    assert run(main, ["--db", db, "check"]).exit_code == 0
    assert "3 records match" in run(main, ["--db", db, "search", "wheat"]).output


def test_a_record_the_door_would_refuse_is_named_once_with_its_field(tmp_path: Path) -> None:
    """It read `record 'rec-2': record 'rec-2': date.earliest: ...`."""
    db = archive(tmp_path)
    with sqlite3.connect(db) as connection:
        data = json.loads(connection.execute("SELECT data FROM records WHERE id = 'rec-2'").fetchone()[0])
        data["date"] = {"text": "1962", "earliest": "1962-01-01 or so"}
        connection.execute("UPDATE records SET data = ? WHERE id = 'rec-2'", (json.dumps(data),))
    checked = CliRunner().invoke(main, ["--db", db, "check"])
    assert checked.exit_code == 1
    assert "record 'rec-2': date.earliest: '1962-01-01 or so' is not an ISO 8601 day (YYYY-MM-DD)\n" in checked.output
    assert checked.output.count("'rec-2'") == 1
