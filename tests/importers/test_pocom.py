"""POCOM chiefs of mission: posts and dates, merged into hsg-people entries by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.errors import RecordError
from fonds.importers import authority_files, pocom


def test_chiefs_of_mission_with_posts(corpus: Path) -> None:
    entities = {e.id: e for e in pocom.read_folder(corpus / "authority" / "pocom")}
    assert len(entities) == 269
    thompson = entities["pocom:thompson-llewellyn-e"]
    assert thompson.preferred == "Thompson, Llewellyn E., Jr."
    assert thompson.dates == "1904–1972"
    assert thompson.description == (
        "Ambassador Extraordinary and Plenipotentiary, Russia, 1957-07-16–1962-07-27; "
        "Ambassador Extraordinary and Plenipotentiary, Russia, 1967-01-23–1969-01-14"
    )
    assert "Llewellyn E. Thompson, Jr." in thompson.names
    acheson = entities["pocom:acheson-dean-gooderham"]
    assert "Secretary of State" in (acheson.description or "")


def test_name_key() -> None:
    assert authority_files.name_key("Thompson, Llewellyn E. (“Tommy”), Jr.") == ("thompson", "llewellyn", "e")
    assert authority_files.name_key("Thompson, Llewellyn E., Jr.") == ("thompson", "llewellyn", "e")
    assert authority_files.name_key("Kennedy") is None


def test_authority_folder_merges_chiefs_into_people(corpus: Path) -> None:
    entities, files = authority_files.read_authority(corpus / "authority")
    assert len(files) == 2
    by_id = {e.id: e for e in entities}
    assert "pocom:thompson-llewellyn-e" not in by_id
    (thompson,) = [e for e in entities if "https://history.state.gov/departmenthistory/people/thompson-llewellyn-e" in e.sources]
    assert thompson.id.startswith("hsg:")
    assert "Posts: Ambassador Extraordinary and Plenipotentiary, Russia" in (thompson.description or "")


def test_not_a_pocom_folder(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"not a POCOM folder"):
        pocom.read_folder(tmp_path)
    with pytest.raises(RecordError, match=r"holds no authority files fonds reads"):
        authority_files.read_authority(tmp_path)
