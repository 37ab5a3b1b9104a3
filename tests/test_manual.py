"""The documentation covers every command, setting and route, and the generated pages are current."""

from __future__ import annotations

from pathlib import Path

import click

from fonds.cli import main
from fonds.manual import PAGES, _commands
from fonds.web.app import ROUTES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_generated_pages_are_current() -> None:
    for name, render in PAGES.items():
        assert (DOCS / name).read_text(encoding="utf-8") == render(), (
            f"docs/{name} is out of date: run python -m fonds.manual"
        )


def test_every_command_has_help_with_an_example() -> None:
    for path, command in _commands(main, "fonds"):
        assert command.help, f"{path} has no help"
        if not isinstance(command, click.Group):
            assert "Example: fonds" in command.help, f"{path} has no example in its help"


def test_every_route_is_documented() -> None:
    web = (DOCS / "web.md").read_text(encoding="utf-8")
    missing = [path for path, _view, _name in ROUTES if path.split("{")[0].rstrip("/") not in web]
    assert missing == []
