"""Searches a historian would run on the shared FRUS volumes, checked against the XML itself."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from lxml import etree

from fonds.importers.authority_files import import_authority
from fonds.index import Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

TEI = {"t": "http://www.tei-c.org/ns/1.0"}


@pytest.fixture(scope="module")
def frus_archive(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[tuple[SQLiteStore, Index]]:
    folder = tmp_path_factory.mktemp("frus")
    store = SQLiteStore(folder / "fonds.db")
    report = ingest(store, sorted((corpus / "frus").glob("*.xml")))
    assert report.ok, report.rejected
    import_authority(store, corpus / "authority")
    index = Index(folder / "index")
    index.update(store)
    yield store, index
    store.close()


def all_ids(index: Index, text: str) -> set[str]:
    result = index.search(parse(text), limit=2000, facets=False)
    return {hit.id for hit in result.hits}


def volume_documents(corpus: Path) -> Iterator[tuple[str, etree._Element]]:
    for path in sorted((corpus / "frus").glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        volume = path.stem
        for div in root.iterfind(".//t:div[@type='document']", TEI):
            yield f"{volume}-{div.get('{http://www.w3.org/XML/1998/namespace}id')}", div


def overlaps_october_1962(div: etree._Element) -> bool:
    date = div.find(".//t:dateline//t:date", TEI)
    if date is None:
        return False
    low = date.get("when") or date.get("from") or date.get("notBefore")
    high = date.get("when") or date.get("to") or date.get("notAfter")
    return bool(low and high and low[:10] <= "1962-10-31" and high[:10] >= "1962-10-01")


def test_khrushchev_in_october_1962(frus_archive: tuple[SQLiteStore, Index], corpus: Path) -> None:
    _, index = frus_archive
    expected = set()
    for record_id, div in volume_documents(corpus):
        links = [p.get("corresp", "") for p in div.iterfind(".//t:persName[@corresp]", TEI)]
        if overlaps_october_1962(div) and any(link.lstrip("#").startswith("p_KNS") for link in links):
            expected.add(record_id)
    assert len(expected) >= 20
    found = all_ids(index, 'person:"Khrushchev" date:1962-10')
    assert expected <= found
    assert all(record_id.startswith("frus") for record_id in found)


def test_kennedy_library_holdings(frus_archive: tuple[SQLiteStore, Index], corpus: Path) -> None:
    _, index = frus_archive
    noted = set()
    for record_id, div in volume_documents(corpus):
        notes = div.xpath(".//t:note[@type='source'] | .//t:note[starts-with(normalize-space(.), 'Source:')]", namespaces=TEI)
        if any("Kennedy Library" in "".join(note.itertext()) for note in notes):
            noted.add(record_id)
    found = all_ids(index, 'repository:"Kennedy Library"')
    assert len(found) >= 60
    assert found <= noted  # every hit's source note names the Kennedy Library


def test_facets_over_the_volumes(frus_archive: tuple[SQLiteStore, Index]) -> None:
    _, index = frus_archive
    facets = index.search(None).facets
    assert dict(facets["collection"])["frus1961-63v05"] == 390
    assert dict(facets["type"])["Memorandum of Conversation"] > 100
    assert index.search(None).total == 1215
