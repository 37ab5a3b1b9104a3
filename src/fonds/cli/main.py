"""The `fonds` command group, its context and what every command shares.

Each module of this package adds its commands to `main`; `fonds/cli/__init__.py`
imports them all. A command parses its arguments, calls the library, prints the result.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import click

from fonds.config import Settings, load_settings
from fonds.errors import FondsError, bounded
from fonds.index import Index
from fonds.store import open_store
from fonds.store.base import Store

@dataclass
class Context:
    """What every command gets: the settings, and the store and index opened on first use."""

    settings: Settings
    _store: Store | None = None
    _index: Index | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.db, read_only=self.settings.read_only)
        return self._store

    def index(self, *, catch_up: bool = True) -> Index:
        """The search index, brought up to date with the store's change log."""
        if self._index is None:
            self._index = Index(self.settings.index_path)
            if catch_up:
                self._index.update(self.store)
        return self._index

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def fail(error: FondsError) -> None:
    """Print a FondsError as one line and exit 1."""
    click.echo(f"fonds: {error}", err=True)
    sys.exit(1)


class FondsGroup(click.Group):
    """Shows a FondsError as one line and exit code 1: no traceback for the user's own mistakes.
    click's own usage errors (a value not among the choices...) echo a bounded piece of the value."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FondsError as error:
            fail(error)
        except click.ClickException as error:
            setattr(error, "message", bounded(error.message))  # click types it Final; it is a plain attribute
            raise


@click.group(cls=FondsGroup)
@click.option("--db", envvar="FONDS_DB", help="Database: a file (default ./fonds.db), sqlite:///PATH or postgresql://...")
@click.option("--index", "index_path", envvar="FONDS_INDEX", help="Folder of the search index (default: beside the database).")
@click.version_option(package_name="fonds")
@click.pass_context
def main(ctx: click.Context, db: str | None, index_path: str | None) -> None:
    """fonds: a digital archive for translated historical documents.

    Example: fonds ingest records/ && fonds search 'Kim Il Sung date:1962'
    """
    try:
        settings = load_settings({"db": db, "index": index_path})
    except FondsError as error:
        fail(error)
    context = Context(settings)
    ctx.obj = context
    ctx.call_on_close(context.close)


pass_context = click.make_pass_decorator(Context)


class NoBar:
    """A progress bar that shows nothing (output is not a terminal)."""

    def update(self, _n: int) -> None:
        pass

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def no_bar() -> Any:
    """A context manager that stands in for click.progressbar."""
    return NoBar()
