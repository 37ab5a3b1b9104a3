"""Record JSON checked field by field at the door, before anything is stored.

`check(data, origin=...)` raises one RecordError naming the field and what it
expected (`file.json:1: date: expected an object with text/earliest/latest/edtf,
got text`). It checks what later breaks the archive if let in: types (a date
that is a string, collections that are not a list), identifiers (fonds.identifiers),
date bounds (ISO 8601 days, earliest not after latest), language codes (ISO 639
with optional BCP 47 subtags), rendition and mark kinds, mark, note and page
offsets inside their rendition's text, person links pointing to a rendition the
record has, and text that XML 1.0 can carry (no control characters but tab and
newlines, no lone surrogates, no U+FFFE/U+FFFF): every export and OAI-PMH
writes XML.

The models are pydantic (strict: no coercion of a number into text). A field the
Record dataclass gained after this module was written passes unchecked rather
than being refused, so a newer dump can still be read; a key the Record does not
know at all (`tittle`) is refused.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from fonds.dates import HistoricalDate
from fonds.errors import RecordError
from fonds.identifiers import identifier_problem
from fonds.record import MAKER_ROLES, MARK_KINDS, RENDITION_KINDS, Record

_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Whole values (\Z, never `$`, which lets a trailing line feed through), ASCII digits only: a day
# the door takes becomes the index's sort key, which "1962-01-01\n" broke (the record was never searchable).
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?Z?\Z")


# _BAD_CHAR's control characters as bytes: in UTF-8 each is one byte, which no other character's
# bytes contain; U+FFFE and U+FFFF are EF BF BE and EF BF BF; a lone surrogate cannot be encoded.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _clean(value: str) -> bool:
    """Whether a long text surely holds nothing _BAD_CHAR finds, looked at as UTF-8 bytes (one
    `bytes.translate` pass, several times faster than the expression over its characters)."""
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return len(data.translate(None, _CONTROL_BYTES)) == len(data) and not any(n in data for n in _NONCHARACTERS)


def _text(value: str) -> str:
    if len(value) > 64 and _clean(value):  # a rendition's text: most of a record's characters
        return value
    bad = _BAD_CHAR.search(value)
    if bad is not None:
        kind = "a lone surrogate" if "\ud800" <= bad[0] <= "\udfff" else "a control character"
        raise ValueError(
            f"holds {kind} (U+{ord(bad[0]):04X}) at character {bad.start() + 1}, which XML cannot carry; remove it"
        )
    return value


def _identifier(value: str) -> str:
    problem = identifier_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError(f"{value[:40]!r} is not a language code; give ISO 639 codes such as 'ru', 'zh' or 'ko'")
    return value


def _day(value: str) -> str:
    _text(value)
    try:
        if not _DAY.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 day (YYYY-MM-DD)") from None
    return value


def _one_of(allowed: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value[:40]!r} is not one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


Text = Annotated[str, AfterValidator(_text)]
Title = Annotated[str, Field(min_length=1), AfterValidator(_text)]
Identifier = Annotated[str, AfterValidator(_identifier)]
Language = Annotated[str, AfterValidator(_language)]
Day = Annotated[str, AfterValidator(_day)]
Offset = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


def _time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f"{value[:40]!r} is not a time of day as fonds keeps it (YYYY-MM-DDTHH:MM[:SS][Z])")
    return value


Time = Annotated[str, AfterValidator(_time)]


class DateModel(_Model):
    text: Text | None = None
    earliest: Day | None = None
    latest: Day | None = None
    edtf: Text | None = None
    time: Time | None = None
    supplied: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> DateModel:
        if self.earliest and self.latest and self.latest[:10] < self.earliest[:10]:
            raise ValueError(f"latest {self.latest} is before earliest {self.earliest}")
        return self


class SourceModel(_Model):
    citation: Text | None = None
    repository: Text | None = None
    repository_code: Text | None = None
    reference: dict[Text, Text] = {}
    classification: Text | None = None
    drafter: Text | None = None
    publication: Text | None = None
    repository_printed: Text | None = None


class WarningModel(_Model):
    origin: Text
    message: Text


class CreditModel(_Model):
    role: Text
    name: Text


class MarkModel(_Model):
    kind: Annotated[str, _one_of(MARK_KINDS)]
    start: Offset
    end: Offset
    text: Text = ""
    alternate: Text | None = None


class NoteModel(_Model):
    n: Text
    text: Text
    offset: Offset | None = None


class PageModel(_Model):
    n: Text
    offset: Offset
    confidence: Annotated[float, Field(ge=0, le=100)] | None = None


class FileModel(_Model):
    """A file held beside the database (fonds.renditions.files), named by its SHA-256."""

    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[A-Za-z0-9.+-]+$")]
    size: Annotated[int, Field(ge=0)]
    name: Text | None = None
    width: Annotated[int, Field(gt=0)] | None = None
    height: Annotated[int, Field(gt=0)] | None = None
    url: Text | None = None  # where the JSON twin says the file is served: accepted, never stored
    iiif: Text | None = None


class MakerModel(_Model):
    role: Annotated[str, _one_of(MAKER_ROLES)]
    name: Text | None = None
    engine: Text | None = None
    version: Text | None = None


class RenditionModel(_Model):
    kind: Annotated[str, _one_of(RENDITION_KINDS)]
    language: Language | None = None
    label: Text | None = None
    text: Text = ""
    marks: list[MarkModel] = []
    notes: list[NoteModel] = []
    pages: list[PageModel] = []
    source: FileModel | None = None
    images: list[FileModel] = []
    maker: MakerModel | None = None
    machine_made: bool | None = None  # derived from maker; accepted, never trusted
    words: FileModel | None = None

    @model_validator(mode="after")
    def _offsets_inside(self) -> RenditionModel:
        size = len(self.text)
        for number, mark in enumerate(self.marks):
            if not mark.start <= mark.end <= size:
                raise ValueError(
                    f"marks[{number}] spans {mark.start}..{mark.end}, outside the text's {size} characters"
                )
        offsets = [("notes", n, note.offset) for n, note in enumerate(self.notes)]
        offsets += [("pages", n, page.offset) for n, page in enumerate(self.pages)]
        for field_name, number, offset in offsets:
            if offset is not None and offset > size:
                raise ValueError(f"{field_name}[{number}] stands at {offset}, after the text's {size} characters")
        return self


class PersonModel(_Model):
    id: Identifier
    name: Text
    role: Text = "mentioned"
    source: Text | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    rule: Text | None = None  # which linking rule chose the person (fonds.review)
    text: Text | None = None
    start: Offset | None = None
    end: Offset | None = None
    rendition: Offset | None = None

    @model_validator(mode="before")
    @classmethod
    def _whole_confidence(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("confidence"), int) and not isinstance(
            data["confidence"], bool
        ):
            return {**data, "confidence": float(data["confidence"])}  # JSON's 1 is 1.0
        return data

    @model_validator(mode="after")
    def _ordered(self) -> PersonModel:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class RecordModel(_Model):
    model_config = ConfigDict(strict=True, extra="allow")

    id: Identifier
    title: Title
    type: Text | None = None
    date: DateModel | None = None
    summary: Text | None = None
    original_languages: list[Language] = []
    source: SourceModel | None = None
    credits: list[CreditModel] = []
    collections: list[Identifier] = []
    url: Text | None = None
    number: Text | None = None
    chapter: Text | None = None
    place: Text | None = None
    subjects: list[Text] = []
    participants: list[Text] = []
    renditions: list[RenditionModel] = []
    persons: list[PersonModel] = []
    origin: Text | None = None
    warnings: list[WarningModel] = []
    fingerprint: Text | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> RecordModel:
        extra = self.model_extra
        known = {f.name for f in dataclasses.fields(Record)} if extra else set()  # looked up only when needed
        unknown = sorted(set(extra or {}) - known)
        if unknown:
            raise ValueError(
                f"unknown field {unknown[0]!r}; Record JSON has {', '.join(sorted(known))}"
            )
        for number, person in enumerate(self.persons):
            if person.rendition is not None and person.rendition >= len(self.renditions):
                raise ValueError(
                    f"persons[{number}] points at rendition {person.rendition}, "
                    f"but the record has {len(self.renditions)}"
                )
        return self


# pydantic error types and what a user should read instead.
_EXPECTED = {
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "list_type": "expected a list",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "missing": "is required",
    "extra_forbidden": "is not a field here",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
    "greater_than_equal": "must not be negative",
    "less_than_equal": "must be at most 1",
}
_OBJECT_FIELDS = {
    "date": "text/earliest/latest/edtf",
    "source": "citation/repository/reference",
}


def check(data: Any, *, origin: str) -> None:
    """Raise RecordError `origin: field: what is wrong` for Record JSON that would not fit the archive."""
    if not isinstance(data, dict):
        raise RecordError(f"{origin}: expected a Record object, got {_kind(data)}")
    try:
        RecordModel.model_validate(data)
    except ValidationError as error:
        raise RecordError(f"{origin}: {_describe(error, data)}") from None
    try:
        HistoricalDate.from_dict(data.get("date") or {})
    except (TypeError, ValueError) as error:  # pragma: no cover - the model checks the same
        raise RecordError(f"{origin}: date: {error}") from None


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    first = error.errors(include_url=False)[0]
    loc = _path(first["loc"])
    kind = first["type"]
    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    where = f"record {record_id[:60]!r}: " if record_id and loc != "id" else ""
    if kind in ("value_error", "assertion_error"):
        message = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}{loc + ': ' if loc else ''}{message}"
    expected = _EXPECTED.get(kind, str(first["msg"]).lower())
    if expected == "expected an object" and loc in _OBJECT_FIELDS:
        expected += f" with {_OBJECT_FIELDS[loc]}"
    got = "" if kind in ("missing", "extra_forbidden") else f", got {_kind(first.get('input'))}"
    return f"{where}{loc}: {expected}{got}"


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).startswith(("function-", "constrained-")) or part in ("str", "int", "float", "none"):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text


def _kind(value: Any) -> str:
    names = {str: "text", dict: "an object", list: "a list", int: "a number", float: "a number", bool: "true/false"}
    if value is None:
        return "null"
    shown = repr(value)[:40] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    return names.get(type(value), type(value).__name__) + (f" {shown}" if shown else "")
