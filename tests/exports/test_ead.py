"""EAD out: a collection with its hierarchy as EAD 2002 and EAD3, valid against the schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from fonds.dates import parse_date
from fonds.errors import NotFound
from fonds.exports.ead import EAD3, EAD2002, write_collection
from fonds.ingest import ingest
from fonds.collection import Collection
from fonds.record import Record
from fonds.schema_check import validate
from fonds.store.sqlite import SQLiteStore


@pytest.fixture
def tree_store(empty_store: SQLiteStore) -> SQLiteStore:
    """A fonds with two series (given out of order) and a deep chain, and records placed at each level."""
    deep = [Collection(f"deep-{n}", f"Level {n}", parent="f1" if n == 1 else f"deep-{n - 1}", kind="otherlevel" if n > 3 else "file", order=5) for n in range(1, 12)]
    empty_store.add(
        [
            Record(id="r-top", title="A record of the fonds itself", collections=("f1",)),
            Record(id="r-2", title="Letter to Moscow", collections=("f1", "f1-s2"), date=parse_date("August 14, 1962"), extent="3 pages", original_languages=("ru",)),
            Record(id="r-deep", title="At the bottom", collections=("deep-11",)),
        ],
        collections=[
            Collection("f1", "Embassy papers", kind="fonds", unitid="EP 1", date=parse_date("1962/1963"), summary="Papers.\n\nMore papers.", creator="Embassy", languages=("ru", "en")),
            Collection("f1-s2", "Series 2: Letters", parent="f1", kind="series", order=1),
            Collection("f1-s1", "Series 1: Notes", parent="f1", kind="series", order=0),
            Collection("vol", "A FRUS volume", parent="f1", kind="volume", order=2),
            *deep,
        ],
    )
    return empty_store


@pytest.mark.parametrize(("version", "namespace", "schema"), [("ead", EAD2002, "ead2002.rng"), ("ead3", EAD3, "ead3.rng")])
def test_a_collection_exports_with_its_hierarchy_and_validates(tree_store: SQLiteStore, version: str, namespace: str, schema: str) -> None:
    text = write_collection(tree_store, "f1", version)
    assert validate(text.encode(), schema) == []
    root = etree.fromstring(text.encode())
    ns = {"e": namespace}
    archdesc = root.find("e:archdesc", ns)
    assert archdesc is not None and archdesc.get("level") == "fonds"
    assert archdesc.findtext("e:did/e:unittitle", namespaces=ns) == "Embassy papers"
    assert archdesc.find("e:did/e:unitdate", ns).get("normal") == "1962-01-01/1963-12-31"
    top = archdesc.findall("e:dsc/e:c", ns)
    assert [c.findtext("e:did/e:unittitle", namespaces=ns) for c in top] == [
        "Series 1: Notes", "Series 2: Letters", "A FRUS volume", "Level 1", "A record of the fonds itself",
    ]
    assert top[2].get("level") == "otherlevel" and top[2].get("otherlevel") == "volume"
    (letter,) = top[1].findall("e:c", ns)
    assert (letter.get("level"), letter.findtext("e:did/e:unitid", namespaces=ns)) == ("item", "r-2")
    assert letter.find("e:did/e:unitdate", ns).get("normal") == "1962-08-14"
    assert letter.find("e:did/e:langmaterial/e:language", ns).get("langcode") == "rus"
    depth = len(root.xpath("//e:c[e:did/e:unitid='r-deep']/ancestor::e:c", namespaces=ns))
    assert depth == 11


def test_an_imported_finding_aid_exports_valid_ead_with_the_same_tree(empty_store: SQLiteStore, corpus: Path) -> None:
    assert ingest(empty_store, [corpus / "ead" / "princeton_C1752.EAD.xml"], link_names=False).ok
    collections = [c for c in empty_store.collections()]
    text = write_collection(empty_store, "c1752", "ead")
    assert validate(text.encode(), "ead2002.rng") == []
    root = etree.fromstring(text.encode())
    ns = {"e": EAD2002}
    assert len(root.xpath("//e:c[@level!='item']", namespaces=ns)) == len(collections) - 1
    assert len(root.xpath("//e:c[@level='item']", namespaces=ns)) == empty_store.stats().records
    assert root.xpath("//e:unittitle[contains(., 'Ахматова')]", namespaces=ns)


def test_an_unknown_collection_is_not_found(tree_store: SQLiteStore) -> None:
    with pytest.raises(NotFound, match="there is no collection 'nope'"):
        write_collection(tree_store, "nope")
