"""The XML of fonds' TEI: its namespaces, and elements and text made fit for XML 1.0.

Shared by the TEI export's header (`tei_header.py`) and its text (`tei.py`), and by the
exports that embed TEI or borrow its tokens (`dump.py`, `ead.py`).
"""

from __future__ import annotations

import re

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
XML_ID = f"{{{XML_NS}}}id"

# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Characters an NCName (xml:id) or XML Name token cannot hold.
NOT_NAME_CHAR = re.compile(r"[^A-Za-z0-9._-]+")


def name_token(value: str) -> str:
    """A value made fit for an xml:id (an NCName): letters, digits, `.`, `_`, `-`, starting with a letter."""
    token = NOT_NAME_CHAR.sub("-", value).strip("-") or "x"
    return token if token[0].isalpha() else f"r{token}"


def clean_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return NOT_XML.sub("", text)


def el(parent: etree._Element | None, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A TEI element `tag` (in the TEI namespace, declared as the default one on a root), appended
    to `parent` unless None, with its text and attributes made fit for XML (`safe_text`)."""
    name = f"{{{TEI_NS}}}{tag}"
    if parent is None:
        node = etree.Element(name, nsmap={None: TEI_NS})
    else:
        node = etree.SubElement(parent, name)
    for key, value in attributes.items():
        node.set(key, safe_text(value))
    if text:
        node.text = safe_text(text)
    return node


def append_text(parent: etree._Element, text: str) -> None:
    """Add `text` after `parent`'s last child (its tail), or to its text if it has none."""
    if not text:
        return
    text = safe_text(text)
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def safe_text(text: str) -> str:
    """Text with each character XML 1.0 cannot carry replaced by U+FFFD (visibly: nothing is lost silently)."""
    return NOT_XML.sub("\ufffd", text)


def attribute_token(value: str) -> str:
    """A value for a `data.enumerated` attribute (an XML Name): `unknown` if nothing is left, `x-` before a leading digit."""
    token = NOT_NAME_CHAR.sub("-", value).strip("-.") or "unknown"
    return token if re.match(r"[A-Za-z_]", token) else f"x-{token}"
