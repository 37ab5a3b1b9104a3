"""`python -m fonds.cli`: the fonds command."""

from fonds.cli import main

main()
