"""Link review: provenance, the queue, decisions that survive re-ingest (fonds.review)."""

from __future__ import annotations

from pathlib import Path

from fonds.authority import Entity
from fonds.ingest import ingest
from fonds.record import PersonLink, Record, Rendition
from fonds.review import apply_decisions, mention_key, needs_review, queue
from fonds.store.curation import LinkDecision, utc_now
from fonds.store.sqlite import SQLiteStore

LINK = PersonLink("p1", "John Smith", source="linked by fonds", confidence=0.5, rule="only entry with this name",
                  text="Smith", start=4, end=9, rendition=0)
RECORD = Record(id="r1", title="T", renditions=(Rendition("translation", "en", "Met Smith."),), persons=(LINK,))


def test_only_fonds_links_under_the_threshold_need_review() -> None:
    assert needs_review(LINK)
    assert not needs_review(PersonLink("p1", "x", source="linked by fonds", confidence=0.95))
    assert not needs_review(PersonLink("p1", "x", source="encoded in FRUS"))
    assert mention_key(LINK) == "0:4:9"


def test_decisions_remove_or_confirm_links() -> None:
    rejected = LinkDecision("r1", "p1", "0:4:9", "rejected", "user ana", utc_now())
    assert apply_decisions(RECORD, [rejected]).persons == ()
    accepted = LinkDecision("r1", "p1", "0:4:9", "accepted", "user ana", utc_now())
    assert apply_decisions(RECORD, [accepted]).persons[0].confidence == 1.0
    other = LinkDecision("r2", "p1", "0:4:9", "rejected", "user ana", utc_now())
    assert apply_decisions(RECORD, [other]) == RECORD


def test_the_linker_records_its_rule_and_the_spelling_matched(tmp_path: Path) -> None:
    from fonds.linking import build_matcher, link_text

    matcher = build_matcher([Entity("p-kh", "Nikita Khrushchev")])
    links = link_text("Nikita Khrushchev spoke. Later Khrushchev left.", matcher)
    assert [(link.text, link.rule) for link in links] == [
        ("Nikita Khrushchev", "full name"), ("Khrushchev", "family name; full name in the text")]
    assert all(link.confidence is not None for link in links)


def test_a_rejection_survives_re_ingest(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "fonds.db")
    source = tmp_path / "r.json"
    record = Record(id="r1", title="Talk", renditions=(Rendition("translation", "en", "Then Rusk and Smith met."),))
    import json

    source.write_text(json.dumps(record.to_dict()), encoding="utf-8")
    store.put_entities([Entity("p-smith", "John Smith"), Entity("p-rusk", "Dean Rusk")])
    assert ingest(store, [source]).ok
    pending = [p for p in queue(store) if p.record_id == "r1"]
    assert pending, "the family name alone is a doubtful link"
    first = pending[0]
    store.put_link_decision(LinkDecision("r1", first.link.id, first.mention, "rejected", "user ana", utc_now()))
    store.add([apply_decisions(store.get("r1"), store.link_decisions(["r1"]))], agent="user ana")
    assert first.link.id not in {p.id for p in store.get("r1").persons}
    record2 = Record(id="r1", title="Talk (corrected)", renditions=record.renditions)
    source.write_text(json.dumps(record2.to_dict()), encoding="utf-8")
    assert ingest(store, [source]).result.updated == 1  # changed input: linked again from scratch
    assert store.get("r1").title == "Talk (corrected)"
    assert first.link.id not in {p.id for p in store.get("r1").persons}, "the rejected link came back"
    assert [p.record_id for p in queue(store)] == [p.record_id for p in pending[1:]]
    store.close()


def test_a_rejection_and_an_acceptance_survive_relinking(tmp_path: Path) -> None:
    """Relinking after the authority changes (the full relinking of `fonds repair` and the
    targeted one after an ingest) applies the stored decisions as an ingest does."""
    import json

    from fonds.convergence import relink_all

    store = SQLiteStore(tmp_path / "fonds.db")
    source = tmp_path / "r.json"
    record = Record(id="r1", title="Talk", renditions=(Rendition("translation", "en", "Then Rusk and Smith met."),))
    source.write_text(json.dumps(record.to_dict()), encoding="utf-8")
    store.put_entities([Entity("p-smith", "John Smith"), Entity("p-rusk", "Dean Rusk")])
    assert ingest(store, [source]).ok
    pending = {p.link.id: p for p in queue(store) if p.record_id == "r1"}
    assert {"p-smith", "p-rusk"} <= pending.keys(), "family names alone are doubtful links"
    smith, rusk = pending["p-smith"], pending["p-rusk"]
    store.put_link_decision(LinkDecision("r1", smith.link.id, smith.mention, "rejected", "user ana", utc_now()))
    store.put_link_decision(LinkDecision("r1", rusk.link.id, rusk.mention, "accepted", "user ana", utc_now()))
    store.add([apply_decisions(store.get("r1"), store.link_decisions(["r1"]))], agent="user ana")
    # the authority changes under the record: a new entry that spells neither name
    store.put_entities([Entity("p-jones", "Mary Jones")])
    relink_all(store)
    persons = {p.id: p for p in store.get("r1").persons}
    assert "p-smith" not in persons, "a relinking brought back the rejected link"
    assert persons["p-rusk"].confidence == 1.0, "a relinking forgot the accepted link"
    store.close()
