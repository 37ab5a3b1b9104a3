"""The `fonds` command: `main` is the group; each module below adds its commands to it."""

from fonds.cli import archive, authority, curation, holdings, renditions, repositories, upkeep  # noqa: F401  (each module registers its commands)
from fonds.cli.main import main

__all__ = ["main"]
