"""What differs between SQLite's SQL and PostgreSQL's in the queries both stores share.

The shared reads (store/reading.py) are written once, as templates with named fields, and each
store fills them in its dialect (`Dialect.sql`):

- `{p}` a parameter: `?` (sqlite3) or `%s` (psycopg);
- `{id_param}` a text parameter that starts a recursive query over collection ids: plain in
  SQLite; `%s::text COLLATE "C"` in PostgreSQL, whose id columns are `COLLATE "C"` (migrations.py)
  and which refuses a recursive query whose first term has another collation than the rest;
- `{false}`, `{true}` the boolean constants: `0`/`1` (SQLite keeps booleans as integers) or
  `FALSE`/`TRUE`;
- `{in_list}` "is one of a list given as one parameter" (`list_param` makes that parameter):
  `IN (SELECT value FROM json_each(?))` with a JSON array in SQLite, `= ANY(%s)` with a list in
  PostgreSQL.

`Dialect.staff` turns the `?` of the statements store/curation.py, proposals.py and
print_order.py write into the dialect's parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence


@dataclass(frozen=True)
class Dialect:
    """One SQL dialect's spellings (the module's docstring says what each field stands for)."""

    p: str
    id_param: str
    false: str
    true: str
    in_list: str
    list_param: Callable[[Sequence[str]], Any]

    def sql(self, template: str) -> str:
        """The template with its fields filled in this dialect (a template's braces are fields
        only: the shared queries hold no literal brace)."""
        return template.format(p=self.p, id_param=self.id_param, false=self.false, true=self.true,
                               in_list=self.in_list.format(p=self.p))

    def staff(self, sql: str) -> str:
        """A statement written with `?` parameters, in this dialect."""
        return sql if self.p == "?" else sql.replace("?", self.p)


SQLITE = Dialect(p="?", id_param="?", false="0", true="1", in_list="IN (SELECT value FROM json_each({p}))",
                 list_param=lambda values: json.dumps(list(values)))
POSTGRES = Dialect(p="%s", id_param='%s::text COLLATE "C"', false="FALSE", true="TRUE", in_list="= ANY({p})",
                   list_param=list)
