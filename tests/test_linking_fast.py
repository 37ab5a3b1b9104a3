"""The fast paths of linking.py against plain references: the same links on any text.

`Matcher._longest` reads on from a word through a cache of steps (`Matcher._step`), the titles
before a name are found through an index by last character (`name_titles.title_before`), and CJK is
looked for only in texts whose UTF-8 bytes may hold it (`analysis.has_cjk`). Each reference below
is the plain way of doing the same (as linking.py did before): word by word with `_next_word`,
`_joins` and `russian_names.case_keys`; title by title with `str.endswith`; `CJK_RUN.search` over the characters.
"""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given, settings, strategies as st

from fonds import linking, name_titles, russian_names
from fonds.analysis import CJK_RUN, has_cjk
from fonds.authority import Entity
from fonds.linking import Matcher, Word, build_matcher, link_text
from fonds.romanize import ocr_fold
from fonds.variants import titles


class PlainMatcher(Matcher):
    """The matcher with `_longest` as it was written before the step cache: every step worked out."""

    def _longest(self, text: str, first: Word) -> tuple[int, str, bool] | None:
        prefixes, full, family = self.prefixes, self.full, self.family
        raw, joined = first[3], first[4]
        best: tuple[int, str, bool] | None = None
        if joined in full and joined not in family:
            best = (first[1], joined, True)
        elif joined in family:
            best = (first[1], joined, False)
        word = first
        for _ in range(7):
            following = linking._next_word(text, word[2])
            if following is None:
                break
            between = text[word[1]:following[0]]
            if not linking._joins(between, word[1] - word[0]):
                break
            joined = ocr_fold(raw + following[3])
            if joined not in prefixes:
                case_key = next(
                    (k for k in russian_names.case_keys(text[following[0]:following[1]]) if ocr_fold(raw + k) in prefixes),
                    None,
                )
                if case_key is None:
                    break
                joined = ocr_fold(raw + case_key)
                following = (*following[:3], case_key, ocr_fold(case_key), following[5])
            raw += following[3]
            word = following
            if not word[5] and between != "-":
                continue
            if joined in full:
                best = (word[1], joined, True)
            elif joined in family:
                best = (word[1], joined, False)
        return best


def plain_title_before(before: str, *, any_case: bool, rank: bool) -> int | None:
    """The first title of the table the text ends with, tried one by one."""
    for place, (title, lower, _, is_rank) in enumerate(name_titles.title_table()):
        if rank and not is_rank:
            continue
        if before.endswith(title) or (any_case and before.endswith(lower)):
            return place
    return None


ENTITIES = [
    Entity(id="kis", preferred="Kim Il-sung", language="ko", family="Kim", given="Il-sung"),
    Entity(id="kji", preferred="Kim Jong-il", language="ko", family="Kim", given="Jong-il"),
    Entity(id="nsk", preferred="Khrushchev, Nikita Sergeyevich"),
    Entity(id="rusk", preferred="Rusk, Dean", titles=("Secretary of State",)),
    Entity(id="lbj", preferred="Johnson, Lyndon B.", titles=("President",)),
    Entity(id="uaj", preferred="Johnson, U. Alexis", titles=("Ambassador",)),
    Entity(id="theo", preferred="Odore, The"),  # a family name that a common word runs into
    Entity(id="gromyko", preferred="Громыко, Андрей Андреевич", language="ru"),
    Entity(id="zhou", preferred="周恩来", language="zh"),
]
# Pieces of names, titles and common words, so that the texts hold names split and joined in
# every way the matcher allows (spaces, hyphens, initials, line breaks, Russian case endings).
PIECES = [
    "Kim", "Il", "sung", "Il-sung", "Jong", "il", "Jong-il", "Khrushchev", "Khrushchev's", "Nikita", "N.",
    "S.", "Sergeyevich", "Sergeyevichu", "Dean", "Rusk", "Johnson", "Lyndon", "B.", "U.", "Alexis", "The",
    "odore", "the", "I", "II", "Sung", "President", "Ambassador", "Mr.", "Secretary", "secretary", "General",
    "Громыко", "Громыку", "Андрей", "Андреевичу", "周恩来", "总理", "Kimilsung", "KIM", "rn", "Rnsk", "Walt",
]
SEPARATORS = [" ", " ", " ", "-", ". ", ".", "\n", "\n\n", ", ", "; ", "", "  "]


@pytest.fixture(scope="module")
def matchers() -> tuple[Matcher, Matcher]:
    fast = build_matcher(ENTITIES)
    plain = PlainMatcher(**{f.name: getattr(fast, f.name) for f in fields(fast) if f.init})
    return fast, plain


def _plain_links(text: str, plain: Matcher) -> list[linking.PersonLink]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linking, "title_before", plain_title_before)
        return link_text(text, plain)


texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(piece + separator for piece, separator in parts)
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_fast_and_plain_linking_agree(matchers: tuple[Matcher, Matcher], text: str) -> None:
    fast, plain = matchers
    assert link_text(text, fast) == _plain_links(text, plain)


@pytest.mark.parametrize("text", [
    "President Johnson met Ambassador Johnson and N. S. Khrushchev.",
    "The Secretary said Mr. Rusk and Kim Il\nsung spoke; Nikita Sergeyevichu Khrushchev's aide",
    "Theodore met Громыку. Андрей Андреевичу Громыко ответил. 周恩来总理 said Kim Jong-il",
])
def test_fast_and_plain_linking_agree_on_written_texts(matchers: tuple[Matcher, Matcher], text: str) -> None:
    fast, plain = matchers
    found = link_text(text, fast)
    assert found, "the example names someone"
    assert found == _plain_links(text, plain)


@given(st.text(max_size=40).map(str.rstrip))
def test_title_before_is_the_first_title_the_text_ends_with(before: str) -> None:
    for any_case in (False, True):
        for rank in (False, True):
            assert name_titles.title_before(before, any_case=any_case, rank=rank) == plain_title_before(
                before, any_case=any_case, rank=rank)


@pytest.mark.parametrize("title", titles())
def test_title_before_finds_every_title(title: str) -> None:
    assert name_titles.title_before(f"met {title}", any_case=False, rank=False) == plain_title_before(
        f"met {title}", any_case=False, rank=False) is not None
    assert name_titles.title_before(f"met {title.lower()}", any_case=True, rank=False) is not None


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF, exclude_categories=("Cs",))))
def test_has_cjk_is_the_plain_search(text: str) -> None:
    long = text * (1 + 80 // max(1, len(text)))  # past the length where the byte filter is used
    assert has_cjk(text) == (CJK_RUN.search(text) is not None)
    assert has_cjk(long) == (CJK_RUN.search(long) is not None)


def test_has_cjk_on_every_cjk_range() -> None:
    padding = "“Quoted” — Хрущёв, Müller; " * 4
    for first, last in [(0x1100, 0x11FF), (0x3040, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                        (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F)]:
        for code in range(first, last + 1):
            text = padding + chr(code)
            assert has_cjk(text) == (CJK_RUN.search(text) is not None), hex(code)
    assert not has_cjk(padding)
    assert has_cjk(padding + "金日成")
