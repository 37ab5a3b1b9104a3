"""The one XML parser: entities, DTDs and broken XML are refused with file:line:column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fonds import safexml
from fonds.errors import RecordError


def test_parses_plain_xml() -> None:
    tree = safexml.parse(io.BytesIO(b"<a><b>text</b></a>"), origin="inline.xml")
    assert tree.getroot().findtext("b") == "text"


def test_malformed_xml_names_line_and_column(data: Path) -> None:
    with pytest.raises(RecordError) as error:
        safexml.parse((data / "frus_malformed.xml").read_bytes(), origin="frus_malformed.xml")
    assert str(error.value) == (
        "frus_malformed.xml:8:19: Opening and ending tag mismatch: p line 7 and div; "
        "the file is not well-formed XML, fix it and import it again"
    )


def test_billion_laughs_is_refused(data: Path) -> None:
    with pytest.raises(RecordError) as error:
        safexml.parse((data / "frus_billion_laughs.xml").read_bytes(), origin="laughs.xml")
    assert str(error.value) == (
        "laughs.xml:2:1: the DOCTYPE declares entities; fonds never expands XML entities "
        "(entity expansion and external entities are refused); remove the DOCTYPE"
    )


def test_external_entity_is_refused_without_reading_the_file(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    real_open = open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    content = (data / "frus_xxe.xml").read_bytes()
    monkeypatch.setattr("builtins.open", spy)
    with pytest.raises(RecordError, match=r"^xxe.xml:2:1: the DOCTYPE declares entities"):
        safexml.parse(content, origin="xxe.xml")
    assert opened == []


def test_external_dtd_is_refused(data: Path) -> None:
    with pytest.raises(RecordError) as error:
        safexml.parse((data / "frus_external_dtd.xml").read_bytes(), origin="dtd.xml")
    assert str(error.value) == (
        "dtd.xml:2:1: the DOCTYPE points at an external DTD; fonds never loads DTDs "
        "or anything outside the file; remove the DOCTYPE"
    )


def test_doctype_after_comments_is_found() -> None:
    text = b'<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(RecordError, match=r"^c.xml:3:1: the DOCTYPE declares entities"):
        safexml.parse(text, origin="c.xml")


def test_doctype_in_another_encoding_is_refused_after_parsing() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE a [<!ENTITY e "x">]>\n<a>&e;</a>'
    with pytest.raises(RecordError) as error:
        safexml.parse(text.encode("utf-16"), origin="u16.xml")
    assert "refuses DTDs" in str(error.value)


def test_entity_in_text_is_never_expanded() -> None:
    with pytest.raises(RecordError, match="Entity 'e' not defined"):
        safexml.parse(b"<a>&e;</a>", origin="e.xml")


def test_an_external_doctype_can_be_ignored_without_fetching_anything() -> None:
    text = b'<?xml version="1.0"?>\n<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd (EAD)//EN" "http://127.0.0.1:9/ead.dtd">\n<ead><eadheader/></ead>'
    with pytest.raises(RecordError, match="points at an external DTD"):
        safexml.parse(text, origin="f.xml")
    tree = safexml.parse(text, origin="f.xml", ignore_external_doctype=True)
    assert tree.getroot().tag == "ead" and tree.getroot().sourceline == 3
    assert tree.docinfo.system_url is None


def test_an_ignored_doctype_declares_no_entities() -> None:
    text = b'<!DOCTYPE ead SYSTEM "ead.dtd">\n<ead>&hidden;</ead>'
    with pytest.raises(RecordError, match="f.xml:2"):
        safexml.parse(text, origin="f.xml", ignore_external_doctype=True)
    internal = b'<!DOCTYPE ead SYSTEM "ead.dtd" [<!ENTITY a "b">]>\n<ead>&a;</ead>'
    with pytest.raises(RecordError, match="declares entities"):
        safexml.parse(internal, origin="f.xml", ignore_external_doctype=True)
