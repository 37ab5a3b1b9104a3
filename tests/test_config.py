"""Settings: layers, checks, masked passwords."""

from __future__ import annotations

import pytest

from fonds.config import Settings, load_settings, mask_password
from fonds.errors import ConfigError


def test_layers_environment_then_flags() -> None:
    settings = load_settings({"db": "b.db"}, environ={"FONDS_DB": "a.db", "FONDS_PAGE_SIZE": "5"})
    assert (settings.db, settings.page_size) == ("b.db", 5)


def test_bad_values_name_themselves() -> None:
    with pytest.raises(ConfigError, match="^FONDS_PAGE_SIZE='ten' is not a whole number$"):
        load_settings(environ={"FONDS_PAGE_SIZE": "ten"})
    with pytest.raises(ConfigError, match="^FONDS_SYNC_SECONDS='0' must be above zero$"):
        load_settings(environ={"FONDS_SYNC_SECONDS": "0"})


def test_passwords_are_masked() -> None:
    assert mask_password("postgresql://u:s3cret@h/db") == "postgresql://u:***@h/db"
    assert mask_password("postgresql://u@h/db?password=s3cret&x=1") == "postgresql://u@h/db?password=***&x=1"
    assert "s3cret" not in repr(Settings(db="postgresql://u:s3cret@h/db"))


def test_index_beside_the_database() -> None:
    assert str(Settings(db="a/fonds.db").index_path) == "a/fonds.db.index"


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("yes", True), ("On", True), ("false", False), ("0", False)])
def test_read_only_is_a_yes_or_no_setting(text: str, expected: bool) -> None:
    assert load_settings(environ={"FONDS_READ_ONLY": text}).read_only is expected


def test_a_yes_or_no_setting_refuses_other_words() -> None:
    with pytest.raises(ConfigError, match="FONDS_READ_ONLY='maybe' is not yes or no"):
        load_settings(environ={"FONDS_READ_ONLY": "maybe"})


@pytest.mark.parametrize("name", ["WORKERS", "OCR_WORKERS"])
def test_process_counts_have_a_ceiling(name: str) -> None:
    """A typo in FONDS_WORKERS must not start a thousand processes (it took the machine down once)."""
    with pytest.raises(ConfigError, match=f"^FONDS_{name}='1000' must be between 1 and 64$"):
        load_settings(environ={f"FONDS_{name}": "1000"})
    with pytest.raises(ConfigError, match="must be between 1 and 64"):
        load_settings(environ={f"FONDS_{name}": "65"})
    assert getattr(load_settings(environ={f"FONDS_{name}": "64"}), name.lower()) == 64


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-0.5"])
def test_a_number_setting_refuses_nan_and_infinity(value: str) -> None:
    """FONDS_SYNC_SECONDS=nan passed the "above zero" check (nan <= 0 is false) and reached the
    follower's sleep."""
    with pytest.raises(ConfigError, match=f"^FONDS_SYNC_SECONDS='{value}' must be above zero$"):
        load_settings(environ={"FONDS_SYNC_SECONDS": value})


def test_the_page_size_has_a_ceiling() -> None:
    """FONDS_PAGE_SIZE=100000000 asked every search page for a hundred million hits."""
    with pytest.raises(ConfigError, match="^FONDS_PAGE_SIZE='100000000' must be between 1 and 200$"):
        load_settings(environ={"FONDS_PAGE_SIZE": "100000000"})
    assert load_settings(environ={"FONDS_PAGE_SIZE": "200"}).page_size == 200
