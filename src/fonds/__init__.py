"""fonds: a digital archive for translated historical documents."""

from fonds.record import Record
from fonds.store import open_store

__version__ = "0.1.0"
__all__ = ["Record", "open_store", "__version__"]
