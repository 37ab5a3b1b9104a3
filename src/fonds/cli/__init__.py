"""The `fonds` command: `main` is the group; each module below adds its commands to it."""

import sys

from fonds.priority import idle_process

if "ingest" in sys.argv[1:] and "--background" in sys.argv[1:]:  # before the imports below (~0.4 CPU s)
    idle_process()  # `fonds ingest --background`: the command itself sets it again (fonds/cli/archive.py)

from fonds.cli import archive, authority, curation, holdings, renditions, repositories, upkeep  # noqa: E402,F401  (each module registers its commands)
from fonds.cli.main import main  # noqa: E402

__all__ = ["main"]
