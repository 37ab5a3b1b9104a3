"""Word-processor HTML (the Wilson Center's transcripts) cleaned to plain text, paragraphs kept.

lxml parses the HTML and lxml_html_clean's Cleaner drops scripts, styles, comments (Word's
conditional ones included) and Office's `<o:p>`/`<xml>` islands; the text of each block element
(p, div, li, headings, table cells) then becomes one paragraph. No regular expression touches HTML.
"""

from __future__ import annotations

from lxml import html
from lxml_html_clean import Cleaner

BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 blockquote pre tr td th dt dd address section article header footer".split()
)
_CLEANER = Cleaner(
    scripts=True, javascript=True, comments=True, style=True, inline_style=True, links=False,
    meta=True, page_structure=False, processing_instructions=True, embedded=True, frames=True,
    forms=True, annoying_tags=True, remove_unknown_tags=False, safe_attrs_only=True,
    kill_tags=["xml", "head", "title"],
)
BREAK = "\u2029"  # PARAGRAPH SEPARATOR: marks block ends while the tree is flattened


def to_text(markup: str) -> str:
    """The text of an HTML document: one paragraph per block element, separated by blank lines,
    spaces inside a paragraph collapsed. An empty or text-less document gives ''."""
    if not markup.strip():
        return ""
    document = html.document_fromstring(markup)
    cleaned = _CLEANER.clean_html(document)
    for element in cleaned.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.tag.lower()  # Office tags keep their prefix (o:p): never a block
        if name in BLOCKS:
            element.tail = BREAK + (element.tail or "")
            element.text = BREAK + (element.text or "")
        elif name == "br":
            element.tail = "\n" + (element.tail or "")
    text = cleaned.text_content().replace("\u00a0", " ")
    paragraphs = (" ".join(part.split()) for part in text.split(BREAK))
    return "\n\n".join(p for p in paragraphs if p)
