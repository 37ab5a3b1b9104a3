"""Schema validation with jing (RELAX NG): what did not validate, by line.

The schemas (ead2002.rng, ead3.rng, tei_all.rng) are not shipped with fonds; they are looked
for in `FONDS_SCHEMAS`, then `../shared/schemas` from the working folder, then beside the
source tree. Without jing or the schema, `validate` says so instead of checking.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^.*?:(\d+):(\d+): (?:error|fatal): (.*)$")
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Finding:
    """One place where a document does not fit its schema (line 0: about the whole check)."""

    line: int
    message: str


def schema_path(name: str) -> Path | None:
    """Where a schema file is, or None."""
    candidates = [Path(p) / name for p in os.environ.get("FONDS_SCHEMAS", "").split(os.pathsep) if p]
    candidates += [Path.cwd().parent / "shared" / "schemas" / name, Path(__file__).resolve().parents[3] / "shared" / "schemas" / name]
    return next((p for p in candidates if p.is_file()), None)


def validate(data: bytes, schema: str) -> list[Finding]:
    """What in `data` (an XML document) does not validate against `schema` (a file name such as
    `ead2002.rng`); empty when it validates."""
    path = schema_path(schema)
    jing = shutil.which("jing")
    if path is None:
        return [Finding(0, f"not checked against {schema}: the schema was not found (set FONDS_SCHEMAS to its folder)")]
    if jing is None:
        return [Finding(0, f"not checked against {schema}: jing is not installed")]
    with tempfile.NamedTemporaryFile(suffix=".xml") as document:
        document.write(data)
        document.flush()
        try:
            done = subprocess.run([jing, str(path), document.name], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return [Finding(0, f"not checked against {schema}: jing took longer than {TIMEOUT_SECONDS} s")]
    findings = []
    for line in done.stdout.splitlines() + done.stderr.splitlines():
        found = _LINE.match(line)
        if found:
            findings.append(Finding(int(found.group(1)), found.group(3)))
    if done.returncode != 0 and not findings:
        findings.append(Finding(0, f"jing failed: {(done.stderr or done.stdout).strip()[:200]}"))
    return findings
