"""Harvesting: from a second `fonds serve` (a full copy, then only the changes), and from the
recorded OAI-PMH responses of the shared corpus served by a small local server that can drop a
connection or refuse a resumption token."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from fonds.harvest import HarvestError, HarvestState, harvest
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- a second fonds ---------------------------------------------------------------------------


@pytest.fixture
def other_fonds(tmp_path: Path, corpus: Path) -> Iterator[tuple[str, Path]]:
    """`fonds serve` on another port over its own database; yields (OAI base URL, database)."""
    db = tmp_path / "other" / "fonds.db"
    table = tmp_path / "other" / "letters.csv"
    table.parent.mkdir()
    table.write_text(
        "identifier,title,date,collection\n" + "".join(f"L-{n},Letter {n},1962-08-{n:02d},Letters\n" for n in range(1, 6)),
        encoding="utf-8",
    )
    with SQLiteStore(db) as store:
        assert ingest(store, [corpus / "wilson-center", table]).ok  # names linked: records link to persons
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "fonds.cli", "--db", str(db), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the second fonds did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/oai", db
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_harvest_copies_everything_then_only_the_changes(other_fonds: tuple[str, Path], empty_store: SQLiteStore, tmp_path: Path) -> None:
    url, source_db = other_fonds
    state = HarvestState(tmp_path / "state.json")
    first = harvest(empty_store, url, prefix="tei", state=state, namespace="other", pause=0.05)
    with SQLiteStore(source_db) as source:
        source_ids = sorted(r.id for r in source.iter_records())
    assert sorted(r.id for r in empty_store.iter_records()) == [f"other:{i}" for i in source_ids]
    assert first.added == len(source_ids) == 6
    copied = empty_store.get("other:L-3")
    assert (copied.title, copied.date.earliest) == ("Letter 3", "1962-08-03")
    assert empty_store.get("other:wcda-110485").source.repository == "Archive of the Foreign Policy of the Russian Federation"
    assert "other" in {c.id for c in empty_store.collections()}

    time.sleep(1.1)  # datestamps have one-second granularity
    changed = tmp_path / "changed.csv"
    changed.write_text("identifier,title,date,collection\nL-2,Letter 2 (corrected),1962-08-02,Letters\nL-9,Letter 9,1962-08-09,Letters\n", encoding="utf-8")
    with SQLiteStore(source_db) as source:
        assert ingest(source, [changed], link_names=False).ok
        assert source.delete("L-4")
    second = harvest(empty_store, url, prefix="tei", state=HarvestState(tmp_path / "state.json"), namespace="other", pause=0.05)
    assert second.since is not None
    assert (second.fetched, second.added, second.updated, second.deleted) == (3, 1, 1, 1)
    assert empty_store.get("other:L-2").title == "Letter 2 (corrected)"
    assert "other:L-4" not in {r.id for r in empty_store.iter_records()}


def test_a_harvest_in_dublin_core_and_in_ead_from_a_fonds(other_fonds: tuple[str, Path], empty_store: SQLiteStore, tmp_path: Path) -> None:
    url, _ = other_fonds
    report = harvest(empty_store, url, prefix="oai_dc", namespace="dc", pause=0.05)
    assert report.added == 6
    assert empty_store.get("dc:L-1").title == "Letter 1"
    with SQLiteStore(tmp_path / "ead.db") as target:
        report = harvest(target, url, prefix="oai_ead", namespace="ead", pause=0.05)
        assert report.added == 6
        letter = target.get("ead:L-1")
        assert (letter.title, letter.date.earliest) == ("Letter 1", "1962-08-01")
        memo = target.get("ead:wcda-110485")
        assert memo.original_languages == ("ru",)
        assert any(p.name == "Kim Il Sung" for p in memo.persons)  # the access points, as authority entries


# -- recorded responses -----------------------------------------------------------------------


class Recorded(http.server.BaseHTTPRequestHandler):
    """Serves the shared recordings: Identify and ListSets from the Erasmus repository, ListRecords
    from Sickle's pages (the token names the next file). `plan` says what goes wrong, and when."""

    corpus: Path
    plan: dict[str, int] = {}
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.requests.append(urlsplit(self.path).query)
        verb, token = query.get("verb"), query.get("resumptionToken")
        if token and self.plan.get("drop", 0) > 0:
            self.plan["drop"] -= 1
            self.connection.shutdown(socket.SHUT_RDWR)  # the connection drops mid-harvest
            return
        if verb == "Identify":
            body = (self.corpus / "pyoai_erasmus_Identify.xml").read_bytes()
        elif verb == "ListSets":
            body = (self.corpus / "pyoai_erasmus_ListSets.xml").read_bytes()
        elif verb == "ListRecords" and not token:
            body = (self.corpus / ("pyoai_erasmus_ListRecords_oai_dc.xml" if self.plan.get("erasmus") else "sickle_ListRecords.xml")).read_bytes()
        elif token and self.plan.get("refuse", 0) > 0 or token and not (self.corpus / f"sickle_{token}").exists():
            if token and self.plan.get("refuse", 0) > 0:
                self.plan["refuse"] -= 1
            body = (
                b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2013-02-27T09:10:56Z</responseDate>'
                b'<request verb="ListRecords">http://test.example.com/oai</request><error code="badResumptionToken">expired</error></OAI-PMH>'
            )
        else:
            body = (self.corpus / f"sickle_{token}").read_bytes()
            if self.plan.get("last_page"):  # the chain ends here instead of pointing at a missing page
                body = body.replace(b"ListRecords3.xml</resumptionToken>", b"</resumptionToken>")
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorded(corpus: Path) -> Iterator[tuple[str, type[Recorded]]]:
    handler = type("Handler", (Recorded,), {"corpus": corpus / "oai", "plan": {}, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/oai", handler
    server.shutdown()
    server.server_close()


def test_the_recorded_erasmus_repository_harvests_with_its_sets(recorded: tuple[str, type[Recorded]], empty_store: SQLiteStore) -> None:
    url, handler = recorded
    handler.plan["erasmus"] = 1
    report = harvest(empty_store, url, since="2003-04-10", pause=0.01)
    assert (report.fetched, report.added) == (16, 16)
    assert report.namespace == urlsplit(url).netloc.replace(":", "-")  # Identify names no repositoryIdentifier: the host
    record = empty_store.get(f"{report.namespace}:hdl:1765:308")
    assert record.title == "Kijken in het brein: Over de mogelijkheden van neuromarketing"
    assert f"{report.namespace}:1:2" in record.collections
    assert "from=2003-04-10" in handler.requests[2]


def test_a_dropped_connection_is_retried_and_deleted_headers_honoured(recorded: tuple[str, type[Recorded]], empty_store: SQLiteStore) -> None:
    url, handler = recorded
    handler.plan.update(drop=1, last_page=1)
    report = harvest(empty_store, url, namespace="test", pause=0.01)
    assert report.retries == 1 and report.pages == 2
    assert [r.id for r in empty_store.iter_records()] == ["test:1585322"]
    assert report.fetched == 4  # two pages, each with one deleted header


def test_a_refused_resumption_token_restarts_the_listing_once(recorded: tuple[str, type[Recorded]], empty_store: SQLiteStore) -> None:
    url, handler = recorded
    handler.plan.update(refuse=1, last_page=1)
    report = harvest(empty_store, url, namespace="test", pause=0.01)
    assert report.restarts == 1
    assert [r.id for r in empty_store.iter_records()] == ["test:1585322"]


def test_a_missing_page_stops_with_a_clear_error_keeping_what_was_stored(recorded: tuple[str, type[Recorded]], empty_store: SQLiteStore) -> None:
    url, _ = recorded
    with pytest.raises(HarvestError, match="refused its own resumption token twice"):
        harvest(empty_store, url, namespace="test", pause=0.01)
    assert [r.id for r in empty_store.iter_records()] == ["test:1585322"]


def test_an_address_that_does_not_answer_is_a_clear_error(empty_store: SQLiteStore) -> None:
    with pytest.raises(HarvestError, match=r"no answer after 2 tries \(ConnectionError\)"):
        harvest(empty_store, f"http://127.0.0.1:{free_port()}/oai", retries=1, pause=0.01)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://archive.example.org/oai", "archive.example.org/oai",
                                 "http:///oai", "javascript:alert(1)"])
def test_an_address_that_is_not_http_is_one_clear_error_not_a_traceback(empty_store: SQLiteStore, url: str) -> None:
    from click.testing import CliRunner

    from fonds.cli import main

    with pytest.raises(HarvestError, match="is not an http:// or https:// address"):
        harvest(empty_store, url)
    result = CliRunner().invoke(main, ["--db", str(empty_store.path), "harvest", url])
    assert result.exit_code == 1 and result.output.startswith("fonds: ") and "Traceback" not in result.output
    assert empty_store.stats().records == 0


@pytest.fixture
def silent() -> Iterator[str]:
    """A socket that takes connections (the kernel's backlog does) and never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/oai"


def test_a_server_that_never_answers_is_a_clear_error_after_the_timeout_not_minutes(
    silent: str, empty_store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It held `fonds harvest` 4 x 60 s: each try waited a minute and a read timeout was retried."""
    from click.testing import CliRunner

    from fonds.cli import main

    started = time.monotonic()
    with pytest.raises(HarvestError) as error:
        harvest(empty_store, silent, timeout=0.5, pause=0.01)
    assert time.monotonic() - started < 5
    assert str(error.value).startswith(f"{silent}: no answer: waited 0.5 seconds for an answer")
    assert "--timeout SECONDS" in str(error.value)
    for args, env in ((["--timeout", "0.5"], {}), ([], {"FONDS_HARVEST_TIMEOUT": "0.5"})):
        started = time.monotonic()
        result = CliRunner(env=env).invoke(main, ["--db", str(empty_store.path), "harvest", silent, *args])
        assert result.exit_code == 1 and time.monotonic() - started < 5
        assert result.output.startswith(f"fonds: {silent}: no answer: waited 0.5 seconds") and "Traceback" not in result.output
    refused = CliRunner().invoke(main, ["--db", str(empty_store.path), "harvest", silent, "--timeout", "0"])
    assert refused.exit_code == 2 and "--timeout" in refused.output
    assert empty_store.stats().records == 0


class Unavailable(http.server.BaseHTTPRequestHandler):
    """Answers every request 503 with the Retry-After the class names."""

    retry_after = ""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(503)
        self.send_header("Retry-After", self.retry_after)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("retry_after, message", [
    ("86400", "asks to come back in 86,400 seconds; run the harvest again after that"),  # Sickle slept a day per try
    ("-5", "the repository answered HTTP 503"),   # Sickle: ValueError from time.sleep, a traceback
    ("soon", "the repository answered HTTP 503"),  # Sickle: ValueError from int(), a traceback
])
def test_a_503_asking_for_a_long_or_unreadable_wait_is_a_clear_error_at_once(
    empty_store: SQLiteStore, retry_after: str, message: str
) -> None:
    handler = type("Handler", (Unavailable,), {"retry_after": retry_after})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with pytest.raises(HarvestError, match=message):
            harvest(empty_store, f"http://127.0.0.1:{server.server_address[1]}/oai", retries=1, pause=0.01)
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
