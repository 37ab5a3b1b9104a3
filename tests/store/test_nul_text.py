"""A NUL character (U+0000) in an id, a name or a note handed to the store (typed into a URL or a
staff form): PostgreSQL's text cannot hold one and psycopg refused it with a DataError, a 500 on
every page that looked it up. Both stores now answer with a FondsError (NotFound, or BadRequest
naming the NUL) and store nothing."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from fonds.errors import BadRequest, FondsError, NotFound
from fonds.record import Record
from fonds.store import open_store
from fonds.store.base import Store

NUL_ID = "rec\x00-1"


@pytest.mark.parametrize("lookup", [
    lambda s: s.get_stored(NUL_ID), lambda s: s.get(NUL_ID), lambda s: s.get_entity(NUL_ID),
    lambda s: s.get_version(NUL_ID, 1), lambda s: s.versions(NUL_ID) or s.get(NUL_ID),
])
def test_an_id_holding_a_nul_is_a_fonds_error_on_both_stores(store: Store, lookup: Callable[[Store], Any]) -> None:
    with pytest.raises(FondsError) as error:
        lookup(store)
    assert isinstance(error.value, (NotFound, BadRequest))
    if isinstance(error.value, BadRequest):
        assert "NUL character (U+0000)" in str(error.value)


@pytest.mark.postgres
def test_a_reason_or_an_id_holding_a_nul_is_refused_by_postgresql_and_nothing_is_stored(
    postgres_url: str, make_record: Callable[..., Record]
) -> None:
    with open_store(postgres_url) as store:
        store.add([make_record("rec-1")])
        with pytest.raises(BadRequest, match="NUL character"):
            store.withdraw("rec-1", "rights\x00 not cleared", agent="user ed")
        with pytest.raises(BadRequest, match="NUL character"):
            store.withdraw(NUL_ID, "a reason", agent="user ed")
        assert store.get("rec-1").id == "rec-1"
        assert [v.kind for v in store.versions("rec-1")] == ["change"]
