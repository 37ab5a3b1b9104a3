"""Interrupted or repeated work converges: the same inputs give the same store, byte for byte,
whatever the order, the batching, or a crash part-way (issue 17, section 2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from fonds.exports.dump import write_all
from fonds.convergence import RELINK
from fonds.importers.authority_files import RECONCILE, import_authority, read_authority, reconcile
from fonds.ingest import ingest
from fonds.integrity import check, repair
from fonds.record import Record
from fonds.store.base import Store
from fonds.store.sqlite import SQLiteStore

PERSONS = {  # xml:id -> (name as the persons list prints it, as the documents print it)
    "p_KNS1": ("Khrushchev, Nikita S.", "Khrushchev"),
    "p_MMA1": ("Menshikov, Mikhail A.", "Menshikov"),
    "p_RD1": ("Rusk, Dean", "Rusk"),
    "p_ZZQ1": ("Zorinsky, Quentin Z.", "Zorinsky"),
}


def volume(folder: Path, number: int, documents: int = 3, also: str = "Nikita Khrushchev and Kim Il Sung") -> Path:
    """A small FRUS volume: a persons list and documents that name them, encoded and in plain text."""
    items = "".join(
        f'<item><hi rend="strong"><persName xml:id="{pid}">{listed}</persName>,</hi> an official</item>'
        for pid, (listed, _) in PERSONS.items()
    )
    docs = ""
    for n in range(1, documents + 1):
        named = list(PERSONS.items())[(n + number) % len(PERSONS)]
        other = list(PERSONS.values())[(n * 3 + number) % len(PERSONS)][1]
        docs += (
            f'<div type="document" xml:id="d{n}" n="{n}"><head>{n}. Memorandum From '
            f'<persName corresp="#{named[0]}">{named[1][1]}</persName> to the Secretary</head>'
            f'<dateline><placeName>Washington</placeName>, <date when="1962-0{number}-{10 + n}">1962</date>.</dateline>'
            f"<p>Comrade {other} met Ambassador {named[1][1]} and spoke of {also}.</p></div>"
        )
    path = folder / f"frus1961-63v9{number}.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
        f'<titleStmt><title type="complete">Foreign Relations, Volume 9{number}</title></titleStmt>'
        f'<publicationStmt><idno type="frus">frus1961-63v9{number}</idno></publicationStmt>'
        "<sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader><text><front>"
        f'<div type="section" xml:id="persons"><head>List of Persons</head><list type="names">{items}</list></div>'
        f'</front><body><div type="compilation" xml:id="comp1"><head>Test</head>{docs}</div></body></text></TEI>',
        encoding="utf-8",
    )
    return path


def authority(folder: Path, volumes: list[int]) -> Path:
    """An hsg-people entry that says Menshikov of every volume is one person."""
    urls = "".join(
        f"<source-url>https://history.state.gov/historicaldocuments/frus1961-63v9{n}/persons#p_MMA1</source-url>"
        for n in volumes
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "900001.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><person><id>900001</id><names><preferred>'
        "<name>Menshikov, Mikhail Alekseyevich</name></preferred><alternates/>"
        f"<originals><original><name>Menshikov, Mikhail A.</name>{urls}</original></originals></names></person>",
        encoding="utf-8",
    )
    return folder


def dump(store: Store) -> str:
    """What `fonds dump --format jsonl` writes."""
    out = io.StringIO()
    write_all(store.iter_records(), "jsonl", out)
    return out.getvalue()


def entities(store: Store) -> list[dict[str, object]]:
    return [e.to_dict() for e in store.iter_entities()]


@pytest.fixture
def volumes(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    return [volume(folder, n) for n in (1, 2, 3)]


def test_ingest_order_and_batching_do_not_change_the_store(tmp_path: Path, volumes: list[Path]) -> None:
    def run(name: str, batches: list[list[Path]]) -> str:
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            for batch in batches:
                ingest(store, batch)
            return dump(store)

    together = run("together", [volumes])
    assert together.count('"id":"frus1961-63v9') == 9
    for number, order in enumerate([volumes[::-1], volumes[1:] + volumes[:1]]):
        assert run(f"one-by-one-{number}", [[path] for path in order]) == together, order
    assert run("pairs", [volumes[2:], volumes[:2]]) == together


def test_authority_entries_are_the_same_whatever_the_order(tmp_path: Path, volumes: list[Path]) -> None:
    found = []
    for name, order in (("ab", volumes), ("ba", volumes[::-1])):
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            for path in order:
                ingest(store, [path])
            found.append(entities(store))
    assert found[0] == found[1]


def test_authority_before_or_after_the_volumes_gives_one_store(tmp_path: Path, volumes: list[Path]) -> None:
    people = authority(tmp_path / "hsg-people", [1, 2, 3])
    with SQLiteStore(tmp_path / "after.db") as after, SQLiteStore(tmp_path / "before.db") as before:
        ingest(after, volumes)
        import_authority(after, people)
        import_authority(before, people)
        for path in reversed(volumes):
            ingest(before, [path])
        assert dump(after) == dump(before)
        menshikov = [r for r in after.iter_records() if any(p.id == "hsg:900001" for p in r.persons)]
        assert menshikov and not any(p.id.endswith("#p_MMA1") for r in menshikov for p in r.persons)
        assert check(after) == []


def test_a_merge_relinks_more_records_than_one_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = volume(folder, 1, documents=12)
    menshikov = "frus:frus1961-63v91#p_MMA1"
    with SQLiteStore(tmp_path / "fonds.db") as store:
        ingest(store, [path])
        entries, _ = read_authority(authority(tmp_path / "hsg-people", [1]))
        store.put_entities(entries)
        naming = [r.id for r in store.records_linking([menshikov])]
        assert len(naming) > 2  # more than one batch
        result = reconcile(store, batch=2)
        assert result.relinked == len(naming)
        assert store.records_linking([menshikov]) == []
        assert [r.id for r in store.records_linking(["hsg:900001"])] == naming
        assert store.dangling_links() == []
        assert store.pending() == {}
        assert check(store) == []


def test_a_reconciliation_cut_short_is_finished_by_the_next_ingest(tmp_path: Path, volumes: list[Path]) -> None:
    with SQLiteStore(tmp_path / "clean.db") as clean:
        ingest(clean, volumes)
        expected = dump(clean)
    with SQLiteStore(tmp_path / "killed.db") as store:
        ingest(store, volumes[:2], link_names=True)
        store.set_pending(RECONCILE)  # as a kill -9 between the last write and the reconciliation leaves it
        assert [p.message for p in check(store)] == ["post-ingest step 'reconcile' was started and not finished"]
        ingest(store, volumes)  # every file unchanged but the third: the mark makes it reconcile anyway
        assert store.pending() == {}
        assert dump(store) == expected
        assert repair(store).finished == []


def test_real_volumes_and_authority_in_two_orders_give_one_dump(tmp_path: Path, corpus: Path) -> None:
    """Two shared FRUS volumes (they share persons: Khrushchev, Adzhubei, Dobrynin...) and the
    hsg-people authority: volumes together then the authority, against the authority first and
    the volumes one at a time, last first. (benchmarks/orders.py runs all four volumes in six
    orders and batchings.)"""
    volumes = [corpus / "frus" / "frus1961-63v06.xml", corpus / "frus" / "frus1958-60v18.xml"]
    people = corpus / "authority" / "hsg-people"
    with SQLiteStore(tmp_path / "a.db") as first, SQLiteStore(tmp_path / "b.db") as second:
        ingest(first, volumes)
        import_authority(first, people)
        import_authority(second, people)
        for path in reversed(volumes):
            ingest(second, [path])
        expected = dump(first)
        assert expected.count('"id":"frus1958-60v18-d') > 100
        assert '"id":"hsg:' in expected  # the authority's entries took persons-list entries in
        assert dump(second) == expected
        assert check(first) == [] and check(second) == []


def test_targeted_relinking_gives_the_store_a_full_relinking_gives(
    tmp_path: Path, volumes: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A volume ingested into an archive relinks only the records whose text holds a spelling of
    an entry it brings or changes; the store is byte for byte the one relinking every record makes."""
    from fonds.naming import Names

    others = tmp_path / "others.jsonl"
    others.write_text("".join(
        json.dumps({"id": f"note-{key}", "title": f"Note {key}", "type": "Memorandum",
                    "renditions": [{"kind": "translation", "language": "en", "text": text}]}) + "\n"
        for key, text in (("none", "The harvest was good this year."), ("kim", "Kim Il Sung spoke at length."),
                          ("zorinsky", "Mr. Zorinsky left for Geneva."))
    ), encoding="utf-8")
    linked: list[str] = []
    original = Names.link

    def spy(self: Names, record: Record) -> Record:
        linked.append(record.id)
        return original(self, record)

    dumps = []
    for name in ("targeted", "full"):
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            ingest(store, [others, volumes[0]], workers=1)
            if name == "full":
                store.set_pending(RELINK)  # as a crash leaves it: every record is linked again
            monkeypatch.setattr(Names, "link", spy)
            linked.clear()
            ingest(store, [volumes[1]], workers=1)
            monkeypatch.setattr(Names, "link", original)
            relinked = {i for i in linked if not i.startswith("frus1961-63v92")}  # not the new volume's own
            dumps.append(dump(store))
            assert check(store) == []
        if name == "targeted":
            assert "note-zorinsky" in relinked and "note-none" not in relinked and "note-kim" not in relinked
        else:
            assert {"note-none", "note-kim", "note-zorinsky"} <= relinked
    assert dumps[0] == dumps[1]
    assert '"id":"frus:frus1961-63v92#p_ZZQ1"' in dumps[0]


def test_importing_the_authority_again_keeps_what_the_volumes_folded_in(tmp_path: Path, volumes: list[Path]) -> None:
    people = authority(tmp_path / "hsg-people", [1, 2, 3])
    entry = people / "900001.xml"  # the file prints the name otherwise than the volumes' persons lists
    entry.write_text(entry.read_text(encoding="utf-8").replace("<name>Menshikov, Mikhail A.</name>",
                                                               "<name>Menshikov, M. A.</name>"), encoding="utf-8")
    with SQLiteStore(tmp_path / "once.db") as once, SQLiteStore(tmp_path / "twice.db") as twice:
        for store in (once, twice):
            ingest(store, volumes)
            import_authority(store, people)
        import_authority(twice, people)
        assert entities(twice) == entities(once)
        assert dump(twice) == dump(once)
        printed = [v["name"] for v in next(e for e in entities(once) if e["id"] == "hsg:900001")["variants"]]
        assert "Menshikov, Mikhail A." in printed
