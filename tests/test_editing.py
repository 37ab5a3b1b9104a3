"""An edit checked and derived as an import is (fonds.editing)."""

from __future__ import annotations

import pytest

from fonds.dates import parse_date
from fonds.editing import EditError, EditForm, apply_edit
from fonds.record import Credit, Mark, Note, PersonLink, Record, Rendition, Source

TEXT = "Kim Il Sung [and] the Ambassador met [...]."
RECORD = Record(
    id="r1", title="Talk", date=parse_date("August 14, 1962"), original_languages=("ru",),
    source=Source(citation="AVPRF, fond 0102", repository="Archive", reference={"fond": "0102"}),
    credits=(Credit("translator", "Sergey Radchenko"),), collections=("NKIDP",),
    renditions=(Rendition("translation", "en", TEXT, marks=(Mark("supplied", 12, 17, "and"),),
                          notes=(Note("1", "a note", 40),)),),
    persons=(PersonLink("frus:p1", "Kim Il Sung", source="encoded in FRUS", start=0, end=11, rendition=0),
             PersonLink("p2", "The Ambassador", source="linked by fonds", confidence=0.5, start=18, end=32, rendition=0)),
)


def form(**values: str) -> EditForm:
    base = EditForm.of(RECORD)
    texts = (values.pop("text"),) if "text" in values else base.texts
    return EditForm({**base.values, **values}, texts)


def test_an_unchanged_form_gives_the_same_record() -> None:
    assert apply_edit(RECORD, form()) == RECORD


def test_the_date_is_read_again_with_its_bounds() -> None:
    edited = apply_edit(RECORD, form(date="c. 1963"))
    assert (edited.date.text, edited.date.earliest, edited.date.latest) == ("c. 1963", "1962-01-01", "1964-12-31")


def test_reference_text_becomes_its_parts_and_languages_their_codes() -> None:
    edited = apply_edit(RECORD, form(reference="fond 0102, opis 18, delo 5", languages="Russian, ko"))
    assert dict(edited.source.reference) == {"fond": "0102", "opis": "18", "delo": "5"}
    assert edited.original_languages == ("ru", "ko")


def test_a_changed_text_gets_its_marks_again_and_fonds_links_are_found_again() -> None:
    seen: list[Record] = []

    def relink(record: Record) -> Record:
        seen.append(record)
        return record

    text = "Kim Il Sung [then] left."
    edited = apply_edit(RECORD, form(text=text), relink=relink)
    assert [(m.kind, text[m.start:m.end]) for m in edited.renditions[0].marks] == [("supplied", "[then]")]
    assert edited.renditions[0].notes == (Note("1", "a note", None),)  # past the end of the shorter text
    assert [p.id for p in seen[0].persons] == ["frus:p1"]  # fonds's own links dropped before relinking


def test_every_problem_is_listed_by_field_and_nothing_is_made() -> None:
    with pytest.raises(EditError) as caught:
        apply_edit(RECORD, form(title="", date="someday soon", languages="Klingon", credits="nobody"))
    problems = caught.value.problems
    assert problems[0] == "title: a record needs a title"
    assert problems[1].startswith("date: date 'someday soon' is not one we understand")
    assert problems[2].startswith("languages: 'Klingon' is not a language we know")
    assert problems[3].startswith("credits line 1: 'nobody' is not 'role: name'")


def test_a_nul_character_is_refused() -> None:
    with pytest.raises(EditError, match="summary: holds a NUL character"):
        apply_edit(RECORD, form(summary="a\x00b"))


def test_the_record_is_checked_as_record_json_at_the_door() -> None:
    with pytest.raises(EditError, match=r"record r1: .*collections"):
        apply_edit(RECORD, form(collections="bad\x01id"))
    assert apply_edit(RECORD, form(collections=" , NKIDP, NKIDP")).collections == ("NKIDP",)
