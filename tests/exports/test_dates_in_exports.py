"""Every date form, in every place a date is shown or exported: it stays what was printed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from fonds.dates import parse_date
from fonds.exports import bibtex, citation, csl_json, dublin_core, ris, tei
from fonds.record import Record

# printed: (citation_date, Chicago, CSL-JSON issued, biblatex date, RIS DA, dc:date values)
FORMS: dict[str, tuple[str | None, str, dict[str, object], str | None, str | None, list[str]]] = {
    "August 14, 1962": ("1962/08/14", "August 14, 1962", {"date-parts": [[1962, 8, 14]]}, "1962-08-14", "1962/08/14/", ["1962-08-14"]),
    "August 1962": ("1962/08", "August 1962", {"date-parts": [[1962, 8]]}, "1962-08", "1962/08//", ["1962-08"]),
    "c. 1962": ("1962", "ca. 1962", {"date-parts": [[1962]], "circa": True}, "1962~", "1962///c. 1962", ["1962~", "c. 1962"]),
    "[1962]": ("1962", "[1962]", {"date-parts": [[1962]]}, "1962", "1962///[1962]", ["1962", "[1962]"]),
    "1962?": ("1962", "1962?", {"date-parts": [[1962]]}, "1962?", "1962///1962?", ["1962?", "1962?"]),
    "August 14–16, 1962": (
        "1962/08/14", "August 14–16, 1962", {"date-parts": [[1962, 8, 14], [1962, 8, 16]]},
        "1962-08-14/1962-08-16", "1962/08/14/August 14–16, 1962", ["1962-08-14/1962-08-16"],
    ),
    "August 31 - September 2, 1962": (
        "1962/08/31", "August 31–September 2, 1962", {"date-parts": [[1962, 8, 31], [1962, 9, 2]]},
        "1962-08-31/1962-09-02", "1962/08/31/August 31 - September 2, 1962", ["1962-08-31/1962-09-02"],
    ),
    "1962–63": ("1962", "1962–1963", {"date-parts": [[1962], [1963]]}, "1962/1963", "1962///1962–63", ["1962/1963"]),
    "Spring 1962": ("1962", "Spring 1962", {"date-parts": [[1962]], "season": 1}, "1962-21", "1962///Spring 1962", ["1962-21", "Spring 1962"]),
    "after 1962": ("1962", "after 1962", {"literal": "after 1962"}, "1962/..", "1962///after 1962", ["1962/..", "after 1962"]),
    "before 14 August 1962": (
        "1962/08/14", "before August 14, 1962", {"literal": "before 14 August 1962"}, "../1962-08-14",
        "1962/08/14/before 14 August 1962", ["../1962-08-14", "before 14 August 1962"],
    ),
    "late August 1962": (
        "1962/08/21", "late August 1962", {"literal": "late August 1962"}, "1962-08-21/1962-08-31",
        "1962/08/21/late August 1962", ["1962-08-21~/1962-08-31~", "late August 1962"],
    ),
    "January 23, 1968, 2121Z": (
        "1968/01/23", "January 23, 1968, 2121Z", {"date-parts": [[1968, 1, 23]]}, "1968-01-23T21:21:00Z",
        "1968/01/23/January 23, 1968, 2121Z", ["1968-01-23T21:21:00Z"],
    ),
    "n.d.": (None, "n.d.", {"literal": "n.d."}, None, None, ["n.d."]),
}


def _dated(record: Record, printed: str) -> Record:
    return replace(record, date=parse_date(printed))


@pytest.mark.parametrize("printed", list(FORMS))
def test_a_date_in_every_export(wilson_record: Record, printed: str) -> None:
    highwire, chicago_date, issued, biblatex, da, dc = FORMS[printed]
    record = _dated(wilson_record, printed)
    assert citation.highwire_date(record.date) == highwire
    assert citation.display_date(record.date) == chicago_date
    assert csl_json.build_item(record)["issued"] == issued
    assert json.loads(csl_json.write(record))[0]["issued"] == issued
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bibtex.write(record), re.M))
    assert fields.get("date") == biblatex
    tags = re.findall(r"^([A-Z][A-Z0-9])  - (.*)\r$", ris.write(record), re.M)
    assert dict(tags).get("DA") == da
    assert not any(value.startswith("///") for tag, value in tags if tag == "DA"), "RIS DA is never ///n.d."
    root = etree.fromstring(dublin_core.write(record).encode())
    assert [e.text for e in root.iter("{http://purl.org/dc/elements/1.1/}date")] == dc


def test_undated_records_keep_the_printed_words_in_ris_and_bibtex(wilson_record: Record) -> None:
    record = _dated(wilson_record, "n.d.")
    assert "N1  - Date: n.d.\r\n" in ris.write(record)
    assert "PY  -" not in ris.write(record)
    assert "note = {n.d.; " in bibtex.write(record)


T = "{http://www.tei-c.org/ns/1.0}"


@pytest.mark.parametrize(
    ("printed", "attributes"),
    [
        ("August 14, 1962", {"when": "1962-08-14"}),
        ("August 1962", {"when": "1962-08"}),
        ("c. 1962", {"notBefore": "1961-01-01", "notAfter": "1963-12-31", "cert": "medium"}),
        ("1962?", {"when": "1962", "cert": "low"}),
        ("[1962]", {"when": "1962", "evidence": "conjecture"}),
        ("August 14–16, 1962", {"notBefore": "1962-08-14", "notAfter": "1962-08-16"}),
        ("Winter 1962", {"notBefore": "1962-12-01", "notAfter": "1963-02-28"}),
        ("after 1962", {"notBefore": "1962-01-01"}),
        ("before 1962", {"notAfter": "1962-12-31"}),
        ("January 23, 1968, 2121Z", {"when": "1968-01-23T21:21:00Z"}),
        ("October 22, 1962, 7 p.m.", {"when": "1962-10-22T19:00:00"}),
        ("n.d.", {}),
    ],
)
def test_tei_dates(wilson_record: Record, printed: str, attributes: dict[str, str]) -> None:
    root = etree.fromstring(tei.write(_dated(wilson_record, printed)).encode())
    for tag in ("origDate", "date"):
        found = next(root.iter(f"{T}{tag}"))
        assert dict(found.attrib) == attributes and found.text == printed


def test_every_date_form_validates_in_tei(
    wilson_record: Record, tmp_path: Path, jing: Callable[[list[Path]], list[str]]
) -> None:
    paths = []
    for number, printed in enumerate([
        *FORMS, "Winter 1962", "ca. 1962?", "October 22, 1962, 10 p.m. EDT", "20th century", "1939, 1941, 1942",
        "circa 1940s-1950s", "Mitte August 1962", "б.д.", "1962-08-14 0900 EST",
    ]):
        path = tmp_path / f"{number}.xml"
        path.write_text(tei.write(_dated(wilson_record, printed)), encoding="utf-8")
        paths.append(path)
    assert jing(paths) == []
