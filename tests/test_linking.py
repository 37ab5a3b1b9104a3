"""Linking in text: mentions, resolution of family names, records and candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.authority import Entity, load_curated
from fonds.link_candidates import candidates
from fonds.linking import Matcher, build_matcher, link_record, link_text
from fonds.record import PersonLink, Record, Rendition


@pytest.fixture(scope="module")
def curated_matcher() -> Matcher:
    return build_matcher(load_curated())


@pytest.fixture
def wilson_record(corpus: Path) -> Record:
    text = (corpus / "wilson-center" / "110485.txt").read_text(encoding="utf-8")
    return Record(id="wcda-110485", title="Memorandum", renditions=(Rendition("translation", "en", text),))


def test_wilson_center_mentions_are_linked(curated_matcher: Matcher, wilson_record: Record) -> None:
    linked = link_record(wilson_record, curated_matcher)
    found = {(p.id, p.text) for p in linked.persons}
    assert {
        ("fonds:kim-il-sung", "Kim II Sung"),
        ("fonds:pak-seong-cheol", "Pak Seong-cheol"),
        ("fonds:pak-seong-cheol", "Pak Song Chol"),
        ("fonds:khrushchev", "N.S. Khrushchev"),
        ("fonds:khrushchev", "Nikita Sergeyevich"),
        ("fonds:khrushchev", "Khrushchev"),
        ("fonds:moskovsky", "Vasily Moskovsky"),
    } <= found
    text = wilson_record.renditions[0].text
    for person in linked.persons:
        assert person.source == "linked by fonds"
        assert person.start is not None and person.end is not None
        assert text[person.start:person.end] == person.text
        assert person.confidence is not None and 0 < person.confidence <= 1


def test_link_record_keeps_encoded_links_and_adds_no_duplicates(curated_matcher: Matcher, wilson_record: Record) -> None:
    text = wilson_record.renditions[0].text
    start = text.index("Pak Seong-cheol")
    encoded = PersonLink(id="frus:x#p_PSC1", name="Pak Seong-cheol", source="encoded", start=start,
                         end=start + len("Pak Seong-cheol"), rendition=0)
    record = wilson_record.with_persons((encoded,))
    linked = link_record(record, curated_matcher)
    assert linked.persons[0] == encoded
    assert not any(p.source == "linked by fonds" and p.start == start for p in linked.persons)
    assert link_record(linked, curated_matcher).persons == linked.persons


def test_family_name_resolved_from_earlier_full_mention() -> None:
    matcher = build_matcher([
        Entity(id="jfk", preferred="Kennedy, John F."),
        Entity(id="rfk", preferred="Kennedy, Robert F."),
    ])
    links = link_text("Robert Kennedy called. Later Kennedy said no.", matcher)
    assert [(link.id, link.text) for link in links] == [("rfk", "Robert Kennedy"), ("rfk", "Kennedy")]
    assert link_text("Kennedy said no.", matcher) == []  # two Kennedys and no evidence: left alone


def test_title_chooses_between_candidates() -> None:
    matcher = build_matcher([
        Entity(id="lbj", preferred="Johnson, Lyndon B.", description="President of the United States"),
        Entity(id="uaj", preferred="Johnson, U. Alexis", description="Deputy Under Secretary of State"),
    ])
    assert [link.id for link in link_text("President Johnson agreed.", matcher)] == ["lbj"]


def test_common_korean_family_name_alone_is_not_linked(curated_matcher: Matcher) -> None:
    links = link_text("Kim Il Sung spoke. Then Kim left.", curated_matcher)
    assert [link.text for link in links] == ["Kim Il Sung"]


def test_lower_case_words_are_not_names() -> None:
    matcher = build_matcher([Entity(id="ball", preferred="Ball, George W.")])
    assert link_text("the ball was round", matcher) == []
    assert [link.text for link in link_text("Ball said so", matcher)] == ["Ball"]


def test_role_words_link_to_the_one_holder(curated_matcher: Matcher) -> None:
    record = Record(
        id="r",
        title="t",
        participants=("Ambassador Dobrynin",),
        renditions=(Rendition("translation", "en", "Dobrynin arrived. The Ambassador said the weather was fine."),),
    )
    linked = link_record(record, curated_matcher)
    assert ("fonds:dobrynin", "The Ambassador") in {(p.id, p.text) for p in linked.persons}
    assert ("fonds:dobrynin", "participant") in {(p.id, p.role) for p in linked.persons}


def test_unknown_person_names_become_candidates(curated_matcher: Matcher) -> None:
    record = Record(id="r", title="t", renditions=(Rendition(
        "translation", "en", "Comrade Ri Ju-yon met Ambassador Moskovsky and P.K. Ponomarenko."),))
    found = {c.name: c for c in candidates([record], curated_matcher)}
    assert set(found) == {"Ri Ju-yon", "P.K. Ponomarenko"}
    assert found["Ri Ju-yon"].records == ("r",)


@pytest.mark.parametrize(
    ("text", "entity_id", "mention"),
    [
        ("просил передать Никите Сергеевичу Хрущёву благодарность", "fonds:khrushchev", "Никите Сергеевичу Хрущёву"),
        ("в письме Хрущёва говорилось", "fonds:khrushchev", "Хрущёва"),
        ("встреча с Косыгиным состоялась", "fonds:kosygin", "Косыгиным"),
        ("передать товарищу Ким Ир Сену", "fonds:kim-il-sung", "Ким Ир Сену"),  # a Korean name the dictionary lacks
        ("министр Пак Сон Чхоль сообщил", "fonds:pak-seong-cheol", "Пак Сон Чхоль"),  # Kontsevich, not Пак Сон Чер
        ("беседа с Пак Сон Чером", "fonds:pak-seong-cheol", "Пак Сон Чером"),
    ],
)
def test_russian_names_are_linked_in_any_grammatical_case(
    curated_matcher: Matcher, text: str, entity_id: str, mention: str
) -> None:
    assert (entity_id, mention) in {(p.id, p.text) for p in link_text(text, curated_matcher)}


def test_a_russian_case_never_overrides_a_name_as_written(curated_matcher: Matcher) -> None:
    links = link_text("Ким Ир Сен принял посла", curated_matcher)  # Ир is not read as a case of Ира
    assert [(p.id, p.text) for p in links] == [("fonds:kim-il-sung", "Ким Ир Сен")]
    assert link_text("Сергеевичу передали письмо", curated_matcher) == []  # a patronymic alone names no one


@pytest.mark.parametrize(
    ("text", "entity_id", "mention"),
    [
        ("他说，苏联大使下周将拜会金日成首相。", "fonds:kim-il-sung", "金日成"),  # inside a run of Han
        ("转达对毛澤東主席的问候", "fonds:mao-zedong", "毛澤東"),  # traditional, inside a run
        ("北京放送は本日、毛沢東主席が会談した", "fonds:mao-zedong", "毛沢東"),  # Japanese
        ("김일성은 말했다", "fonds:kim-il-sung", "김일성"),  # a Korean particle attached
    ],
)
def test_cjk_names_are_linked_inside_longer_runs(curated_matcher: Matcher, text: str, entity_id: str, mention: str) -> None:
    links = [(p.id, p.text) for p in link_text(text, curated_matcher)]
    assert links == [(entity_id, mention)]
    link = link_text(text, curated_matcher)[0]
    assert link.start is not None and text[link.start : link.end] == mention


def test_mentions_are_named_tuples_with_their_fields() -> None:
    """Mention is a NamedTuple (cheap to make); its fields keep their names and order."""
    from fonds.linking import Mention

    mention = Mention(4, 14, "Khrushchev", ("p1",), False)
    assert (mention.start, mention.end, mention.text, mention.candidates, mention.is_full, mention.is_ocr) == (
        4, 14, "Khrushchev", ("p1",), False, False)
    assert Mention._fields == ("start", "end", "text", "candidates", "is_full", "is_ocr")
