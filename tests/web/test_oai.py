"""OAI-PMH 2.0: every response valid against the official schema; every verb and error code."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs

import pytest
from lxml import etree

from fonds.config import Settings
from fonds.ingest import ingest
from fonds.store.sqlite import SQLiteStore
from fonds.web import oai

ROOT = Path(__file__).resolve().parents[2]
NS = {"o": oai.OAI_NS, "dc": "http://purl.org/dc/elements/1.1/", "tei": "http://www.tei-c.org/ns/1.0"}
BASE = "http://127.0.0.1:8000/oai"


@pytest.fixture(scope="module")
def schema(schemas: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas / "OAI-PMH.xsd")))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path_factory.mktemp("oai") / "fonds.db")
    report = ingest(store, [corpus / "wilson-center", ROOT / "examples", corpus / "frus" / "frus1961-63v06.xml"])
    assert report.ok, report.rejected
    yield store
    store.close()


def ask(store: SQLiteStore, schema: etree.XMLSchema, query: str) -> etree._Element:
    body = oai.respond(store, Settings(), parse_qs(query, keep_blank_values=True), BASE)
    root = etree.fromstring(body)
    schema.assertValid(root)
    return root


def error_code(root: etree._Element) -> str | None:
    found = root.find("o:error", NS)
    return None if found is None else found.get("code")


def test_identify(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    root = ask(store, schema, "verb=Identify")
    assert root.findtext("o:Identify/o:protocolVersion", namespaces=NS) == "2.0"
    assert root.findtext("o:Identify/o:baseURL", namespaces=NS) == BASE
    assert root.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"


def test_list_metadata_formats(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    root = ask(store, schema, "verb=ListMetadataFormats")
    assert root.xpath("//o:metadataPrefix/text()", namespaces=NS) == ["oai_dc", "tei", "oai_ead"]
    assert error_code(ask(store, schema, "verb=ListMetadataFormats&identifier=oai:fonds:nope")) == "idDoesNotExist"


def test_list_sets_has_the_hierarchy(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    specs = ask(store, schema, "verb=ListSets").xpath("//o:setSpec/text()", namespaces=NS)
    assert "NKIDP" in specs and "frus1961-63v06" in specs
    assert any(spec.startswith("frus1961-63v06:") for spec in specs)


def test_get_record_in_both_formats(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    root = ask(store, schema, "verb=GetRecord&identifier=oai:fonds:wcda-110485&metadataPrefix=oai_dc")
    assert root.xpath("//dc:title/text()", namespaces=NS)[0].startswith("Memorandum of Conversation")
    root = ask(store, schema, "verb=GetRecord&identifier=oai:fonds:wcda-110485&metadataPrefix=tei")
    assert root.xpath("//tei:msIdentifier/tei:repository/text()", namespaces=NS) == [
        "Archive of the Foreign Policy of the Russian Federation"
    ]


def test_get_record_as_oai_ead_is_valid_ead(store: SQLiteStore, schema: etree.XMLSchema, schemas: Path) -> None:
    from fonds.schema_check import validate

    root = ask(store, schema, "verb=GetRecord&identifier=oai:fonds:wcda-110485&metadataPrefix=oai_ead")
    (ead,) = root.xpath("//o:metadata/*", namespaces=NS)
    assert ead.tag == "{urn:isbn:1-931666-22-9}ead"
    assert ead.findtext(".//{urn:isbn:1-931666-22-9}unitid") == "wcda-110485"
    assert validate(etree.tostring(ead), "ead2002.rng") == []


def harvest(store: SQLiteStore, schema: etree.XMLSchema, first: str, verb: str = "ListIdentifiers") -> list[str]:
    identifiers: list[str] = []
    root = ask(store, schema, first)
    cursors = []
    while True:
        identifiers += root.xpath(f"//o:{verb}//o:header/o:identifier/text()", namespaces=NS)
        token = root.find(f"o:{verb}/o:resumptionToken", NS)
        if token is None or not token.text:
            return identifiers
        cursors.append((token.get("cursor"), token.get("completeListSize")))
        root = ask(store, schema, f"verb={verb}&resumptionToken={token.text}")


def test_paged_harvest_gives_every_record_once_even_with_ingests_during_it(
    store: SQLiteStore, schema: etree.XMLSchema, corpus: Path
) -> None:
    total = store.count_stored()
    root = ask(store, schema, "verb=ListIdentifiers&metadataPrefix=oai_dc")
    token = root.find("o:ListIdentifiers/o:resumptionToken", NS)
    assert token is not None and token.get("completeListSize") == str(total) and token.get("cursor") == "0"
    identifiers = root.xpath("//o:header/o:identifier/text()", namespaces=NS)
    before = {s.id: s.seq for s in store.list_stored(limit=10_000)}
    report = ingest(store, [corpus / "frus" / "frus1958-60v18.xml"])  # a volume arrives mid-harvest
    assert report.ok
    after = {s.id: s.seq for s in store.list_stored(limit=10_000)}
    assert any(after[i] != seq for i, seq in before.items())  # and relinks persons in records listed or not yet
    identifiers += harvest(store, schema, f"verb=ListIdentifiers&resumptionToken={token.text}")
    assert len(identifiers) == len(set(identifiers)) == total


def test_list_records_by_set(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    identifiers = harvest(store, schema, "verb=ListRecords&metadataPrefix=oai_dc&set=NKIDP", "ListRecords")
    assert identifiers == ["oai:fonds:wcda-110485"]


def test_deleted_records_are_reported(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    assert store.delete("wcda-900002")
    root = ask(store, schema, "verb=GetRecord&identifier=oai:fonds:wcda-900002&metadataPrefix=oai_dc")
    assert root.find("o:GetRecord/o:record/o:header", NS).get("status") == "deleted"
    assert root.find("o:GetRecord/o:record/o:metadata", NS) is None


def test_a_set_harvest_reports_a_deleted_record_with_its_sets(store: SQLiteStore, schema: etree.XMLSchema) -> None:
    before = harvest(store, schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=NKIDP", "ListIdentifiers")
    assert "oai:fonds:wcda-110485" in before
    counts = store.collection_counts()
    assert store.delete("wcda-110485", reason="a test withdrawal")
    root = ask(store, schema, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=NKIDP")
    headers = {h.findtext("o:identifier", namespaces=NS): h for h in root.iterfind("o:ListIdentifiers/o:header", NS)}
    deleted = headers["oai:fonds:wcda-110485"]
    assert deleted.get("status") == "deleted"
    assert [s.text for s in deleted.iterfind("o:setSpec", NS)] == ["NKIDP"]
    # Gone from the collection's counts, though the set still reports it.
    assert store.collection_counts().get("NKIDP", 0) == counts["NKIDP"] - 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "badVerb"),
        ("verb=Dance", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-01-01T00:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=tei", "badArgument"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=GetRecord&identifier=oai:fonds:wcda-110485&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=GetRecord&identifier=oai:fonds:missing&metadataPrefix=oai_dc", "idDoesNotExist"),
        ("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01", "noRecordsMatch"),
        ("verb=ListIdentifiers&resumptionToken=garbage", "badResumptionToken"),
        ("verb=ListIdentifiers&resumptionToken=abc&metadataPrefix=oai_dc", "badArgument"),
    ],
)
def test_error_codes(store: SQLiteStore, schema: etree.XMLSchema, query: str, code: str) -> None:
    root = ask(store, schema, query)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert dict(root.find("o:request", NS).attrib) == {}


def test_no_set_hierarchy(tmp_path: Path, schema: etree.XMLSchema) -> None:
    store = SQLiteStore(tmp_path / "empty.db")
    try:
        assert error_code(ask(store, schema, "verb=ListSets")) == "noSetHierarchy"
        assert error_code(ask(store, schema, "verb=ListRecords&metadataPrefix=oai_dc&set=x")) == "noSetHierarchy"
    finally:
        store.close()
