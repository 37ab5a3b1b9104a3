"""EAD finding aids in: hierarchy, descriptions, access points, validation report, hostile files."""

from __future__ import annotations

from pathlib import Path

from fonds.errors import Problem
from fonds.importers import detect, ead
from fonds.ingest import ingest
from fonds.collection import Collection
from fonds.record import Record
from fonds.store.sqlite import SQLiteStore

EAD2002 = "urn:isbn:1-931666-22-9"


def items(path: Path) -> list[object]:
    with path.open("rb") as source:
        return list(ead.read(source, origin=str(path)))


def test_the_three_shared_finding_aids_ingest_with_their_hierarchy(empty_store: SQLiteStore, corpus: Path) -> None:
    report = ingest(empty_store, [corpus / "ead"], link_names=False)
    assert report.ok, report.rejected
    tree = {c.id: c for c in empty_store.collections()}
    naiman = tree["c1752"]
    assert (naiman.title, naiman.unitid, naiman.languages) == ("Anatoly Naiman Papers", "C1752", ("ru", "en"))
    assert naiman.date is not None and (naiman.date.earliest, naiman.date.latest) == ("1928-01-01", "2020-12-31")
    series = [c for c in tree.values() if c.parent == "c1752"]
    assert len(series) >= 6 and all(c.kind == "series" for c in series)
    orders = [c.order for c in sorted(series, key=lambda c: c.order)]
    assert len(set(orders)) == len(orders)  # siblings keep the finding aid's order
    akhmatova = [r for r in empty_store.iter_records() if "Ахматова" in r.title]
    assert akhmatova, "the Cyrillic titles are kept"
    henry = tree["sw0116"]
    assert henry.title == "Henry Street Music School records" and henry.extent == "47.25 linear feet"


def test_component_fields_become_record_fields(corpus: Path) -> None:
    found = items(corpus / "ead" / "nlm_alphaomegaalpha.xml")
    records = {r.id: r for r in found if isinstance(r, Record)}
    root = next(c for c in found if isinstance(c, Collection) and c.parent is None)
    assert (root.id, root.unitid, root.creator) == ("aoa271", "MS C 271", "Alpha Omega Alpha")
    assert root.date is not None and root.date.edtf == "1894/1992"
    with_dao = [r for r in records.values() if r.url and r.url.startswith("https://collections.nlm.nih.gov/")]
    assert with_dao
    anfinsen = [r for r in records.values() if any(p.name == "Anfinsen, Christian B." for p in r.persons)]
    assert anfinsen and anfinsen[0].source.reference == {"text": "Box 1, Folder 1"}
    assert any(isinstance(e, Problem) and "not valid EAD 2002" in e.message for e in found)


def nested(levels: int, *, doctype: str = "", level_attr: bool = True) -> bytes:
    series = ' level="series"'
    opening = "".join(f'<c{n:02d}{series if level_attr and n == 1 else ""} id="n{n}"><did><unittitle>Level {n}</unittitle><unitdate normal="1962/1963">1962-1963</unitdate></did>' for n in range(1, levels + 1))
    closing = "".join(f"</c{n:02d}>" for n in range(levels, 0, -1))
    return (
        f'<?xml version="1.0"?>\n{doctype}<ead xmlns="{EAD2002}"><eadheader><eadid>deep-1</eadid></eadheader>'
        f'<archdesc level="fonds"><did><unittitle>Deep fonds</unittitle></did><dsc>{opening}{closing}</dsc></archdesc></ead>'
    ).encode()


def test_twelve_nested_levels_and_sensible_levels_without_level(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_bytes(nested(12, level_attr=False))
    found = items(path)
    collections = [c for c in found if isinstance(c, Collection)]
    records = [r for r in found if isinstance(r, Record)]
    assert len(collections) == 12 and len(records) == 1
    kinds = [c.kind for c in collections]
    assert kinds[:3] == ["fonds", "series", "subseries"]
    (leaf,) = records
    assert leaf.title == "Level 12" and leaf.date.edtf == "1962/1963"
    by_id = {c.id: c for c in collections}
    depth, parent = 0, by_id[leaf.collections[0]]
    while parent.parent:
        depth, parent = depth + 1, by_id[parent.parent]
    assert depth == 11  # c11 ... c01, then the archdesc


def test_an_external_doctype_is_ignored_and_nothing_fetched(empty_store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    path.write_bytes(nested(2, doctype='<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd (EAD Version 2002)//EN" "http://127.0.0.1:9/ead.dtd">\n'))
    assert detect(path.read_bytes()) == "ead"
    report = ingest(empty_store, [path], link_names=False)
    assert report.ok, report.rejected
    assert empty_store.get("deep-1-n2").title == "Level 2"


def test_entities_and_broken_xml_are_refused_with_a_line(empty_store: SQLiteStore, tmp_path: Path) -> None:
    entity = tmp_path / "entity.xml"
    entity.write_bytes(b'<!DOCTYPE ead [<!ENTITY x "boom">]>\n<ead><archdesc><did><unittitle>&x;</unittitle></did></archdesc></ead>')
    broken = tmp_path / "broken.xml"
    broken.write_bytes(nested(2)[:-20])
    report = ingest(empty_store, [entity, broken], link_names=False)
    messages = [str(p) for p in report.rejected]
    assert messages[0].startswith(f"{entity}:1:1: the DOCTYPE declares entities")
    assert messages[1].startswith(f"{broken}:2:") and "not well-formed XML" in messages[1]
    assert empty_store.stats().records == 0


def test_a_title_with_a_script_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "script.xml"
    path.write_bytes(nested(1).replace(b"Level 1", b"&lt;script&gt;alert(1)&lt;/script&gt;"))
    (record,) = [r for r in items(path) if isinstance(r, Record)]
    assert record.title == "<script>alert(1)</script>"


def test_a_dtd_era_finding_aid_without_namespace_is_checked_element_by_element(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd (EAD Version 2002)//EN" "ead.dtd">\n'
        b"<ead><eadheader><eadid>old-1</eadid><filedesc><titlestmt><titleproper>Old</titleproper></titlestmt></filedesc></eadheader>\n"
        b'<archdesc level="fonds"><did><unittitle>Old papers</unittitle></did>\n'
        b'<dsc><c01 level="file"><did><unittitle>A file</unittitle><bogus/></did></c01></dsc></archdesc></ead>'
    )
    found = items(path)
    warnings = [str(w) for w in found if isinstance(w, Problem)]
    assert warnings and all("not valid EAD 2002" in w for w in warnings)
    assert any(w.startswith(f"{path}:5: ") and "bogus" in w for w in warnings), warnings
    assert [r.title for r in found if isinstance(r, Record)] == ["A file"]
