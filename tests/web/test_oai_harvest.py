"""A real OAI-PMH harvester (sickle) harvests the whole shared corpus over HTTP, in pages."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist

from fonds.config import Settings
from fonds.index import Index
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web import oai
from fonds.web.app import create_app



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def whole_corpus_server(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[str, SQLiteStore]]:
    folder = tmp_path_factory.mktemp("harvest")
    store = SQLiteStore(folder / "fonds.db")
    report = ingest(store, [corpus / "wilson-center", *sorted((corpus / "frus").glob("*.xml"))])
    assert report.ok, report.rejected
    settings = Settings(db=str(folder / "fonds.db"), index=str(folder / "index"))
    app = create_app(store, settings, Index(settings.index_path))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/oai", store
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


def test_sickle_harvests_every_record_once_in_pages(whole_corpus_server: tuple[str, SQLiteStore]) -> None:
    url, store = whole_corpus_server
    harvester = Sickle(url, max_retries=0, timeout=60)
    identifiers = [header.identifier for header in harvester.ListIdentifiers(metadataPrefix="oai_dc")]
    assert len(identifiers) == len(set(identifiers)) == 1216
    assert 1216 > oai.PAGE_SIZE  # so the harvest really went through resumption tokens
    expected = {oai.IDENTIFIER_PREFIX + r.id for r in store.iter_records()}
    assert set(identifiers) == expected


def test_sickle_reads_records_and_sets(whole_corpus_server: tuple[str, SQLiteStore]) -> None:
    url, _ = whole_corpus_server
    harvester = Sickle(url, max_retries=0, timeout=60)
    assert harvester.Identify().repositoryName == "fonds archive"
    specs = {s.setSpec for s in harvester.ListSets()}
    assert {"NKIDP", "frus1961-63v05", "frus1964-68v29p1"} <= specs
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", set="frus1961-63v06"))
    assert len(records) == 120
    record = harvester.GetRecord(identifier="oai:fonds:wcda-110485", metadataPrefix="oai_dc")
    assert record.metadata["title"] == [
        "Memorandum of Conversation between Soviet Ambassador to North Korea Vasily Moskovsky and Kim II Sung"
    ]
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier="oai:fonds:nope", metadataPrefix="oai_dc")
