"""An editor's changes to a record, checked and derived exactly as an import is.

`apply_edit(record, form)` takes the fields an editor sees as text (title, date as printed,
type, summary, citation, repository, reference, credits, languages, collections, and each
rendition's text) and gives the new Record, or raises `EditError` listing every problem in
the words the importers use. What fonds derives is derived again, never typed by hand:

- the date's EDTF form and earliest/latest bounds (`dates.parse_date`);
- the reference parts (`fond 0102, opis 18` -> {"fond": "0102", "opis": "18"}), as the
  citation importer reads them;
- editorial marks of a changed text (`importers.marks.find_marks`); notes and page breaks
  past the end of a shortened text lose their offset;
- person links: fonds's own links are dropped and found again by the caller (`relink`),
  links encoded in the source (FRUS persName) are kept.

The result passes the Record JSON check of the JSON importer, so an edit can store nothing
an import could not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

from fonds.dates import parse_date
from fonds.errors import FondsError, RecordError
from fonds.linking import SOURCE as LINKER
from fonds.record import Credit, Note, Record, Rendition, format_reference
from fonds.text_rule import text_problem
from fonds.vocabulary import language_code, language_names

MAX_FIELD = 2_000_000  # characters in one field: a long document's text fits, a flood does not
FIELDS = ("title", "date", "type", "summary", "citation", "repository", "repository_code",
          "reference", "credits", "languages", "collections")


class EditError(FondsError):
    """Problems with an edit, one per line, each naming its field."""

    status = 400

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class EditForm:
    """The fields of a record as an editor sees and types them (all text)."""

    values: Mapping[str, str]
    texts: tuple[str, ...]  # each rendition's text, in order

    @classmethod
    def of(cls, record: Record) -> EditForm:
        names = language_names()
        return cls(
            values={
                "title": record.title,
                "date": record.date.text or "",
                "type": record.type or "",
                "summary": record.summary or "",
                "citation": record.source.citation or "",
                "repository": record.source.repository or "",
                "repository_code": record.source.repository_code or "",
                "reference": format_reference(record.source.reference) if record.source.reference else "",
                "credits": "\n".join(f"{c.role}: {c.name}" for c in record.credits),
                "languages": ", ".join(names.get(code, code) for code in record.original_languages),
                "collections": ", ".join(record.collections),
            },
            texts=tuple(r.text for r in record.renditions),
        )

    @classmethod
    def read(cls, form: Mapping[str, str], renditions: int, *, before: EditForm | None = None) -> EditForm:
        """The form as posted: `title`, `date`..., and `text-0`, `text-1`... for the renditions. A
        field the post leaves out altogether keeps its value in `before` (the record as it is), so a
        truncated or hand-made post never empties a text it did not send; an empty field empties."""
        def value(name: str, default: str, keep_lines: bool = False) -> str:
            sent = form.get(name)
            return default if sent is None and before is not None else _clean(sent or "", keep_lines=keep_lines)

        old_texts = before.texts if before is not None else ()
        return cls(
            values={name: value(name, before.values.get(name, "") if before else "") for name in FIELDS},
            texts=tuple(value(f"text-{i}", old_texts[i] if i < len(old_texts) else "", keep_lines=True)
                        for i in range(renditions)),
        )


def _clean(value: str, *, keep_lines: bool = False) -> str:
    """Form text with Windows line ends made plain and, for one-line fields, outer space trimmed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value if keep_lines else value.strip()


def apply_edit(record: Record, form: EditForm, *, relink: Callable[[Record], Record] | None = None,
               repositories: Callable[[Record], Record] | None = None) -> Record:
    """The record with the form's values, derived and checked. Raises EditError listing every problem.

    `relink` finds person links again (a changed title or text); `repositories` puts a changed
    repository under the authority's name as ingest does (`Repositories.apply`: a retired or
    merged name typed by hand goes under the repository it belongs to now)."""
    problems: list[str] = []
    v = form.values
    for name, value in [*v.items(), *((f"text {i + 1}", t) for i, t in enumerate(form.texts))]:
        if len(value) > MAX_FIELD:
            problems.append(f"{name}: {len(value):,} characters is more than one field holds ({MAX_FIELD:,}); shorten it")
        if "\x00" in value:
            problems.append(f"{name}: holds a NUL character; remove it")
    if not v["title"]:
        problems.append("title: a record needs a title")
    date = record.date
    if v["date"] != (record.date.text or ""):
        try:
            date = parse_date(v["date"] or None)
        except RecordError as error:
            problems.append(f"date: {error}")
    languages = _languages(v["languages"], problems)
    credits = _credits(v["credits"], problems)
    if problems:
        raise EditError(problems)
    reference = dict(record.source.reference)
    if v["reference"] != (format_reference(record.source.reference) if record.source.reference else ""):
        from fonds.importers.citation import _reference as read_reference  # importers load on first edit, not at start

        reference = read_reference(v["reference"])
    source = replace(
        record.source,
        citation=v["citation"] or None,
        repository=v["repository"] or None,
        repository_code=v["repository_code"] or None,
        reference=reference,
    )
    edited = replace(
        record,
        title=v["title"],
        date=date,
        type=v["type"] or None,
        summary=v["summary"] or None,
        source=source,
        credits=credits,
        original_languages=languages,
        collections=tuple(dict.fromkeys(c.strip() for c in v["collections"].split(",") if c.strip())),
        renditions=tuple(_rendition(r, t) for r, t in zip(record.renditions, form.texts)),
    )
    if repositories is not None and (source.repository, source.repository_code) != (
            record.source.repository, record.source.repository_code):
        # the name typed is the name printed now: the form it replaced no longer speaks for the record
        edited = repositories(replace(edited, source=replace(source, repository_printed=None)))
    text_changed = any(a.text != b.text for a, b in zip(record.renditions, edited.renditions))
    if relink is not None and (text_changed or edited.title != record.title):
        edited = relink(edited.with_persons(tuple(p for p in edited.persons if p.source != LINKER)))
    try:
        from fonds.importers.jsonfile import _record as checked_record

        return checked_record(edited.to_dict(), f"record {record.id}")
    except RecordError as error:
        raise EditError([str(error)]) from None


def _languages(text: str, problems: list[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for name in re.split(r"\s*(?:,|;)\s*", text):
        if not name:
            continue
        code = name if name in language_names() else language_code(name)
        if code is None:
            problems.append(f"languages: {name!r} is not a language we know; write its English name "
                            "(Russian, Chinese, Korean...) or its ISO 639-1 code (ru, zh, ko)")
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _credits(text: str, problems: list[str]) -> tuple[Credit, ...]:
    credits: list[Credit] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        role, colon, name = line.partition(":")
        if not colon or not role.strip() or not name.strip():
            problems.append(f"credits line {number}: {line.strip()[:80]!r} is not 'role: name' "
                            "(for example 'translator: Sergey Radchenko')")
            continue
        credits.append(Credit(role.strip().lower(), name.strip()))
    return tuple(credits)


def _rendition(rendition: Rendition, text: str) -> Rendition:
    if text == rendition.text:
        return rendition
    from fonds.importers.marks import find_marks

    return replace(
        rendition,
        text=text,
        marks=find_marks(text) if rendition.kind != "scan" else (),
        notes=tuple(n if n.offset is None or n.offset <= len(text) else Note(n.n, n.text, None) for n in rendition.notes),
        pages=tuple(p for p in rendition.pages if p.offset <= len(text)) if rendition.pages else (),
    )


MAX_NOTE = 2000  # characters of a note or reason: a proposal's, a decision's, an edit's, a withdrawal's


def check_note(text: str, what: str = "note") -> str:
    """A note or reason as kept (a proposal's, a decision's, an edit's, a withdrawal's):
    outer space trimmed. Raises EditError for a NUL (PostgreSQL's text cannot hold one), a
    character the text rule refuses (fonds.text_rule: a control such as ESC, a bidirectional
    override) or one over MAX_NOTE characters."""
    text = text.replace("\r\n", "\n").strip()
    problems = []
    if "\x00" in text:
        problems.append(f"{what}: holds a NUL character; remove it")
    elif (problem := text_problem(text)) is not None:  # an ESC, a bidi override... (fonds.text_rule)
        problems.append(f"{what}: {problem}")
    if len(text) > MAX_NOTE:
        problems.append(f"{what}: {len(text):,} characters is more than a {what} holds ({MAX_NOTE:,}); shorten it")
    if problems:
        raise EditError(problems)
    return text
