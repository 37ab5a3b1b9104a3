"""`fonds proposals list|show|accept|reject`: the archivist's shell twin of /staff/proposals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

from fonds import proposals
from fonds.cli import main
from fonds.editing import EditForm
from fonds.store import open_store

WCDA = "wcda-110485"


@pytest.fixture
def db(tmp_path: Path, corpus: Path) -> str:
    """An archive with the Wilson Center record and two proposals on it from `con`: a title and a summary."""
    path = str(tmp_path / "fonds.db")
    assert CliRunner().invoke(main, ["--db", path, "ingest", str(corpus / "wilson-center")]).exit_code == 0
    store = open_store(path)
    try:
        record = store.get(WCDA)
        start = EditForm.of(record)
        for field, value in (("title", record.title + " (corrected)"), ("summary", "A <b>new</b> summary.")):
            proposals.propose(store, WCDA, EditForm({**start.values, field: value}, start.texts),
                              note=f"fix the {field}", proposer="con")
    finally:
        store.close()
    return path


@pytest.fixture
def run(db: str) -> Callable[..., Result]:
    def invoke(*args: str, **kwargs: Any) -> Result:
        return CliRunner().invoke(main, ["--db", db, *args], **kwargs)

    return invoke


def test_list_show_accept_and_reject(run: Callable[..., Result], db: str) -> None:
    listed = run("proposals", "list")
    assert listed.exit_code == 0 and "open" in listed.output and "fix the title" in listed.output
    assert [p["number"] for p in json.loads(run("proposals", "list", "--json").output)] == [1, 2]
    shown = run("proposals", "show", "1")
    assert shown.exit_code == 0 and "{+ (corrected)+}" in shown.output
    assert run("proposals", "accept", "1", "--reason", "checked").exit_code == 0
    history = json.loads(run("history", WCDA, "--json").output)
    assert history[-1]["by"].startswith("user con, accepted by cli ") and history[-1]["number"] == 2
    stale = json.loads(run("proposals", "show", "2", "--json").output)
    assert stale["stale"] is True and [c["field"] for c in stale["against_current"]] == ["Summary"]
    refused = run("proposals", "reject", "2", "--reason", "")
    assert refused.exit_code == 1 and "say why" in refused.output
    assert run("proposals", "reject", "2", "--reason", "not what the document says").exit_code == 0
    decided = json.loads(run("proposals", "list", "--status", "all", "--json").output)
    assert {(p["number"], p["status"]) for p in decided} == {(1, "accepted"), (2, "rejected")}
    again = run("proposals", "accept", "2")
    assert again.exit_code == 1 and again.output.startswith("fonds: proposal 2 was rejected")
    missing = run("proposals", "show", "9")
    assert missing.exit_code == 1 and "there is no proposal 9" in missing.output


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999999", "0", "-3"])
def test_a_number_no_store_can_hold_is_one_line_not_a_traceback(run: Callable[..., Result], number: str) -> None:
    for args in (("proposals", "show", "--", number), ("proposals", "accept", "--", number),
                 ("proposals", "reject", "--reason", "no", "--", number),
                 ("show", f"--version={number}", WCDA), ("history", WCDA, "--diff", "1", number)):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        line = result.output.strip()
        assert "\n" not in line and line.startswith("fonds: ") and ("no proposal" in line or "no version" in line), line
