"""Editorial brackets: each kind of mark with its common variants, and what stays supplied words."""

from __future__ import annotations

import pytest

from fonds.importers.marks import find_marks


def marks_of(text: str) -> list[tuple[str, str, str]]:
    return [(m.kind, text[m.start:m.end], m.text) for m in find_marks(text)]


@pytest.mark.parametrize(
    ("printed", "kind", "value"),
    [
        ("[illegible]", "illegible", "illegible"),
        ("[Illegible word]", "illegible", "Illegible word"),
        ("[2 words illegible]", "illegible", "2 words illegible"),
        ("[unreadable]", "illegible", "unreadable"),
        ("[indecipherable]", "illegible", "indecipherable"),
        ("[unclear]", "unclear", ""),
        ("[?]", "unclear", ""),
        ("[Moscow?]", "unclear", "Moscow"),
        ("[signature]", "signature", ""),
        ("[Signed]", "signature", ""),
        ("[illegible signature]", "signature", ""),
        ("[signature: A. Gromyko]", "signature", "A. Gromyko"),
        ("[stamp]", "stamp", ""),
        ("[Seal]", "stamp", ""),
        ("[stamp: Top Secret]", "stamp", "Top Secret"),
        ("[handwritten]", "handwritten", ""),
        ("[in handwriting]", "handwritten", ""),
        ("[handwritten note: Agreed]", "handwritten", "Agreed"),
        ("[redacted]", "redacted", "redacted"),
        ("[excised]", "redacted", "excised"),
        ("[name redacted]", "redacted", "name redacted"),
        ("[1 line not declassified]", "redacted", "1 line not declassified"),
        ("[page 2]", "page", "2"),
        ("[Page 12 of 40]", "page", "12"),
        ("[p. 3]", "page", "3"),
        ("[page break]", "page", ""),
        ("[...]", "gap", ""),
        ("[text omitted]", "gap", ""),
        ("[Here follows discussion of Vietnam.]", "gap", ""),
        ("[garble]", "illegible", "garble"),
    ],
)
def test_each_kind_and_its_variants(printed: str, kind: str, value: str) -> None:
    text = f"The ambassador said {printed} to them."
    ((found_kind, span, found_value),) = marks_of(text)
    assert (found_kind, span, found_value) == (kind, printed, value)


def test_sic_covers_the_word_it_is_about() -> None:
    assert marks_of("asks the embassy to report on [sic] talks") == [("sic", "on [sic]", "on")]
    assert marks_of("Kim II Sung [sic!] said") == [("sic", "Sung [sic!]", "Sung")]


def test_supplied_words_and_alternate_names_stay_what_they_were() -> None:
    text = "[I] paid a visit. Pak Seong-cheol [Pak Song Chol] was present [and] spoke [to you]."
    assert [(kind, value) for kind, _, value in marks_of(text)] == [
        ("supplied", "I"), ("alternate", "Pak Seong-cheol"), ("supplied", "and"), ("supplied", "to you"),
    ]


@pytest.mark.parametrize(
    ("printed", "kind", "value"),
    [
        # abbreviations and empty values
        ("[illeg.]", "illegible", "illeg."),
        ("[illegible.]", "illegible", "illegible"),
        ("[stamp:]", "stamp", ""),
        ("[pp. 3-4]", "page", "3-4"),
        ("[p. iv]", "page", "iv"),
        ("[text missing]", "gap", ""),
        # as transcripts of Russian and German originals print them
        ("[неразборчиво]", "illegible", "неразборчиво"),
        ("[нрзб.]", "illegible", "нрзб."),
        ("[подпись]", "signature", ""),
        ("[печать]", "stamp", ""),
        ("[Unterschrift]", "signature", ""),
        ("[Stempel: Geheim]", "stamp", "Geheim"),
        ("[unleserlich]", "illegible", "unleserlich"),
        ("[Seite 4]", "page", "4"),
    ],
)
def test_abbreviated_and_foreign_marks_are_their_own_kinds(printed: str, kind: str, value: str) -> None:
    assert marks_of(f"text {printed} text") == [(kind, printed, value)]


def test_an_initial_is_not_a_page() -> None:
    assert marks_of("signed [S. Smith] today") == [("supplied", "[S. Smith]", "S. Smith")]


@pytest.mark.parametrize(
    "printed",
    ["[Translator's note: the word is ambiguous]", "[Editor's note: see document 12]", "[Note: sic in original]",
     "[Примечание переводчика: игра слов]", "[Anm. d. Übers.: Wortspiel]"],
)
def test_a_translators_or_editors_note_is_a_note_not_supplied_words(printed: str) -> None:
    assert marks_of(f"text {printed} text") == [("note", printed, printed[1:-1])]
