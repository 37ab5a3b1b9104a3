from __future__ import annotations

import json
from dataclasses import replace

from fonds.dates import parse_date
from fonds.exports import csl_json
from fonds.record import Record


def test_the_shared_record_field_by_field(wilson_record: Record) -> None:
    [item] = json.loads(csl_json.write(wilson_record))
    assert item == {
        "id": "wcda-110485",
        "type": "manuscript",
        "title": wilson_record.title,
        "genre": "Memorandum of Conversation",
        "translator": [{"family": "Radchenko", "given": "Sergey"}],
        "issued": {"date-parts": [[1962, 8, 14]]},
        "abstract": wilson_record.summary,
        "archive": "Archive of the Foreign Policy of the Russian Federation",
        "archive_location": "fond 0102, opis 18, papka 93, delo 5, listy 3-9",
        "archive-place": "Moscow",
        "collection-title": "North Korea International Documentation Project",
        "number": "110485",
        "URL": "https://digitalarchive.wilsoncenter.org/document/110485",
        "language": "en",
        "note": "Original language: Russian\nObtained and translated for NKIDP by Sergey Radchenko",
    }


def test_approximate_ranged_and_undated_dates(wilson_record: Record) -> None:
    circa = csl_json.build_item(replace(wilson_record, date=parse_date("c. 1962")))
    assert circa["issued"] == {"date-parts": [[1962]], "circa": True}
    month = csl_json.build_item(replace(wilson_record, date=parse_date("August 1962")))
    assert month["issued"] == {"date-parts": [[1962, 8]]}
    span = csl_json.build_item(replace(wilson_record, date=parse_date("August 14-16, 1962")))
    assert span["issued"] == {"date-parts": [[1962, 8, 14], [1962, 8, 16]]}
    undated = csl_json.build_item(replace(wilson_record, date=parse_date("n.d.")))
    assert undated["issued"] == {"literal": "n.d."}


def test_an_organization_translator_is_one_literal_name(frus_like_record: Record) -> None:
    item = csl_json.build_item(frus_like_record)
    assert item["translator"] == [{"literal": "Department of State Division of Language Services"}]


def test_hostile_record_round_trips_through_json(hostile_record: Record) -> None:
    [item] = json.loads(csl_json.write(hostile_record))
    assert item["title"] == hostile_record.title
    assert [n for n in item["translator"]][1] == {"family": "Petrov", "given": "Ivan"}


def test_a_korean_name_keeps_its_order_in_csl() -> None:
    from fonds.exports.citation import split_name
    from fonds.exports.csl_json import csl_name

    assert csl_name(split_name("Kim Il Sung")) == {"family": "Kim", "given": "Il Sung", "static-ordering": True}
    assert csl_name(split_name("Sergey Radchenko")) == {"family": "Radchenko", "given": "Sergey"}
