"""Settings: read once at startup, checked once.

Each layer overrides the one before: defaults, a settings file (`fonds.toml`
in the working folder, or FONDS_CONFIG), `FONDS_*` environment variables, and
CLI flags.
"""

from __future__ import annotations

import math

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from fonds.errors import ConfigError

MAX_PROCESSES = 64  # most worker processes a setting may ask for (as `fonds serve --workers`)
MAX_PAGE_SIZE = 200  # most search hits a page may ask for: each is fetched, snippeted and drawn


@dataclass(frozen=True)
class Settings:
    db: str = field(default="fonds.db", metadata={"help": "database: a file, sqlite:///PATH or postgresql://..."})
    index: str = field(default="", metadata={"help": "folder of the Tantivy index (default: beside the database)"})
    page_size: int = field(default=20, metadata={"help": "search hits per page", "max": MAX_PAGE_SIZE})
    base_url: str = field(default="", metadata={"help": "public address of the archive, for citations and OAI-PMH"})
    repository_name: str = field(default="fonds archive", metadata={"help": "the archive's name, shown on pages and in OAI-PMH"})
    admin_email: str = field(default="archivist@example.org", metadata={"help": "contact address given in OAI-PMH Identify"})
    sync_seconds: float = field(default=2.0, metadata={"help": "how often a server follows the change log into its index"})
    files: str = field(default="", metadata={"help": "folder of attached files: scans, transcripts (default: beside the database)"})
    ocr_workers: int = field(default=2, metadata={"help": "worker processes that OCR scanned pages", "max": MAX_PROCESSES})
    max_pages: int = field(default=2000, metadata={"help": "most pages one attached PDF or scan may have"})
    max_upload_mb: int = field(default=200, metadata={"help": "largest upload (all its files together) an editor may send in the browser, in MB"})
    session_secret: str = field(default="", metadata={"help": "secret that signs staff session cookies (default: one fonds makes and keeps in the database)"})
    workers: int = field(default=1, metadata={"help": "web worker processes `fonds serve` starts (one more process follows the change log into the index when above 1)", "max": MAX_PROCESSES})
    harvest_timeout: float = field(default=30.0, metadata={"help": "seconds `fonds harvest` waits to connect to a repository and for each read of its answer; a silent one is an error naming it", "max": 3600})
    read_only: bool = field(default=False, metadata={"help": "open the database only to read (nodes on a PostgreSQL hot standby); writes are refused"})

    @property
    def index_path(self) -> Path:
        if self.index:
            return Path(self.index)
        if self.db.startswith(("postgresql://", "postgres://")):
            safe = re.sub(r"[^A-Za-z0-9]+", "_", mask_password(self.db).split("@")[-1])
            return Path(f"fonds-index-{safe}")
        path = self.db[len("sqlite:///"):] if self.db.startswith("sqlite:///") else self.db
        return Path(path + ".index")

    @property
    def files_path(self) -> Path:
        """The folder of attached files: `FILES` if set, else beside the database (see renditions/files.py)."""
        if self.files:
            return Path(self.files)
        if self.db.startswith(("postgresql://", "postgres://")):
            safe = re.sub(r"[^A-Za-z0-9]+", "_", mask_password(self.db).split("@")[-1])
            return Path(f"fonds-files-{safe}")
        path = self.db[len("sqlite:///"):] if self.db.startswith("sqlite:///") else self.db
        return Path(path + ".files")

    def __repr__(self) -> str:
        return f"Settings(db={mask_password(self.db)!r}, index={self.index!r}, page_size={self.page_size})"


def mask_password(url: str) -> str:
    """postgresql://user:secret@host/db -> postgresql://user:***@host/db"""
    masked = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", masked)


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the settings file, then FONDS_* variables, then `overrides` (CLI flags)."""
    env = os.environ if environ is None else environ
    settings = Settings()
    config_file = Path(env.get("FONDS_CONFIG", "fonds.toml"))
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{config_file}: not a valid TOML settings file ({error})") from error
        settings = _apply(settings, data, str(config_file))
    from_env = {f.name: env[f"FONDS_{f.name.upper()}"] for f in fields(Settings) if f"FONDS_{f.name.upper()}" in env}
    settings = _apply(settings, from_env, "environment")
    return _apply(settings, {k: v for k, v in (overrides or {}).items() if v is not None}, "command line")


def _apply(settings: Settings, values: Mapping[str, Any], where: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise ConfigError(f"{where}: unknown setting {name!r}; known: {', '.join(known)}")
        kind = type(getattr(Settings(), name))
        label = f"FONDS_{name.upper()}" if where == "environment" else name
        if kind is bool:
            changes[name] = _boolean(value, label)
            continue
        try:
            changes[name] = kind(value)
        except (TypeError, ValueError):
            noun = {int: "a whole number", float: "a number"}.get(kind, "text")
            raise ConfigError(f"{label}={value!r} is not {noun}") from None
        if kind in (int, float) and not 0 < changes[name] < math.inf:  # nan and inf too
            raise ConfigError(f"{label}={value!r} must be above zero")
        most = known[name].metadata.get("max")
        if most is not None and changes[name] > most:  # processes: a typo must not start a thousand
            raise ConfigError(f"{label}={value!r} must be between 1 and {most}")
    return replace(settings, **changes)


def _boolean(value: Any, label: str) -> bool:
    """A yes/no setting: a bool, or one of true/false, yes/no, on/off, 1/0 (any case)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", ""):
        return False
    raise ConfigError(f"{label}={value!r} is not yes or no (true/false, on/off, 1/0)")


def describe_settings() -> list[tuple[str, str, str]]:
    """(name, default, help) for every setting: the generated settings reference."""
    return [(f.name, repr(f.default), f.metadata["help"]) for f in fields(Settings)]
