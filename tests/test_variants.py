"""Variant generation: the spellings fonds derives for an authority entry, and the names it parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.authority import Entity, load_curated
from fonds.evaluation import read_volume, volume_matcher
from fonds.linking import Matcher, link_text
from fonds.variants import generate, parse_name


def test_variant_kinds_and_sources() -> None:
    (kim,) = [e for e in load_curated() if e.id == "fonds:kim-il-sung"]
    kinds = {v.name: v for v in generate(kim)}
    assert kinds["Kim Il-sŏng"].kind == "McCune-Reischauer"
    assert kinds["Kim Il-seong"].kind == "Revised Romanization"
    assert kinds["Kim Il-seong"].source == "rule: Revised Romanization from Hangul 김일성"
    assert kinds["Kim II Sung"].kind == "OCR slip"
    assert kinds["Comrade Kim"].kind == "surname with title"


def test_persons_list_names_parse() -> None:
    assert [(p.family, p.given, p.titles) for p in parse_name("Booth, Lieutenant General Donald P.")] == [
        ("Booth", "Donald P.", ("Lieutenant General",))
    ]
    assert [(p.family, p.given, p.eastern) for p in parse_name("Cho Chong-hwan (Cho, Chung W.)")] == [
        ("Cho", "Chong-hwan", True),
        ("Cho", "Chung W.", False),
    ]
    assert [p.given for p in parse_name("Zhukov, Georgi (Yuri) A.")] == ["Georgi A.", "Yuri A."]
    assert parse_name("Irwin, John N., II")[0].suffix == "II"
    assert parse_name("Home, Alexander Frederick Douglas (Lord)")[0].titles == ("Lord",)


def test_generated_forms_of_a_persons_list_entry() -> None:
    names = {v.name for v in generate(Entity(id="x", preferred="Thompson, Llewellyn E., Jr."))}
    assert {"Llewellyn E. Thompson", "Llewellyn Thompson", "L. Thompson", "Llewellyn E. Thompson, Jr."} <= names


# Pairs from the shared volumes: a spelling the documents use, and the persons-list entry FRUS links it to.
PAIRS = {
    "frus1958-60v18.xml": [
        ("Chung W. Cho", "p_CCCCW1"), ("Cho Pong-am", "p_CBCP1"), ("Cho Bong-am", "p_CBCP1"),
        ("Paik Sun Yup", "p_PS8"), ("Sun Yup Paik", "p_PS8"), ("You Chan Yang", "p_YYC1"),
        ("Yun Po-sun", "p_YP2"), ("Po Sun Yun", "p_YP2"), ("Kim Chung Yul", "p_KCKC2"),
        ("Yu Jae Hung", "p_YCYJH1"), ("Chung II Kwon", "p_CICI1"), ("Kim Il-Sung", "p_KIS1"),
        ("Douglas MacArthur II", "p_MADII1"), ("D. MacArthur II", "p_MADII1"), ("G.H. Decker", "p_DGH1"),
        ("N.F. Twining", "p_TGNF1"), ("James S. Lay, Jr.", "p_LJSJ1"), ("John N. Irwin II", "p_IJNII1"),
        ("Syngman Rhee", "p_RS4"), ("Francesca Rhee", "p_RF2"), ("Cho Pung-ok", "p_CPCP1"),
    ],
    "frus1961-63v05.xml": [
        ("Anatoliy F. Dobrynin", "p_DAF1"), ("Anatoly Dobrynin", "p_DAF1"), ("Aleksey Kosygin", "p_KAN1"),
        ("Sergey A. Borisov", "p_BSA1"), ("Yuriy Zhukov", "p_ZGYA1"), ("Yuri Zhukov", "p_ZGYA1"),
        ("A.A. Gromyko", "p_GAA1"), ("L.I. Brezhnev", "p_BLI1"), ("N.S. KHRUSHCHEV", "p_KNS1"),
        ("Nikita Sergeyevich Khrushchev", "p_KNS1"), ("Averell Harriman", "p_HWA1"), ("Robert Kennedy", "p_KRF1"),
        ("U. Alexis Johnson", "p_JUA1"), ("A.N. Kosygin", "p_KAN1"), ("Chiang Kai-shek", "p_CKG1"),
    ],
    "frus1961-63v06.xml": [
        ("N. S. Khrushchev", "p_KNS2"), ("N. Khrushchev", "p_KNS2"), ("A.F. Dobrynin", "p_DAF1"),
        ("V.V. Kuznetsov", "p_KVV2"), ("Lord Home", "p_DHSAF1"), ("Prince Souvanna Phouma", "p_SP2"),
        ("Хрущёв", "p_KNS2"), ("Chruschtschow", "p_KNS2"),
    ],
    "frus1964-68v29p1.xml": [
        ("Park Chung Hee", "p_PC1"), ("Park Chong Hui", "p_PC1"), ("Kim Chong-p'il", "p_KCKC1"),
        ("Kim Chong Pil", "p_KCKC1"), ("Sung Eun Kim", "p_KSKS1"), ("Kim Sung-eun", "p_KSKS1"),
        ("Doo Sun Choi", "p_CDSCT1"), ("Chung Il-kwon", "p_CICI1"), ("W.W. Rostow", "p_RWW1"),
        ("R. W. Komer", "p_KRW1"), ("Win Brown", "p_BWG1"), ("Sam Berger", "p_BSD1"), ("Max Taylor", "p_TGMD1"),
        ("Joe Sisco", "p_SJJ1"), ("Chang Ch'ang-kuk", "p_CC1"), ("박정희", "p_PC1"), ("Kim Ir Sen", "p_KIS1"),
    ],
}


@pytest.fixture(scope="module")
def volume_matchers(corpus: Path) -> dict[str, Matcher]:
    return {name: volume_matcher(read_volume(corpus / "frus" / name)[0]) for name in PAIRS}


@pytest.mark.parametrize(
    ("volume", "spelling", "xml_id"), [(v, s, i) for v, pairs in PAIRS.items() for s, i in pairs]
)
def test_volume_spelling_links_to_persons_list(
    volume_matchers: dict[str, Matcher], volume: str, spelling: str, xml_id: str
) -> None:
    links = link_text(spelling, volume_matchers[volume])
    assert [link.id for link in links] == [xml_id]
    assert links[0].text and links[0].text in spelling
