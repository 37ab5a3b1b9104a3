"""A name's variants in the compiled search: a variant whose records another variant already finds
(`Nikita Sergeyevich Khrushchev` beside `Khrushchev`) is left out of the query, and the search finds
exactly the records the whole list of variants finds."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

import pytest

from fonds.index import Index
from fonds.ingest import ingest
from fonds.query import parse
from fonds.store.sqlite import SQLiteStore

BODIES = {
    990301: "Nikita Sergeyevich Khrushchev received the delegation.",
    990302: "N. S. Khrushchev spoke first.",
    990303: "The letter was passed to Хрущёву in Moscow.",
    990304: "Chruschtschow sprach.",
    990305: "Nikita Sergeyevich alone signed it.",  # only the given name and patronymic
    990306: "Sergeyevich Nikita, in the wrong order.",  # no variant at all
    990307: "Никита Хрущёв выступил.",
    990308: "Marshal Kim Il Sung received them.",
    990309: "Kim Il-sung spoke; later Il Sung Kim left.",
    990310: "Il Sung Kim alone, and Kim Sung Il, in another order.",
}
VARIANTS = [
    ("Khrushchev", "BGN/PCGN"),
    ("Nikita Sergeyevich Khrushchev", "full name"),
    ("N. S. Khrushchev", "initials"),
    ("Хрущёв", "original script"),
    ("Никита Хрущёв", "original script"),
    ("Хрущев", "original script without ё"),
    ("Chruschtschow", "German"),
    ("Nikita Chruschtschow", "German"),
    ("Nikita Sergeyevich", "given name and patronymic"),
]


def _record(folder: Path, number: int, body: str) -> Path:
    path = folder / f"{number}.txt"
    path.write_text(
        f"1962\n\nMemo {number}\n\nCitation:\n\n\"Memo {number}\", 1962, Wilson Center Digital Archive, AVPRF, fond 1. "
        f"https://digitalarchive.wilsoncenter.org/document/{number}\n\nOriginal Language:\n\nRussian\n\n"
        f"Contents:\n\nTranslation - English\n\n{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("variants")
    store = SQLiteStore(folder / "fonds.db")
    assert ingest(store, [_record(folder, number, body) for number, body in BODIES.items()]).ok
    found = Index(folder / "index")
    found.update(store)
    yield found
    store.close()


KIM = [
    ("Kim Il Sung", "romanized"),
    ("Marshal Kim Il Sung", "title"),  # holds Kim Il Sung: left out
    ("Kim Il-sung", "hyphenated"),  # the same phrase as Kim Il Sung: left out
    ("Il Sung Kim", "Western order"),  # another order: kept
]


def _resolver(variants: Sequence[tuple[str, str]]) -> object:
    return lambda name: variants if name.lower() in ("khrushchev", "nikita", "kim") else []


def _found(index: Index, variants: Sequence[tuple[str, str]], query: str = "person:Khrushchev") -> set[str]:
    result = index.search(parse(query), limit=50, resolve_names=_resolver(variants))  # type: ignore[arg-type]
    return {hit.id for hit in result.hits}


def test_a_name_search_finds_what_every_variant_finds(index: Index) -> None:
    one_by_one: set[str] = set()
    for variant in VARIANTS:  # each variant alone: nothing can be left out of a list of one
        one_by_one |= _found(index, [variant])
    assert one_by_one == {f"wcda-{n}" for n in range(990301, 990308) if n != 990306}
    assert _found(index, VARIANTS) == one_by_one
    assert _found(index, list(reversed(VARIANTS))) == one_by_one


def _compiled(index: Index, variants: Sequence[tuple[str, str]], expansions: list[tuple[str, str]],
              query: str = "person:Khrushchev") -> str:
    from fonds import rendition_text
    from fonds.compiler import Compiler

    keys = rendition_text.Keys(index.index.searcher())
    compiler = Compiler(index.schema, index.analysis, _resolver(variants), expansions, scope_keys=keys)  # type: ignore[arg-type]
    return repr(compiler.compile(parse(query)))


def test_variants_whose_records_another_finds_are_left_out_of_the_query(index: Index) -> None:
    expansions: list[tuple[str, str]] = []
    compiled = _compiled(index, VARIANTS, expansions)
    assert expansions == VARIANTS, "every variant is still reported (matched, snippets)"
    kept = [v for v in VARIANTS if v[0] in ("Khrushchev", "Хрущёв", "Хрущев", "Chruschtschow", "Nikita Sergeyevich")]
    assert compiled == _compiled(index, kept, []), "the same query as the variants no other variant covers"
    assert compiled != _compiled(index, kept[:-1], []), "Nikita Sergeyevich has no one-word variant of its own"


def test_a_phrase_inside_another_or_the_same_phrase_is_searched_once(index: Index) -> None:
    one_by_one: set[str] = set()
    for variant in KIM:
        one_by_one |= _found(index, [variant], "person:Kim")
    assert one_by_one == {"wcda-990308", "wcda-990309", "wcda-990310"}
    assert _found(index, KIM, "person:Kim") == one_by_one == _found(index, list(reversed(KIM)), "person:Kim")
    kept = [KIM[0], KIM[3]]
    assert _compiled(index, KIM, [], "person:Kim") == _compiled(index, kept, [], "person:Kim")


def test_a_name_searched_again_reuses_its_query_and_other_variants_get_their_own(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fonds.compiler import Compiler

    made: list[tuple[str, ...]] = []
    real = Compiler.variants_query

    def counting(self: Compiler, used: Sequence[str]) -> object:
        made.append(tuple(used))
        return real(self, used)

    monkeypatch.setattr(Compiler, "variants_query", counting)
    fresh = [*VARIANTS, ("Khrouchtchev", "French")]  # a list no other test searched
    first = _found(index, fresh)
    assert _found(index, fresh) == first == _found(index, VARIANTS)
    assert made == [tuple(v for v, _ in fresh)], "compiled once, for the first search"
    assert _found(index, [*fresh, ("Hruščov", "Slovene")]) == first
    assert len(made) == 2, "another list of variants is compiled anew"
