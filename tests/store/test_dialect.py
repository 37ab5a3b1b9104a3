"""The two stores' SQL dialects: one template, each store's spelling."""

from __future__ import annotations

import json

from fonds.store.dialect import POSTGRES, SQLITE

TEMPLATE = "SELECT id FROM records WHERE is_deleted = {false} AND seq > {p} AND id {in_list} AND {true}"


def test_sqlite_spells_parameters_and_booleans_its_way() -> None:
    assert SQLITE.sql(TEMPLATE) == (
        "SELECT id FROM records WHERE is_deleted = 0 AND seq > ? AND id IN (SELECT value FROM json_each(?)) AND 1"
    )
    assert json.loads(SQLITE.list_param(("a", "b"))) == ["a", "b"]


def test_postgres_spells_parameters_and_booleans_its_way() -> None:
    assert POSTGRES.sql(TEMPLATE) == "SELECT id FROM records WHERE is_deleted = FALSE AND seq > %s AND id = ANY(%s) AND TRUE"
    assert POSTGRES.list_param(("a", "b")) == ["a", "b"]


def test_a_recursive_query_starts_from_a_parameter_in_the_id_columns_collation() -> None:
    assert SQLITE.sql("SELECT {id_param}") == "SELECT ?"
    assert POSTGRES.sql("SELECT {id_param}") == 'SELECT %s::text COLLATE "C"'


def test_staff_statements_written_with_question_marks_take_each_dialects_parameter() -> None:
    statement = "SELECT state FROM pending_work WHERE task = ? AND at > ?"
    assert SQLITE.staff(statement) == statement
    assert POSTGRES.staff(statement) == "SELECT state FROM pending_work WHERE task = %s AND at > %s"
